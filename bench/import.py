"""Bulk WARC import on every core: records/s for ``import -j 1`` and ``-j 2``, the overhead
of import over bare extraction of the same pages, peak memory per process, and the WARC
reader (warcio against fastwarc, when installed) on the same file.

The WARC is built from the labelled benchmark pages in ``../shared/bench`` (each page
many times, under varied URLs and dates, one record in ten an exact duplicate of an
earlier one, as re-crawls are) until it reaches ``--size`` bytes (default 1 GB). Every
timed run happens in this one invocation on the same file, so the ratios hold on any
machine; absolute rates do not.

Usage::

    python bench/import.py                     # 1 GB (takes a while: ~2 passes of extraction)
    python bench/import.py --size 50MB         # a quick look
    python bench/import.py --json out.json

Goals (issue 17): -j 2 at least 1.8x -j 1 on a 2-core machine; import at most 15% slower
than bare extraction; peak memory per process flat in the size of the input (compare
``--size`` 1/4 and 1: the ``--half-check`` run does).

What two processes can do on this machine is measured too, as the anchor for ``-j 2``:
bare extraction of the first quarter of the records by one process, then by two at
once (each all of that quarter). Their ratio is the machine's own ceiling for any
two-process extraction (virtual cores that share a physical one, or a busy host, give
less than 2x), and ``-j 2 / -j 1`` is printed against it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "bench"


def _size(text: str) -> int:
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9}
    for unit, factor in units.items():
        if text.upper().endswith(unit):
            return int(float(text[:-2]) * factor)
    return int(text)


def benchmark_pages(data: Path) -> list[bytes]:
    """Every labelled page of the three sets, as bytes."""
    pages: list[bytes] = []
    for pattern in ("article-extraction-benchmark/html/*.html.gz", "wcxb-dev/html/*.html.gz",
                    "wcxb-dev/html/*.html", "trafilatura-eval/pages/*.html.gz"):
        for path in sorted(data.glob(pattern)):
            raw = path.read_bytes()
            pages.append(gzip.decompress(raw) if path.suffix == ".gz" else raw)
    if not pages:
        raise SystemExit(f"no benchmark pages under {data} (give --data)")
    return pages


def build_warc(pages: list[bytes], target: Path, size: int, seed: int = 17) -> int:
    """Write response records (gzip per record) until the file reaches ``size`` bytes;
    returns the number of records."""
    rng = random.Random(seed)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    written: list[tuple[str, str, bytes]] = []
    with target.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True, warc_version="1.1")
        n = 0
        while fh.tell() < size:
            if written and rng.random() < 0.1:  # a re-crawl that found the same bytes
                url, _, body = rng.choice(written)
                when = (start + dt.timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
            else:
                body = pages[n % len(pages)]
                url = f"https://site{n % 97}.example/{n // 97}/story-{n}.html"
                when = (start + dt.timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
                if len(written) < 5000:
                    written.append((url, when, body))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                               ("Content-Length", str(len(body)))],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body),
                http_headers=http, warc_headers_dict={"WARC-Date": when}))
            n += 1
    return n


_PEAK = """
import atexit, resource, sys
def _peak():  # the largest of this process and the workers it waited for, in KB
    r = resource.getrusage
    print("PEAK", max(r(resource.RUSAGE_SELF).ru_maxrss, r(resource.RUSAGE_CHILDREN).ru_maxrss),
          file=sys.stderr)
atexit.register(_peak)
"""


def _child(code: str, *args: str, copies: int = 1) -> tuple[float, int, str]:
    """Run Python code in a child process (``copies`` of them at once): (seconds until
    the last ends, peak RSS in MB of the largest process of that run, the first's
    stdout)."""
    start = time.monotonic()
    children = [subprocess.Popen([sys.executable, "-c", _PEAK + code, *args],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
                for _ in range(copies)]
    outputs = [child.communicate() for child in children]
    seconds = time.monotonic() - start
    for child, (_, stderr) in zip(children, outputs, strict=True):
        if child.returncode not in (0, 1):
            raise SystemExit(f"child failed: {stderr[-2000:]}")
    peak = max((int(line.split()[1]) for _, stderr in outputs for line in stderr.splitlines()
                if line.startswith("PEAK ")), default=0)
    return seconds, peak // 1024, outputs[0][0]


_BARE = """
import sys, time
from pathlib import Path
from archive.reader import read_records
from scraper.extract import Extractor
ex = Extractor(); n = 0
limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
for k, item in enumerate(read_records(Path(sys.argv[1]))):
    if k == limit:
        break
    if item.response is not None and item.response.status == 200:
        ex.extract(item.response.content, item.response.url, item.response.content_type)
        n += 1
print(n)
"""

_IMPORT = """
import sys
from scraper.cli import main
sys.exit(main(["import", sys.argv[1], "-j", sys.argv[2], "-q", "--json",
               "--archive", sys.argv[3]]))
"""

_READ_WARCIO = """
import sys
from warcio.archiveiterator import ArchiveIterator
n = 0
with open(sys.argv[1], "rb") as fh:
    for record in ArchiveIterator(fh):
        record.content_stream().read(); n += 1
print(n)
"""

_READ_FASTWARC = """
import sys
from fastwarc.warc import ArchiveIterator
n = 0
with open(sys.argv[1], "rb") as fh:
    for record in ArchiveIterator(fh, parse_http=True):
        record.reader.read(); n += 1
print(n)
"""

_READ_OURS = """
import sys
from pathlib import Path
from archive.reader import read_records
print(sum(1 for _ in read_records(Path(sys.argv[1]))))
"""


def run(args: argparse.Namespace) -> dict[str, object]:
    work = Path(args.workdir or tempfile.mkdtemp(prefix="bench-import-"))
    work.mkdir(parents=True, exist_ok=True)
    warc = work / "bench.warc.gz"
    pages = benchmark_pages(args.data)
    started = time.monotonic()
    records = build_warc(pages, warc, args.size)
    print(f"built {warc} ({warc.stat().st_size / 1e6:.0f} MB, {records} records from "
          f"{len(pages)} pages) in {time.monotonic() - started:.0f}s", flush=True)
    out: dict[str, object] = {"records": records, "bytes": warc.stat().st_size,
                              "cores": os.cpu_count()}
    readers = {"warcio": _READ_WARCIO, "ours (warcio, checked)": _READ_OURS}
    try:
        import fastwarc  # noqa: F401

        readers["fastwarc"] = _READ_FASTWARC
    except ImportError:
        print("fastwarc not installed: pip install fastwarc to compare it")
    for name, code in readers.items():
        seconds, _, _ = _child(code, str(warc))
        out[f"read {name} records/s"] = round(records / seconds)
        print(f"read with {name}: {records / seconds:,.0f} records/s", flush=True)
    seconds, peak, _ = _child(_BARE, str(warc))
    out["bare extraction records/s"] = round(records / seconds)
    out["bare extraction peak MB"] = peak
    print(f"bare extraction (1 process): {records / seconds:,.1f} records/s, "
          f"{peak} MB", flush=True)
    quarter = str(records // 4)
    one_seconds, _, _ = _child(_BARE, str(warc), quarter)
    two_seconds, _, _ = _child(_BARE, str(warc), quarter, copies=2)
    ceiling = round(2 * one_seconds / two_seconds, 2)
    out["two processes / one (bare extraction)"] = ceiling
    print(f"this machine's ceiling for two processes: {ceiling}x one", flush=True)
    for jobs in args.jobs:
        arc = work / f"arc-j{jobs}"
        seconds, peak, stdout = _child(_IMPORT, str(warc), str(jobs), str(arc))
        stats = json.loads(stdout)
        out[f"import -j {jobs} records/s"] = round(records / seconds)
        out[f"import -j {jobs} peak MB per process"] = peak
        out[f"import -j {jobs} pages"] = stats["new"] + stats["new_versions"]
        print(f"import -j {jobs}: {records / seconds:,.1f} records/s, peak {peak} MB per "
              f"process, {stats['new']} new pages, {stats['unchanged']} unchanged, "
              f"{stats['duplicates']} duplicates", flush=True)
        if not args.keep:
            subprocess.run(["rm", "-rf", str(arc)], check=False)
    one, two = out.get("import -j 1 records/s"), out.get("import -j 2 records/s")
    if isinstance(one, int) and isinstance(two, int):
        out["-j 2 / -j 1"] = round(two / one, 2)
        out["-j 2 / -j 1, of the ceiling"] = round(two / one / ceiling, 2)
        out["import overhead over bare extraction"] = round(
            float(out["bare extraction records/s"]) / one - 1, 3)  # type: ignore[arg-type]
    print(json.dumps(out, indent=2))
    if not args.keep:
        warc.unlink()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared/bench dir")
    parser.add_argument("--size", type=_size, default=10**9, help="WARC size (e.g. 50MB)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2],
                        help="import -j values to time (default 1 2)")
    parser.add_argument("--workdir", help="where the WARC and archives go (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the WARC and archives")
    parser.add_argument("--json", type=Path, help="write the numbers here too")
    args = parser.parse_args(argv)
    out = run(args)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()

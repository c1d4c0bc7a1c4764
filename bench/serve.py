"""What ``newsarchive serve`` adds over the library: time per request beside the same
work done through the Python API, in the same run, on a generated archive.

Builds (or reuses, ``--dir``) an archive of ``--records`` pages with bench/archive.py's
generator, gives ``--versions`` of its pages a second version (for the diff), starts
the app in a subprocess (uvicorn over HTTP on 127.0.0.1, as ``newsarchive serve`` runs
it) and times, interleaved with the library call it stands beside:

* ``search``: the search page for a phrase with a date filter (20 hits, snippets,
  facets, hits-per-month chart) against ``Archive.search`` alone, and against
  ``Archive.search`` + ``browse.facets`` (the same work the page does);
* ``record``: the record page against ``Archive.record`` alone, and against the reads
  the page makes (record, history, archived sources);
* ``diff``: the diff page against ``Archive.history`` + ``pick_versions`` +
  ``diff_versions``;
* ``api``: ``/api/search`` (no facets) against ``Archive.search``, and
  ``/api/record/ID`` against the record page's reads.

Prints the median and 95th percentile of each and their ratios; the goal is a p95
within 1.5x of the library call (on SQLite). It also times a small static file over the
same connection (the ``http floor``: client, loopback HTTP, uvicorn, routing), which
every request pays however little the app does, and prints each p95 ratio again with
that floor taken off the page's time. ``--pg URL`` (an empty database) copies
the archive there and measures PostgreSQL too. Quick check::

    python bench/serve.py --records 20000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx

from archive import Archive, ArchiveSettings, Query
from archive.browse import archived_pages, facets
from archive.diff import diff_versions, pick_versions
from bench.archive import PHRASES, _page, _sentences, record_ids

GOAL = 1.5  # p95 of a page within this factor of the library call (SQLite)
READERS = 2  # the app's reader connections (one search and its facets at a time)
SERVER = f"""
import sys
from archive import Archive, ArchiveSettings
from archive.web import make_servers, serve
location, warc_root, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings = ArchiveSettings(path=location, warc_root=warc_root)
serve(make_servers(lambda: Archive(location, settings), port=port, readers={READERS}))
"""


def build(directory: Path, records: int, versions: int, seed: int = 1) -> None:
    """Generate the archive (bench/archive.py's pages), then re-store ``versions`` of
    them with a changed paragraph: a second version to diff."""
    rng = random.Random(seed)
    sentences = _sentences(rng, 30_000)
    start = time.perf_counter()
    with Archive(directory, create=True) as arc:
        for first in range(0, records, 1000):
            pages = [_page(rng, sentences, i) for i in range(first, min(first + 1000, records))]
            with arc.batch():
                for response, article in pages:
                    arc.store_response(response, article, page_url=response.url)
            if first and first % 100_000 == 0:
                print(f"  {first:,} records ({time.perf_counter() - start:.0f}s)",
                      file=sys.stderr)
        rng2 = random.Random(seed + 1)
        ids = record_ids(arc)  # one version per page so far, in page order
        with arc.batch():
            for i in sorted(rng2.sample(range(records), min(versions, records))):
                old = arc.record(ids[i])
                changed = dataclasses.replace(
                    old.article, title=(old.article.title or "") + " (updated)",
                    body=old.article.body + "\n\nA correction was appended to this story.")
                html = arc.raw(old.id) + b"<!-- corrected -->"
                response, _ = _page(random.Random(i), sentences, i)
                again = dataclasses.replace(response, url=old.url, requested_url=old.url,
                                            body=html, content=html,
                                            fetched_at="2026-02-01T00:00:00+00:00")
                arc.store_response(again, changed, page_url=old.url)
        if not arc.store.__class__.__name__.startswith("Pg"):
            arc.store.conn.execute("PRAGMA optimize")
    print(f"  built {records:,} records in {time.perf_counter() - start:.0f}s",
          file=sys.stderr)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(q * (len(ordered) - 1)), len(ordered) - 1)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _serve(location: str, warc_root: str) -> tuple[subprocess.Popen[bytes], str]:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, location, warc_root, str(port)],
                            env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/openapi.json", timeout=2)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


def measure(arc: Archive, base: str, samples: int, records: int, seed: int = 7
            ) -> dict[str, Any]:
    """Time each page beside its library work, interleaved (alternating which goes
    first, so neither always meets the other's warm cache)."""
    rng = random.Random(seed)
    two = arc.search(Query(text='"correction was appended"', limit=200))
    diff_urls = [h.record.url for h in two] or [arc.record(1).url]
    client = httpx.Client(base_url=base, timeout=120)

    def search_query(i: int) -> Query:
        return Query(text=f'"{PHRASES[i % len(PHRASES)]}"', since="2015-01-01",
                     until="2019-12-31", limit=20)

    def search_params(i: int) -> dict[str, str]:
        q = search_query(i)
        return {"q": q.text, "since": q.since or "", "until": q.until or ""}

    ids = record_ids(arc)
    picked = [ids[rng.randrange(len(ids))] for _ in range(samples)]

    def record_reads(i: int) -> None:
        record = arc.record(picked[i])
        arc.history(record.url)
        links = [a.url for a in record.article.attributions if a.url]
        if links:
            archived_pages(arc.store, links)

    def search_lib(i: int) -> None:
        arc.search(search_query(i))

    def search_and_facets(i: int) -> None:
        arc.search(search_query(i))
        facets(arc.store, search_query(i))

    def record_lib(i: int) -> None:
        arc.record(picked[i])

    def diff_lib(i: int) -> None:
        old, new = pick_versions(arc.history(diff_urls[i % len(diff_urls)]).versions,
                                 None, None)
        diff_versions(old, new)

    def get(path: str, params: dict[str, str] | None = None) -> None:
        response = client.get(path, params=params)
        if response.status_code != 200:
            raise SystemExit(f"{path} {params}: HTTP {response.status_code}")
        response.read()

    cases: list[tuple[str, Callable[[int], None], list[tuple[str, Callable[[int], None]]]]] = [
        ("search page", lambda i: get("/search", search_params(i)),
         [("Archive.search", search_lib), ("search + facets", search_and_facets)]),
        ("record page", lambda i: get(f"/record/{picked[i]}"),
         [("Archive.record", record_lib), ("the page's reads", record_reads)]),
        ("diff page", lambda i: get("/diff", {"url": diff_urls[i % len(diff_urls)]}),
         [("history + diff", diff_lib)]),
        ("api search", lambda i: get("/api/search", {**search_params(i), "facets": "false"}),
         [("Archive.search", search_lib)]),
        ("api record", lambda i: get(f"/api/record/{picked[i]}"),
         [("the page's reads", record_reads)]),
    ]
    out: dict[str, Any] = {}
    # what any request costs here (client, loopback HTTP, uvicorn, routing): a small
    # static file over the same connection, so the reader can tell the app's share
    floor = []
    for i in range(samples + 3):
        t0 = time.perf_counter()
        get("/static/style.css")
        if i >= 3:
            floor.append(time.perf_counter() - t0)
    out["http floor"] = {"page_ms": {"median": _ms(statistics.median(floor)),
                                     "p95": _ms(_pct(floor, 0.95))}}
    for name, page, anchors in cases:
        # warm both sides (connections, statement caches, and each phrase's pages: else
        # whichever side runs a phrase first pays for reading it from disk). The app
        # reads through READERS connections, each with its own page cache, where the
        # library has one: each phrase goes through every reader once.
        for i in range(READERS * len(PHRASES)):
            page(i)
            for _, fn in anchors:
                fn(i)
        times: dict[str, list[float]] = {name: [], **{a: [] for a, _ in anchors}}
        for i in range(samples):
            order = [(name, page), *anchors]
            if i % 2:
                order.reverse()
            for label, fn in order:
                t0 = time.perf_counter()
                fn(i)
                times[label].append(time.perf_counter() - t0)
        row: dict[str, Any] = {"page_ms": {"median": _ms(statistics.median(times[name])),
                                           "p95": _ms(_pct(times[name], 0.95))}}
        for label, _ in anchors:
            lib = times[label]
            row[label] = {"median": _ms(statistics.median(lib)), "p95": _ms(_pct(lib, 0.95)),
                          "ratio_median": round(statistics.median(times[name]) /
                                                statistics.median(lib), 2),
                          "ratio_p95": round(_pct(times[name], 0.95) / _pct(lib, 0.95), 2),
                          "added_median": _ms(statistics.median(times[name]) -
                                              statistics.median(lib)),
                          # the same, less the HTTP floor: what the app itself adds
                          "ratio_p95_beyond_floor": round(
                              (_pct(times[name], 0.95) - _pct(floor, 0.95))
                              / _pct(lib, 0.95), 2)}
        out[name] = row
    client.close()
    return out


def _print(backend: str, result: dict[str, Any]) -> None:
    print(f"\n{backend}: time per request, ms (median / p95); page ÷ library (median / p95);"
          " ms the page adds (median)")
    for name, row in result.items():
        page = row["page_ms"]
        print(f"  {name:<12} {page['median']:>8.2f} / {page['p95']:>8.2f}")
        for label, lib in row.items():
            if label == "page_ms":
                continue
            mark = ""
            if backend == "sqlite":
                mark = "  (goal p95 <= 1.5x: " + ("met" if lib["ratio_p95"] <= GOAL
                                                  else "MISSED") + ")"
            print(f"    vs {label:<18} {lib['median']:>8.2f} / {lib['p95']:>8.2f}   "
                  f"x{lib['ratio_median']:.2f} / x{lib['ratio_p95']:.2f}   "
                  f"+{lib['added_median']:.2f} ms{mark}; "
                  f"p95 less the HTTP floor x{lib['ratio_p95_beyond_floor']:.2f}")


def run_backend(location: str, warc_root: str, samples: int, records: int
                ) -> dict[str, Any]:
    proc, base = _serve(location, warc_root)
    try:
        with Archive(location, ArchiveSettings(path=location, warc_root=warc_root)) as arc:
            return measure(arc, base, samples, records)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--versions", type=int, default=500,
                        help="pages given a second version (default 500)")
    parser.add_argument("--samples", type=int, default=60, help="requests per page")
    parser.add_argument("--dir", help="build the archive here and keep it; reused when "
                        "it exists (default: a temporary directory)")
    parser.add_argument("--pg", metavar="URL", help="also measure PostgreSQL: an empty "
                        "database the archive is copied into")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="na-serve-"))
    results: dict[str, Any] = {"records": args.records,
                               "load_before": round(os.getloadavg()[0], 2)}
    try:
        if not (directory / "archive.sqlite").exists():
            build(directory, args.records, args.versions)
        results["sqlite"] = run_backend(str(directory), "", args.samples, args.records)
        if args.pg:
            from archive.db.postgres import PgStore
            from archive.db.postgres.copy import copy_archive

            warc_root = directory.parent / (directory.name + "-pg")
            store = PgStore(args.pg, create=True, warc_dir=warc_root / "warc")
            try:
                if not store.counts()["versions"]:
                    copy_archive(directory, store, warc_root)
            finally:
                store.close()
            results["postgresql"] = run_backend(args.pg, str(warc_root), args.samples,
                                                args.records)
    finally:
        if not args.dir:
            shutil.rmtree(directory, ignore_errors=True)
    results["load_after"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"{args.records:,} records; load {results['load_before']} → {results['load_after']}")
    for backend in ("sqlite", "postgresql"):
        if backend in results:
            _print(backend, results[backend])
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Archive speed and size on generated records: ingest, phrase query, show, bytes per record.

Generates ``--records`` synthetic news pages (HTML payload + extracted article with dates,
authors and attributions), stores them through ``Archive.store_response`` exactly as a
crawl does (WARC response/request/metadata records, then the database rows, committed in
batches of ``--batch``), then times:

* ``query``: a phrase query with a published-date filter, first page of 20 (relevance),
  and the same sorted by date; the median and worst of several phrases.
* ``show``: ``Archive.record(id)`` (what ``newsarchive show`` prints) and
  ``Archive.raw(id)`` (``show --raw``: the payload read back from WARC), random ids.
* size on disk per record (database + WARC files).

Goals (issue 5, on 1,000,000 records): query < 50 ms (median and worst), show < 5 ms,
ingest >= 2,000 records/s. Run ``python bench/archive.py --records 20000`` for a quick
check (~15 s) and ``python bench/archive.py`` for the full million (~10 min, ~6 GB of
temporary disk).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, Article, Attribution, HttpResponse, Query

GOALS = {"query_ms": 50.0, "show_ms": 5.0, "ingest_per_s": 2000.0}
PHRASES = ("proxy war in syria", "ceasefire talks in vienna", "kidney transplant donor",
           "shared enemy of the state", "central bank interest rates")
SOURCES = ("Reuters", "AP", "AFP", "Yahoo News", "BBC", "Sott.net", "RT", "Al Jazeera")


def _sentences(rng: random.Random, count: int) -> list[str]:
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
        for _ in range(20_000)
    ]
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]  # Zipf-like, as in prose
    out = []
    for _ in range(count):
        words = rng.choices(vocab, weights, k=rng.randint(8, 24))
        out.append(" ".join(words).capitalize() + ".")
    return out


def _page(rng: random.Random, sentences: list[str], i: int) -> tuple[HttpResponse, Article]:
    parts = rng.sample(sentences, 18)
    if rng.random() < 0.01:  # ~1% of articles use one of the phrases the benchmark queries
        parts[rng.randrange(len(parts))] = f"Officials spoke of the {rng.choice(PHRASES)}."
    paragraphs = [" ".join(parts[k:k + 3]) for k in range(0, len(parts), 3)]
    body = "\n\n".join(paragraphs)
    year = rng.randint(2010, 2025)
    published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00:00+00:00"
    site = f"site{i % 500}.example"
    url = f"https://{site}/news/{year}/article-{i}.html"
    title = parts[0][:70]
    source = rng.choice(SOURCES)
    passage = parts[1]
    start = body.index(passage)
    article = Article(
        url=url, title=title, body=body, published=published, language="en",
        authors=(f"Reporter {i % 997}",), site_name=site,
        attributions=(Attribution(source=source, passage=passage, start=start,
                                  end=start + len(passage), position=0, pattern="according_to"),),
    )
    html = ("<!doctype html><html><head><meta charset='utf-8'><title>" + title +
            "</title></head><body><article><h1>" + title + "</h1>" +
            "".join(f"<p>{p}</p>" for p in paragraphs) +
            f"<p>Originally published by {source}.</p></article></body></html>").encode()
    response = HttpResponse(
        url=url, requested_url=url, status=200, reason="OK", http_version="HTTP/1.1",
        headers=(("Content-Type", "text/html; charset=utf-8"),
                 ("Content-Length", str(len(html)))),
        request_headers=(("User-Agent", "newsarchive-bench"),), body=html, content=html,
        fetched_at=f"2026-01-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}+00:00")
    return response, article


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def run(records: int, batch: int, directory: Path, seed: int = 1) -> dict[str, object]:
    """Build an archive of ``records`` pages in ``directory`` and measure it."""
    rng = random.Random(seed)
    sentences = _sentences(rng, 30_000)
    result: dict[str, object] = {"records": records}
    result["load_before"] = round(os.getloadavg()[0], 2)  # the machine may be shared
    with Archive(directory, create=True) as arc:
        gen_time = 0.0
        start = time.perf_counter()
        tenth = max(records - records // 10, 1)  # ingest rate over the last tenth, too
        mark = (0, 0.0)  # records done and ingest seconds at the last progress line
        tenth_at: tuple[int, float] | None = None
        for first in range(0, records, batch):
            g0 = time.perf_counter()
            pages = [_page(rng, sentences, i) for i in range(first, min(first + batch, records))]
            gen_time += time.perf_counter() - g0
            if tenth_at is None and first >= tenth:
                tenth_at = (first, time.perf_counter() - start - gen_time)
            with arc.batch():
                for response, article in pages:
                    arc.store_response(response, article, page_url=response.url)
            if first and first % (batch * 50) == 0:
                done = first + batch
                spent = time.perf_counter() - start - gen_time
                recent = (done - mark[0]) / (spent - mark[1])
                print(f"  {done:,} records, {done / spent:,.0f}/s "
                      f"(last {done - mark[0]:,}: {recent:,.0f}/s)", file=sys.stderr)
                mark = (done, spent)
        elapsed = time.perf_counter() - start - gen_time
        arc.store.conn.execute("PRAGMA optimize")
        result["ingest_per_s"] = round(records / elapsed)
        if tenth_at is not None:
            result["ingest_per_s_last_tenth"] = round(
                (records - tenth_at[0]) / (elapsed - tenth_at[1]))
        result["ingest_seconds"] = round(elapsed, 1)

        timings: dict[str, list[float]] = {"relevance": [], "date": []}
        hits = 0
        for _round in range(3):
            for phrase in PHRASES:
                for sort in ("relevance", "date"):
                    query = Query(text=f'"{phrase}"', since="2015-01-01", until="2019-12-31",
                                  sort=sort, limit=20)
                    t0 = time.perf_counter()
                    found = arc.search(query)
                    timings[sort].append(time.perf_counter() - t0)
                    hits = max(hits, len(found))
        result["query_ms_median"] = _ms(statistics.median(timings["relevance"]))
        result["query_ms_max"] = _ms(max(timings["relevance"]))
        result["query_by_date_ms_median"] = _ms(statistics.median(timings["date"]))
        result["query_first_page_hits"] = hits

        ids = [rng.randint(1, records) for _ in range(200)]
        t0 = time.perf_counter()
        for record_id in ids:
            arc.record(record_id)
        result["show_ms"] = _ms((time.perf_counter() - t0) / len(ids))
        t0 = time.perf_counter()
        for record_id in ids:
            arc.raw(record_id)
        result["show_raw_ms"] = _ms((time.perf_counter() - t0) / len(ids))
    db = sum(p.stat().st_size for p in directory.glob("archive.sqlite*"))
    warc = sum(p.stat().st_size for p in (directory / "warc").iterdir())
    result["load_after"] = round(os.getloadavg()[0], 2)
    result["bytes_per_record"] = round((db + warc) / records)
    result["db_bytes_per_record"] = round(db / records)
    result["warc_bytes_per_record"] = round(warc / records)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000,
                        help="records to generate (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=1000, help="records per transaction")
    parser.add_argument("--dir", help="build the archive here and keep it (default: a "
                        "temporary directory, removed afterwards)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="na-bench-"))
    try:
        result = run(args.records, args.batch, directory)
    finally:
        if not args.dir:
            shutil.rmtree(directory, ignore_errors=True)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    checks = {"query_ms_median": ("query_ms", "<"), "query_ms_max": ("query_ms", "<"),
              "show_ms": ("show_ms", "<"),
              "ingest_per_s": ("ingest_per_s", ">=")}
    for key, value in result.items():
        goal = ""
        if key in checks:
            name, op = checks[key]
            ok = value < GOALS[name] if op == "<" else value >= GOALS[name]  # type: ignore[operator]
            goal = f"  (goal {op} {GOALS[name]:g}: {'met' if ok else 'MISSED'})"
        print(f"{key:>26}  {value}{goal}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Scale-out on PostgreSQL: crawl pages per second with 1, 2, 4 and 8 workers, and the
database's claim throughput.

Part 1 serves ``--hosts`` generated sites on 127.0.0.1 (one port each) whose every
response is delayed by ``--latency`` seconds, queues their front pages with
``newsarchive crawl --seed-only``, starts N ``newsarchive worker`` processes and times
them until the frontier is drained. Crawling is network-bound, so pages/s should grow
with the worker count until the politeness ceiling, ``hosts / (latency + delay)``
(one request per host at a time, ``--delay`` apart, across all workers together).

Part 2 measures the frontier alone: 8 processes claim and finish URLs (``--claim-urls``
over ``--claim-hosts`` hosts, no delay) as fast as the database lets them.

The database: ``--db URL`` or ``$NEWSARCHIVE_TEST_PG`` (a server; each run creates and
drops its own databases), else a throwaway server (``tests/pgserver.py``).

    python bench/scaleout.py                       # ~2 min
    python bench/scaleout.py --workers 1,4 --pages-per-host 10 --json out.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import psycopg  # noqa: E402

from archive.db.postgres.frontier import PgFrontier  # noqa: E402
from archive.db.postgres.store import PgStore  # noqa: E402
from tests.faults.multihost import MultiHostSite  # noqa: E402
from tests.pgserver import database, server  # noqa: E402


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "scraper", *args]


def crawl_rate(server_url: str, workers: int, args: argparse.Namespace) -> dict[str, float]:
    """Pages per second of ``workers`` worker processes draining one crawl."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("NEWSARCHIVE_CONFIG", None)
    with MultiHostSite(hosts=args.hosts, pages=args.pages_per_host,
                       latency=args.latency) as site, database(server_url) as url, \
            tempfile.TemporaryDirectory(prefix="scaleout-warc-") as warc:
        subprocess.run(_cli("crawl", "--seed-only", *site.roots, "--archive", url,
                            "--max-depth", "1", "--delay", str(args.delay),
                            "--set", "crawl.respect_robots=false"),
                       env=env, check=True, capture_output=True)
        start = time.monotonic()
        procs = [subprocess.Popen(
            _cli("worker", "--archive", url, "-q", "--archive-warc-root", warc,
                 "--fetch-allow-private", "--concurrency", str(args.concurrency),
                 "--set", "fetch.retries=0"),
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(workers)]
        for p in procs:
            p.wait()
        seconds = time.monotonic() - start
        with psycopg.connect(url) as conn:
            row = conn.execute(b"SELECT count(*) FROM captures").fetchone()
        pages = int(row[0]) if row else 0
        arrivals = sorted(t for hits in site.requests().values() for t, _ in hits)
    # wall time includes starting the worker processes (imports: ~1 s of CPU each);
    # "fetching" is first request to last, what the workers sustain once running
    fetching = arrivals[-1] - arrivals[0] + args.latency if arrivals else seconds
    return {"workers": workers, "pages": pages, "seconds": round(seconds, 2),
            "pages_per_s": round(pages / seconds, 1),
            "fetching_pages_per_s": round(pages / fetching, 1)}


def _claimer(url: str, crawl: int, name: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    store = PgStore(url)
    frontier = PgFrontier(store)
    frontier.worker = name
    frontier.begin(crawl, delay=0.0, fresh=False)
    done = 0
    while True:
        items = frontier.refill(16)
        if not items:
            if frontier.pending() == 0:
                break
            continue
        for item in items:
            frontier.finish(item.url, "done")
        done += len(items)
    store.close()
    out.put(done)


def claim_rate(server_url: str, args: argparse.Namespace, procs: int = 8) -> dict[str, float]:
    """Claims (claim + finish) per second of ``procs`` processes on one frontier."""
    with database(server_url) as url:
        store = PgStore(url, create=True)
        crawl = store.start_crawl([], {"crawl": {"per_host_delay": 0.0}})
        seeder = PgFrontier(store)
        seeder.add([(f"http://h{n % args.claim_hosts}.test/{n}", f"h{n % args.claim_hosts}.test",
                     0, None) for n in range(args.claim_urls)], crawl)
        store.close()
        ctx = multiprocessing.get_context("spawn")
        out: multiprocessing.Queue = ctx.Queue()  # type: ignore[type-arg]
        workers = [ctx.Process(target=_claimer, args=(url, crawl, f"bench:{n}", out))
                   for n in range(procs)]
        start = time.monotonic()
        for w in workers:
            w.start()
        claimed = sum(out.get(timeout=600) for _ in workers)
        seconds = time.monotonic() - start
        for w in workers:
            w.join()
    return {"processes": procs, "claims": claimed, "seconds": round(seconds, 2),
            "claims_per_s": round(claimed / seconds, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="PostgreSQL server URL (default $NEWSARCHIVE_TEST_PG, "
                        "else a throwaway server)")
    parser.add_argument("--workers", default="1,2,4,8", help="worker counts to time")
    parser.add_argument("--hosts", type=int, default=64)
    parser.add_argument("--pages-per-host", type=int, default=4)
    parser.add_argument("--latency", type=float, default=0.5, help="seconds per response")
    parser.add_argument("--delay", type=float, default=0.0, help="per-host delay (s)")
    parser.add_argument("--concurrency", type=int, default=4, help="fetches per worker")
    parser.add_argument("--claim-urls", type=int, default=20_000)
    parser.add_argument("--claim-hosts", type=int, default=2_000)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = parser.parse_args()
    results: dict[str, object] = {"settings": vars(args)}
    with server(args.db) as url:
        ceiling = args.hosts / (args.latency + args.delay)
        print(f"crawl: {args.hosts} hosts x {args.pages_per_host + 1} pages, latency "
              f"{args.latency}s, delay {args.delay}s, concurrency {args.concurrency}/worker; "
              f"politeness ceiling {ceiling:.0f} pages/s")
        rows = []
        for n in (int(w) for w in args.workers.split(",")):
            row = crawl_rate(url, n, args)
            rows.append(row)
            speedup = row["pages_per_s"] / rows[0]["pages_per_s"]
            steady = row["fetching_pages_per_s"] / rows[0]["fetching_pages_per_s"]
            print(f"  {n} worker(s): {row['pages']} pages in {row['seconds']}s = "
                  f"{row['pages_per_s']} pages/s (x{speedup:.2f}); while fetching "
                  f"{row['fetching_pages_per_s']} pages/s (x{steady:.2f})", flush=True)
        results["crawl"] = rows
        claims = claim_rate(url, args)
        results["claims"] = claims
        print(f"claims: {claims['processes']} processes, {claims['claims']} URLs in "
              f"{claims['seconds']}s = {claims['claims_per_s']} claims/s (claim + finish)")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

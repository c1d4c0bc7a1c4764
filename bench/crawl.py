"""Crawl benchmark: politeness, throughput, frontier memory and re-crawl cost.

Serves ``--hosts`` virtual hosts (one port each on 127.0.0.1) from a separate process,
with injected latency and 503 errors, and crawls them with the real ``Crawler``.
Every figure is measured on the *server* side, where politeness is felt:

- pages/sec over the first crawl;
- achieved per-host request rate against the ``per_host_delay`` limit (goal: at least
  90% of the limit on every host, and no two requests to one host closer than the
  delay, i.e. never above the limit);
- peak RSS of a crawl whose frontier holds 100,000 URLs (goal: under 300 MB), in a
  fresh process so earlier runs do not count;
- share of pages sent in full (200) on an unchanged second crawl (goal: 0; the
  crawler's conditional requests get 304s).

Usage: ``python bench/crawl.py [--hosts 50 --pages 20 --delay 0.5]``. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import functools
import multiprocessing as mp
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from multiprocessing.connection import Connection
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import itertools

from archive import Archive
from scraper.config import Settings
from scraper.crawl import Crawler

Log = list[tuple[int, float, str, int]]  # port, monotonic time, path, status


# -- the server (its own process, so it does not share the crawler's GIL) ---------------

def _page(port: int, path: str, pages: int, sitemap_urls: int) -> tuple[int, bytes, str]:
    if path == "/":
        links = "".join(f'<a href="/p/{i}">story {i}</a>' for i in range(pages))
        return 200, f"<html><body><h1>Home {port}</h1>{links}</body></html>".encode(), "text/html"
    if path == "/sitemap.xml":
        urls = "".join(f"<url><loc>http://127.0.0.1:{port}/s/{i}</loc></url>"
                       for i in range(sitemap_urls))
        return 200, (f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
                     "</urlset>").encode(), "application/xml"
    if path.startswith(("/p/", "/s/")):
        n = path.rsplit("/", 1)[1]
        body = "".join(f"<p>Paragraph {j} of story {n} on host {port}, long enough to be "
                       f"kept as article text by the extractor.</p>" for j in range(8))
        return 200, (f"<html><head><title>Story {n}</title></head><body><article>"
                     f"<h1>Story {n}</h1>{body}</article></body></html>").encode(), "text/html"
    return 404, b"not found", "text/plain"


async def _serve(ports: list[int], log: Log, latency: float, error_rate: float, pages: int,
                 sitemap_urls: int, ready: threading.Event) -> None:
    rng = random.Random(7)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     port: int) -> None:
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                path = line.split()[1].decode()
                inm = None
                while (header := await reader.readline()) not in (b"\r\n", b""):
                    if header.lower().startswith(b"if-none-match:"):
                        inm = header.split(b":", 1)[1].strip().decode()
                arrived = time.monotonic()
                await asyncio.sleep(latency * rng.uniform(0.5, 1.5))
                status, body, ctype = _page(port, path, pages, sitemap_urls)
                etag = f'"{hash(body) & 0xFFFFFFFF:x}"'
                extra = f"ETag: {etag}\r\n"
                if path.startswith("/p/") and rng.random() < error_rate:
                    status, body, extra = 503, b"try again", ""
                elif status == 200 and inm == etag:
                    status, body = 304, b""
                log.append((port, arrived, path, status))
                writer.write((f"HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\n{extra}"
                              f"Content-Length: {len(body)}\r\n\r\n").encode() + body)
                await writer.drain()
        except (ConnectionError, IndexError):
            return
        finally:
            writer.close()

    for port in ports:
        await asyncio.start_server(functools.partial(handle, port=port), "127.0.0.1", port)
    ready.set()
    await asyncio.Event().wait()


def _server_main(conn: Connection, hosts: int, latency: float, error_rate: float,
                 pages: int, sitemap_urls: int) -> None:
    import socket

    ports = []
    for _ in range(hosts):  # free ports, released just before the server binds them
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
    log: Log = []
    ready = threading.Event()
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_until_complete, daemon=True, args=(
        _serve(ports, log, latency, error_rate, pages, sitemap_urls, ready),)).start()
    ready.wait()
    conn.send(ports)
    while (cmd := conn.recv()) != "stop":
        if cmd == "log":
            conn.send(list(log))
            log.clear()


class BenchServer:
    def __init__(self, hosts: int, latency: float, error_rate: float, pages: int,
                 sitemap_urls: int = 0) -> None:
        self._conn, child = mp.Pipe()
        self._proc = mp.Process(target=_server_main, daemon=True, args=(
            child, hosts, latency, error_rate, pages, sitemap_urls))

    def __enter__(self) -> BenchServer:
        self._proc.start()
        self.ports: list[int] = self._conn.recv()
        return self

    def take_log(self) -> Log:
        self._conn.send("log")
        log: Log = self._conn.recv()
        return log

    def __exit__(self, *exc: object) -> None:
        self._conn.send("stop")
        self._proc.join(5)
        if self._proc.is_alive():
            self._proc.terminate()


# -- the crawls ----------------------------------------------------------------------

def _settings(archive: Path, concurrency: int, delay: float, **crawl: object) -> Settings:
    base = Settings()
    return dataclasses.replace(
        base,
        fetch=dataclasses.replace(base.fetch, allow_private=True, retries=2,
                                  backoff_base=0.1, backoff_max=2.0, connect_timeout=5,
                                  read_timeout=5, total_timeout=10),
        crawl=dataclasses.replace(base.crawl, concurrency=concurrency, per_host_delay=delay,
                                  max_depth=1, retry_delay=0.5, **crawl),  # type: ignore[arg-type]
        archive=dataclasses.replace(base.archive, path=str(archive)),
    )


def _crawl(settings: Settings, seeds: list[str]) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    with Archive(settings.archive.path, settings.archive, create=True) as arc:
        stats = asyncio.run(Crawler(settings, arc).run(seeds))
    summary = {"new": stats.new, "not_modified": stats.not_modified,
               "unchanged": stats.unchanged, "retried": stats.retried,
               "failed": sum(stats.failed.values())}
    return time.perf_counter() - start, summary


def _politeness(log: Log, delay: float) -> tuple[float, float, float, float]:
    """(lowest, mean and highest per-host share of the limit, smallest gap seen)."""
    by_host: dict[int, list[float]] = defaultdict(list)
    for port, t, _, _ in log:
        by_host[port].append(t)
    shares, gaps = [], []
    for times in by_host.values():
        times.sort()
        if len(times) < 3:
            continue
        rate = (len(times) - 1) / (times[-1] - times[0])
        shares.append(rate * delay)
        gaps += [b - a for a, b in itertools.pairwise(times)]
    return min(shares), statistics.mean(shares), max(shares), min(gaps)


def memory_run(hosts: int, urls_per_host: int) -> None:
    """Child process: fill a 100,000-URL frontier from sitemaps, crawl a little, print
    peak RSS in MB."""
    with BenchServer(hosts, 0.001, 0.0, 1, sitemap_urls=urls_per_host) as server, \
            tempfile.TemporaryDirectory() as tmp:
        seeds = [f"http://127.0.0.1:{p}/sitemap.xml" for p in server.ports]
        settings = _settings(Path(tmp) / "arc", hosts, 0.0,
                             max_pages=hosts * 4, respect_robots=False)
        with Archive(settings.archive.path, settings.archive, create=True) as arc:
            asyncio.run(Crawler(settings, arc).run(seeds))
            queued = arc.frontier.counts()
        print(sum(queued.values()),
              resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--pages", type=int, default=20, help="article pages per host")
    parser.add_argument("--delay", type=float, default=0.5, help="crawl.per_host_delay")
    parser.add_argument("--latency", type=float, default=0.03, help="mean server latency (s)")
    parser.add_argument("--errors", type=float, default=0.03, help="share of 503 answers")
    parser.add_argument("--frontier", type=int, default=100_000)
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_run(args.hosts, args.frontier // args.hosts)
        return

    with BenchServer(args.hosts, args.latency, args.errors, args.pages) as server, \
            tempfile.TemporaryDirectory() as tmp:
        seeds = [f"http://127.0.0.1:{p}/" for p in server.ports]
        settings = _settings(Path(tmp) / "arc", args.hosts, args.delay)
        seconds, first = _crawl(settings, seeds)
        log1 = server.take_log()
        pages = sum(1 for _, _, path, s in log1 if path.startswith("/p/") and s == 200)
        worst, mean, best, gap = _politeness(log1, args.delay)
        seconds2, second = _crawl(settings, seeds)
        log2 = server.take_log()
    page_reqs = [s for _, _, path, s in log2 if path != "/robots.txt"]
    full = sum(1 for s in page_reqs if s == 200)

    child = subprocess.run([sys.executable, __file__, "--memory-child", "--hosts",
                            str(args.hosts), "--frontier", str(args.frontier)],
                           capture_output=True, text=True, check=True)
    frontier_rows, peak_mb = child.stdout.split()

    limit = 1 / args.delay
    print(f"crawl benchmark: {args.hosts} hosts on 127.0.0.1, {args.pages} stories each, "
          f"per_host_delay {args.delay}s (limit {limit:.2f} req/s/host), latency "
          f"~{args.latency * 1000:.0f} ms, {args.errors:.0%} 503s")
    print(f"  first crawl:   {seconds:6.1f} s, {pages / seconds:6.1f} pages/s "
          f"({len(log1)} requests; {first})")
    # The server stamps arrivals from its own busy event loop: allow it 15 ms of jitter.
    verdict = "never above the limit" if gap >= args.delay - 0.015 else "ABOVE THE LIMIT"
    print(f"  per-host rate: lowest {worst:.1%} of the limit, mean {mean:.1%}, highest "
          f"{best:.1%} (goal >= 90%, <= 100%); smallest gap {gap:.3f} s vs delay "
          f"{args.delay} s ({verdict}, 15 ms stamping tolerance)")
    print(f"  second crawl:  {seconds2:6.1f} s, {full}/{len(page_reqs)} pages sent in full "
          f"= {full / max(1, len(page_reqs)):.1%} (goal 0); {second}")
    print(f"  frontier of {int(frontier_rows):,} URLs: peak RSS {float(peak_mb):.0f} MB "
          "(goal < 300 MB)")


if __name__ == "__main__":
    main()

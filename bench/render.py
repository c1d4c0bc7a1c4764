"""Rendering cost: pages/s and peak memory for renderer ``http``, ``browser`` and ``auto``.

A loopback site serves ``--pages`` real news pages (article-extraction-benchmark, read
from ``../shared/bench``) over ``--hosts`` host names, each response delayed by
``--latency`` seconds as a network would. One page in ten (``--js-share``) is turned
into a script-rendered shell: an empty ``#root`` that a script fills from a JSON endpoint
holding the labelled article text. Each mode then "crawls" every page with
``--concurrency`` workers and extracts it with ``scraper.extract.Extractor``:

- ``http``: fetch with our Fetcher, extract the response;
- ``browser``: render every page in Chromium (``BrowserRenderer``), extract the DOM;
- ``auto``: fetch, extract, and render only when ``needs_render`` says so (the fetched
  document is handed to the renderer, not fetched again); a render runs beside the
  fetch workers, as the crawler would queue it, so fetching goes on meanwhile.

A page's text counts as captured when the extracted body holds at least 80% of the
reference's distinct words: for a script page the labelled text, for the others what
``http`` extracts from the original page. Time ratios are against ``http`` in the same
run. Peak memory is the PSS of this process and its children (Chromium), sampled every
100 ms. Requisites are not fetched in any mode (``browser`` fetches what
the page asks for, as it must to render).

    python bench/render.py                    # 100 pages, ~1 min
    python bench/render.py --pages 181 --latency 0.3 --json out.json
    BENCH_TRACE=1 python bench/render.py --modes http,auto   # when each render ran
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402

from archive.errors import FetchError  # noqa: E402
from scraper.capture import CaptureSettings, Permit, fetcher_hook, needs_render  # noqa: E402
from scraper.config import FetchSettings  # noqa: E402
from scraper.extract import Extractor  # noqa: E402
from scraper.fetch import Fetcher  # noqa: E402

DATA = REPO.parent / "shared" / "bench" / "article-extraction-benchmark"
WORD = re.compile(r"\w+")
APP_JS = b"""fetch(location.pathname.replace('/a/', '/api/') + '.json').then(r => r.json())
  .then(d => { document.getElementById('root').innerHTML = '<article><h1>' + d.title +
    '</h1>' + d.paragraphs.map(p => '<p>' + p + '</p>').join('') + '</article>'; });"""


def _shell(title: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            '<body><div id="root"></div><noscript>You need to enable JavaScript to run this '
            'app.</noscript><script src="/static/app.js"></script></body></html>').encode()


@dataclasses.dataclass
class Page:
    url: str
    html: bytes
    js: bool
    reference: str = ""


def load_pages(count: int, hosts: int, js_share: float) -> tuple[list[Page], dict[str, bytes]]:
    truth = json.loads((DATA / "ground-truth.json").read_text())
    files = sorted((DATA / "html").glob("*.html.gz"))[:count]
    pages, routes = [], {}
    step = max(1, round(1 / js_share)) if js_share > 0 else 0
    for i, path in enumerate(files):
        key = path.name.split(".")[0]
        host = f"site{i % hosts}.test"
        url = f"http://{host}/a/{key}"
        if step and i % step == step - 1:
            body = truth[key]["articleBody"]
            paragraphs = [p.strip() for p in body.split("\n") if p.strip()]
            html = _shell("Story " + key[:8])
            routes[f"{host}/api/{key}.json"] = json.dumps(
                {"title": "Story " + key[:8], "paragraphs": paragraphs}).encode()
            pages.append(Page(url, html, True, body))
        else:
            pages.append(Page(url, gzip.decompress(path.read_bytes()), False))
        routes[f"{host}/a/{key}"] = pages[-1].html
        routes[f"{host}/static/app.js"] = APP_JS
    return pages, routes


class _Handler(BaseHTTPRequestHandler):
    server: Any
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        time.sleep(self.server.latency)
        key = (self.headers.get("Host") or "").split(":")[0] + self.path.split("?")[0]
        body = self.server.routes.get(key)
        status = 200 if body is not None else 404
        body = body if body is not None else b"not found"
        ctype = ("application/json" if key.endswith(".json") else
                 "application/javascript" if key.endswith(".js") else "text/html; charset=utf-8")
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _LoopbackDNS(httpx.AsyncBaseTransport):
    """Test host names to the loopback server; every other host fails at once."""

    def __init__(self, port: int) -> None:
        self._inner = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=200))
        self._port = port

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if not host.endswith(".test"):
            raise httpx.ConnectError(f"offline bench: {host}", request=request)
        request.headers["Host"] = host
        request.url = request.url.copy_with(host="127.0.0.1", port=self._port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


class PeakMemory:
    """Peak proportional set size (PSS: shared pages split between their users, so
    Chromium's processes are not counted many times over) of this process and all its
    descendants (Linux /proc)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree_pss() -> int:
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
        mine, frontier = {os.getpid()}, [os.getpid()]
        while frontier:
            pid = frontier.pop()
            for child, parent in parents.items():
                if parent == pid and child not in mine:
                    mine.add(child)
                    frontier.append(child)
        total = 0
        for pid in mine:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
            total += int(match.group(1)) * 1024 if match else 0
        return total

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self.peak = max(self.peak, self._tree_pss())

    def __enter__(self) -> PeakMemory:
        self.peak = self._tree_pss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def captured(body: str, reference: str) -> bool:
    ref = _words(reference)
    return not ref or len(ref & _words(body)) >= 0.8 * len(ref)


async def crawl(mode: str, pages: list[Page], port: int, concurrency: int,
                capture: CaptureSettings) -> dict[str, Any]:
    extractor = Extractor()
    fetch_settings = FetchSettings(allow_private=False, retries=0, read_timeout=60,
                                   total_timeout=120)
    bodies: dict[str, str] = {}
    rendered: list[str] = []
    failed: list[str] = []
    async with Fetcher(fetch_settings, transport=_LoopbackDNS(port)) as fetcher:
        renderer = None
        if mode != "http":
            from scraper.capture import BrowserRenderer

            renderer = BrowserRenderer(capture, fetch=fetcher_hook(fetcher), permit=Permit(),
                                       user_agent=fetch_settings.user_agent)
            await renderer.start()
        queue: asyncio.Queue[Page] = asyncio.Queue()
        for page in pages:
            queue.put_nowait(page)
        renders: list[asyncio.Task[None]] = []

        async def extract(html: bytes | str, url: str) -> str:
            article = await asyncio.to_thread(extractor.extract, html, url)
            return article.body

        async def render(page: Page, main: Any) -> None:
            assert renderer is not None
            t0 = time.perf_counter()
            try:
                result = await renderer.render(page.url, main=main)
                if os.environ.get("BENCH_TRACE"):
                    print(f"render {t0 - start:6.2f} +{time.perf_counter() - t0:5.2f} {page.url}")
            except FetchError as exc:
                failed.append(f"{page.url}: {exc.reason}")
                return
            rendered.append(page.url)
            bodies[page.url] = await extract(result.dom_html or "", result.dom_url)

        async def worker() -> None:
            while not queue.empty():
                page = queue.get_nowait()
                if mode == "browser":
                    await render(page, None)
                    continue
                try:
                    response = await fetcher.fetch(page.url)
                except FetchError as exc:
                    failed.append(f"{page.url}: {exc.reason}")
                    continue
                body = await extract(response.content, response.url)
                bodies[page.url] = body
                if mode == "auto" and needs_render(response.content, body):
                    renders.append(asyncio.create_task(render(page, response)))

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        if os.environ.get("BENCH_TRACE"):
            print(f"fetching done at {time.perf_counter() - start:.2f}")
        await asyncio.gather(*renders)
        elapsed = time.perf_counter() - start
        if renderer is not None:
            await renderer.aclose()
    return {"seconds": elapsed, "bodies": bodies, "rendered": rendered, "failed": failed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--hosts", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--browser-concurrency", type=int, default=2)
    parser.add_argument("--js-share", type=float, default=0.1)
    parser.add_argument("--modes", default="http,browser,auto")
    parser.add_argument("--no-screenshots", action="store_true",
                        help="render without the fullPage/thumbnail screenshots")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not DATA.is_dir():
        print(f"benchmark pages not found in {DATA}", file=sys.stderr)
        return 1
    pages, routes = load_pages(args.pages, args.hosts, args.js_share)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.routes, server.latency = routes, args.latency  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    capture = CaptureSettings(browser_concurrency=args.browser_concurrency,
                              screenshot=not args.no_screenshots)
    modes = args.modes.split(",")
    if "http" not in modes:
        modes.insert(0, "http")
    results: dict[str, dict[str, Any]] = {}
    js = sum(p.js for p in pages)
    print(f"{len(pages)} pages ({js} script-rendered) on {args.hosts} hosts, "
          f"{args.latency:.2f} s latency, {args.concurrency} fetch workers, "
          f"{args.browser_concurrency} browser pages"
          f"{', no screenshots' if args.no_screenshots else ''}; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for mode in modes:
        with PeakMemory() as memory:
            result = asyncio.run(crawl(mode, pages, port, args.concurrency, capture))
        result["peak_mb"] = memory.peak / 1e6
        results[mode] = result
    reference = {p.url: (p.reference if p.js else results["http"]["bodies"].get(p.url, ""))
                 for p in pages}
    base = results["http"]["seconds"]
    print(f"{'mode':8} {'seconds':>8} {'pages/s':>8} {'x http':>7} {'peak MB':>8} "
          f"{'text':>9} {'rendered':>8} {'failed':>6}")
    for mode in modes:
        r = results[mode]
        ok = sum(captured(r["bodies"].get(p.url, ""), reference[p.url]) for p in pages)
        r["captured"] = ok
        print(f"{mode:8} {r['seconds']:8.2f} {len(pages) / r['seconds']:8.1f} "
              f"{r['seconds'] / base:7.2f} {r['peak_mb']:8.0f} {ok:4}/{len(pages):<4} "
              f"{len(r['rendered']):8} {len(r['failed']):6}")
    server.shutdown()
    if args.json:
        args.json.write_text(json.dumps({m: {k: v for k, v in r.items() if k != "bodies"}
                                         for m, r in results.items()}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

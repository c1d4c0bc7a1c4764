"""A page crawled with ``capture.renderer = "browser"`` into an archive and exported with
``export --wacz`` replays in ReplayWeb.page: its script-drawn text shows and an archived
image loads.

What ReplayWeb.page needs, found by running it (replaywebpage 2.4.x, wabac.js 2.26):

- Files from the npm package ``replaywebpage``: ``ui.js`` (the ``<replay-web-page>``
  element) and ``sw.js`` (the service worker that serves the archive). The service worker
  must be served at ``<replaybase>sw.js``, where ``replaybase`` defaults to ``./replay/``
  relative to the embedding page; it is registered as ``replay/sw.js?serveIndex=1`` with
  scope ``replay/``, and serves the replay iframe's own index page. No other file is needed.
- An origin that is a secure context: ``https://``, ``localhost`` or ``127.0.0.1``.
- The embed: ``<script src="ui.js"></script>`` and ``<replay-web-page
  source="archive.wacz" url="<page URL>" embed="replayonly"></replay-web-page>``
  (``ts`` picks a capture, ``replaybase`` moves the service worker; attribute names are
  the lower-cased property names). ``embed="replayonly"`` hides the UI chrome.
- The WACZ served with ``Accept-Ranges`` and HTTP ``Range`` support (wabac reads the
  ZIP's directory and then single entries with range requests; a 200 with the whole file
  also works for small files).
- Inside the WACZ: ``archive/*.warc.gz``, ``indexes/index.cdxj``, ``pages/pages.jsonl``
  (first line ``{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}``, then
  one ``{"id", "url", "ts", "title"}`` per page; ``ts`` ISO 8601) and
  ``datapackage.json``. Request records may be present; replay uses response, revisit
  and resource records. Screenshots as ``resource`` records at ``urn:thumbnail:<url>``
  appear as the page's thumbnail in ReplayWeb.page's page list.

Setup (the package's dependency tree does not resolve on this registry, and only its two
built files are used, so fetch the tarball alone)::

    npm pack replaywebpage --pack-destination /tmp
    mkdir -p archive/web/node_modules/replaywebpage
    tar xzf /tmp/replaywebpage-*.tgz -C archive/web/node_modules/replaywebpage --strip-components=1

``NEWSARCHIVE_RWP_DIR`` points elsewhere (default ``archive/web/node_modules/replaywebpage``).
The test skips when the files are missing, and fails under ``CI``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archive.wacz import write_wacz
from tests.scraper.test_pagecapture import _crawl, _settings

from .site import PARAGRAPHS, SiteServer

REPO = Path(__file__).resolve().parents[3]
RWP_DIR = Path(os.environ.get("NEWSARCHIVE_RWP_DIR",
                              REPO / "archive" / "web" / "node_modules" / "replaywebpage"))
EMBED = """<!doctype html><html><head><meta charset="utf-8"><title>replay</title>
<script src="/ui.js"></script></head>
<body style="margin:0;height:100vh">
<replay-web-page source="/archive.wacz" url="{url}" embed="replayonly"
  style="display:block;height:100vh"></replay-web-page>
</body></html>"""


@pytest.fixture
def rwp_dir() -> Path:
    if not (RWP_DIR / "ui.js").is_file() or not (RWP_DIR / "sw.js").is_file():
        message = (f"ReplayWeb.page files not found in {RWP_DIR} (npm pack replaywebpage; "
                   "see this module's docstring, or set NEWSARCHIVE_RWP_DIR)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return RWP_DIR


class _Files(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _file(self) -> tuple[str, bytes, str] | None:
        path = self.path.split("?")[0]
        files: dict[str, tuple[bytes, str]] = self.server.files
        if path not in files:
            self.send_error(404)
            return None
        return path, *files[path]

    def do_GET(self) -> None:
        found = self._file()
        if found is None:
            return
        path, body, ctype = found
        status, start, end = 200, 0, len(body) - 1
        match = re.match(r"bytes=(\d*)-(\d*)", self.headers.get("Range", ""))
        if match and (match.group(1) or match.group(2)):
            if match.group(1):
                start = int(match.group(1))
                end = int(match.group(2)) if match.group(2) else end
            else:
                start = max(0, len(body) - int(match.group(2)))
            end = min(end, len(body) - 1)
            status = 206
        chunk = body[start:end + 1]
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(chunk)))
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(body)}")
        if path.endswith("sw.js"):
            self.send_header("Service-Worker-Allowed", "/")
        self.end_headers()
        self.wfile.write(chunk)

    def do_HEAD(self) -> None:
        found = self._file()
        if found is None:
            return
        _, body, ctype = found
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()


@pytest.fixture
def site() -> Iterator[SiteServer]:
    with SiteServer() as server:
        yield server


def test_rendered_capture_replays_in_replaywebpage(rwp_dir: Path, chromium: str,
                                                    site: SiteServer, tmp_path: Path) -> None:
    from playwright.async_api import async_playwright


    url = "http://news.test/article"
    settings = _settings(tmp_path, renderer="browser", browser_path=chromium,
                         page_timeout=60.0, settle_idle=0.3)
    settings = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl,
                                                                       max_depth=0))
    arc, stats = _crawl(site, settings, url)
    with arc:
        assert stats.rendered == 1
        wacz = tmp_path / "archive.wacz"
        write_wacz(arc, wacz)  # what `newsarchive export --wacz` writes

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    server.daemon_threads = True
    server.files = {  # type: ignore[attr-defined]
        "/": (EMBED.format(url=url).encode(), "text/html"),
        "/index.html": (EMBED.format(url=url).encode(), "text/html"),
        "/ui.js": ((rwp_dir / "ui.js").read_bytes(), "application/javascript"),
        "/replay/sw.js": ((rwp_dir / "sw.js").read_bytes(), "application/javascript"),
        "/archive.wacz": (wacz.read_bytes(), "application/wacz"),
    }
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    async def replay() -> dict[str, Any]:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=chromium,
                                               args=["--no-sandbox", "--disable-gpu"])
            try:
                page = await browser.new_page()
                await page.goto(origin + "/", timeout=60_000)
                # The first visit installs the service worker; the embed reloads its
                # iframe a few times waiting for it, and on a loaded machine may give up
                # first. Once it is active, a reload starts with it in control.
                await page.wait_for_function(
                    """async () => { const r = await navigator.serviceWorker
                         .getRegistration('/replay/'); return !!(r && r.active); }""",
                    timeout=60_000, polling=250)
                await page.reload(timeout=60_000)
                loop = asyncio.get_running_loop()
                until = loop.time() + 90
                reload_at = loop.time() + 30
                seen: dict[str, Any] = {}
                while loop.time() < until:
                    if loop.time() > reload_at and not any(
                            "mp_/http://news.test/article" in f.url for f in page.frames):
                        reload_at = until  # once: the replay frame never came
                        await page.reload(timeout=60_000)
                    for frame in page.frames:
                        if "mp_/http://news.test/article" not in frame.url:
                            continue
                        try:
                            seen = await frame.evaluate(
                                """() => ({text: document.body ? document.body.innerText : '',
                                   images: [...document.images].map(i => [i.currentSrc || i.src,
                                            i.complete, i.naturalWidth, i.naturalHeight])})""")
                        except Exception:  # the frame navigated while we asked
                            continue
                        loaded = [i for i in seen["images"] if i[1] and i[2] > 0]
                        if PARAGRAPHS[-1] in seen["text"] and any("photo-1200" in i[0] for i in loaded):
                            return seen
                    await asyncio.sleep(0.25)
                return {"frames": [f.url for f in page.frames], **seen}
            finally:
                await browser.close()

    try:
        seen = asyncio.run(replay())
    finally:
        server.shutdown()
        server.server_close()
    assert all(p in seen.get("text", "") for p in PARAGRAPHS), seen
    loaded = {src.rsplit("/", 1)[-1]: (w, h) for src, done, w, h in seen["images"] if done}
    width, height = loaded["photo-1200.png"]
    # the archived 120x90 PNG, decoded (scaled by its srcset density, shape kept)
    assert width > 0 and width * 3 == height * 4, seen

"""Render pages in Chromium (Playwright) as readers see them, the network kept in our hands.

The browser never touches the network itself. Every request a page makes, the
document's and each script's, is routed (``context.route``) to the injected ``permit``
and ``fetch`` (our guarded httpx fetcher) and answered with ``route.fulfill``; so
robots.txt, the private-address guard and host delays hold for script-made requests,
and the exchanges returned are exactly the bytes fetched. Refused requests are aborted
and listed with their reason. WebSockets are refused outright; as a second wall,
Chromium runs behind a dead proxy (``127.0.0.1:9``, loopback included) and a resolver
that resolves nothing, so a request that escaped routing would go nowhere.

Chromium is Debian's ``chromium`` (``browser_path`` or ``chromium`` on PATH); a browser
is never downloaded. It runs headless with ``--no-sandbox --disable-gpu
--disable-background-networking --disable-component-update --disable-sync
--no-first-run``; Playwright gives each launch an empty, temporary user data dir, and
each page gets a fresh context (no cookies, cache or storage from other pages, bar the
renderer's own cache of static responses, see ``cache_bytes``).

A page is loaded until its ``load`` event, then until the network is idle
(``settle_idle`` seconds without a request in flight, at most ``settle_max``), scrolled
(``scroll_steps``) so lazy images load, idle again, and read: the DOM (up to
``dom_max_bytes``) and screenshots. All of it within ``page_timeout``: a page that never
settles is cut, a script in an endless loop is stopped (CDP
``Runtime.terminateExecution``) so its DOM can still be read, and what was fetched is
kept. ``alert``/``confirm``/``prompt``/``print``/``window.open`` are no-ops (counted),
other dialogs are dismissed, downloads and pop-ups refused. A crashed or hung browser
is restarted and the page tried once more.

Screenshots, for the WARC writer (browsertrix-crawler's convention, which ReplayWeb.page
reads): each is a WARC ``resource`` record whose ``WARC-Target-URI`` is
``urn:<kind>:<page URL>`` and whose ``Content-Type`` is the image type, dated with the
page's capture time. We write two kinds, as browsertrix's ``--screenshot
fullPage,thumbnail``: ``urn:fullPage:`` (the whole page as PNG, clipped at
``screenshot_max_height``) and ``urn:thumbnail:`` (the viewport as JPEG; ReplayWeb.page
shows ``urn:thumbnail:<url>`` beside each page in its page list). :meth:`Screenshot.target_uri`
builds the URI. Index them in CDXJ like other resource records (the key is the SURT of
the ``urn:`` URI, i.e. the URI itself).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from playwright.async_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    Route,
    ViewportSize,
    WebSocketRoute,
    async_playwright,
)
from playwright.async_api import Error as PlaywrightError

from archive.errors import ConfigError, FetchError
from archive.types import HttpResponse

from ..config import CaptureSettings
from ._pagerun import PageRun, ResponseCache, quietly
from .cookies import CookieJar
from .hooks import FetchFn, PermitFn

LAUNCH_ARGS: tuple[str, ...] = (
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-dev-shm-usage",
    # the second wall: nothing the routing misses can reach a server
    "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
    "--webrtc-ip-handling-policy=disable_non_proxied_udp",
)
VIEWPORT: ViewportSize = {"width": 1280, "height": 800}
CONTROL_TIMEOUT = 10.0  # seconds for the browser to open or close a context
PROBE_TIMEOUT = 1.0
_LOAD_POLL = 0.25  # seconds for a trivial script to answer before we stop the page's

# Dialogs and pop-ups as no-ops that count themselves: an alert() loop becomes a plain
# loop (stopped at the time limit) instead of thousands of dialog round trips.
_INIT_SCRIPT = """(() => {
  const count = { dialogs: 0, popups: 0 };
  Object.defineProperty(window, "__newsarchive_counts", { value: count });
  const dialog = (ret) => function () { count.dialogs++; return ret; };
  window.alert = dialog(undefined); window.confirm = dialog(false);
  window.prompt = dialog(null); window.print = dialog(undefined);
  window.open = function () { count.popups++; return null; };
})();"""

_READ_DOM = """(max) => {
  const root = document.documentElement;
  if (!root) return [0, ""];
  let html = root.outerHTML;
  if (document.doctype) html = "<!DOCTYPE " + document.doctype.name + ">" + html;
  return [html.length, html.length > max ? html.slice(0, max) : html];
}"""

_SCROLL = """async (steps) => {
  const root = document.scrollingElement || document.documentElement;
  if (!root || root.scrollHeight <= window.innerHeight) return;
  for (let i = 0; i < steps; i++) {
    const before = window.scrollY;
    window.scrollBy(0, window.innerHeight);
    // two frames: layout, then IntersectionObserver callbacks and lazy loads; a timer
    // backs up rAF, which a background tab may not run
    await new Promise((r) => { requestAnimationFrame(() => requestAnimationFrame(r));
                               setTimeout(r, 100); });
    if (window.scrollY === before) break;
  }
  window.scrollTo(0, 0);
}"""


class BrowserUnavailableError(ConfigError):
    """No Chromium executable to drive."""


class RenderError(FetchError):
    """A page could not be rendered: its document was refused or failed, or the browser
    crashed twice. ``reason`` is the refusal reason, ``browser-crash`` or ``browser-hung``."""


@dataclass(frozen=True, kw_only=True)
class Screenshot:
    """One screenshot of a rendered page.

    ``kind`` is ``fullPage`` (PNG) or ``thumbnail`` (JPEG of the viewport), as in
    browsertrix-crawler; see the module docstring for how to write it to WARC.
    """

    kind: str
    content_type: str
    data: bytes

    def target_uri(self, page_url: str) -> str:
        """The ``WARC-Target-URI`` of its resource record: ``urn:fullPage:<url>``."""
        return f"urn:{self.kind}:{page_url}"


@dataclass(frozen=True, kw_only=True)
class Rendered:
    """What rendering one page gave.

    Attributes:
        url: the URL asked for.
        main: the document's response (the one passed in, or fetched here).
        exchanges: every response this render fetched, in completion order, including
            the document unless it was passed in. Each is a WARC request/response pair;
            a 3xx among them is a redirect the fetcher returned unfollowed.
        screenshots: ``fullPage`` and ``thumbnail`` (empty when off or unavailable).
        dom_html: the rendered DOM serialized, what the article is extracted from;
            ``None`` when it could not be read (the document was not HTML, or the
            page stayed stuck); fall back to ``main.content`` then.
        dom_url: the document's URL when the DOM was read (a script may navigate).
        refused: ``(url, reason)`` for every request not served: the permit's reason,
            a fetch error's reason, ``page-cap``, ``page-bytes``, ``popup``,
            ``download``, ``websocket``, ``worker``, ``method-POST``, ``scheme``.
        issues: ``(code, detail)`` for page-level events: ``timeout`` (load or settle),
            ``script-stopped``, ``dom-truncated`` (full size), ``screenshot-clipped``,
            ``dialogs``/``popups`` (count), ``navigated`` (new URL),
            ``browser-restarted``, ``not-rendered`` (content type).
        timed_out: the page did not settle within the time limit.
        attempts: 2 when the browser crashed or hung and the page was tried again.
        cached: URLs served from the renderer's cache (archived with an earlier page).
    """

    url: str
    main: HttpResponse
    exchanges: tuple[HttpResponse, ...]
    screenshots: tuple[Screenshot, ...]
    dom_html: str | None
    dom_url: str
    refused: tuple[tuple[str, str], ...]
    issues: tuple[tuple[str, str], ...]
    timed_out: bool
    attempts: int = 1
    cached: tuple[str, ...] = ()

    @property
    def screenshot_png(self) -> bytes | None:
        """The full-page PNG, if taken."""
        return next((s.data for s in self.screenshots if s.kind == "fullPage"), None)


class _Crash(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Slot:
    """A browser context with its one page, routed to whichever render holds it."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self.cdp: Any = None
        self.run: PageRun | None = None

    def attach(self, run: PageRun) -> None:
        self.run = run
        run.page = self.page

    def crash(self) -> None:
        if self.run is not None:
            self.run.crashed = True

    async def route(self, route: Route, request: Request) -> None:
        if self.run is None:
            await quietly(route.abort("blockedbyclient"))  # nothing loads before a page is set
            return
        await self.run.route(route, request)

    async def websocket(self, ws: WebSocketRoute) -> None:
        if self.run is None:
            await quietly(ws.close())
            return
        await self.run.websocket(ws)

    async def close(self) -> None:
        """Close the context; TimeoutError when the browser does not answer."""
        if self.context is not None:
            with contextlib.suppress(PlaywrightError):
                await asyncio.wait_for(self.context.close(), CONTROL_TIMEOUT)

    async def close_quietly(self) -> None:
        with contextlib.suppress(TimeoutError):
            await self.close()


def find_browser(path: str = "") -> str:
    """The Chromium executable: ``path`` if given, else ``chromium`` or
    ``chromium-browser`` on PATH.

    Raises:
        BrowserUnavailableError: none found (the message says how to install one).
    """
    if path:
        found = shutil.which(path)
        if found:
            return found
        raise BrowserUnavailableError(f"browser_path {path!r} is not an executable; "
                                      "install Debian's chromium or fix the path")
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailableError(
        "no chromium on PATH: install it (apt-get install chromium) or set "
        "fetch.browser_path; newsarchive never downloads a browser")


class BrowserRenderer:
    """Renders pages in one headless Chromium, a pool of ``browser_concurrency`` pages.

    Usage::

        async with BrowserRenderer(settings, fetch=fetcher_hook(fetcher),
                                   permit=permit, user_agent=ua) as renderer:
            rendered = await renderer.render("https://example.org/a")
            article = extractor.extract(rendered.dom_html or "", url=rendered.dom_url)

    Args:
        settings: time limits, caps, pool size, screenshots, browser path.
        fetch: fetches every request (see :class:`~scraper.capture.hooks.FetchFn`).
        permit: allows or refuses every request, and paces hosts.
        cookies: put into each page's context (scripts see them, requests carry them).
        user_agent: the browser's ``navigator.userAgent`` (pass ``fetch.user_agent`` so
            scripts and servers see the same name); Chromium's own when ``None``.
    """

    def __init__(self, settings: CaptureSettings | None = None, *, fetch: FetchFn,
                 permit: PermitFn, cookies: CookieJar | None = None,
                 user_agent: str | None = None) -> None:
        self.settings = settings or CaptureSettings()
        self._fetch, self._permit = fetch, permit
        self._cookies = cookies
        self._user_agent = user_agent
        self._executable = find_browser(self.settings.browser_path)
        self._pw: Playwright | None = None
        self._browser: Browser | None = None
        self._generation = 0
        self._lock = asyncio.Lock()
        self._slots = asyncio.Semaphore(max(1, self.settings.browser_concurrency))
        self._cache = (ResponseCache(self.settings.cache_bytes)
                       if self.settings.cache_bytes > 0 else None)
        self._background: set[asyncio.Task[None]] = set()
        self._warm: asyncio.Queue[_Slot] = asyncio.Queue()
        self.restarts = 0

    async def __aenter__(self) -> BrowserRenderer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Launch the browser (``render`` does it on first use too)."""
        async with self._lock:
            await self._launch()

    async def _launch(self) -> None:
        if self._browser is not None and self._browser.is_connected():
            return
        if self._pw is None:
            self._pw = await async_playwright().start()
        self._browser = await self._pw.chromium.launch(
            executable_path=self._executable, headless=True, args=list(LAUNCH_ARGS),
            timeout=30_000)
        self._generation += 1

    async def aclose(self) -> None:
        """Close the browser and the Playwright driver."""
        async with self._lock:
            await self._shutdown()

    async def _shutdown(self) -> None:
        while not self._warm.empty():
            await self._warm.get_nowait().close_quietly()
        browser, pw = self._browser, self._pw
        self._browser, self._pw = None, None
        if browser is not None:
            # hung or gone: stopping the driver below ends the process
            with contextlib.suppress(TimeoutError, PlaywrightError):
                await asyncio.wait_for(browser.close(), CONTROL_TIMEOUT)
        if pw is not None:
            with contextlib.suppress(TimeoutError, PlaywrightError):
                await asyncio.wait_for(pw.stop(), CONTROL_TIMEOUT)

    async def _restart(self, generation: int) -> None:
        async with self._lock:
            if generation != self._generation and self._browser is not None \
                    and self._browser.is_connected():
                return  # another page restarted it already
            await self._shutdown()
            await self._launch()
            self.restarts += 1

    async def render(self, url: str, *, main: HttpResponse | None = None) -> Rendered:
        """Render one page.

        Args:
            url: the page's URL.
            main: its document, already fetched (``auto`` mode): served to the browser
                instead of fetched again, and not repeated in ``exchanges``.

        Returns:
            The rendered page; a page that timed out or misbehaved still returns what
            it got, with ``timed_out``, ``issues`` and ``refused`` saying why.

        Raises:
            RenderError: the document itself was refused or could not be fetched
                (``reason`` as the refusal), or the browser crashed or hung twice.
        """
        async with self._slots:
            crash: _Crash | None = None
            for attempt in (1, 2):
                async with self._lock:
                    await self._launch()
                    generation = self._generation
                    browser = self._browser
                assert browser is not None
                try:
                    rendered = await self._attempt(browser, generation, url, main, attempt)
                except _Crash as exc:
                    crash = exc
                    await self._restart(generation)
                    continue
                if crash is not None:
                    rendered = _with_issue(rendered, ("browser-restarted", crash.reason))
                return rendered
            assert crash is not None
            raise RenderError(f"browser {crash.reason.split('-')[-1]} twice rendering {url}",
                              url=url, reason=crash.reason)

    async def _new_slot(self, browser: Browser, generation: int) -> _Slot:
        """A fresh context and page, routed and instrumented, before any page needs it."""
        slot = _Slot(generation)
        try:
            async with asyncio.timeout(CONTROL_TIMEOUT):
                context = await browser.new_context(
                    viewport=VIEWPORT, user_agent=self._user_agent, accept_downloads=False,
                    service_workers="block", java_script_enabled=True)
                slot.context = context
                context.set_default_timeout(self.settings.page_timeout * 1000)
                if self._cookies:
                    await context.add_cookies(
                        self._cookies.for_playwright())  # type: ignore[arg-type]
                await context.add_init_script(_INIT_SCRIPT)
                await context.route("**/*", slot.route)
                await context.route_web_socket("**/*", slot.websocket)
                page = await context.new_page()
                slot.page = page
                page.on("crash", lambda _page: slot.crash())
                page.on("dialog", lambda dialog: self._spawn(_dismiss(dialog)))
                context.on("page", lambda popup: self._close_popup(slot, popup))
                # before any script runs: a session opened later would not answer a busy page
                slot.cdp = await context.new_cdp_session(page)
        except BaseException:
            self._spawn(slot.close())
            raise
        return slot

    async def _take_slot(self, browser: Browser, generation: int) -> _Slot:
        while True:
            try:
                slot = self._warm.get_nowait()
            except asyncio.QueueEmpty:
                return await self._new_slot(browser, generation)
            if slot.generation == generation and browser.is_connected():
                return slot
            self._spawn(slot.close())

    async def _refill(self, browser: Browser, generation: int) -> None:
        if self._warm.qsize() >= self.settings.browser_concurrency:
            return
        with contextlib.suppress(TimeoutError, PlaywrightError):
            slot = await self._new_slot(browser, generation)
            self._warm.put_nowait(slot)

    async def _attempt(self, browser: Browser, generation: int, url: str,
                       main: HttpResponse | None, attempt: int) -> Rendered:
        s = self.settings
        run = PageRun(url=url, fetch=self._fetch, permit=self._permit, settings=s,
                      cache=self._cache, prefetched=main)
        try:
            slot = await self._take_slot(browser, generation)
        except TimeoutError as exc:
            raise _Crash("browser-hung") from exc
        except PlaywrightError as exc:
            raise _Crash("browser-crash") from exc
        if s.warm_pages:
            self._spawn(self._refill(browser, generation))
        slot.attach(run)
        try:
            try:
                rendered = await asyncio.wait_for(self._drive(slot, run, url, attempt),
                                                  s.page_timeout + 2 * CONTROL_TIMEOUT)
            except TimeoutError as exc:
                raise _Crash("browser-hung") from exc
            except PlaywrightError as exc:
                if not browser.is_connected() or _is_crash(exc):
                    raise _Crash("browser-crash") from exc
                raise
            if not browser.is_connected() or run.crashed:
                raise _Crash("browser-crash")  # mid-page: what it returned is incomplete
        finally:
            await run.finish()
            try:
                await slot.close()
            except TimeoutError:
                # a context that will not close means a hung browser: restart it so the
                # next page does not wait on it
                self._spawn(self._restart(self._generation))
        if run.errors:
            raise run.errors[0]
        return rendered

    async def _drive(self, slot: _Slot, run: PageRun, url: str, attempt: int) -> Rendered:
        s = self.settings
        loop = asyncio.get_running_loop()
        start = loop.time()
        deadline = start + s.page_timeout
        reserve = min(max(5.0, s.page_timeout * 0.3), s.page_timeout / 2)
        load_deadline = deadline - reserve
        page, cdp = slot.page, slot.cdp
        assert page is not None
        timed_out = False
        try:
            # "commit", then our own wait for the load: Playwright's "load" wait follows a
            # script's later navigation, so a refused one would hold it to the time limit
            loaded = asyncio.Event()
            page.once("load", lambda _page: loaded.set())
            await page.goto(url, wait_until="commit",
                            timeout=_ms(max(0.5, load_deadline - loop.time())))
            if not await _wait_loaded(page, loaded, load_deadline):
                timed_out = True
                run.issues.append(("timeout", "load"))
        except PlaywrightError as exc:
            if run.crashed:
                raise _Crash("browser-crash") from exc
            if run.main is None:
                reason = run.main_refusal or "navigation-failed"
                raise RenderError(f"cannot render {url}: {reason} ({_first_line(exc)})",
                                  url=url, reason=reason) from exc
            if _is_timeout(exc):
                timed_out = True
                run.issues.append(("timeout", "load"))
            elif not _is_aborted(exc):
                run.issues.append(("navigation-error", _first_line(exc)))
        if run.main is None:
            raise RenderError(f"cannot render {url}: no document", url=url,
                              reason=run.main_refusal or "navigation-failed")
        rendered_ok = not any(code == "not-rendered" for code, _ in run.issues)
        if rendered_ok and not timed_out:
            timed_out = not await self._settle(page, run, load_deadline)
        if run.crashed:
            raise _Crash("browser-crash")
        dom_html: str | None = None
        shots: list[Any] = []
        if rendered_ok:
            await self._unstick(page, cdp, run, deadline)
            dom_html = await self._read_dom(page, run, deadline)
            if s.screenshot and dom_html is not None:
                shots = await self._screenshots(page, run, deadline)
            await self._read_counts(page, run, deadline)
        dom_url = page.url if dom_html is not None else run.main.url
        if dom_url != run.main.url and dom_html is not None:
            run.issues.append(("navigated", dom_url))
        return Rendered(
            url=url, main=run.main, exchanges=tuple(run.exchanges),
            screenshots=tuple(shots), dom_html=dom_html, dom_url=dom_url,
            refused=tuple(run.refused), issues=tuple(run.issues), timed_out=timed_out,
            attempts=attempt, cached=tuple(run.cached))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _close_popup(self, slot: _Slot, popup: Page) -> None:
        if slot.page is None or popup == slot.page:
            return
        if slot.run is not None:
            slot.run.issues.append(("popups", "1"))
        self._spawn(_close_quietly(popup))

    async def _settle(self, page: Page, run: PageRun, until: float) -> bool:
        s = self.settings
        loop = asyncio.get_running_loop()
        cap = min(until, loop.time() + s.settle_max)
        idle = await run.wait_idle(cap)
        if not idle:
            run.issues.append(("timeout", "settle"))
            return False
        if s.scroll_steps > 0:
            before = run.started
            try:
                async with asyncio.timeout(max(0.1, cap - loop.time())):
                    await page.evaluate(_SCROLL, s.scroll_steps)
            except (TimeoutError, PlaywrightError):
                run.issues.append(("timeout", "scroll"))
                return False
            if run.started == before and run.inflight == 0:
                return True  # scrolling asked for nothing new
            if not await run.wait_idle(min(until, loop.time() + s.settle_max)):
                run.issues.append(("timeout", "settle"))
                return False
        return True

    async def _unstick(self, page: Page, cdp: Any, run: PageRun, deadline: float) -> None:
        """Stop the page's scripts if they hold the main thread, so it can be read."""
        try:
            await asyncio.wait_for(page.evaluate("1"), PROBE_TIMEOUT)
            return
        except (TimeoutError, PlaywrightError):
            pass
        with contextlib.suppress(TimeoutError, PlaywrightError):
            await asyncio.wait_for(cdp.send("Runtime.terminateExecution"), CONTROL_TIMEOUT)
            await asyncio.wait_for(
                cdp.send("Emulation.setScriptExecutionDisabled", {"value": True}),
                CONTROL_TIMEOUT)
        run.issues.append(("script-stopped", "busy at the time limit"))

    async def _read_dom(self, page: Page, run: PageRun, deadline: float) -> str | None:
        limit = self.settings.dom_max_bytes
        loop = asyncio.get_running_loop()
        try:
            size, html = await asyncio.wait_for(
                page.evaluate(_READ_DOM, limit), max(PROBE_TIMEOUT, deadline - loop.time()))
        except (TimeoutError, PlaywrightError) as exc:
            run.issues.append(("dom-unavailable", _first_line(exc) or "timeout"))
            return None
        if size > limit:
            run.issues.append(("dom-truncated", str(size)))
        return str(html)

    async def _screenshots(self, page: Page, run: PageRun, deadline: float) -> list[Any]:
        s = self.settings
        loop = asyncio.get_running_loop()
        shots: list[Screenshot] = []
        try:
            async with asyncio.timeout(max(PROBE_TIMEOUT, deadline - loop.time())):
                thumb = await page.screenshot(type="jpeg", quality=70)
                shots.append(Screenshot(kind="thumbnail", content_type="image/jpeg",
                                        data=thumb))
                height = int(await page.evaluate(
                    "Math.max(document.documentElement.scrollHeight,"
                    " document.body ? document.body.scrollHeight : 0)"))
                clip = None
                if height > s.screenshot_max_height:
                    run.issues.append(("screenshot-clipped", str(height)))
                    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"],
                            "height": s.screenshot_max_height}
                full = await page.screenshot(type="png", full_page=True,
                                             clip=clip)  # type: ignore[arg-type]
                shots.insert(0, Screenshot(kind="fullPage", content_type="image/png",
                                           data=full))
        except (TimeoutError, PlaywrightError) as exc:
            run.issues.append(("screenshot-failed", _first_line(exc) or "timeout"))
        return shots

    async def _read_counts(self, page: Page, run: PageRun, deadline: float) -> None:
        try:
            counts = await asyncio.wait_for(
                page.evaluate("window.__newsarchive_counts || null"), PROBE_TIMEOUT)
        except (TimeoutError, PlaywrightError):
            return
        if isinstance(counts, dict):
            for key in ("dialogs", "popups"):
                if counts.get(key):
                    run.issues.append((key, str(counts[key])))


def _with_issue(rendered: Rendered, issue: tuple[str, str]) -> Rendered:
    return dataclasses.replace(rendered, issues=(*rendered.issues, issue))


async def _dismiss(dialog: Any) -> None:
    with contextlib.suppress(PlaywrightError):
        await dialog.dismiss()


async def _close_quietly(page: Page) -> None:
    with contextlib.suppress(PlaywrightError):
        await page.close()


async def _wait_loaded(page: Page, loaded: asyncio.Event, until: float) -> bool:
    """Wait for the document's load event until ``until``; True when it came.

    Playwright's event is the quick path; ``document.readyState`` is asked every
    ``_LOAD_POLL`` seconds too, because Playwright holds the event back while a script's
    navigation is pending, and a refused one stays pending.
    """
    loop = asyncio.get_running_loop()
    while not loaded.is_set():
        remaining = until - loop.time()
        if remaining <= 0:
            return False
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(loaded.wait(), min(_LOAD_POLL, remaining))
            return True
        browser = page.context.browser
        if page.is_closed() or (browser is not None and not browser.is_connected()):
            raise PlaywrightError("page closed while loading")
        try:
            state = await asyncio.wait_for(page.evaluate("document.readyState"),
                                           max(0.05, min(_LOAD_POLL, until - loop.time())))
        except (TimeoutError, PlaywrightError):
            continue  # busy scripts, or a navigation replaced the document
        if state == "complete":
            return True
    return True


def _ms(seconds: float) -> float:
    return max(1.0, seconds * 1000)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:200] if text else ""


def _is_timeout(exc: PlaywrightError) -> bool:
    return "Timeout" in type(exc).__name__ or "timeout" in str(exc).lower()[:200]


def _is_aborted(exc: PlaywrightError) -> bool:
    return "ERR_ABORTED" in str(exc)


def _is_crash(exc: PlaywrightError) -> bool:
    text = str(exc)
    return any(m in text for m in ("Target crashed", "crashed", "Target closed",
                                   "Browser has been closed", "browser has disconnected"))


__all__: Sequence[str] = ["BrowserRenderer", "BrowserUnavailableError", "RenderError",
                          "Rendered", "Screenshot", "find_browser"]

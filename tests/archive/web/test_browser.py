"""In a real browser (headless Chromium through Playwright): search, open a record, see
a highlighted attribution, open a diff, run a trace, open the snapshot — and a hostile
archived page, framed or opened alone, changes nothing outside its own document.

Skipped when Playwright or Chromium is missing, except under CI (``CI`` set), where
that is a failure: ``.ci/run`` installs Debian's chromium.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archive import Archive
from archive.web import running
from tests.archive.web.conftest import HOSTILE_HTML, QUOTE, Built, _response, build

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 20_000  # generous: a loaded machine must not fail a correct page


def chromium_path() -> str | None:
    """Debian's chromium, if installed."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)


def launch(playwright: Any) -> Any:
    """Headless Chromium from the system (never a downloaded browser build)."""
    return playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                      args=CHROMIUM_FLAGS)


def _need_browser() -> None:
    why = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        why = "playwright is not installed (pip install -e '.[test]')"
    if why is None and chromium_path() is None:
        why = "chromium is not installed (apt-get install chromium)"
    if why:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests must run under CI: {why}")
        pytest.skip(why)


class Live:
    """The servers and what the archive holds."""

    def __init__(self, app: str, replay: str, built: Built, hostile_capture: int) -> None:
        self.app, self.replay, self.built = app, replay, built
        self.hostile_capture = hostile_capture


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    _need_browser()
    root = tmp_path_factory.mktemp("web") / "arc"
    with Archive(root, create=True) as arc:
        built = build(arc)
    with running(lambda: Archive(root)) as (app, replay), Archive(root) as arc:
        # the hostile page learns the app's real address (ports are chosen at start)
        url = "https://hostile2.example/x"
        result = arc.store_response(
            _response(url, HOSTILE_HTML.replace("__APP__", app).encode(),
                      "2024-02-02T08:00:00+00:00"), None, page_url=url)
        yield Live(app, replay, built, result.capture_id)


@pytest.fixture(scope="module")
def browser(live: Live) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_search_record_attribution_diff(page: Any, live: Live) -> None:
    page.goto(live.app + "/search")
    page.fill("form.search input[name=q]", '"share intelligence"')
    page.click("form.search button")
    assert page.locator("ol.hits li").count() == 2
    assert page.locator(".snippet mark").first.inner_text().startswith("share")
    page.click("text=Copied story")
    mark = page.locator("a.attr mark")
    assert mark.inner_text() == QUOTE
    assert mark.evaluate("m => getComputedStyle(m).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.click("a.attr")
    assert page.url.endswith("#source-0")
    page.click("a.archived")  # the source's own page, archived
    assert page.locator("h1").inner_text() == "Origin story (updated)"
    page.click("a.diff-link")
    assert page.locator("table.sbs ins").first.inner_text() == "line, updated."
    assert page.locator("table.sbs tr.insert").inner_text().strip() == \
        "A new closing paragraph."


def test_trace(page: Any, live: Live) -> None:
    page.goto(live.app + "/trace")
    page.fill("textarea[name=passage]", QUOTE)
    page.click("form.trace button")
    tree = page.locator("ul.tree")
    assert tree.locator("> li > a").inner_text() == "Origin story"
    assert tree.locator("> li > ul > li > a").inner_text() == "Copied story"
    assert page.locator("svg.timeline circle").count() == 2


def test_snapshot_shows_the_archived_page_with_its_image(page: Any, live: Live) -> None:
    page.goto(f"{live.app}/record/{live.built.origin_v1}")
    page.click("a.snapshot-link")
    frame = page.frame_locator("iframe.snapshot")
    assert frame.locator("h1").inner_text() == "Origin story"
    image = frame.locator("img")
    # the 4x4 PNG from the archive (2 wide if the 2x srcset candidate was picked)
    assert image.evaluate("i => i.decode().then(() => i.naturalWidth, () => -1)") in (2, 4)


def _report(frame: Any) -> list[str]:
    report = frame.locator("#report")
    report.filter(has_text="done").wait_for()
    return str(report.inner_text()).splitlines()


def test_hostile_page_in_its_frame_changes_nothing_outside(page: Any, live: Live) -> None:
    page.context.add_cookies([{"name": "app_secret", "value": "keep", "url": live.app}])
    page.goto(f"{live.app}/snapshot/{live.hostile_capture}")
    title = page.title()
    report = _report(page.frame_locator("iframe.snapshot"))
    # the script ran (its own document changed) yet reached nothing outside it
    assert report[:5] == ["parent:blocked", "top:blocked", "cookie:blocked",
                          "setcookie:blocked", "storage:blocked"], report
    assert report[5] in ("relative:no-data", "relative:blocked"), report
    assert report[6] == "app:blocked", report
    assert page.title() == title and "PWNED" not in page.locator("body").inner_text()
    assert page.locator("h1").inner_text().startswith("Snapshot of")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert cookies == {"app_secret": "keep"}


def test_hostile_page_opened_alone_is_still_sandboxed(page: Any, live: Live) -> None:
    page.context.add_cookies([{"name": "app_secret", "value": "keep", "url": live.app}])
    page.goto(f"{live.replay}/20240202080000/https://hostile2.example/x")
    report = _report(page)
    # the Content-Security-Policy sandbox alone gives it an opaque origin
    assert report[:2] == ["parent:none", "top:none"], report
    assert report[2:5] == ["cookie:blocked", "setcookie:blocked", "storage:blocked"], report
    assert report[6] == "app:blocked", report
    assert {c["name"] for c in page.context.cookies()} == {"app_secret"}

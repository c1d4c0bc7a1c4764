"""Screenshots of the main pages for docs/SERVE.md, taken with headless Chromium.

Crawls the bundled demo site (as ``newsarchive demo`` does) into a temporary archive,
serves it, and shoots search, a record with its attributions, its snapshot, sources and
trace; a diff and a crawl come from the web tests' archive (the demo has one version
per page). Run from the repository root::

    PYTHONPATH=. python -m tests.archive.web.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from archive import Archive, Query
from archive.web import running
from tests.archive.web.conftest import QUOTE, build
from tests.archive.web.test_browser import launch

REPO = Path(__file__).resolve().parents[3]
VIEWPORT = {"width": 1280, "height": 860}


def _demo_archive(directory: Path) -> Path:
    subprocess.run([sys.executable, "-m", "scraper", "demo"], cwd=directory, check=True,
                   capture_output=True, env={"PYTHONPATH": str(REPO), "NO_COLOR": "1",
                                             "PATH": "/usr/bin:/bin"})
    return directory / "newsarchive-demo"


def _shoot(page: Any, url: str, out: Path, *, full: bool = False) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(out), full_page=full)
    print(f"wrote {out}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        demo = _demo_archive(Path(tmp))
        with Archive(demo) as arc:
            record = arc.search(Query(text='"proxy war"', sort="date"))[0].record
            passage = next(a.passage for a in record.article.attributions)
        small = Path(tmp) / "small"
        with Archive(small, create=True) as arc:
            built = build(arc)
        with sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport=VIEWPORT)
            with running(lambda: Archive(demo)) as (app, _):
                _shoot(page, f"{app}/search?q=%22proxy+war%22+OR+ceasefire", out / "search.png")
                _shoot(page, f"{app}/record/{record.id}", out / "record.png", full=True)
                page.goto(f"{app}/record/{record.id}")
                page.click("a.snapshot-link")
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(out / "snapshot.png"))
                _shoot(page, f"{app}/sources", out / "sources.png")
                _shoot(page, f"{app}/trace?passage={quote(passage[:160])}", out / "trace.png")
            with running(lambda: Archive(small)) as (app, _):
                _shoot(page, f"{app}/diff?url=https://origin.example/a", out / "diff.png")
                _shoot(page, f"{app}/trace?passage={quote(QUOTE)}", out / "trace-tree.png")
                _shoot(page, f"{app}/crawls/{built.running_crawl}", out / "crawl.png")
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

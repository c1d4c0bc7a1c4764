"""Pin each package's public surface, and that reading a name loads only what it needs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import archive
import scraper
from tests.conftest import REPO

ARCHIVE = ["Archive", "ArchiveError", "ArchiveSettings", "Article", "Attribution", "Capture",
           "CrawlLockedError", "HttpResponse", "NewsarchiveError", "Query", "QuerySyntaxError",
           "Record", "RecordNotFoundError", "Resource", "SchemaVersionError", "SearchHit",
           "StoreResult", "WarcError", "content_hash", "open_archive"]
SCRAPER = ["Crawler", "Extractor", "Fetcher", "Settings", "extract_article", "load_settings",
           "__version__"]


def test_archive_exports() -> None:
    assert sorted(archive.__all__) == sorted(ARCHIVE)
    for name in archive.__all__:  # each name is the package's own, defined where it says
        assert getattr(archive, name).__module__.startswith("archive."), name
    assert {name for name in dir(archive) if not name.startswith("_")} >= set(ARCHIVE)


def test_scraper_exports() -> None:
    assert sorted(scraper.__all__) == sorted(SCRAPER)
    for name in scraper.__all__:
        if name != "__version__":
            assert getattr(scraper, name).__module__.startswith("scraper."), name
    assert scraper.__version__.count(".") == 2


def test_names_are_loaded_when_used() -> None:
    """``import archive`` and ``import scraper`` load neither the WARC machinery nor the
    extractor until a name that needs them is read (the CLI's start-up depends on it)."""
    code = ("import sys, archive, scraper; heavy = ('warcio', 'lxml', 'httpx', 'rich'); "
            "print(sorted(m for m in heavy if m in sys.modules)); archive.Archive; "
            "print('archive.archive' in sys.modules, 'warcio' in sys.modules); "
            "scraper.Extractor; print('lxml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, check=True).stdout.split("\n")
    assert out[:3] == ["[]", "True False", "True"]


def test_archive_never_imports_scraper() -> None:
    for path in Path(archive.__file__).parent.rglob("*.py"):
        text = path.read_text()
        assert "import scraper" not in text and "from scraper" not in text, path

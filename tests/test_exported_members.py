"""Pin each package's public surface."""

from __future__ import annotations

import archive
import scraper


def test_archive_exports() -> None:
    assert sorted(archive.__all__) == sorted(
        ["Archive", "ArchiveError", "ArchiveSettings", "Article", "Attribution", "Capture",
         "HttpResponse", "NewsarchiveError", "Query", "Record", "RecordNotFoundError",
         "SchemaVersionError", "SearchHit", "StoreResult", "WarcError", "content_hash",
         "open_archive"])
    for name in archive.__all__:
        assert getattr(archive, name) is not None


def test_scraper_exports() -> None:
    assert sorted(scraper.__all__) == sorted(
        ["Crawler", "Extractor", "Fetcher", "Settings", "extract_article", "load_settings",
         "__version__"])
    for name in scraper.__all__:
        assert getattr(scraper, name) is not None


def test_archive_never_imports_scraper() -> None:
    for path in (archive.__file__ and __import__("pathlib").Path(archive.__file__).parent).rglob("*.py"):
        text = path.read_text()
        assert "import scraper" not in text and "from scraper" not in text, path

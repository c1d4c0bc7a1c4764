"""newsarchive's crawler: discovery, polite fetching and extraction.

Public surface (pinned by ``tests/test_exported_members.py``)::

    from scraper import extract_article, Extractor, Fetcher, Crawler, load_settings, Settings
"""

from __future__ import annotations

__version__ = "0.1.0"

from .config import Settings, load_settings
from .crawl import Crawler
from .extract import Extractor, extract_article
from .fetch import Fetcher

__all__ = ["Crawler", "Extractor", "Fetcher", "Settings", "__version__", "extract_article",
           "load_settings"]

"""newsarchive's crawler: discovery, polite fetching and extraction.

Public surface (pinned by ``tests/test_exported_members.py``)::

    from scraper import extract_article, Extractor, Fetcher, Crawler, load_settings, Settings

Names are imported on first use, so a command that needs only part of the crawler (the
CLI's ``--version``, ``query``) does not load the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from archive.lazy import lazy_exports

from ._version import __version__

if TYPE_CHECKING:
    from .config import Settings, load_settings
    from .crawl import Crawler
    from .extract import Extractor, extract_article
    from .fetch import Fetcher

_WHERE = {"Settings": "config", "load_settings": "config", "Crawler": "crawl",
          "Extractor": "extract", "extract_article": "extract", "Fetcher": "fetch"}

__all__ = ["Crawler", "Extractor", "Fetcher", "Settings", "__version__", "extract_article",
           "load_settings"]


__getattr__, __dir__ = lazy_exports(__name__, _WHERE, __all__)

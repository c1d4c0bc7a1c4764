"""The app's pages, one module per kind: search, record (with diff and snapshot),
sources, trace, sites and crawls. Each lists its :class:`~archive.web.pages.Page`s."""

from __future__ import annotations

from ..pages import Page
from . import crawls, record, search, sites, sources, trace


def all_pages() -> list[Page]:
    """Every page of the app, in menu order."""
    return [*search.PAGES, *record.PAGES, *sources.PAGES, *trace.PAGES, *sites.PAGES,
            *crawls.PAGES]

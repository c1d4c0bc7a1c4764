"""Crawls: each crawl's outcome, and a live view of a running one (the page reloads
itself while the crawl runs; no script needed)."""

from __future__ import annotations

from typing import Any

from ... import Archive
from ...browse import crawl_progress, crawls
from ...errors import RecordNotFoundError
from ..pages import Args, Page, Param

REFRESH_SECONDS = 5


def _list(arc: Archive, args: Args) -> dict[str, Any]:
    return {"crawls": [c.to_dict() for c in crawls(arc.store, limit=100)]}


def _one(arc: Archive, args: Args) -> dict[str, Any]:
    crawl_id = args.integer("id") or 0
    found = crawls(arc.store, crawl_id=crawl_id)
    if not found:
        raise RecordNotFoundError(f"no crawl with id {crawl_id}")
    data = found[0].to_dict()
    data["progress"] = crawl_progress(arc.store, crawl_id).to_dict()
    return data


def _one_extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    return {"refresh": REFRESH_SECONDS if data["running"] else None}


PAGES = [
    Page(path="/crawls", name="crawls", title="Crawls and their outcomes",
         template="crawls.html", load=_list),
    Page(path="/crawls/{id:int}", name="crawl", title="One crawl, live while it runs",
         template="crawl.html", load=_one, extra=_one_extra,
         params=(Param(name="id", description="crawl id", type="integer", where="path"),)),
]

"""Trace: paste a passage, see where it appeared first and how it spread."""

from __future__ import annotations

from typing import Any

from ... import Archive
from ...provenance import spread_tree, trace_passage
from ..charts import timeline
from ..pages import Args, Page, Param


def _load(arc: Archive, args: Args) -> dict[str, Any]:
    passage = (args.text("passage") or "").strip()
    if not passage:
        return {"passage": "", "articles": []}
    hits = trace_passage(arc.store, passage,
                         min_similarity=args.number("min_similarity") or 0.5,
                         limit=min(args.integer("limit") or 200, 1000))
    parents = spread_tree(hits)
    return {"passage": passage,
            "articles": [{**h.to_dict(), "parent": None if p is None else hits[p].record.id}
                         for h, p in zip(hits, parents, strict=True)]}


def _tree(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Nested nodes ``{"article", "children"}``: each copy under the one it credits."""
    nodes: dict[int, dict[str, Any]] = {a["record_id"]: {"article": a, "children": []}
                                        for a in articles}
    roots: list[dict[str, Any]] = []
    for a in articles:
        parent = nodes.get(a["parent"]) if a["parent"] is not None else None
        (parent["children"] if parent else roots).append(nodes[a["record_id"]])
    return roots


def _extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    events = [(a["first_captured"], f"{a['site']}: {a['title'] or '(untitled)'}",
               f"/record/{a['record_id']}") for a in data["articles"]]
    return {"tree": _tree(data["articles"]), "chart": timeline(events),
            "min_similarity": args.text("min_similarity") or "0.5"}


PAGES = [Page(path="/trace", name="trace", title="Where a passage appeared and spread",
              template="trace.html", load=_load, extra=_extra,
              params=(Param(name="passage", description="the text to trace (3+ words)"),
                      Param(name="min_similarity", type="number", default=0.5,
                            description="share of the passage's shingles an article must "
                            "contain"),
                      Param(name="limit", type="integer", default=200,
                            description="at most this many articles")))]

"""Sources: who articles credit, ranked, with each source's citations over time."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ... import Archive
from ...browse import citations_over_time
from ...provenance import rank_sources
from ..charts import sparkline
from ..pages import Args, Page, Param


def _load(arc: Archive, args: Args) -> dict[str, Any]:
    stats = rank_sources(arc.store, limit=min(args.integer("limit") or 30, 500),
                         site=args.text("site"))
    months = citations_over_time(arc.store, [s.source for s in stats])
    return {"site": args.text("site"),
            "sources": [{**s.to_dict(), "months": [{"month": m, "count": c}
                                                   for m, c in months.get(s.source, [])]}
                        for s in stats]}


def _extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    return {"rows": [(s, sparkline([(m["month"], m["count"]) for m in s["months"]],
                                   label=f"articles citing {s['source']} per month"),
                      "/search?" + urlencode({"source": s["source"], "sort": "date"}))
                     for s in data["sources"]]}


PAGES = [Page(path="/sources", name="sources", title="Attribution sources ranked",
              template="sources.html", load=_load, extra=_extra,
              params=(Param(name="site", description="only articles of this site"),
                      Param(name="limit", description="how many sources", type="integer",
                            default=30)))]

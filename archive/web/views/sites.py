"""Sites: what each site holds, and its articles per day."""

from __future__ import annotations

from typing import Any

from ... import Archive
from ...browse import articles_per_day, sites
from ..charts import bar_chart, sparkline
from ..pages import Args, Page, Param


def _load(arc: Archive, args: Args) -> dict[str, Any]:
    days = min(args.integer("days") or 60, 3660)
    site = args.text("site")
    per_day = articles_per_day(arc.store, site=site, until=args.text("until"), days=days)
    return {"site": site, "days": days,
            "sites": [s.to_dict() for s in sites(arc.store, limit=200)
                      if site is None or s.site == site],
            "per_day": {name: [{"day": d, "count": c} for d, c in points]
                        for name, points in per_day.items()}}


def _extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    charts = {}
    for name, points in data["per_day"].items():
        pairs = [(p["day"], p["count"]) for p in points]
        charts[name] = (bar_chart(pairs, label=f"articles per day on {name}", height=90)
                        if data["site"] else sparkline(pairs, label=f"{name} per day"))
    return {"charts": charts}


PAGES = [Page(path="/sites", name="sites", title="Sites and their articles per day",
              template="sites.html", load=_load, extra=_extra,
              params=(Param(name="site", description="one site only"),
                      Param(name="days", type="integer", default=60,
                            description="days charted, up to the newest article"),
                      Param(name="until", description="last day charted (YYYY-MM-DD)")))]

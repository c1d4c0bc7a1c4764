"""Search: ranked hits with highlighted snippets, facets with counts, hits over time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

from ... import Archive, Query, SearchHit
from ...browse import facets
from ...query import HIGHLIGHT
from ..charts import bar_chart
from ..pages import Args, Page, Param

PER_PAGE = 20
FILTERS = ("site", "since", "until", "source", "author", "language")
PARAMS = (
    Param(name="q", description='query text: words, "phrases", prefix*, OR, NOT'),
    Param(name="site", description="only this site"),
    Param(name="since", description="published on or after (YYYY-MM-DD)"),
    Param(name="until", description="published on or before (YYYY-MM-DD)"),
    Param(name="source", description="only articles crediting this source"),
    Param(name="author", description="only articles by this author (substring)"),
    Param(name="language", description="only this language (en matches en-GB)"),
    Param(name="sort", description="ranking", enum=("relevance", "date"), default="relevance"),
    Param(name="page", description="results page, from 1", type="integer", default=1),
    Param(name="all_versions", description="include superseded versions", type="boolean"),
    Param(name="facets", description="also count facets and hits per month", type="boolean",
          default="true"),
)


def query_of(args: Args) -> Query:
    """The :class:`Query` a search page's parameters describe."""
    page = max(args.integer("page") or 1, 1)
    return Query(text=args.text("q") or "", site=args.text("site"), since=args.text("since"),
                 until=args.text("until"), source=args.text("source"),
                 author=args.text("author"), language=args.text("language"),
                 sort="date" if args.text("sort") == "date" else "relevance", limit=PER_PAGE,
                 offset=(page - 1) * PER_PAGE, all_versions=args.flag("all_versions"))


def hit_dict(hit: SearchHit) -> dict[str, Any]:
    """A hit as ``newsarchive query --json`` prints it."""
    data = hit.record.to_dict()
    data["snippet"], data["score"] = hit.snippet, round(hit.score, 4)
    return data


def load(arc: Archive, args: Args) -> dict[str, Any]:
    query = query_of(args)
    hits = arc.search(query)
    return {"query": {"text": query.text, **{f: getattr(query, f) for f in FILTERS},
                      "sort": query.sort, "all_versions": query.all_versions,
                      "limit": query.limit, "offset": query.offset},
            "hits": [hit_dict(h) for h in hits]}


def load_facets(arc: Archive, args: Args) -> dict[str, Any]:
    """Facet counts and hits per month (run beside :func:`load`, on its own thread)."""
    if (args.text("facets") or "true").lower() in ("0", "false", "no", "off"):
        return {}
    return {"facets": facets(arc.store, query_of(args)).to_dict()}


def highlight(snippet: str) -> Markup:
    """A snippet with its «matches» in ``<mark>``, everything else escaped."""
    out: list[str] = []
    rest = snippet
    while HIGHLIGHT[0] in rest and HIGHLIGHT[1] in rest.partition(HIGHLIGHT[0])[2]:
        before, _, tail = rest.partition(HIGHLIGHT[0])
        hit, _, rest = tail.partition(HIGHLIGHT[1])
        out.append(f"{escape(before)}<mark>{escape(hit)}</mark>")
    out.append(str(escape(rest)))
    return Markup("".join(out))


def link(args: Args, **changes: str | None) -> str:
    """This search's URL with some parameters changed (None removes one)."""
    values = {k: v for k, v in args.as_dict().items() if k != "page"}
    for key, value in changes.items():
        if value is None:
            values.pop(key, None)
        else:
            values[key] = value
    return "/search" + (f"?{urlencode(values)}" if values else "")


def _linker(args: Args, *names: str) -> Callable[..., str]:
    """Like :func:`link` for many values of the same parameters: the rest of the
    query is encoded once (a page has dozens of facet and chart links)."""
    rest = urlencode({k: v for k, v in args.as_dict().items()
                      if k != "page" and k not in names})
    prefix = "/search?" + (rest + "&" if rest else "")
    return lambda *values: prefix + urlencode(dict(zip(names, values, strict=True)))


def extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    facet_data = data.get("facets") or {}
    months = [(m["month"], m["count"]) for m in facet_data.get("months", [])]
    page = max(args.integer("page") or 1, 1)
    month_link = _linker(args, "since", "until")
    return {
        "snippets": [highlight(h["snippet"]) for h in data["hits"]],
        "chart": bar_chart(months, label="hits per month of publication",
                           link=lambda m: month_link(f"{m}-01", f"{m}-31"))
        if months else None,
        "facet_links": {name: [(v["value"], v["count"], _linker(args, name)(v["value"]))
                               for v in values]
                        for name, values in facet_data.get("facets", {}).items()},
        "chips": [(f, args.text(f), link(args, **{f: None})) for f in FILTERS if args.text(f)],
        "page": page,
        "prev_link": link(args, page=str(page - 1)) if page > 1 else None,
        "next_link": link(args, page=str(page + 1)) if len(data["hits"]) == PER_PAGE else None,
    }


PAGES = [Page(path="/search", name="search", title="Search the archive", template="search.html",
              load=load, parallel=(load_facets,), params=PARAMS, extra=extra)]

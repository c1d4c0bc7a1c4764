"""Full-text search on PostgreSQL (tsvector + GIN), the same searches as on SQLite.

The search text arrives parsed (:mod:`archive.query`); :func:`to_tsquery` writes it as a
``tsquery`` with every word quoted, so a search means the same on both backends. A
``title:`` or ``body:`` term is a weight restriction (titles are weight A, bodies D).
Ranking is ``ts_rank`` with titles weighted above bodies, as BM25 is on SQLite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...query import (
    BROWSE_SELECT,
    DATE_ORDER,
    HIGHLIGHT,
    And,
    Node,
    Not,
    Or,
    Query,
    Term,
    filter_clauses,
)
from ...types import SearchHit

if TYPE_CHECKING:
    from .store import PgStore

_WEIGHT = {"title": "A", "body": "D"}


def to_tsquery(node: Node) -> str:
    """The ``to_tsquery('simple', ...)`` text of a search tree."""
    if isinstance(node, Term):
        weight = _WEIGHT.get(node.column or "", "")
        last = len(node.words) - 1
        lexemes = []
        for i, word in enumerate(node.words):
            label = ("*" if node.prefix and i == last else "") + weight
            lexemes.append(f"'{word}'" + (f":{label}" if label else ""))
        return "(" + " <-> ".join(lexemes) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(to_tsquery(i) for i in node.items) + ")"
    if isinstance(node, And):
        return "(" + " & ".join(("!" + to_tsquery(i.item)) if isinstance(i, Not)
                                else to_tsquery(i) for i in node.items) + ")"
    raise ValueError("a NOT needs something to exclude from")  # parse_text prevents it


def search(store: PgStore, query: Query) -> list[SearchHit]:
    """Run ``query``; hits carry the record, a highlighted snippet and the rank."""
    where: list[str] = []
    params: list[Any] = []
    if query.tree is not None:
        select = ("SELECT v.id, ts_rank(v.search, q) AS score, "
                  f"ts_headline('simple', v.body, q, 'StartSel={HIGHLIGHT[0]}, "
                  f"StopSel={HIGHLIGHT[1]}, MaxWords=16, MinWords=8, FragmentDelimiter=…, "
                  "MaxFragments=1') AS snip "
                  "FROM versions v JOIN pages p ON p.id = v.page_id, "
                  "to_tsquery('simple', %s) q")
        params.append(to_tsquery(query.tree))
        where.append("v.search @@ q")
    else:
        select = BROWSE_SELECT
    more, more_params = filter_clauses(query, placeholder="%s")
    where += more
    params += more_params
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    if query.sort == "date" or query.tree is None:
        sql += DATE_ORDER
    else:
        sql += " ORDER BY score DESC, v.id"
    sql += " LIMIT %s OFFSET %s"
    params += [query.limit, query.offset]
    with store.connection() as conn:
        rows = conn.execute(sql.encode(), params).fetchall()
    joined = f"{HIGHLIGHT[1]} {HIGHLIGHT[0]}"  # «proxy» «war» → «proxy war», as FTS5 marks
    records = store.records_by_id([int(r[0]) for r in rows])
    return [SearchHit(record=records[int(r[0])],
                      snippet=" ".join(str(r[2] or "").split()).replace(joined, " "),
                      score=float(r[1]))
            for r in rows]

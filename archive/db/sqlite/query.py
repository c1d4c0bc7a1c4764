"""Full-text search on SQLite: FTS5 ``MATCH`` with BM25 ranking, plus the query's filters.

The search text arrives parsed (:mod:`archive.query`); :func:`to_match` writes it in
FTS5's syntax with every word quoted, so no user text reaches FTS5 as syntax.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...query import BROWSE_SELECT, DATE_ORDER, HIGHLIGHT, And, Node, Not, Or, Query, Term
from ...query import filter_clauses as _filters  # (one name for both of its uses)
from ...types import SearchHit

if TYPE_CHECKING:
    from .store import SqliteStore


def to_match(node: Node) -> str:
    """The FTS5 ``MATCH`` expression of a search tree."""
    if isinstance(node, Term):
        text = '"' + " ".join(node.words) + '"' + ("*" if node.prefix else "")
        return f"{node.column} : {text}" if node.column else text
    if isinstance(node, Or):
        return " OR ".join(f"({to_match(i)})" for i in node.items)
    if isinstance(node, And):
        positive = [i for i in node.items if not isinstance(i, Not)]
        negative = [i.item for i in node.items if isinstance(i, Not)]
        out = " AND ".join(f"({to_match(i)})" for i in positive)
        return out + "".join(f" NOT ({to_match(i)})" for i in negative)
    raise ValueError("a NOT needs something to exclude from")  # parse_text prevents it


def search(store: SqliteStore, query: Query) -> list[SearchHit]:
    """Run ``query``; hits carry the record, a highlighted snippet and the BM25 score."""
    where: list[str] = []
    params: list[Any] = []
    match = to_match(query.tree) if query.tree is not None else ""
    if match:
        # Author and language filters read the version row; the others need only its
        # page and date, which the versions_filter index holds (SQLite would pick the
        # wider row by its primary key).
        covered = not (query.author or query.language)
        select = (
            "SELECT v.id, bm25(versions_fts, 5.0, 1.0) AS score, '' AS snip "
            "FROM versions_fts JOIN versions v "
            f"{'INDEXED BY versions_filter ' if covered else ''}ON v.id = versions_fts.rowid "
            "JOIN pages p ON p.id = v.page_id"
        )
        where.append("versions_fts MATCH ?")
        params.append(match)
    else:
        select = BROWSE_SELECT
    more, more_params = _filters(query)
    where += more
    params += more_params
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    sql += DATE_ORDER if query.sort == "date" or not match else " ORDER BY score"
    sql += " LIMIT ? OFFSET ?"
    params += [query.limit, query.offset]
    rows = store.conn.execute(sql, params).fetchall()
    # snippets are costly (they re-tokenize the body): made for this page of hits only
    snippets = _snippets(store, match, [int(r[0]) for r in rows]) if match and rows else {}
    return [SearchHit(record=store.record(r[0]),
                      snippet=" ".join(str(snippets.get(int(r[0]), r[2]) or "").split()),
                      score=-float(r[1])) for r in rows]


def _snippets(store: SqliteStore, match: str, ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(
        f"SELECT rowid, snippet(versions_fts, 1, '{HIGHLIGHT[0]}', '{HIGHLIGHT[1]}', '…', 16) "
        f"FROM versions_fts WHERE versions_fts MATCH ? AND rowid IN ({marks})", [match, *ids])
    return {int(r[0]): str(r[1]) for r in rows}


def matching_sql(query: Query, columns: str, order: str = "") -> tuple[str, list[Any]]:
    """SQL (ending in ``LIMIT ?``) for :meth:`SqliteStore.matching`."""
    where, params = _filters(query)
    if query.tree is not None:
        sql = (f"SELECT {columns} FROM versions_fts JOIN versions v ON v.id = versions_fts.rowid "
               "JOIN pages p ON p.id = v.page_id")
        where.insert(0, "versions_fts MATCH ?")
        params.insert(0, to_match(query.tree))
    else:
        sql = f"SELECT {columns} FROM versions v JOIN pages p ON p.id = v.page_id"
    sql += (" WHERE " + " AND ".join(where) if where else "")
    return sql + (f" ORDER BY {order}" if order else "") + " LIMIT ?", params

"""Full-text search on PostgreSQL (tsvector + GIN), mirroring :func:`archive.query.search`.

The query text takes the same syntax as on SQLite (FTS5): words (all must match),
``"exact phrase"``, ``prefix*``, ``OR``, ``NOT`` and parentheses. It is translated to a
``tsquery`` here, so a search means the same on both backends; ranking is ``ts_rank``
with titles weighted above bodies, as BM25 is on SQLite.
"""

from __future__ import annotations

import re
from typing import Any

from .pgstore import PgArticleStore
from .query import BROWSE_SELECT, DATE_ORDER, HIGHLIGHT, Query, filter_clauses, invalid_search
from .types import SearchHit

_TOKEN = re.compile(r'"[^"]*"|\(|\)|[^\s()"]+|"')
_WORD = re.compile(r"\w+")


def to_tsquery(text: str) -> str:
    """Translate FTS5-style query text into ``to_tsquery('simple', ...)`` syntax.

    Raises:
        ArchiveError: unbalanced quotes or parentheses, or an operator without operand.
    """
    out: list[str] = []
    need_operand = True
    depth = 0
    for token in _TOKEN.findall(text):
        if token == '"':
            raise invalid_search(text, "unterminated string")
        if token == "(":
            if not need_operand:
                out.append("&")
            out.append("(")
            depth += 1
            continue
        if token == ")":
            if need_operand or depth == 0:
                raise invalid_search(text, "unbalanced parentheses")
            out.append(")")
            depth -= 1
            continue
        if token in ("OR", "AND", "NOT"):
            if need_operand and token != "NOT":
                raise invalid_search(text, f"{token} needs a word before it")
            if token == "NOT":
                out += (["&"] if not need_operand else []) + ["!"]
            else:
                out.append("|" if token == "OR" else "&")
            need_operand = True
            continue
        prefix = token.endswith("*") and not token.startswith('"')
        words = _WORD.findall(token)
        if not words:
            continue
        if not need_operand:
            out.append("&")
        lexemes = [f"'{w.lower()}'" for w in words]
        if prefix:
            lexemes[-1] += ":*"
        out.append("(" + " <-> ".join(lexemes) + ")" if len(lexemes) > 1 else lexemes[0])
        need_operand = False
    if depth or (need_operand and out):
        raise invalid_search(text, "incomplete query")
    return " ".join(out)


def search(store: PgArticleStore, query: Query) -> list[SearchHit]:
    """Run ``query``; hits carry the record, a highlighted snippet and the rank.

    Raises:
        ArchiveError: invalid query syntax (the message shows how to quote).
    """
    where: list[str] = []
    params: list[Any] = []
    text = query.text.strip()
    tsquery = to_tsquery(text) if text else ""
    if tsquery:
        select = ("SELECT v.id, ts_rank(v.search, q) AS score, "
                  f"ts_headline('simple', v.body, q, 'StartSel={HIGHLIGHT[0]}, "
                  f"StopSel={HIGHLIGHT[1]}, MaxWords=16, MinWords=8, FragmentDelimiter=…, "
                  "MaxFragments=1') AS snip "
                  "FROM versions v JOIN pages p ON p.id = v.page_id, "
                  "to_tsquery('simple', %s) q")
        params.append(tsquery)
        where.append("v.search @@ q")
    else:
        select = BROWSE_SELECT
    more, more_params = filter_clauses(query, placeholder="%s")
    where += more
    params += more_params
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    if query.sort == "date" or not tsquery:
        sql += DATE_ORDER
    else:
        sql += " ORDER BY score DESC, v.id"
    sql += " LIMIT %s OFFSET %s"
    params += [query.limit, query.offset]
    with store.connection() as conn:
        rows = conn.execute(sql.encode(), params).fetchall()
    joined = f"{HIGHLIGHT[1]} {HIGHLIGHT[0]}"  # «proxy» «war» → «proxy war», as FTS5 marks
    return [SearchHit(record=store.record(int(r[0])),
                      snippet=" ".join(str(r[2] or "").split()).replace(joined, " "),
                      score=float(r[1]))
            for r in rows]

"""Full-text search over archived versions (SQLite FTS5, BM25 ranking) with filters.

The query text uses FTS5 syntax: words (all must match), ``"exact phrase"``,
``prefix*``, ``OR``, ``NOT`` and parentheses. Without text, filters alone list records.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from .errors import ArchiveError
from .store import ArticleStore
from .types import SearchHit

HIGHLIGHT = ("«", "»")


@dataclass(frozen=True, kw_only=True)
class Query:
    """A search: text and filters.

    Attributes:
        text: FTS5 query over title and body ("" = no text condition).
        site: only this site (host without ``www.``).
        since, until: published date range, inclusive, ``YYYY-MM-DD``.
        source: only articles crediting this attribution source (case-insensitive).
        author: only articles with this author (case-insensitive substring).
        language: only this language code (prefix match: ``en`` matches ``en-GB``).
        sort: ``relevance`` (BM25, needs text) or ``date`` (newest published first).
        all_versions: include superseded versions, not only each page's latest.
    """

    text: str = ""
    site: str | None = None
    since: str | None = None
    until: str | None = None
    source: str | None = None
    author: str | None = None
    language: str | None = None
    sort: str = "relevance"
    limit: int = 20
    offset: int = 0
    all_versions: bool = False


def filter_clauses(query: Query, placeholder: str = "?") -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on ``versions v`` joined to ``pages p``) for a query's
    filters, in SQL that SQLite and PostgreSQL both run; ``placeholder`` is the
    driver's parameter mark (``?`` for sqlite3, ``%s`` for psycopg)."""
    ph = placeholder
    where: list[str] = []
    params: list[Any] = []
    if not query.all_versions:
        where.append("v.id = p.latest_version_id")  # kept by a trigger on both backends
    if query.site:
        where.append(f"(p.site = {ph} OR p.site LIKE {ph})")
        site = query.site.lower().removeprefix("www.")
        params += [site, f"%.{site}"]
    if query.since:
        where.append(f"substr(v.published, 1, 10) >= {ph}")
        params.append(query.since[:10])
    if query.until:
        where.append(f"substr(v.published, 1, 10) <= {ph}")
        params.append(query.until[:10])
    if query.source:
        where.append("EXISTS (SELECT 1 FROM attributions a WHERE a.version_id = v.id "
                     f"AND lower(a.source) = lower({ph}))")
        params.append(query.source.strip())
    if query.author:
        where.append(f"lower(v.authors) LIKE lower({ph})")
        params.append(f"%{query.author}%")
    if query.language:
        where.append(f"(lower(v.language) = lower({ph}) OR lower(v.language) LIKE lower({ph}))")
        params += [query.language, f"{query.language}-%"]
    return where, params


# Without search words, both backends list the latest versions newest first.
BROWSE_SELECT = ("SELECT v.id, 0.0 AS score, substr(v.body, 1, 160) AS snip FROM versions v "
                 "JOIN pages p ON p.id = v.page_id")
DATE_ORDER = " ORDER BY v.published IS NULL, v.published DESC, v.id DESC"


def invalid_search(text: str, why: str) -> ArchiveError:
    """The error for a search string the full-text engine rejects, with how to quote."""
    return ArchiveError(f"invalid search {text!r}: {why}. Put phrases in double quotes, e.g. "
                        "'\"proxy war\"', and quote words like AND/OR/NOT to search for them.")


def search(store: ArticleStore, query: Query) -> list[SearchHit]:
    """Run ``query``; hits carry the record, a highlighted snippet and the BM25 score.

    Raises:
        ArchiveError: invalid FTS5 syntax (the message shows how to quote).
    """
    where: list[str] = []
    params: list[Any] = []
    text = query.text.strip()
    if text:
        # snippets are costly (they re-tokenize the body): made for the page only, below
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
        params.append(text)
    else:
        select = BROWSE_SELECT
    more, more_params = filter_clauses(query)
    where += more
    params += more_params
    sql = select + (" WHERE " + " AND ".join(where) if where else "")
    if query.sort == "date" or not text:
        sql += DATE_ORDER
    else:
        sql += " ORDER BY score"
    sql += " LIMIT ? OFFSET ?"
    params += [query.limit, query.offset]
    try:
        rows = store.conn.execute(sql, params).fetchall()
        snippets = _snippets(store, text, [int(r[0]) for r in rows]) if text and rows else {}
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc) or "syntax" in str(exc) or "unterminated" in str(exc):
            raise invalid_search(text, str(exc)) from exc
        raise
    return [SearchHit(record=store.record(r[0]),
                      snippet=" ".join(str(snippets.get(int(r[0]), r[2]) or "").split()),
                      score=-float(r[1])) for r in rows]


def _snippets(store: ArticleStore, text: str, ids: list[int]) -> dict[int, str]:
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(
        f"SELECT rowid, snippet(versions_fts, 1, '{HIGHLIGHT[0]}', '{HIGHLIGHT[1]}', '…', 16) "
        f"FROM versions_fts WHERE versions_fts MATCH ? AND rowid IN ({marks})", [text, *ids])
    return {int(r[0]): str(r[1]) for r in rows}

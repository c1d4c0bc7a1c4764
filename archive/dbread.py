"""Read-only SQL that runs on either backend, for the features built on the store's
tables (provenance, verify, WACZ export) rather than on its methods.

Queries are written once, with ``?`` placeholders, in SQL both SQLite and PostgreSQL
run; the few spellings that differ are the :class:`Dialect`'s. The PostgreSQL store is
imported only when it is in use, as :mod:`archive.backend` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .store import ArticleStore

if TYPE_CHECKING:
    from .pgstore import PgArticleStore

    Store = ArticleStore | PgArticleStore


@dataclass(frozen=True)
class Dialect:
    """What differs between the backends' SQL.

    Attributes:
        postgres: the store is PostgreSQL.
        binary: a collation ordering text by its bytes (the same order on both).
    """

    postgres: bool
    binary: str

    def distinct_list(self, column: str) -> str:
        """An aggregate: the column's distinct values joined by commas."""
        return f"string_agg(DISTINCT {column}, ',')" if self.postgres \
            else f"group_concat(DISTINCT {column})"


SQLITE = Dialect(postgres=False, binary="BINARY")
POSTGRES = Dialect(postgres=True, binary='"C"')


def dialect(store: Store) -> Dialect:
    return SQLITE if isinstance(store, ArticleStore) else POSTGRES


def rows(store: Store, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Every row of a query (``?`` placeholders) on either backend."""
    if isinstance(store, ArticleStore):
        return [tuple(r) for r in store.conn.execute(sql, tuple(params))]
    query = sql.replace("%", "%%").replace("?", "%s")  # psycopg's marks; a LIKE's % kept
    with store.connection() as conn:
        return list(conn.execute(query.encode(), tuple(params)).fetchall())


def ids_in(ids: Sequence[int]) -> str:
    """``IN (?, ?, ...)`` for these ids, or a condition no row meets when there are none."""
    return f"IN ({','.join('?' * len(ids))})" if ids else "IN (NULL)"

"""The shared backend: one PostgreSQL database for many crawl workers on many machines.

Imported only when an archive location is a ``postgresql://`` URL, so the ``postgres``
extra (psycopg) is needed only by those who use it.
"""

from __future__ import annotations

from .frontier import LEASE_SECONDS, PgFrontier
from .schema import MIGRATIONS
from .store import PgStore

__all__ = ["LEASE_SECONDS", "MIGRATIONS", "PgFrontier", "PgStore"]

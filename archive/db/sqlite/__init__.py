"""The embedded backend: one SQLite file (WAL, FTS5) per archive directory."""

from __future__ import annotations

from .frontier import SqliteFrontier
from .store import SqliteStore, connect

__all__ = ["SqliteFrontier", "SqliteStore", "connect"]

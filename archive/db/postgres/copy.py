"""Copy a SQLite archive into PostgreSQL (``newsarchive migrate --from --to``).

Rows keep their ids, so record ids printed by ``query`` stay valid, and WARC files are
copied to the new archive's WARC directory (the database points at them by absolute
path). Columns are matched by
name, so an archive made by an older newsarchive copies too: what it lacks stays empty.
The crawl frontier is not copied: finish or abandon a crawl before moving its archive.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import ArchiveError
from ..sqlite.store import connect
from .store import PgStore

# foreign keys first; then edit labels, front-page lists and the revisit schedule
TABLES = ("pages", "versions", "captures", "attributions", "crawls", "version_changes",
          "front_captures", "front_links", "revisits")
WARC_DIR = "warc"


@dataclass
class CopyReport:
    """What a copy did: rows per table, WARC files copied, columns left behind."""

    rows: dict[str, int] = field(default_factory=dict)
    warc_files: int = 0
    dropped: dict[str, list[str]] = field(default_factory=dict)


def copy_archive(source: Path, target: PgStore, warc_root: Path) -> CopyReport:
    """Copy the SQLite archive in directory ``source`` into an empty PostgreSQL archive.

    Args:
        source: a SQLite archive directory (``archive.sqlite`` and ``warc/``).
        target: the PostgreSQL store (schema already migrated).
        warc_root: where the PostgreSQL archive's WARC files live (``<warc_root>/warc``).

    Returns:
        The copy's report.

    Raises:
        ArchiveError: no archive at ``source``, or the target already holds records.
    """
    db = source / "archive.sqlite"
    if not db.exists():
        raise ArchiveError(f"no SQLite archive at {source} (expected {db})")
    if any(target.counts().values()):
        raise ArchiveError(f"{target.where} already holds records; copy into an empty "
                           "database (createdb a new one) so ids stay as they were")
    conn = connect(db)
    report = CopyReport()
    try:
        with target.transaction() as pg:
            for table in TABLES:
                theirs = [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]
                ours = {str(r[0]) for r in pg.execute(
                    b"SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                    b"AND table_schema = current_schema() AND is_generated = 'NEVER'",
                    (table,))}
                columns = [c for c in theirs if c in ours]
                if dropped := [c for c in theirs if c not in ours]:
                    report.dropped[table] = dropped
                names = ", ".join(f'"{c}"' for c in columns)
                count = 0
                with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN".encode()) as cp:
                    for row in conn.execute(f"SELECT {names} FROM {table} ORDER BY rowid"):
                        cp.write_row(tuple(row))
                        count += 1
                report.rows[table] = count
                if "id" in columns:
                    pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}"
                               .encode())
            # captures point at their WARC file by absolute path, where it is copied to
            pg.execute(b"UPDATE captures SET warc_file = %s || '/' || warc_file "
                       b"WHERE warc_file IS NOT NULL AND warc_file NOT LIKE '/%%'",
                       (str((warc_root / WARC_DIR).resolve()),))
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"cannot read {db}: {exc}") from exc
    finally:
        conn.close()
    report.warc_files = _copy_warcs(source / WARC_DIR, warc_root / WARC_DIR)
    return report


def _copy_warcs(src: Path, dst: Path) -> int:
    if not src.is_dir() or (dst.exists() and src.resolve() == dst.resolve()):
        return 0
    dst.mkdir(parents=True, exist_ok=True)
    copied = 0
    for path in sorted(src.iterdir()):
        target = dst / path.name
        if path.is_file() and not (target.exists() and
                                   target.stat().st_size == path.stat().st_size):
            shutil.copy2(path, target)
            copied += 1
    return copied

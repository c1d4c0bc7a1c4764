"""Where an archive lives, read from its ``--archive`` value. A leaf: imports nothing of ours.

``--archive`` takes a directory (``newsarchive-data``), ``sqlite:///path`` (the same, as
a URL) or ``postgresql://user@host/db``.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

DEFAULT_FILES = "newsarchive-data"  # where a database archive's WARC files go by default
SQLITE_PREFIX = "sqlite:///"


def is_database_url(location: str) -> bool:
    """True for ``postgresql://`` / ``postgres://`` archive locations."""
    return location.startswith(("postgresql://", "postgres://"))


def sqlite_path(location: str) -> str:
    """The directory of a SQLite archive: ``sqlite:///a`` → ``a``, a plain path as is."""
    return location.removeprefix(SQLITE_PREFIX) if location.startswith(SQLITE_PREFIX) \
        else location


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))

"""Secrets out of WARC files: cookie values and credentials in the HTTP headers written.

Every request and response record the archive writes goes through
:func:`redact_headers` (:mod:`archive.warc`), so a capture made with a subscriber's
session, or an imported collection that carried one, can be shared: ``Cookie: a=1``
becomes ``a=[redacted]``, ``Set-Cookie: s=x; Path=/`` becomes ``s=[redacted]; Path=/``,
``Authorization`` becomes ``[redacted]``. Cookie names and attributes stay, for whoever
reads the record. A leaf module: it imports nothing of ours.
"""

from __future__ import annotations

from collections.abc import Iterable

REDACTED = "[redacted]"
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization"})
_COOKIE_HEADERS = frozenset({"cookie"})
_SET_COOKIE_HEADERS = frozenset({"set-cookie", "set-cookie2"})


def _redact_pairs(value: str) -> str:
    out = []
    for part in value.split(";"):
        name, eq, _ = part.partition("=")
        out.append(f"{name}={REDACTED}" if eq else part)
    return ";".join(out)


def _redact_set_cookie(value: str) -> str:
    first, sep, attributes = value.partition(";")
    name, eq, _ = first.partition("=")
    return (f"{name}={REDACTED}" if eq else REDACTED) + sep + attributes


def redact_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Headers with cookie values and credentials replaced by :data:`REDACTED`.

    ``Cookie: a=1; b=2`` → ``a=[redacted]; b=[redacted]``; ``Set-Cookie: s=x; Path=/``
    → ``s=[redacted]; Path=/``; ``Authorization`` → ``[redacted]``. Other headers
    are returned as they were.
    """
    out = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in _COOKIE_HEADERS:
            value = _redact_pairs(value)
        elif lowered in _SET_COOKIE_HEADERS:
            value = _redact_set_cookie(value)
        elif lowered in _CREDENTIAL_HEADERS:
            value = REDACTED
        out.append((name, value))
    return tuple(out)



"""Sessions from a Netscape ``cookies.txt``, sent only where they belong; kept out of WARC.

The format is the one browser extensions, wget, curl and yt-dlp read and write: one
cookie a line, seven tab-separated fields (domain, include-subdomains flag, path,
secure flag, expiry as Unix seconds with 0 for a session cookie, name, value); ``#``
starts a comment, except the ``#HttpOnly_`` prefix curl puts before a domain.

Each cookie goes only to its scope (RFC 6265): its host (and subdomains when the flag
or a leading dot says so), its path and below, and https only when secure. The same
jar feeds the plain fetcher (:meth:`CookieJar.header_for`) and Playwright
(:meth:`CookieJar.for_playwright`). The WARC writer replaces cookie values and
credentials with :data:`REDACTED` (:func:`archive.redact.redact_headers`) in every
record it writes, so a shared WACZ does not carry the subscriber's session.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from archive.errors import ConfigError
from archive.redact import REDACTED, redact_headers
from archive.types import HttpResponse


@dataclass(frozen=True, kw_only=True)
class Cookie:
    """One cookie of a ``cookies.txt``.

    ``domain`` has no leading dot; ``subdomains`` says whether it also goes to hosts
    below it. ``expires`` is Unix seconds, 0 for a session cookie.
    """

    domain: str
    subdomains: bool
    path: str
    secure: bool
    expires: int
    name: str
    value: str
    http_only: bool = False

    def matches(self, url: str) -> bool:
        """Whether this cookie is sent with a request for ``url`` (RFC 6265 5.4)."""
        try:
            parts = urlsplit(url)
            host = (parts.hostname or "").lower()
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or (self.secure and parts.scheme != "https"):
            return False
        if not (host == self.domain or (self.subdomains and host.endswith("." + self.domain))):
            return False
        return _path_matches(parts.path or "/", self.path)


def _path_matches(request_path: str, cookie_path: str) -> bool:
    if request_path == cookie_path:
        return True
    return request_path.startswith(cookie_path) and (
        cookie_path.endswith("/") or request_path[len(cookie_path)] == "/")


@dataclass(frozen=True)
class CookieJar:
    """The cookies of one ``cookies.txt``, read-only.

    Usage::

        jar = load_cookies("cookies.txt")
        headers = {"Cookie": c} if (c := jar.header_for(url)) else {}
        await context.add_cookies(jar.for_playwright())
    """

    cookies: tuple[Cookie, ...] = ()

    def __len__(self) -> int:
        return len(self.cookies)

    def header_for(self, url: str) -> str | None:
        """The ``Cookie`` header value for a request to ``url``, or ``None`` when no
        cookie is in scope. Longer paths first, as RFC 6265 section 5.4 asks."""
        found = [c for c in self.cookies if c.matches(url)]
        if not found:
            return None
        found.sort(key=lambda c: -len(c.path))
        return "; ".join(f"{c.name}={c.value}" for c in found)

    def for_playwright(self) -> list[dict[str, Any]]:
        """The cookies as Playwright's ``BrowserContext.add_cookies`` takes them.

        A host-only cookie gets its bare host as ``domain`` (Chromium then sends it to
        that host alone); a subdomain cookie gets the leading dot.
        """
        out: list[dict[str, Any]] = []
        for c in self.cookies:
            out.append({
                "name": c.name, "value": c.value,
                "domain": ("." if c.subdomains else "") + c.domain, "path": c.path,
                "expires": float(c.expires) if c.expires > 0 else -1.0,
                "httpOnly": c.http_only, "secure": c.secure,
            })
        return out


def parse_cookies(text: str, *, source: str = "cookies.txt",
                  now: float | None = None) -> CookieJar:
    """Parse Netscape ``cookies.txt`` text; expired cookies are dropped.

    Args:
        text: the file's contents.
        source: named in error messages.
        now: Unix time expiry is checked against (default: now).

    Raises:
        ConfigError: a line that is not seven (or six, value omitted) tab-separated
            fields, or a bad flag or expiry; the message names the line.
    """
    now = time.time() if now is None else now
    cookies = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        http_only = False
        if line.startswith("#HttpOnly_"):
            line, http_only = line[len("#HttpOnly_"):], True
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 6:
            fields.append("")
        if len(fields) != 7:
            raise ConfigError(
                f"{source}:{number}: expected 7 tab-separated fields (domain, subdomains, "
                f"path, secure, expiry, name, value), found {len(fields)}; export the "
                "file in Netscape/Mozilla cookies.txt format")
        domain, flag, path, secure, expires, name, value = fields
        if flag.upper() not in ("TRUE", "FALSE") or secure.upper() not in ("TRUE", "FALSE"):
            raise ConfigError(f"{source}:{number}: the subdomain and secure fields must be "
                              f"TRUE or FALSE, not {flag!r} and {secure!r}")
        try:
            expiry = int(float(expires or "0"))
        except ValueError as exc:
            raise ConfigError(f"{source}:{number}: expiry must be Unix seconds, not "
                              f"{expires!r}") from exc
        if 0 < expiry < now:
            continue
        domain = domain.strip().lower()
        cookies.append(Cookie(
            domain=domain.lstrip("."), subdomains=flag.upper() == "TRUE" or domain.startswith("."),
            path=path or "/", secure=secure.upper() == "TRUE", expires=expiry, name=name,
            value=value, http_only=http_only))
    return CookieJar(tuple(cookies))


def load_cookies(path: str | Path, *, now: float | None = None) -> CookieJar:
    """Read a Netscape ``cookies.txt`` file (see :func:`parse_cookies`).

    Raises:
        ConfigError: the file cannot be read, or a line is malformed.
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"cannot read cookies file {path}: {exc.strerror or exc}; "
                          "set fetch.cookies to a Netscape cookies.txt") from exc
    return parse_cookies(text, source=str(path), now=now)


def redact_cookies(response: HttpResponse) -> HttpResponse:
    """The response with :func:`redact_headers` applied to its request and response
    headers, as the WARC writer writes it. The payload is untouched."""
    return dataclasses.replace(response, headers=redact_headers(response.headers),
                               request_headers=redact_headers(response.request_headers))


__all__ = ["REDACTED", "Cookie", "CookieJar", "load_cookies", "parse_cookies", "redact_cookies",
           "redact_headers"]

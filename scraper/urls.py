"""URL normalisation, so one article is one record.

Lower-cases scheme and host, drops default ports, fragments and tracking parameters
(``utm_*``, ``fbclid``, ``gclid``...), sorts the remaining query, and resolves dot
segments. Trailing slashes are kept: on many sites ``/a`` and ``/a/`` differ.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|_ga|_gl|yclid|"
    r"igshid|ref_src|ref_url|cmpid|ocid|__twitter_impression|_hsenc|_hsmi|mkt_tok|sr_share)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"
MAX_URL_LENGTH = 8192


def normalize_url(url: str, base: str | None = None) -> str | None:
    """The canonical form of ``url`` (resolved against ``base``), or ``None`` if it is
    not an http(s) URL we can fetch (other scheme, no host, too long, malformed)."""
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        return None
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        host = parts.hostname.lower().rstrip(".")
        try:
            host = host.encode("idna").decode("ascii") if not host.isascii() else host
        except UnicodeError:
            return None
        port = parts.port
    except ValueError:
        return None
    if ":" in host:
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = parts.path or "/"
    trailing = path.endswith("/")
    path = posixpath.normpath(path) if path not in ("", "/") else "/"
    if path.startswith("//"):
        path = "/" + path.lstrip("/")
    if trailing and not path.endswith("/"):
        path += "/"
    try:  # lone surrogates and other unencodable text: not a URL we can request
        path = quote(unquote(path), safe=_SAFE_PATH)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if not _TRACKING.match(k)]
        query.sort()
        return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))
    except UnicodeError:
        return None


def host_of(url: str) -> str:
    """``host[:port]`` of a URL: the unit of politeness."""
    return urlsplit(url).netloc.lower()

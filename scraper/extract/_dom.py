"""Parse untrusted HTML into an lxml tree without ever raising."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from ..encoding import decode_html

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same characters one by one: ``in`` finds each with a fast C scan, ~10x quicker
# than the pattern on pages that have none of them (nearly all).
_CONTROL_CHARS = tuple(chr(c) for c in (*range(9), 11, 12, *range(14, 32)))
# Past this many characters a page is cut: it bounds time and memory on giant pages,
# and no real article body lives after the first 5 MB of markup.
MAX_HTML_CHARS = 5_000_000


def to_text(html: bytes | str, content_type: str | None = None) -> str:
    """Decode bytes (sniffing the charset) and drop what lxml cannot take."""
    text = decode_html(html, content_type) if isinstance(html, bytes) else html
    text = _XML_DECL.sub("", text[:MAX_HTML_CHARS], count=1)
    if any(c in text for c in _CONTROL_CHARS):
        return _CONTROL.sub("", text)
    return text


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse HTML text; returns an empty ``<html>`` document for unusable input."""
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True,
                                   huge_tree=True)
    try:
        root = lxml.html.document_fromstring(text, parser=parser) if text.strip() else None
    except (lxml.etree.ParserError, ValueError, lxml.etree.XMLSyntaxError):
        root = None
    if root is None:
        root = lxml.html.document_fromstring("<html><body></body></html>")
    return root


def parse_json(text: str, *, lenient: bool = False) -> object:
    """Parse script data; ``None`` when it is not JSON or nests too deep for the parser.

    ``lenient`` also accepts raw newlines in strings and a trailing semicolon, the
    common breakage in hand-written JSON-LD.
    """
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        if not lenient:
            return None
    try:
        return json.loads(text.replace("\n", " ").rstrip(";"), strict=False)
    except (ValueError, RecursionError):
        return None


def join_url(base: str | None, href: str) -> str:
    """``urljoin`` that never raises: a page's malformed link ("http://[x") stays as written."""
    try:
        return urljoin(base or "", href)
    except ValueError:
        return href


def url_host(url: str | None) -> str:
    """The lower-cased host of ``url`` ("" when it has none or is malformed)."""
    try:
        return (urlsplit(url or "").hostname or "").lower()
    except ValueError:
        return ""


def norm_space(text: str) -> str:
    """Collapse runs of whitespace (including non-breaking spaces) to one space."""
    return " ".join(text.split())


def link_density(el: lxml.html.HtmlElement, text_len: int) -> float:
    """Share of ``text_len`` characters that sit in links under ``el``."""
    link_len = sum(len(a.text_content()) for a in el.iter("a"))
    return link_len / max(1, text_len)

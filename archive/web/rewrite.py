"""Point an archived page's links at the replay origin, so its images, styles and
links load from the archive (never from the live web).

Every ``src``, ``href``, ``srcset``, ``poster``, ``action``, ``background``, ``data``,
CSS ``url()`` and ``@import`` becomes ``PREFIX/TIMESTAMP/ABSOLUTE-URL``; the replay
origin answers with the capture closest to that time. ``<base>`` is applied and
removed, and ``integrity`` attributes dropped (rewritten bytes no longer match them).
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from ..css import rewrite as rewrite_css

_URL_ATTRS = ("src", "href", "poster", "action", "background", "data", "longdesc",
              "formaction", "cite")


class Rewriter:
    """Rewrites URLs found in one archived resource.

    Args:
        base: the resource's own URL (relative links resolve against it).
        prefix: the replay origin and key, e.g. ``http://127.0.0.1:8081``.
        timestamp: 14 digits, the time asked for.
    """

    def __init__(self, base: str, prefix: str, timestamp: str) -> None:
        self.base = base
        self.prefix = prefix.rstrip("/")
        self.timestamp = timestamp

    def url(self, value: str) -> str:
        value = value.strip()
        if not value or value.startswith(("#", "data:", "javascript:", "mailto:", "tel:",
                                          "about:", "blob:")):
            return value
        absolute = urljoin(self.base, value)
        if urlsplit(absolute).scheme not in ("http", "https"):
            return value
        return f"{self.prefix}/{self.timestamp}/{absolute}"

    def srcset(self, value: str) -> str:
        out = []
        for part in value.split(","):
            bits = part.strip().split(None, 1)
            if bits:
                out.append(" ".join([self.url(bits[0]), *bits[1:]]))
        return ", ".join(out)

    def css(self, text: str) -> str:
        return rewrite_css(text, self.url)

    def html(self, payload: bytes, charset: str | None = None) -> bytes:
        """The page with its URLs rewritten, as UTF-8."""
        parser = lxml.html.HTMLParser(encoding=charset) if charset else None
        try:
            doc = lxml.html.document_fromstring(payload, parser=parser)
        except (etree.ParserError, ValueError, LookupError):
            return payload
        for base in doc.iter("base"):
            if base.get("href"):
                self.base = urljoin(self.base, base.get("href", ""))
            base.drop_tree()
            break
        for element in doc.iter(etree.Element):
            tag = element.tag if isinstance(element.tag, str) else ""
            if tag == "meta" and (element.get("http-equiv") or "").lower() in (
                    "refresh", "content-security-policy", "set-cookie"):
                element.drop_tree()
                continue
            for name in _URL_ATTRS:
                value = element.get(name)
                if value is not None:
                    element.set(name, self.url(value))
            for name in ("srcset", "imagesrcset"):
                value = element.get(name)
                if value is not None:
                    element.set(name, self.srcset(value))
            if element.get("integrity") is not None:
                del element.attrib["integrity"]
            style = element.get("style")
            if style:
                element.set("style", self.css(style))
            if tag == "style" and element.text:
                element.text = self.css(element.text)
        return bytes(lxml.html.tostring(doc, encoding="utf-8", method="html",
                                        doctype="<!DOCTYPE html>"))

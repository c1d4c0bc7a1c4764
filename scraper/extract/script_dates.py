"""Publication dates a page keeps only in script data.

Some pages render no date and ship no JSON-LD or meta date, but their analytics data
layer or app state holds one (``"publishDate":"2025-05-27"``), sometimes as JSON inside
an attribute. Only keys that name a publication are read: ``createdAt`` and the like are
as often a comment's or a record's.
"""

from __future__ import annotations

import re

import lxml.html

from .dates import parse_iso

_KEYS = ("datePublished", "publishDate", "publishedDate", "publishedAt", "published_at",
         "date_published", "publish_date", "firstPublished")
_KEY_RE = "|".join(_KEYS)
_PUBLISH_KEY = re.compile(
    rf"""["']?(?:{_KEY_RE})["']?\s*[:=]\s*["']((?:19|20)\d\d-\d\d-\d\d[^"']{{0,40}})["']"""
)


def date_from_scripts(root: lxml.html.HtmlElement) -> str | None:
    """The first publication date in script text or a JSON attribute value, if any."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        values = [el.text or ""] if el.tag == "script" else list(el.attrib.values())
        for value in values:
            if "ublish" not in value:
                continue
            match = _PUBLISH_KEY.search(value.replace('\\"', '"'))
            if match:
                found = parse_iso(match[1])
                if found:
                    return found
    return None

"""Find what a page needs to display: images, stylesheets, fonts, scripts, icons.

Read from the HTML as fetched (no script runs), as wget ``--page-requisites`` does, plus
what pages hide from it: lazy images (``data-src``/``data-srcset`` and kin), the largest
``srcset`` candidate (the photo a researcher wants, not a 150 px thumbnail), ``og:image``
and the ``url()``s and ``@import``s inside stylesheets. Only the first source of each
``@font-face`` ``src`` list is taken: a browser downloads one format, not all four.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.html
from lxml import etree

from archive.css import COMMENT, IMPORT, URL, target

Kind = Literal["stylesheet", "image", "script", "icon", "font", "media"]

# lazy-loading libraries' attributes, most common first (lazysizes, lozad, WordPress...)
_LAZY_SRC = ("data-src", "data-lazy-src", "data-original", "data-lazy", "data-url",
             "data-hi-res-src", "data-full-src")
_LAZY_SRCSET = ("data-srcset", "data-lazy-srcset")
_ICON_RELS = frozenset({"icon", "shortcut icon", "apple-touch-icon",
                        "apple-touch-icon-precomposed", "mask-icon"})
_META_IMAGES = frozenset({"og:image", "og:image:url", "og:image:secure_url",
                          "twitter:image", "twitter:image:src"})
_PRELOAD_KINDS: dict[str, Kind] = {"style": "stylesheet", "script": "script",
                                   "font": "font", "image": "image"}
_ORDER: dict[str, int] = {"stylesheet": 0, "image": 1, "font": 2, "script": 3, "icon": 4,
                          "media": 5}

_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_FONT_SRC = re.compile(r"(?<![-\w])src\s*:([^;]*)", re.IGNORECASE)
_DESCRIPTOR = re.compile(r"^(\d+(?:\.\d+)?)([wx])$", re.IGNORECASE)


@dataclass(frozen=True, kw_only=True)
class Requisite:
    """One resource a page needs: its absolute URL and what it is for."""

    url: str
    kind: Kind


def largest_candidate(srcset: str) -> str | None:
    """The largest image of a ``srcset`` (by width, else density; the last on a tie).

    ``"a.jpg 320w, b.jpg 1200w"`` → ``"b.jpg"``. Commas inside URLs (image CDNs put
    them in paths) are kept: a candidate ends at a comma followed by white space or at
    the end of a descriptor.
    """
    best: tuple[float, str] | None = None
    for url, descriptor in _srcset_candidates(srcset):
        match = _DESCRIPTOR.match(descriptor)
        # widths rank above densities: 2x of an unknown width says less than 1200w
        size = 1.0 if not match else float(match.group(1)) * (1e6 if match.group(2).lower()
                                                               == "w" else 1.0)
        if best is None or size >= best[0]:
            best = (size, url)
    return best[1] if best else None


def _srcset_candidates(srcset: str) -> list[tuple[str, str]]:
    out = []
    for part in re.split(r",\s+|,$|^,", srcset.strip()):
        bits = part.strip().split()
        if not bits:
            continue
        url = bits[0].rstrip(",")
        descriptor = bits[1].rstrip(",") if len(bits) > 1 else ""
        out.append((url, descriptor))
    return out


def _absolute(base: str, raw: str | None) -> str | None:
    if not raw:
        return None
    raw = raw.strip()
    if not raw or raw.startswith(("data:", "javascript:", "blob:", "about:", "#")):
        return None
    try:
        url = urldefrag(urljoin(base, raw))[0]
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


class _Collector:
    def __init__(self, base: str) -> None:
        self.base = base
        self.found: dict[str, Requisite] = {}

    def add(self, raw: str | None, kind: Kind, base: str | None = None) -> None:
        url = _absolute(base or self.base, raw)
        if url and url not in self.found:
            self.found[url] = Requisite(url=url, kind=kind)

    def sorted(self) -> list[Requisite]:
        return sorted(self.found.values(), key=lambda r: _ORDER[r.kind])


def find_requisites(html: bytes | str, base_url: str) -> list[Requisite]:
    """The requisites of an HTML page, stylesheets first, each URL once.

    Args:
        html: the page as fetched.
        base_url: its final URL (a ``<base href>`` in the page overrides it).

    Returns:
        Absolute http(s) URLs without fragments, in fetch order: stylesheets, images,
        fonts, scripts, icons, media. ``url()``s in ``style`` attributes and ``<style>``
        blocks are included; those inside linked stylesheets come from
        :func:`find_css_requisites` once the stylesheet is fetched.
    """
    try:
        root = lxml.html.document_fromstring(html or b"<html></html>")
    except (etree.ParserError, ValueError):
        return []
    base = base_url
    for href in root.xpath("//base/@href")[:1]:
        base = _absolute(base_url, str(href)) or base_url
    out = _Collector(base)
    for el in root.iter("link"):
        rel = " ".join((el.get("rel") or "").lower().split())
        href = el.get("href")
        if "stylesheet" in rel.split() and "alternate" not in rel.split():
            out.add(href, "stylesheet")
        elif rel in _ICON_RELS or "icon" in rel.split():
            out.add(href, "icon")
        elif rel in ("preload", "modulepreload"):
            kind = "script" if rel == "modulepreload" else _PRELOAD_KINDS.get(
                (el.get("as") or "").lower())
            if kind:
                out.add(href, kind)
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        if key in _META_IMAGES:
            out.add(el.get("content"), "image")
    for el in root.iter("img", "source", "image", "input", "video", "audio", "picture"):
        _add_image(out, el)
    for el in root.iter("script"):
        out.add(el.get("src"), "script")
    for el in root.iter("style"):
        for req in find_css_requisites(el.text_content(), base):
            out.add(req.url, req.kind)
    for el in root.xpath("//*[@style]"):
        for req in find_css_requisites(str(el.get("style")), base):
            out.add(req.url, req.kind)
    return out.sorted()


def _add_image(out: _Collector, el: lxml.html.HtmlElement) -> None:
    tag = el.tag
    if tag == "input" and (el.get("type") or "").lower() != "image":
        return
    if tag in ("video", "audio"):
        out.add(el.get("poster"), "image")
        return
    if tag == "image":  # SVG <image href>
        out.add(el.get("href") or el.get("{http://www.w3.org/1999/xlink}href"), "image")
        return
    srcsets = [el.get(a) for a in ("srcset", *_LAZY_SRCSET) if el.get(a)]
    chosen = [largest_candidate(s) for s in srcsets if s]
    if tag == "source" and el.getparent() is not None and el.getparent().tag in (
            "video", "audio"):
        return  # media files are not requisites of the page's look (and are huge)
    for url in chosen:
        if url:
            out.add(url, "image")
    if chosen and any(chosen):
        # srcset wins over src as in a browser, but a lazy placeholder src is not the
        # photo: keep the lazy src too, it is often the only full-size URL
        for attr in _LAZY_SRC:
            out.add(el.get(attr), "image")
        return
    lazy = [el.get(a) for a in _LAZY_SRC if el.get(a)]
    for url in lazy:
        out.add(url, "image")
    if not lazy:
        out.add(el.get("src"), "image")


def find_css_requisites(css: str, base_url: str) -> list[Requisite]:
    """What a stylesheet needs: ``@import``ed sheets, fonts, background images.

    Args:
        css: the stylesheet text (or a ``style`` attribute).
        base_url: the stylesheet's own URL (relative ``url()``s resolve against it).

    Returns:
        Requisites in order: imports (``stylesheet``), the first source of each
        ``@font-face`` (``font``), then other ``url()``s (``image``).
    """
    css = COMMENT.sub("", css)
    out = _Collector(base_url)
    imports = []
    for match in IMPORT.finditer(css):
        imports.append(match.span())
        out.add(target(match), "stylesheet")
    font_spans = []
    for face in _FONT_FACE.finditer(css):
        font_spans.append(face.span())
        for src in _FONT_SRC.finditer(face.group(1)):
            first = URL.search(src.group(1))
            if first:
                out.add(target(first), "font")
    for match in URL.finditer(css):
        start = match.start()
        if any(a <= start < b for a, b in font_spans):
            continue
        if any(a <= start < b + 1 for a, b in imports):
            continue
        out.add(target(match), "image")
    return out.sorted()

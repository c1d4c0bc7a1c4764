"""The page's title: its headline as readers see it.

The main ``<h1>`` wins when it is the same story as the structured title (og:title,
JSON-LD ``headline``) or ``<title>``, with chrome around it trimmed ("Thread:", "| Opinion",
a date); otherwise the structured title or ``<title>`` with the site name and trail cut.
Typographic characters are kept as the page shows them.
"""

from __future__ import annotations

import contextlib
import html
import re
from typing import TYPE_CHECKING

import lxml.html

from ._dom import norm_space
from .dates import parse_date

if TYPE_CHECKING:
    from .metadata import Metadata

_CHROME_WORDS = 3  # words a tag after the headline may have ("| Opinion", "- Tested")
_CHROME_AFTER = re.compile(r"^(?:[|\-–—·•»/]|\(\S+\.[a-z]{2,}\)\s*\d*$|\d+$)", re.IGNORECASE)
_BLOCK_TAGS = frozenset(("div", "p", "small", "h2", "h3", "ul", "li"))
_LABEL_ENDS = (":", "-", "–", "—", "|", "»")
_SITE_WORDS = 4  # a site name in a title is short ("The New York Times", "ACME Blog")
_TITLE_SEPARATORS = re.compile(r"\s+(?:[|\-–—:·•»«/]|::)\s+")


def _similar(a: str, b: str, share: float = 0.6) -> bool:
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    if not wa or not wb:
        return False
    common = len(wa & wb)
    return common / min(len(wa), len(wb)) >= share and common / max(len(wa), len(wb)) >= 0.3


_MOJIBAKE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.IGNORECASE)


def _readable(text: str) -> str:
    """Headline text as the page means it: entities escaped twice ("&#x26;") read once,
    and UTF-8 that was decoded as Latin-1 ("Investorâ\x80\x99s") decoded again."""
    text = norm_space(text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    if _MOJIBAKE.search(text):
        with contextlib.suppress(UnicodeError):
            text = text.encode("latin-1").decode("utf-8")
    return text


def _heading_text(el: lxml.html.HtmlElement) -> str:
    """A heading's text with a space where a line break or a block inside it splits
    two lines ("Top MBA Programs<br>Your Guide" is not "ProgramsYour")."""
    parts = [el.text or ""]
    for child in el.iterchildren():
        if not isinstance(child.tag, str):
            parts.append(child.tail or "")
            continue
        split = child.tag == "br" or child.tag in _BLOCK_TAGS or \
            "block" in child.get("class", "").split()
        parts.append((" " if split else "") + child.text_content() + (" " if split else ""))
        parts.append(child.tail or "")
    return "".join(parts)


def _is_chrome(h1: str, headline: str, label: str = "") -> bool:
    """Whether ``h1`` is ``headline`` wrapped in chrome: before it a short label ending in
    a colon or dash ("Thread:", "Payment issues -"), a tag in its own element or a date;
    after it a short tag behind a separator ("| Opinion"), a source and score
    ("(latimes.com) 87") or a dateline. Other words are the headline's own ("The",
    "in 2025", ": Room-by-Room Breakdown")."""
    start = h1.lower().find(headline.lower())
    if start < 0:
        return False
    before, after = h1[:start].strip(), h1[start + len(headline):].strip()
    if before and not (before == label or parse_date(before) or (
            len(before.split()) <= _CHROME_WORDS and before.endswith(_LABEL_ENDS))):
        return False
    return _is_chrome_tail(after)


def _is_chrome_tail(after: str) -> bool:
    """Whether the text after a headline is chrome (nothing, a dateline, "| Opinion",
    "- Part 1", "(latimes.com) 87")."""
    after = after.strip()
    return not after or bool(parse_date(after)) or bool(
        _CHROME_AFTER.match(after) and len(after.split()) <= _CHROME_WORDS + 1)


def title_from_page(root: lxml.html.HtmlElement, meta: Metadata) -> None:
    """Offer the headline readers see as the title: the page's main ``<h1>`` when the
    page's declared titles (``meta.title_hints``: JSON-LD, og:title...) or ``<title>``
    confirm it, else the declared title or ``<title>`` with the site name stripped. A
    declared title that is only the site's name is no evidence."""
    site_l = (meta.site_name or "").lower()
    labels = {}  # h1 text -> text of its leading element (a tag such as "Tips/Techniques")
    h1s = []
    for el in root.iter("h1"):
        text = _readable(_heading_text(el))
        if 6 <= len(text) <= 300 and text.lower() != site_l:
            h1s.append(text)
            first = next(iter(el), None)
            if first is not None and not (el.text or "").strip():
                labels[text] = _readable(first.text_content())
    title_el = root.find(".//title")
    doc_title = _readable(title_el.text_content()) if title_el is not None else ""
    declared, signal = next(((t, sig) for t, sig in meta.title_hints
                             if t.lower() != site_l and not _is_site_of(t, doc_title)),
                            (None, "title"))
    known = [t for t in (declared, doc_title) if t]
    matching = [h for h in h1s if any(_similar(h, t) for t in known)]
    if matching:
        h1 = _strip_site(matching[0], meta.site_name, True)
        for known_title in known:
            stripped = _strip_site(known_title, meta.site_name)
            if 10 <= len(stripped) < len(h1) and \
                    _is_chrome(h1, stripped, labels.get(matching[0], "")):
                # the headline wrapped in chrome: the declared title is the headline
                meta.offer("title", stripped, signal if known_title == declared else "title",
                           CONFIRMED)
                return
        meta.offer("title", h1, "h1", CONFIRMED)
        return
    if len(h1s) == 1 and len(h1s[0].split()) >= 2 and (
            not known or any(_similar(h1s[0], t, 0.3) for t in known)):
        # One headline on the page: it beats SEO titles written for search results.
        meta.offer("title", h1s[0], "h1", LONE_HEADLINE if known else UNCONFIRMED)
        return
    if declared:
        meta.offer("title", _strip_site(declared, meta.site_name), signal, DECLARED)
    elif doc_title:
        meta.offer("title", _strip_site(doc_title, meta.site_name), "title", DOC_TITLE)
    elif h1s:
        meta.offer("title", h1s[0], "h1", UNCONFIRMED)


# Title confidence: a displayed headline confirmed by a declared title or <title>; the
# page's one headline, loosely confirmed; a declared title nothing on the page shows;
# <title> alone (site name and trail cut by guess); a headline nothing confirms.
CONFIRMED = 0.95
LONE_HEADLINE = 0.8
DECLARED = 0.7
DOC_TITLE = 0.55
UNCONFIRMED = 0.5


def _is_site_of(title: str, doc_title: str) -> bool:
    """Whether a declared title is only the site part ending ``<title>`` ("Sports.fr"
    for "Lorient - Lyon | Sports.fr"), the site's name rather than the page's."""
    parts = _TITLE_SEPARATORS.split(doc_title)
    return len(parts) > 1 and len(title.split()) <= _SITE_WORDS and \
        title.lower() == parts[-1].lower() and len(parts[0]) > len(title)


def _strip_site(title: str, site: str | None, known_only: bool = False) -> str:
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_l = (site or "").lower()
    kept = [p for p in parts if p.lower() != site_l and not (site_l and p.lower() in site_l)]
    if known_only:
        return " - ".join(kept) if kept and len(kept) < len(parts) else title
    if len(kept) < len(parts):  # the site name was there
        return " - ".join(kept) if kept else title
    # unknown site name: drop a short end part (the shorter end), then, as in a trail
    # ("Topic / Board / Site Forums", "View topic - Topic - Site"), parts much shorter
    # than the headline
    while len(kept) > 1:
        trail = len(kept) < len(parts)  # after the site name, only much shorter parts go
        longest = max(len(p) for p in kept)
        ends = [i for i in (-1, 0) if len(kept[i].split()) <= _SITE_WORDS
                and (not trail or len(kept[i]) * 2 <= longest)]
        if not ends:
            break
        end = min(ends, key=lambda i: len(kept[i]))
        kept = kept[:-1] if end == -1 else kept[1:]
    return " - ".join(kept) if kept else title


def headline(root: lxml.html.HtmlElement, title: str | None) -> lxml.html.HtmlElement | None:
    """The element that shows the page's title: a matching ``<h1>``, then an ``<h2>``/
    ``<h3>``, then any element whose text is exactly the title; ``None`` if none."""
    h1s = list(root.iter("h1"))
    if not title:
        return h1s[0] if len(h1s) == 1 else None
    for h in h1s:
        if _similar(norm_space(h.text_content()), title):
            return h
    title_l = title.lower()
    for h in root.iter("h2", "h3"):
        # the title itself, or the title with its part or chrome ("... - Part 1")
        text = norm_space(h.text_content()).lower()
        if text == title_l or (text.startswith(title_l) and _is_chrome_tail(text[len(title_l):])):
            return h
    # no heading tag holds it (the h1 is the site name): the first element in the body
    # whose whole text is the title, such as a <legend> or a styled <div>
    wanted = norm_space(title)
    try:
        nodes = root.xpath("//body//text()[normalize-space(.) = $t]", t=wanted) if wanted else []
    except ValueError:  # a control character (from script data) XPath cannot take
        nodes = []
    for node in nodes:
        owner = node.getparent()
        if node.is_tail:
            owner = owner.getparent()
        if owner is not None and owner.tag not in ("a", "title", "option", "script", "style"):
            return owner
    return None

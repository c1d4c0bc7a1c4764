"""Tree cleaning: remove what is never article text before the main content is chosen.

Scripts, forms, navigation, footers, asides, hidden elements, and boxes whose class or id
says they are comments, share bars, newsletters, cookie banners, captions, author bios or
related-article lists. Each class-name rule is a named row of a table in
:mod:`.box_rules`; a rule never drops a box that holds most of the page's paragraph text
(broken markup and page builders put the article inside boxes so named).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterator
from typing import NamedTuple

import lxml.html

from ._dom import link_density, norm_space
from .blocks import is_quote_container
from .box_rules import (
    ALWAYS,
    CONTENT_HINT,
    FURNITURE,
    HIDDEN_CLASS,
    HINT,
    IMAGE_CREDIT,
    MODAL,
    SOFT_UNLIKELY,
    UNLIKELY,
    VOTE_BOX,
)
from .posts import mark_post_heads

CAPTION, BYLINE, HOVER_CARD, CALL_TO_ACTION, AUTHOR_BOX = (
    FURNITURE.rule(n) for n in ("caption", "byline", "hover-card", "call-to-action", "author-box"))

_REMOVE_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "input", "select", "textarea", "nav", "aside", "footer", "figcaption",
    "menu", "dialog", "link", "meta", "rt", "rp",
)
_COUNTER = re.compile(r"^\s*[+\-−]?\d[\d,.]{0,6}k?\s*$", re.IGNORECASE)
_KEEP_NUMBERS = frozenset(("p", "td", "th", "li", "pre", "code", "dd"))
_STREAMED = re.compile(r"S:\d+$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def attrs_of(el: lxml.html.HtmlElement) -> str:
    """An element's class and id, the words its rules are matched against."""
    return f"{el.get('class', '')} {el.get('id', '')}"


_COMMENT_HINT = re.compile(r"comments?|community|disqus|remark|repl(?:y|ies)|respond",
                           re.IGNORECASE)


def clean_tree(root: lxml.html.HtmlElement, discussion: bool = False,
               dropped: Counter[str] | None = None) -> None:
    """Remove elements that are never article text, in place.

    Args:
        root: the parsed page.
        discussion: on a discussion page, boxes named for comments and replies are
            the content and stay.
        dropped: if given, counts the boxes each named rule removed (the rows of
            :mod:`.box_rules`, ``hidden``, ``dialog`` and ``login-form``).
    """
    tally: Counter[str] = Counter() if dropped is None else dropped
    _drop_short_forms(root)
    if discussion:
        mark_post_heads(root)
    for el in list(root.iter("noscript")):
        # Some sites (Discourse) serve the whole page to crawlers inside <noscript>.
        if el.getparent() is not None and len(el.text_content()) > 500 and \
                el.find(".//p") is not None:
            el.drop_tag()
    for el in list(root.iter("form")):
        # A sign-in or registration form (it asks for a password) is never the article,
        # however much help and error text it holds, unless it wraps the page.
        if el.getparent() is not None and not _wraps_page(el) and \
                el.find(".//input[@type='password']") is not None:
            tally["login-form"] += 1
            drop_element(el)
    p_total = _p_text(root) or 1
    for el in list(root.iter(*_REMOVE_TAGS)):
        # Broken markup can leave the article inside an unclosed <nav>, <aside> or
        # <button> (a menu button left open swallows the page).
        if el.tag not in _NEVER_TEXT and _holds_article(el, p_total):
            continue
        if discussion and el.tag == "aside" and is_quote_container(el):
            continue  # a post quoting another one (Discourse sets quotes in <aside>)
        drop_element(el)
    for el in list(root.iter("form")):
        # ASP.NET pages and forums wrap everything in one form: keep forms of real text.
        text_len = len(el.text_content())
        if discussion and text_len >= 30 and link_density(el, text_len) < 0.5:
            continue  # old Reddit wraps each comment's text in its own edit form
        if len(el.xpath(".//p")) < 3 and (text_len < 500 or link_density(el, text_len) > 0.5):
            drop_element(el)
    total = len(root.text_content()) or 1
    for el in _walk(root):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "main", "a"):
            continue
        if el.tag == "article":
            # an <article> is content, unless it is a pop-up (sites set sign-in dialogs
            # in <article>s of their own)
            rule = _always_rule(el, _names(el.get("class", ""), el.get("id", ""),
                                           discussion))
            if rule:
                tally[rule] += 1
                drop_element(el)
            continue
        if not discussion and not el.attrib:
            continue  # every rule below reads an attribute (a thread's counters aside)
        rule = _box_rule(el, discussion, total, p_total)
        if rule:
            tally[rule] += 1
            drop_element(el)
    for header in list(root.iter("header")):
        # A page header holds navigation and the title, never body paragraphs.
        if len(header.xpath(".//p")) <= 1:
            drop_element(header)


class _Names(NamedTuple):
    """What an element's class and id say, before its content is looked at."""

    hidden: bool  # a framework's hiding class
    always: str | None  # an ALWAYS row or the modal rule
    vote: bool
    furniture: bool  # some FURNITURE row or the image-credit rule may apply
    caption: str | None  # the caption or byline row, on the class
    credit: bool
    hover: bool
    cta: bool
    author: bool
    unlikely: str | None  # an UNLIKELY row, unless the names say content
    soft: str | None  # a SOFT_UNLIKELY row, likewise


@functools.lru_cache(maxsize=8192)
def _names(cls: str, id_: str, discussion: bool) -> _Names:
    """The name rules for one class and id, cached: pages repeat the same few
    hundred names over thousands of elements."""
    raw = f"{cls} {id_}"
    attrs = raw.lower()  # the rows are lower-case and searched case-sensitively
    low = cls.lower()
    hinted = HINT.search(attrs) is not None
    always = ALWAYS.search(attrs) if hinted else None
    if not always and "modal" in attrs and MODAL.search(raw):
        always = MODAL.name
    caption = next((r.name for r in (CAPTION, BYLINE) if r.search(low)), None) \
        if hinted else None
    if discussion:
        attrs = _COMMENT_HINT.sub(" ", attrs)
    unlikely = soft = None
    if attrs.strip() and not CONTENT_HINT.search(attrs):
        unlikely = UNLIKELY.search(attrs)
        soft = None if unlikely else SOFT_UNLIKELY.search(attrs)
    return _Names(
        hidden=HIDDEN_CLASS.search(cls), always=always, vote=VOTE_BOX.search(cls),
        furniture=hinted, caption=caption, credit=hinted and IMAGE_CREDIT.search(low),
        hover=hinted and HOVER_CARD.search(low), cta=hinted and CALL_TO_ACTION.search(attrs),
        author=hinted and AUTHOR_BOX.search(attrs), unlikely=unlikely, soft=soft)


def _walk(root: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """The nodes under ``root`` in document order, leaving out the subtree of one that
    was removed when it was visited (it is no longer on the page)."""
    stack = root[::-1]
    while stack:
        el = stack.pop()
        yield el
        if el.getparent() is not None:
            stack.extend(el[::-1])


def _box_rule(el: lxml.html.HtmlElement, discussion: bool, total: int,
              p_total: int) -> str | None:
    """The name of the rule that makes ``el`` a box to drop, or ``None`` to keep it."""
    names = _names(el.get("class", ""), el.get("id", ""), discussion)
    if names.hidden or el.get("hidden") is not None or el.get("aria-hidden") == "true" or \
            _HIDDEN_STYLE.search(el.get("style", "")):
        # Streaming renderers (React's <div hidden id="S:0">) park the whole article,
        # or chunks of it, in hidden boxes that a script reveals.
        if not _STREAMED.match(el.get("id", "")) and not _holds_article(el, p_total):
            return "hidden"
        return None
    rule = _always_rule(el, names)
    if rule:
        return rule
    if len(el) <= 3 and el.tag not in _KEEP_NUMBERS and (discussion or names.vote) and \
            _COUNTER.match(el.text_content()):
        return "counter"  # a post's vote or reply count, alone on its line
    if names.furniture:
        rule = _furniture_rule(el, names, discussion, total)
        if rule:
            return rule
    rule = names.unlikely or names.soft
    if not rule:
        return None
    if len(el.text_content()) >= 0.4 * total or el.find(".//main") is not None or \
            _holds_article(el, p_total):
        return None
    if not names.unlikely:
        p_len = _p_text(el)
        if p_len >= 300 and link_density(el, p_len) < 0.3:
            return None
        # Blogger's "widget Blog" holds the post as <br>-separated text, no <p>.
        text_len = len(el.text_content())
        if text_len >= 0.25 * total and link_density(el, text_len) < 0.3:
            return None
    return rule


def _always_rule(el: lxml.html.HtmlElement, names: _Names) -> str | None:
    """The ALWAYS row, modal or dialog rule that drops ``el`` wherever it is, unless it
    wraps the page."""
    rule = names.always
    if el.get("role") == "dialog" and el.get("aria-modal") == "true" and \
            rule in (None, MODAL.name):
        rule = "dialog"
    return rule if rule and not _wraps_page(el) else None


_SHORT_FORM = re.compile(r"(?:^|[\s_-])short(?:$|[\s_-])", re.IGNORECASE)
_LONG_FORM = re.compile(r"(?:^|[\s_-])long(?:$|[\s_-])", re.IGNORECASE)


def _drop_short_forms(root: lxml.html.HtmlElement) -> None:
    """A ``<time>`` may hold its long and short forms side by side, one shown by the
    style sheet ("June 14, 2024" and "1 yr"); as text they run together ("June 14,
    20241 yr"): keep the long form."""
    for time in list(root.iter("time")):
        kids = [c for c in time if isinstance(c.tag, str)]
        if len(kids) < 2 or not any(_LONG_FORM.search(c.get("class", "")) for c in kids):
            continue
        for kid in kids:
            if _SHORT_FORM.search(kid.get("class", "")):
                drop_element(kid)  # its tail text stays


# A caption, credit or byline box holds at most this much text; longer boxes so named
# wrap real text.
CAPTION_MAX_TEXT = 400
# A call-to-action box holds at most this much text.
CTA_MAX_TEXT = 1000
# An author box holds at most this much text (name, role, a bio of a few sentences).
AUTHOR_BOX_MAX_TEXT = 1500


def _image_credit(el: lxml.html.HtmlElement) -> bool:
    """A box named "credit" inside a figure or beside an image."""
    if any(True for _ in el.iterancestors("figure", "picture")):
        return True
    parent = el.getparent()
    return parent is not None and parent.find(".//img") is not None


def _furniture_rule(el: lxml.html.HtmlElement, names: _Names, discussion: bool,
                    total: int) -> str | None:
    """Captions, credits, bylines, hover cards, calls to action and author bios, each
    dropped below its size."""
    rule = names.caption or (IMAGE_CREDIT.name if names.credit and _image_credit(el) else None)
    if rule:
        return rule if len(norm_space(el.text_content())) < CAPTION_MAX_TEXT else None
    if names.hover:
        # the innermost such box is the pop-up; its wrapper also holds the link or
        # term that opens it, which is text
        if len(el.text_content()) < 0.4 * total and not any(
                HOVER_CARD.search(d.get("class", "").lower()) for d in el.iterdescendants()
                if isinstance(d.tag, str)):
            return HOVER_CARD.name
        return None
    if names.cta:
        if len(norm_space(el.text_content())) < CTA_MAX_TEXT and not _wraps_page(el):
            return CALL_TO_ACTION.name
        return None
    if not discussion and names.author and \
            len(norm_space(el.text_content())) < AUTHOR_BOX_MAX_TEXT and not _wraps_page(el):
        return AUTHOR_BOX.name
    return None


_NEVER_TEXT = frozenset(("script", "style", "template", "svg", "canvas", "link", "meta"))


def _p_text(el: lxml.html.HtmlElement) -> int:
    return sum(len(p.text_content()) for p in el.iter("p"))


def _holds_article(el: lxml.html.HtmlElement, p_total: int) -> bool:
    """True for a box that wraps the article (unclosed tags, whole-page wrappers)."""
    share = _p_text(el) / p_total
    if el.find(".//main") is not None or el.find(".//article") is not None:
        return share > 0.3
    return share > 0.5 and p_total > 200


def _wraps_page(el: lxml.html.HtmlElement) -> bool:
    """A box that holds the page's headline or article (a page-wide wrapper); consent
    dialogs may outweigh a short thread with their vendor lists, so size is no test."""
    return any(el.find(f".//{tag}") is not None for tag in ("h1", "main", "article"))


def drop_element(el: lxml.html.HtmlElement) -> None:
    """Remove ``el`` and its subtree (its tail text stays)."""
    if el.getparent() is not None:
        el.drop_tree()


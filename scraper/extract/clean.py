"""Tree cleaning: remove what is never article text before the main content is chosen.

Scripts, forms, navigation, footers, asides, hidden elements, and boxes whose class or id
says they are comments, share bars, newsletters, cookie banners, captions, author bios or
related-article lists. Each class-name rule is a named row of :data:`BOX_RULES`; a rule
never drops a box that holds most of the page's paragraph text (broken markup and page
builders put the article inside boxes so named).
"""

from __future__ import annotations

import re

import lxml.html

from ._dom import link_density, norm_space
from .blocks import is_quote_container
from .posts import mark_post_heads

_REMOVE_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "input", "select", "textarea", "nav", "aside", "footer", "figcaption",
    "menu", "dialog", "link", "meta", "rt", "rp",
)
_UNLIKELY = re.compile(
    r"breadcrumb|combx|comment|community|cookie|consent|disqus|footer|gdpr|menu|modal|"
    r"newsletter|outbrain|(?:^|[\s_-])pager|pagination|popup|related|recommend|remark|rss|share|sharing|"
    r"shoutbox|sidebar|signup|social|subscribe|taboola|toolbar|navbar|nav-|-nav\b|\bnav\b|"
    r"post-navigation|more-(?:stories|news|posts|articles|from)|read-next|trending|author-bio|about-author|jump-to|"
    r"skip-link|print-only|screen-reader|wpdiscuz|wpd_comm|wpd-form",
    re.IGNORECASE,
)
# Weaker hints: such a box is dropped only when it holds no paragraphs of real text
# (page builders name every content box "widget"; forums name posts "reply").
_SOFT_UNLIKELY = re.compile(
    r"-ad-|\bads?\b|advert|banner|masthead|promo|sponsor|skyscraper|widget|replies|reply|"
    r"respond|user-?info|usertitle|user-?details|posthead|postfoot|signature|avatar|postdate|"
    r"postprofile|user-?profile|mini-?profile|poster-?info|author-?info|message-?user(?:info)?\b|"
    r"message-cell--user|userbox|user-?stats|user-?extras|"
    r"post__excerpt|post-excerpt|teaser|"
    r"post-?meta|reputation|\btags?\b|tagcloud",
    re.IGNORECASE,
)
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow|entry|story|text",
                    re.IGNORECASE)
# Consent banners and modal dialogs: never content, however much text (vendor lists) they
# hold, unless broken markup left the article inside them.
_CONSENT = re.compile(r"cookie|consent|gdpr|onetrust|didomi|usercentrics|qc-cmp", re.IGNORECASE)
# A forum member's signature, printed under each of their posts ("ipsEntry__signature"
# would pass as content for its "entry").
_SIGNATURE = re.compile(r"signature|(?:^|[\s_-])sig(?:_text|-text|nature)?(?:$|\s)",
                        re.IGNORECASE)
# Image captions and credits, bylines: short boxes that describe the article, not part of
# it ("InlineImage-imageEmbedCaption", "caption-full", "p.byline"). A bare "credit" box
# may hold a reprint credit ("Reprinted with permission from ..."): only an image's goes.
_CAPTION_BOX = re.compile(r"caption|byline|(?:image|img|photo|picture|media)\w*[-_]?credit",
                          re.IGNORECASE)
_CREDIT_BOX = re.compile(r"credit", re.IGNORECASE)
# Call-to-action boxes ("Start your free trial", "Get a quote") set in the story.
_CTA_BOX = re.compile(r"(?:^|[\s_-])cta(?:$|[\s_-])|call-?to-?action", re.IGNORECASE)
# Hover cards and tooltips printed inline in a sentence ("Ilhan Omar" followed by her
# photo and three headlines). The innermost such box is the pop-up; its wrapper also
# holds the link or term that opens it, which is text.
_HOVER_BOX = re.compile(r"rollover|tooltip|popover|hover-?card", re.IGNORECASE)
# The author's bio box under (or over) a story: "cs-entry__author-info" would pass as
# content for its "entry", "elementor-author-box__text" for its "text".
_AUTHOR_BOX = re.compile(
    r"(?:author|contributor|writer)[-_]?(?:short)?(?:box|bio|info|description|details?|card|"
    r"profile|about|wrapper)|about[-_]?(?:the[-_]?)?author|\babh_|saboxplugin|byline-contributor",
    re.IGNORECASE,
)
# Modal boxes (sign-up and membership offers shown over the page), named "modal",
# "member-modal" or "memberModal" even when their inner box says "modal-content".
_MODAL = re.compile(r"(?:^|[\s_-])[mM]odal(?:$|[\s_-])|[a-z]Modal(?:$|[\s_-])")
_VOTE_BOX = re.compile(r"vote|score|karma|like-?count|reaction-?count", re.IGNORECASE)
_COUNTER = re.compile(r"^\s*[+\-−]?\d[\d,.]{0,6}k?\s*$", re.IGNORECASE)
_KEEP_NUMBERS = frozenset(("p", "td", "th", "li", "pre", "code", "dd"))
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:d-none|sr-only|visually-hidden|is-hidden|hide)(?:\s|$)")
_STREAMED = re.compile(r"S:\d+$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def attrs_of(el: lxml.html.HtmlElement) -> str:
    """An element's class and id, the words its rules are matched against."""
    return f"{el.get('class', '')} {el.get('id', '')}"


_COMMENT_HINT = re.compile(r"comments?|community|disqus|remark|repl(?:y|ies)|respond",
                           re.IGNORECASE)


def clean_tree(root: lxml.html.HtmlElement, discussion: bool = False) -> None:
    """Remove elements that are never article text, in place.

    On a ``discussion`` page, boxes named for comments and replies are the content
    and stay.
    """
    _drop_short_forms(root)
    if discussion:
        mark_post_heads(root)
    for el in list(root.iter("noscript")):
        # Some sites (Discourse) serve the whole page to crawlers inside <noscript>.
        if el.getparent() is not None and len(el.text_content()) > 500 and \
                el.find(".//p") is not None:
            el.drop_tag()
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
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main", "a"):
            continue
        if not discussion and not el.attrib:
            continue  # every rule below reads an attribute (a thread's counters aside)
        if el.getparent() is None:
            continue
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or \
                _HIDDEN_STYLE.search(el.get("style", "")) or \
                _HIDDEN_CLASS.search(el.get("class", "")):
            # Streaming renderers (React's <div hidden id="S:0">) park the whole
            # article, or chunks of it, in hidden boxes that a script reveals.
            if not _STREAMED.match(el.get("id", "")) and not _holds_article(el, p_total):
                drop_element(el)
            continue
        attrs = attrs_of(el).lower()  # the class patterns are lower-case, case-sensitive
        hinted = bool(_ATTR_HINT.search(attrs))
        if ((hinted and (_CONSENT.search(attrs) or _SIGNATURE.search(attrs)))
                or (el.get("role") == "dialog" and el.get("aria-modal") == "true")
                or ("modal" in attrs and _MODAL.search(attrs_of(el)))) \
                and not _wraps_page(el):
            drop_element(el)
            continue
        if len(el) <= 3 and el.tag not in _KEEP_NUMBERS and (
                discussion or _VOTE_BOX.search(el.get("class", ""))) and \
                _COUNTER.match(el.text_content()):
            drop_element(el)  # a post's vote or reply count, alone on its line
            continue
        if hinted and _BOX_HINT.search(attrs) and \
                _is_furniture_box(el, attrs, discussion, total):
            drop_element(el)
            continue
        if discussion:
            attrs = _COMMENT_HINT.sub(" ", attrs)
        if not attrs.strip() or _MAYBE_L.search(attrs):
            continue
        hard = _UNLIKELY_L.search(attrs)
        if not hard and not _SOFT_UNLIKELY_L.search(attrs):
            continue
        if len(el.text_content()) >= 0.4 * total or el.find(".//main") is not None or \
                _holds_article(el, p_total):
            continue
        if not hard:
            p_len = _p_text(el)
            if p_len >= 300 and link_density(el, p_len) < 0.3:
                continue
            # Blogger's "widget Blog" holds the post as <br>-separated text, no <p>.
            text_len = len(el.text_content())
            if text_len >= 0.25 * total and link_density(el, text_len) < 0.3:
                continue
        drop_element(el)
    for header in list(root.iter("header")):
        # A page header holds navigation and the title, never body paragraphs.
        if len(header.xpath(".//p")) <= 1:
            drop_element(header)


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
    if not _CREDIT_BOX.search(el.get("class", "")):
        return False
    if any(True for _ in el.iterancestors("figure", "picture")):
        return True
    parent = el.getparent()
    return parent is not None and parent.find(".//img") is not None


# One search for the caption, hover, call-to-action and author boxes above.
_BOX_HINT = re.compile(r"caption|byline|credit|rollover|tooltip|popover|hover|cta|call-?to|"
                       r"author|contributor|writer|abh_|sabox", re.IGNORECASE)

# Consent, signature or any box above: one search rules them all out for most elements.
# Searched in lower-cased attributes without IGNORECASE (which makes re ~3x slower).
_ATTR_HINT = re.compile("|".join(f"(?:{r.pattern.lower()})"
                                 for r in (_CONSENT, _SIGNATURE, _BOX_HINT)))
_MAYBE_L, _UNLIKELY_L, _SOFT_UNLIKELY_L = (
    re.compile(r.pattern.lower()) for r in (_MAYBE, _UNLIKELY, _SOFT_UNLIKELY))


def _is_furniture_box(el: lxml.html.HtmlElement, attrs: str, discussion: bool,
                      total: int) -> bool:
    """Captions, credits, bylines, hover cards, calls to action and author bios."""
    cls = el.get("class", "")
    if _CAPTION_BOX.search(cls) or _image_credit(el):
        return len(norm_space(el.text_content())) < CAPTION_MAX_TEXT
    if _HOVER_BOX.search(cls):
        return len(el.text_content()) < 0.4 * total and not any(
            _HOVER_BOX.search(d.get("class", "")) for d in el.iterdescendants()
            if isinstance(d.tag, str))
    if _CTA_BOX.search(attrs):
        return len(norm_space(el.text_content())) < CTA_MAX_TEXT and not _wraps_page(el)
    if not discussion and _AUTHOR_BOX.search(attrs):
        return len(norm_space(el.text_content())) < AUTHOR_BOX_MAX_TEXT and \
            not _wraps_page(el)
    return False


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


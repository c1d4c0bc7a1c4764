"""Main-content choice: the element(s) holding the article text, in document order.

In the spirit of Readability (Arc90): each paragraph's ancestors are scored by the text
they hold (long, comma-rich, few links), class names nudge the score, the paragraph under
the headline gets a bonus, and the best container is widened to the ancestor holding an
article split over many boxes, with its worthy siblings and cousins. Threads and Q&A
pages take their post boxes instead (see :mod:`.posts`).
"""

from __future__ import annotations

import functools
import itertools
import re

import lxml.html

from ._dom import link_density, norm_space
from .clean import attrs_of
from .posts import (
    opening_post,
    post_list,
    repeated_posts,
    scattered_posts,
    with_post_heads,
)

_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|"
    r"footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
    r"sidebar|skyscraper|sponsor|shopping|tags|tool|widget|byline|author|dateline|subscribe",
    re.IGNORECASE,
)
_SCORED_TAGS = ("p", "pre", "td", "blockquote", "li", "div", "section", "dd")


def _class_weight(el: lxml.html.HtmlElement) -> float:
    weight = _name_weight(attrs_of(el))
    if el.get("itemprop") == "articleBody":
        weight += 50
    return weight


@functools.lru_cache(maxsize=8192)
def _name_weight(attrs: str) -> float:
    """What class and id names say (cached: pages repeat a few hundred names)."""
    return (25.0 if _POSITIVE.search(attrs) else 0.0) - (25.0 if _NEGATIVE.search(attrs) else 0.0)


def _tag_weight(el: lxml.html.HtmlElement) -> float:
    return {"article": 10, "main": 5, "div": 5, "section": 3, "pre": 3, "td": 3,
            "blockquote": 3, "form": -3, "ul": -3, "ol": -3, "li": -3, "dl": -3,
            "h1": -5, "h2": -5, "h3": -5, "th": -5}.get(el.tag, 0)


# The text right under the headline starts the article: its score gets this bonus
# (worth a few rich paragraphs; 10 changed nothing, 25 helped forums and precision).
LEDE_BONUS = 25.0


def _lede(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The first real paragraph after the page's only ``<h1>``, where articles start;
    it tips the choice away from comment lists and teaser boxes of similar weight."""
    h1s = list(body.iter("h1"))
    if len(h1s) != 1:
        return None
    seen_h1 = False
    for el in body.iter():
        if el is h1s[0]:
            seen_h1 = True
        elif seen_h1 and el.tag in _SCORED_TAGS and not any(
                isinstance(c.tag, str) and c.tag in _CONTAINERS for c in el):
            text = norm_space(el.text_content())
            if len(text) >= 150 and link_density(el, len(text)) < 0.2:
                return el
    return None


def find_main(root: lxml.html.HtmlElement,
              discussion: bool = False) -> list[lxml.html.HtmlElement]:
    """The element(s) holding the article text, in document order.

    Returns ``[body]`` when nothing stands out (short pages), so text is never lost.
    On a ``discussion`` page an opening post laid out apart from the replies leads,
    and each post keeps its author and date line.
    """
    main = _find_main(root, discussion)
    return with_post_heads(main) if discussion else main


def _find_main(root: lxml.html.HtmlElement,
               discussion: bool) -> list[lxml.html.HtmlElement]:
    body = root.find("body")
    if body is None:
        body = root
    scores: dict[lxml.html.HtmlElement, float] = {}
    lede = _lede(body)
    for el in body.iter(*_SCORED_TAGS):
        holder = el.tag == "div" and any(
            isinstance(c.tag, str) and c.tag in _DIV_BLOCKS for c in el)
        # A div of blocks is a container, scored through its children, and through the
        # text it holds loose between them (articles written as text and <br>s).
        text = _loose_text(el) if holder else norm_space(el.text_content())
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + text.count("،") + text.count("、") + min(len(text) / 100, 3)
        if el is lede:
            score += LEDE_BONUS
        chain = el.iterancestors()
        if holder:
            chain = itertools.chain([el], chain)
        for level, anc in enumerate(chain):
            if level > 3 or not isinstance(anc.tag, str) or anc.tag == "html":
                break
            if anc not in scores:
                scores[anc] = _tag_weight(anc) + _class_weight(anc)
            scores[anc] += score / (1 if level == 0 else 2 if level == 1 else level * 3)
    if not scores:
        return [body]
    final = {el: s * (1 - link_density(el, len(el.text_content()))) for el, s in scores.items()}
    top = max(final, key=lambda e: final[e])
    # Climb while the parent holds much more of the good text (e.g. split article bodies).
    parent = top.getparent()
    while parent is not None and parent.tag not in ("body", "html") and \
            final.get(parent, 0) > final[top] * 0.9:
        top, parent = parent, parent.getparent()
    good = _good_text(body)
    top = _widen(top, body, good)
    final.setdefault(top, 0.0)
    repeated = repeated_posts(top, discussion)
    if repeated:
        return opening_post(body, repeated, good, discussion) + repeated
    posts = post_list(body, good, discussion)
    if posts and sum(good.get(p, 0) for p in posts) >= 1.2 * good.get(top, 0):
        return opening_post(body, posts, good, discussion) + posts
    posts = scattered_posts(body, good)
    if posts and sum(good.get(p, 0) for p in posts) >= SCATTERED_GAIN * good.get(top, 0):
        return posts
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, final[top] * 0.2)
    chosen = []
    top_class = top.get("class", "")
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if sibling is top:
            chosen.append(sibling)
            continue
        bonus = final[top] * 0.2 if top_class and sibling.get("class", "") == top_class else 0
        if final.get(sibling, -1e9) + bonus >= threshold:
            chosen.append(sibling)
        elif sibling.tag == "p":
            text = norm_space(sibling.text_content())
            density = link_density(sibling, len(text))
            if (len(text) > 80 and density < 0.25) or \
                    (0 < len(text) <= 80 and density == 0 and re.search(r"\.( |$)", text)):
                chosen.append(sibling)
    return _with_cousins(chosen, top, body, good)


def _with_cousins(chosen: list[lxml.html.HtmlElement], top: lxml.html.HtmlElement,
                  body: lxml.html.HtmlElement,
                  good: dict[lxml.html.HtmlElement, int]) -> list[lxml.html.HtmlElement]:
    """Add the other chunks of an article split into separate boxes between ads (each
    chunk has the chosen box's tag and class, but sits under another parent)."""
    top_class = top.get("class", "").strip()
    if not top_class or top.tag not in ("div", "section", "article"):
        return chosen
    cousins = []
    for el in body.iter(top.tag):
        if el.get("class", "").strip() != top_class:
            continue
        ancestors = set(el.iterancestors())
        if any(el is c or c in ancestors or el in c.iterancestors() for c in chosen):
            continue  # a chosen box, inside one, or around one
        text_len = len(norm_space(el.text_content()))
        if good.get(el, 0) >= COUSIN_MIN_TEXT and good.get(el, 0) >= 0.6 * text_len and \
                link_density(el, text_len) < 0.2 and _near(el, top):
            cousins.append(el)
    if not cousins:
        return chosen
    order = {el: i for i, el in enumerate(body.iter())}
    return sorted(chosen + cousins, key=lambda el: order.get(el, 0))


def _near(el: lxml.html.HtmlElement, top: lxml.html.HtmlElement) -> bool:
    """True if ``el`` and ``top`` share an ancestor within a few levels (chunks of one
    article sit in one column, not across the page)."""
    mine = list(itertools.islice(top.iterancestors(), COUSIN_MAX_LEVELS))
    return any(anc in mine for anc in itertools.islice(el.iterancestors(), COUSIN_MAX_LEVELS))


COUSIN_MAX_LEVELS = 4
# A chunk of the article elsewhere on the page holds at least this much reading text.
COUSIN_MIN_TEXT = 200


# Answer boxes scattered over the page replace the chosen box when they hold this many
# times its reading text.
SCATTERED_GAIN = 2.0


_DIV_BLOCKS = frozenset(("p", "div", "section", "article", "table", "ul", "ol", "blockquote",
                         "pre"))


def _loose_text(el: lxml.html.HtmlElement) -> str:
    """The text a container holds outside its block children, links left out."""
    pieces = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _DIV_BLOCKS and child.tag != "a" \
                and child.find(".//a") is None:
            pieces.append(child.text_content())
        pieces.append(child.tail or "")
    return norm_space(" ".join(pieces))


_TEXT_BLOCKS = ("p", "pre", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "div")
_CONTAINERS = frozenset(_TEXT_BLOCKS) | {"ul", "ol", "table", "section", "article"}


def _good_text(body: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, int]:
    """For every element, how much reading text (low-link blocks) it holds."""
    good: dict[lxml.html.HtmlElement, int] = {}
    for el in body.iter(*_TEXT_BLOCKS):
        if any(isinstance(c.tag, str) and c.tag in _CONTAINERS for c in el):
            continue  # counted through its children
        text = norm_space(el.text_content())
        if len(text) < 20 or link_density(el, len(text)) > 0.3:
            continue
        for level, anc in enumerate(el.iterancestors()):
            good[anc] = good.get(anc, 0) + len(text)
            if anc is body or level > 40:  # bounded: pathological nesting stays linear
                break
    return good


def _widen(top: lxml.html.HtmlElement, body: lxml.html.HtmlElement,
           good: dict[lxml.html.HtmlElement, int]) -> lxml.html.HtmlElement:
    """Page builders split one article over many boxes; climb to the ancestor that
    holds them all, as long as that ancestor is still mostly reading text."""
    base = good.get(top, 0)
    best, node = top, top
    for _ in range(6):
        node = node.getparent()
        if node is None or node is body or node.tag == "html":
            break
        held = good.get(node, 0)
        if held < base * WIDEN_GAIN + 150:
            continue
        text_len = len(norm_space(node.text_content()))
        if held >= WIDEN_SHARE * text_len and link_density(node, text_len) < 0.25:
            best = node
    return best


# An ancestor replaces the chosen box when it holds 1.6x its reading text (+150 chars)
# and reading text is 80% of all its text: lower gains let in teaser lists of other
# stories, lower shares let in page chrome (measured on both benchmark sets).
WIDEN_GAIN = 1.6
WIDEN_SHARE = 0.8

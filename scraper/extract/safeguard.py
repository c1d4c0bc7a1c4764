"""A second opinion on the main-content choice.

:func:`.main_content.find_main` weighs one scoring scheme. On pages unlike those it was
tuned on it can pick a caption, a newsletter box or a list of names while the story sits
elsewhere. This module proposes other readings of the same cleaned page, each found by a
different, simple mechanism:

* ``densest``: the largest element whose text is nearly all reading text (long, low-link
  blocks);
* ``readability``: Readability's top candidate (paragraph scores given to parent and
  grandparent), without class-name weights;
* ``headline``: the text under the headline the page displays;
* ``json-ld``: the publisher's ``articleBody``, as evidence of length only.

:func:`weigh` keeps our choice when it is not far shorter than a plausible alternative
and holds the text right under the headline; otherwise it names the alternative to use,
preferring one that another mechanism agrees with. :class:`Verdict` records which path
won and which alternatives agreed, for ``signals`` and the body's confidence.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import lxml.html

from ._dom import link_density, norm_space
from .boilerplate import is_boilerplate_line
from .standfirst import Standfirst, repeats

_LEAF_BLOCKS = ("p", "pre", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "div", "td")
_CONTAINERS = frozenset(_LEAF_BLOCKS) | {"ul", "ol", "table", "section", "article", "tr"}
_READABILITY_TAGS = ("p", "pre", "td")

# A block with more than this share of its text in links is not reading text.
READING_MAX_LINKS = 0.3
# The densest region: at least this share of its block text is reading text.
DENSE_SHARE = 0.7
# An alternative is plausible with at least this much reading text.
PLAUSIBLE_MIN_TEXT = 400
# Ours is "far shorter" below this share of a plausible alternative's reading text.
FAR_SHORTER = 0.33
# Two candidates agree when one holds the other and the smaller has this share of the
# larger's reading text.
AGREE_SHARE = 0.6
# The text under the headline replaces a choice that misses the story's first paragraph
# when it holds between these shares of our reading text.
LEDE_MIN_SHARE = 0.5
LEDE_MIN_TEXT = 150  # a paragraph of the story, not a one-line note
LEDE_MAX_GROWTH = 3.0
# A list taken for the article gives way to a region around it holding up to this many
# times its reading text (more is the page, not the article).
LIST_MAX_GROWTH = 3.0
# The headline's region: the nearest ancestor of the headline holding this much text.
HEADLINE_MIN_TEXT = 300


# Reading text: blocks of at least this many characters that read as prose.
READING_MIN_TEXT = 50
_PROSE_MARKS = (". ", ", ", "; ", "。", "、", "，", "، ")


def _prose(text: str) -> bool:
    """Sentences or clauses, not a menu entry or a form label: a sentence break or a
    comma inside, or a period at the end."""
    text = text.strip()
    return text.endswith((".", "!", "?", "。", ":")) or any(m in text for m in _PROSE_MARKS)


@dataclass(eq=False)
class Candidate:
    """One reading of where the main text is."""

    name: str
    element: lxml.html.HtmlElement
    reading: int  # characters of reading text it holds
    after: lxml.html.HtmlElement | None = None  # text before this element is not part of it


@dataclass
class Verdict:
    """Which path won: ``main`` (our choice stands) or an alternative to use instead."""

    path: str = "main"
    agree: list[str] = field(default_factory=list)
    use: Candidate | None = None
    # the alternative's body must be at least this many times ours to be used
    gain: float = 2.0


@dataclass
class _Text:
    good: dict[lxml.html.HtmlElement, int]
    total: dict[lxml.html.HtmlElement, int]
    # Readability's paragraph scores, given to each paragraph's parent and grandparent
    scores: dict[lxml.html.HtmlElement, float]


def _measure(body: lxml.html.HtmlElement) -> _Text:
    """Per element, the text of the leaf blocks it holds: all of it, and the reading
    text (blocks of 20+ characters, few links)."""
    good: dict[lxml.html.HtmlElement, int] = {}
    total: dict[lxml.html.HtmlElement, int] = {}
    scores: dict[lxml.html.HtmlElement, float] = {}
    for el in body.iter(*_LEAF_BLOCKS):
        if any(isinstance(c.tag, str) and c.tag in _CONTAINERS for c in el):
            continue
        text = norm_space(el.text_content())
        text_len = len(text)
        if not text_len:
            continue
        if el.tag in _READABILITY_TAGS and text_len >= 25:
            _score_parents(el, 1 + text.count(",") + min(text_len / 100, 3), scores)
        reading = text_len >= READING_MIN_TEXT and _prose(text) and \
            link_density(el, text_len) <= READING_MAX_LINKS
        for level, anc in enumerate(el.iterancestors()):
            total[anc] = total.get(anc, 0) + text_len
            if reading:
                good[anc] = good.get(anc, 0) + text_len
            if anc is body or level > 40:
                break
    return _Text(good, total, scores)


def _score_parents(el: lxml.html.HtmlElement, score: float,
                   scores: dict[lxml.html.HtmlElement, float]) -> None:
    parent = el.getparent()
    if parent is None:
        return
    scores[parent] = scores.get(parent, 0.0) + score
    grand = parent.getparent()
    if grand is not None:
        scores[grand] = scores.get(grand, 0.0) + score / 2


def _densest(body: lxml.html.HtmlElement, text: _Text) -> Candidate | None:
    best = None
    for el, good in text.good.items():
        if el is body or good < PLAUSIBLE_MIN_TEXT or good < DENSE_SHARE * text.total[el]:
            continue
        if best is None or good > text.good[best]:
            best = el
    return Candidate("densest", best, text.good[best]) if best is not None else None


def _readability(body: lxml.html.HtmlElement, text: _Text) -> Candidate | None:
    scores = text.scores
    ranked = sorted(scores, key=lambda e: -scores[e])[:10]
    best, best_score = None, 0.0
    for el in ranked:
        text_len = text.total.get(el, 0)
        final = scores[el] * (1 - link_density(el, len(el.text_content())) if text_len else 0)
        if final > best_score:
            best, best_score = el, final
    if best is None or best is body:
        return None
    return Candidate("readability", best, text.good.get(best, 0))


def _under_headline(body: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None,
                    text: _Text, lede: Standfirst | None = None) -> Candidate | None:
    if (headline is None or headline.getparent() is None) and lede is not None and \
            _attached(lede.element, body):
        headline = lede.element  # the headline went with the page header: start at the lede
    if headline is None or headline.getparent() is None:
        return None
    for anc in headline.iterancestors():
        if anc is body or anc.tag == "html":
            return None
        if text.good.get(anc, 0) >= HEADLINE_MIN_TEXT:
            return Candidate("headline", anc, text.good[anc], after=headline)
    return None


def reading_chars(paragraphs: list[tuple[str, float]]) -> int:
    """The reading text among (text, link density) paragraphs, measured as the
    alternatives are."""
    return sum(len(t) for t, links in paragraphs
               if len(t) >= READING_MIN_TEXT and links <= READING_MAX_LINKS and _prose(t))


def _attached(el: lxml.html.HtmlElement, body: lxml.html.HtmlElement) -> bool:
    return any(a is body for a in el.iterancestors())


def alternatives(root: lxml.html.HtmlElement, headline: lxml.html.HtmlElement | None,
                 lede: Standfirst | None = None) -> list[Candidate]:
    """Other readings of the cleaned page's main text (see the module docstring); the
    text under the headline starts at the ``lede`` when cleaning took the headline."""
    body = root.find("body")
    if body is None:
        return []
    text = _measure(body)
    found = [_densest(body, text), _readability(body, text),
             _under_headline(body, headline, text, lede)]
    return [c for c in found if c is not None and not _in_furniture(c.element)]


_FURNITURE_TAGS = frozenset(("footer", "nav", "aside", "header", "form"))


def _in_furniture(el: lxml.html.HtmlElement) -> bool:
    """Inside a page footer, navigation, sidebar or form (kept by cleaning because it
    holds much text): not where an article is."""
    return el.tag in _FURNITURE_TAGS or any(
        a.tag in _FURNITURE_TAGS for a in el.iterancestors())


def _holds(outer: lxml.html.HtmlElement, inner: lxml.html.HtmlElement) -> bool:
    return outer is inner or any(a is outer for a in inner.iterancestors())


def _agree(a: Candidate, b: Candidate) -> bool:
    if not (_holds(a.element, b.element) or _holds(b.element, a.element)):
        return False
    small, large = sorted((a.reading, b.reading))
    return large > 0 and small >= AGREE_SHARE * large


def _agrees_with_main(c: Candidate, main: list[lxml.html.HtmlElement], ours: int) -> bool:
    inside = any(_holds(m, c.element) for m in main)
    around = all(_holds(c.element, m) for m in main)
    if not (inside or around):
        return False
    small, large = sorted((ours, c.reading))
    return large > 0 and small >= AGREE_SHARE * large


def _lede_elsewhere(main: list[lxml.html.HtmlElement], ours: int,
                    candidates: list[Candidate], lede: Standfirst | None,
                    opening: str) -> Candidate | None:
    """The text under the headline, when our choice misses the story's first paragraph
    (a list of names, a comment thread or reviews were taken instead) and that text is
    of comparable size. A summary that our opening restates is not a missed paragraph;
    a short line (a promotion, a note) is no evidence."""
    if lede is None or len(lede.text) < LEDE_MIN_TEXT or not _prose(lede.text[:-1]) or \
            any(lede.inside(m) for m in main) or repeats(lede.text, opening) or \
            is_boilerplate_line(lede.text):
        return None
    # a comment thread, a sidebar or navigation taken for the story gives way whatever
    # its length
    low = 0.0 if _misplaced(main) else LEDE_MIN_SHARE * ours
    for c in candidates:
        if c.name == "headline" and lede.inside(c.element) and \
                low <= c.reading <= LEDE_MAX_GROWTH * max(ours, 1) and \
                c.reading >= PLAUSIBLE_MIN_TEXT:
            return c
    return None


_COMMENTS = re.compile(r"comment|repl(?:y|ies)|respond|discussion", re.IGNORECASE)


def _misplaced(main: list[lxml.html.HtmlElement]) -> bool:
    """Whether our choice sits where no story is: comments, a sidebar, navigation."""
    return _in_comments(main) or any(_in_furniture(m) for m in main)


def _in_comments(main: list[lxml.html.HtmlElement]) -> bool:
    """Whether our choice is a comment section (named so, or just inside one)."""
    return any(_COMMENTS.search(f"{el.get('class', '')} {el.get('id', '')}")
               for m in main for el in (m, *itertools.islice(m.iterancestors(), 2)))


def _around_list(main: list[lxml.html.HtmlElement], ours: int,
                 candidates: list[Candidate]) -> Candidate | None:
    """The region around our choice when that is one list (references, reviews, the
    comments, a recipe's steps) and another mechanism found a larger region holding it:
    the list is one part of the article, whose text around it was left out."""
    if len(main) != 1 or main[0].tag not in ("ul", "ol"):
        return None
    around = [c for c in candidates if c.element is not main[0] and _holds(c.element, main[0])
              and max(ours, PLAUSIBLE_MIN_TEXT - 1) < c.reading <= LIST_MAX_GROWTH * max(ours, 1)]
    return max(around, key=lambda c: c.reading) if around else None


def _story_below(best: Candidate, candidates: list[Candidate]) -> bool:
    """Whether ``best`` is the story continuing below a short text under the headline
    (a teaser or a lead alone in its box): another mechanism agrees with it, and it
    starts after the headline's region."""
    head = next((c for c in candidates if c.name == "headline"), None)
    if head is None or best is head:
        return False
    backed = any(o is not best and o is not head and _agree(best, o) for o in candidates)
    return backed and (best.element.sourceline or 0) >= (head.element.sourceline or 0)


def weigh(main: list[lxml.html.HtmlElement], ours: int, candidates: list[Candidate],
          article_body: str | None = None, lede: Standfirst | None = None,
          opening: str = "") -> Verdict:
    """Keep our choice (``main``, giving ``ours`` characters of body) or name a better-
    supported alternative.

    Our choice is replaced only when it is far shorter than a plausible alternative; the
    alternative used is the one with the most support (another mechanism agreeing, the
    JSON-LD ``articleBody`` being as long).
    """
    verdict = Verdict(agree=[c.name for c in candidates if _agrees_with_main(c, main, ours)])
    if article_body and len(article_body) >= PLAUSIBLE_MIN_TEXT and \
            ours >= FAR_SHORTER * len(article_body) and ours <= 3 * len(article_body):
        verdict.agree.append("json-ld")
    under = _lede_elsewhere(main, ours, candidates, lede, opening)
    if under is not None:
        return Verdict(path="fallback:lede", agree=[
            o.name for o in candidates if o is not under and _agree(under, o)], use=under,
            gain=0.0 if _misplaced(main) else LEDE_MIN_SHARE)
    listed = _around_list(main, ours, candidates)
    if listed is not None:
        return Verdict(path="fallback:list", agree=[
            o.name for o in candidates if o is not listed and _agree(listed, o)], use=listed,
            gain=0.0)
    plausible = [c for c in candidates if c.reading >= PLAUSIBLE_MIN_TEXT]
    if not plausible or ours >= FAR_SHORTER * max(c.reading for c in plausible):
        return verdict  # not far shorter

    def support(c: Candidate) -> float:
        backers = sum(_agree(c, o) for o in candidates if o is not c)
        if article_body and c.reading >= FAR_SHORTER * len(article_body):
            backers += 1
        return c.reading * (1 + backers)

    best = max(plausible, key=support)
    if support(best) < 2 * best.reading:
        return verdict  # no other mechanism backs it: ours stands
    if "headline" in verdict.agree and not _story_below(best, candidates):
        return verdict  # it is the text under the headline
    return Verdict(path=f"fallback:{best.name}", agree=[
        o.name for o in candidates if o is not best and _agree(best, o)], use=best)

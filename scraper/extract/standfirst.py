"""The standfirst: the paragraph between the headline and the story, set apart from it.

News and magazine pages print a lead paragraph ("Einleitung", "chapô", "intro") right
under the headline, often in the article's header box, apart from the container the main
text sits in; the choice of the main container (and the header's removal) leaves it out.
It is found on the page before cleaning and put back in front of the body when it sits in
the same article as the chosen text, before it, and the body does not already hold it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from ._dom import link_density, norm_space

_BLOCKS = frozenset(("p", "div", "h1", "h2", "h3", "h4", "section", "header", "footer", "ul",
                     "ol", "dl", "table", "figure", "article", "main", "aside", "nav", "form",
                     "blockquote", "pre"))
_LEAD_TAGS = frozenset(("p", "div"))
# A standfirst is at least this long: one full sentence.
STANDFIRST_MIN_TEXT = 60
# It is at most this long: a paragraph, not the story.
STANDFIRST_MAX_TEXT = 700
# It repeats the opening when this share of its words (longer than 3 letters) is there.
REPEAT_SHARE = 0.65
# It is among the first elements after the headline.
STANDFIRST_REACH = 40
_SENTENCE_END = (".", "!", "?", "…", "。", "\"", "”", "“", "»", "«", ")")


@dataclass(eq=False)
class Standfirst:
    """The first paragraph under the headline, with where it sat."""

    element: lxml.html.HtmlElement
    text: str
    ancestors: tuple[lxml.html.HtmlElement, ...]
    apart: bool = True  # short enough to be a standfirst, not the story's first paragraph

    def inside(self, el: lxml.html.HtmlElement) -> bool:
        """Whether this paragraph sat in ``el`` (or is it) before cleaning."""
        return el is self.element or any(a is el for a in self.ancestors)


def find_standfirst(root: lxml.html.HtmlElement,
                    headline: lxml.html.HtmlElement | None) -> Standfirst | None:
    """The first prose paragraph after ``headline`` (call before the tree is cleaned)."""
    if headline is None:
        return None
    first = True
    for seen, el in enumerate(_following(headline)):
        if seen >= STANDFIRST_REACH:
            return None
        if el.tag not in _LEAD_TAGS or any(
                isinstance(c.tag, str) and c.tag in _BLOCKS for c in el):
            continue
        text = norm_space(el.text_content())
        if len(text) < STANDFIRST_MIN_TEXT:
            continue
        if link_density(el, len(text)) > 0.2 or not text.endswith(_SENTENCE_END) or \
                _by_image(el) or el.find(".//style") is not None or \
                el.find(".//script") is not None:
            first = False  # not a lead (links, a caption, code, a note): look further
            continue
        # Only the first text block may be set apart as a standfirst; a later or longer
        # paragraph opens the story, and tells where it starts.
        return Standfirst(el, text, tuple(el.iterancestors()),
                          apart=first and len(text) <= STANDFIRST_MAX_TEXT)
    return None


def _by_image(el: lxml.html.HtmlElement) -> bool:
    """A caption: in a figure, or beside an image in its box."""
    if any(True for _ in el.iterancestors("figure", "picture")):
        return True
    parent = el.getparent()
    return parent is not None and any(
        c.tag in ("img", "picture") or (c.tag in ("a", "span", "div") and len(c) == 1 and
                                        c[0].tag in ("img", "picture"))
        for c in parent if c is not el)


def repeats(lead: str, opening: str) -> bool:
    """A standfirst that says what the opening paragraphs say (a summary): most of its
    words are there."""
    words = {w for w in lead.lower().split() if len(w) > 3}
    if not words:
        return False
    present = {w for w in opening.lower().split() if len(w) > 3}
    return len(words & present) >= REPEAT_SHARE * len(words)


def _following(el: lxml.html.HtmlElement) -> Iterator[lxml.html.HtmlElement]:
    """Elements after ``el`` in document order (not inside it)."""
    node = el
    while node is not None:
        for sib in node.itersiblings():
            if isinstance(sib.tag, str):
                yield sib
                yield from (d for d in sib.iterdescendants() if isinstance(d.tag, str))
        node = node.getparent()


def belongs(lead: Standfirst, main: list[lxml.html.HtmlElement], body: str) -> bool:
    """Whether ``lead`` should open ``body``: not in it already, not inside the chosen
    content (which then dropped it on purpose), before it, and in the same article."""
    if not lead.apart or not main or lead.text[:80] in body or \
            repeats(lead.text, body[:1500]):
        return False
    first = main[0]
    if first is lead.element or any(a is first for a in lead.ancestors):
        return False
    # before it: by source line (the lede was found after the headline; a chosen text
    # that starts earlier is not what it leads)
    if (lead.element.sourceline or 0) > (first.sourceline or 0):
        return False
    chain = set(lead.ancestors)
    for anc in first.iterancestors():
        if anc in chain:
            return anc.tag not in ("body", "html")
    return False

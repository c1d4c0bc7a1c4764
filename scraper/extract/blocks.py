"""Turn a DOM subtree into the ordered paragraphs a reader sees.

A paragraph is the text of a block element (``p``, ``li``, ``h2``...) or a run of inline
content between blocks; ``<br>`` also ends one. Each paragraph remembers its links and
the innermost quote container (``blockquote`` or a forum quote box) it sits in, which
the attribution finder needs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import lxml.html

from ._dom import join_url, norm_space

BLOCK_TAGS = frozenset((
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table", "tbody", "thead", "tfoot", "tr", "td",
    "th", "figure", "figcaption", "header", "footer", "nav", "aside", "form", "address",
    "center", "details", "summary", "hr", "fieldset", "caption", "body", "html",
))
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
_QUOTE_CLASS = re.compile(
    r"\b(?:bbcode_quote|bbCodeBlock--quote|quotecontent|quote|postquote|bb-quote)\b",
    re.IGNORECASE,
)
_SAID = re.compile(r"(?:wrote|said|writes|says)\s*:?\s*$", re.IGNORECASE)


@dataclass(eq=False)
class Quote:
    """A quote container: its element, declared author and cited URL."""

    element: lxml.html.HtmlElement
    parent: Quote | None
    author: str | None
    cite: str | None

    def within(self, other: Quote | None) -> bool:
        """True if this quote is ``other`` or nested inside it."""
        node: Quote | None = self
        while node is not None:
            if node is other:
                return True
            node = node.parent
        return False


@dataclass(eq=False)
class Paragraph:
    """One paragraph of visible text."""

    text: str
    tag: str
    quote: Quote | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    link_chars: int = 0
    element: lxml.html.HtmlElement | None = None  # the block it was read from

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def is_quote_container(el: lxml.html.HtmlElement) -> bool:
    """Blockquotes and the quote boxes of forum software."""
    return el.tag == "blockquote" or bool(_QUOTE_CLASS.search(el.get("class", "")))


def _is_block(el: lxml.html.HtmlElement) -> bool:
    return el.tag in BLOCK_TAGS


def _block_holders(root: lxml.html.HtmlElement) -> set[lxml.html.HtmlElement]:
    """Elements with a block element somewhere below them, in one pass over the tree
    (asking each element separately is quadratic on deep pages)."""
    holders: set[lxml.html.HtmlElement] = set()
    for el in root.iter():
        if not (isinstance(el.tag, str) and el.tag in BLOCK_TAGS):
            continue
        for anc in el.iterancestors():
            if anc in holders:
                break
            holders.add(anc)
            if anc is root:
                break
    return holders


class _Collector:
    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url or ""
        self.out: list[Paragraph] = []
        self._pieces: list[str] = []
        self._links: list[tuple[str, str]] = []
        self._link_chars = 0
        # Inside an <a> that wraps blocks (a teaser card: image, headline, summary), all
        # text is link text, though no anchor sits within the paragraph itself.
        self._in_link = 0
        self.holders: set[lxml.html.HtmlElement] = set()

    def _points_away(self, href: str) -> bool:
        """False for links within this page: a heading wrapped in its own permalink
        ("/story#part-2") is text, not a link to another story."""
        if not href or href.startswith(("#", "javascript:")):
            return False
        if "#" not in href or not self.base_url:
            return True
        return join_url(self.base_url, href).split("#")[0] != self.base_url.split("#")[0]

    def add_text(self, text: str) -> None:
        self._pieces.append(text)
        if self._in_link:
            self._link_chars += len(norm_space(text))

    def add_inline(self, el: lxml.html.HtmlElement) -> None:
        text = el.text_content()
        if self._in_link:
            self.add_text(text)
            return
        self._pieces.append(text)
        anchors = [el] if el.tag == "a" else el.findall(".//a")
        for a in anchors:
            link_text = norm_space(a.text_content())
            self._link_chars += len(link_text)
            href = (a.get("href") or "").strip()
            if href and not href.startswith(("javascript:", "#", "mailto:")):
                self._links.append((link_text, join_url(self.base_url, href)))

    def flush(self, el: lxml.html.HtmlElement, quote: Quote | None) -> None:
        text = norm_space("".join(self._pieces))
        if text:
            tag = el.tag if isinstance(el.tag, str) else ""
            self.out.append(Paragraph(text, tag, quote, self._links, self._link_chars, el))
        self._pieces, self._links, self._link_chars = [], [], 0

    def walk(self, el: lxml.html.HtmlElement, quote: Quote | None, depth: int = 0) -> None:
        if depth > 200:  # pathological nesting: keep the text, stop descending
            self._pieces.append(el.text_content())
            return
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag and is_quote_container(el) and (quote is None or quote.element is not el):
            quote = Quote(el, quote, el.get("data-author") or None, el.get("cite") or None)
        link = tag == "a" and self._points_away(el.get("href", "").strip())
        self._in_link += link
        if el.text:
            self.add_text(el.text)
        for child in el:
            ctag = child.tag if isinstance(child.tag, str) else ""
            if ctag == "br":
                self.flush(el, quote)
            elif ctag and (_is_block(child) or child in self.holders):
                self.flush(el, quote)
                self.walk(child, quote, depth + 1)
                self.flush(child, quote)
            elif ctag == "cite" and quote is not None and _SAID.search(child.text_content()):
                self.flush(el, quote)  # phpBB's "<cite>X wrote:</cite>" heads its quote
                self.add_inline(child)
                self.flush(child, quote)
            elif ctag:
                self.add_inline(child)
            if child.tail:
                self.add_text(child.tail)
        self._in_link -= link


def collect_paragraphs(
    elements: list[lxml.html.HtmlElement], base_url: str | None = None
) -> list[Paragraph]:
    """The paragraphs of ``elements``, in document order.

    Args:
        elements: the containers chosen as the article's main content.
        base_url: resolves relative link targets.
    """
    collector = _Collector(base_url)
    for el in elements:
        quote = None
        for anc in reversed(list(el.iterancestors())):
            if is_quote_container(anc):
                quote = Quote(anc, quote, anc.get("data-author"), anc.get("cite"))
        collector.holders = _block_holders(el)
        collector.walk(el, quote)
        collector.flush(el, quote)
    return collector.out

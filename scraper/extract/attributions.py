"""Find the passages a page credits to other sources.

Two kinds of evidence, both turned into :class:`archive.types.Attribution`:

* **Lines** matching a configured pattern ("Originally posted by X", "Source: X",
  "Via X"...). The line itself is not body text; the passage it credits is the next
  block (or the whole quote it opens), the previous block, or the whole article,
  as the pattern's ``applies_to`` says.
* **Quote containers**: ``<blockquote data-author>``, ``<blockquote cite=URL>`` and
  forum quote boxes whose first line names the poster ("X said:", "X wrote:",
  "Quote: Originally Posted by X"). The passage is the quoted text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html

from archive.types import Attribution

from ._dom import join_url, norm_space, url_host
from .blocks import HEADING_TAGS, Paragraph, Quote
from .dates import MONTH_NAMES, MONTH_PATTERN

# Lines that only decorate a quote box and are neither body nor passage.
_QUOTE_CHROME = re.compile(r"^(?:quote:?|click to expand\.*|zitat:?|citation\s*:?)$",
                           re.IGNORECASE)
_MAX_LINE = 400
_SHORT_POST = 4  # paragraphs: a link-blog post, credited whole by a closing "Via X"
_PLATFORM = re.compile(
    r"\s+on\s+(?:twitter|x|facebook|linkedin|reddit|mastodon|instagram|bluesky|threads|"
    r"youtube|tumblr|substack|medium|hacker news)$",
    re.IGNORECASE,
)
# "Thing of Things December 12", "Jane Roe, 3 March 2024": a feed's date after the name
_TRAILING_DATE = re.compile(
    rf"[\s,·|-]+(?:(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}"
    rf"|\d{{1,2}}\s+(?:{MONTH_PATTERN})\.?)"
    r"(?:,?\s+\d{4})?$",
    re.IGNORECASE,
)
# a when before the name in a forum credit line
_WHEN = re.compile(
    r"\bago$|^(?:just now|yesterday|today)\b|\d:\d\d|^on\s+\S*\d|^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$",
    re.IGNORECASE,
)
_VIA_SUFFIX = re.compile(r"\s*\(via:?\s+(?P<via>[^)]+)\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class LinePattern:
    """A compiled attribution pattern (see ``scraper.config.AttributionPattern``)."""

    name: str
    regex: re.Pattern[str]
    applies_to: str


@dataclass(eq=False)  # found, waiting and ready lists are told apart by identity
class Found:
    """An attribution being assembled: its passage is a range of kept paragraphs
    (``first``..``last``) or the ``whole`` body, resolved to characters by ``locate``."""

    source: str
    url: str | None
    pattern: str
    first: int | None = None  # index into kept paragraphs
    last: int | None = None
    quote: Quote | None = None
    whole: bool = False
    # Paragraphs kept when the line was met: a "previous" line crediting no quote (whole
    # post if nothing follows), or an "article" line atop the text (credits what follows).
    closing: int | None = None


def compile_patterns(patterns: list[tuple[str, str, str]]) -> list[LinePattern]:
    """Compile ``(name, regex, applies_to)`` triples, case-insensitive."""
    return [LinePattern(n, re.compile(r, re.IGNORECASE), a) for n, r, a in patterns]


def _clean_source(source: str) -> str:
    """The name as printed, without roles, dates, platforms or a leading "the"."""
    source = source.strip().strip(" \"'“”‘’:;,.()[]-–—").strip()
    parts = source.split(", ")
    while len(parts) > 1 and _WHEN.search(parts[0]):
        parts.pop(0)  # "10 hours ago, Ann said:", "On 3/2/2024 at 10:15 AM, Ann said:"
    source = parts[0]
    source = re.split(r"\s+(?:by|with permission)\b", source, maxsplit=1)[0] or source
    source = _PLATFORM.sub("", source)
    source = _TRAILING_DATE.sub("", source) or source
    if source.startswith("the "):
        source = source[4:]
    return source.strip().strip(" \"'“”‘’:;,.()[]-–—").strip()


def _link_for(para: Paragraph, source: str) -> str | None:
    lowered = source.lower()
    for text, href in para.links:
        if text and (text.lower() in lowered or lowered in text.lower()):
            return href
    return para.links[0][1] if len(para.links) == 1 else None


def _match_line(para: Paragraph, patterns: list[LinePattern]) -> tuple[LinePattern, str] | None:
    if len(para.text) > _MAX_LINE:
        return None
    for pattern in patterns:
        if pattern.applies_to == "inline":
            continue
        match = pattern.regex.match(para.text)
        if match:
            source = match.group("source").strip()
            if not _VIA_SUFFIX.search(source):
                source = _clean_source(source)
            if source and len(source.split()) <= 12 and _names_a_source(source):
                return pattern, source
    return None


def _names_a_source(source: str) -> bool:
    """Whether what a pattern caught can be a source: not a date ("Originally published
    March 2022"), nor a lowercase phrase ("Via programmability for key remapping")."""
    words = source.split()
    if words[0].isdigit() or (words[0].lower().rstrip(".,") in MONTH_NAMES and len(words) > 1
                              and words[1][:1].isdigit()):
        return False
    return len(words) < 4 or any(c.isupper() or c in ".@/" for c in source)


def is_attribution_line(para: Paragraph, patterns: list[LinePattern]) -> bool:
    """True if the paragraph is wholly an attribution line."""
    return _match_line(para, patterns) is not None


def _source_from_cite(url: str) -> str:
    host = url_host(url) or url
    return host.removeprefix("www.")


_DASH = re.compile(r"^\s*[—–―-]{1,2}\s*")
_HANDLE = re.compile(r"\s*\(@\w+\).*$")


def _credit_name(text: str) -> str | None:
    text = norm_space(text)
    if not _DASH.match(text) and len(text) > 80:
        return None
    name = _clean_source(_HANDLE.sub("", _DASH.sub("", text)))
    return name if name and len(name.split()) <= 8 and not _SAID_END.search(name) else None


_SAID_END = re.compile(r"(?:wrote|said|says|writes)\s*:?$", re.IGNORECASE)


def annotate_quote_credits(root: lxml.html.HtmlElement, base_url: str | None = None) -> None:
    """Move a quote's visible credit into ``data-author`` on its ``<blockquote>``.

    Reads ``<footer><cite>X</cite></footer>`` and a last ``<cite>`` inside the quote, a
    ``<figure>``'s ``<figcaption>— X</figcaption>``, and an embedded tweet's
    "— Name (@handle) date" line. The credit element is removed so that the passage is
    the quoted text only. Runs before boilerplate removal, which drops footers and
    captions.
    """
    _annotate_credit_lines(root, base_url)
    for bq in list(root.iter("blockquote")):
        if bq.get("data-author") or bq.get("data-quote"):
            continue  # forum software already names the author
        children = [c for c in bq if isinstance(c.tag, str)]
        credit = children[-1] if children and children[-1].tag in ("footer", "cite") else None
        name = None
        if credit is not None and len(children) > 1:
            cite = credit if credit.tag == "cite" else credit.find(".//cite")
            name = _credit_name((cite if cite is not None else credit).text_content())
            if name:
                credit.drop_tree()
        elif "tweet" in bq.get("class", "") and children:
            # The embed's text, then "— Name (@handle)" as a tail, then the dated link.
            at = next((k for k, c in enumerate(children) if _DASH.match(c.tail or "")), None)
            if at is not None:
                name = _credit_name(children[at].tail or "")
                links = [a.get("href") for a in bq if a.tag == "a" and a.get("href")]
                if name and links and not bq.get("cite"):
                    bq.set("data-source-url", join_url(base_url, links[-1]))
                if name:
                    for extra in children[at + 1:]:
                        extra.drop_tree()
                    children[at].tail = None
        else:
            parent = bq.getparent()
            caption = parent.find("figcaption") if parent is not None and \
                parent.tag == "figure" else None
            if caption is not None:
                name = _credit_name(caption.text_content())
        if name:
            bq.set("data-author", name)


_CREDIT_LINE = re.compile(
    r"^(?P<name>[^\n]{1,80}?)\s+(?:wrote|said|writes|says)\s*:\s*[↑^]?(?P<rest>[^\n]{0,60})$",
    re.IGNORECASE,
)
_CREDIT_TAGS = frozenset(("cite", "div", "p", "span", "header", "strong", "b"))


def _credit_line(box: lxml.html.HtmlElement) -> tuple[lxml.html.HtmlElement, str] | None:
    """The element heading ``box`` with "X wrote: ↑ date" (phpBB 3.2, XenForo 1).

    Climbs from the box's first visible text to the first element that reads as a
    credit line (the narrowest, so the quoted text after it is never taken along).
    """
    texts = box.xpath(".//text()[normalize-space()][1]")
    if not texts or texts[0].is_tail:
        return None  # the box opens with the quoted text itself
    first = texts[0].getparent()
    best = None
    node = first
    while node is not None and node is not box:
        text = norm_space(node.text_content())
        if node.tag == "blockquote" or len(text) > 160:
            break
        match = _CREDIT_LINE.match(text)
        if match and node.tag in _CREDIT_TAGS:
            best = (node, match["name"])
            break
        node = node.getparent()
    if best is not None:
        for anc in best[0].iterancestors():
            if anc is box:
                break
            if anc.tag == "blockquote" or anc.get("data-author"):
                return None  # the line heads a box nested inside this one
    return best


def _annotate_credit_lines(root: lxml.html.HtmlElement, base_url: str | None) -> None:
    """Name the poster of a quote box headed by a dated "X wrote: ↑" line.

    The line carries more than the name (a jump arrow, the post's date), so it is not
    a whole-paragraph pattern match. Its author goes to ``data-author`` on the quoted
    ``<blockquote>``, the jump link (not the profile link) to ``data-source-url``, and
    the line itself is removed from the passage.
    """
    boxes = [el for el in root.iter("blockquote") if not el.get("data-quote")]
    boxes += root.xpath("//*[@data-author][not(self::blockquote)]")
    for box in boxes:
        if box.tag == "blockquote" and box.get("data-author"):
            continue
        if box.getparent() is None:
            continue  # dropped with an earlier credit line
        head = _credit_line(box)
        if head is None:
            continue
        line, name = head
        name = box.get("data-author") or _clean_source(name)
        target = box if box.tag == "blockquote" else next(box.iter("blockquote"), None)
        if not name or target is None or target.get("data-author"):
            continue
        jumps = [a.get("href") for a in line.iter("a")
                 if a.get("href") and norm_space(a.text_content()) != name]
        target.set("data-author", name)
        target.set("data-credit-pattern", "forum_quote")
        if jumps:
            target.set("data-source-url", join_url(base_url, jumps[-1]))
        for wrapper in line.iterancestors():
            if wrapper is box:
                break
            if wrapper.tag == "aside":
                wrapper.tag = "div"  # XenForo 1 puts the quote in an <aside>
        line.drop_tree()


def split_attributions(
    paragraphs: list[Paragraph], patterns: list[LinePattern]
) -> tuple[list[Paragraph], list[Found]]:
    """Separate attribution lines from body paragraphs.

    Returns:
        The paragraphs that are body text, and what was found, with passages as
        index ranges into those paragraphs (resolved to characters by ``locate``).
    """
    kept: list[Paragraph] = []
    found: list[Found] = []
    open_: Found | None = None  # an attribution whose passage is still growing
    waiting: list[Found] = []  # "next" attributions with no passage yet
    seen_quotes: set[int] = set()

    def close() -> None:
        nonlocal open_
        open_ = None

    for para in paragraphs:
        quote = para.quote
        if open_ is not None and not (open_.quote is not None and quote is not None
                                      and quote.within(open_.quote)):
            close()
        credit_line = False
        for box in _unseen_boxes(quote, seen_quotes):  # outermost first: marker order
            seen_quotes.add(id(box.element))
            if box.author or box.cite:
                matched = _match_line(para, patterns) if box is quote else None
                source = box.author or (matched[1] if matched else None) or \
                    _source_from_cite(box.cite or "")
                kind = "blockquote_cite" if box.element.get("cite") else "blockquote_author"
                if matched and not box.author:
                    kind = matched[0].name
                kind = box.element.get("data-credit-pattern") or kind
                url = box.cite or box.element.get("data-source-url")
                item = Found(_clean_source(source), url, kind, quote=box)
                found.append(item)
                waiting.append(item)
                credit_line = credit_line or matched is not None
        if credit_line:
            continue
        if _QUOTE_CHROME.match(para.text) and quote is not None:
            continue
        matched = _match_line(para, patterns)
        if matched:
            pattern, source = matched
            item = Found(source, _link_for(para, source), pattern.name, quote=quote)
            if pattern.applies_to == "next":
                close()
                # A line opening a quote nested in a waiting one ("A wrote:" then "B
                # wrote:" inside A's box) leaves A waiting for its own text after B's.
                waiting = [w for w in waiting if _strictly_inside(quote, w.quote)]
                found.append(item)
                waiting.append(item)
            elif pattern.applies_to == "previous" and kept:
                via = _VIA_SUFFIX.search(source)
                if via:
                    item.source = _clean_source(source[:via.start()])
                items = [item] + ([Found(_clean_source(via["via"]), None, "via")] if via else [])
                last = len(kept) - 1
                # The excerpt credited is a quote just before the line (one comment
                # paragraph may sit between); with none, a short link post is credited
                # whole and a longer article only its last paragraph.
                if kept[last].quote is None and last > 0 and kept[last - 1].quote is not None \
                        and not any(f.first is not None and f.last is not None and
                                    f.first <= last - 1 <= f.last for f in found):
                    last -= 1
                quote_of_last = kept[last].quote
                first = last
                while quote_of_last is not None and first > 0 and \
                        kept[first - 1].quote is not None and \
                        kept[first - 1].quote.within(quote_of_last):  # type: ignore[union-attr]
                    first -= 1
                for it in items:
                    if quote_of_last is None and len(kept) <= _SHORT_POST:
                        it.whole = True
                    else:
                        it.first, it.last = first, last
                        if quote_of_last is None:
                            it.closing = len(kept)
                found.extend(items)
            elif pattern.applies_to == "article":
                boxed = _boxed_run(kept, para)
                if boxed:
                    item.first, item.last = boxed
                else:
                    item.whole = True
                    if all(k.tag in HEADING_TAGS for k in kept):
                        item.closing = len(kept)  # a note atop the text credits what follows
                found.append(item)
            continue
        kept.append(para)
        index = len(kept) - 1
        for pattern in patterns:
            inline = pattern.regex.search(para.text) if pattern.applies_to == "inline" else None
            if inline:
                name = _clean_source(inline["source"])
                found.append(Found(name, _link_for(para, name), pattern.name, index, index))
        ready = [w for w in waiting if not _defers_to_nested(w, quote, found)]
        if ready:
            for item in ready:
                item.first = item.last = index
                if item.quote is None or not (quote is not None and quote.within(item.quote)):
                    item.quote = quote
            open_ = ready[-1]
            waiting = [w for w in waiting if w not in ready]
        elif open_ is not None:
            open_.last = index
            for item in found:
                if item.quote is open_.quote and item.first is not None:
                    item.last = index
    for item in found:
        if not item.whole and item.closing == len(kept):
            item.whole, item.closing = True, None  # nothing followed: it closes the post
    return kept, [f for f in found if f.first is not None or f.whole]


def _boxed_run(kept: list[Paragraph], line: Paragraph) -> tuple[int, int] | None:
    """The paragraphs just before a closing credit that sit in a box of their own beside
    it (an excerpt in ``<div class="excerpt">`` after the blogger's intro): the passage
    it credits, rather than the whole post. ``None`` when there is no such box."""
    if not kept or line.element is None:
        return None
    holder = line.element.getparent()
    first_el = kept[-1].element
    box = first_el.getparent() if first_el is not None else None
    if box is None or holder is None or box is holder or box.getparent() is not holder:
        return None
    first = len(kept) - 1
    while first > 0 and kept[first - 1].element is not None and \
            kept[first - 1].element.getparent() is box:  # type: ignore[union-attr]
        first -= 1
    if first == 0:
        return None  # the box holds the whole post: credit it whole
    return first, len(kept) - 1


def _unseen_boxes(quote: Quote | None, seen: set[int]) -> list[Quote]:
    """``quote`` and its not yet met enclosing quotes, outermost first."""
    chain: list[Quote] = []
    while quote is not None and id(quote.element) not in seen:
        chain.append(quote)
        quote = quote.parent
    return chain[::-1]


def _strictly_inside(inner: Quote | None, outer: Quote | None) -> bool:
    return inner is not None and outer is not None and inner is not outer and \
        inner.within(outer)


def _defers_to_nested(item: Found, quote: Quote | None, found: list[Found]) -> bool:
    """True while ``quote`` is a nested quote credited by a later line, not ``item``'s text."""
    return _strictly_inside(quote, item.quote) and any(
        _strictly_inside(other.quote, item.quote) and quote is not None and
        quote.within(other.quote)
        for other in found[found.index(item) + 1:]
    )


def locate(found: list[Found], offsets: list[tuple[int, int]], body: str) -> list[Attribution]:
    """Resolve paragraph ranges to character spans in ``body``."""
    out: list[Attribution] = []
    for position, item in enumerate(found):
        if item.whole:
            start, end = 0, len(body)
            if item.closing and item.closing < len(offsets):
                start = offsets[item.closing][0]
        else:
            assert item.first is not None
            assert item.last is not None
            start, end = offsets[item.first][0], offsets[item.last][1]
        out.append(Attribution(source=item.source, url=item.url, passage=body[start:end],
                               start=start, end=end, position=position, pattern=item.pattern))
    return out

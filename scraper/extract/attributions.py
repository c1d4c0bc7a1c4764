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
from urllib.parse import urljoin, urlsplit

import lxml.html

from archive.types import Attribution

from ._dom import norm_space
from .blocks import Paragraph, Quote

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
_VIA_SUFFIX = re.compile(r"\s*\(via:?\s+(?P<via>[^)]+)\)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class LinePattern:
    """A compiled attribution pattern (see ``scraper.config.AttributionPattern``)."""

    name: str
    regex: re.Pattern[str]
    applies_to: str


@dataclass
class _Found:
    source: str
    url: str | None
    pattern: str
    first: int | None = None  # index into kept paragraphs
    last: int | None = None
    quote: Quote | None = None
    whole: bool = False


def compile_patterns(patterns: list[tuple[str, str, str]]) -> list[LinePattern]:
    """Compile ``(name, regex, applies_to)`` triples, case-insensitive."""
    return [LinePattern(n, re.compile(r, re.IGNORECASE), a) for n, r, a in patterns]


def _clean_source(source: str) -> str:
    """The name as printed, without roles, dates, platforms or a leading "the"."""
    source = source.strip().strip(" \"'“”‘’:;,.()[]-–—").strip()
    source = source.split(", ")[0]
    source = re.split(r"\s+(?:by|with permission)\b", source, maxsplit=1)[0] or source
    source = _PLATFORM.sub("", source)
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
        match = pattern.regex.match(para.text)
        if match:
            source = match.group("source").strip()
            if not _VIA_SUFFIX.search(source):
                source = _clean_source(source)
            if source and len(source.split()) <= 12:
                return pattern, source
    return None


def is_attribution_line(para: Paragraph, patterns: list[LinePattern]) -> bool:
    """True if the paragraph is wholly an attribution line."""
    return _match_line(para, patterns) is not None


def _source_from_cite(url: str) -> str:
    host = urlsplit(url).hostname or url
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
            tail = children[-1].tail or ""
            if _DASH.match(tail):
                name = _credit_name(tail)
                links = [a.get("href") for a in bq if a.tag == "a" and a.get("href")]
                if name and links and not bq.get("cite"):
                    bq.set("data-source-url", urljoin(base_url or "", links[-1]))
                if name:
                    for extra in children[1:]:
                        extra.drop_tree()
                    children[0].tail = None
        else:
            parent = bq.getparent()
            caption = parent.find("figcaption") if parent is not None and \
                parent.tag == "figure" else None
            if caption is not None:
                name = _credit_name(caption.text_content())
        if name:
            bq.set("data-author", name)


def split_attributions(
    paragraphs: list[Paragraph], patterns: list[LinePattern]
) -> tuple[list[Paragraph], list[_Found]]:
    """Separate attribution lines from body paragraphs.

    Returns:
        The paragraphs that are body text, and what was found, with passages as
        index ranges into those paragraphs (resolved to characters by ``locate``).
    """
    kept: list[Paragraph] = []
    found: list[_Found] = []
    open_: _Found | None = None  # an attribution whose passage is still growing
    waiting: list[_Found] = []  # "next" attributions with no passage yet
    seen_quotes: set[int] = set()

    def close() -> None:
        nonlocal open_
        open_ = None

    for para in paragraphs:
        quote = para.quote
        if open_ is not None and not (open_.quote is not None and quote is not None
                                      and quote.within(open_.quote)):
            close()
        if quote is not None and id(quote.element) not in seen_quotes:
            seen_quotes.add(id(quote.element))
            if quote.author or quote.cite:
                matched = _match_line(para, patterns)
                source = quote.author or (matched[1] if matched else None) or \
                    _source_from_cite(quote.cite or "")
                kind = "blockquote_cite" if quote.element.get("cite") else "blockquote_author"
                if matched and not quote.author:
                    kind = matched[0].name
                url = quote.cite or quote.element.get("data-source-url")
                item = _Found(_clean_source(source), url, kind, quote=quote)
                found.append(item)
                waiting.append(item)
                if matched:
                    continue
        if _QUOTE_CHROME.match(para.text) and quote is not None:
            continue
        matched = _match_line(para, patterns)
        if matched:
            pattern, source = matched
            item = _Found(source, _link_for(para, source), pattern.name, quote=quote)
            if pattern.applies_to == "next":
                close()
                waiting = [w for w in waiting if w.first is not None]
                found.append(item)
                waiting.append(item)
            elif pattern.applies_to == "previous" and kept:
                via = _VIA_SUFFIX.search(source)
                if via:
                    item.source = _clean_source(source[:via.start()])
                items = [item] + ([_Found(_clean_source(via["via"]), None, "via")] if via else [])
                last = len(kept) - 1
                # The excerpt credited is a quote just before the line (one comment
                # paragraph may sit between); with none, a short link post is credited
                # whole and a longer article only its last paragraph.
                if kept[last].quote is None and last > 0 and kept[last - 1].quote is not None:
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
                found.extend(items)
            elif pattern.applies_to == "article":
                item.whole = True
                found.append(item)
            continue
        kept.append(para)
        index = len(kept) - 1
        if waiting:
            for item in waiting:
                item.first = item.last = index
                if item.quote is None or not (quote is not None and quote.within(item.quote)):
                    item.quote = quote
            open_ = waiting[-1]
            waiting = []
        elif open_ is not None:
            open_.last = index
            for item in found:
                if item.quote is open_.quote and item.first is not None:
                    item.last = index
    return kept, [f for f in found if f.first is not None or f.whole]


def locate(found: list[_Found], offsets: list[tuple[int, int]], body: str) -> list[Attribution]:
    """Resolve paragraph ranges to character spans in ``body``."""
    out: list[Attribution] = []
    for position, item in enumerate(found):
        if item.whole:
            start, end = 0, len(body)
        else:
            assert item.first is not None
            assert item.last is not None
            start, end = offsets[item.first][0], offsets[item.last][1]
        out.append(Attribution(source=item.source, url=item.url, passage=body[start:end],
                               start=start, end=end, position=position, pattern=item.pattern))
    return out

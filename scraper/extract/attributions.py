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
from urllib.parse import urlsplit

from archive.types import Attribution

from .blocks import Paragraph, Quote

# Lines that only decorate a quote box and are neither body nor passage.
_QUOTE_CHROME = re.compile(r"^(?:quote:?|click to expand\.*|zitat:?|citation\s*:?)$",
                           re.IGNORECASE)
_MAX_LINE = 200


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
            source = _clean_source(match.group("source"))
            if source and len(source.split()) <= 12:
                return pattern, source
    return None


def is_attribution_line(para: Paragraph, patterns: list[LinePattern]) -> bool:
    """True if the paragraph is wholly an attribution line."""
    return _match_line(para, patterns) is not None


def _source_from_cite(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


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
                kind = "blockquote_author" if quote.author else "blockquote_cite"
                if matched and not quote.author:
                    kind = matched[0].name
                item = _Found(_clean_source(source), quote.cite, kind, quote=quote)
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
                prev = kept[-1]
                first = len(kept) - 1
                while first > 0 and prev.quote is not None and kept[first - 1].quote is not None \
                        and kept[first - 1].quote.within(prev.quote):  # type: ignore[union-attr]
                    first -= 1
                item.first, item.last = first, len(kept) - 1
                found.append(item)
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

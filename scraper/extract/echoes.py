"""Quotes that echo a post shown on the same page.

A forum reply often quotes the post it answers ("X said: ..."). When that post is on
the same page, the quote repeats its text word for word: the archive keeps the post
once and drops the echo. A quote of a post not on the page (an earlier page of the
thread, another thread) is the only copy of that text and stays.
"""

from __future__ import annotations

import bisect
import re

import lxml.html

from .attributions import Found
from .blocks import Paragraph, is_quote_container

_WORD = re.compile(r"\w+")
SHINGLE = 4  # words per shingle
# A quote goes when this share of its words lies in shingles that the posts outside
# quotes show too; the rest is its credit line ("X said:") and "Click to expand...".
ECHO_SHARE = 0.6
ECHO_MIN_WORDS = 8  # shorter echoes ("+1", "this") cost little and may be anything


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + SHINGLE]) for i in range(max(0, len(words) - SHINGLE + 1))}


def _echoed_words(words: list[str], shown: set[tuple[str, ...]]) -> int:
    """How many of ``words`` lie in a shingle that is in ``shown``."""
    covered = [False] * len(words)
    for i in range(len(words) - SHINGLE + 1):
        if tuple(words[i:i + SHINGLE]) in shown:
            covered[i:i + SHINGLE] = [True] * SHINGLE
    return sum(covered)


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _outer_quotes(box: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Quote boxes in ``box`` that are not inside another quote, in document order."""
    found: list[lxml.html.HtmlElement] = []
    stack = [c for c in reversed(box) if isinstance(c.tag, str)]
    while stack:
        el = stack.pop()
        if is_quote_container(el):
            found.append(el)
            continue
        stack.extend(c for c in reversed(el) if isinstance(c.tag, str))
    return found


def _text_outside(box: lxml.html.HtmlElement, skip: set[lxml.html.HtmlElement]) -> str:
    """The text of ``box`` with the subtrees in ``skip`` left out (tails kept)."""
    out: list[str] = []
    stack: list[lxml.html.HtmlElement | str] = [box]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        if item in skip:
            continue
        if isinstance(item.tag, str):
            out.append(item.text or "")
        for child in reversed(item):
            stack.append(child.tail or "")
            stack.append(child)
    return " ".join(out)


def echoed_quotes(main: list[lxml.html.HtmlElement]) -> set[lxml.html.HtmlElement]:
    """The quotes in ``main`` whose text is shown outside quotes in ``main`` too (a reply
    quoting a post on the same page)."""
    quotes = [q for box in main if not is_quote_container(box) for q in _outer_quotes(box)]
    if not quotes:
        return set()
    skip = set(quotes)
    shown: set[tuple[str, ...]] = set()
    for box in main:
        if box not in skip:
            shown |= _shingles(_words(_text_outside(box, skip)))
    echoed: set[lxml.html.HtmlElement] = set()
    for quote in quotes:
        words = _words(quote.text_content())
        hits = _echoed_words(words, shown)
        if hits >= ECHO_MIN_WORDS and hits >= ECHO_SHARE * len(words):
            echoed.add(quote)
    return echoed


def _in_echo(para: Paragraph, echoed: set[lxml.html.HtmlElement]) -> bool:
    quote = para.quote
    while quote is not None:
        if quote.element in echoed:
            return True
        quote = quote.parent
    return False


def _norm(text: str) -> str:
    return " ".join(_words(text))


def _source_span(passage: str, texts: list[str]) -> tuple[int, int] | None:
    """The run of paragraphs among ``texts`` (normalised; "" for those left out) that
    says ``passage``: from the one where its first words start to the one where its
    last words end (paragraph breaks may differ between a post and its quote)."""
    words = _words(passage)
    if not words:
        return None
    head, tail = " ".join(words[:ANCHOR_WORDS]), " ".join(words[-ANCHOR_WORDS:])
    starts: list[int] = []
    pos = 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + 1
    joined = " ".join(texts)
    begin = joined.find(head)
    if begin < 0:
        return None
    end = joined.find(tail, begin)
    if end < 0:
        return None
    end += len(tail) - 1
    first = bisect.bisect_right(starts, begin) - 1
    last = bisect.bisect_right(starts, end) - 1
    return first, last


ANCHOR_WORDS = 8  # words matched at each end of a quoted passage


def drop_echoes(kept: list[Paragraph], found: list[Found],
                echoed: set[lxml.html.HtmlElement]) -> tuple[list[Paragraph], list[Found]]:
    """Drop the paragraphs of ``echoed`` quotes. A credit found on such a quote ("X
    wrote:") moves to the quoted post's own paragraphs, which say the same; a quote
    whose post cannot be found stays."""
    texts = [_norm(p.text) for p in kept]
    gone = [_in_echo(p, echoed) for p in kept]
    if not any(gone):
        return kept, found
    moves: dict[int, tuple[int, int]] = {}
    for k, item in enumerate(found):
        if item.whole or item.first is None or item.last is None or \
                not all(gone[item.first:item.last + 1]):
            continue
        passage = " ".join(p.text for p in kept[item.first:item.last + 1])
        kin = [t if not g else "" for t, g in zip(texts, gone, strict=True)]
        span = _source_span(passage, kin)
        if span is None:  # keep this quote: nothing else on the page says it
            for i in range(item.first, item.last + 1):
                gone[i] = False
        else:
            moves[k] = span
    index: list[int] = []  # old paragraph index -> new index (of the next kept one)
    count = 0
    for g in gone:
        index.append(count)
        count += not g
    out_found: list[Found] = []
    for k, item in enumerate(found):
        if k in moves:
            item.first, item.last = (index[i] for i in moves[k])
        elif item.first is not None and item.last is not None and not item.whole:
            first, last = index[item.first], index[item.last] - gone[item.last]
            if last < first:
                continue
            item.first, item.last = first, last
        if item.closing is not None and item.closing < len(index):
            item.closing = index[item.closing]
        out_found.append(item)
    return [p for p, g in zip(kept, gone, strict=True) if not g], out_found

"""Quotes that echo a post shown on the same page.

A forum reply often quotes the post it answers ("X said: ..."). When that post is on
the same page, the quote repeats its text word for word: the archive keeps the post
once and drops the echo. A quote of a post not on the page (an earlier page of the
thread, another thread) is the only copy of that text and stays.
"""

from __future__ import annotations

import re

import lxml.html

from .blocks import is_quote_container

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


def drop_echoed_quotes(main: list[lxml.html.HtmlElement]) -> None:
    """Remove, in place, the quotes in ``main`` whose text is shown outside quotes in
    ``main`` too (a reply quoting a post on the same page)."""
    quotes = [q for box in main if not is_quote_container(box) for q in _outer_quotes(box)]
    if not quotes:
        return
    skip = set(quotes)
    shown: set[tuple[str, ...]] = set()
    for box in main:
        if box not in skip:
            shown |= _shingles(_words(_text_outside(box, skip)))
    for quote in quotes:
        words = _words(quote.text_content())
        echoed = _echoed_words(words, shown)
        if echoed >= ECHO_MIN_WORDS and echoed >= ECHO_SHARE * len(words) and \
                quote.getparent() is not None:
            quote.drop_tree()

"""The date printed beside the headline, and whether it beats the structured date.

Readers (and archivists) go by the dateline under the headline ("By Ann Lee · March 2,
2024", "Posted on Nov 21, 2018 · Updated at Dec 10, 2025"). This module finds the dates
printed there, tells a publication line from an "Updated" line, and decides which one a
page means as its date when the page's structured data says something else.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html

from ._dom import norm_space
from .dates import parse_date, parse_iso

_UPDATED = re.compile(r"\b(?:updated|modified|edited|revised|reviewed)\b", re.IGNORECASE)
POST_NUMBER = re.compile(r"^#\d+$")  # a thread's post number: the next post begins
_YEAR = re.compile(r"(?:19|20)\d\d")  # every date parse_date reads has a year
_NOT_PUBLICATION = re.compile(r"\b(?:registered|joined|member since)\b", re.IGNORECASE)
_PUBLISHED = re.compile(r"\b(?:published|posted|released|created|written)\b", re.IGNORECASE)
_NEAR_CHARS = 500  # how far from the headline a visible date may sit, in characters of
_NEAR_NODES = 40  # short lines, in text pieces...
_PARAGRAPHS = 2  # ...and in paragraphs (a standfirst may come before the dateline)
_PAIR = 3  # "Published ... Updated ...": text pieces between the two dates of a dateline
_LINE_CHARS = 100  # a dateline is short: a date inside a paragraph is the story's
_BEFORE_NODES = 12  # text pieces above the headline (kickers such as "News | 2 March")
_KEPT = frozenset(("meta:article:published_time", "meta:og:published_time", "meta:datepublished",
                   "itemprop", "time"))
_OPENGRAPH = frozenset(("meta:article:published_time", "meta:og:published_time"))
_BLOCKS = frozenset(("p", "li", "td", "dd", "blockquote", "h2", "h3", "h4", "h5", "h6"))
_CONTAINERS = frozenset(("div", "section", "article", "fieldset", "header", "main", "aside", "form",
                         "body"))
_AMBIGUOUS = re.compile(r"\b(\d{1,2})([./-])(\d{1,2})\2((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Dateline:
    """A date printed near the headline and what its label says it is."""

    date: str
    kind: str  # "published", "updated" or "plain" (no label)
    below_text: bool = False  # printed below paragraphs (of the story, or a standfirst)


# A "today" widget or clock: the date the page was served, not written.
_CLOCK = re.compile(r"clock|today|current-?date|date-?now|heute|aujourd", re.IGNORECASE)


def _in_clock(el: Any, seen: dict[Any, bool]) -> bool:
    """Whether ``el`` or one of its three nearest ancestors is a clock widget."""
    if el not in seen:
        seen[el] = any(_clock_name(node.get("class", ""), node.get("id", ""))
                       for node in _up(el, 4))
    return seen[el]


@functools.lru_cache(maxsize=4096)
def _clock_name(cls: str, id_: str) -> bool:
    return _CLOCK.search(f"{cls} {id_}") is not None


def _up(el: Any, levels: int) -> Iterator[Any]:
    node = el
    for _ in range(levels):
        if node is None:
            return
        yield node
        node = node.getparent()


def _texts(nodes: list[Any]) -> Iterator[tuple[str, bool]]:
    """Each text piece, and whether it sits in a short line (not inside a paragraph)."""
    lengths: dict[Any, int] = {}  # block -> length of its text, measured once
    clocks: dict[Any, bool] = {}  # element -> whether it sits in a clock widget
    for node in nodes:
        owner = _owner(node)
        if owner is None or owner.tag in ("script", "style", "noscript", "template") or \
                _in_clock(owner, clocks):
            continue
        text = norm_space(str(node))
        if text:
            block = owner  # the paragraph-like block around it, unless a container comes first
            while block is not None and block.tag not in _BLOCKS:
                block = None if block.tag in _CONTAINERS else block.getparent()
            if block is not None and block not in lengths and len(text) <= _LINE_CHARS:
                lengths[block] = len(block.text_content())
            short = len(text) <= _LINE_CHARS and (
                block is None or lengths[block] <= _LINE_CHARS * 3)
            yield text, short


_CHROME_TAGS = frozenset(("header", "nav", "footer", "aside"))
_CHROME_ROLES = frozenset(("banner", "navigation", "contentinfo", "complementary"))


class Beside:
    """Which elements belong with the headline ``h1``: those under a container they
    share below ``<body>`` (or ``<body>`` itself on a flat page) with no page furniture
    of their own between (a ``<header>``, ``<nav>``... without the headline).
    A site's masthead ("Thursday, December 3") or a clock in the top bar prints the
    day the page was served, not the story's date."""

    def __init__(self, h1: Any) -> None:
        self._h1 = h1
        self._around = set(h1.iterancestors())
        self._verdicts: dict[Any, tuple[bool, bool]] = {}
        self._before: set[Any] | None = None

    def _judge(self, el: Any) -> tuple[bool, bool]:
        """(in a container shared with the headline, no furniture on the way there)"""
        if el not in self._verdicts:
            clear, up = True, el
            while up is not None and up not in self._around:
                if up.tag in _CHROME_TAGS or (up.get("role") or "").lower() in _CHROME_ROLES:
                    clear = False
                up = up.getparent()
            shared = up is not None and (up.tag not in ("body", "html")
                                         or up is self._h1.getparent())
            self._verdicts[el] = (shared, clear)
        return self._verdicts[el]

    def __call__(self, el: Any) -> bool:
        shared, clear = self._judge(el)
        return shared and clear

    def in_furniture(self, el: Any) -> bool:
        """``el`` sits in page furniture that does not hold the headline."""
        return not self._judge(el)[1]

    def apart_above(self, el: Any) -> bool:
        """``el`` comes before the headline and is not beside it (a masthead's date)."""
        if self._before is None:
            self._before = set()
            for e in self._h1.getroottree().getroot().iter():
                if e is self._h1:
                    break
                self._before.add(e)
        return el in self._before and not self(el)

    def text(self, nodes: list[Any]) -> list[Any]:
        """The text nodes (from an xpath ``text()``) among ``nodes`` that are beside it."""
        return [node for node in nodes if (owner := _owner(node)) is not None and self(owner)]


def _owner(node: Any) -> Any:
    """The element whose text an xpath ``text()`` result is (a tail is its parent's)."""
    owner = node.getparent()
    return owner.getparent() if node.is_tail and owner is not None else owner


def read_date(text: str, known: tuple[str | None, ...] = ()) -> str | None:
    """``parse_date``, reading an ambiguous ``08/01/2025`` the way that agrees with a
    date the page gives elsewhere (its structured dates), else day first."""
    found = parse_date(text)
    match = _AMBIGUOUS.search(text)
    if found and match and int(match[1]) <= 12 and int(match[3]) <= 12:
        day_first = parse_date(f"{match[4]}-{int(match[3]):02d}-{int(match[1]):02d}")
        month_first = parse_date(f"{match[4]}-{int(match[1]):02d}-{int(match[3]):02d}")
        swapped = month_first if day_first == found[:10] else day_first
        days = {k[:10] for k in known if k}
        if swapped and found[:10] not in days and swapped[:10] in days:
            return swapped
    return found


def datelines(h1: lxml.html.HtmlElement, known: tuple[str | None, ...] = ()) -> list[Dateline]:
    """Dates printed in short lines just below the headline (then just above it).

    A date inside a long paragraph belongs to the story, not to the page, so only short
    text pieces count; the label in front of a date ("Updated", "Posted on") sets its kind.
    """
    after = list(_texts(h1.xpath(f"following::text()[position() <= {_NEAR_NODES * 2}]")))
    above = list(_texts(Beside(h1).text(
        h1.xpath(f"preceding::text()[position() <= {_BEFORE_NODES}]"))))
    # each piece with the one before it in reading order, which may label it ("Updated:")
    windows = (
        [(text, short, after[i - 1][0] if i else "") for i, (text, short) in enumerate(after)],
        [(text, short, above[i - 1][0] if i else "")
         for i, (text, short) in enumerate(above)][::-1],
    )
    for texts in windows:
        found: list[Dateline] = []
        seen, paragraphs, last = 0, 0, 0
        for i, (text, short, before) in enumerate(texts[:_NEAR_NODES]):
            if seen > _NEAR_CHARS or paragraphs > _PARAGRAPHS or (found and (
                    i > last + _PAIR or POST_NUMBER.match(text))):
                break  # too far, or the next post of a thread ("#2") begins
            date = read_date(text, known) if short and not _NOT_PUBLICATION.search(
                text + " " + before) else None
            if date:
                context = text if _UPDATED.search(text) or _PUBLISHED.search(text) else before
                kind = "updated" if _UPDATED.search(context) else \
                    "published" if _PUBLISHED.search(context) else "plain"
                found.append(Dateline(date, kind, paragraphs >= _PARAGRAPHS))
                last = i
            if short:
                seen += len(text)
            else:
                paragraphs += 1
        if found:
            return found
    return []


def choose_dateline(lines: list[Dateline]) -> Dateline | None:
    """The page's own date among its datelines: the first one, unless it is an "Updated"
    line and the publication date is printed beside it."""
    if lines and lines[0].kind == "updated":
        return next((line for line in lines if line.kind != "updated"), lines[0])
    return lines[0] if lines else None


def visible_wins(line: Dateline, published: str | None, signal: str | None,
                 modified: str | None = None) -> bool:
    """Whether the printed date replaces the structured publication date.

    The printed date wins, "Updated" or not, over JSON-LD, which SEO plugins and page
    templates restamp, and over other meta (Dublin Core, ``date``...); OpenGraph's
    ``article:published_time``, microdata ``datePublished`` and ``<time>``, which the CMS
    writes beside the post, are kept against an "Updated" line or the page's ``modified``
    date printed bare, but OpenGraph's gives way to any other printed date. (On WCXB
    articles where the printed and the JSON-LD date differ, labels follow the printed one
    about two times in three; against ``article:published_time`` they follow it 12 of 12
    times when it is an update date and 3 of 3 when it is not.) A date the time zone
    explains, or the same day, keeps the structured value and its time of day.
    """
    if not published:
        return True
    if line.below_text:
        return False  # more likely a date the story mentions than the page's own
    if len(published) == 10 and _swapped(published) == line.date[:10]:
        return True  # "03-09-2026" in the meta, read day first; the page prints March 9
    if same_moment(published, line.date):
        return False
    if signal in _OPENGRAPH and line.kind != "updated":
        # OpenGraph's stamp is unseen and outlives migrations; a plain or "Published" date
        # printed under the headline that is not the page's modified date is the one its
        # readers see (a modified date printed bare is an update line)
        return not (modified and same_moment(modified, line.date))
    return signal not in _KEPT


def _swapped(day: str) -> str | None:
    """``day`` with day and month exchanged, when that is a date too."""
    year, month, date = day[:10].split("-")
    return f"{year}-{date}-{month}" if int(date) <= 12 and date != month else None


def same_moment(stamp: str, day: str) -> bool:
    """Whether the date ``day`` can be the day of ``stamp`` in some time zone (UTC-12 to
    UTC+14), when ``stamp`` has a time and offset; else whether the days are equal."""
    if stamp[:10] == day[:10]:
        return True
    try:
        moment = dt.datetime.fromisoformat(stamp)
        shown = dt.date.fromisoformat(day[:10])
    except ValueError:
        return False
    if moment.tzinfo is None:
        return False
    utc = moment.astimezone(dt.UTC)
    return (utc - dt.timedelta(hours=12)).date() <= shown <= (utc + dt.timedelta(hours=14)).date()


def sole_date(root: lxml.html.HtmlElement, beside: Beside | None = None) -> str | None:
    """The date of a page that prints exactly one (in short lines, perhaps repeated),
    for pages with no structured date and no dateline by the headline: a lone date
    is the page's own, unless it is printed above the headline and apart from it
    (``beside`` says which: the masthead's date of serving)."""
    body = root.find("body")
    if body is None:
        return None
    found: set[str] = set()
    first = None
    nodes = body.xpath(".//text()")
    if beside is not None:
        nodes = [n for n in nodes if (o := _owner(n)) is None or not beside.apart_above(o)]
    for text, short in _texts(nodes):
        date = parse_date(text) if short and _YEAR.search(text) else None
        if date:
            found.add(date[:10])
            first = first or date
            if len(found) > 1:
                return None
    return first


def in_local_time(stamp: str | None, root: lxml.html.HtmlElement) -> str | None:
    """``stamp`` as the page writes the same moment in its own time zone, when ``stamp``
    is in UTC and a ``datetime`` attribute gives that moment with an offset: the local
    day is the one the page prints ("2025-12-19T03:05Z" is "2025-12-18T19:05-08:00")."""
    if not stamp or not stamp.endswith("+00:00"):
        return stamp
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    for value in root.xpath("//@datetime")[:50]:
        other = parse_iso(str(value))
        if other and len(other) > 19 and not other.endswith("+00:00") and \
                dt.datetime.fromisoformat(other) == moment:
            return other
    return stamp

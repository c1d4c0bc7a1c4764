"""What a search asks for: the :class:`Query` and its text, parsed once for every backend.

The text syntax is the same on SQLite and PostgreSQL, because it is parsed here into a
small tree that each backend renders for its own engine (FTS5 ``MATCH``, ``tsquery``):

- words: all must match (``proxy war``); punctuation inside a word joins its parts
  into a phrase, as the index splits them (``O'Brien`` is ``"o brien"``, ``e-mail`` is
  ``"e mail"``, ``C++`` is ``c``);
- ``"exact phrase"``, ``prefix*``, ``title:word`` / ``body:"a phrase"``;
- ``OR``, ``AND``, ``NOT`` (upper case) and ``-word`` for "without", parentheses;
- ``NEAR(a b, 10)`` is read as its words, all required.

Anything else is taken as words, so plain text never needs quoting. What cannot be a
search at all (no words, a lone ``NOT``, an unclosed quote or parenthesis) raises
:class:`~archive.errors.QuerySyntaxError` with a message about the query.

Dates in filters take ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, an ISO time, ``today``,
``yesterday`` or an age (``7d``, ``12h``, ``2w``); anything else is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .errors import QuerySyntaxError

HIGHLIGHT = ("«", "»")
COLUMNS = ("title", "body")

Sort = Literal["relevance", "date"]


@dataclass(frozen=True)
class Term:
    """A word or a phrase (several words in a row), maybe a prefix, maybe in one column."""

    words: tuple[str, ...]
    prefix: bool = False
    column: str | None = None


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Term | And | Or | Not

_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'"[^"]*"?|\(|\)|,|[^\s(),"]+')
_AGE = re.compile(r"(\d+)\s*([hdwmy])")


def words_of(text: str) -> list[str]:
    """The index's words in ``text``: runs of letters and digits, lower-cased."""
    return [w.lower() for w in _WORD.findall(text)]


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[str] = _TOKEN.findall(text)
        self.pos = 0

    def error(self, why: str) -> QuerySyntaxError:
        return QuerySyntaxError(
            f"cannot search for {self.text!r}: {why}. Plain words need no quoting; "
            'use "double quotes" for a phrase, OR / NOT in capitals, -word to exclude.')

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token: str = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node | None:
        node = self.or_expr()
        if self.peek() is not None:  # a stray ')'
            raise self.error("a closing parenthesis has no opening one")
        return node

    def or_expr(self) -> Node | None:
        items = [self.and_expr()]
        while self.peek() == "OR":
            self.take()
            items.append(self.and_expr())
        present = [i for i in items if i is not None]
        if len(items) > 1 and len(present) < len(items):
            raise self.error("OR needs words on both sides")
        if not present:
            return None
        return present[0] if len(present) == 1 else Or(tuple(present))

    def and_expr(self) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token not in ("OR", ")"):
            if token == "AND":
                self.take()
                continue
            item = self.unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node | None:
        token = self.peek()
        if token == "NOT":
            self.take()
            if self.peek() in (None, "OR", ")"):
                raise self.error("NOT needs a word after it")
            inner = self.unary()
            return Not(inner) if inner is not None else None
        if token is not None and token.startswith("-") and len(token) > 1:
            self.tokens[self.pos] = token[1:]
            inner = self.atom()
            return Not(inner) if inner is not None else None
        return self.atom()

    def atom(self) -> Node | None:
        token = self.take()
        if token == "(":
            inner = self.or_expr()
            if self.peek() != ")":
                raise self.error("a parenthesis is not closed")
            self.take()
            return inner
        if token == ",":
            return None
        if token.upper() == "NEAR" and self.peek() == "(":
            return self.near()
        return self.term(token)

    def near(self) -> Node | None:
        self.take()  # "("
        items: list[Node] = []
        while (token := self.peek()) is not None and token != ")":
            self.take()
            if token == "," or (token.isdigit() and self.peek() == ")"):
                continue
            term = self.term(token)
            if term is not None:
                items.append(term)
        if self.peek() != ")":
            raise self.error("NEAR( is not closed")
        self.take()
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def term(self, token: str) -> Term | None:
        column = None
        head, sep, rest = token.partition(":")
        if sep and head.lower() in COLUMNS and rest:
            column, token = head.lower(), rest
        if token.startswith('"'):
            if len(token) < 2 or not token.endswith('"'):
                raise self.error("a double quote is not closed")
            words = words_of(token[1:-1])
            return Term(tuple(words), column=column) if words else None
        prefix = token.endswith("*")
        words = words_of(token)
        return Term(tuple(words), prefix=prefix, column=column) if words else None


def parse_text(text: str) -> Node | None:
    """The search tree of ``text`` (``None`` when it holds no words and no syntax).

    Raises:
        QuerySyntaxError: the text cannot be a search (see the module docstring).
    """
    if not text.strip():
        return None
    parser = _Parser(text)
    node = parser.parse()
    if node is None:
        raise parser.error("it holds no words to search for")
    _check_positive(node, parser)
    return node


def _check_positive(node: Node, parser: _Parser) -> None:
    """Every AND and OR branch must match something by itself: ``-x`` alone cannot be
    searched for on a full-text index (it would be "every page but those")."""
    if isinstance(node, Not):
        raise parser.error("a search cannot only exclude words: add a word to look for")
    if isinstance(node, And):
        if all(isinstance(i, Not) for i in node.items):
            raise parser.error("a search cannot only exclude words: add a word to look for")
        for item in node.items:
            _check_positive(item.item if isinstance(item, Not) else item, parser)
    if isinstance(node, Or):
        for item in node.items:
            _check_positive(item, parser)


def parse_when(text: str, *, end: bool = False, now: dt.datetime | None = None) -> str:
    """A date filter as an ISO string that compares correctly with stored dates.

    Args:
        text: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, an ISO time, ``today``,
            ``yesterday`` or an age (``7d``, ``12h``, ``2w``, ``3m``, ``1y``).
        end: the upper bound of a range: a day (or month, year) counts to its end.
        now: the current time (tests).

    Raises:
        QuerySyntaxError: not one of those forms, or not a real date.
    """
    value = text.strip().lower()
    now = now or dt.datetime.now(dt.UTC)
    hint = ("use YYYY-MM-DD, YYYY-MM, YYYY, an ISO time, today, yesterday "
            "or an age such as 7d, 12h, 2w")
    if value in ("today", "yesterday"):
        day = now.date() - dt.timedelta(days=value == "yesterday")
        return day.isoformat() + ("T23:59:59" if end else "")
    if match := _AGE.fullmatch(value):
        n, unit = int(match.group(1)), match.group(2)
        days = {"h": n / 24, "d": n, "w": 7 * n, "m": 30 * n, "y": 365 * n}[unit]
        return (now - dt.timedelta(days=days)).isoformat(timespec="seconds")
    try:
        if re.fullmatch(r"\d{4}", value):
            return f"{value}-12-31T23:59:59" if end else value
        if re.fullmatch(r"\d{4}-\d{2}", value):
            first = dt.date.fromisoformat(value + "-01")
            if not end:
                return value
            nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return (nxt - dt.timedelta(days=1)).isoformat() + "T23:59:59"
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            dt.date.fromisoformat(value)
            return value + ("T23:59:59" if end else "")
        return dt.datetime.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise QuerySyntaxError(f"not a date: {text!r} ({hint})") from exc


@dataclass(frozen=True, kw_only=True)
class Query:
    """A search: text and filters. Invalid text or dates raise
    :class:`~archive.errors.QuerySyntaxError` when the query is made.

    Attributes:
        text: the search text (see the module docstring; "" = no text condition).
        site: only this site (host without ``www.``; subdomains included).
        since, until: publication date range, inclusive (see :func:`parse_when`).
        captured_since, captured_until: capture time range, inclusive.
        source: only articles crediting this attribution source (case-insensitive).
        author: only articles with this author (case-insensitive substring).
        language: only this language code (prefix match: ``en`` matches ``en-GB``).
        sort: ``relevance`` (needs text) or ``date`` (newest published first).
        all_versions: include superseded versions, not only each page's latest.
    """

    text: str = ""
    site: str | None = None
    since: str | None = None
    until: str | None = None
    captured_since: str | None = None
    captured_until: str | None = None
    source: str | None = None
    author: str | None = None
    language: str | None = None
    sort: Sort = "relevance"
    limit: int = 20
    offset: int = 0
    all_versions: bool = False
    tree: Node | None = field(default=None, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.sort not in ("relevance", "date"):
            raise QuerySyntaxError(f"sort must be relevance or date, not {self.sort!r}")
        if self.limit < 0 or self.offset < 0:
            raise QuerySyntaxError("limit and offset must be >= 0")
        object.__setattr__(self, "tree", parse_text(self.text))
        for name in ("since", "until", "captured_since", "captured_until"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, parse_when(value, end=name.endswith("until")))


def filter_clauses(query: Query, placeholder: str = "?") -> tuple[list[str], list[Any]]:
    """The WHERE conditions (on ``versions v`` joined to ``pages p``) for a query's
    filters, in SQL that SQLite and PostgreSQL both run; ``placeholder`` is the
    driver's parameter mark (``?`` for sqlite3, ``%s`` for psycopg)."""
    ph = placeholder
    where: list[str] = []
    params: list[Any] = []
    if not query.all_versions:
        where.append("v.id = p.latest_version_id")  # kept by a trigger on both backends
    if query.site:
        where.append(f"(p.site = {ph} OR p.site LIKE {ph})")
        site = query.site.lower().removeprefix("www.")
        params += [site, f"%.{site}"]
    for name, column, op in (("since", "v.published", ">="), ("until", "v.published", "<="),
                             ("captured_since", "v.captured_at", ">="),
                             ("captured_until", "v.captured_at", "<=")):
        value = getattr(query, name)
        if value:
            # a bare date compares with the date part; a time with the whole stamp
            width = len(value)
            where.append(f"substr({column}, 1, {width}) {op} {ph}")
            params.append(value)
    if query.source:
        where.append("EXISTS (SELECT 1 FROM attributions a WHERE a.version_id = v.id "
                     f"AND lower(a.source) = lower({ph}))")
        params.append(query.source.strip())
    if query.author:
        where.append(f"lower(v.authors) LIKE lower({ph})")
        params.append(f"%{query.author}%")
    if query.language:
        where.append(f"(lower(v.language) = lower({ph}) OR lower(v.language) LIKE lower({ph}))")
        params += [query.language, f"{query.language}-%"]
    return where, params


# Without search words, both backends list the latest versions newest first.
BROWSE_SELECT = ("SELECT v.id, 0.0 AS score, substr(v.body, 1, 160) AS snip FROM versions v "
                 "JOIN pages p ON p.id = v.page_id")
DATE_ORDER = " ORDER BY v.published IS NULL, v.published DESC, v.id DESC"

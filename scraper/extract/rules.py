"""Named rule tables: each boilerplate rule a row with a name, testable alone.

A :class:`RuleTable` compiles its rows into one alternation (one regex search per line,
as fast as a single pattern) and tells which row matched, so the extractor can say in
``signals`` which rule dropped a line, and a test can exercise one row by name.

Usage::

    table = RuleTable((Rule("share-prompt", r"share (?:this|on)\\b"),))
    table.match("Share this")         # "share-prompt"
    table.rule("share-prompt").matches("Share on X")
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rule:
    """One row: a name, a regex (case-insensitive unless ``flags`` say otherwise), and
    why it exists."""

    name: str
    pattern: str
    note: str = ""
    flags: int = re.IGNORECASE
    _compiled: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_compiled", re.compile(self.pattern, self.flags))

    def matches(self, text: str, *, anchored: bool = True, suffix: str = "") -> bool:
        """Whether this row alone matches ``text`` (at its start when ``anchored``),
        followed by its table's ``suffix``."""
        regex = re.compile(f"(?:{self.pattern}){suffix}", self.flags) if suffix else \
            self._compiled
        found = regex.match(text) if anchored else regex.search(text)
        return found is not None

    def search(self, text: str) -> bool:
        """Whether this row alone matches anywhere in ``text``."""
        return self._compiled.search(text) is not None


class RuleTable:
    """Rows compiled into one pattern; :meth:`match` and :meth:`search` name the row."""

    def __init__(self, rules: Iterable[Rule], flags: int = re.IGNORECASE,
                 suffix: str = "") -> None:
        self.rules: tuple[Rule, ...] = tuple(rules)
        names = [r.name for r in self.rules]
        if len(set(names)) != len(names):
            raise ValueError(f"duplicate rule names in {names}")
        self._by_group = {f"_r{i}": r.name for i, r in enumerate(self.rules)}
        self.suffix = suffix  # what must follow any row ("$": the row is the whole line)
        self._regex = re.compile("(?:" + "|".join(
            f"(?P<_r{i}>{r.pattern})" for i, r in enumerate(self.rules)) + ")" + suffix, flags)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def rule(self, name: str) -> Rule:
        """The row called ``name`` (KeyError if there is none)."""
        for r in self.rules:
            if r.name == name:
                return r
        raise KeyError(name)

    def _name(self, found: re.Match[str] | None) -> str | None:
        if found is None:
            return None
        for group, name in self._by_group.items():  # the outermost group that matched
            if found.group(group) is not None:
                return name
        return None

    def match(self, text: str) -> str | None:
        """The name of the first row matching at the start of ``text``, or ``None``."""
        return self._name(self._regex.match(text))

    def search(self, text: str) -> str | None:
        """The name of a row matching anywhere in ``text``, or ``None``."""
        return self._name(self._regex.search(text))

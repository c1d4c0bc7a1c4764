"""Printing for the commands: styled and fitted to the window on a terminal (rich), plain
and never wrapped when piped or redirected, with nothing extra to load then (a script
reading ``query`` output pays no start-up for colours it would not see).

Text is given as segments, a string or ``(string, style)``; styles (rich's names) apply
on a terminal only. Archived strings are never read as markup.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO, TypeVar

from archive.query import HIGHLIGHT
from archive.types import Record, SearchHit

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

PIPE_WIDTH = 10_000  # rich output piped elsewhere (a crawl's summary) is not wrapped
Segment = str | tuple[str, str]
Cell = Segment | list[Segment]  # a table cell: a segment, or several in a row
T = TypeVar("T", bound="Listed")


def plain(cell: Cell) -> str:
    """The text of a cell, without its styles."""
    parts = cell if isinstance(cell, list) else [cell]
    return "".join(s if isinstance(s, str) else s[0] for s in parts)


class Out:
    """Where a command's text goes (stdout by default)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty()
        self._console: Console | None = None

    @property
    def console(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False)
        return self._console

    def line(self, *segments: Segment) -> None:
        """One line (or paragraph) made of segments."""
        if not self.tty:
            print(plain(list(segments)), file=self.stream)
            return
        self.console.print(_text(segments))

    def table(self, columns: Sequence[str], rows: Sequence[Sequence[Cell]],
              title: str = "") -> None:
        """Rows under column names: a boxed table on a terminal, aligned columns of plain
        text elsewhere (each cell whole, whatever its length)."""
        if self.tty:
            from rich.table import Table

            table = Table(title=title or None)
            for name in columns:
                table.add_column(name, overflow="fold")
            for row in rows:
                table.add_row(*(_text(cell if isinstance(cell, list) else [cell])
                                for cell in row))
            self.console.print(table)
            return
        texts = [[plain(c) for c in row] for row in rows]
        widths = [max([len(name), *(len(r[i]) for r in texts)]) for i, name in
                  enumerate(columns)]
        if title:
            print(title, file=self.stream)
        for cells in (list(columns), *texts):
            print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip(),
                  file=self.stream)


def _text(segments: Sequence[Segment]) -> Text:
    from rich.text import Text

    out = Text()
    for segment in segments:
        if isinstance(segment, str):
            out.append(segment)
        else:
            out.append(segment[0], style=segment[1])
    return out


def print_json(data: Any, *, lines: bool = False) -> None:
    """JSON to stdout: indented, or one object per line."""
    print(json.dumps(data, ensure_ascii=False, indent=None if lines else 2))


class Listed(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


def listing(items: Sequence[T], *, as_json: bool, empty: str, columns: Sequence[str],
            row: Callable[[T], Sequence[Cell]]) -> None:
    """A list of things: JSON lines (``--json``), else a table, or ``empty`` if none."""
    if as_json:
        for item in items:
            print_json(item.to_dict(), lines=True)
        return
    out = Out()
    if not items:
        out.line(empty)
        return
    out.table(columns, [row(item) for item in items])


def snippet(text: str) -> list[Segment]:
    """A search snippet with its «hits» as bold segments (the marks kept when plain)."""
    out: list[Segment] = []
    rest = text
    while HIGHLIGHT[0] in rest and HIGHLIGHT[1] in rest:
        before, _, tail = rest.partition(HIGHLIGHT[0])
        hit, _, rest = tail.partition(HIGHLIGHT[1])
        out += [before, (f"{HIGHLIGHT[0]}{hit}{HIGHLIGHT[1]}", "bold yellow")]
    return [*out, rest]


def records_table(records: list[Record], out: Out, title: str = "") -> None:
    """The articles table: id, title, date, authors, site, attribution count."""
    out.table(("id", "title", "published", "authors", "site", "attr."),
              [(str(r.id), r.article.title or "(untitled)", (r.article.published or "")[:10],
                ", ".join(r.article.authors), r.site, str(len(r.article.attributions)))
               for r in records], title)


def attributions(record: Record, out: Out) -> None:
    """Each attribution: position, source, link, pattern, span and passage."""
    a = record.article
    out.line((f"Attributions in record {record.id}", "bold"), f": {a.title or record.url}")
    if not a.attributions:
        out.line("  (none)")
    for x in a.attributions:
        link = f" <{x.url}>" if x.url else ""
        out.line(f"  {x.position + 1}. ", (x.source, "bold"), link,
                 (f" ({x.pattern}, chars {x.start}-{x.end})", "dim"))
        passage = x.passage if len(x.passage) <= 220 else x.passage[:217] + "..."
        out.line("     “" + passage + "”")


def hits_table(hits: list[SearchHit], with_text: bool, out: Out) -> None:
    """Search hits: id, title, date, site and the matching snippet."""
    if not hits:
        out.line("no matching records")
        return
    rows: list[tuple[Cell, ...]] = []
    for hit in hits:
        a = hit.record.article
        gone = f" [gone since {hit.record.gone_since[:10]}]" if hit.record.gone_since else ""
        rows.append((str(hit.record.id), (a.title or "(untitled)") + gone,
                     (a.published or "")[:10], hit.record.site, snippet(hit.snippet)))
    out.table(("id", "title", "published", "site", "match" if with_text else "start"), rows)

"""Printing for the commands: a rich console that does not wrap when piped, tables and
attribution lists shared by several commands, JSON lines."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from archive.query import HIGHLIGHT
from archive.types import Record, SearchHit

PIPE_WIDTH = 10_000  # piped output is not wrapped: a line is as long as its content


def console(stream: TextIO | None = None) -> Console:
    """A console for ``stream`` (stdout): terminal width on a terminal; when piped or
    redirected, no wrapping at all (lines are as long as their content)."""
    stream = stream or sys.stdout
    tty = stream.isatty()
    return Console(file=stream, highlight=False, soft_wrap=not tty,
                   width=None if tty else PIPE_WIDTH)


def print_json(data: Any, *, lines: bool = False) -> None:
    """JSON to stdout: indented, or one object per line."""
    print(json.dumps(data, ensure_ascii=False, indent=None if lines else 2))


def snippet(text: str) -> Text:
    """A search snippet with its «hits» in bold."""
    out = Text()
    rest = text
    while HIGHLIGHT[0] in rest and HIGHLIGHT[1] in rest:
        before, _, tail = rest.partition(HIGHLIGHT[0])
        hit, _, rest = tail.partition(HIGHLIGHT[1])
        out.append(before)
        out.append(hit, style="bold yellow")
    out.append(rest)
    return out


def records_table(records: list[Record], out: Console, title: str = "") -> None:
    """The articles table: id, title, date, authors, site, attribution count."""
    table = Table(title=title or None, show_lines=False)
    for col, kw in (("id", {"justify": "right"}), ("title", {"overflow": "fold"}),
                    ("published", {}), ("authors", {"overflow": "fold"}), ("site", {}),
                    ("attr.", {"justify": "right"})):
        table.add_column(col, **kw)  # type: ignore[arg-type]
    for r in records:
        a = r.article
        table.add_row(str(r.id), Text(a.title or "(untitled)"), Text((a.published or "")[:10]),
                      Text(", ".join(a.authors)), Text(r.site), str(len(a.attributions)))
    out.print(table)


def attributions(record: Record, out: Console) -> None:
    """Each attribution: position, source, link, pattern, span and passage."""
    a = record.article
    out.print(Text.assemble((f"Attributions in record {record.id}", "bold"),
                            f": {a.title or record.url}"))
    if not a.attributions:
        out.print("  (none)")
    for x in a.attributions:
        link = f" <{x.url}>" if x.url else ""
        out.print(Text.assemble(f"  {x.position + 1}. ", (x.source, "bold"), link,
                                (f" ({x.pattern}, chars {x.start}-{x.end})", "dim")))
        passage = x.passage if len(x.passage) <= 220 else x.passage[:217] + "..."
        out.print(Text("     “" + passage + "”"))


def hits_table(hits: list[SearchHit], with_text: bool, out: Console) -> None:
    """Search hits: id, title, date, site and the matching snippet."""
    if not hits:
        out.print("no matching records")
        return
    table = Table()
    table.add_column("id", justify="right")
    table.add_column("title", overflow="fold", ratio=2)
    table.add_column("published")
    table.add_column("site")
    table.add_column("match" if with_text else "start", overflow="fold", ratio=3)
    for hit in hits:
        a = hit.record.article
        gone = f" [gone since {hit.record.gone_since[:10]}]" if hit.record.gone_since else ""
        table.add_row(str(hit.record.id), Text((a.title or "(untitled)") + gone),
                      Text((a.published or "")[:10]), Text(hit.record.site),
                      snippet(hit.snippet))
    out.print(table)

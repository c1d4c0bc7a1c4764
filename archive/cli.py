"""Command handlers that only read an archive: query, show, export (and, from
``cli_research``, history, diff, sources, trace, verify).

Registered into the ``newsarchive`` command by ``scraper.cli``; they need nothing from
the crawler, only the archive's path (``ArchiveSettings``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import cli_research
from .archive import Archive, open_archive
from .dbread import ids_in, rows
from .errors import ArchiveError
from .export import write_attributions_csv, write_attributions_jsonl, write_csv, write_jsonl
from .query import HIGHLIGHT, Query
from .settings import ArchiveSettings
from .types import Record, SearchHit
from .wacz import write_wacz


def add_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                 parents: list[argparse.ArgumentParser]) -> None:
    """Add ``query``, ``show`` and ``export`` to the CLI."""
    q = sub.add_parser("query", parents=parents, help="full-text search the archive",
                       description="Search titles and bodies (FTS5 syntax: words, "
                       '"exact phrase", prefix*, OR, NOT), with filters. Newest version of '
                       "each page only, unless --all-versions.")
    q.add_argument("text", nargs="?", default="", help="search text (omit to list by date)")
    q.add_argument("--site", help="only this site, e.g. example.org")
    q.add_argument("--since", metavar="YYYY-MM-DD", help="published on or after")
    q.add_argument("--until", metavar="YYYY-MM-DD", help="published on or before")
    q.add_argument("--source", help="only articles crediting this attribution source")
    q.add_argument("--author", help="only articles by this author (substring)")
    q.add_argument("--language", help="only this language (en matches en-GB)")
    q.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    q.add_argument("--limit", type=int, default=20, help="results per page (default 20)")
    q.add_argument("--offset", type=int, default=0, help="skip this many results")
    q.add_argument("--all-versions", action="store_true", help="include older versions")
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON Lines, one hit per line")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    q.set_defaults(handler=cmd_query)

    s = sub.add_parser("show", parents=parents, help="show one archived record",
                       description="Show a record (an article version) by id.")
    s.add_argument("id", type=int, help="record id (from query)")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--raw", action="store_true",
                       help="write the archived page bytes exactly as fetched to stdout")
    group.add_argument("--json", action="store_true", help="the record as JSON")
    s.set_defaults(handler=cmd_show)

    e = sub.add_parser("export", parents=parents,
                       help="export records (JSON Lines, CSV, Parquet) or a WACZ",
                       description="Export every record (newest versions and old ones), or "
                       "those matching --query, as JSON Lines, CSV or Parquet; or package "
                       "the WARC captures as a WACZ file for ReplayWeb.page/pywb.")
    e.add_argument("--format", choices=("jsonl", "csv", "parquet"), default=None,
                   help="output format (default: from -o's extension, else jsonl)")
    e.add_argument("--parquet", dest="format", action="store_const", const="parquet",
                   help="same as --format parquet (needs pyarrow: pip install "
                   "'newsarchive[parquet]')")
    e.add_argument("--wacz", metavar="FILE",
                   help="write a WACZ (WARCs, CDXJ index, pages.jsonl, datapackage.json)")
    e.add_argument("--query", metavar="TEXT",
                   help="only records matching this full-text query (all their captures "
                   "for --wacz)")
    e.add_argument("--attributions", action="store_true",
                   help="one row per attribution (with its record's id, url, title) instead "
                   "of one per record")
    e.add_argument("--jsonl", dest="format", action="store_const", const="jsonl",
                   help="same as --format jsonl")
    e.add_argument("--csv", dest="format", action="store_const", const="csv",
                   help="same as --format csv")
    e.add_argument("-o", "--output", help="file to write (atomically); default stdout")
    e.set_defaults(handler=cmd_export)
    cli_research.add_commands(sub, parents)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def _snippet(text: str) -> Text:
    out = Text()
    rest = text
    while HIGHLIGHT[0] in rest and HIGHLIGHT[1] in rest:
        before, _, tail = rest.partition(HIGHLIGHT[0])
        hit, _, rest = tail.partition(HIGHLIGHT[1])
        out.append(before)
        out.append(hit, style="bold yellow")
    out.append(rest)
    return out


def print_records_table(records: list[Record], console: Console, title: str = "") -> None:
    """The articles table: id, title, date, authors, site, attribution count."""
    table = Table(title=title or None, show_lines=False)
    for col, kw in (("id", {"justify": "right"}), ("title", {"overflow": "fold"}),
                    ("published", {}), ("authors", {"overflow": "fold"}), ("site", {}),
                    ("attr.", {"justify": "right"})):
        table.add_column(col, **kw)  # type: ignore[arg-type]
    for r in records:
        a = r.article
        table.add_row(str(r.id), a.title or "(untitled)", (a.published or "")[:10],
                      ", ".join(a.authors), r.site, str(len(a.attributions)))
    console.print(table)


def print_attributions(record: Record, console: Console) -> None:
    """Each attribution: position, source, link, pattern, span and passage."""
    a = record.article
    console.print(f"[bold]Attributions in record {record.id}[/bold]: {a.title or record.url}")
    if not a.attributions:
        console.print("  (none)")
    for x in a.attributions:
        link = f" <{x.url}>" if x.url else ""
        console.print(f"  {x.position + 1}. [bold]{x.source}[/bold]{link} "
                      f"[dim]({x.pattern}, chars {x.start}-{x.end})[/dim]")
        passage = x.passage if len(x.passage) <= 220 else x.passage[:217] + "..."
        console.print(Text("     “" + passage + "”"))


def cmd_query(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    query = Query(text=args.text, site=args.site, since=args.since, until=args.until,
                  source=args.source, author=args.author, language=args.language,
                  sort=args.sort, limit=args.limit, offset=args.offset,
                  all_versions=args.all_versions)
    with open_archive(settings.path, settings) as arc:
        hits = arc.search(query)
    if args.json:
        for hit in hits:
            print(json.dumps(_hit_dict(hit), ensure_ascii=False))
    elif args.csv:
        write_csv([h.record for h in hits], sys.stdout)
    else:
        _print_hits(hits, args.text)
    return 0


def _hit_dict(hit: SearchHit) -> dict[str, object]:
    data = hit.record.to_dict()
    data["snippet"], data["score"] = hit.snippet, round(hit.score, 4)
    return data


def _print_hits(hits: list[SearchHit], text: str) -> None:
    console = _console()
    if not hits:
        console.print("no matching records")
        return
    table = Table()
    table.add_column("id", justify="right")
    table.add_column("title", overflow="fold", ratio=2)
    table.add_column("published")
    table.add_column("site")
    table.add_column("match" if text else "start", overflow="fold", ratio=3)
    for hit in hits:
        a = hit.record.article
        table.add_row(str(hit.record.id), a.title or "(untitled)", (a.published or "")[:10],
                      hit.record.site, _snippet(hit.snippet))
    console.print(table)


def cmd_show(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        if args.raw:
            data = arc.raw(args.id)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return 0
        record = arc.record(args.id)
    if args.json:
        print(json.dumps(record.to_dict(), ensure_ascii=False, indent=2))
        return 0
    console = _console()
    a = record.article
    console.print(f"[bold]{a.title or '(untitled)'}[/bold]")
    for label, value in (("record", record.id), ("url", record.url),
                         ("captured", record.captured_at), ("published", a.published),
                         ("modified", a.modified), ("authors", ", ".join(a.authors)),
                         ("site", a.site_name or record.site), ("language", a.language),
                         ("canonical", a.canonical_url), ("tags", ", ".join(a.tags))):
        if value:
            console.print(f"[dim]{label:>10}[/dim]  {value}")
    console.print()
    console.print(Text(a.body))
    console.print()
    print_attributions(record, console)
    return 0


def _selected(arc: Archive, text: str | None) -> list[int] | None:
    """Record ids matching ``text`` (every version), or None for all."""
    if not text:
        return None
    ids: list[int] = []
    while True:
        page = arc.search(Query(text=text, all_versions=True, sort="date", limit=1000,
                                offset=len(ids)))
        ids += [h.record.id for h in page]
        if len(page) < 1000:
            return ids


def cmd_export(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        ids = _selected(arc, args.query)
        if args.wacz:
            captures = None if ids is None else [int(r[0]) for r in rows(
                arc.store, f"SELECT id FROM captures WHERE version_id {ids_in(ids)}", ids)]
            count = write_wacz(arc, Path(args.wacz), capture_ids=captures)
            print(f"exported {count} pages to {args.wacz}", file=sys.stderr)
            return 0
        records = arc.records() if ids is None else (arc.record(i) for i in sorted(ids))
        suffix = Path(args.output or "").suffix
        fmt = args.format or {".csv": "csv", ".parquet": "parquet"}.get(suffix, "jsonl")
        if fmt == "parquet":
            if not args.output:
                raise ArchiveError("--parquet needs -o FILE")
            from .export import write_parquet

            count = write_parquet(records, Path(args.output), attributions=args.attributions)
        else:
            if args.attributions:
                writer = write_attributions_csv if fmt == "csv" else write_attributions_jsonl
            else:
                writer = write_csv if fmt == "csv" else write_jsonl
            if not args.output:
                writer(records, sys.stdout)
                return 0
            count = _write_atomically(Path(args.output), lambda fh: writer(records, fh))
        print(f"exported {count} rows to {args.output}", file=sys.stderr)
    return 0


def _write_atomically(path: Path, write: object) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            count: int = write(fh)  # type: ignore[operator]
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


__all__ = ["add_commands", "print_attributions", "print_records_table"]

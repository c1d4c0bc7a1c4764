"""Handlers that read an archive: query, show, export. They need only ``archive``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

from archive import Archive, Query, open_archive
from archive.errors import ArchiveError
from archive.export import (
    write_attributions_csv,
    write_attributions_jsonl,
    write_csv,
    write_jsonl,
)
from archive.types import Record, SearchHit

from ..config import Settings
from . import output


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    query = Query(text=" ".join(args.text), site=args.site, since=args.since,
                  until=args.until, captured_since=args.captured_since,
                  captured_until=args.captured_until, source=args.source,
                  author=args.author, language=args.language, sort=args.sort,
                  limit=args.limit, offset=args.offset, all_versions=args.all_versions)
    with open_archive(settings.archive.path, settings.archive) as arc:
        hits = arc.search(query)
    if args.json:
        for hit in hits:
            output.print_json(_hit_dict(hit), lines=True)
    elif args.csv:
        write_csv([h.record for h in hits], sys.stdout)
    else:
        output.hits_table(hits, bool(query.text.strip()), output.Out())
    return 0


def _hit_dict(hit: SearchHit) -> dict[str, object]:
    data = hit.record.to_dict()
    data["snippet"], data["score"] = hit.snippet, round(hit.score, 4)
    return data


def cmd_show(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        if args.raw:
            data = arc.raw(args.id)
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return 0
        record = arc.record(args.id)
    if args.json:
        output.print_json(record.to_dict())
        return 0
    out = output.Out()
    a = record.article
    out.line((a.title or "(untitled)", "bold"))
    for label, value in (("record", record.id), ("url", record.url),
                         ("captured", record.captured_at), ("gone since", record.gone_since),
                         ("published", a.published), ("modified", a.modified),
                         ("authors", ", ".join(a.authors)),
                         ("site", a.site_name or record.site), ("language", a.language),
                         ("canonical", a.canonical_url), ("tags", ", ".join(a.tags)),
                         ("origin", record.origin), ("extractor", record.extractor)):
        if value:
            out.line((f"{label:>10}", "dim"), f"  {value}")
    out.line()
    out.line(a.body)
    out.line()
    output.attributions(record, out)
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


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        ids = _selected(arc, args.query)
        if args.wacz:
            from archive.wacz import write_wacz

            count = write_wacz(arc, Path(args.wacz), record_ids=ids)
            print(f"exported {count} pages to {args.wacz}", file=sys.stderr)
            return 0
        records: Iterable[Record] = arc.records() if ids is None else \
            (arc.record(i) for i in sorted(ids))
        suffix = Path(args.output or "").suffix
        fmt = args.format or {".csv": "csv", ".parquet": "parquet"}.get(suffix, "jsonl")
        if fmt == "parquet":
            if not args.output:
                raise ArchiveError("--parquet needs -o FILE")
            from archive.export import write_parquet

            count = write_parquet(records, Path(args.output), attributions=args.attributions)
        else:
            if args.attributions:
                writer = write_attributions_csv if fmt == "csv" else write_attributions_jsonl
            else:
                writer = write_csv if fmt == "csv" else write_jsonl
            if not args.output:
                writer(records, sys.stdout)
                return 0
            count = _write_atomically(Path(args.output), records, writer)
        print(f"exported {count} rows to {args.output}", file=sys.stderr)
    return 0


def _write_atomically(path: Path, records: Iterable[Record],
                      writer: Callable[[Iterable[Record], IO[str]], int]) -> int:
    from archive.files import replace_atomically

    with replace_atomically(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as fh:
        return writer(records, fh)


__all__ = ["cmd_export", "cmd_query", "cmd_show"]

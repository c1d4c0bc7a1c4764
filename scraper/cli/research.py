"""Handlers for a page's past and a passage's spread: history, diff, sources, trace, and
the integrity check, verify. Thin: parse, call library code, print."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from archive import open_archive
from archive.diff import VersionDiff, diff_versions, pick_versions
from archive.provenance import TraceHit, rank_sources, spread_tree, trace_passage
from archive.verify import verify_archive

from ..config import Settings
from . import output


def cmd_history(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        history = arc.history(args.url)
    if args.json:
        output.print_json(history.to_dict())
        return 0
    console = output.console()
    gone = f"; gone since {history.gone_since}" if history.gone_since else ""
    console.print(Text.assemble((history.url, "bold"), f": {len(history.captures)} captures, "
                                f"{len(history.versions)} versions{gone}"))
    titles = {v.id: v.article.title or "(untitled)" for v in history.versions}
    table = Table()
    for col in ("capture", "fetched", "status", "kind", "version", "title", "WARC"):
        table.add_column(col, overflow="fold")
    first_capture = {v.capture_id for v in history.versions}
    for c in history.captures:
        version = "" if c.version_id is None else (
            f"{c.version_id} (new)" if c.id in first_capture else str(c.version_id))
        kind = c.kind + (f" of {c.revisit_of}" if c.revisit_of else "")
        table.add_row(str(c.id), c.fetched_at, str(c.status), kind, version,
                      Text(titles.get(c.version_id or -1, "")),
                      f"{c.warc_file}:{c.warc_offset}" if c.warc_file else "")
    console.print(table)
    return 0


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        versions = arc.history(args.url).versions
    old, new = pick_versions(versions, args.since, args.until)
    result = diff_versions(old, new)
    if args.json:
        output.print_json(result.to_dict())
    else:
        _print_diff(result, output.console())
    return 0


def _print_diff(d: VersionDiff, console: Console) -> None:
    console.print(Text.assemble((d.new.url, "bold"),
                                f": version {d.old.id} ({d.old.captured_at}) → "
                                f"{d.new.id} ({d.new.captured_at})"))
    if not d.changed:
        console.print("no changes")
        return
    if d.labels:
        console.print(Text.assemble(("edits: ", "bold"), ", ".join(x.kind for x in d.labels)))
    elif d.old.id != d.new.id:
        console.print("edits: none (only what changes on every load, or dates)")
    for name, (before, after) in d.fields.items():
        console.print(Text(name, style="bold"))
        console.print(Text(f"  - {before}", style="red"))
        console.print(Text(f"  + {after}", style="green"))
    if d.body_diff:
        console.print("[bold]body[/bold]")
        for line in d.body_diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else \
                "cyan" if line.startswith("@@") else ""
            console.print(Text(line, style=style))
    for label, items, style in (("attribution added", d.added, "green"),
                                ("attribution removed", d.removed, "red")):
        for a in items:
            console.print(Text(f"{label}: {a.source} “{a.passage[:160]}”", style=style))


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        stats = rank_sources(arc.store, limit=args.limit, site=args.site)
    if args.json:
        for s in stats:
            output.print_json(s.to_dict(), lines=True)
        return 0
    table = Table()
    for col in ("source", "articles", "attributions", "first seen", "last seen", "cited by"):
        table.add_column(col, overflow="fold")
    for s in stats:
        sites = ", ".join(s.sites[:5]) + (f" +{len(s.sites) - 5}" if len(s.sites) > 5 else "")
        table.add_row(Text(s.source), str(s.articles), str(s.attributions),
                      s.first_seen[:10], s.last_seen[:10], Text(sites))
    output.console().print(table if stats else "no attributions in this archive")
    return 0


def _label(hit: TraceHit, origin: bool) -> Text:
    a = hit.record.article
    credit = ", ".join(c.source for c in hit.credits) or "no attribution"
    text = Text(f"{hit.first_captured[:19]}  ")
    text.append(hit.record.site, style="bold")
    text.append(f"  {a.title or '(untitled)'}  [record {hit.record.id}]  ")
    text.append(f"{hit.similarity:.0%}", style="green" if hit.similarity >= 0.99 else "yellow")
    text.append(f"  credits: {credit}", style="dim" if not hit.credits else "cyan")
    if origin:
        text.append("  ← earliest", style="bold magenta")
    return text


def cmd_trace(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        hits = trace_passage(arc.store, args.passage,
                             min_similarity=args.min_similarity, limit=args.limit)
    parents = spread_tree(hits)
    if args.json:
        out = [{**h.to_dict(), "parent": None if p is None else hits[p].record.id}
               for h, p in zip(hits, parents, strict=True)]
        output.print_json({"passage": args.passage, "articles": out})
        return 0
    console = output.console()
    if not hits:
        console.print("the passage is in no archived article")
        return 0
    quote = args.passage if len(args.passage) <= 100 else args.passage[:97] + "..."
    root = Tree(Text(f"“{quote}” — {len(hits)} articles", style="bold"))
    if args.timeline:
        for i, hit in enumerate(hits):
            root.add(_label(hit, i == 0))
    else:
        nodes: list[Tree] = []
        for i, (hit, parent) in enumerate(zip(hits, parents, strict=True)):
            nodes.append((root if parent is None else nodes[parent]).add(_label(hit, i == 0)))
    console.print(root)
    return 0


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        report = verify_archive(arc, repair=args.repair)
    if args.json:
        output.print_json(report.to_dict())
    else:
        for p in report.problems:
            mark = "repaired" if p.repaired else "PROBLEM"
            print(f"{mark}: {p.kind}: {p.message}", file=sys.stderr if not p.repaired
                  else sys.stdout)
        state = "ok" if report.ok else f"{sum(not p.repaired for p in report.problems)} problems"
        print(f"verify: {report.files} WARC files, {report.records} records, "
              f"{report.captures} captures: {state}")
        if report.repairable and not args.repair:
            print("run `newsarchive verify --repair` to trim a truncated last record",
                  file=sys.stderr)
    return 0 if report.ok else 1

"""Command handlers for a page's past and a passage's spread: history, diff, sources,
trace, and the integrity check, verify. Thin: parse, call library code, print."""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .archive import open_archive
from .diff import VersionDiff, diff_versions, pick_versions
from .provenance import TraceHit, rank_sources, spread_tree, trace_passage
from .settings import ArchiveSettings
from .verify import verify_archive

COMMANDS = ("history", "diff", "sources", "trace", "verify")


def add_commands(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                 parents: list[argparse.ArgumentParser]) -> None:
    """Add ``history``, ``diff``, ``sources``, ``trace`` and ``verify`` to the CLI."""
    h = sub.add_parser("history", parents=parents, help="every capture and version of a page",
                       description="List every capture (fetch) of a page and every version "
                       "(distinct content), oldest first.")
    h.add_argument("url", help="the page URL (as crawled, fetched or canonical)")
    h.add_argument("--json", action="store_true", help="as JSON")
    h.set_defaults(handler=cmd_history)

    d = sub.add_parser("diff", parents=parents, help="what changed between two versions",
                       description="Show what changed in a page's title, dates, authors, body "
                       "(a text diff) and attributions between two versions: those current "
                       "at --from and --to (ISO times or record ids); by default the one "
                       "before the latest, and the latest.")
    d.add_argument("url", help="the page URL")
    d.add_argument("--from", dest="since", metavar="T1", help="time (ISO) or record id")
    d.add_argument("--to", dest="until", metavar="T2", help="time (ISO) or record id")
    d.add_argument("--json", action="store_true", help="as JSON")
    d.set_defaults(handler=cmd_diff)

    s = sub.add_parser("sources", parents=parents, help="rank attribution sources",
                       description="Rank the sources articles credit: articles and "
                       "attributions per source, first and last seen, citing sites.")
    s.add_argument("--site", help="only articles of this site")
    s.add_argument("--limit", type=int, default=30, help="how many sources (default 30)")
    s.add_argument("--json", action="store_true", help="JSON Lines, one source per line")
    s.set_defaults(handler=cmd_sources)

    t = sub.add_parser("trace", parents=parents, help="where a passage appeared and spread",
                       description="Find every archived article containing a passage or a "
                       "near copy (word-shingle similarity, survives small edits), ordered "
                       "by first capture, with the attribution each gives; shown as a tree "
                       "(a copy sits under the earlier article its attribution names).")
    t.add_argument("passage", help="the passage text (3 words or more)")
    t.add_argument("--min-similarity", type=float, default=0.5, metavar="S",
                   help="share of the passage's shingles an article must contain (default 0.5)")
    t.add_argument("--limit", type=int, default=200, help="at most this many articles")
    t.add_argument("--timeline", action="store_true", help="a flat timeline, not a tree")
    t.add_argument("--json", action="store_true", help="as JSON")
    t.set_defaults(handler=cmd_trace)

    v = sub.add_parser("verify", parents=parents, help="check WARC files against the database",
                       description="Re-read every WARC record, check digests, and check that "
                       "every capture in the database points at a whole record of the right "
                       "type, length and digest. Exits 1 on any problem.")
    v.add_argument("--repair", action="store_true",
                   help="trim a truncated last WARC record (never bytes a capture uses)")
    v.add_argument("--json", action="store_true", help="the report as JSON")
    v.set_defaults(handler=cmd_verify)


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def cmd_history(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        history = arc.history(args.url)
    if args.json:
        print(json.dumps(history.to_dict(), ensure_ascii=False, indent=2))
        return 0
    console = _console()
    console.print(f"[bold]{history.url}[/bold]: {len(history.captures)} captures, "
                  f"{len(history.versions)} versions")
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
                      titles.get(c.version_id or -1, ""),
                      f"{c.warc_file}:{c.warc_offset}" if c.warc_file else "")
    console.print(table)
    return 0


def cmd_diff(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        versions = arc.history(args.url).versions
    old, new = pick_versions(versions, args.since, args.until)
    result = diff_versions(old, new)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_diff(result, _console())
    return 0


def _print_diff(d: VersionDiff, console: Console) -> None:
    console.print(f"[bold]{d.new.url}[/bold]: version {d.old.id} ({d.old.captured_at}) → "
                  f"{d.new.id} ({d.new.captured_at})")
    if not d.changed:
        console.print("no changes")
        return
    for name, (before, after) in d.fields.items():
        console.print(f"[bold]{name}[/bold]")
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


def cmd_sources(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        stats = rank_sources(arc.store, limit=args.limit, site=args.site)
    if args.json:
        for s in stats:
            print(json.dumps(s.to_dict(), ensure_ascii=False))
        return 0
    table = Table()
    for col in ("source", "articles", "attributions", "first seen", "last seen", "cited by"):
        table.add_column(col, overflow="fold")
    for s in stats:
        sites = ", ".join(s.sites[:5]) + (f" +{len(s.sites) - 5}" if len(s.sites) > 5 else "")
        table.add_row(s.source, str(s.articles), str(s.attributions), s.first_seen[:10],
                      s.last_seen[:10], sites)
    _console().print(table if stats else "no attributions in this archive")
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


def cmd_trace(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        hits = trace_passage(arc.store, args.passage,
                             min_similarity=args.min_similarity, limit=args.limit)
    parents = spread_tree(hits)
    if args.json:
        out = [{**h.to_dict(), "parent": None if p is None else hits[p].record.id}
               for h, p in zip(hits, parents, strict=True)]
        print(json.dumps({"passage": args.passage, "articles": out}, ensure_ascii=False,
                         indent=2))
        return 0
    console = _console()
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


def cmd_verify(args: argparse.Namespace, settings: ArchiveSettings) -> int:
    with open_archive(settings.path, settings) as arc:
        report = verify_archive(arc, repair=args.repair)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        for p in report.problems:
            mark = "repaired" if p.repaired else "PROBLEM"
            print(f"{mark}: {p.kind}: {p.message}", file=sys.stderr if not p.repaired
                  else sys.stdout)
        state = "ok" if report.ok else f"{sum(not p.repaired for p in report.problems)} problems"
        print(f"verify: {report.files} WARC files, {report.records} records, "
              f"{report.captures} captures: {state}")
        if not report.ok and not args.repair:
            print("run `newsarchive verify --repair` to trim a truncated last record",
                  file=sys.stderr)
    return 0 if report.ok else 1

"""Handlers for a page's past and a passage's spread: history, diff, sources, trace, and
the integrity check, verify. Thin: parse, call library code, print."""

from __future__ import annotations

import argparse
import sys

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
    out = output.Out()
    gone = f"; gone since {history.gone_since}" if history.gone_since else ""
    out.line((history.url, "bold"), f": {len(history.captures)} captures, "
             f"{len(history.versions)} versions{gone}")
    titles = {v.id: v.article.title or "(untitled)" for v in history.versions}
    first_capture = {v.capture_id for v in history.versions}
    rows = []
    for c in history.captures:
        version = "" if c.version_id is None else (
            f"{c.version_id} (new)" if c.id in first_capture else str(c.version_id))
        kind = c.kind + (f" of {c.revisit_of}" if c.revisit_of else "")
        rows.append((str(c.id), c.fetched_at, str(c.status), kind, version,
                     titles.get(c.version_id or -1, ""),
                     f"{c.warc_file}:{c.warc_offset}" if c.warc_file else ""))
    out.table(("capture", "fetched", "status", "kind", "version", "title", "WARC"), rows)
    return 0


def cmd_diff(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        versions = arc.history(args.url).versions
    old, new = pick_versions(versions, args.since, args.until)
    result = diff_versions(old, new)
    if args.json:
        output.print_json(result.to_dict())
    else:
        _print_diff(result, output.Out())
    return 0


def _print_diff(d: VersionDiff, out: output.Out) -> None:
    out.line((d.new.url, "bold"), f": version {d.old.id} ({d.old.captured_at}) → "
             f"{d.new.id} ({d.new.captured_at})")
    if not d.changed:
        out.line("no changes")
        return
    if d.labels:
        out.line(("edits: ", "bold"), ", ".join(x.kind for x in d.labels))
    elif d.old.id != d.new.id:
        out.line("edits: none (only what changes on every load, or dates)")
    for name, (before, after) in d.fields.items():
        out.line((name, "bold"))
        out.line((f"  - {before}", "red"))
        out.line((f"  + {after}", "green"))
    if d.body_diff:
        out.line(("body", "bold"))
        for line in d.body_diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else \
                "cyan" if line.startswith("@@") else ""
            out.line((line, style))
    for label, items, style in (("attribution added", d.added, "green"),
                                ("attribution removed", d.removed, "red")):
        for a in items:
            out.line((f"{label}: {a.source} “{a.passage[:160]}”", style))


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        stats = rank_sources(arc.store, limit=args.limit, site=args.site)
    output.listing(
        stats, as_json=args.json, empty="no attributions in this archive",
        columns=("source", "articles", "attributions", "first seen", "last seen", "cited by"),
        row=lambda s: (s.source, str(s.articles), str(s.attributions), s.first_seen[:10],
                       s.last_seen[:10], ", ".join(s.sites[:5])
                       + (f" +{len(s.sites) - 5}" if len(s.sites) > 5 else "")))
    return 0


def _label(hit: TraceHit, origin: bool) -> list[output.Segment]:
    a = hit.record.article
    credit = ", ".join(c.source for c in hit.credits) or "no attribution"
    label: list[output.Segment] = [
        f"{hit.first_captured[:19]}  ", (hit.record.site, "bold"),
        f"  {a.title or '(untitled)'}  [record {hit.record.id}]  ",
        (f"{hit.similarity:.0%}", "green" if hit.similarity >= 0.99 else "yellow"),
        (f"  credits: {credit}", "dim" if not hit.credits else "cyan")]
    if origin:
        label.append(("  ← earliest", "bold magenta"))
    return label


def cmd_trace(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        hits = trace_passage(arc.store, args.passage,
                             min_similarity=args.min_similarity, limit=args.limit)
    parents = spread_tree(hits)
    if args.json:
        articles = [{**h.to_dict(), "parent": None if p is None else hits[p].record.id}
                    for h, p in zip(hits, parents, strict=True)]
        output.print_json({"passage": args.passage, "articles": articles})
        return 0
    out = output.Out()
    if not hits:
        out.line("the passage is in no archived article")
        return 0
    quote = args.passage if len(args.passage) <= 100 else args.passage[:97] + "..."
    out.line((f"“{quote}” — {len(hits)} articles", "bold"))
    children: dict[int | None, list[int]] = {}  # a copy sits under the hit it credits
    for i, parent in enumerate(parents):
        children.setdefault(None if args.timeline else parent, []).append(i)

    def show(node: int | None, indent: str) -> None:
        kids = children.get(node, [])
        for n, i in enumerate(kids):
            last = n == len(kids) - 1
            out.line(indent + ("└── " if last else "├── "), *_label(hits[i], i == 0))
            show(i, indent + ("    " if last else "│   "))

    show(None, "")
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

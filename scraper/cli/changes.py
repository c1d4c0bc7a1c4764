"""Handlers for how stories changed and what front pages showed: changes, frontpage,
prominence. Thin: parse, call library code, print."""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from archive import open_archive
from archive.changelog import label_missing, list_edits, unlabelled, write_atom, write_csv
from archive.files import replace_atomically
from archive.frontpage import front_page_at, prominence
from archive.locations import redact

from ..config import Settings
from . import output


def cmd_changes(args: argparse.Namespace, settings: Settings) -> int:
    kinds = [k.strip() for text in args.kind for k in text.split(",") if k.strip()]
    with open_archive(settings.archive.path, settings.archive) as arc:
        if args.relabel:
            labelled = label_missing(arc.store)
            print(f"labelled {labelled} earlier version(s)", file=sys.stderr)
        edits = list_edits(arc.store, kinds=kinds, site=args.site, since=args.since,
                           limit=args.limit or None, front_pages=args.front_pages)
        waiting = 0 if args.relabel else unlabelled(arc.store)
    if args.csv:
        write_csv(edits, sys.stdout)
    elif args.atom:
        where = redact(settings.archive.path)
        key = f"{where}|{','.join(sorted(kinds))}|{args.site or ''}"
        feed_id = f"urn:newsarchive:changes:{hashlib.sha256(key.encode()).hexdigest()[:16]}"
        what = f" ({', '.join(kinds)})" if kinds else ""
        site = f" on {args.site}" if args.site else ""
        with replace_atomically(Path(args.atom)) as tmp, \
                tmp.open("w", encoding="utf-8") as fh:
            count = write_atom(edits, fh, feed_id=feed_id,
                               title=f"newsarchive: story edits{what}{site}")
        print(f"wrote {count} edit(s) to {args.atom}", file=sys.stderr)
    else:
        output.listing(edits, as_json=args.json, empty="no edits",
                       columns=("captured", "site", "title", "kinds", "versions"),
                       row=lambda e: (e.captured_at[:19], e.site, e.title or e.url,
                                      ", ".join(e.kinds), f"{e.previous_id} → {e.version_id}"))
    if waiting:
        print(f"{waiting} version(s) archived before edits were labelled are not listed; "
              "`newsarchive changes --relabel` labels them", file=sys.stderr)
    return 0




def cmd_frontpage(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        view = front_page_at(arc.store, args.url, args.at)
    if args.json:
        output.print_json(view.to_dict())
        return 0
    out = output.Out()
    since = f", unchanged since {view.since}" if view.since != view.captured_at else ""
    out.line((view.url, "bold"), f" as captured {view.captured_at}{since}: "
             f"{len(view.links)} article links")
    out.table(("#", "headline", "url"),
              [(str(link.position), link.headline or "(no text)", link.url)
               for link in view.links])
    return 0


def cmd_prominence(args: argparse.Namespace, settings: Settings) -> int:
    with open_archive(settings.archive.path, settings.archive) as arc:
        seen = prominence(arc.store, args.url)
    if args.json:
        output.print_json({"url": args.url, "front_pages": [a.to_dict() for a in seen]})
        return 0
    output.Out().table(
        ("front page", "best", "appeared", "left", "captures", "headline"),
        [(a.front_url, f"#{a.best_position}", a.first_seen[:19],
          (a.left or "still there")[:19], str(a.captures), a.headline) for a in seen])
    return 0

"""The ``import`` command: make WARC/WACZ collections from other tools searchable."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from archive import Archive

from ..config import Settings
from ..extract import Extractor
from ..warcimport import ImportStats, import_files


def add_command(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                parents: list[argparse.ArgumentParser]) -> None:
    """Add ``import`` to the CLI."""
    i = sub.add_parser("import", parents=parents, help="import WARC/WACZ files from other tools",
                       description="Read WARC (.warc, .warc.gz) and WACZ files made by wget "
                       "--warc-file, browsertrix, pywb or newsarchive, extract every HTML "
                       "response and archive it. A truncated or corrupt file keeps the "
                       "records read before the problem and makes the exit code 1.")
    i.add_argument("files", nargs="+", metavar="FILE", help="WARC or WACZ files")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    def progress(path: Path, stats: ImportStats) -> None:
        if not args.json:
            print(f"{path}: {stats.responses} responses read so far", file=sys.stderr)

    with Archive(settings.archive.path, settings.archive, create=True,
                 software="newsarchive-import") as arc:
        stats = import_files(arc, [Path(f) for f in args.files], Extractor(settings.extract),
                             on_file=progress)
    if args.json:
        print(json.dumps(stats.to_dict(), indent=2))
    else:
        print(f"imported {stats.responses} responses: {stats.new} new pages, "
              f"{stats.new_versions} new versions, {stats.unchanged} unchanged, "
              f"{stats.skipped} skipped (not HTML or not 2xx)")
    for error in stats.errors:
        print(f"newsarchive: error: {error}", file=sys.stderr)
    return 1 if stats.errors else 0

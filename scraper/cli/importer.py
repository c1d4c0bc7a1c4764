"""The ``import`` handler: make WARC/ARC/WACZ collections from other tools searchable."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from archive import Archive

from .._version import __version__
from ..config import Settings
from ..warcimport import ImportStats, import_files
from . import output


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    paths = [Path(f) for f in args.files]
    live = sys.stderr.isatty() and not (args.quiet or args.json)
    with Archive(settings.archive.path, settings.archive, create=True,
                 software=f"newsarchive/{__version__}") as arc, \
            Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                     console=output.console(sys.stderr), disable=not live,
                     transient=True) as progress:
        task = progress.add_task("importing", total=None)

        def seen(path: Path, stats: ImportStats) -> None:
            if stats.records % 50 == 0:
                progress.update(task, description=f"{path.name}: {stats.records} records, "
                                f"{stats.new + stats.new_versions} pages archived")

        stats = import_files(arc, paths, settings.extract, on_record=seen)
    if args.json:
        output.print_json(stats.to_dict())
    else:
        skipped = ", ".join(f"{n} {k}" for k, n in sorted(stats.skipped.items())) or "none"
        other = ", ".join(f"{n} {k}" for k, n in sorted(stats.other.items())) or "none"
        print(f"read {stats.records} records: {stats.responses} responses: {stats.new} new "
              f"pages, {stats.new_versions} new versions, {stats.unchanged} unchanged, "
              f"{stats.resources} resources (images, styles...), {stats.duplicates} "
              f"imported before; skipped: {skipped}; other records: {other}")
    for error in stats.errors:
        print(f"newsarchive: error: {error}", file=sys.stderr)
    return 1 if stats.errors else 0

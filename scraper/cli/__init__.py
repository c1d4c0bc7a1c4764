"""The ``newsarchive`` command. Handlers are thin: parse, call library code, print.

Exit codes: 0 success; 1 a user-facing error (one line on stderr, no traceback);
2 bad usage; 75 another crawl holds the archive; 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from archive import cli as archive_cli
from archive.backend import database_errors
from archive.errors import NewsarchiveError

from .. import __version__
from . import commands, worker
from . import importer as importer_cli
from .options import settings_from_args, settings_parser

_ARCHIVE_COMMANDS = {"query", "show", "export", "history", "diff", "sources", "trace", "verify"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Scrape, extract and archive news pages, with quote attributions.",
        epilog="Run `newsarchive COMMAND --help` for each command's options.")
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parents = [settings_parser()]
    commands.add_commands(sub, parents)
    archive_cli.add_commands(sub, parents)
    worker.add_commands(sub, parents)
    importer_cli.add_command(sub, parents)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsarchive`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_args(args)
        if args.command in _ARCHIVE_COMMANDS:
            return int(args.handler(args, settings.archive))
        return int(args.handler(args, settings))
    except NewsarchiveError as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return 1
    except database_errors() as exc:  # the database refused: full disk, I/O error, ...
        print(f"newsarchive: error: archive database: {exc}. If the disk is full, free space "
              "and run again (a crawl continues with --resume).", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"newsarchive: error: {exc.strerror or exc}"
              f"{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())

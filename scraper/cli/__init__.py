"""The ``newsarchive`` command. Handlers are thin: parse, call library code, print.

Exit codes: 0 success; 1 a user-facing error (one line on stderr, no traceback);
2 bad usage; 75 another crawl holds the archive; 130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Sequence

from archive.errors import CrawlLockedError, NewsarchiveError

from .options import settings_from_args
from .parser import EXIT_LOCKED, build_parser

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``newsarchive`` console script."""
    words = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(next((w for w in words if not w.startswith("-")), None))
    args, extra = parser.parse_known_args(words)
    if extra:
        if args.command != "query" or any(x.startswith("--") for x in extra):
            parser.parse_args(words)  # reports the unknown arguments, exit 2
        args.text += extra  # `query tutoring -Stanford`: -word excludes a word
    module, _, name = str(args.handler).partition(":")
    try:
        settings = settings_from_args(args)
        handler = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        return int(handler(args, settings))
    except CrawlLockedError as exc:
        print(f"newsarchive: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except NewsarchiveError as exc:
        print(f"newsarchive: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # the reader went away (`| head`): that is fine; keep Python quiet at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"newsarchive: error: {exc.strerror or exc}"
              f"{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("newsarchive: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())

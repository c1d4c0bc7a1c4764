"""``newsarchive serve``: the archive in a browser. Thin: parse, start the servers."""

from __future__ import annotations

import argparse
import os
import sys

from archive import open_archive
from archive.backend import redact
from archive.web import TOKEN_ENV, make_servers, serve

from ..config import Settings


def add_command(sub: argparse._SubParsersAction,  # type: ignore[type-arg]
                parents: list[argparse.ArgumentParser]) -> None:
    """Add ``serve`` to the CLI."""
    s = sub.add_parser("serve", parents=parents, help="browse the archive in a web browser",
                       description="Serve the archive read-only: search with facets, "
                       "records with their attributions, versions side by side, snapshots "
                       "(replayed from a second, sandboxed port), sources, trace, sites "
                       "and crawls; every page also as JSON under /api/ (OpenAPI at "
                       "/api/openapi.json).")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; any other needs --token)")
    s.add_argument("--port", type=int, default=8080, help="the app's port (default 8080)")
    s.add_argument("--replay-port", type=int, default=None,
                   help="the snapshots' own port (default: --port + 1)")
    s.add_argument("--token", default=None,
                   help=f"a secret every request must carry (default ${TOKEN_ENV}); "
                   "required when --host is not loopback")
    s.set_defaults(handler=cmd_serve)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    location = settings.archive.path
    with open_archive(location, settings.archive):  # fail now, with one line, if unreadable
        pass
    token = args.token or os.environ.get(TOKEN_ENV) or None
    servers = make_servers(lambda: open_archive(location, settings.archive), host=args.host,
                           port=args.port, replay_port=args.replay_port, token=token,
                           title=redact(location), log_level="warning")
    app_port, replay_port = servers.ports
    host = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{host}:{app_port}/" + ("?token=TOKEN" if token else "")
    print(f"serving {redact(location)} read-only at {url} (snapshots from port "
          f"{replay_port}); Ctrl-C stops", file=sys.stderr)
    serve(servers)
    return 0

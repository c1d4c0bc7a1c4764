"""``newsarchive serve``: the archive in a browser. Thin: parse, start the servers."""

from __future__ import annotations

import argparse
import os
import sys

from archive import open_archive
from archive.locations import redact
from archive.web import TOKEN_ENV, make_servers, serve

from ..config import Settings


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

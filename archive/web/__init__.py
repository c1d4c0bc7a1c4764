"""``newsarchive serve``: the archive in a browser, read-only, on either backend.

Server-rendered pages (Starlette + Jinja2, no script needed to read), each with a JSON
twin under ``/api/`` described by ``/api/openapi.json``; archived pages replayed from a
separate, sandboxed origin. Reads only through the archive's public API.

Usage::

    from archive import open_archive
    from archive.web import make_servers, serve
    serve(make_servers(lambda: open_archive("newsarchive-data"), port=8080))
"""

from __future__ import annotations

from .app import create_app
from .readers import ReaderPool
from .replay import create_replay_app
from .security import TOKEN_ENV, is_loopback
from .server import Servers, make_servers, running, serve

__all__ = ["TOKEN_ENV", "ReaderPool", "Servers", "create_app", "create_replay_app",
           "is_loopback", "make_servers", "running", "serve"]

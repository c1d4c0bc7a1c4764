"""The bundled sample site and a loopback server for it (``newsarchive demo``)."""

from __future__ import annotations

from .server import SiteServer, site_dir

__all__ = ["SiteServer", "site_dir"]

"""A stylesheet's references to other files: ``url(...)`` and ``@import``. The capture
reads them to fetch what a page needs, and replay rewrites them to point at the archive,
so both must agree on what a reference is: found here, once, for both.

A ``url()`` is quoted (``"..."`` or ``'...'``, which may hold the other quote or a
``)``) or bare (no quote, space or ``)``); ``@import`` takes a string or a ``url()``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)""", re.IGNORECASE)
# either form; a url() form is also a URL match
IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?(?:"([^"]*)"|'([^']*)'|([^)'"\s;]+))""",
                    re.IGNORECASE)
_IMPORT_STRING = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)


def target(match: re.Match[str]) -> str:
    """The reference a ``URL`` or ``IMPORT`` match holds, unquoted."""
    return next(g for g in match.groups() if g is not None)


def rewrite(css: str, to: Callable[[str], str]) -> str:
    """``css`` with every reference replaced by ``to(reference)``, written quoted (a
    double quote in it escaped as ``%22``)."""
    def quoted(match: re.Match[str]) -> str:
        return '"' + to(target(match)).replace('"', "%22") + '"'

    css = URL.sub(lambda m: f"url({quoted(m)})", css)
    return _IMPORT_STRING.sub(lambda m: f"@import {quoted(m)}", css)

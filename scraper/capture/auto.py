"""Decide, for ``renderer = "auto"``, whether a fetched page must be rendered in a browser.

A page is rendered only when both hold: the text extracted from the HTML as fetched is
empty or tiny, and the markup shows client-side rendering. Either alone is not enough:
a short news brief is not a JavaScript app, and a server-rendered article that also
loads React for its comment box has its text already. Rendering costs a browser page
(hundreds of milliseconds, tens of megabytes), so a false "yes" is a cost and a false
"no" an empty record; the signals below are the ones SPA shells cannot avoid:

- an empty application mount: ``#root``, ``#app``, ``#__next``, ``#___gatsby``,
  ``#__nuxt``, ``#svelte``, ``[data-reactroot]``, ``<app-root>``, ``[ng-app]``... with
  no text in it;
- a ``<noscript>`` asking for JavaScript ("enable JavaScript", "requires JavaScript");
- script-heavy markup: several external or large inline scripts and almost no text in
  ``<body>`` outside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import lxml.html
from lxml import etree

MIN_BODY_CHARS = 500  # an extracted body shorter than this is "tiny"

_MOUNT_IDS = frozenset({"root", "app", "__next", "___gatsby", "__nuxt", "svelte", "main-app",
                        "react-root", "app-root", "application", "spa-root", "q-app"})
_MOUNT_TAGS = frozenset({"app-root", "ng-view"})
_MOUNT_ATTRS = ("data-reactroot", "ng-app", "data-server-rendered", "data-v-app")
_NOSCRIPT_JS = re.compile(
    r"(enable|turn on|activate|requires?|need|needs)\s+(your\s+)?javascript|"
    r"javascript\s+(is\s+)?(required|disabled|must be enabled|needs to be enabled)",
    re.IGNORECASE)
_SCRIPT_HEAVY = 3          # scripts (external, or inline over 1 KB) ...
_SCRIPT_HEAVY_TEXT = 200   # ... with less visible body text than this


@dataclass(frozen=True, kw_only=True)
class RenderSignals:
    """Why a page looks client-rendered (for the record's ``signals``)."""

    empty_mount: str | None
    noscript_js: bool
    scripts: int
    body_chars: int

    @property
    def client_rendered(self) -> bool:
        heavy = self.scripts >= _SCRIPT_HEAVY and self.body_chars < _SCRIPT_HEAVY_TEXT
        return bool(self.empty_mount) or self.noscript_js or heavy

    def describe(self) -> str:
        """A short reason: ``empty #root``, ``noscript``, ``scripts=12 text=40``."""
        parts = []
        if self.empty_mount:
            parts.append(f"empty {self.empty_mount}")
        if self.noscript_js:
            parts.append("noscript")
        if self.scripts >= _SCRIPT_HEAVY and self.body_chars < _SCRIPT_HEAVY_TEXT:
            parts.append(f"scripts={self.scripts} text={self.body_chars}")
        return ", ".join(parts)


def render_signals(html: bytes | str) -> RenderSignals:
    """Read the client-rendering signals of a page (see the module docstring)."""
    try:
        root = lxml.html.document_fromstring(html or b"<html></html>")
    except (etree.ParserError, ValueError):
        return RenderSignals(empty_mount=None, noscript_js=False, scripts=0, body_chars=0)
    mount = None
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        ident = (el.get("id") or "").lower()
        label = None
        if ident in _MOUNT_IDS:
            label = f"#{ident}"
        elif el.tag in _MOUNT_TAGS:
            label = f"<{el.tag}>"
        elif any(el.get(a) is not None for a in _MOUNT_ATTRS):
            label = f"[{next(a for a in _MOUNT_ATTRS if el.get(a) is not None)}]"
        if label and len(_visible_text(el)) < 40:
            mount = label
            break
    noscript = any(_NOSCRIPT_JS.search(el.text_content() or "") for el in root.iter("noscript"))
    scripts = sum(1 for el in root.iter("script")
                  if el.get("src") or len(el.text or "") > 1024)
    body = root.find("body")
    body_chars = len(_visible_text(body)) if body is not None else 0
    return RenderSignals(empty_mount=mount, noscript_js=noscript, scripts=scripts,
                         body_chars=body_chars)


_VISIBLE = etree.XPath(
    "descendant-or-self::text()[not(ancestor::script or ancestor::style "
    "or ancestor::noscript or ancestor::template)]")


def _visible_text(el: lxml.html.HtmlElement) -> str:
    return " ".join(t.strip() for t in _VISIBLE(el) if t.strip())


def needs_render(html: bytes | str, body_text: str, *,
                 min_chars: int = MIN_BODY_CHARS) -> bool:
    """Whether a page fetched with httpx must be rendered to capture its text.

    Args:
        html: the page as fetched.
        body_text: the body the extractor read from it (``Article.body``).
        min_chars: a body at least this long is enough; the page is not rendered.

    Returns:
        True when the body is under ``min_chars`` characters and the page shows a
        client-rendering signal (see :func:`render_signals`).
    """
    if len(body_text.strip()) >= min_chars:
        return False
    return render_signals(html).client_rendered

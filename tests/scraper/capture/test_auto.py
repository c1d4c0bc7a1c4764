"""needs_render: render only pages whose text is missing and that show client rendering."""

from __future__ import annotations

import pytest

from scraper.capture import needs_render, render_signals

LONG = "A paragraph of real reporting. " * 30


@pytest.mark.parametrize(("html", "body", "expected"), [
    ('<html><body><div id="root"></div><script src="/main.js"></script></body></html>', "", True),
    ('<html><body><div id="__next"></div></body></html>', "", True),
    ("<html><body><app-root></app-root></body></html>", "", True),
    ("<html><body><noscript>You need to enable JavaScript to run this app.</noscript></body></html>",
     "", True),
    ('<html><body><script src="a.js"></script><script src="b.js"></script>'
     '<script src="c.js"></script><p>Loading…</p></body></html>', "", True),
    # the description fallback is short text, not the article
    ('<html><head><meta name="description" content="A short teaser."></head>'
     '<body><div id="app"> </div></body></html>', "A short teaser.", True),
    # server-rendered: text is there, whatever scripts the page also has
    (f'<html><body><div id="root"><p>{LONG}</p></div><script src="/r.js"></script></body></html>',
     LONG, False),
    # a short brief without client-rendering signs is just short
    ("<html><body><p>Road closed until Friday.</p></body></html>", "Road closed until Friday.", False),
    # a full mount (server-rendered React) is not empty
    (f'<html><body><div id="root"><p>{LONG[:200]}</p></div></body></html>', LONG[:200], False),
    (b"", "", False),
    (b"\x00\xff\xfe", "", False),
])
def test_needs_render(html: str | bytes, body: str, expected: bool) -> None:
    assert needs_render(html, body) is expected


def test_signals_say_why() -> None:
    signals = render_signals('<div id="root"></div><noscript>Please enable JavaScript</noscript>')
    assert signals.client_rendered and signals.describe() == "empty #root, noscript"
    assert needs_render('<div id="root"></div>', "x" * 499)
    assert not needs_render('<div id="root"></div>', "x" * 500)
    assert needs_render('<div id="root"></div>', "x" * 900, min_chars=1000)

"""The served archive is read-only and private, and archived strings are inert: every
title, author, source and body carrying HTML or script is escaped on every page."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from archive.errors import ArchiveError
from archive.web import is_loopback, make_servers
from archive.web.security import replay_key
from tests.archive.web.conftest import (
    HOSTILE_AUTHOR,
    HOSTILE_SOURCE,
    HOSTILE_TITLE,
    XSS,
    Clients,
    Served,
    clients_for,
)

LIVE_TAG = re.compile(r"<script|<img src=x", re.IGNORECASE)


def _inert(html: str) -> None:
    """No archived payload became markup (our pages carry no script and no such img)."""
    assert not LIVE_TAG.search(html), LIVE_TAG.search(html)


def test_hostile_strings_are_escaped_everywhere(web: Clients) -> None:
    b = web.built
    pages = [f"/record/{b.hostile}", "/search?q=evil", "/search?q=plot&author=Eve",
             "/search?sort=date", "/sources", f"/snapshot/{b.hostile_capture}",
             "/trace?passage=said+the+evil+wire+about+the+plot", "/sites?days=400",
             "/history?url=https://hostile.example/x", f"/crawls/{b.running_crawl}",
             "/search?q=" + XSS]
    for path in pages:
        page = web.app.get(path)
        assert page.status_code in (200, 400), path
        _inert(page.text)
    record = web.app.get(f"/record/{b.hostile}").text
    assert "Hostile &lt;script&gt;window.__pwned=1&lt;/script&gt;" in record
    assert 'href="javascript:' not in record  # a link the page gave is shown, not followed
    search = web.app.get("/search", params={"q": "evil"}).text
    assert "Evil &lt;script&gt;" in search  # the source facet
    assert "Eve &lt;script&gt;" in search  # the author facet
    data = web.app.get(f"/api/record/{b.hostile}").json()  # JSON keeps the data exact
    assert data["title"] == HOSTILE_TITLE and data["authors"] == [HOSTILE_AUTHOR]
    assert data["attributions"][0]["source"] == HOSTILE_SOURCE


def test_headers_forbid_framing_and_foreign_content(web: Clients) -> None:
    page = web.app.get("/search")
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src" not in csp  # none needed: no script runs on the app's origin
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def test_only_get_and_head(web: Clients) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert web.app.request(method, "/api/search").status_code == 405
    assert web.app.head("/search").status_code == 200


def test_foreign_hosts_and_origins_are_refused(web: Clients) -> None:
    rebound = web.app.get("/api/search", headers={"host": "attacker.example"})
    assert rebound.status_code == 400  # DNS rebinding onto 127.0.0.1
    assert web.app.get("/api/search", headers={"host": "localhost:18080"}).status_code == 200
    from_frame = web.app.get("/api/search", headers={"origin": "null"})
    assert from_frame.status_code == 403
    cross = web.app.get("/api/search", headers={"sec-fetch-site": "cross-site",
                                                "sec-fetch-mode": "cors"})
    assert cross.status_code == 403
    same = web.app.get("/api/search", headers={"origin": "http://127.0.0.1:18080"})
    assert same.status_code == 200
    link = web.app.get("/search", headers={"sec-fetch-site": "cross-site",
                                           "sec-fetch-mode": "navigate"})
    assert link.status_code == 200  # following a link from elsewhere still works


@pytest.fixture
def guarded(served_sqlite: Served) -> Iterator[Clients]:
    yield from clients_for(served_sqlite, token="s3cret-token")


def test_token_is_required_on_every_request(guarded: Clients) -> None:
    app = guarded.app
    assert app.get("/search").status_code == 401
    assert app.get("/api/search", headers={"authorization": "Bearer wrong"}).status_code == 401
    assert app.get("/api/search",
                   headers={"authorization": "Bearer s3cret-token"}).status_code == 200
    first = app.get("/search?q=fox&token=s3cret-token", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"] == "/search?q=fox"
    cookie = first.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert app.get("/search?q=fox").status_code == 200  # the cookie carries it now
    app.cookies.clear()
    assert app.get("/static/style.css").status_code == 401


def test_replay_needs_its_key_behind_a_token(guarded: Clients) -> None:
    key = replay_key("s3cret-token")
    assert key not in "s3cret-token" and len(key) == 32
    path = "/20240101080000/https://origin.example/a"
    assert guarded.replay.get(path).status_code == 404
    assert guarded.replay.get(f"/k/{'0' * 32}{path}").status_code == 404
    assert guarded.replay.get(f"/k/{key}{path}").status_code == 200
    page = guarded.app.get(f"/snapshot/{guarded.built.origin_capture}",
                           headers={"authorization": "Bearer s3cret-token"})
    assert f'src="http://127.0.0.1:18081/k/{key}{path}"' in page.text


def test_other_addresses_need_a_token(served_sqlite: Served) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    with pytest.raises(ArchiveError, match="--token"):
        make_servers(served_sqlite.opener, host="0.0.0.0", port=0)

"""A small archive for the web app, on SQLite and PostgreSQL: an origin story in two
versions with an archived image and stylesheet, a copy crediting it by link, a hostile
page whose every archived string carries HTML and script, and two crawls (one running).
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from archive import Archive, ArchiveSettings, Article, Attribution, HttpResponse
from archive.web import ReaderPool, create_app, create_replay_app

QUOTE = ("the two countries have agreed to share intelligence on militant groups operating "
         "along the border, a senior official said on Tuesday")
PNG = base64.b64decode(  # 4x4 pixels: a 2x srcset candidate is still 2 wide
    "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAECAIAAAAmkwkpAAAAEElEQVR4nGOQj98PRwzEcQD5YxPRRs7PgwAAAABJRU5ErkJggg==")
XSS = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
HOSTILE_TITLE = f"Hostile {XSS} title"
HOSTILE_AUTHOR = f"Eve {XSS}"
HOSTILE_SOURCE = f"Evil {XSS} Wire"
HOSTILE_BODY = f"Opening. {XSS} said the evil wire about the plot. Closing words here."
APP_MARKER = '"hits"'  # in every /api/search answer; in nothing the replay origin serves
HOSTILE_HTML = """<!doctype html><html><head><title>hostile</title></head><body>
<h1 id="h">hostile page</h1><pre id="report">not run</pre>
<script>
var out = [];
if (parent === window) { out.push('parent:none'); } else {
  try { parent.document.body.innerHTML = 'PWNED'; out.push('parent:WROTE'); }
  catch (e) { out.push('parent:blocked'); } }
if (top === window) { out.push('top:none'); } else {
  try { top.document.title = 'PWNED'; out.push('top:WROTE'); } catch (e) { out.push('top:blocked'); } }
try { out.push('cookie:' + document.cookie); } catch (e) { out.push('cookie:blocked'); }
try { document.cookie = 'pwned=1; path=/'; out.push('setcookie:ok'); }
catch (e) { out.push('setcookie:blocked'); }
try { localStorage.setItem('pwned', '1'); out.push('storage:WROTE'); }
catch (e) { out.push('storage:blocked'); }
document.getElementById('report').textContent = out.join('\\n');
function check(label, url) {
  return fetch(url, {credentials: 'include'}).then(function (r) { return r.text(); })
    .then(function (t) { return label + ':' + (t.indexOf('""" + APP_MARKER + """') >= 0 ? 'READ' : 'no-data'); },
          function () { return label + ':blocked'; });
}
Promise.all([check('relative', '/api/search?q=newsarchive'),
             check('app', '__APP__/api/search?q=newsarchive')])
  .then(function (r) {
    document.getElementById('report').textContent = out.concat(r).join('\\n') + '\\ndone';
  });
</script></body></html>"""


@dataclass
class Built:
    """What the test archive holds, by id."""

    origin_v1: int
    origin_v2: int
    copy: int
    hostile: int
    hostile_capture: int
    origin_capture: int
    running_crawl: int
    finished_crawl: int


def _response(url: str, body: bytes, when: str, ctype: str = "text/html; charset=utf-8"
              ) -> HttpResponse:
    return HttpResponse(url=url, requested_url=url, status=200, reason="OK",
                        http_version="HTTP/1.1", headers=(("Content-Type", ctype),),
                        request_headers=(("User-Agent", "t"),), body=body, content=body,
                        fetched_at=when)


def _html(title: str, body: str, extra: str = "") -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    return (f"<!doctype html><html><head><title>{title}</title>"
            '<link rel="stylesheet" href="/style.css"></head><body>'
            f'<img src="logo.png" srcset="logo.png 1x, /logo.png 2x" alt="logo">{extra}'
            f"<h1>{title}</h1>{paragraphs}</body></html>").encode()


def build(arc: Archive) -> Built:
    """Fill ``arc`` (empty) with the web tests' archive."""
    o_url = "https://origin.example/a"
    body1 = f"Intro line.\n\n“{QUOTE}.”\n\nMore to come."
    body2 = f"Intro line, updated.\n\n“{QUOTE}.”\n\nMore to come.\n\nA new closing paragraph."
    crawl_done = arc.store.start_crawl(["https://origin.example/"], {"max_depth": 1})
    v1 = arc.store_response(
        _response(o_url, _html("Origin story", body1), "2024-01-01T08:00:00+00:00"),
        Article(url=o_url, title="Origin story", body=body1, published="2024-01-01T07:00:00Z",
                authors=("Ann Lee",), language="en", site_name="Origin Wire",
                signals={"title": "og", "published": "json-ld", "authors": "meta-author"}),
        page_url=o_url, crawl_id=crawl_done)
    arc.store_response(_response("https://origin.example/logo.png", PNG,
                                 "2024-01-01T08:00:01+00:00", "image/png"), None,
                       page_url="https://origin.example/logo.png", crawl_id=crawl_done)
    arc.store_response(_response("https://origin.example/style.css",
                                 b"body { background: url('bg.png') } h1 { color: #123 }",
                                 "2024-01-01T08:00:02+00:00", "text/css"), None,
                       page_url="https://origin.example/style.css", crawl_id=crawl_done)
    arc.finish_crawl(crawl_done, {"fetched": 3, "new": 3, "failed": {"timeout": 1}})
    v2 = arc.store_response(
        _response(o_url, _html("Origin story (updated)", body2), "2024-01-03T08:00:00+00:00"),
        Article(url=o_url, title="Origin story (updated)", body=body2,
                published="2024-01-01T07:00:00Z", authors=("Ann Lee", "Bo Chen"),
                language="en", site_name="Origin Wire"),
        page_url=o_url)
    c_url = "https://copier.example/b"
    c_body = f"Copy.\n\n{QUOTE}.\n\nEnd."
    start = c_body.index(QUOTE)
    copy = arc.store_response(
        _response(c_url, _html("Copy", c_body), "2024-01-02T08:00:00+00:00"),
        Article(url=c_url, title="Copied story", body=c_body, published="2024-01-02",
                authors=("Cy Copier",), language="fr",
                attributions=(Attribution(source="Origin Wire", passage=QUOTE, start=start,
                                          end=start + len(QUOTE), position=0,
                                          pattern="according_to", url=o_url),)),
        page_url=c_url)
    h_url = "https://hostile.example/x"
    h_start = HOSTILE_BODY.index("said")
    running = arc.store.start_crawl(["https://hostile.example/"], {})
    hostile = arc.store_response(
        _response(h_url, HOSTILE_HTML.encode(), "2024-02-01T08:00:00+00:00"),
        Article(url=h_url, title=HOSTILE_TITLE, body=HOSTILE_BODY, published="2024-02-01",
                authors=(HOSTILE_AUTHOR,), language="en", site_name=f"Site {XSS}",
                attributions=(Attribution(source=HOSTILE_SOURCE,
                                          passage=HOSTILE_BODY[h_start:h_start + 20],
                                          start=h_start, end=h_start + 20, position=0,
                                          pattern="said", url="javascript:alert(1)"),)),
        page_url=h_url, crawl_id=running)
    arc.frontier.add([("https://hostile.example/y", "hostile.example", 1, h_url),
                      ("https://hostile.example/z", "hostile.example", 1, h_url)], running)
    arc.store.rows("UPDATE frontier SET state = 'failed', last_error = 'http-503' "
         "WHERE url = ? RETURNING url", ("https://hostile.example/z",))
    return Built(origin_v1=v1.version_id or 0, origin_v2=v2.version_id or 0,
                 copy=copy.version_id or 0, hostile=hostile.version_id or 0,
                 hostile_capture=hostile.capture_id, origin_capture=v1.capture_id,
                 running_crawl=running, finished_crawl=crawl_done)


Opener = Callable[[], Archive]


@dataclass
class Served:
    """An archive to serve: how to open it, and what it holds."""

    opener: Opener
    built: Built
    backend: str


def _served(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Served:
    location = str(tmp_path / "arc") if backend == "sqlite" \
        else request.getfixturevalue("pg_url")
    settings = ArchiveSettings(path=location, warc_root=str(tmp_path / "files"))
    with Archive(location, settings, create=True) as arc:
        built = build(arc)
    return Served(opener=lambda: Archive(location, settings), built=built, backend=backend)


@pytest.fixture(params=["sqlite", "postgresql"])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Served:
    """The test archive on each backend."""
    return _served(request.param, tmp_path, request)


@pytest.fixture
def served_sqlite(request: pytest.FixtureRequest, tmp_path: Path) -> Served:
    """The test archive on SQLite only (checks that do not depend on the backend)."""
    return _served("sqlite", tmp_path, request)


@dataclass
class Clients:
    """Test clients of the app and of its replay origin."""

    app: TestClient
    replay: TestClient
    built: Built


REPLAY_PORT = 18081


def clients_for(served: Served, token: str | None = None) -> Iterator[Clients]:
    pool = ReaderPool(served.opener, size=2)
    app = create_app(pool, replay_port=REPLAY_PORT, token=token)
    replay = create_replay_app(pool, token=token, app_port=18080)
    try:
        with TestClient(app, base_url="http://127.0.0.1:18080") as a, \
                TestClient(replay, base_url=f"http://127.0.0.1:{REPLAY_PORT}") as r:
            yield Clients(app=a, replay=r, built=served.built)
    finally:
        pool.close()


@pytest.fixture
def web(served: Served) -> Iterator[Clients]:
    """Clients of the app over the test archive, on each backend."""
    yield from clients_for(served)


@pytest.fixture
def web_sqlite(served_sqlite: Served) -> Iterator[Clients]:
    """Clients of the app over the test archive on SQLite."""
    yield from clients_for(served_sqlite)

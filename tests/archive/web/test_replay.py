"""The replay origin: archived bytes by URL and time, revisits resolved, HTML and CSS
pointed back at the replay origin, always under a sandbox policy."""

from __future__ import annotations

from pathlib import Path

from archive import Archive
from archive.browse import replay_lookup
from archive.web.rewrite import Rewriter
from tests.archive.web.conftest import PNG, Clients, Served, _html, _response

PREFIX = "http://127.0.0.1:18081"


def test_page_is_rewritten_to_the_replay_origin(web: Clients) -> None:
    page = web.replay.get("/20240101080000/https://origin.example/a")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert csp.startswith("sandbox allow-scripts;") and "allow-same-origin" not in csp
    assert "default-src http://127.0.0.1:18081 " in csp
    assert "frame-ancestors http://127.0.0.1:18080" in csp
    html = page.text
    assert f'src="{PREFIX}/20240101080000/https://origin.example/logo.png"' in html
    assert (f'srcset="{PREFIX}/20240101080000/https://origin.example/logo.png 1x, '
            f'{PREFIX}/20240101080000/https://origin.example/logo.png 2x"') in html
    assert f'href="{PREFIX}/20240101080000/https://origin.example/style.css"' in html
    assert "<h1>Origin story</h1>" in html  # the version current at that time
    later = web.replay.get("/20240105000000/https://origin.example/a")
    assert "Origin story (updated)" in later.text
    assert later.headers["x-archive-capture"] != page.headers["x-archive-capture"]


def test_images_and_styles_come_from_the_archive(web: Clients) -> None:
    image = web.replay.get("/20240101080000/https://origin.example/logo.png")
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    css = web.replay.get("/20240101080000/https://origin.example/style.css")
    assert f'url("{PREFIX}/20240101080000/https://origin.example/bg.png")' in css.text
    raw = web.replay.get("/20240101080000id_/https://origin.example/style.css")
    assert raw.text.startswith("body { background: url('bg.png')")
    assert web.replay.get("/20240101080000/https://origin.example/nothing.png").status_code == 404
    assert web.replay.get("/api/search?q=fox").status_code == 404  # no app here


def test_revisit_replays_the_original_bytes(served_sqlite: Served, tmp_path: Path) -> None:
    with served_sqlite.opener() as arc:
        url = "https://origin.example/a"
        payload = _html("Origin story (updated)", "")
        # same bytes again: stored as a revisit pointing at the earlier capture
        arc.store_response(_response(url, arc.latest_payload(url) or payload,
                                     "2024-03-01T00:00:00+00:00"), None, page_url=url)
        hit = replay_lookup(arc.store, url, "2024-03-01T00:00:00+00:00",
                            warc_dir=arc.path / "warc")
        assert hit is not None and hit.capture_id != hit.payload_capture
        assert b"Origin story (updated)" in hit.payload
        assert replay_lookup(arc.store, url, None, warc_dir=arc.path / "warc") == hit
        assert replay_lookup(arc.store, "https://nowhere.example/", None) is None


def test_rewriter_handles_base_styles_and_leaves_other_schemes() -> None:
    rw = Rewriter("https://a.example/dir/page", PREFIX, "20240101000000")
    html = rw.html(b'<html><head><base href="https://b.example/x/">'
                   b'<meta http-equiv="refresh" content="0;url=https://live.example/">'
                   b"<style>div{background:url(a.png)}</style></head>"
                   b'<body><a href="rel">r</a><a href="#top">t</a><a href="mailto:x@y">m</a>'
                   b'<script src="s.js" integrity="sha384-x"></script>'
                   b'<div style="background: url(\'/p.png\')"></div></body></html>').decode()
    assert f'href="{PREFIX}/20240101000000/https://b.example/x/rel"' in html
    assert 'href="#top"' in html and 'href="mailto:x@y"' in html
    assert "<base" not in html and "refresh" not in html and "integrity" not in html
    assert f'url("{PREFIX}/20240101000000/https://b.example/x/a.png")' in html
    assert f"url(&quot;{PREFIX}/20240101000000/https://b.example/p.png&quot;)" in html or \
        f'url("{PREFIX}/20240101000000/https://b.example/p.png")' in html
    assert rw.html(b"") == b""


def test_lookup_on_archive_api(served: Served) -> None:
    with served.opener() as arc:
        assert isinstance(arc, Archive)
        hit = replay_lookup(arc.store, "https://origin.example/logo.png",
                            "2030-01-01T00:00:00Z", warc_dir=arc.path / "warc")
        assert hit is not None and hit.payload == PNG and hit.content_type == "image/png"

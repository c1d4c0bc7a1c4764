"""Every page and its JSON twin, on both backends: search with facets, records with
their signals and attributions, history, diff, snapshot, sources, trace, sites, crawls."""

from __future__ import annotations

import re

from archive.web.pages import Args, Param
from tests.archive.web.conftest import QUOTE, Clients


def test_search_highlights_and_counts(web: Clients) -> None:
    page = web.app.get("/search", params={"q": '"share intelligence"', "since": "2024-01-01"})
    assert page.status_code == 200
    assert "<mark>share intelligence</mark>" in page.text or \
        "<mark>share</mark> <mark>intelligence</mark>" in page.text
    assert 'href="/record/2"' in page.text and 'href="/record/3"' in page.text
    assert "<svg class=\"chart\"" in page.text  # hits over time
    data = web.app.get("/api/search", params={"q": '"share intelligence"',
                                              "since": "2024-01-01"}).json()
    assert sorted(h["id"] for h in data["hits"]) == [2, 3]
    hit = data["hits"][0]
    for key in ("id", "url", "site", "captured_at", "title", "authors", "body", "snippet",
                "score", "attributions", "signals", "fetched_url"):  # query --json's fields
        assert key in hit
    facets = data["facets"]
    assert facets["total"] == 2 and not facets["truncated"]
    assert {f["value"]: f["count"] for f in facets["facets"]["site"]} == \
        {"origin.example": 1, "copier.example": 1}
    assert {f["value"] for f in facets["facets"]["author"]} == {"Ann Lee", "Bo Chen", "Cy Copier"}
    assert facets["facets"]["source"] == [{"value": "Origin Wire", "count": 1}]
    assert {f["value"] for f in facets["facets"]["language"]} == {"en", "fr"}
    assert facets["months"] == [{"month": "2024-01", "count": 2}]


def test_search_filters_and_facet_links(web: Clients) -> None:
    data = web.app.get("/api/search", params={"q": "intelligence", "language": "fr"}).json()
    assert [h["id"] for h in data["hits"]] == [3]
    page = web.app.get("/search", params={"q": "intelligence"})
    assert 'href="/search?q=intelligence&amp;site=copier.example"' in page.text
    browse = web.app.get("/api/search", params={"sort": "date", "facets": "false"}).json()
    assert "facets" not in browse and browse["hits"][0]["id"] == 4


def test_invalid_search_is_a_400_with_advice(web: Clients) -> None:
    page = web.app.get("/search", params={"q": '"unterminated'})
    assert page.status_code == 400 and "double quotes" in page.text
    api = web.app.get("/api/search", params={"q": '"unterminated'})
    assert api.status_code == 400 and "double quotes" in api.json()["error"]
    assert web.app.get("/api/search", params={"page": "two"}).status_code == 400
    assert web.app.get("/api/search", params={"sort": "sideways"}).status_code == 400


def test_record_shows_signals_attributions_and_timeline(web: Clients) -> None:
    b = web.built
    page = web.app.get(f"/record/{b.origin_v1}")
    assert page.status_code == 200
    assert re.search(r"<th>title</th><td>Origin story</td><td class=\"signal\">og</td>",
                     page.text)
    assert 'href="/snapshot/1"' in page.text and "no screenshot archived" in page.text
    assert f"/diff?url=https%3A%2F%2Forigin.example%2Fa&amp;from={b.origin_v1}" in page.text
    copy = web.app.get(f"/record/{b.copy}")
    # the attributed passage is highlighted and linked to its entry, which links to the
    # source's own page, archived here
    assert f'<a class="attr" id="attribution-0" href="#source-0" title="credited to Origin Wire">' \
        f"<mark>{QUOTE}</mark></a>" in copy.text
    assert f'<a class="archived" href="/record/{b.origin_v2}">' in copy.text
    data = web.app.get(f"/api/record/{b.copy}").json()
    assert data["id"] == b.copy and data["attributions"][0]["source"] == "Origin Wire"
    assert data["archived_sources"] == {"0": b.origin_v2}
    assert data["history"]["url"] == "https://copier.example/b"
    assert data["snapshot"]["replay_path"] == "/20240102080000/https://copier.example/b"
    assert web.app.get("/record/999").status_code == 404
    assert web.app.get("/api/record/999").json()["error"].startswith("no record")


def test_history_and_diff_side_by_side(web: Clients) -> None:
    b = web.built
    history = web.app.get("/api/history", params={"url": "https://origin.example/a"}).json()
    assert [v["id"] for v in history["versions"]] == [b.origin_v1, b.origin_v2]
    page = web.app.get("/diff", params={"url": "https://origin.example/a"})
    assert page.status_code == 200
    assert "<del>line.</del>" in page.text and "<ins>line, updated.</ins>" in page.text
    assert '<tr class="insert"><td></td><td>A new closing paragraph.</td></tr>' in page.text
    data = web.app.get("/api/diff", params={"url": "https://origin.example/a",
                                            "from": str(b.origin_v1),
                                            "to": str(b.origin_v2)}).json()
    assert data["fields"]["title"] == {"old": "Origin story", "new": "Origin story (updated)"}
    assert data["fields"]["authors"]["new"] == ["Ann Lee", "Bo Chen"]
    assert "+A new closing paragraph." in data["body_diff"]  # as `diff --json`
    assert {"op": "insert", "old": None, "new": "A new closing paragraph."} in \
        data["side_by_side"]
    missing = web.app.get("/diff", params={"url": "https://nowhere.example/"})
    assert missing.status_code == 404
    assert web.app.get("/api/diff").status_code == 400


def test_snapshot_frames_the_replay_origin_in_a_sandbox(web: Clients) -> None:
    page = web.app.get(f"/snapshot/{web.built.hostile_capture}")
    frame = re.search(r"<iframe[^>]*>", page.text)
    assert frame is not None
    tag = frame.group(0)
    assert 'sandbox="allow-scripts"' in tag and "allow-same-origin" not in tag
    assert 'src="http://127.0.0.1:18081/20240201080000/https://hostile.example/x"' in tag
    assert web.app.get("/snapshot/999").status_code == 404
    assert web.app.get(f"/screenshot/{web.built.hostile_capture}").status_code == 404  # none yet


def test_sources_trace_sites_crawls(web: Clients) -> None:
    b = web.built
    sources = web.app.get("/api/sources").json()["sources"]
    wire = next(s for s in sources if s["source"] == "Origin Wire")
    assert wire["articles"] == 1 and wire["months"] == [{"month": "2024-01", "count": 1}]
    assert "<svg class=\"spark\"" in web.app.get("/sources").text
    trace = web.app.get("/api/trace", params={"passage": QUOTE}).json()
    ids = [a["record_id"] for a in trace["articles"]]
    assert ids == [b.origin_v1, b.copy]  # the origin first, then the copy under it
    assert trace["articles"][1]["parent"] == b.origin_v1
    page = web.app.get("/trace", params={"passage": QUOTE})
    assert '<svg class="timeline"' in page.text and '<ul class="tree">' in page.text
    assert web.app.get("/api/trace", params={"passage": "two words"}).status_code == 400
    sites = web.app.get("/api/sites", params={"days": "400"}).json()
    assert {s["site"] for s in sites["sites"]} >= {"origin.example", "copier.example"}
    assert sites["per_day"]["copier.example"] == [{"day": "2024-01-02", "count": 1}]
    crawls = web.app.get("/api/crawls").json()["crawls"]
    assert [c["id"] for c in crawls] == [b.running_crawl, b.finished_crawl]
    assert crawls[0]["running"] and not crawls[1]["running"]
    assert crawls[1]["captures"] == {"response": 3} and crawls[1]["new_versions"] == 1
    live = web.app.get(f"/api/crawls/{b.running_crawl}").json()["progress"]
    assert live["states"] == {"queued": 1, "failed": 1}
    assert live["failures"] == [{"reason": "http-503", "count": 1}]
    page = web.app.get(f"/crawls/{b.running_crawl}")
    assert '<meta http-equiv="refresh" content="5">' in page.text
    done = web.app.get(f"/crawls/{b.finished_crawl}")
    assert "refresh" not in done.text and "timeout: 1" in done.text
    assert web.app.get("/crawls/99").status_code == 404


def test_openapi_describes_every_api_path(web: Clients) -> None:
    spec = web.app.get("/api/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path in ("/api/search", "/api/record/{id}", "/api/history", "/api/diff",
                 "/api/snapshot/{id}", "/api/sources", "/api/trace", "/api/sites",
                 "/api/crawls", "/api/crawls/{id}"):
        assert path in spec["paths"], path
        concrete = path.replace("{id}", "1")
        params = {p["name"]: "x" for p in spec["paths"][path]["get"]["parameters"]
                  if p["required"] and p["in"] == "query"}
        if "url" in params:
            params["url"] = "https://origin.example/a"
        assert web.app.get(concrete, params=params).status_code == 200, path
    assert "/api/search" in web.app.get("/api").text


def test_args_read_declared_types() -> None:
    args = Args({"n": "3", "flag": "yes", "empty": ""},
                (Param(name="n", description="", type="integer"),
                 Param(name="d", description="", default=7)))
    assert args.integer("n") == 3 and args.flag("flag") and args.text("empty") is None
    assert args.integer("d") == 7 and args.text("missing") is None

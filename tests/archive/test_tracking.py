"""How stories change and what front pages showed, on both backends: edit labels stored
with each new version (and none for volatile noise), the edit listing and its feeds, the
front-page link lists, and the revisit schedule with its claims."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

from archive import Archive, Article
from archive.changelog import (
    label_missing,
    labels_of,
    list_edits,
    unlabelled,
    write_atom,
    write_csv,
)
from archive.errors import QuerySyntaxError, RecordNotFoundError
from archive.frontpage import FrontLink, front_page_at, prominence, record_front
from archive.schedule import RevisitPolicy, Schedule
from tests.archive.test_archive import HTML, _response
from tests.archive.test_backends import Opener, backend  # noqa: F401  (the fixture)

BODY = ["The council approved the new budget on Tuesday after a long debate about "
        "spending on schools and roads.",
        "“This budget protects the services people rely on every day,” the mayor said.",
        "The opposition said the plan left too little for housing and would be revisited "
        "in the spring."]


def _story(*paragraphs: str, title: str = "Council passes budget") -> Article:
    return Article(title=title, body="\n\n".join(paragraphs or BODY), authors=("Ann Lee",),
                   published="2026-03-02T09:00:00+00:00")


def _store(arc: Archive, article: Article, when: str, url: str = "https://news.example/a",
           payload: bytes = b"") -> str:
    body = HTML.replace(b"fox", payload or when.encode())
    return arc.store_response(_response(url=url, body=body, when=when), article,
                              page_url=url).outcome


def test_new_versions_are_labelled_and_noise_makes_none(
        backend: tuple[str, Opener]) -> None:  # noqa: F811
    _, open_ = backend
    with open_(create=True) as arc:
        assert _store(arc, _story(), "2026-03-02T10:00:00+00:00") == "new"
        # a clock line and a counter differ: the same version, no labels
        noisy = _story("Updated 5 minutes ago", *BODY, "1,204 views")
        assert _store(arc, noisy, "2026-03-02T10:10:00+00:00") == "unchanged"
        edited = _story(*BODY, "Correction: An earlier version of this article misstated "
                        "the day of the vote.", title="Council passes budget after debate")
        assert _store(arc, edited, "2026-03-02T11:00:00+00:00") == "new-version"
        other = _story("A new bridge opened to traffic on Friday, two years after the old "
                       "one was closed for repairs.", title="Bridge opens")
        _store(arc, other, "2026-03-02T09:00:00+00:00", url="https://www.other.example/b")
        _store(arc, _story("A new bridge opened to traffic on Friday, two years after the "
                           "old one was closed for repairs and a long wait.",
                           title="Bridge opens"),
               "2026-03-03T09:00:00+00:00", url="https://www.other.example/b")
        assert arc.store.counts()["versions"] == 4
        (latest,) = [r for r in arc.records() if r.url.endswith("/a") and r.version == 2]
        assert [x.kind for x in labels_of(arc.store, latest.id)] == ["headline", "correction"]
        edits = list_edits(arc.store)
        assert [e.url for e in edits] == ["https://www.other.example/b",
                                          "https://news.example/a"]
        assert edits[1].kinds == ("headline", "correction")
        assert edits[1].previous_id == edits[1].version_id - 1
        assert edits[0].kinds == ("standfirst", "silent-edit")  # its only paragraph
        assert [e.url for e in list_edits(arc.store, kinds=["correction"])] == \
            ["https://news.example/a"]
        assert [e.site for e in list_edits(arc.store, site="www.other.example")] == \
            ["other.example"]
        assert [e.url for e in list_edits(arc.store, since="2026-03-03")] == \
            ["https://www.other.example/b"]
        assert len(list_edits(arc.store, limit=1)) == 1
        with pytest.raises(QuerySyntaxError, match="unknown kind of change 'typo'"):
            list_edits(arc.store, kinds=["typo"])
        out = io.StringIO()
        assert write_csv(edits, out) == 2
        rows = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert rows[1]["kinds"] == "headline; correction"
        feed = io.StringIO()
        assert write_atom(edits, feed, feed_id="urn:test:feed") == 2
        atom = ET.fromstring(feed.getvalue())
        ns = {"a": "http://www.w3.org/2005/Atom"}
        entries = atom.findall("a:entry", ns)
        assert [e.findtext("a:id", namespaces=ns) for e in entries] == \
            [f"urn:test:feed/version/{edits[0].version_id}",
             f"urn:test:feed/version/{edits[1].version_id}"]
        assert entries[1].findtext("a:title", namespaces=ns).startswith(
            "[headline, correction] Council passes budget after debate")
        assert [c.get("term") for c in entries[1].findall("a:category", ns)] == \
            ["headline", "correction"]
        assert atom.findtext("a:updated", namespaces=ns) == "2026-03-03T09:00:00+00:00"


def test_versions_from_before_labelling_are_labelled_on_request(
        backend: tuple[str, Opener]) -> None:  # noqa: F811
    _, open_ = backend
    with open_(create=True) as arc:
        _store(arc, _story(), "2026-03-02T10:00:00+00:00")
        _store(arc, _story(title="Council passes budget at last"), "2026-03-02T11:00:00+00:00")
        with arc.store.transaction():  # as an archive made before issue 18 has them
            arc.store.execute("DELETE FROM version_changes")
        assert unlabelled(arc.store) == 1 and list_edits(arc.store) == []
        assert label_missing(arc.store) == 1
        assert unlabelled(arc.store) == 0
        assert list_edits(arc.store)[0].kinds == ("headline",)
        assert label_missing(arc.store) == 0


FRONT = "https://news.example/"


def _front(arc: Archive, when: str, links: list[tuple[str, str]] | None) -> int:
    """A capture of the front page at ``when`` showing ``links`` (None: a 304)."""
    body = HTML.replace(b"fox", when.encode())
    response = _response(url=FRONT, body=b"" if links is None else body, when=when,
                         status=304 if links is None else 200)
    result = arc.store_response(response, None, page_url=FRONT)
    page_id = arc.store.find_page(FRONT)[0]
    shown = None if links is None else [FrontLink(n, f"https://news.example/{u}", h)
                                        for n, (u, h) in enumerate(links, 1)]
    record_front(arc.store, capture_id=result.capture_id, page_id=page_id, fetched_at=when,
                 links=shown)
    return result.capture_id


def test_front_page_lists_and_prominence(backend: tuple[str, Opener]) -> None:  # noqa: F811
    _, open_ = backend
    with open_(create=True) as arc:
        first = _front(arc, "2026-03-02T10:00:00+00:00", [("a", "Budget passes"),
                                                           ("b", "Bridge opens")])
        _front(arc, "2026-03-02T10:10:00+00:00", [("a", "Budget passes"), ("b", "Bridge opens")])
        _front(arc, "2026-03-02T10:20:00+00:00", None)  # 304: the same list
        third = _front(arc, "2026-03-02T10:30:00+00:00", [("c", "Storm warning"),
                                                          ("a", "Budget passes at last")])
        _front(arc, "2026-03-02T10:40:00+00:00", [("b", "Bridge opens again"),
                                                  ("c", "Storm warning")])
        # unchanged captures store no links of their own
        rows = arc.store.rows("SELECT count(*) FROM front_links")
        assert rows[0][0] == 6
        view = front_page_at(arc.store, FRONT, "2026-03-02T10:25:00+00:00")
        assert view.since == "2026-03-02T10:00:00+00:00"
        assert view.captured_at == "2026-03-02T10:20:00+00:00"
        assert [x.headline for x in view.links] == ["Budget passes", "Bridge opens"]
        assert front_page_at(arc.store, FRONT, "2026-03-02T11:05:00+01:00").capture_id == first
        latest = front_page_at(arc.store, FRONT)
        assert [x.url.rsplit("/", 1)[1] for x in latest.links] == ["b", "c"]
        assert front_page_at(arc.store, FRONT, "2026-03-02T10:35:00Z").capture_id == third
        with pytest.raises(RecordNotFoundError, match="first captured as a front page"):
            front_page_at(arc.store, FRONT, "2026-03-01")
        with pytest.raises(QuerySyntaxError, match="not a time"):
            front_page_at(arc.store, FRONT, "noon")

        (a,) = prominence(arc.store, "https://news.example/a")
        assert (a.first_seen, a.last_seen, a.left) == (
            "2026-03-02T10:00:00+00:00", "2026-03-02T10:30:00+00:00",
            "2026-03-02T10:40:00+00:00")
        assert a.best_position == 1 and a.captures == 4
        assert a.headlines == ("Budget passes", "Budget passes at last")
        (b,) = prominence(arc.store, "https://news.example/b/")  # a trailing slash is fine
        assert b.spans == (("2026-03-02T10:00:00+00:00", "2026-03-02T10:30:00+00:00"),
                           ("2026-03-02T10:40:00+00:00", None))
        assert b.left is None and b.best_position == 1
        with pytest.raises(RecordNotFoundError, match="no archived front page"):
            prominence(arc.store, "https://news.example/zzz")


def test_front_list_changes_say_what_is_new(backend: tuple[str, Opener]) -> None:  # noqa: F811
    _, open_ = backend
    with open_(create=True) as arc:
        arc.store_response(_response(url=FRONT), None, page_url=FRONT)
        page_id = arc.store.find_page(FRONT)[0]
        first = record_front(arc.store, capture_id=1, page_id=page_id,
                             fetched_at="2026-03-02T10:00:00+00:00",
                             links=[FrontLink(1, "https://news.example/a", "A")])
        assert [x.url for x in first.added] == ["https://news.example/a"]
        arc.store_response(_response(url=FRONT, body=HTML + b" "), None, page_url=FRONT)
        delta = record_front(arc.store, capture_id=2, page_id=page_id,
                             fetched_at="2026-03-02T10:10:00+00:00",
                             links=[FrontLink(1, "https://news.example/b", "B"),
                                    FrontLink(2, "https://news.example/a", "A, updated")])
        assert [x.url for x in delta.added] == ["https://news.example/b"]
        assert [x.headline for x in delta.retitled] == ["A, updated"]


def test_schedule(backend: tuple[str, Opener]) -> None:  # noqa: F811
    _, open_ = backend
    policy = RevisitPolicy(front_every=600, article_min=600, article_max=4800, young=3600,
                           max_age=86400)
    t = 1_000_000.0
    with open_(create=True) as arc:
        schedule = Schedule(arc.store, policy)
        assert schedule.add([(FRONT, "news.example")], kind="front", now=t) == 1
        assert schedule.add([("https://news.example/a", "news.example"),
                             ("https://news.example/b", "news.example")], kind="article",
                            now=t, source_url=FRONT) == 2
        assert schedule.add([("https://news.example/a", "news.example")], kind="article",
                            now=t) == 0
        assert schedule.counts() == {"front": 1, "article": 2, "retired": 0}
        # one process claims, another finds nothing until the lease runs out
        mine = schedule.claim(t, limit=2, worker="w1", lease=60)
        assert [r.url for r in mine] == [FRONT, "https://news.example/a"]
        assert all(r.claimed_by == "w1" for r in mine)
        theirs = schedule.claim(t, limit=5, worker="w2", lease=60)
        assert [r.url for r in theirs] == ["https://news.example/b"]
        assert schedule.claim(t + 30, limit=5, worker="w3", lease=60) == []
        assert len(schedule.claim(t + 61, limit=5, worker="w3", lease=60)) == 3
        # a check moves the next one by the policy, and frees the claim
        schedule.checked([FRONT], changed=False, now=t + 100)
        (front,) = schedule.get([FRONT])
        assert (front.next_at, front.checks, front.claimed_by) == (t + 700, 1, None)
        a = "https://news.example/a"

        def interval_after(changed: bool, at: float) -> float:
            schedule.checked([a], changed=changed, now=at)
            (row,) = schedule.get([a])
            assert row.next_at == at + row.interval
            return row.interval

        assert interval_after(False, t + 600) == 600  # young: the shortest
        assert [interval_after(False, t + 3600 + n) for n in range(4)] == \
            [1200, 2400, 4800, 4800]  # then doubling up to the longest
        assert interval_after(True, t + 7200) == 600  # back to the shortest after a change
        (row,) = schedule.get([a])
        assert (row.changes, row.last_changed) == (1, t + 7200)
        schedule.checked([a], changed=False, now=t + 86400)  # too old: no more checks
        assert schedule.get([a])[0].next_at is None
        assert schedule.counts() == {"front": 1, "article": 1, "retired": 1}
        # made due at once (a new headline on a front page), unless retired
        schedule.checked(["https://news.example/b"], changed=False, now=t + 100)
        assert schedule.due_now([a, "https://news.example/b"], t + 150) == 1
        assert schedule.next_due() == t + 150
        # what a process claimed and did not check is due again after its interval
        schedule.claim(t + 200_000, limit=5, worker="w4", lease=60)
        assert schedule.release("w4", t + 200_000) == 2
        assert {r.url: r.next_at for r in schedule.entries()} == {
            FRONT: t + 200_600, "https://news.example/b": t + 200_600, a: None}
        schedule.retire([FRONT], t)
        assert schedule.counts()["retired"] == 2
        # watching a page as a front page makes it one
        schedule.add([("https://news.example/b", "news.example")], kind="front", now=t)
        assert schedule.get(["https://news.example/b"])[0].kind == "front"
        assert json.dumps(schedule.entries()[0].to_dict())

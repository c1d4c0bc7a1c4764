"""Revisit rounds against a loopback news site, on a clock the test moves: the schedule,
front-page lists, edit labels and the commands (watch, crawl --revisit, changes,
frontpage, prominence)."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
import signal
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive
from archive.changelog import list_edits
from archive.frontpage import front_page_at, prominence
from scraper.config import Settings
from scraper.crawl import Crawler
from scraper.watch import Watcher
from tests.conftest import REPO, cli
from tests.scraper.newsroom import Newsroom, Story

T0 = 1_772_445_600.0  # 2026-03-02 10:00 UTC
P = ["The council approved the new budget on Tuesday after a long debate about spending "
     "on schools and roads across the city.",
     "The opposition said the plan left too little for housing and promised to raise it "
     "again in the spring session.",
     "Officials said the first payments would be made next month once the final figures "
     "had been checked by auditors."]


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def site() -> Iterator[Newsroom]:
    with Newsroom() as room:
        room.desk.stories["budget-passes-after-debate"] = Story("Budget passes", list(P))
        room.desk.stories["bridge-opens-to-traffic"] = Story(
            "Bridge opens", [p.replace("budget", "bridge") for p in P], etag=False)
        room.desk.front = ["budget-passes-after-debate", "bridge-opens-to-traffic"]
        yield room


BUDGET = "/news/budget-passes-after-debate"
BRIDGE = "/news/bridge-opens-to-traffic"


def _round(watcher: Watcher) -> int:
    return asyncio.run(watcher.round()).checked


def test_rounds_follow_the_schedule(site: Newsroom, settings: Settings,
                                    archive: Archive) -> None:
    clock = Clock()
    watcher = Watcher(settings, archive, clock=clock)
    assert watcher.add_fronts([site.url("/"), "not a url"]) == 1
    assert _round(watcher) == 3  # the front page, then the two stories it shows
    assert site.desk.requests("/") == [200] and site.desk.requests(BUDGET) == [200]
    assert watcher.schedule.counts() == {"front": 1, "article": 2, "retired": 0}
    view = front_page_at(archive.store, site.url("/"))
    assert [(x.position, x.headline) for x in view.links] == [(1, "Budget passes"),
                                                               (2, "Bridge opens")]
    assert _round(watcher) == 0  # nothing due yet: no request at all
    assert len(site.desk.log) == 4  # robots.txt, once

    clock.now += 600  # unchanged: a 304 where the site allows it; the clock on the page
    assert _round(watcher) == 3  # and its counter make no new version where it does not
    assert site.desk.requests(BUDGET) == [200, 304]
    assert site.desk.requests(BRIDGE) == [200, 200]
    assert archive.store.counts()["versions"] == 3

    clock.now += 600  # an edit with a correction note
    site.desk.stories["budget-passes-after-debate"].paragraphs.append(
        "Correction: An earlier version of this article misstated the day of the vote.")
    assert asyncio.run(watcher.round()).changed == 1
    (edit,) = list_edits(archive.store)
    assert edit.url == site.url(BUDGET) and edit.kinds == ("correction",)

    # past its young hours, an unchanged story is checked less and less often
    intervals = []
    while len(intervals) < 3:
        clock.now = watcher.schedule.get([site.url(BRIDGE)])[0].next_at or 0
        _round(watcher)
        if clock.now - T0 >= settings.watch.young:
            intervals.append(watcher.schedule.get([site.url(BRIDGE)])[0].interval)
    assert intervals == [1200, 2400, 4800]

    # a new headline on the front page makes the story due at once, and a new story is
    # checked in the same round; a story that went away is no longer checked
    site.desk.stories["bridge-opens-to-traffic"].headline = "Bridge opens, a year late"
    site.desk.stories["storm-warning-for-the-coast"] = Story("Storm warning", list(P))
    site.desk.front = ["storm-warning-for-the-coast", "bridge-opens-to-traffic",
                       "budget-passes-after-debate"]
    clock.now = watcher.schedule.get([site.url("/")])[0].next_at or 0
    bridge_checks = len(site.desk.requests(BRIDGE))
    stats = asyncio.run(watcher.round())
    assert len(site.desk.requests(BRIDGE)) == bridge_checks + 1
    assert site.desk.requests("/news/storm-warning-for-the-coast") == [200]
    assert stats.new_articles == 1 and stats.changed >= 1
    assert ("headline",) in [e.kinds for e in list_edits(archive.store)]
    del site.desk.stories["storm-warning-for-the-coast"]
    site.desk.front.remove("storm-warning-for-the-coast")
    clock.now += 600
    _round(watcher)
    assert watcher.schedule.get([site.url("/news/storm-warning-for-the-coast")])[0].next_at \
        is None
    (seen,) = prominence(archive.store, site.url(BRIDGE))
    assert seen.best_position == 1 and seen.left is None  # top once the storm story went
    assert seen.headlines == ("Bridge opens", "Bridge opens, a year late")


def test_any_crawl_of_a_watched_page_moves_its_schedule(
        site: Newsroom, settings: Settings, archive: Archive) -> None:
    clock = Clock()
    watcher = Watcher(settings, archive, clock=clock)
    watcher.add_fronts([site.url("/")])
    _round(watcher)
    before = watcher.schedule.get([site.url(BUDGET)])[0]
    one = dataclasses.replace(settings, crawl=dataclasses.replace(settings.crawl, max_depth=0))
    asyncio.run(Crawler(one, archive).run([site.url(BUDGET)]))  # a plain crawl, real clock
    after = watcher.schedule.get([site.url(BUDGET)])[0]
    assert after.checks == before.checks + 1 and (after.last_checked or 0) > T0


def _cli(archive: Path, *args: str) -> str:
    out = cli(*args, "--archive", str(archive))
    assert out.returncode == 0, out.stderr.decode()
    return out.stdout.decode()


def test_commands(site: Newsroom, tmp_path: Path) -> None:
    arc = tmp_path / "arc"
    flags = ("--allow-private", "--delay", "0", "--watch-poll", "0.05")
    out = cli("watch", site.url("/"), "--rounds", "2", *flags, "--archive", str(arc))
    assert out.returncode == 0, out.stderr
    assert b"watching 1 front page(s) (1 new)" in out.stderr
    assert out.stderr.count(b" round: ") == 2 and b"3 checked" in out.stderr
    entries = [json.loads(x) for x in _cli(arc, "watch", "--list", "--json").splitlines()]
    assert {e["kind"] for e in entries} == {"front", "article"} and len(entries) == 3
    assert "article" in _cli(arc, "watch", "--list")

    site.desk.stories["budget-passes-after-debate"].headline = "Budget passes at last"
    site.desk.stories["budget-passes-after-debate"].paragraphs.insert(
        1, "“This budget protects the services people rely on every day,” the mayor said.")
    with Archive(arc) as archive:  # make everything due now
        archive.store.execute("UPDATE revisits SET next_at = 0")
    out = cli("crawl", "--revisit", *flags, "--archive", str(arc))
    assert out.returncode == 0, out.stderr
    assert b"3 checked, 1 changed" in out.stderr

    lines = _cli(arc, "changes", "--json").splitlines()
    (edit,) = [json.loads(x) for x in lines]
    assert edit["kinds"] == ["headline", "body-expanded", "quote-added", "silent-edit"]
    assert "quote-added" in _cli(arc, "changes")
    rows = list(csv.DictReader(io.StringIO(_cli(arc, "changes", "--csv"))))
    assert rows[0]["url"] == site.url(BUDGET)
    assert _cli(arc, "changes", "--kind", "byline,correction", "--json") == ""
    assert _cli(arc, "changes", "--kind", "headline", "--since", "1d", "--json")
    feed = tmp_path / "feeds" / "edits.atom"
    _cli(arc, "changes", "--atom", str(feed), "--kind", "headline")
    entries_xml = ET.fromstring(feed.read_text()).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(entries_xml) == 1
    bad = cli("changes", "--kind", "typo", "--archive", str(arc))
    assert bad.returncode == 1 and b"unknown kind of change 'typo'" in bad.stderr

    diff = _cli(arc, "diff", site.url(BUDGET))
    assert "edits: headline, body-expanded, quote-added, silent-edit" in diff
    assert json.loads(_cli(arc, "diff", site.url(BUDGET), "--json"))["labels"][0]["kind"] == \
        "headline"

    front = json.loads(_cli(arc, "frontpage", site.url("/"), "--json"))
    assert [x["headline"] for x in front["links"]] == ["Budget passes at last", "Bridge opens"]
    first = json.loads(_cli(arc, "frontpage", site.url("/"), "--json", "--at",
                            front["since"][:19].replace("T", " ")))
    assert first["links"] == front["links"]
    assert "Budget passes at last" in _cli(arc, "frontpage", site.url("/"))
    seen = json.loads(_cli(arc, "prominence", site.url(BRIDGE), "--json"))
    assert seen["front_pages"][0]["best_position"] == 2
    assert "still there" in _cli(arc, "prominence", site.url(BRIDGE))
    missing = cli("prominence", site.url("/news/nothing"), "--archive", str(arc))
    assert missing.returncode == 1 and b"no archived front page" in missing.stderr


def test_watch_stops_cleanly_on_sigterm(site: Newsroom, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "scraper", "watch", site.url("/"), "--archive",
         str(tmp_path / "arc"), "--allow-private", "--delay", "0", "--watch-poll", "0.2"],
        cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.PIPE,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 60
        while b" round: " not in proc.stderr.readline():
            assert time.monotonic() < deadline and proc.poll() is None, "no round ran"
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert b"watch stopped" in err
    with Archive(tmp_path / "arc") as archive:  # nothing left claimed by the dead process
        assert archive.store.rows("SELECT count(*) FROM revisits WHERE claimed_by IS NOT "
                                  "NULL") == [(0,)]


def test_watch_needs_something_to_watch(tmp_path: Path) -> None:
    out = cli("watch", "--rounds", "1", "--archive", str(tmp_path / "arc"))
    assert out.returncode == 1 and b"nothing to watch" in out.stderr
    bad = cli("watch", "--watch-article-min", "0", "--archive", str(tmp_path / "arc"))
    assert bad.returncode == 1 and b"article_min: must be > 0" in bad.stderr


def test_watchers_share_a_postgresql_schedule(site: Newsroom, settings: Settings,
                                              pg_url: str, tmp_path: Path) -> None:
    shared = dataclasses.replace(settings, archive=dataclasses.replace(
        settings.archive, path=pg_url, warc_root=str(tmp_path / "files")))
    clock = Clock()
    with Archive(pg_url, shared.archive, create=True) as one, \
            Archive(pg_url, shared.archive) as two:
        first, second = Watcher(shared, one, clock=clock), Watcher(shared, two, clock=clock)
        second.worker = "elsewhere:1"
        first.add_fronts([site.url("/")])
        assert _round(first) == 3
        assert _round(second) == 0  # nothing due: the first did it all
        clock.now += 600
        held = second.schedule.claim(clock(), limit=1, worker=second.worker, lease=60)
        assert [r.url for r in held] == [site.url("/")]
        assert _round(first) == 2  # the front page is the other's while its claim lasts
        clock.now += 61
        assert _round(first) == 1  # the claim ran out (its process died): taken over
        assert site.desk.requests("/") == [200, 304]
        assert site.desk.requests(BUDGET) == [200, 304]


def test_migrate_keeps_labels_front_pages_and_the_schedule(
        site: Newsroom, pg_url: str, tmp_path: Path) -> None:
    lite = tmp_path / "lite"
    flags = ("--allow-private", "--delay", "0", "--archive", str(lite))
    assert cli("watch", site.url("/"), "--rounds", "1", *flags).returncode == 0
    site.desk.stories["budget-passes-after-debate"].headline = "Budget passes at last"
    with Archive(lite) as archive:
        archive.store.execute("UPDATE revisits SET next_at = 0")
    assert cli("crawl", "--revisit", *flags).returncode == 0
    files = ("--archive-warc-root", str(tmp_path / "files"))
    assert cli("migrate", "--from", str(lite), "--to", pg_url, *files).returncode == 0
    for command in (("changes", "--json"), ("frontpage", site.url("/"), "--json"),
                    ("watch", "--list", "--json")):
        assert _cli(lite, *command) == cli(*command, "--archive", pg_url, *files
                                           ).stdout.decode(), command

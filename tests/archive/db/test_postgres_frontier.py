"""The shared frontier: claims, politeness across workers, leases, once per crawl.

Times are checked from below only (a host is not free *before* its delay, a lease is not
taken over *before* it runs out), then awaited with a generous deadline: a slow machine
makes these tests slower, never wrong."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from archive.db.postgres.frontier import PgFrontier
from archive.db.postgres.query import to_tsquery
from archive.db.postgres.store import PgStore
from archive.query import parse_text
from archive.types import FrontierItem

DEADLINE = 30.0  # seconds a test waits for what must eventually happen


@pytest.fixture
def store(pg_url: str) -> Iterator[PgStore]:
    s = PgStore(pg_url, create=True)
    yield s
    s.close()


def _worker(store: PgStore, name: str, crawl: int, *, delay: float = 0.0,
            lease: float = 30.0) -> PgFrontier:
    frontier = PgFrontier(store, lease=lease)
    frontier.worker = name  # several "workers" in one process
    frontier.begin(crawl, delay=delay, fresh=False)
    return frontier


def _claim_when_free(frontier: PgFrontier, hosts: int = 5) -> tuple[list[FrontierItem], float]:
    """Claim as soon as something is free; returns the items and when (monotonic)."""
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        items = frontier.refill(hosts)
        if items:
            return items, time.monotonic()
        time.sleep(0.02)
    raise AssertionError("nothing became free in time")


def _seed(store: PgStore, hosts: int, per_host: int) -> int:
    crawl = store.start_crawl([], {})
    f = _worker(store, "seeder", crawl)
    f.add([(f"http://h{h}.test/{n}", f"h{h}.test", 0, None)
           for h in range(hosts) for n in range(per_host)], crawl)
    return crawl


def test_one_url_per_host_and_held_until_finished(store: PgStore) -> None:
    crawl = _seed(store, hosts=3, per_host=2)
    a, b = _worker(store, "a", crawl), _worker(store, "b", crawl)
    first = a.refill(10)
    assert sorted(i.host for i in first) == ["h0.test", "h1.test", "h2.test"]
    assert b.refill(10) == []  # every host is held by a
    a.finish(first[0].url, "done")
    again = b.refill(10)
    assert [i.host for i in again] == [first[0].host]
    assert a.pending() == 5 and a.counts() == {"done": 1, "in-flight": 3, "queued": 2}


def test_several_urls_per_host_hold_it_until_the_last_is_done(store: PgStore) -> None:
    crawl = _seed(store, hosts=3, per_host=3)
    a, b = _worker(store, "a", crawl, delay=0.3), _worker(store, "b", crawl)
    a.per_host, a.max_hosts = 2, 2
    items = a.refill(10)
    assert len(items) == 4 and len({i.host for i in items}) == 2  # max_hosts
    assert a.refill(10) == []  # already holds its two hosts
    assert [i.host for i in b.refill(10)] == ["h2.test"]
    first, second = [i for i in items if i.host == items[0].host]
    a.finish(first.url, "done")
    assert b.refill(10) == []  # still held by a
    released = time.monotonic()
    a.finish(second.url, "done")
    again, when = _claim_when_free(b)
    assert [i.host for i in again] == [first.host]
    assert when - released >= 0.3  # free, but not before the delay


def test_delay_applies_across_workers(store: PgStore) -> None:
    crawl = _seed(store, hosts=1, per_host=3)
    a, b = _worker(store, "a", crawl, delay=0.5), _worker(store, "b", crawl, delay=0.5)
    [item] = a.refill(5)
    released = time.monotonic()
    a.finish(item.url, "done")
    due = b.next_due()
    assert due is not None and due > time.time()
    items, when = _claim_when_free(b)
    assert len(items) == 1 and when - released >= 0.5


def test_a_hosts_own_delay_binds_every_worker(store: PgStore) -> None:
    crawl = _seed(store, hosts=1, per_host=3)
    a, b = _worker(store, "a", crawl), _worker(store, "b", crawl)
    [item] = a.refill(5)
    released = time.monotonic()
    a.finish(item.url, "done")
    a.set_host_delay(item.host, 0.5)  # robots.txt Crawl-delay, read after the fetch
    [item], when = _claim_when_free(b)
    assert when - released >= 0.5
    released = time.monotonic()
    b.finish(item.url, "done")  # the crawl's delay is 0, the host's own 0.5 still holds
    _, when = _claim_when_free(a)
    assert when - released >= 0.5


def test_concurrent_claims_never_overlap(store: PgStore) -> None:
    crawl = _seed(store, hosts=40, per_host=5)
    claimed: list[list[str]] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        f = _worker(store, name, crawl)
        while True:
            items = f.refill(3)
            if not items:
                if f.pending() == 0:
                    return
                time.sleep(0.005)
                continue
            with lock:
                claimed.append([i.url for i in items])
            for i in items:
                f.finish(i.url, "done")

    threads = [threading.Thread(target=work, args=(f"w{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    urls = [u for batch in claimed for u in batch]
    assert len(urls) == len(set(urls)) == 200


def test_dead_workers_claims_come_back_after_the_lease(store: PgStore) -> None:
    crawl = _seed(store, hosts=2, per_host=1)
    dead = _worker(store, "dead", crawl, lease=1.0)
    taken = dead.refill(5)
    claimed = time.monotonic()
    dead.close()  # stops renewing, as a killed process would
    live = _worker(store, "live", crawl)
    again, when = _claim_when_free(live)
    assert when - claimed >= 1.0
    if len(again) < len(taken):  # the second host's lease ran out a moment later
        again += _claim_when_free(live)[0]
    assert sorted(i.url for i in again) == sorted(i.url for i in taken)
    assert all(i.attempts == 2 for i in again)


def test_renewed_leases_are_kept(store: PgStore) -> None:
    crawl = _seed(store, hosts=1, per_host=1)
    busy = _worker(store, "busy", crawl, lease=1.0)
    assert len(busy.refill(5)) == 1  # starts the lease keeper (renews every lease/3)
    other = _worker(store, "other", crawl)
    deadline = time.monotonic() + 3.5  # three leases: each would have run out unrenewed
    while time.monotonic() < deadline:
        assert other.refill(5) == []
        time.sleep(0.1)
    busy.close()


def test_archived_but_unfinished_url_is_not_fetched_again(store: PgStore) -> None:
    crawl = _seed(store, hosts=1, per_host=1)
    dead = _worker(store, "dead", crawl, lease=0.2)
    [item] = dead.refill(1)
    dead.close()
    page = store.page_id(item.url, "2026-01-01")
    store.add_capture(page_id=page, url=item.url, fetched_at="2026-01-01", status=200,
                      kind="response", content_type="text/html", payload_digest=None,
                      content_hash=None, warc=None, crawl_id=crawl)
    live = _worker(store, "live", crawl)
    deadline = time.monotonic() + DEADLINE
    while live.counts() != {"done": 1} and time.monotonic() < deadline:
        assert live.refill(5) == []  # taken over after the lease, and found archived
        time.sleep(0.05)
    assert live.counts() == {"done": 1} and live.pending() == 0


def test_same_url_once_per_crawl_and_again_in_the_next(store: PgStore) -> None:
    crawl = _seed(store, hosts=1, per_host=1)
    f = _worker(store, "a", crawl)
    assert f.add([("http://h0.test/0", "h0.test", 1, None)], crawl) == 0
    later = store.start_crawl([], {})
    assert f.add([("http://h0.test/0", "h0.test", 0, None)], later) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("fox", "('fox')"),
    ("quick fox", "(('quick') & ('fox'))"),
    ('"proxy war"', "('proxy' <-> 'war')"),
    ("fo*", "('fo':*)"),
    ("title:fox*", "('fox':*A)"),
    ("fox OR cat", "(('fox') | ('cat'))"),
    ("fox NOT cat", "(('fox') & !('cat'))"),
    ("fox -cat", "(('fox') & !('cat'))"),
    ("(fox OR cat) war", "((('fox') | ('cat')) & ('war'))"),
    ("O'Brien", "('o' <-> 'brien')"),
    ("Ünïcode", "('ünïcode')"),
])
def test_search_tree_becomes_tsquery(text: str, expected: str) -> None:
    tree = parse_text(text)
    assert tree is not None and to_tsquery(tree) == expected

"""The shared frontier: claims, politeness across workers, leases, once per crawl."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from archive.errors import ArchiveError
from archive.pgfrontier import PgFrontier
from archive.pgquery import to_tsquery
from archive.pgstore import PgArticleStore


@pytest.fixture
def store(pg_url: str) -> Iterator[PgArticleStore]:
    s = PgArticleStore(pg_url, create=True)
    yield s
    s.close()


def _worker(store: PgArticleStore, name: str, crawl: int, *, delay: float = 0.0,
            lease: float = 30.0) -> PgFrontier:
    frontier = PgFrontier(store, lease=lease)
    frontier.worker = name  # several "workers" in one process
    frontier.use_crawl(crawl, delay)
    return frontier


def _seed(store: PgArticleStore, hosts: int, per_host: int) -> int:
    crawl = store.start_crawl([], {})
    f = _worker(store, "seeder", crawl)
    f.add([(f"http://h{h}.test/{n}", f"h{h}.test", 0, None)
           for h in range(hosts) for n in range(per_host)], crawl)
    return crawl


def test_one_url_per_host_and_held_until_finished(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=3, per_host=2)
    a, b = _worker(store, "a", crawl), _worker(store, "b", crawl)
    first = a.claim(10)
    assert sorted(i.host for i in first) == ["h0.test", "h1.test", "h2.test"]
    assert b.claim(10) == []  # every host is held by a
    a.finish(first[0].url, "done")
    again = b.claim(10)
    assert [i.host for i in again] == [first[0].host]
    assert a.pending() == 5 and a.counts() == {"done": 1, "in-flight": 3, "queued": 2}


def test_several_urls_per_host_hold_it_until_the_last_is_done(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=3, per_host=3)
    a, b = _worker(store, "a", crawl, delay=0.3), _worker(store, "b", crawl)
    a.per_host, a.max_hosts = 2, 2
    items = a.claim(10)
    assert len(items) == 4 and len({i.host for i in items}) == 2  # max_hosts
    assert a.claim(10) == []  # already holds its two hosts
    assert [i.host for i in b.claim(10)] == ["h2.test"]
    first, second = [i for i in items if i.host == items[0].host]
    a.finish(first.url, "done")
    assert b.due_hosts() == set()  # still held by a
    a.finish(second.url, "done")
    assert b.due_hosts() == set()  # free, but not before the delay
    time.sleep(0.35)
    assert b.due_hosts() == {first.host}


def test_delay_applies_across_workers(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=1, per_host=3)
    a, b = _worker(store, "a", crawl, delay=0.3), _worker(store, "b", crawl, delay=0.3)
    [item] = a.claim(5)
    a.finish(item.url, "done")
    assert b.claim(5) == []
    due = b.next_due()
    assert due is not None and due > time.time() + 0.1
    time.sleep(0.35)
    assert len(b.claim(5)) == 1


def test_a_hosts_own_delay_binds_every_worker(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=1, per_host=3)
    a, b = _worker(store, "a", crawl), _worker(store, "b", crawl)
    [item] = a.claim(5)
    a.finish(item.url, "done")
    a.set_host_delay(item.host, 0.4)  # robots.txt Crawl-delay, read after the fetch
    assert b.claim(5) == []
    time.sleep(0.45)
    [item] = b.claim(5)
    b.finish(item.url, "done")  # the crawl's delay is 0, the host's own 0.4 still holds
    assert a.claim(5) == []


def test_concurrent_claims_never_overlap(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=40, per_host=5)
    claimed: list[list[str]] = []
    lock = threading.Lock()

    def work(name: str) -> None:
        f = _worker(store, name, crawl)
        while True:
            items = f.claim(3)
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


def test_dead_workers_claims_come_back_after_the_lease(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=2, per_host=1)
    dead = _worker(store, "dead", crawl, lease=0.4)
    taken = dead.claim(5)
    dead.close()  # stops renewing, as a killed process would
    live = _worker(store, "live", crawl)
    assert live.claim(5) == []
    time.sleep(0.5)
    again = live.claim(5)
    assert sorted(i.url for i in again) == sorted(i.url for i in taken)
    assert all(i.attempts == 2 for i in again)


def test_renewed_leases_are_kept(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=1, per_host=1)
    busy = _worker(store, "busy", crawl, lease=0.3)
    assert len(busy.claim(5)) == 1  # starts the lease keeper (renews every 0.1 s)
    time.sleep(0.6)
    assert _worker(store, "other", crawl).claim(5) == []
    busy.close()


def test_archived_but_unfinished_url_is_not_fetched_again(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=1, per_host=1)
    dead = _worker(store, "dead", crawl, lease=0.2)
    [item] = dead.claim(1)
    dead.close()
    page = store.page_id(item.url, "2026-01-01")
    store.add_capture(page_id=page, url=item.url, fetched_at="2026-01-01", status=200,
                      kind="response", content_type="text/html", payload_digest=None,
                      content_hash=None, warc=None, crawl_id=crawl)
    time.sleep(0.3)
    live = _worker(store, "live", crawl)
    assert live.claim(5) == []
    assert live.counts() == {"done": 1} and live.pending() == 0


def test_same_url_once_per_crawl_and_again_in_the_next(store: PgArticleStore) -> None:
    crawl = _seed(store, hosts=1, per_host=1)
    f = _worker(store, "a", crawl)
    assert f.add([("http://h0.test/0", "h0.test", 1, None)], crawl) == 0
    later = store.start_crawl([], {})
    assert f.add([("http://h0.test/0", "h0.test", 0, None)], later) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("fox", "'fox'"),
    ("quick fox", "'quick' & 'fox'"),
    ('"proxy war"', "('proxy' <-> 'war')"),
    ("fo*", "'fo':*"),
    ("fox OR cat", "'fox' | 'cat'"),
    ("fox NOT cat", "'fox' & ! 'cat'"),
    ("(fox OR cat) war", "( 'fox' | 'cat' ) & 'war'"),
    ("Ünïcode", "'ünïcode'"),
])
def test_fts5_syntax_becomes_tsquery(text: str, expected: str) -> None:
    assert to_tsquery(text) == expected


@pytest.mark.parametrize("text", ['"open', "(fox", "fox)", "OR fox", "fox OR"])
def test_invalid_search_syntax(text: str) -> None:
    with pytest.raises(ArchiveError, match="invalid search"):
        to_tsquery(text)

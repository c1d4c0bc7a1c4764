"""Four worker processes drain one PostgreSQL frontier of 2,000 pages on 20 hosts; one
is killed mid-crawl. Every page is archived exactly once, no host ever sees two requests
closer than its delay, and the killed worker's claims are picked up after its lease."""

from __future__ import annotations

import itertools
import os
import platform
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from archive import open_archive
from archive.settings import ArchiveSettings
from tests.conftest import REPO, run_cli
from tests.faults.multihost import MultiHostSite

HOSTS, PAGES = 20, 99  # + each host's front page = 2,000 URLs
DELAY, LEASE = 0.05, 10.0  # a lease long enough to be renewed on a loaded machine


def _worker(url: str, warc_root: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("NEWSARCHIVE_CONFIG", None)
    return subprocess.Popen(
        [sys.executable, "-m", "scraper", "worker", "--archive", url, "-q",
         "--archive-warc-root", str(warc_root), "--fetch-allow-private", "--lease", str(LEASE),
         "--set", "fetch.retries=0"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _scalar(conn: psycopg.Connection[tuple[object, ...]], sql: str) -> object:
    row = conn.execute(sql.encode()).fetchone()
    assert row is not None
    return row[0]


def _kill_one_midway(pg_url: str, workers: dict[int, subprocess.Popen[bytes]]
                     ) -> tuple[Any, ...]:
    """Kill worker 0 at a moment it holds claims; let the others finish."""
    victim = workers[0]
    victim_name = f"{platform.node()}:{victim.pid}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        deadline = time.monotonic() + 900  # a safety net for a stuck run, not a speed test
        while True:  # mid-crawl, at a moment the victim holds claims
            assert time.monotonic() < deadline, "workers made no progress"
            assert victim.poll() is None, victim.stderr.read() if victim.stderr else ""
            time.sleep(0.05)
            if int(str(_scalar(conn, "SELECT count(*) FROM captures"))) < 300:
                continue
            victim.send_signal(signal.SIGSTOP)  # freeze it, then look at its claims
            orphaned = [str(r[0]) for r in conn.execute(
                "SELECT url FROM frontier WHERE claimed_by = %s AND state = 'in-flight'",
                (victim_name,))]
            if orphaned:
                break
            victim.send_signal(signal.SIGCONT)
        victim.send_signal(signal.SIGKILL)
        victim.communicate()  # reaps it and closes its pipe
        archived_by_victim = {str(r[0]) for r in conn.execute(
            "SELECT url FROM captures WHERE worker = %s", (victim_name,))}
        for n in (1, 2, 3):
            _, err = workers[n].communicate(timeout=900)
            assert workers[n].returncode == 0, err.decode()
        captures = conn.execute(
            "SELECT url, count(*), min(worker), min(warc_file) FROM captures "
            "GROUP BY url").fetchall()
        states = dict(conn.execute(
            "SELECT state, count(*) FROM frontier GROUP BY state").fetchall())
        picked_up = conn.execute(
            "SELECT c.url, c.worker, f.attempts FROM captures c JOIN frontier f "
            "ON f.url = c.url WHERE c.url = ANY(%s)", (orphaned,)).fetchall()
        unfinished = _scalar(conn, "SELECT count(*) FROM crawls WHERE finished_at IS NULL")
    return (captures, states, picked_up, unfinished, orphaned, archived_by_victim,
            victim_name)


@pytest.mark.slow
def test_four_workers_one_killed(pg_url: str, tmp_path: Path) -> None:
    with MultiHostSite(hosts=HOSTS, pages=PAGES) as site:
        seeded = run_cli("crawl", "--seed-only", *site.roots, "--archive", pg_url,
                         "--max-depth", "1", "--delay", str(DELAY))
        assert seeded.returncode == 0, seeded.stderr
        roots = {n: tmp_path / f"worker{n}" for n in range(4)}
        workers = {n: _worker(pg_url, roots[n]) for n in range(4)}
        try:
            captures, states, picked_up, unfinished, orphaned, archived_by_victim, \
                victim_name = _kill_one_midway(pg_url, workers)
        finally:
            for proc in workers.values():  # a failed assertion leaves no worker behind
                if proc.poll() is None:
                    proc.kill()
                    proc.communicate()
        requests = site.requests()


    expected = {root + f"a/{n}.html" for root in site.roots for n in range(PAGES)}
    expected |= set(site.roots)
    # every page archived exactly once, and the frontier is drained
    assert {str(r[0]) for r in captures} == expected
    assert all(r[1] == 1 for r in captures)
    assert states == {"done": len(expected)}
    assert unfinished == 0
    # the killed worker held claims; each was claimed again after its lease ran out and
    # fetched by another worker, or (archived just before the kill) only marked done
    assert orphaned
    assert len(picked_up) == len(orphaned)
    assert all(attempts == 2 for _, _, attempts in picked_up)
    assert all(w != victim_name or url in archived_by_victim for url, w, _ in picked_up)
    # each capture's WARC file is in the directory of the worker that wrote it
    pid_dirs = {f"{platform.node()}:{p.pid}": roots[n] for n, p in workers.items()}
    for _, _, worker, warc_file in captures:
        assert (pid_dirs[str(worker)] / "warc" / str(warc_file)).exists()
    # politeness held across all workers: per host, request starts >= DELAY apart
    # (robots.txt requests included: each worker reads it once per host, paced too)
    for host, hits in requests.items():
        gaps = [b[0] - a[0] for a, b in itertools.pairwise(hits)]
        assert min(gaps) >= DELAY - 0.002, (host, min(gaps))
    # and a survivor can read what the killed worker archived (shared database)
    settings = ArchiveSettings(path=pg_url, warc_root=str(roots[0]))
    with open_archive(pg_url, settings) as arc:
        record = next(r for r in arc.records() if r.article.title)
        assert record.article.body

"""The commands against PostgreSQL: a plain crawl, query and show, migrate from SQLite,
seed-only crawls drained by workers (once, or following), and clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from scraper.demo import SiteServer
from tests.conftest import REPO, SEED_PATH, cli


def _crawl(site: SiteServer, archive: str, *extra: str) -> None:
    result = cli("crawl", site.url(SEED_PATH), "--archive", archive, "--allow-private",
                     "--delay", "0", "-q", "--set", "fetch.retries=0", *extra)
    assert result.returncode == 0, result.stderr.decode()


def test_crawl_query_show_on_postgres(site: SiteServer, pg_url: str, tmp_path: Path) -> None:
    _crawl(site, pg_url, "--archive-warc-root", str(tmp_path))
    assert list((tmp_path / "warc").glob("*.warc.gz"))
    hits = cli("query", '"proxy war"', "--archive", pg_url, "--json")
    assert hits.returncode == 0, hits.stderr.decode()
    found = [json.loads(line) for line in hits.stdout.splitlines()]
    assert len(found) == 2 and all("«proxy war»" in h["snippet"] for h in found)
    hit = found[0]
    raw = cli("show", str(hit["id"]), "--raw", "--archive", pg_url,
                  "--archive-warc-root", str(tmp_path))
    assert raw.returncode == 0 and b"<html" in raw.stdout.lower()


def test_migrate_sqlite_into_postgres(site: SiteServer, pg_url: str, tmp_path: Path) -> None:
    sqlite = tmp_path / "old"
    _crawl(site, f"sqlite:///{sqlite}")
    before = cli("query", "--archive", str(sqlite), "--json", "--limit", "100")
    copied = cli("migrate", "--from", f"sqlite:///{sqlite}", "--to", pg_url,
                     "--archive-warc-root", str(tmp_path / "new"))
    assert copied.returncode == 0, copied.stderr.decode()
    assert b"copied" in copied.stderr
    after = cli("query", "--archive", pg_url, "--json", "--limit", "100")
    ids = [json.loads(line)["id"] for line in before.stdout.splitlines()]
    assert ids and ids == [json.loads(line)["id"] for line in after.stdout.splitlines()]
    raw = cli("show", str(ids[0]), "--raw", "--archive", pg_url,
                  "--archive-warc-root", str(tmp_path / "new"))
    assert raw.returncode == 0 and raw.stdout
    again = cli("migrate", "--from", str(sqlite), "--to", pg_url)
    assert again.returncode == 1 and b"already holds records" in again.stderr


def test_seed_only_then_worker(site: SiteServer, pg_url: str, tmp_path: Path) -> None:
    seeded = cli("crawl", "--seed-only", site.url(SEED_PATH), "--archive", pg_url,
                     "--delay", "0", "--max-depth", "1")
    assert seeded.returncode == 0 and b"queued 1 seed URL" in seeded.stderr
    assert cli("query", "--archive", pg_url, "--json").stdout == b""
    worker = cli("worker", "--archive", pg_url, "--archive-warc-root", str(tmp_path),
                     "--allow-private", "-q")
    assert worker.returncode == 0, worker.stderr.decode()
    assert cli("query", '"proxy war"', "--archive", pg_url, "--json").stdout


def test_worker_needs_a_database(tmp_path: Path) -> None:
    result = cli("worker", "--archive", str(tmp_path))
    assert result.returncode == 1 and b"postgresql://" in result.stderr


def test_unreachable_database_is_one_line(tmp_path: Path) -> None:
    result = cli("query", "--archive", "postgresql://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1 and b"cannot connect" in result.stderr


def test_follow_worker_picks_up_a_crawl_queued_later(site: SiteServer, pg_url: str,
                                                     tmp_path: Path) -> None:
    assert cli("migrate", "--to", pg_url).returncode == 0
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    worker = subprocess.Popen(
        [sys.executable, "-m", "scraper", "worker", "--follow", "--poll", "0.2", "-q",
         "--archive", pg_url, "--archive-warc-root", str(tmp_path), "--allow-private"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        assert worker.poll() is None  # nothing to do yet, and still waiting
        seeded = cli("crawl", "--seed-only", site.url(SEED_PATH), "--archive", pg_url,
                         "--delay", "0", "--max-depth", "0")
        assert seeded.returncode == 0
        deadline = time.monotonic() + 30
        with psycopg.connect(pg_url) as conn:
            while conn.execute("SELECT count(*) FROM crawls WHERE finished_at IS NULL"
                               ).fetchone() != (0,):
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert worker.poll() is None  # --follow: keeps polling after the crawl is done
    finally:
        worker.kill()
        worker.wait()

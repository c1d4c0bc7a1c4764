"""kill -9 a crawl at many moments; resume; the archive holds every page exactly once."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive import open_archive
from tests.conftest import REPO
from tests.faults.sites import GeneratedSite

PAGES = 60
FLAGS = ["--allow-private", "--delay", "0", "--concurrency", "4", "--max-depth", "2",
         "--set", "fetch.retries=0", "-q"]


def _start(args: list[str], stderr: int = subprocess.DEVNULL) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "scraper", *args], env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr)


def _warc_records_readable(arc_dir: Path) -> None:
    for path in sorted((arc_dir / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            error = None
            try:
                for record in ArchiveIterator(fh):
                    record.content_stream().read()
            except Exception as exc:  # a truncated tail is allowed; the DB must not point there
                error = exc
        if error is not None:
            conn = sqlite3.connect(arc_dir / "archive.sqlite")
            (max_end,) = conn.execute(
                "SELECT max(warc_offset + warc_length) FROM captures WHERE warc_file = ?",
                (path.name,)).fetchone()
            conn.close()
            assert max_end is None or max_end <= path.stat().st_size, f"{path}: {error}"


@pytest.mark.slow
def test_kill9_at_twenty_moments_then_resume(tmp_path: Path) -> None:
    """After each kill the WARC files hold only whole records the DB points at; --resume
    completes with every served page archived exactly once.

    Every run is ``crawl --resume SEED``, as from cron: it continues the unfinished crawl,
    or starts one when a kill came before the crawl was recorded (on a slow machine,
    Python may not even have started), so the test holds whatever the timing."""
    arc = tmp_path / "arc"
    rng = random.Random(1234)
    with GeneratedSite(pages=PAGES, latency=0.03) as site:
        run = ["crawl", "--resume", site.url("/"), "--archive", str(arc), *FLAGS]
        proc = _start(run)
        kills = 0
        for _ in range(20):
            time.sleep(rng.uniform(0.05, 0.5))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                kills += 1
            if (arc / "archive.sqlite").exists():
                _warc_records_readable(arc)
            proc = _start(run)
        proc.wait(timeout=120)
        final = _start(run, stderr=subprocess.PIPE)
        _, err = final.communicate(timeout=120)
        assert final.returncode in (0, 1), err.decode()
        assert b"Traceback" not in err
        assert kills >= 10
        served = set(site.served)
    _warc_records_readable(arc)
    with open_archive(arc) as archive:
        conn = archive.store.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        urls = [r.url for r in archive.records()]
        article_urls = [u for u in urls if "/a/" in u]
        assert len(article_urls) == len(set(article_urls)), "an unchanged page has two versions"
        assert {u.split(":", 2)[2].split("/", 1)[1] for u in article_urls} == \
            {p.lstrip("/") for p in served}
        assert len(served) == PAGES
        assert archive.store.last_unfinished_crawl() is None
        for record in archive.records():  # every row points at bytes that are there
            assert archive.raw(record.id)

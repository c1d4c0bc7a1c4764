"""A full disk (a file-size limit) during a crawl: a clear error, and a valid archive."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from archive import open_archive
from tests.conftest import REPO
from tests.faults.sites import GeneratedSite

FLAGS = ["--allow-private", "--delay", "0", "--set", "fetch.retries=0", "-q"]
LIMIT = 400_000  # bytes any one file may reach: the WARC file fills up first


def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
    resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))


def _run(args: list[str], limited: bool) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "scraper", *args], env=env,
                          capture_output=True, timeout=120, check=False,
                          preexec_fn=_limit_file_size if limited else None)


def test_file_size_limit_during_crawl(tmp_path: Path) -> None:
    """A one-line error and exit 1; the archive passes integrity_check, every record reads
    back, and --resume completes."""
    arc = tmp_path / "arc"
    with GeneratedSite(pages=60, size=20) as site:
        full = _run(["crawl", site.url("/"), "--archive", str(arc), *FLAGS], limited=True)
        assert full.returncode == 1, full.stderr.decode()
        assert b"Traceback" not in full.stderr
        assert b"disk" in full.stderr.lower() or b"space" in full.stderr.lower() or \
            b"file too large" in full.stderr.lower()
        with open_archive(arc) as archive:
            assert archive.store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            stored = list(archive.records())
            for record in stored:
                assert archive.raw(record.id)
        resumed = _run(["crawl", "--resume", "--archive", str(arc), *FLAGS], limited=False)
        assert resumed.returncode == 0, resumed.stderr.decode()
    with open_archive(arc) as archive:
        urls = [r.url for r in archive.records() if "/a/" in r.url]
        assert len(urls) == len(set(urls)) == 60
        assert len(stored) < 60

"""Shared fixtures: the sample site on 127.0.0.1, test settings, temporary archives, and a
PostgreSQL server for the tests that need one.

PostgreSQL: ``NEWSARCHIVE_TEST_PG=postgresql://...`` names a server to use; otherwise,
when psycopg and PostgreSQL's binaries are on the machine, the first test that needs one
starts a throwaway server (``tests/pgserver.py``) for the session. Without them those
tests skip, except under CI (``CI`` set), where they fail: a broken set-up must not pass
silently.
"""

from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive
from scraper.config import Settings
from scraper.demo import SiteServer, site_dir

REPO = Path(__file__).resolve().parent.parent
SEED_PATH = "/blogs/news/usa-and-russia-unite-against-a-shared-enemy.html"


@pytest.fixture
def site() -> Iterator[SiteServer]:
    """The bundled sample site, served on a free loopback port."""
    with SiteServer(site_dir()) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for loopback test sites: private addresses allowed, no delays."""
    base = Settings()
    return dataclasses.replace(
        base,
        fetch=dataclasses.replace(base.fetch, allow_private=True, retries=0,
                                  connect_timeout=5, read_timeout=5, total_timeout=10),
        crawl=dataclasses.replace(base.crawl, per_host_delay=0.0, max_depth=3),
        archive=dataclasses.replace(base.archive, path=str(tmp_path / "arc")),
    )


@pytest.fixture
def archive(settings: Settings) -> Iterator[Archive]:
    with Archive(settings.archive.path, settings.archive, create=True) as arc:
        yield arc


@dataclasses.dataclass(frozen=True)
class CliResult:
    """What a ``newsarchive`` command did: its exit code, stdout and stderr bytes."""

    returncode: int
    stdout: bytes
    stderr: bytes


def cli(*args: str, cwd: Path | None = None, input: bytes | None = None) -> CliResult:
    """Run ``newsarchive`` in this process (``main(argv)``), as a user would from a pipe:
    stdout and stderr are not terminals. Use :func:`run_cli` only where a separate
    process matters (kills, resource limits, several processes at once)."""
    from scraper.cli import main

    out, err = io.BytesIO(), io.BytesIO()
    streams = sys.stdout, sys.stderr, sys.stdin
    where = Path.cwd()
    config = os.environ.pop("NEWSARCHIVE_CONFIG", None)
    wrapped = (io.TextIOWrapper(out, encoding="utf-8", write_through=True),
               io.TextIOWrapper(err, encoding="utf-8", write_through=True),
               io.TextIOWrapper(io.BytesIO(input or b""), encoding="utf-8"))
    sys.stdout, sys.stderr, sys.stdin = wrapped
    try:
        if cwd is not None:
            os.chdir(cwd)
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        sys.stdout, sys.stderr, sys.stdin = streams
        for stream in wrapped:
            stream.detach()  # leave the buffers open to read them
        os.chdir(where)
        if config is not None:
            os.environ["NEWSARCHIVE_CONFIG"] = config
    return CliResult(code, out.getvalue(), err.getvalue())


def run_cli(*args: str, cwd: Path | None = None, input: bytes | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``newsarchive`` as a subprocess with this checkout's code."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200",
                **(env or {})}
    full_env.pop("NEWSARCHIVE_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "scraper", *args], cwd=cwd, input=input,
                          capture_output=True, env=full_env, timeout=120, check=False)


PG_ENV = "NEWSARCHIVE_TEST_PG"

try:
    import psycopg  # noqa: F401  (the postgres extra; .ci/run installs it)
except ImportError:  # without it only SQLite is tested (the backend suite's other half)
    collect_ignore = ["scraper/test_worker.py", "test_cli_postgres.py",
                      "archive/db/test_postgres_frontier.py",
                      "archive/db/test_postgres_schema.py"]


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run under CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server: ``$NEWSARCHIVE_TEST_PG``, or one started for the
    session from the machine's binaries."""
    try:
        import psycopg  # noqa: F401  (the ``postgres`` extra)
    except ImportError:
        _unavailable("psycopg is not installed (pip install -e '.[test]')")
    from tests import pgserver

    if not os.environ.get(PG_ENV) and pgserver.binaries() is None:
        _unavailable(f"no PostgreSQL binaries (initdb) and {PG_ENV} is not set")
    # (not under pytest's temporary directory: that is private to root, mode 0700, and as
    # root the server runs as its own user)
    servers = pgserver.server()
    try:
        url = servers.__enter__()
    except RuntimeError as exc:
        _unavailable(str(exc))
    try:
        yield url
    finally:
        servers.__exit__(None, None, None)


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    from tests.pgserver import database

    with database(pg_server) as url:
        yield url


@pytest.fixture
def chromium() -> str:
    """The Chromium executable; skips (fails under ``CI``) when it or Playwright is missing."""
    try:
        import playwright.async_api  # noqa: F401

        from scraper.capture.browser import find_browser

        return find_browser()
    except Exception as exc:  # ImportError or BrowserUnavailableError: same verdict
        if os.environ.get("CI"):
            pytest.fail(f"browser tests need chromium and playwright under CI: {exc}")
        pytest.skip(f"no browser: {exc}")

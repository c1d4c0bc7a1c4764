"""Shared fixtures: the sample site on 127.0.0.1, test settings, temporary archives."""

from __future__ import annotations

import dataclasses
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


def run_cli(*args: str, cwd: Path | None = None, input: bytes | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``newsarchive`` as a subprocess with this checkout's code."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", "COLUMNS": "200",
                **(env or {})}
    full_env.pop("NEWSARCHIVE_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "scraper", *args], cwd=cwd, input=input,
                          capture_output=True, env=full_env, timeout=120, check=False)

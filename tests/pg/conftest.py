"""PostgreSQL fixtures: a fresh database per test on the server named by
``NEWSARCHIVE_TEST_PG`` (``.ci/run`` starts one with ``.ci/postgres.sh``).

Locally, without that variable, these tests skip; under CI (``CI`` set) they fail
instead, so a broken server start cannot pass silently.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

ENV = "NEWSARCHIVE_TEST_PG"

try:
    import psycopg  # noqa: F401  (the ``postgres`` extra)
except ImportError:  # without it, only SQLite is tested; .ci/run installs it
    collect_ignore_glob = ["test_*.py"]


def server_url() -> str:
    url = os.environ.get(ENV, "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{ENV} is not set: .ci/run must start PostgreSQL (.ci/postgres.sh)")
        pytest.skip(f"set {ENV}=postgresql://... to run the PostgreSQL tests")
    pytest.importorskip("psycopg")
    return url


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a new, empty database, dropped after the test."""
    import psycopg

    server = server_url()
    name = f"na_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    try:
        yield server.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())

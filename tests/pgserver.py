"""A throwaway PostgreSQL server from the machine's own binaries, for tests and benchmarks.

``start(directory)`` runs initdb into ``directory`` and starts the server on a free
loopback port and a Unix socket there (trust authentication: loopback only, data thrown
away) and returns its URL; ``stop(directory)`` ends it. initdb refuses to run as root,
so as root the server runs as a dedicated system user (created once: newsarchive-pg,
no login shell, no home).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

USER = "newsarchive-pg"


def binaries() -> Path | None:
    """The directory holding ``initdb`` and ``pg_ctl`` (newest version), or ``None``."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").is_file():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(args: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        args = ["su", "-s", "/bin/sh", USER, "-c", shlex.join(args)]
    return subprocess.run(args, capture_output=True, text=True, check=False, timeout=120)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(directory: Path) -> str:
    """Initialise and start a server in ``directory``; returns its URL.

    Raises:
        RuntimeError: no PostgreSQL binaries, or the server did not start (with its log).
    """
    bindir = binaries()
    if bindir is None:
        raise RuntimeError("PostgreSQL's initdb is not on this machine")
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if subprocess.run(["id", USER], capture_output=True, check=False).returncode:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", USER], check=True, capture_output=True)
        shutil.chown(directory, USER)
    port = _free_port()
    init = _as_server_user([str(bindir / "initdb"), f"--pgdata={directory / 'data'}",
                            "--auth=trust", "--username=postgres", "--encoding=UTF8",
                            "--locale=C.UTF-8"])
    if init.returncode:
        raise RuntimeError(f"initdb failed: {init.stdout}{init.stderr}")
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} "
               f"-c unix_socket_directories={directory} -c fsync=off -c max_connections=200")
    run = _as_server_user([str(bindir / "pg_ctl"), f"--pgdata={directory / 'data'}",
                           f"--log={directory / 'server.log'}", "--wait",
                           f"--options={options}", "start"])
    if run.returncode:
        log = (directory / "server.log").read_text(errors="replace") \
            if (directory / "server.log").exists() else ""
        raise RuntimeError(f"pg_ctl start failed: {run.stdout}{run.stderr}{log}")
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def stop(directory: Path) -> None:
    """Stop the server started in ``directory`` (if it runs)."""
    bindir = binaries()
    if bindir is not None and (directory / "data" / "postmaster.pid").exists():
        _as_server_user([str(bindir / "pg_ctl"), f"--pgdata={directory / 'data'}",
                         "--mode=fast", "--wait", "stop"])


@contextlib.contextmanager
def server(url: str | None = None) -> Iterator[str]:
    """A PostgreSQL server URL: ``url``, else ``$NEWSARCHIVE_TEST_PG``, else a throwaway
    server for the duration of the block (benchmarks use this)."""
    url = url or os.environ.get("NEWSARCHIVE_TEST_PG")
    if url:
        yield url
        return
    directory = Path(tempfile.mkdtemp(prefix="newsarchive-pg-"))
    try:
        yield start(directory)
    finally:
        stop(directory)
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def database(server_url: str, prefix: str = "na_test") -> Iterator[str]:
    """The URL of a new, empty database on the server, dropped after the block."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    try:
        yield server_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())

"""Run the app and its replay origin with uvicorn: ``serve`` for the command line,
``running`` for tests, screenshots and benchmarks (a background thread, free ports)."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import uvicorn

from .. import Archive
from ..errors import ArchiveError
from .app import create_app
from .readers import ReaderPool
from .replay import create_replay_app
from .security import ASGIApp, is_loopback


def _bind(host: str, port: int, option: str = "--port") -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ArchiveError(f"cannot listen on {host}:{port}: {exc.strerror}; "
                           f"choose another {option}") from exc
    # accepted connections inherit it: without it a response's head and body wait on
    # the client's delayed ACK (40 ms a request)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


@dataclass
class Servers:
    """Both servers, bound: the app's and the replay origin's."""

    app: uvicorn.Server
    replay: uvicorn.Server
    sockets: tuple[socket.socket, socket.socket]
    pool: ReaderPool

    @property
    def ports(self) -> tuple[int, int]:
        return (int(self.sockets[0].getsockname()[1]), int(self.sockets[1].getsockname()[1]))

    async def run(self) -> None:
        await asyncio.gather(self.app.serve(sockets=[self.sockets[0]]),
                             self.replay.serve(sockets=[self.sockets[1]]))

    def stop(self) -> None:
        self.app.should_exit = self.replay.should_exit = True


def make_servers(opener: Callable[[], Archive], *, host: str = "127.0.0.1", port: int = 8080,
                 replay_port: int | None = None, token: str | None = None,
                 title: str = "newsarchive", readers: int = 4,
                 log_level: str = "warning") -> Servers:
    """Bind both ports and build the servers (not started).

    Args:
        opener: opens the archive (once per reader thread).
        host: address for both servers; other than loopback needs ``token``.
        port: the app's port (0 = any free one).
        replay_port: the replay origin's port (default ``port + 1``; any free one when
            ``port`` is 0).
        token: required on every request when set.

    Raises:
        ArchiveError: a non-loopback address without a token, or a port in use.
    """
    loopback = is_loopback(host)
    if not loopback and not token:
        raise ArchiveError(f"listening on {host} exposes the archive beyond this machine: "
                           "give a --token (or set NEWSARCHIVE_TOKEN) that every request "
                           "must carry")
    app_sock = _bind(host, port)
    try:
        wanted = replay_port if replay_port is not None else (port + 1 if port else 0)
        replay_sock = _bind(host, wanted, "--replay-port")
    except ArchiveError:
        app_sock.close()
        raise
    pool = ReaderPool(opener, size=readers)
    app_port = int(app_sock.getsockname()[1])
    real_replay = int(replay_sock.getsockname()[1])
    app = create_app(pool, replay_port=real_replay, token=token, loopback_only=loopback,
                     title=title)
    replay = create_replay_app(pool, token=token, loopback_only=loopback, app_port=app_port)
    def config(asgi: ASGIApp) -> uvicorn.Config:
        return uvicorn.Config(asgi, log_level=log_level, lifespan="off",
                              server_header=False, access_log=log_level in ("info", "debug"))

    return Servers(app=uvicorn.Server(config(app)), replay=uvicorn.Server(config(replay)),
                   sockets=(app_sock, replay_sock), pool=pool)


def serve(servers: Servers) -> None:
    """Run both servers until interrupted (Ctrl-C), then close the archive."""
    try:
        asyncio.run(servers.run())
    finally:
        servers.pool.close()
        for sock in servers.sockets:
            sock.close()


@contextlib.contextmanager
def running(opener: Callable[[], Archive], *, token: str | None = None, readers: int = 2
            ) -> Iterator[tuple[str, str]]:
    """Both servers on free loopback ports in a background thread, for tests and
    scripts: yields the app's and the replay origin's base URLs."""
    servers = make_servers(opener, port=0, token=token, readers=readers)
    thread = threading.Thread(target=lambda: asyncio.run(servers.run()), daemon=True)
    thread.start()
    try:
        while not (servers.app.started and servers.replay.started):
            if not thread.is_alive():
                raise ArchiveError("the test servers did not start")
            threading.Event().wait(0.01)
        app_port, replay_port = servers.ports
        yield f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{replay_port}"
    finally:
        servers.stop()
        thread.join(timeout=30)
        servers.pool.close()
        for sock in servers.sockets:
            sock.close()

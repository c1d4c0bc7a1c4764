"""The ``serve`` command's handler: its options, and its refusal to expose an archive
beyond loopback without a token."""

from __future__ import annotations

import argparse
import dataclasses

import pytest

from archive.errors import ArchiveError
from scraper.cli.parser import build_parser
from scraper.cli.serve import cmd_serve
from scraper.config import Settings
from tests.archive.web.conftest import Served


def _parser() -> argparse.ArgumentParser:
    return build_parser("serve")


def test_options_and_defaults() -> None:
    args = _parser().parse_args(["serve"])
    assert (args.host, args.port, args.replay_port, args.token) == ("127.0.0.1", 8080, None, None)
    assert args.handler == "serve:cmd_serve"
    args = _parser().parse_args(["serve", "--port", "9000", "--host", "0.0.0.0", "--token", "t"])
    assert (args.port, args.host, args.token) == (9000, "0.0.0.0", "t")


def test_refuses_other_addresses_without_a_token(served_sqlite: Served,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSARCHIVE_TOKEN", raising=False)
    with served_sqlite.opener() as arc:
        location = str(arc.path)
    base = Settings()
    settings = dataclasses.replace(base, archive=dataclasses.replace(base.archive,
                                                                     path=location))
    args = _parser().parse_args(["serve", "--host", "0.0.0.0", "--port", "0"])
    with pytest.raises(ArchiveError, match="--token"):
        cmd_serve(args, settings)
    missing = dataclasses.replace(base, archive=dataclasses.replace(
        base.archive, path=location + "-missing"))
    with pytest.raises(ArchiveError, match="no archive"):
        cmd_serve(_parser().parse_args(["serve", "--port", "0"]), missing)


def test_a_busy_port_names_the_option(served_sqlite: Served) -> None:
    import socket

    from archive.web import make_servers

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(ArchiveError, match="--replay-port"):
            make_servers(served_sqlite.opener, port=0, replay_port=port)
        with pytest.raises(ArchiveError, match="choose another --port"):
            make_servers(served_sqlite.opener, port=port)

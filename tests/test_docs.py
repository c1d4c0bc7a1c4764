"""Every command has help text and appears in the README; the README starts with the
two set-up commands and .ci/run runs the README's test command."""

from __future__ import annotations

import argparse

import pytest

from scraper.cli import build_parser
from tests.conftest import REPO, cli

README = (REPO / "README.md").read_text()


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_command_has_help_and_is_documented(command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0
    assert b"usage: newsarchive " + command.encode() in result.stdout
    assert f"newsarchive {command}" in README


def test_readme_starts_with_two_commands() -> None:
    block = README.split("```")[1].strip().splitlines()
    assert block[1:] == ["pip install -e . && newsarchive demo",
                         "pip install -e '.[test]' && pytest"]
    ci = (REPO / ".ci" / "run").read_text()
    assert "pytest" in ci

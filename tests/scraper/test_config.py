"""Settings load strictly, and config.toml documents exactly the defaults."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from scraper.config import Settings, load_settings, parse_override
from tests.conftest import REPO


def test_config_toml_matches_defaults() -> None:
    assert load_settings(REPO / "config.toml") == Settings()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[crawl]\nconcurency = 3\n", "unknown setting crawl.'concurency'"),
        ("[crawl]\nconcurrency = 'four'\n", "crawl.concurrency: expected int"),
        ("[fetch]\nallow_private = 1\n", "fetch.allow_private: expected bool"),
        ("[crawl]\nper_host_delay = -1\n", "crawl.per_host_delay: must be >= 0"),
        ("[nope]\nx = 1\n", "unknown setting 'nope'"),
        ("[crawl]\ndeny = ['([']\n", "crawl.deny: invalid regular expression"),
        ("[[extract.attribution_patterns]]\nname='x'\nregex='^x$'\n", "needs a (?P<source>"),
        ("[crawl\n", "invalid TOML"),
    ],
)
def test_bad_settings_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert message in str(info.value)


def test_missing_file() -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings("/nonexistent/config.toml")


def test_overrides_and_int_to_float(tmp_path: Path) -> None:
    settings = load_settings(None, {"crawl.per_host_delay": 2, "fetch.user_agent": "ua/1"})
    assert settings.crawl.per_host_delay == 2.0
    assert settings.fetch.user_agent == "ua/1"
    assert parse_override("crawl.domains=['a.org']") == ("crawl.domains", ["a.org"])
    assert parse_override("fetch.user_agent=bare words") == ("fetch.user_agent", "bare words")
    with pytest.raises(ConfigError):
        parse_override("novalue")


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(AttributeError):
        settings.crawl.concurrency = 2  # type: ignore[misc]

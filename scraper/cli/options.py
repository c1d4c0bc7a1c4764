"""Command-line flags for every setting, generated from the settings dataclasses.

Each field ``section.name`` gets ``--section-name`` (``--crawl-per-host-delay``); the
most used also get short aliases (``--delay``, ``--concurrency``). ``--set
section.key=value`` takes any setting in TOML syntax, ``--config PATH`` another file.
"""

from __future__ import annotations

import argparse
import dataclasses
import typing
from typing import Any

from ..config import Settings, load_settings, parse_override

ALIASES = {
    "archive.path": ("--archive", "-a"),
    "crawl.concurrency": ("--concurrency",),
    "crawl.per_host_delay": ("--delay",),
    "crawl.max_pages": ("--max-pages",),
    "crawl.max_depth": ("--max-depth",),
    "fetch.user_agent": ("--user-agent",),
    "fetch.allow_private": ("--allow-private",),
    "fetch.max_bytes": ("--max-bytes",),
}
_SKIP = {"extract.attribution_patterns"}  # a list of tables: --set or config.toml only


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise argparse.ArgumentTypeError(f"expected true/false, got {text!r}")


def settings_parser() -> argparse.ArgumentParser:
    """A parent parser holding ``--config``, ``--set`` and one flag per setting."""
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("settings (override config.toml)")
    group.add_argument("--config", metavar="PATH",
                       help="settings file (default: $NEWSARCHIVE_CONFIG or ./config.toml)")
    group.add_argument("--set", dest="overrides", action="append", default=[],
                       metavar="SECTION.KEY=VALUE", help="override any setting (TOML value)")
    for section in dataclasses.fields(Settings):
        cls = typing.get_type_hints(Settings)[section.name]
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            key = f"{section.name}.{f.name}"
            if key in _SKIP:
                continue
            flags = [f"--{section.name}-{f.name.replace('_', '-')}", *ALIASES.get(key, ())]
            hint = hints[f.name]
            kwargs: dict[str, Any] = {"dest": f"opt__{section.name}__{f.name}",
                                      "default": None, "help": argparse.SUPPRESS}
            if key in ALIASES:
                kwargs["help"] = f"{key} (default {_default(f)})"
            if hint is bool:
                kwargs.update(nargs="?", const=True, type=_bool, metavar="BOOL")
            elif typing.get_origin(hint) is tuple:
                kwargs.update(action="append", metavar="VALUE")
            else:
                kwargs.update(type=hint if hint in (int, float) else str)
            group.add_argument(*flags, **kwargs)
    return parser


def _default(f: dataclasses.Field[Any]) -> object:
    return f.default if f.default is not dataclasses.MISSING else "see config.toml"


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Load ``--config`` (or the default file) and apply every flag given.

    Raises:
        ConfigError: bad file, unknown key or invalid value.
    """
    overrides: dict[str, Any] = {}
    for text in args.overrides:
        key, value = parse_override(text)
        overrides[key] = value
    for name, value in vars(args).items():
        if name.startswith("opt__") and value is not None:
            _, section, field = name.split("__")
            overrides[f"{section}.{field}"] = list(value) if isinstance(value, list) else value
    return load_settings(args.config, overrides)

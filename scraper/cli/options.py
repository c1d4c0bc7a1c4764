"""Command-line flags for settings, generated from the settings dataclasses.

Each command lists the settings sections it uses, and gets one flag per setting of
those sections only (``--crawl-per-host-delay``), with the help text of the setting's
own docstring; booleans are flags (``--fetch-allow-private`` / ``--no-fetch-allow-private``),
and the most used also have short aliases (``--delay``, ``--allow-private``). ``--set
section.key=value`` takes any setting in TOML syntax, ``--config PATH`` another file.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import typing
from collections.abc import Sequence
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
    "capture.renderer": ("--render",),
    "capture.cookies": ("--cookies",),
    "capture.requisites": ("--requisites",),
}
_SKIP = {"extract.attribution_patterns"}  # a list of tables: --set or config.toml only
_SECONDS = re.compile(r"delay|timeout|backoff|lease")


def _docs(cls: type[Any]) -> dict[str, str]:
    """``name: text`` entries of a class docstring's ``Attributes:`` section."""
    doc = cls.__doc__ or ""
    _, _, attrs = doc.partition("Attributes:")
    out: dict[str, str] = {}
    name = ""
    for line in attrs.splitlines():
        match = re.match(r"\s{4,8}(\w+): (.*)", line)
        if match:
            name = match.group(1)
            out[name] = match.group(2).strip()
        elif name and line.strip():
            out[name] += " " + line.strip()
    return {k: " ".join(v.replace("%", "%%").split()) for k, v in out.items()}


def _metavar(name: str, hint: Any) -> str:
    if hint is int:
        return "N"
    if hint is float:
        return "SECONDS" if _SECONDS.search(name) else "NUMBER"
    if name in ("path", "warc_root"):
        return "PATH"
    return "TEXT"


def settings_parser(sections: Sequence[str]) -> argparse.ArgumentParser:
    """A parent parser with ``--config``, ``--set`` and a flag per setting of ``sections``
    (``fetch``, ``crawl``, ``archive``, ``extract``)."""
    parser = argparse.ArgumentParser(add_help=False)
    common = parser.add_argument_group("settings")
    common.add_argument("--config", metavar="PATH",
                        help="settings file (default: $NEWSARCHIVE_CONFIG or ./config.toml)")
    common.add_argument("--set", dest="overrides", action="append", default=[],
                        metavar="SECTION.KEY=VALUE", help="set any setting (a TOML value)")
    classes = typing.get_type_hints(Settings)
    for section in sections:
        cls = classes[section]
        hints, docs = typing.get_type_hints(cls), _docs(cls)
        group = parser.add_argument_group(f"{section} settings (override config.toml)")
        for f in dataclasses.fields(cls):
            key = f"{section}.{f.name}"
            if key in _SKIP:
                continue
            flag = f"--{section}-{f.name.replace('_', '-')}"
            flags = [flag, *ALIASES.get(key, ())]
            hint = hints[f.name]
            default = f.default if f.default is not dataclasses.MISSING else "see config.toml"
            kwargs: dict[str, Any] = {"dest": f"opt__{section}__{f.name}", "default": None,
                                      "help": f"{docs.get(f.name, key)} (default: {default!r})"}
            if hint is bool:
                kwargs["action"] = argparse.BooleanOptionalAction
            elif typing.get_origin(hint) is tuple:
                kwargs.update(action="append", metavar="VALUE")
                kwargs["help"] = f"{docs.get(f.name, key)} (repeat for more)"
            elif typing.get_origin(hint) is typing.Literal:
                kwargs.update(choices=typing.get_args(hint))
            else:
                kwargs.update(type=hint if hint in (int, float) else str,
                              metavar=_metavar(f.name, hint))
            group.add_argument(*flags, **kwargs)
    return parser


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

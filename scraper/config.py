"""Settings: frozen dataclasses with their defaults, loaded strictly from ``config.toml``.

Each field's default is written (and documented) where it is defined; ``config.toml`` at
the repository root mirrors them, and a test keeps the two in step. Loading rejects an
unknown key or a value of the wrong type with a :class:`ConfigError` naming the key.
Values are checked by the dataclasses themselves (``__post_init__``), so settings built
any other way (a worker reading a crawl's settings from the database, ``replace()``)
pass the same checks.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from archive.errors import ConfigError
from archive.settings import ArchiveSettings

from ._version import __version__

DEFAULT_USER_AGENT = f"newsarchive/{__version__} (+https://example.org/newsarchive-contact)"


def _compile(regex: str, key: str) -> None:
    try:
        re.compile(regex)
    except re.error as exc:
        raise ConfigError(f"{key}: invalid regular expression {regex!r}: {exc}") from exc


class _Checked:
    """Refuses negative numbers and values outside a ``Literal``'s choices, naming the
    field; subclasses add their own rules in ``_check``."""

    def __post_init__(self) -> None:
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
                raise ConfigError(f"{f.name}: must be >= 0, got {value}")
            choices = typing.get_args(hints[f.name]) \
                if typing.get_origin(hints[f.name]) is Literal else ()
            if choices and value not in choices:
                raise ConfigError(f"{f.name}: {value!r} is not one of "
                                  f"{', '.join(map(str, choices))}")
        self._check()

    def _check(self) -> None:
        """Rules of one settings class (override)."""


@dataclass(frozen=True, kw_only=True)
class FetchSettings(_Checked):
    """How one page is fetched.

    Attributes:
        user_agent: sent with every request and matched against robots.txt rules.
            Put a URL or e-mail where site owners can reach you.
        connect_timeout: seconds to establish a connection.
        read_timeout: seconds to wait for each chunk of the response.
        total_timeout: seconds for the whole page, retries excluded (slow-drip guard).
        max_bytes: largest body accepted, after decompression (bytes).
        max_redirects: redirects followed before giving up.
        retries: attempts after the first on timeouts, connection errors, 429 and 5xx.
        backoff_base: first retry wait in seconds; doubles each attempt, with jitter.
        backoff_max: longest wait between retries (also caps ``Retry-After``).
        allow_private: fetch loopback, private and link-local addresses. Off by default
            so a public page cannot point the crawler into your network; the demo and
            local test sites turn it on.
    """

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0
    max_bytes: int = 10_000_000
    max_redirects: int = 10
    retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    allow_private: bool = False


@dataclass(frozen=True, kw_only=True)
class CrawlSettings(_Checked):
    """What a crawl visits and how fast.

    Attributes:
        concurrency: pages fetched at once across all hosts.
        per_host_delay: seconds between two requests to one host (robots.txt
            ``Crawl-delay`` raises it, never lowers it).
        max_pages: stop after this many pages in one run (0 = no limit).
        max_depth: links followed from a seed (0 = seeds only).
        follow_links: follow links found in pages (within the scope rules).
        use_sitemaps: read sitemaps announced in robots.txt and feeds linked from pages.
        respect_robots: obey robots.txt. Turn off only for sites you own.
        domains: extra hosts in scope besides the seeds' own sites.
        allow: URL regexes; when set, only matching URLs are queued.
        deny: URL regexes never queued.
        seeds: start URLs used when none are given on the command line.
        max_attempts: times one URL is tried (each try includes the fetcher's own
            quick retries) before it is recorded as failed. Transient failures
            (timeouts, connection errors, 429, 5xx) go back to the frontier.
        retry_delay: seconds before a URL that failed transiently is tried again;
            doubles with each attempt (a ``Retry-After`` longer than this wins).
        host_backoff_max: longest pause (seconds) imposed on a host after repeated
            failures; the pause doubles from ``per_host_delay`` with each failure in a row.
        host_max_failures: failures in a row after which a host is given up for this
            run; its remaining URLs are recorded as skipped (``host-unavailable``).
        max_crawl_delay: a robots.txt ``Crawl-delay`` above this many seconds makes the
            host's pages skipped (``crawl-delay``) rather than stalling the run.
        honor_noarchive: leave out pages that ask not to be archived (``<meta
            name="robots" content="noarchive">`` or ``X-Robots-Tag: noarchive``); they
            are recorded as skipped (``noarchive``).
    """

    concurrency: int = 8
    per_host_delay: float = 1.0
    max_pages: int = 0
    max_depth: int = 2
    follow_links: bool = True
    use_sitemaps: bool = True
    respect_robots: bool = True
    domains: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    max_attempts: int = 3
    retry_delay: float = 30.0
    host_backoff_max: float = 300.0
    host_max_failures: int = 10
    max_crawl_delay: float = 60.0
    honor_noarchive: bool = True

    def _check(self) -> None:
        if self.concurrency < 1:
            raise ConfigError(f"concurrency: must be >= 1, got {self.concurrency}")
        if self.max_attempts < 1:
            raise ConfigError(f"max_attempts: must be >= 1, got {self.max_attempts}")
        for name in ("allow", "deny"):
            for regex in getattr(self, name):
                _compile(regex, name)


AppliesTo = Literal["next", "previous", "article", "inline"]


@dataclass(frozen=True, kw_only=True)
class AttributionPattern(_Checked):
    """A text line that credits a passage to a source.

    Attributes:
        name: reported with each attribution it finds.
        regex: matched, case-insensitively, against a whole paragraph; the group
            ``source`` is the source's name.
        applies_to: which passage it credits: ``next`` (the block after the line),
            ``previous`` (the block before it), ``article`` (the whole body) or
            ``inline`` (searched at the end of any paragraph, which it credits and
            which stays in the body: "... branch line (h/t X).").
    """

    name: str
    regex: str
    applies_to: AppliesTo = "next"

    def _check(self) -> None:
        if "(?P<source>" not in self.regex:
            raise ConfigError("regex: needs a (?P<source>...) group")
        _compile(self.regex, "regex")


def _p(name: str, regex: str, applies_to: AppliesTo = "next") -> AttributionPattern:
    return AttributionPattern(name=name, regex=regex, applies_to=applies_to)


_SRC = r"(?P<source>[^\n]{1,120}?)"
DEFAULT_ATTRIBUTION_PATTERNS: tuple[AttributionPattern, ...] = (
    _p("originally_posted_by", rf"^(?:quote:?\s*)?originally posted by:?\s+{_SRC}\s*[:.]?$"),
    _p("forum_quote", rf"^{_SRC}\s+(?:said|wrote):$"),
    _p(
        "originally_published",
        rf"^(?:(?:a version of )?this (?:article|story|post|essay|piece) (?:was |has )?)?"
        rf"(?:was )?(?:originally|first) (?:published|appeared|ran)\s+(?:on|in|at|by)\s+"
        rf"{_SRC}(?:\s+(?:and|under|as|with)\b.*)?\s*\.?$",
        "article",
    ),
    _p("republished",
       rf"^(?:this (?:article|story|post|essay|piece) (?:is|was|has been) )?republished "
       rf"(?:here )?(?:from|with permission (?:from|of))\s+{_SRC}"
       rf"(?:\s+(?:under|with|as)\b.*)?\s*\.?$",
       "article"),
    _p("reprinted", rf"^reprinted (?:with permission )?(?:from|of)\s+{_SRC}\s*\.?$", "article"),
    _p("with_inputs", rf"^\(?with (?:inputs|input|agency inputs) from\s+{_SRC}\s*\.?\)?\.?$",
       "article"),
    _p("source_line", rf"^source:\s+{_SRC}\s*\.?$", "previous"),
    _p("via", rf"^\(?via:?\s+{_SRC}\)?\s*\.?$", "previous"),
    _p("hat_tip", rf"^(?:h/t:?|ht:|hat tip:?)\s+{_SRC}\s*\.?$", "previous"),
    _p("hat_tip", r"\((?:h/t|hat tip):?\s+(?P<source>[^()\n]{1,80}?)\)\W{0,3}$", "inline"),
)


@dataclass(frozen=True, kw_only=True)
class ExtractSettings:
    """How pages are read.

    Attributes:
        attribution_patterns: the lines that credit passages; see ``AttributionPattern``.
    """

    attribution_patterns: tuple[AttributionPattern, ...] = DEFAULT_ATTRIBUTION_PATTERNS


Renderer = Literal["http", "browser", "auto"]
RENDERERS: tuple[str, ...] = ("http", "browser", "auto")


@dataclass(frozen=True, kw_only=True)
class CaptureSettings(_Checked):
    """How a page's requisites are fetched and how (and whether) it is rendered.

    Attributes:
        requisites: fetch what an archived page needs to display (images, stylesheets
            and what they import, fonts, scripts, icons) with the plain fetcher.
            On by default: without them a replay shows a broken page and loses the photos.
        requisite_max_bytes: largest single requisite (bytes, after decompression); a
            larger one is refused (``too-large``), so one video poster cannot eat the page.
        page_max_requisites: requisites fetched for one page; the rest are listed as
            refused (``page-cap``). Also caps the requests of one rendered page.
        page_max_bytes: total requisite bytes for one page (and all bytes of one
            rendered page); past it, further requests are refused (``page-bytes``).
        requisite_concurrency: requisites of one page fetched at once (the permit
            callback still paces each host).
        css_depth: levels of ``@import`` followed from a page's stylesheets.
        renderer: ``http`` (fetch with httpx only), ``browser`` (render every page in
            Chromium) or ``auto`` (fetch with httpx; render only the pages that need it,
            see :func:`scraper.capture.auto.needs_render`).
        browser_path: the Chromium executable; empty means ``chromium`` (then
            ``chromium-browser``) on PATH. A browser is never downloaded.
        browser_concurrency: pages rendered at once (one browser, one context per page).
        warm_pages: keep up to ``browser_concurrency`` fresh contexts opened ahead, so a
            render does not wait for Chromium to start a page (a few hundred ms each).
        page_timeout: seconds for one rendered page, from navigation to DOM and
            screenshot. A page that never settles is cut at this point, and what it
            fetched so far is kept (``timed_out``).
        settle_idle: seconds without a request in flight after which a loaded page
            counts as settled (the network-idle rule, as browsertrix and Playwright's
            ``networkidle`` use; ours counts only the requests we serve).
        settle_max: longest wait (seconds) for network idle after the load event; a page
            polling forever is cut here rather than at ``page_timeout``.
        scroll_steps: viewport heights scrolled after load, so lazy images ask for
            their sources (as browsertrix's autoscroll behaviour does). 0 disables it.
        dom_max_bytes: largest rendered DOM returned (characters of serialized HTML);
            a larger one is cut and flagged ``dom-truncated``.
        screenshot: take a full-page PNG (``urn:fullPage:``) and a viewport JPEG
            thumbnail (``urn:thumbnail:``) of each rendered page.
        screenshot_max_height: full-page screenshots are clipped to this many CSS
            pixels (flagged ``screenshot-clipped``): a 50 MB DOM must not give a 2 GB PNG.
        cache_bytes: bytes of static responses (styles, scripts, fonts, images) the
            renderer keeps and serves again to later pages without fetching them, as a
            browser cache does. 0 disables it.
        cookies: a Netscape ``cookies.txt`` file; its cookies are sent by both fetchers,
            each only to its own domain, path and scheme. Empty means none.
    """

    requisites: bool = True
    requisite_max_bytes: int = 5_000_000
    page_max_requisites: int = 200
    page_max_bytes: int = 50_000_000
    requisite_concurrency: int = 4
    css_depth: int = 2
    renderer: Renderer = "http"
    browser_path: str = ""
    browser_concurrency: int = 2
    warm_pages: bool = True
    page_timeout: float = 30.0
    settle_idle: float = 0.5
    settle_max: float = 10.0
    scroll_steps: int = 10
    dom_max_bytes: int = 5_000_000
    screenshot: bool = True
    screenshot_max_height: int = 10_000
    cache_bytes: int = 64_000_000
    cookies: str = ""


@dataclass(frozen=True, kw_only=True)
class WatchSettings(_Checked):
    """How ``watch`` and ``crawl --revisit`` check front pages and their articles again.

    Attributes:
        front_every: seconds between two checks of a front or section page.
        article_min: an article's shortest interval between checks (seconds): while it is
            young, and again after each check that finds it changed.
        article_max: an article's longest interval (seconds): the interval doubles after
            each check that finds it unchanged, up to this (7 days).
        young: seconds after an article is first seen during which it is checked every
            ``article_min`` whatever happens (most edits come in the first hours).
        max_age: seconds after an article is first seen when it is no longer checked
            (30 days; 0 = never stop).
        max_articles: article links of one front page added to the schedule (the first
            ones in page order; every link is still recorded).
        lease: seconds a claimed revisit stays with the process that claimed it if that
            process dies (processes sharing a PostgreSQL archive share its schedule).
        batch: revisits claimed at a time; a round claims batches until nothing is due.
        poll: longest sleep of ``watch`` between rounds (seconds); it wakes earlier when
            something is due.
    """

    front_every: float = 600.0
    article_min: float = 600.0
    article_max: float = 604800.0
    young: float = 10800.0
    max_age: float = 2592000.0
    max_articles: int = 100
    lease: float = 900.0
    batch: int = 200
    poll: float = 60.0

    def _check(self) -> None:
        for name in ("front_every", "article_min", "batch"):
            if not getattr(self, name):
                raise ConfigError(f"{name}: must be > 0")
        if self.article_max < self.article_min:
            raise ConfigError(f"article_max: must be >= article_min ({self.article_min:g}), "
                              f"got {self.article_max:g}")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """All settings, one section per table of ``config.toml``."""

    fetch: FetchSettings = field(default_factory=FetchSettings)
    crawl: CrawlSettings = field(default_factory=CrawlSettings)
    archive: ArchiveSettings = field(default_factory=ArchiveSettings)
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    capture: CaptureSettings = field(default_factory=CaptureSettings)
    watch: WatchSettings = field(default_factory=WatchSettings)


def load_settings(path: str | Path | None = None, overrides: dict[str, Any] | None = None
                  ) -> Settings:
    """Load settings from a TOML file, then apply ``section.key`` overrides.

    Args:
        path: the file to read; ``None`` reads ``$NEWSARCHIVE_CONFIG`` or, failing
            that, ``./config.toml`` when present, else uses the built-in defaults.
        overrides: ``{"crawl.concurrency": 4, ...}``, e.g. from CLI flags.

    Raises:
        ConfigError: unreadable file, unknown key, wrong type or invalid value.
    """
    data: dict[str, Any] = {}
    if path is None:
        env = os.environ.get("NEWSARCHIVE_CONFIG")
        path = env if env else ("config.toml" if Path("config.toml").is_file() else None)
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"config file not found: {path}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
    for dotted, value in (overrides or {}).items():
        section, _, key = dotted.partition(".")
        if not key:
            raise ConfigError(f"override {dotted!r} must be written as section.key")
        data.setdefault(section, {})
        if not isinstance(data[section], dict):
            raise ConfigError(f"[{section}] must be a table")
        data[section][key] = value
    settings: Settings = _build(Settings, data, "")
    return settings


def parse_override(text: str) -> tuple[str, Any]:
    """Parse ``section.key=value`` (value in TOML syntax, bare words as strings)."""
    key, sep, raw = text.partition("=")
    if not sep:
        raise ConfigError(f"--set {text!r}: expected section.key=value")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip(), value


def _build(cls: type[Any], data: Any, prefix: str) -> Any:
    where = prefix.rstrip(".") or "config"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(
            f"unknown setting {prefix}{unknown[0]!r}; accepted: {', '.join(sorted(fields))}"
        )
    values = {name: _convert(hints[name], value, f"{prefix}{name}") for name, value in data.items()}
    try:
        return cls(**values)
    except ConfigError as exc:  # the dataclass names the field; add where it sits
        raise ConfigError(f"{prefix}{exc}") from None


def _convert(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _build(hint, value, key + ".")
    if origin is tuple:
        (item, _ellipsis) = typing.get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        return tuple(_convert(item, v, f"{key}[{i}]") for i, v in enumerate(value))
    if origin is Literal:
        choices = typing.get_args(hint)
        if value not in choices:
            raise ConfigError(f"{key}: {value!r} is not one of {', '.join(map(str, choices))}")
        return value
    if origin in (types.UnionType, typing.Union):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if value is None else _convert(args[0], value, key)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint in (int, float) and isinstance(value, bool):
        raise ConfigError(f"{key}: expected {hint.__name__}, got a boolean")
    if isinstance(hint, type) and not isinstance(value, hint):
        raise ConfigError(f"{key}: expected {hint.__name__}, got {value!r}")
    return value

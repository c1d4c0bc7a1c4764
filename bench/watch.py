"""Simulate ``newsarchive watch`` on a news site whose stories change on a known schedule.

A loopback site publishes a story every ``--every`` minutes for the first two thirds of
``--hours`` simulated hours; its front page lists the ``--front`` newest. Each story is
edited in *sessions*: the first starts an exponentially distributed time (mean 40 min)
after publication; with probability ``--late`` a second one starts uniformly between 3 and
24 hours after publication (a later update or a correction). A session is 1 + Poisson(1.5)
edits (Poisson(1) for a late one) spaced exponentially (mean 10 min). That is the premise
of issue 18, stated as numbers: stories change while young, some change again later. Each
edit changes the text (a new paragraph, a reworded one, a quote, a correction or update
note, a new headline, which the front page shows too). Every response also carries what
changes on every load: a clock, a view counter, a rotating "most read" box. The site
answers ``If-None-Match`` with 304 when the story has not changed (an ETag per version, as
a CDN gives).

Time is simulated: the watcher's schedule runs on a clock the bench moves from one due
time to the next, so three days take a minute; requests really go over HTTP through the
crawler, the ingest path and the archive.

Measured, for the adaptive schedule (the ``watch`` defaults):

- caught: the share of edits archived within twice the shortest interval
  (2 × ``watch.article_min``): the story was fetched in full that soon after the edit
  (with the edit, and any made since; goal: at least 95%);
- requests: article requests (304s included) against a fixed 10-minute revisit of every
  article from when it was found to the end (goal: at most 30%);
- versions: the archive holds exactly one version per fetched story version (the
  volatile parts make none).

Run ``python bench/watch.py`` (``--late P``, ``--hours H``, ``--seed S``, ``--json OUT``,
``--fixed`` to also simulate the fixed 10-minute revisit instead of counting it).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import hashlib
import json
import math
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if sys.path[:1] != [str(ROOT)]:
    sys.path.insert(0, str(ROOT))

from archive import Archive  # noqa: E402
from scraper.config import Settings  # noqa: E402
from scraper.watch import Watcher  # noqa: E402

START = 1_750_000_000.0  # simulated epoch seconds at the start (June 2025)
WORDS = ("council", "minister", "police", "court", "river", "market", "school", "hospital",
         "station", "bridge", "company", "union", "report", "plan", "budget", "vote", "rail",
         "storm", "harbour", "museum")
HEADS = ["Storm closes harbour", "Council backs river plan", "Rail union calls strike",
         "Hospital opens new wing", "Court rules on school budget", "Market hall to reopen",
         "Museum wins heritage grant", "Police search for witnesses", "Bridge repairs delayed",
         "Company announces job cuts"]


class SimClock:
    """Seconds since the epoch, moved by the bench (never by the passing of time)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@dataclass
class Story:
    """One story: when it was published and when each edit happened."""

    n: int
    published: float
    edits: list[float]
    late: list[bool]

    @property
    def path(self) -> str:
        return f"/news/{self.n:04d}-{'-'.join(HEADS[self.n % len(HEADS)].lower().split())}.html"

    def version(self, t: float) -> int:
        return sum(1 for e in self.edits if e <= t)


def make_stories(rng: random.Random, hours: float, every: float, late: float
                 ) -> list[Story]:
    stories = []
    publish_until = START + hours * 3600 * 2 / 3
    t = START
    n = 0
    while t < publish_until:
        edits, lates = [], []
        sessions = [(t + rng.expovariate(1 / 2400), 1.5, False)]
        if rng.random() < late:
            sessions.append((t + rng.uniform(3 * 3600, 24 * 3600), 1.0, True))
        for begin, mean, is_late in sessions:
            at = begin
            for _ in range(1 + _poisson(rng, mean)):
                edits.append(at)
                lates.append(is_late)
                at += rng.expovariate(1 / 600)
        order = sorted(range(len(edits)), key=edits.__getitem__)
        stories.append(Story(n, t, [edits[i] for i in order], [lates[i] for i in order]))
        n += 1
        t += every * 60
    return stories


def _poisson(rng: random.Random, mean: float) -> int:
    k, p, limit = 0, 1.0, math.exp(-mean)
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _text(story: Story, version: int) -> tuple[str, list[str]]:
    """Headline and paragraphs of a story's version (each edit changes them)."""
    rng = random.Random(story.n)
    base = [" ".join(rng.choice(WORDS) for _ in range(28)).capitalize() + "." for _ in range(6)]
    head = HEADS[story.n % len(HEADS)]
    paras = list(base)
    for k in range(1, version + 1):
        kind = (story.n + k) % 6
        if kind == 0:
            head = f"{head}, officials say" if k % 2 else f"Update: {head}"
        elif kind == 1:
            paras.insert(2, f"Edit {k}: witnesses described the scene to reporters as "
                            f"crowds gathered near the {WORDS[k % len(WORDS)]} on the night.")
        elif kind == 2:
            paras[1] = paras[1].replace(".", f" and {WORDS[(k * 3) % len(WORDS)]} again.", 1)
        elif kind == 3:
            paras.append(f"“We will review every decision made this week, step {k},” the "
                         "spokesperson said.")
        elif kind == 4:
            paras.append(f"Correction: An earlier version of this article misstated figure {k}.")
        else:
            paras.insert(0, f"Update {k}: this story has been updated with new information "
                            "from the authorities.")
    return head, paras


@dataclass
class Log:
    """What the site served: (simulated time, path, status, version)."""

    entries: list[tuple[float, str, int, int]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _Site

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        site = self.server
        now = site.clock()
        path = self.path.split("?")[0]
        noise = (f'<div class="clock">{time.strftime("%A %d %B %Y %H:%M:%S", time.gmtime(now))}'
                 f' GMT</div><p class="views">{site.rng.randint(100, 99999):,} views</p>')
        most = "".join(f'<li><a href="/news/{site.rng.randint(1, 9999):04d}-x.html">'
                       f"{h}</a></li>" for h in site.rng.sample(HEADS, 4))
        aside = f'<aside class="most-read"><h3>Most read</h3><ol>{most}</ol></aside>'
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain", None, path, 0)
        if path == "/":
            shown = [s for s in site.stories if s.published <= now][-site.front:][::-1]
            items = "".join(f'<article><h2><a href="{s.path}">{_text(s, s.version(now))[0]}</a>'
                            f"</h2></article>" for s in shown)
            etag = hashlib.sha1(items.encode()).hexdigest()[:16]
            body = (f"<html><head><title>Sim Daily</title></head><body>{noise}<header><nav>"
                    f'<a href="/">Home</a> <a href="/about-us">About</a></nav></header>'
                    f"<main>{items}</main>{aside}</body></html>")
            return self._send(200, body.encode(), "text/html", etag, path, 0)
        story = site.by_path.get(path)
        if story is None or story.published > now:
            return self._send(404, b"not found", "text/plain", None, path, 0)
        version = story.version(now)
        etag = f"s{story.n}v{version}"
        head, paras = _text(story, version)
        article = "".join(f"<p>{p}</p>" for p in paras)
        body = (f"<html><head><title>{head} | Sim Daily</title>"
                f'<meta property="og:title" content="{head}"></head><body>{noise}'
                f"<main><article><h1>{head}</h1><p class='byline'>By Sam Reporter</p>"
                f"{article}</article></main>{aside}</body></html>")
        return self._send(200, body.encode(), "text/html; charset=utf-8", etag, path, version)

    def _send(self, status: int, body: bytes, ctype: str, etag: str | None, path: str,
              version: int) -> None:
        quoted = f'"{etag}"' if etag else None
        if quoted and self.headers.get("If-None-Match") == quoted:
            status, body = 304, b""
        with self.server.log.lock:
            self.server.log.entries.append((self.server.clock(), path, status, version))
        self.send_response(status)
        if quoted:
            self.send_header("ETag", quoted)
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 304:
            self.wfile.write(body)


class _Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, stories: list[Story], clock: SimClock, front: int) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stories = stories
        self.by_path = {s.path: s for s in stories}
        self.clock = clock
        self.front = front
        self.log = Log()
        self.rng = random.Random(7)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def simulate(stories: list[Story], hours: float, front: int, settings: Settings,
             workdir: Path) -> tuple[Log, Archive, int]:
    """Run rounds from the start to the end of the simulation; returns the site's log,
    the archive (open) and the number of rounds."""
    clock = SimClock(START)
    site = _Site(stories, clock, front)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    archive = Archive(workdir / "arc", settings.archive, create=True)
    watcher = Watcher(settings, archive, clock=clock)
    watcher.add_fronts([site.base + "/"])
    end = START + hours * 3600
    rounds = 0

    async def run() -> None:
        nonlocal rounds
        while clock.now < end:
            await watcher.round()
            rounds += 1
            due = watcher.schedule.next_due()
            clock.now = max(due if due is not None else end, clock.now + 1)

    try:
        asyncio.run(run())
    finally:
        site.shutdown()
        site.server_close()
    return site.log, archive, rounds


def score(stories: Sequence[Story], log: Log, archive: Archive, hours: float,
          window: float) -> dict[str, Any]:
    served: dict[str, list[tuple[float, int]]] = {}
    article_requests = not_modified = front_requests = robots = 0
    for t, path, status, version in log.entries:
        if path.startswith("/news/"):
            article_requests += 1
            not_modified += status == 304
            if status == 200:
                served.setdefault(path, []).append((t, version))
        elif path == "/":
            front_requests += 1
        elif path == "/robots.txt":
            robots += 1
    caught = {False: 0, True: 0}
    total = {False: 0, True: 0}
    delays = []
    skipped = 0  # versions replaced by the next edit before any fetch could see them
    for s in stories:
        seen = served.get(s.path, [])
        for k, (at, late) in enumerate(zip(s.edits, s.late, strict=True), 1):
            total[late] += 1
            skipped += not any(v == k for _, v in seen)
            # the first full fetch after the edit archives it (alone, or with later edits)
            first = next((t for t, _ in seen if t >= at), None)
            if first is not None:
                delays.append(first - at)
                caught[late] += first - at <= window
    end = START + hours * 3600
    found = {path: min(t for t, _ in hits) for path, hits in served.items()}
    fixed = sum(int((end - t) // 600) + 1 for t in found.values())
    versions_served = sum(len({v for _, v in hits}) for hits in served.values())
    counts = archive.store.rows(
        "SELECT count(*) FROM versions v JOIN pages p ON p.id = v.page_id "
        "WHERE p.url LIKE '%/news/%'")
    edits = total[False] + total[True]
    return {
        "stories": len(stories), "edits": edits, "late_edits": total[True],
        "caught": (caught[False] + caught[True]) / max(1, edits),
        "caught_early": caught[False] / max(1, total[False]),
        "caught_late": caught[True] / max(1, total[True]) if total[True] else None,
        "median_delay_s": statistics.median(delays) if delays else None,
        "article_requests": article_requests, "not_modified": not_modified,
        "fixed_10min_requests": fixed, "request_ratio": article_requests / max(1, fixed),
        "front_requests": front_requests, "robots_requests": robots,
        "versions_served": versions_served, "versions_archived": int(counts[0][0]),
        "versions_never_fetched": skipped,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=72.0, help="simulated hours (72)")
    parser.add_argument("--every", type=float, default=20.0,
                        help="minutes between two new stories (20)")
    parser.add_argument("--front", type=int, default=15, help="stories on the front page")
    parser.add_argument("--late", type=float, default=0.05,
                        help="share of stories edited again 3-24 h after publication (0.05)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--fixed", action="store_true",
                        help="also simulate a fixed 10-minute revisit of every article")
    parser.add_argument("--json", type=Path, metavar="OUT")
    args = parser.parse_args(argv)
    stories = make_stories(random.Random(args.seed), args.hours, args.every, args.late)
    base = Settings()
    settings = dataclasses.replace(
        base, fetch=dataclasses.replace(base.fetch, allow_private=True, retries=0),
        crawl=dataclasses.replace(base.crawl, per_host_delay=0.0))
    window = 2 * settings.watch.article_min
    runs = [("adaptive", settings)]
    if args.fixed:
        never_old = dataclasses.replace(settings.watch, young=args.hours * 3600 * 2)
        runs.append(("fixed", dataclasses.replace(settings, watch=never_old)))
    results: dict[str, Any] = {"late": args.late, "hours": args.hours, "seed": args.seed}
    for name, run_settings in runs:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.monotonic()
            run_settings = dataclasses.replace(run_settings, archive=dataclasses.replace(
                run_settings.archive, path=str(Path(tmp) / "arc")))
            log, archive, rounds = simulate(stories, args.hours, args.front, run_settings,
                                            Path(tmp))
            with archive:
                result = score(stories, log, archive, args.hours, window)
            result["rounds"] = rounds
            result["seconds"] = round(time.monotonic() - started, 1)
            results[name] = result
    a = results["adaptive"]
    print(f"{a['stories']} stories, {a['edits']} edits ({a['late_edits']} in late sessions), "
          f"{args.hours:g} simulated hours, {a['rounds']} rounds, {a['seconds']} s")
    late = "-" if a["caught_late"] is None else f"{a['caught_late']:.1%}"
    print(f"caught within {window / 60:g} min: {a['caught']:.1%} (early sessions "
          f"{a['caught_early']:.1%}, late {late}); median delay {a['median_delay_s']:.0f} s")
    print(f"article requests: {a['article_requests']} ({a['not_modified']} answered 304) vs "
          f"{a['fixed_10min_requests']} for a fixed 10-minute revisit: "
          f"{a['request_ratio']:.1%}; front page {a['front_requests']}, robots.txt "
          f"{a['robots_requests']}")
    print(f"versions: {a['versions_archived']} archived for {a['versions_served']} served "
          f"({a['versions_never_fetched']} edits were followed by another before any fetch)")
    if "fixed" in results:
        f = results["fixed"]
        print(f"fixed 10-minute revisit, simulated: {f['article_requests']} article requests, "
              f"caught {f['caught']:.1%}; adaptive/fixed = "
              f"{a['article_requests'] / max(1, f['article_requests']):.1%}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    ok = a["caught"] >= 0.95 and a["request_ratio"] <= 0.30 and \
        a["versions_archived"] == a["versions_served"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

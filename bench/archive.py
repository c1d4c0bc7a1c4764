"""Archive speed and size on generated records, as ratios to a floor and between backends.

Generates ``--records`` synthetic news pages (HTML payload + extracted article with dates,
authors and attributions) and stores them through ``Archive.store_response`` exactly as a
crawl does (WARC response/request/metadata records, then the database rows, committed in
batches of ``--batch``) into a SQLite archive and, with ``--archive postgresql://...`` (or
``--postgres``), a PostgreSQL archive in a fresh database on that server. The same records
also go to the floor (``bench/_floor.py``): warcio alone plus one plain SQLite insert each.
Every batch goes to each of them in turn (the order rotating), so a change of load on a
shared machine hits all alike. Then, interleaved the same way, it times:

* ``query``: a phrase query with a published-date filter, first page of 20 (relevance),
  and the same sorted by date; the median and worst of 3 rounds of 5 phrases. The floor:
  a plain FTS5 ``MATCH`` of the phrase on a table of the same texts, best 20 first.
* ``show``: ``Archive.record(id)`` (what ``newsarchive show`` prints) and
  ``Archive.raw(id)`` (``show --raw``: the payload read back from WARC), random ids.
* size on disk per record (database + WARC files).

Each figure is printed with its ratio to a reference measured in the same run: SQLite's
to the floor's, PostgreSQL's to SQLite's. Ratios of rates (ingest) are better above 1,
ratios of times (ms) below 1. Goals (issue 17, at 1,000,000 records): SQLite ingest at
least 0.5 of the floor's rate; PostgreSQL ingest at least 0.8x SQLite's, its phrase + date
query median within 2x SQLite's and worst within 3x, ``show`` within 2x. Issue 5's
latency goals stand as absolute times: query < 50 ms (median and worst), show < 5 ms.

Run ``python bench/archive.py --records 20000`` for a quick check (~1 min) and
``python bench/archive.py --postgres`` for the full million on both backends (~36 min on
a 2-core machine; ~30 GB of temporary disk).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from archive import Archive, Article, Attribution, HttpResponse, Query
from archive.query import Sort
from archive.settings import ArchiveSettings
from bench._floor import Floor

PHRASES = ("proxy war in syria", "ceasefire talks in vienna", "kidney transplant donor",
           "shared enemy of the state", "central bank interest rates")
SOURCES = ("Reuters", "AP", "AFP", "Yahoo News", "BBC", "Sott.net", "RT", "Al Jazeera")
SORTS: tuple[Sort, ...] = ("relevance", "date")
ROUNDS = 3
SHOWS = 200
Page = tuple[HttpResponse, Article]

def _sentences(rng: random.Random, count: int) -> list[str]:
    vocab = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10)))
        for _ in range(20_000)
    ]
    weights = [1.0 / (rank + 1) for rank in range(len(vocab))]  # Zipf-like, as in prose
    out = []
    for _ in range(count):
        words = rng.choices(vocab, weights, k=rng.randint(8, 24))
        out.append(" ".join(words).capitalize() + ".")
    return out


def _page(rng: random.Random, sentences: list[str], i: int) -> tuple[HttpResponse, Article]:
    parts = rng.sample(sentences, 18)
    if rng.random() < 0.01:  # ~1% of articles use one of the phrases the benchmark queries
        parts[rng.randrange(len(parts))] = f"Officials spoke of the {rng.choice(PHRASES)}."
    paragraphs = [" ".join(parts[k:k + 3]) for k in range(0, len(parts), 3)]
    body = "\n\n".join(paragraphs)
    year = rng.randint(2010, 2025)
    published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T09:00:00+00:00"
    site = f"site{i % 500}.example"
    url = f"https://{site}/news/{year}/article-{i}.html"
    title = parts[0][:70]
    source = rng.choice(SOURCES)
    passage = parts[1]
    start = body.index(passage)
    article = Article(
        url=url, title=title, body=body, published=published, language="en",
        authors=(f"Reporter {i % 997}",), site_name=site,
        attributions=(Attribution(source=source, passage=passage, start=start,
                                  end=start + len(passage), position=0, pattern="according_to"),),
    )
    html = ("<!doctype html><html><head><meta charset='utf-8'><title>" + title +
            "</title></head><body><article><h1>" + title + "</h1>" +
            "".join(f"<p>{p}</p>" for p in paragraphs) +
            f"<p>Originally published by {source}.</p></article></body></html>").encode()
    response = HttpResponse(
        url=url, requested_url=url, status=200, reason="OK", http_version="HTTP/1.1",
        headers=(("Content-Type", "text/html; charset=utf-8"),
                 ("Content-Length", str(len(html)))),
        request_headers=(("User-Agent", "newsarchive-bench"),), body=html, content=html,
        fetched_at=f"2026-01-01T{(i // 3600) % 24:02d}:{(i // 60) % 60:02d}:{i % 60:02d}+00:00")
    return response, article


def record_ids(arc: Archive) -> list[int]:
    """The records' ids in order (a PostgreSQL archive's have gaps: ids are taken from
    its sequences in blocks)."""
    return [int(r[0]) for r in arc.store.rows("SELECT id FROM versions ORDER BY id")]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


class Target(Protocol):
    """Something the benchmark stores records in and reads them back from."""

    name: str

    def ingest(self, pages: list[Page]) -> None: ...
    def query(self, phrase: str, sort: Sort) -> int: ...
    def show(self, record_id: int) -> object: ...
    def ids(self) -> list[int]: ...
    def raw(self, record_id: int) -> bytes: ...
    def maintain(self) -> None: ...
    def sizes(self) -> tuple[int, int]: ...
    def close(self) -> None: ...


class FloorTarget:
    """The floor (see ``bench/_floor.py``); its query ignores the sort and date filter."""

    name = "floor"

    def __init__(self, directory: Path, *, create: bool = True) -> None:
        self.floor = Floor(directory, create=create)

    def ingest(self, pages: list[Page]) -> None:
        self.floor.store(pages)

    def query(self, phrase: str, sort: Sort) -> int:
        return len(self.floor.query(phrase))

    def show(self, record_id: int) -> object:
        return self.floor.show(record_id)

    def ids(self) -> list[int]:
        return self.floor.ids()

    def raw(self, record_id: int) -> bytes:
        return self.floor.raw(record_id)

    def maintain(self) -> None:
        self.floor.index()  # the FTS5 table the query floor reads

    def sizes(self) -> tuple[int, int]:
        return self.floor.sizes()

    def close(self) -> None:
        self.floor.close()


class ArchiveTarget:
    """An :class:`Archive` on either backend, used as a crawl or import uses it."""

    def __init__(self, name: str, archive: Archive) -> None:
        self.name = name
        self.archive = archive

    def ingest(self, pages: list[Page]) -> None:
        arc = self.archive
        with arc.batch():
            arc.expect((response.url, response.fetched_at) for response, _ in pages)
            for response, article in pages:
                arc.store_response(response, article, page_url=response.url)

    def query(self, phrase: str, sort: Sort) -> int:
        return len(self.archive.search(Query(text=f'"{phrase}"', since="2015-01-01",
                                             until="2019-12-31", sort=sort, limit=20)))

    def show(self, record_id: int) -> object:
        return self.archive.record(record_id)

    def ids(self) -> list[int]:
        return record_ids(self.archive)

    def raw(self, record_id: int) -> bytes:
        return self.archive.raw(record_id)

    def maintain(self) -> None:
        """What follows a bulk load: statistics for the planner (and, on PostgreSQL, the
        vacuum autovacuum would run soon after: visibility map, GIN pending list)."""
        store = self.archive.store
        if store.dialect.postgres:
            with store.connection() as conn:  # type: ignore[attr-defined]
                conn.execute(b"VACUUM ANALYZE")
        else:
            store.conn.execute("PRAGMA optimize")  # type: ignore[attr-defined]

    def sizes(self) -> tuple[int, int]:
        warc = sum(p.stat().st_size for p in (self.archive.path / "warc").iterdir())
        store = self.archive.store
        if store.dialect.postgres:
            db = int(store.rows("SELECT pg_database_size(current_database())")[0][0])
        else:
            db = sum(p.stat().st_size for p in self.archive.path.glob("archive.sqlite*"))
        return db, warc

    def close(self) -> None:
        self.archive.close()


class WritersTarget(ArchiveTarget):
    """A PostgreSQL archive written by several processes at once (``--writers``), as
    workers on many machines write one archive: each batch is split between them, each
    writes its share in its own transaction, and the batch is done when all are. Reads
    go through this process's own :class:`Archive`."""

    def __init__(self, name: str, archive: Archive, writers: int) -> None:
        super().__init__(name, archive)
        spawn = multiprocessing.get_context("spawn")  # no inherited connections
        self.pipes: list[Connection] = []
        self.procs: list[BaseProcess] = []
        for _ in range(writers):
            ours, theirs = spawn.Pipe()
            proc = spawn.Process(target=_writer, args=(theirs, archive.location,
                                                       archive.settings), daemon=True)
            proc.start()
            self.pipes.append(ours)
            self.procs.append(proc)

    def ingest(self, pages: list[Page]) -> None:
        share = -(-len(pages) // len(self.pipes))
        for k, pipe in enumerate(self.pipes):
            pipe.send(pages[k * share:(k + 1) * share])
        for pipe in self.pipes:
            if (error := pipe.recv()) is not None:
                raise RuntimeError(f"a writer failed: {error}")

    def close(self) -> None:
        for pipe in self.pipes:
            pipe.send(None)
        for proc in self.procs:
            proc.join(timeout=60)
        super().close()


def _writer(pipe: Connection, location: str, settings: ArchiveSettings) -> None:
    """A writer process: store each list of pages it is sent, answer None or the error."""
    with Archive(location, settings) as arc:
        target = ArchiveTarget("writer", arc)
        while (pages := pipe.recv()) is not None:
            try:
                target.ingest(pages)
                pipe.send(None)
            except Exception as exc:  # reported to the parent, which stops the run
                pipe.send(repr(exc))


@dataclass
class Timings:
    """What one target spent: ingest seconds (all, and over the last tenth of records),
    seconds per query by sort, per show and per raw read."""

    ingest: float = 0.0
    ingest_tenth: float = 0.0
    maintain: float = 0.0
    queries: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in SORTS})
    hits: int = 0
    show: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)


def _rotated(targets: list[Target], turn: int) -> list[Target]:
    k = turn % len(targets)
    return targets[k:] + targets[:k]


def measure(targets: list[Target], records: int, batch: int, *, seed: int = 1,
            ingest: bool = True) -> dict[str, dict[str, Any]]:
    """Store ``records`` generated pages in every target (unless ``ingest`` is false:
    they hold them from an earlier run), then query and read them back; returns each
    target's figures by name, and the load average."""
    times = {t.name: Timings() for t in targets}
    loads = [os.getloadavg()[0]]
    if ingest:
        loads = _ingest(targets, times, records, batch, seed)
    _read_back(targets, times, records, seed)
    out: dict[str, dict[str, Any]] = {}
    tenth = _tenth(records, batch)
    for target in targets:
        t = times[target.name]
        db, warc = target.sizes()
        fig: dict[str, Any] = {}
        if ingest:
            fig["ingest_per_s"] = round(records / t.ingest)
            fig["ingest_per_s_last_tenth"] = round((records - tenth) / t.ingest_tenth) \
                if t.ingest_tenth else None
            fig["ingest_seconds"] = round(t.ingest, 1)
            fig["maintain_seconds"] = round(t.maintain, 1)
        for sort, label in (("relevance", "query"), ("date", "query_by_date")):
            if t.queries[sort]:
                fig[f"{label}_ms_median"] = _ms(statistics.median(t.queries[sort]))
                fig[f"{label}_ms_max"] = _ms(max(t.queries[sort]))
        fig["query_first_page_hits"] = t.hits
        fig["show_ms"] = _ms(statistics.mean(t.show))
        fig["show_raw_ms"] = _ms(statistics.mean(t.raw))
        fig["bytes_per_record"] = round((db + warc) / records)
        fig["db_bytes_per_record"] = round(db / records)
        fig["warc_bytes_per_record"] = round(warc / records)
        out[target.name] = fig
    out["load"] = {"before": round(loads[0], 2), "mean_during_ingest":
                   round(statistics.mean(loads), 2), "after": round(os.getloadavg()[0], 2)}
    return out


def _tenth(records: int, batch: int) -> int:
    """The first record of the last tenth of the batches."""
    batches = -(-records // batch)
    return (batches - max(batches // 10, 1)) * batch


def _ingest(targets: list[Target], times: dict[str, Timings], records: int, batch: int,
            seed: int) -> list[float]:
    """Each batch into every target in turn; returns the load average at each batch."""
    rng = random.Random(seed)
    sentences = _sentences(rng, 30_000)
    tenth = _tenth(records, batch)
    loads: list[float] = []
    marks = {t.name: (0, 0.0) for t in targets}
    for turn, first in enumerate(range(0, records, batch)):
        pages = [_page(rng, sentences, i) for i in range(first, min(first + batch, records))]
        loads.append(os.getloadavg()[0])
        for target in _rotated(targets, turn):
            t0 = time.perf_counter()
            target.ingest(pages)
            spent = time.perf_counter() - t0
            times[target.name].ingest += spent
            if first >= tenth:
                times[target.name].ingest_tenth += spent
        done = first + len(pages)
        if turn and turn % 50 == 0:
            line = []
            for target in targets:
                name = target.name
                spent_all = times[name].ingest
                recent = (done - marks[name][0]) / (spent_all - marks[name][1])
                line.append(f"{name} {done / spent_all:,.0f}/s (recent {recent:,.0f}/s)")
                marks[name] = (done, spent_all)
            print(f"  {done:,} records, load {loads[-1]:.1f}: " + ", ".join(line),
                  file=sys.stderr)
    for target in targets:
        t0 = time.perf_counter()
        target.maintain()
        times[target.name].maintain = time.perf_counter() - t0
    return loads


def _read_back(targets: list[Target], times: dict[str, Timings], records: int,
               seed: int) -> None:
    """The queries, shows and raw reads, each target in turn."""
    turn = 0
    for _round in range(ROUNDS):
        for phrase in PHRASES:
            for sort in SORTS:
                turn += 1
                for target in _rotated(targets, turn):
                    if target.name == "floor" and sort != SORTS[0]:
                        continue  # one floor query a phrase and round
                    t0 = time.perf_counter()
                    found = target.query(phrase, sort)
                    times[target.name].queries[sort].append(time.perf_counter() - t0)
                    times[target.name].hits = max(times[target.name].hits, found)
    rng = random.Random(seed + 1)
    picks = [rng.randrange(records) for _ in range(SHOWS)]  # the n-th record of each
    ids = {target.name: target.ids() for target in targets}
    for what in ("show", "raw"):
        for turn, pick in enumerate(picks):
            for target in _rotated(targets, turn):
                record_id = ids[target.name][pick]
                t0 = time.perf_counter()
                getattr(target, what)(record_id)
                getattr(times[target.name], what).append(time.perf_counter() - t0)


# -- PostgreSQL: a fresh database on the given server ---------------------------------

@contextmanager
def fresh_database(url: str, keep: bool) -> Iterator[str]:
    """A new, empty database on the server at ``url`` (dropped afterwards unless
    ``keep``), so record ids start at 1 as they do in the new SQLite archive."""
    import psycopg

    name = f"newsarchive_bench_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"'.encode())
    parts = urlsplit(url)
    try:
        yield parts._replace(path="/" + name).geturl()
    finally:
        if not keep:
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())


def server_settings(url: str) -> dict[str, str]:
    """The server settings that bear on write and read speed, for the record."""
    import psycopg

    names = ("server_version", "shared_buffers", "work_mem", "maintenance_work_mem",
             "fsync", "synchronous_commit", "max_wal_size", "gin_pending_list_limit")
    with psycopg.connect(url) as conn:
        return {n: str(conn.execute(f"SHOW {n}".encode()).fetchone()[0])  # type: ignore[index]
                for n in names}


@contextmanager
def postgres_url(args: argparse.Namespace) -> Iterator[str | None]:
    """The server to use: ``--archive``, else with ``--postgres`` ``$NEWSARCHIVE_TEST_PG``
    or a throwaway server from this machine's binaries; ``None``: SQLite only."""
    if args.archive:
        yield args.archive
    elif args.postgres:
        from tests.pgserver import server

        with server() as url:
            yield url
    else:
        yield None


# -- the report ------------------------------------------------------------------------

ROWS = (  # key, label, better ("high": a rate, "low": a time or size)
    ("ingest_per_s", "ingest records/s", "high"),
    ("ingest_per_s_last_tenth", "  over the last tenth", "high"),
    ("query_ms_median", "query ms, median", "low"),
    ("query_ms_max", "query ms, worst", "low"),
    ("query_by_date_ms_median", "by date ms, median", "low"),
    ("query_by_date_ms_max", "by date ms, worst", "low"),
    ("show_ms", "show ms", "low"),
    ("show_raw_ms", "show --raw ms", "low"),
    ("bytes_per_record", "bytes/record", "low"),
    ("db_bytes_per_record", "  database", "low"),
    ("warc_bytes_per_record", "  WARC", "low"),
    ("ingest_seconds", "ingest s", "low"),
    ("maintain_seconds", "after-load s", "low"),
)


def ratio(value: Any, reference: Any) -> float | None:
    """``value / reference`` to two places, or ``None`` if either is missing."""
    if not isinstance(value, int | float) or not isinstance(reference, int | float) \
            or not reference:
        return None
    return round(value / reference, 2)


def ratios(result: dict[str, dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    """SQLite's figures over the floor's, PostgreSQL's over SQLite's. The floor has one
    query (no date filter or sort), so both SQLite query sorts are set against it."""
    out: dict[str, dict[str, float | None]] = {}
    floor, lite = result.get("floor", {}), result["sqlite"]
    floor_of = {"query_by_date_ms_median": "query_ms_median",
                "query_by_date_ms_max": "query_ms_max"}
    out["sqlite/floor"] = {k: ratio(lite.get(k), floor.get(floor_of.get(k, k)))
                           for k, _, _ in ROWS}
    if "postgresql" in result:
        pg = result["postgresql"]
        out["postgresql/sqlite"] = {k: ratio(pg.get(k), lite.get(k)) for k, _, _ in ROWS}
    return out


def goals(result: dict[str, dict[str, Any]]) -> list[tuple[str, bool]]:
    """Each goal, and whether this run met it."""
    r = ratios(result)
    checks: list[tuple[str, bool]] = []

    def check(text: str, value: float | None, op: str, bound: float) -> None:
        if value is not None:
            met = value >= bound if op == ">=" else value <= bound
            checks.append((f"{text} = {value:g} (goal {op} {bound:g})", met))

    check("SQLite ingest / floor's", r["sqlite/floor"]["ingest_per_s"], ">=", 0.5)
    if "postgresql/sqlite" in r:
        pg = r["postgresql/sqlite"]
        check("PostgreSQL ingest / SQLite's", pg["ingest_per_s"], ">=", 0.8)
        for key, bound in (("query_ms_median", 2), ("query_by_date_ms_median", 2),
                           ("query_ms_max", 3), ("query_by_date_ms_max", 3), ("show_ms", 2)):
            check(f"PostgreSQL {key} / SQLite's", pg[key], "<=", bound)
    for name in ("sqlite", "postgresql"):
        for key, bound in (("query_ms_median", 50), ("query_ms_max", 50),
                           ("query_by_date_ms_median", 50), ("query_by_date_ms_max", 50),
                           ("show_ms", 5)):
            if name in result:
                check(f"{name} {key}", result[name].get(key), "<=", bound)
    return checks


def table(result: dict[str, dict[str, Any]]) -> str:
    """The figures as one text table, each with its ratio."""
    r = ratios(result)
    names = [n for n in ("floor", "sqlite", "postgresql") if n in result]
    head = ["", "floor", "sqlite", "÷ floor"]
    if "postgresql" in names:
        head += ["postgresql", "÷ sqlite"]
    lines = [head]
    for key, label, _better in ROWS:
        row = [label, _fmt(result.get("floor", {}).get(key)), _fmt(result["sqlite"].get(key)),
               _fmt(r["sqlite/floor"][key])]
        if "postgresql" in names:
            row += [_fmt(result["postgresql"].get(key)), _fmt(r["postgresql/sqlite"][key])]
        lines.append(row)
    widths = [max(len(line[i]) for line in lines) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                               for i, (cell, w) in enumerate(zip(line, widths, strict=True)))
                     for line in lines)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value < 100:
        return f"{value:g}"
    return f"{value:,.0f}" if isinstance(value, int | float) else str(value)


def run(args: argparse.Namespace, directory: Path, pg_url: str | None, *,
        reuse: bool = False) -> dict[str, dict[str, Any]]:
    """Open the targets in ``directory`` (and the PostgreSQL database), measure, close.
    ``reuse``: they hold the records of an earlier ``--dir`` run; only read them."""
    if not reuse and args.dir:
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "run.json").write_text(json.dumps(
            {"records": args.records, "batch": args.batch, "postgresql": pg_url}))
    targets: list[Target] = [FloorTarget(directory / "floor", create=not reuse),
                             ArchiveTarget("sqlite", Archive(directory / "sqlite",
                                                             create=not reuse))]
    try:
        if pg_url is not None:
            settings = ArchiveSettings(path=pg_url, warc_root=str(directory / "postgresql"))
            pg = Archive(pg_url, settings, create=not reuse)
            targets.append(WritersTarget("postgresql", pg, args.writers)
                           if args.writers > 1 and not reuse
                           else ArchiveTarget("postgresql", pg))
        result = measure(targets, args.records, args.batch, ingest=not reuse)
    finally:
        for target in targets:
            target.close()
    result["run"] = {"records": args.records, "batch": args.batch,
                     "postgresql_writers": args.writers, "reused": reuse}
    if pg_url is not None:
        result["postgresql_server"] = server_settings(pg_url)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000,
                        help="records to generate (default 1,000,000)")
    parser.add_argument("--batch", type=int, default=1000, help="records per transaction")
    parser.add_argument("--archive", metavar="postgresql://...",
                        help="also run PostgreSQL, in a new database on this server")
    parser.add_argument("--postgres", action="store_true",
                        help="also run PostgreSQL: $NEWSARCHIVE_TEST_PG, else a throwaway "
                        "server from this machine's binaries")
    parser.add_argument("--writers", type=int, default=1, metavar="N",
                        help="PostgreSQL writer processes (default 1); SQLite has one")
    parser.add_argument("--dir", help="build the archives here and keep them, and the "
                        "PostgreSQL database (default: temporary, removed afterwards)")
    parser.add_argument("--reuse", metavar="DIR", help="only query and read back the "
                        "archives an earlier --dir DIR run kept (after a change to reading)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if args.archive and not args.archive.startswith(("postgresql://", "postgres://")):
        parser.error("--archive takes a postgresql:// URL (SQLite always runs)")
    if args.reuse:
        kept = json.loads((Path(args.reuse) / "run.json").read_text())
        args.records, args.batch = kept["records"], kept["batch"]
        result = run(args, Path(args.reuse), kept["postgresql"], reuse=True)
        return report(args, result)
    directory = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="na-bench-"))
    try:
        with postgres_url(args) as server:
            if server is None:
                result = run(args, directory, None)
            else:
                with fresh_database(server, keep=bool(args.dir)) as pg_url:
                    result = run(args, directory, pg_url)
    finally:
        if not args.dir:
            shutil.rmtree(directory, ignore_errors=True)
    return report(args, result)


def report(args: argparse.Namespace, result: dict[str, dict[str, Any]]) -> int:
    """Print the result: the table and the goals, or JSON (also kept in a --dir)."""
    full = {**result, "ratios": ratios(result),
            "goals": {text: met for text, met in goals(result)}}
    if args.dir or args.reuse:
        name = "result-reuse.json" if args.reuse else "result.json"
        (Path(args.reuse or args.dir) / name).write_text(json.dumps(full, indent=2))
    if args.json:
        print(json.dumps(full, indent=2))
        return 0
    writers = f", {args.writers} PostgreSQL writers" if args.writers > 1 else ""
    reused = f" (read back from {args.reuse})" if args.reuse else ""
    print(f"{args.records:,} records{reused}, batches of {args.batch:,}{writers}; "
          f"load {result['load']}")
    if "postgresql_server" in result:
        print("PostgreSQL: " + ", ".join(f"{k} {v}"
                                         for k, v in result["postgresql_server"].items()))
    print(table(result))
    for text, met in goals(result):
        print(f"  {'met   ' if met else 'MISSED'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

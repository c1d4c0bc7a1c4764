"""Every command's arguments, in one place, and which module handles it.

Building the parser imports nothing heavy: each command names its handler as
``"module:function"`` (a module of this package), imported only when that command runs,
so ``newsarchive --version`` or ``query`` does not load the crawler and extractor.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence

from .._version import __version__
from .options import settings_parser

Add = Callable[[str, str, Sequence[str], str, str], argparse.ArgumentParser]
EXIT_LOCKED = 75  # EX_TEMPFAIL: another crawl holds the archive; cron may retry later

ARCHIVE = ("archive",)
READ = ("archive",)
CRAWL = ("fetch", "crawl", "capture", "archive", "extract", "watch")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The ``newsarchive`` argument parser.

    Args:
        only: build this command's arguments in full and the others as names with their
            one-line help (enough to list them and to refuse a mistyped one): the
            settings flags of every command take longer to build than most commands
            take to run.
    """
    parser = argparse.ArgumentParser(
        prog="newsarchive",
        description="Scrape, extract and archive news pages, with quote attributions.",
        epilog="Run `newsarchive COMMAND --help` for each command's options.")
    parser.add_argument("--version", action="version", version=f"newsarchive {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    parents: dict[tuple[str, ...], list[argparse.ArgumentParser]] = {}

    def command(name: str, handler: str, sections: Sequence[str], help: str,
                description: str) -> argparse.ArgumentParser:
        if only is not None and name != only:
            sub.add_parser(name, help=help, add_help=False)
            return argparse.ArgumentParser(add_help=False)  # its arguments are not needed
        key = tuple(sections)
        if key not in parents:
            parents[key] = [settings_parser(key)]
        p = sub.add_parser(name, parents=parents[key], help=help, description=description)
        p.set_defaults(handler=handler)
        return p

    _crawling(command)
    _reading(command)
    _research(command)
    _changes(command)
    return parser


def _crawling(add: Add) -> None:
    add("demo", "crawl:cmd_demo", ("archive",), "crawl the bundled sample site offline",
        "Serve the bundled sample site on 127.0.0.1, crawl it into an archive (default "
        "./newsarchive-demo, replaced each run), and show what was found.")

    c = add("crawl", "crawl:cmd_crawl", CRAWL, "crawl seed URLs into the archive",
            "Crawl seeds (and what they link to, their sitemaps and feeds, within scope) "
            "politely into the archive. Re-crawls send conditional requests and store only "
            "changed pages as new versions. Exit codes: 0 done (or nothing to resume), "
            "1 nothing could be fetched or archived, 75 another crawl holds the archive.")
    c.add_argument("seeds", nargs="*", metavar="URL",
                   help="seed URLs (default: crawl.seeds in config.toml)")
    c.add_argument("-i", "--seeds-file", metavar="FILE",
                   help="file with one seed URL per line (# comments allowed); - for stdin")
    c.add_argument("--resume", action="store_true",
                   help="continue the unfinished crawl of this archive if there is one, "
                   "else start the configured one (safe to run from cron)")
    c.add_argument("--revisit", action="store_true",
                   help="check what the revisit schedule says is due now, one round, and "
                   "exit (for cron; URLs given are watched as front pages first); see "
                   "`newsarchive watch`")
    c.add_argument("--seed-only", action="store_true",
                   help="record the crawl and queue its seeds, fetch nothing (then start "
                   "`newsarchive worker`s on a postgresql:// archive)")
    c.add_argument("--wait", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long for another crawl on the same archive to finish "
                   "(default 0: exit at once with code 75)")
    c.add_argument("-q", "--quiet", action="store_true", help="only errors and the summary")

    f = add("fetch", "crawl:cmd_fetch", CRAWL, "fetch one page, archive it, print JSON",
            "Fetch one URL, extract it, archive it and print the record as JSON.")
    f.add_argument("url", help="the page URL")
    f.add_argument("--no-archive", action="store_true", help="print only, do not archive")

    p = add("parse", "crawl:cmd_parse", ("extract",), "extract from a saved HTML file",
            "Extract title, dates, authors, body and attributions from a saved HTML file "
            "(no network) and print JSON.")
    p.add_argument("file", help="HTML file (- for stdin)")
    p.add_argument("--url", help="the page's original URL (resolves links, URL dates)")

    i = add("import", "importer:cmd_import", ("archive", "extract"),
            "import WARC/ARC/WACZ files from other tools",
            "Read WARC (.warc, .warc.gz), ARC (.arc, .arc.gz) and WACZ files made by wget "
            "--warc-file, browsertrix, pywb, Heritrix or newsarchive, extract every HTML "
            "response and archive it (other responses are kept as resources for replay). "
            "A bad record is skipped with its offset named and the rest of the file is "
            "still read; the exit code is then 1. Records imported before are skipped.")
    i.add_argument("files", nargs="+", metavar="FILE",
                   help="WARC, ARC or WACZ files: paths, or URLs (s3://, gs://, https://...) "
                   "read through fsspec when it is installed (the remote extra)")
    i.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="extraction processes (default 0: one per core)")
    i.add_argument("--seed-only", action="store_true",
                   help="queue the files (large ones in pieces) for `newsarchive worker`s "
                   "on a postgresql:// archive to import; read nothing here")
    i.add_argument("--json", action="store_true", help="print the summary as JSON")
    i.add_argument("-q", "--quiet", action="store_true", help="no progress, only the summary")

    r = add("reextract", "importer:cmd_reextract", ("archive", "extract"),
            "extract archived pages again with the current extractor",
            "Read the raw bytes of each selected page's latest capture from WARC and extract "
            "them again. A changed result becomes a new version marked as a re-extraction "
            "(with the extractor version that made it); unchanged ones are left alone. "
            "Uses every core; after a kill, the same command continues where it stopped.")
    r.add_argument("--site", help="only pages of this site")
    r.add_argument("--since", metavar="DATE", help="only pages published on or after")
    r.add_argument("--until", metavar="DATE", help="only pages published on or before")
    r.add_argument("--query", metavar="TEXT", help="only pages matching this search")
    r.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="extraction processes (default 0: one per core)")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("-q", "--quiet", action="store_true", help="no progress, only the summary")

    w = add("worker", "crawl:cmd_worker", CRAWL, "drain a shared PostgreSQL frontier",
            "Run one crawl worker against a postgresql:// archive: claim URLs from every "
            "unfinished crawl (politely: hosts are shared by all workers), archive them, "
            "and exit when the frontier is empty. Start as many as you like, on any "
            "number of machines.")
    w.add_argument("--follow", action="store_true",
                   help="keep polling for new crawls instead of exiting when drained")
    w.add_argument("--poll", type=float, default=5.0, metavar="SECONDS",
                   help="seconds between polls with --follow (default 5)")
    w.add_argument("--lease", type=float, default=None, metavar="SECONDS",
                   help="how long a claim lasts if this worker dies (default 30)")
    w.add_argument("-j", "--jobs", type=int, default=1, metavar="N",
                   help="extraction processes for queued import jobs (default 1)")
    w.add_argument("-q", "--quiet", action="store_true", help="only errors and the summary")

    m = add("migrate", "crawl:cmd_migrate", ARCHIVE, "set up or copy into PostgreSQL",
            "Create or upgrade the schema of a postgresql:// archive (--to), and with "
            "--from copy a SQLite archive's records (same ids) and WARC files into it.")
    m.add_argument("--to", required=True, metavar="URL", help="postgresql://user@host/db")
    m.add_argument("--from", dest="source", metavar="ARCHIVE",
                   help="SQLite archive to copy: sqlite:///path or a directory")


def _reading(add: Add) -> None:
    q = add("query", "read:cmd_query", READ, "full-text search the archive",
            "Search titles and bodies: plain words (all must match), \"exact phrases\", "
            "prefix*, title:word, OR, NOT or -word to exclude, parentheses. Newest version "
            "of each page only, unless --all-versions. Dates take YYYY-MM-DD, YYYY-MM, "
            "YYYY, an ISO time, today, yesterday or an age (7d, 12h, 2w).")
    q.add_argument("text", nargs="*", default=[], help="search text (omit to list by date)")
    q.add_argument("--site", help="only this site, e.g. example.org")
    q.add_argument("--since", metavar="DATE", help="published on or after")
    q.add_argument("--until", metavar="DATE", help="published on or before")
    q.add_argument("--captured-since", metavar="DATE", help="captured on or after")
    q.add_argument("--captured-until", metavar="DATE", help="captured on or before")
    q.add_argument("--source", help="only articles crediting this attribution source")
    q.add_argument("--author", help="only articles by this author (substring)")
    q.add_argument("--language", help="only this language (en matches en-GB)")
    q.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    q.add_argument("--limit", type=int, default=20, help="results per page (default 20)")
    q.add_argument("--offset", type=int, default=0, help="skip this many results")
    q.add_argument("--all-versions", action="store_true", help="include older versions")
    fmt = q.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON Lines, one hit per line")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")

    s = add("show", "read:cmd_show", READ, "show one archived record",
            "Show a record (an article version) by id.")
    s.add_argument("id", type=int, help="record id (from query)")
    group = s.add_mutually_exclusive_group()
    group.add_argument("--raw", action="store_true",
                       help="write the archived page bytes exactly as fetched to stdout")
    group.add_argument("--json", action="store_true", help="the record as JSON")

    e = add("export", "read:cmd_export", READ,
            "export records (JSON Lines, CSV, Parquet) or a WACZ",
            "Export every record (newest versions and old ones), or those matching "
            "--query, as JSON Lines, CSV or Parquet; or package the WARC captures as a "
            "WACZ file for ReplayWeb.page/pywb.")
    e.add_argument("--format", choices=("jsonl", "csv", "parquet"), default=None,
                   help="output format (default: from -o's extension, else jsonl)")
    e.add_argument("--parquet", dest="format", action="store_const", const="parquet",
                   help="same as --format parquet (needs pyarrow: pip install "
                   "'newsarchive[parquet]')")
    e.add_argument("--wacz", metavar="FILE",
                   help="write a WACZ (WARCs, CDXJ index, pages.jsonl, datapackage.json)")
    e.add_argument("--query", metavar="TEXT",
                   help="only records matching this full-text query (all their captures "
                   "for --wacz)")
    e.add_argument("--attributions", action="store_true",
                   help="one row per attribution (with its record's id, url, title) instead "
                   "of one per record")
    e.add_argument("--jsonl", dest="format", action="store_const", const="jsonl",
                   help="same as --format jsonl")
    e.add_argument("--csv", dest="format", action="store_const", const="csv",
                   help="same as --format csv")
    e.add_argument("-o", "--output", help="file to write (atomically); default stdout")


def _research(add: Add) -> None:
    h = add("history", "research:cmd_history", READ, "every capture and version of a page",
            "List every capture (fetch) of a page and every version (distinct content), "
            "oldest first, and whether the page is gone.")
    h.add_argument("url", help="the page URL (as crawled, fetched or canonical)")
    h.add_argument("--json", action="store_true", help="as JSON")

    d = add("diff", "research:cmd_diff", READ, "what changed between two versions",
            "Show what changed in a page's title, dates, authors, body (a text diff) and "
            "attributions between two versions: those current at --from and --to (ISO "
            "times or record ids); by default the one before the latest, and the latest.")
    d.add_argument("url", help="the page URL")
    d.add_argument("--from", dest="since", metavar="T1", help="time (ISO) or record id")
    d.add_argument("--to", dest="until", metavar="T2", help="time (ISO) or record id")
    d.add_argument("--json", action="store_true", help="as JSON")

    s = add("sources", "research:cmd_sources", READ, "rank attribution sources",
            "Rank the sources articles credit: articles and attributions per source, "
            "first and last seen, citing sites.")
    s.add_argument("--site", help="only articles of this site")
    s.add_argument("--limit", type=int, default=30, help="how many sources (default 30)")
    s.add_argument("--json", action="store_true", help="JSON Lines, one source per line")

    t = add("trace", "research:cmd_trace", READ, "where a passage appeared and spread",
            "Find every archived article containing a passage or a near copy (word-shingle "
            "similarity, survives small edits), ordered by first capture, with the "
            "attribution each gives; shown as a tree (a copy sits under the earlier "
            "article its attribution names).")
    t.add_argument("passage", help="the passage text (3 words or more)")
    t.add_argument("--min-similarity", type=float, default=0.5, metavar="S",
                   help="share of the passage's shingles an article must contain (default 0.5)")
    t.add_argument("--limit", type=int, default=200, help="at most this many articles")
    t.add_argument("--timeline", action="store_true", help="a flat timeline, not a tree")
    t.add_argument("--json", action="store_true", help="as JSON")

    v = add("verify", "research:cmd_verify", READ, "check WARC files against the database",
            "Re-read every WARC record, check digests, and check that every capture and "
            "resource in the database points at a whole record of the right type, length "
            "and digest. Exits 1 on any problem.")
    v.add_argument("--repair", action="store_true",
                   help="trim a truncated last WARC record (never bytes a capture uses)")
    v.add_argument("--json", action="store_true", help="the report as JSON")

    s = add("serve", "serve:cmd_serve", READ, "browse the archive in a web browser",
            "Serve the archive read-only: search with facets, records with their "
            "attributions, versions side by side, snapshots (replayed from a second, "
            "sandboxed port), sources, trace, sites and crawls; every page also as JSON "
            "under /api/ (OpenAPI at /api/openapi.json).")
    s.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; any other needs --token)")
    s.add_argument("--port", type=int, default=8080, help="the app's port (default 8080)")
    s.add_argument("--replay-port", type=int, default=None,
                   help="the snapshots' own port (default: --port + 1)")
    s.add_argument("--token", default=None,
                   help="a secret every request must carry (default $NEWSARCHIVE_TOKEN); "
                   "required when --host is not loopback")

def _changes(add: Add) -> None:
    w = add("watch", "watch:cmd_watch", CRAWL, "revisit front pages and their articles",
            "Watch front and section pages: check them every watch.front_every seconds, "
            "record the article links each check shows (see `frontpage`), and check each "
            "article they link to every watch.article_min seconds while it is young and "
            "after each change, less often after each unchanged check (the interval "
            "doubles up to watch.article_max). Runs until stopped (Ctrl-C or SIGTERM); "
            "`crawl --revisit` runs one round. The schedule lives in the archive, so "
            "watchers sharing a postgresql:// archive share it.")
    w.add_argument("urls", nargs="*", metavar="URL",
                   help="front or section pages to watch (added to those watched already)")
    w.add_argument("-i", "--seeds-file", metavar="FILE",
                   help="file with one front page URL per line (# comments allowed); - for "
                   "stdin")
    w.add_argument("--rounds", type=int, default=None, metavar="N",
                   help="stop after N rounds (default: run until stopped)")
    w.add_argument("--list", action="store_true",
                   help="show the schedule (what is watched, when it is due) and exit")
    w.add_argument("--json", action="store_true", help="with --list: JSON Lines")
    w.add_argument("-q", "--quiet", action="store_true", help="only errors")

    c = add("changes", "changes:cmd_changes", READ, "list the edits made to stories",
            "List the edits across the archive, newest first: each new version of an "
            "article with the kinds of change it made (headline, standfirst, body-expanded, "
            "body-cut, correction, update, quote-added, quote-removed, quote-reworded, "
            "attribution-added, attribution-removed, attribution-changed, byline, "
            "published, modified, silent-edit, other). A page that differs on each load "
            "only in a clock, counters or rotating boxes makes no new version, so no edit.")
    c.add_argument("--kind", action="append", default=[], metavar="K",
                   help="only edits of this kind (repeat, or comma-separated)")
    c.add_argument("--site", help="only this site, e.g. example.org")
    c.add_argument("--since", metavar="T",
                   help="only edits captured since T (YYYY-MM-DD, an ISO time, or an age "
                   "such as 7d, 12h)")
    c.add_argument("--limit", type=int, default=100,
                   help="at most this many edits (default 100; 0 = all)")
    c.add_argument("--front-pages", action="store_true",
                   help="include front and section pages (they change all day)")
    c.add_argument("--relabel", action="store_true",
                   help="first label versions archived before edits were labelled")
    fmt = c.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true", help="JSON Lines, one edit per line")
    fmt.add_argument("--csv", action="store_true", help="CSV with a header row")
    fmt.add_argument("--atom", metavar="FILE",
                     help="write an Atom feed to FILE (atomically), for a feed reader")

    f = add("frontpage", "changes:cmd_frontpage", READ, "what a front page showed",
            "Show the article links a watched front or section page showed, in order with "
            "their headlines, at its latest capture or at the capture current at --at.")
    f.add_argument("url", help="the front page URL (as watched)")
    f.add_argument("--at", metavar="T", help="an ISO time or date (a date: its end)")
    f.add_argument("--json", action="store_true", help="as JSON")

    p = add("prominence", "changes:cmd_prominence", READ,
            "where and how long an article was on front pages",
            "Show on which watched front pages an article appeared, when it appeared and "
            "left, its best position and the headlines shown for it.")
    p.add_argument("url", metavar="ARTICLE_URL", help="the article URL")
    p.add_argument("--json", action="store_true", help="as JSON")

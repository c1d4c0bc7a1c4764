"""Score our article extractor against anchor extractors on the shared benchmark sets.

Sets (read from ``../shared/bench`` relative to the repo, or ``--data DIR``):

* ``aeb``            article-extraction-benchmark: body only, 4-token shingle metric.
* ``wcxb-articles``  WCXB dev, article pages: body bag-of-words F1; title/author/date exact.
* ``wcxb-forums``    WCXB dev, forum pages: same metrics as above.
* ``trafilatura-eval`` trafilatura's 990-page evaluation set: body only, its with/without
  passage metric; pages go to every extractor as the bytes on disk (their encodings vary).

Extractors: ``ours`` (one ``scraper.extract.Extractor``), ``trafilatura``, ``htmldate``
(dates only), ``readability`` (readability-lxml, body only) and ``newspaper4k``. An anchor
that cannot be imported is reported as skipped. Every extractor runs single-process on the
same decoded pages, one after another, so pages/second are comparable; an exception (or a
``--timeout``) counts as empty output. Sockets are blocked for the whole run: an extractor
that tries the network gets an error (counted) instead of traffic.

Run ``python bench/extraction.py --limit 60``; see ``bench/README.md`` for the options.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import importlib.metadata
import json
import logging
import os
import platform
import re
import signal
import socket
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    from bench import _metrics as m
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _metrics as m  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "bench"
SETS = ("aeb", "wcxb-articles", "wcxb-forums", "trafilatura-eval")
BODY_ONLY_SETS = ("aeb", "trafilatura-eval")
SET_ALIASES = {
    "article-extraction-benchmark": "aeb",
    "wcxb-article": "wcxb-articles",
    "wcxb-forum": "wcxb-forums",
    "wcxb": "wcxb-articles,wcxb-forums",
    "trafilatura": "trafilatura-eval",
}
EXTRACTORS = ("ours", "trafilatura", "htmldate", "readability", "newspaper4k")
EXTRACTOR_ALIASES = {"readability-lxml": "readability", "newspaper": "newspaper4k"}
FIELDS = ("body", "title", "author", "date")
ANCHOR_URL = "http://localhost/article"  # for extractors that insist on a URL


# --------------------------------------------------------------------------- data


@dataclass
class Page:
    """One benchmark page with its labels (missing label = ``None``)."""

    id: str
    url: str | None
    path: Path
    body: str | None
    title: str | None = None
    author: str | None = None
    date: str | None = None
    with_: list[str] = field(default_factory=list)
    without: list[str] = field(default_factory=list)
    raw: bool = False  # hand extractors the bytes, not text

    def html(self) -> str | bytes:
        """The page: decoded text (the aeb and WCXB pages are all UTF-8), or its bytes
        for a set of pages in many encodings."""
        data = gzip.decompress(self.path.read_bytes())
        return data if self.raw else data.decode("utf-8", errors="replace")


def load_aeb(data: Path) -> list[Page]:
    """Pages of the article-extraction-benchmark set, sorted by id."""
    base = data / "article-extraction-benchmark"
    truth = json.loads((base / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        Page(pid, item.get("url"), base / "html" / f"{pid}.html.gz", item.get("articleBody") or "")
        for pid, item in sorted(truth.items())
    ]


def load_wcxb(data: Path, page_type: str) -> list[Page]:
    """WCXB dev pages of one primary page type (``article`` or ``forum``), sorted by id."""
    base = data / "wcxb-dev"
    pages = []
    for gt_path in sorted((base / "ground-truth").glob("*.json")):
        item = json.loads(gt_path.read_text(encoding="utf-8"))
        if item.get("_internal", {}).get("page_type", {}).get("primary") != page_type:
            continue
        gt = item.get("ground_truth", {})
        pages.append(
            Page(
                gt_path.stem,
                item.get("url"),
                base / "html" / f"{gt_path.stem}.html.gz",
                gt.get("main_content") or None,
                title=gt.get("title") or None,
                author=gt.get("author") or None,
                date=gt.get("publish_date") or None,
                with_=list(gt.get("with") or []),
                without=list(gt.get("without") or []),
            )
        )
    return pages


def load_trafilatura_eval(data: Path) -> list[Page]:
    """trafilatura's evaluation pages with their must/must-not passages, sorted by id. A
    ``hard::`` or other non-HTTP "url" is a file name, not an address: no URL is given."""
    base = data / "trafilatura-eval"
    truth = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for pid, item in sorted(truth.items()):
        url = item.get("url") or ""
        pages.append(Page(pid, url if url.startswith(("http://", "https://")) else None,
                          base / "pages" / f"{pid}.html.gz", None,
                          with_=[w for w in item.get("with") or [] if w],
                          without=[w for w in item.get("without") or [] if w], raw=True))
    return pages


def load_set(name: str, data: Path) -> list[Page]:
    """Load one named set."""
    if name == "aeb":
        return load_aeb(data)
    if name == "trafilatura-eval":
        return load_trafilatura_eval(data)
    return load_wcxb(data, "article" if name == "wcxb-articles" else "forum")


# --------------------------------------------------------------------- extractors


@dataclass
class Output:
    """What one extractor returned for one page (``None`` body = no output)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    body: str = ""
    error: str | None = None
    comments: str = ""  # trafilatura's comments, apart: counted as body except on trafilatura-eval

    def body_for(self, set_name: str) -> str:
        """The body as scored on ``set_name``: trafilatura's evaluation counts comments as
        not main text (trafilatura is run with comments off there)."""
        if set_name == "trafilatura-eval" or not self.comments:
            return self.body
        return f"{self.body}\n\n{self.comments}"


@dataclass
class Extractor:
    """An extractor adapter: *run* maps (html, url) to an :class:`Output`."""

    name: str
    fields: tuple[str, ...]
    run: Callable[[str | bytes, str | None], Output]
    version: str
    note: str = ""


_BLOCK_TAGS = frozenset(
    re.split(
        r"\s+",
        "address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 "
        "h5 h6 header hr li main nav ol p pre section table td th tr ul",
    )
)


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, with blank lines between block elements."""
    import lxml.html

    if not fragment.strip():
        return ""
    root = lxml.html.fromstring(fragment)
    parts: list[str] = []

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("script", "style"):
            if el.tail:
                parts.append(el.tail)
            return
        block = tag in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
        if block:
            parts.append("\n\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    paras = (re.sub(r"[ \t\r\f\v]+", " ", p).strip() for p in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paras if p)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "?"


def _stub_extract(html: str | bytes, url: str | None) -> Output:
    """Tiny development stand-in for our extractor: <title> and all <p> texts."""
    import lxml.html

    root = lxml.html.fromstring(html)
    title = root.findtext(".//title")
    paras = [" ".join(p.text_content().split()) for p in root.iter("p")]
    return Output(title=title, body="\n\n".join(p for p in paras if p))


def load_ours(stub: bool) -> Extractor:
    """Our extractor, or the stub with ``--ours-stub``."""
    if stub:
        return Extractor("ours", FIELDS, _stub_extract, "stub", "development stub")
    # The repository root goes first: a script run puts bench/ at sys.path[0], and a
    # module there (bench/archive.py) would shadow our ``archive`` package.
    if sys.path[:1] != [str(ROOT)]:
        sys.path.insert(0, str(ROOT))
    from scraper.extract import Extractor as Ours
    from scraper.extract.language import detect_language

    ours = Ours()  # one extractor for the run, as a crawl keeps one
    detect_language("warm " * 100)  # load the language model now, as imports are, untimed

    def run(html: str | bytes, url: str | None) -> Output:
        art = ours.extract(html, url)
        return Output(
            title=art.title,
            authors=[a for a in (art.authors or []) if a],
            date=art.published,
            body=art.body or "",
        )

    return Extractor("ours", FIELDS, run, _version("newsarchive"))


def load_trafilatura() -> Extractor:
    """trafilatura.bare_extraction with metadata; body = text (+ comments, as extract())."""
    import trafilatura

    def run(html: str | bytes, url: str | None) -> Output:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
        if doc is None:
            return Output()
        get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
        authors = [a.strip() for a in (get("author") or "").split(";") if a.strip()]
        return Output(title=get("title"), authors=authors, date=get("date"),
                      body=get("text") or "", comments=get("comments") or "")

    return Extractor(
        "trafilatura", FIELDS, run, _version("trafilatura"),
        "bare_extraction, with_metadata; comments scored except on trafilatura-eval",
    )


def load_htmldate() -> Extractor:
    """htmldate.find_date, original (publication) date, extensive search."""
    from htmldate import find_date

    def run(html: str | bytes, url: str | None) -> Output:
        return Output(date=find_date(html, url=url, original_date=True, extensive_search=True))

    return Extractor("htmldate", ("date",), run, _version("htmldate"), "original_date=True")


def load_readability() -> Extractor:
    """readability-lxml Document.summary(), converted to text."""
    from readability import Document

    def run(html: str | bytes, url: str | None) -> Output:
        # bytes are decoded by readability itself
        return Output(body=html_to_text(Document(html, url=url).summary(html_partial=True)))

    return Extractor("readability", ("body",), run, _version("readability-lxml"))


def load_newspaper4k() -> Extractor:
    """newspaper4k Article fed from memory (download(input_html=...)), no image fetching."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import newspaper
        from newspaper.configuration import Configuration

    config = Configuration()
    config.fetch_images = False
    config.follow_meta_refresh = False
    from trafilatura.utils import decode_file

    def run(html: str | bytes, url: str | None) -> Output:
        if isinstance(html, bytes):  # newspaper4k takes text only: an anchor's decoder
            html = decode_file(html)
        art = newspaper.Article(url or ANCHOR_URL, config=config)
        art.download(input_html=html)
        art.parse()
        date = art.publish_date.isoformat() if art.publish_date else None
        return Output(
            title=art.title or None, authors=list(art.authors or []), date=date, body=art.text
        )

    return Extractor(
        "newspaper4k", FIELDS, run, _version("newspaper4k"), "input_html, fetch_images=False"
    )


LOADERS: dict[str, Callable[[], Extractor]] = {
    "trafilatura": load_trafilatura,
    "htmldate": load_htmldate,
    "readability": load_readability,
    "newspaper4k": load_newspaper4k,
}


# -------------------------------------------------------------- network guard etc.


class NetworkBlockedError(OSError):
    """Raised by the socket guard."""


_NET_ATTEMPTS: Counter[str] = Counter()
_CURRENT = {"name": "-"}


def block_network() -> None:
    """Make every outgoing connection or DNS lookup in this process fail (and count it)."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""  # tldextract: bundled snapshot only

    def guard(*_args: Any, **_kwargs: Any) -> Any:
        _NET_ATTEMPTS[_CURRENT["name"]] += 1
        raise NetworkBlockedError("network access is blocked in the benchmark")

    socket.socket.connect = guard  # type: ignore[method-assign]
    socket.socket.connect_ex = guard  # type: ignore[method-assign]
    socket.create_connection = guard
    socket.getaddrinfo = guard


class PageTimeoutError(Exception):
    """One page took longer than ``--timeout``."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`PageTimeoutError` in the block after *seconds* (main thread, POSIX)."""
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def handler(_signum: int, _frame: Any) -> None:
        raise PageTimeoutError(f"timed out after {seconds:g}s")

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def run_one(ex: Extractor, html: str | bytes, url: str | None,
            timeout: float) -> tuple[Output, float]:
    """Run one extractor on one page; exceptions become an empty output with ``error``."""
    _CURRENT["name"] = ex.name
    start = time.perf_counter()
    try:
        with time_limit(timeout):
            out = ex.run(html, url)
    except Exception as exc:  # any failure counts as empty output
        out = Output(error=" ".join(f"{type(exc).__name__}: {exc}".split())[:200])
    elapsed = time.perf_counter() - start
    _CURRENT["name"] = "-"
    return out, elapsed


# ------------------------------------------------------------------------ scoring


def score_set(
    set_name: str, pages: Sequence[Page], outputs: dict[str, list[Output]], ex_fields: dict
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Scores per extractor and field, plus per-page details for the JSON output."""
    results: dict[str, Any] = {}
    per_page: dict[str, Any] = {p.id: {"url": p.url} for p in pages}
    for name, outs in outputs.items():
        fields: dict[str, Any] = {}
        if "body" in ex_fields[name] and set_name == "trafilatura-eval":
            counts = [m.passage_counts(o.body_for(set_name), p.with_, p.without)
                      for p, o in zip(pages, outs, strict=True)]
            fields["body"] = m.passage_scores(counts).as_dict()
            for half, rest in (("even", 0), ("odd", 1)):  # a hold-out: tune on one half
                fields["body"][half] = m.passage_scores(
                    [c for p, c in zip(pages, counts, strict=True)
                     if int(p.id) % 2 == rest]).as_dict()
            for p, (tp, fn, fp, _tn) in zip(pages, counts, strict=True):
                per_page[p.id].setdefault(name, {}).update(
                    {"with_found": tp, "with_missed": fn, "without_found": fp,
                     "body_score": tp / (tp + fn) if tp + fn else 1.0})
        elif "body" in ex_fields[name]:
            labelled = [(p, o) for p, o in zip(pages, outs, strict=True) if p.body is not None]
            pairs = [(p.body or "", o.body_for(set_name)) for p, o in labelled]
            if set_name == "aeb":
                fields["body"] = m.shingle_scores(pairs).as_dict()
                for p, o in labelled:
                    pr = m.shingle_page_pr(*m.shingle_counts(p.body or "", o.body_for(set_name)))
                    page = per_page[p.id].setdefault(name, {})
                    page["body_pr"] = pr
                    page["body_score"] = m.f1(pr[0] or 0.0, pr[1] or 0.0)
            else:
                fields["body"] = m.bow_scores(pairs).as_dict()
                with_hits = with_total = wo_hits = wo_total = 0
                for p, o in labelled:
                    page = per_page[p.id].setdefault(name, {})
                    page["body_f1"] = page["body_score"] = m.bow_prf(
                        p.body or "", o.body_for(set_name)
                    )[2]
                    norm_body = m.normalise(o.body_for(set_name))
                    with_total += len(p.with_)
                    with_hits += sum(m.normalise(s) in norm_body for s in p.with_)
                    wo_total += len(p.without)
                    wo_hits += sum(m.normalise(s) not in norm_body for s in p.without)
                fields["body"]["with_pass"] = with_hits / with_total if with_total else None
                fields["body"]["without_pass"] = wo_hits / wo_total if wo_total else None
        if set_name not in BODY_ONLY_SETS:
            for fname in ("title", "author", "date"):
                if fname not in ex_fields[name]:
                    continue
                outcomes = []
                rules: Counter[str] = Counter()
                for p, o in zip(pages, outs, strict=True):
                    if fname == "title":
                        label, pred = p.title, o.title
                        ok = bool(label) and m.normalise(label) == m.normalise(pred)
                    elif fname == "date":
                        label, pred = p.date, o.date
                        ok = m.date_matches(label, pred)
                    else:
                        label, pred = p.author, ", ".join(o.authors)
                        rule = m.author_match(label, o.authors)
                        ok = rule is not None
                        if rule:
                            rules[rule] += 1
                    has_label, has_pred = bool(m.normalise(label)), bool(m.normalise(pred))
                    outcomes.append((has_label, has_pred, ok))
                    if has_label or has_pred:
                        per_page[p.id].setdefault(name, {})[fname] = ok
                fields[fname] = m.exact_field_scores(outcomes).as_dict()
                if fname == "title":  # the documented variant, never the scored metric
                    folded = [(bool(m.normalise(p.title)), bool(m.normalise(o.title)),
                               bool(p.title) and m.fold_quotes(p.title) == m.fold_quotes(o.title))
                              for p, o in zip(pages, outs, strict=True)]
                    fields[fname]["quotes_folded"] = m.exact_field_scores(folded).as_dict()
                if fname == "author":
                    fields[fname]["rules"] = dict(rules)
        results[name] = fields
    if "ours" in results and "trafilatura" in results and "body" in results["ours"]:
        misses = [pid for pid, page in per_page.items()
                  if "body_score" in page.get("ours", {}) and "body_score" in page.get(
                      "trafilatura", {}) and is_catastrophic(
                      set_name, page["ours"]["body_score"], page["trafilatura"]["body_score"])]
        results["ours"]["body"]["catastrophic"] = misses
    return results, per_page


def is_catastrophic(set_name: str, ours: float, anchor: float) -> bool:
    """A page where our body fails and trafilatura's does well: ours under 0.5 and the
    anchor at 0.8 or more; on trafilatura-eval, none of the ``with`` passages found by us
    and all of them by the anchor."""
    if set_name == "trafilatura-eval":
        return ours == 0.0 and anchor == 1.0
    return ours < CATASTROPHE_OURS and anchor >= CATASTROPHE_ANCHOR


CATASTROPHE_OURS = 0.5
CATASTROPHE_ANCHOR = 0.8


# ------------------------------------------------------------------------- output


def _fmt(x: float | None, width: int = 6, digits: int = 3) -> str:
    return f"{x:{width}.{digits}f}" if isinstance(x, float | int) else " " * (width - 1) + "-"


def print_set(set_name: str, n_pages: int, report: dict[str, Any]) -> None:
    """Print one table per field for one set."""
    extractors = report["extractors"]
    print(f"\n=== {set_name}: {n_pages} pages ===")
    metric = {"aeb": "4-token shingles", "trafilatura-eval": "with/without passages"}.get(
        set_name, "bag of words")
    ours = extractors.get("ours")
    for fname in FIELDS:
        rows = [(n, e) for n, e in extractors.items() if fname in e["fields"]]
        if not rows:
            continue
        label = f"{fname} ({metric})" if fname == "body" else f"{fname} (exact match)"
        print(f"\n-- {label}")
        head = f"{'extractor':<13} {'F1':>6} {'P':>6} {'R':>6} {'acc':>6} {'pages/s':>8} {'err':>4}"
        if fname == "body" and set_name not in BODY_ONLY_SETS:
            head += f" {'with':>6} {'w/out':>6}"
        if ours and fname in ours["fields"]:
            head += "  ours/anchor F1, speed"
        print(head)
        for name, e in rows:
            s = e["fields"][fname]
            line = (
                f"{name:<13} {_fmt(s['f1'])} {_fmt(s['precision'])} {_fmt(s['recall'])}"
                f" {_fmt(s['accuracy'])} {_fmt(e['pages_per_sec'], 8, 1)} {e['errors']:>4}"
            )
            if fname == "body" and set_name not in BODY_ONLY_SETS:
                line += f" {_fmt(s.get('with_pass'))} {_fmt(s.get('without_pass'))}"
            if ours and fname in ours["fields"] and name != "ours":
                o = ours["fields"][fname]
                r_f1 = o["f1"] / s["f1"] if s["f1"] else None
                r_sp = ours["pages_per_sec"] / e["pages_per_sec"] if e["pages_per_sec"] else None
                line += f"  {_fmt(r_f1, 5, 2)}, {_fmt(r_sp, 5, 2)}"
            if fname == "title" and s.get("quotes_folded"):
                line += f"  quotes folded F1 {_fmt(s['quotes_folded']['f1'])}"
            if fname == "author" and s.get("rules"):
                line += "  rules " + " ".join(f"{k}={v}" for k, v in sorted(s["rules"].items()))
            print(line)
        if fname == "body" and set_name == "trafilatura-eval":
            for name, e in rows:
                halves = (e["fields"]["body"][h] for h in ("even", "odd"))
                print(f"  {name:<11} even ids F1 {_fmt(next(halves)['f1'])}"
                      f"   odd ids F1 {_fmt(next(halves)['f1'])}")
    print_summary(set_name, n_pages, extractors)
    for name, e in extractors.items():
        if e["error_samples"]:
            print(f"  {name} errors, e.g.: " + " | ".join(e["error_samples"]))


def print_summary(set_name: str, n_pages: int, extractors: dict[str, Any]) -> None:
    """One line against trafilatura: body F1 and P side by side, the speed ratio, and
    the catastrophic misses (see :func:`is_catastrophic`) with their share of pages."""
    ours, anchor = extractors.get("ours"), extractors.get("trafilatura")
    if not ours or not anchor or "body" not in ours["fields"] or "body" not in anchor["fields"]:
        return
    o, a = ours["fields"]["body"], anchor["fields"]["body"]
    misses = o.get("catastrophic", [])
    speed = ours["pages_per_sec"] / anchor["pages_per_sec"] if anchor["pages_per_sec"] else None
    print(f"\n  vs trafilatura: F1 {o['f1']:.3f} vs {a['f1']:.3f}, P {o['precision']:.3f} vs "
          f"{a['precision']:.3f}, speed {_fmt(speed, 4, 2)}x, catastrophic misses "
          f"{len(misses)} ({len(misses) / max(1, n_pages):.1%})"
          + (f": {' '.join(misses[:12])}" if misses else ""))


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared/bench directory")
    ap.add_argument("--limit", type=int, default=0, help="first N pages of each set (0 = all)")
    ap.add_argument("--set", default=",".join(SETS), help=f"comma list of {', '.join(SETS)}")
    ap.add_argument("--only", default="", help=f"comma list of {', '.join(EXTRACTORS)}")
    ap.add_argument("--json", type=Path, help="write all numbers (and per-page scores) here")
    ap.add_argument("--dump", type=Path, help="write every extractor's output per page here")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per page (0 = none)")
    ap.add_argument("--ours-stub", action="store_true", help="use a stub instead of ours")
    ap.add_argument("--verbose", action="store_true", help="keep library logging")
    return ap.parse_args(argv)


def _split(value: str, aliases: dict[str, str], allowed: Sequence[str], what: str) -> list[str]:
    out: list[str] = []
    for raw in value.split(","):
        raw = raw.strip()
        if not raw:
            continue
        for name in aliases.get(raw, raw).split(","):
            if name not in allowed:
                raise SystemExit(f"unknown {what} {name!r}; choose from {', '.join(allowed)}")
            if name not in out:
                out.append(name)
    return out


def load_extractors(names: Sequence[str], stub: bool) -> tuple[list[Extractor], dict[str, str]]:
    """Import the requested extractors; failures go to the skipped dict."""
    loaded: list[Extractor] = []
    skipped: dict[str, str] = {}
    for name in names:
        try:
            loaded.append(load_ours(stub) if name == "ours" else LOADERS[name]())
        except Exception as exc:  # ImportError, or a broken install
            skipped[name] = f"{type(exc).__name__}: {exc}"[:200]
    return loaded, skipped


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    set_names = _split(args.set, SET_ALIASES, SETS, "set")
    ex_names = _split(args.only or ",".join(EXTRACTORS), EXTRACTOR_ALIASES, EXTRACTORS, "name")
    if not args.data.is_dir():
        print(f"data directory not found: {args.data}", file=sys.stderr)
        return 2
    block_network()
    if not args.verbose:
        logging.disable(logging.CRITICAL)
        warnings.simplefilter("ignore")
    extractors, skipped = load_extractors(ex_names, args.ours_stub)
    for name, why in skipped.items():
        print(f"skipped {name}: {why}")
    print(
        "extractors: "
        + ", ".join(
            f"{e.name} {e.version}" + (f" ({e.note})" if e.note else "") for e in extractors
        )
    )
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "args": {k: str(v) for k, v in vars(args).items()},
        "extractors": {e.name: {"version": e.version, "note": e.note} for e in extractors},
        "skipped": skipped,
        "sets": {},
    }
    for set_name in set_names:
        pages = load_set(set_name, args.data)
        if args.limit:
            pages = pages[: args.limit]
        htmls = [p.html() for p in pages]
        outputs: dict[str, list[Output]] = {}
        set_report: dict[str, Any] = {"n": len(pages), "extractors": {}}
        for ex in extractors:
            if set_name in BODY_ONLY_SETS and "body" not in ex.fields:
                continue
            if pages:  # warm-up (lazy imports, caches), not timed
                run_one(ex, htmls[0], pages[0].url, args.timeout)
            outs: list[Output] = []
            total = 0.0
            for page, html in zip(pages, htmls, strict=True):
                out, elapsed = run_one(ex, html, page.url, args.timeout)
                outs.append(out)
                total += elapsed
            outputs[ex.name] = outs
            errors = [o.error for o in outs if o.error]
            set_report["extractors"][ex.name] = {
                "fields": [f for f in ex.fields if set_name not in BODY_ONLY_SETS or f == "body"],
                "seconds": total,
                "pages_per_sec": len(pages) / total if total else None,
                "errors": len(errors),
                "error_samples": list(dict.fromkeys(errors))[:3],
            }
            print(f"  {set_name}: {ex.name} done in {total:.1f}s", file=sys.stderr)
        fields_by_ex = {n: e["fields"] for n, e in set_report["extractors"].items()}
        scores, per_page = score_set(set_name, pages, outputs, fields_by_ex)
        for name, fields in scores.items():
            set_report["extractors"][name]["fields"] = fields
        set_report["per_page"] = per_page
        report["sets"][set_name] = set_report
        print_set(set_name, len(pages), set_report)
        if args.dump:
            dump_outputs(args.dump / set_name, pages, outputs)
    report["network_attempts"] = dict(_NET_ATTEMPTS)
    if _NET_ATTEMPTS:
        print(f"\nnetwork attempts blocked: {dict(_NET_ATTEMPTS)}")
    else:
        print("\nno extractor attempted network access")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


def dump_outputs(out_dir: Path, pages: Sequence[Page], outputs: dict[str, list[Output]]) -> None:
    """Write label and every extractor's output of each page to ``out_dir/<id>.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages):
        item = {
            "url": page.url,
            "label": {
                "title": page.title,
                "author": page.author,
                "date": page.date,
                "body": page.body,
                "with": page.with_,
                "without": page.without,
            },
            "outputs": {
                name: {
                    "title": outs[i].title,
                    "authors": outs[i].authors,
                    "date": outs[i].date,
                    "body": outs[i].body,
                    "error": outs[i].error,
                }
                for name, outs in outputs.items()
            },
        }
        path = out_dir / f"{page.id}.json"
        path.write_text(json.dumps(item, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

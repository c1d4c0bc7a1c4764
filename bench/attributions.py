"""Score our extractor's attributions on the labelled corpus in ``tests/data/attributions``.

A predicted attribution matches a label when the sources are equal case-insensitively after
trimming surrounding punctuation, and the predicted passage starts with the label's
``passage_startswith`` after whitespace normalisation. Labels and predictions are paired
one-to-one, in document order. Prints precision, recall, per-pattern counts, how often the
URL and pattern of matched pairs agree, and whether ``body[start:end] == passage``.

Run ``python bench/attributions.py`` (``--json OUT``, ``--check``, ``--quiet``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

try:
    from bench import _metrics as m
except ImportError:  # run as a script: bench/ itself is on sys.path
    import _metrics as m  # type: ignore[no-redef]

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "tests" / "data" / "attributions"
PATTERNS = (
    "originally_posted_by",
    "forum_quote",
    "blockquote_author",
    "blockquote_cite",
    "originally_published",
    "source_line",
    "via",
    "hat_tip",
    "republished",
    "reprinted",
    "with_inputs",
)
_CANONICAL_RE = re.compile(
    r"""<link\b[^>]*\brel=["']canonical["'][^>]*\bhref=["']([^"']+)["']""", re.IGNORECASE
)


@dataclass
class Predicted:
    """One predicted attribution, reduced to what the bench compares."""

    source: str
    url: str | None
    passage: str
    pattern: str
    offsets_ok: bool | None  # body[start:end] == passage; None when not checkable


def canonical_url(html: str) -> str | None:
    """The page's ``<link rel="canonical">`` href (the URL the scraper would have).

    >>> canonical_url('<link rel="canonical" href="https://a.example/x">')
    'https://a.example/x'
    """
    found = _CANONICAL_RE.search(html)
    return found.group(1) if found else None


def label_matches(label: dict[str, Any], pred: Predicted) -> bool:
    """The bench's match rule (source + passage start).

    >>> p = Predicted("The  Gazette.", None, "Hello   world, again", "via", None)
    >>> label_matches({"source": "the gazette", "passage_startswith": "Hello world"}, p)
    True
    """
    return m.normalise_source(label["source"]) == m.normalise_source(
        pred.source
    ) and m.passage_starts_with(pred.passage, label["passage_startswith"])


def pair_up(labels: Sequence[dict[str, Any]], preds: Sequence[Predicted]) -> list[tuple[int, int]]:
    """Greedy one-to-one pairing in document order: each label takes the first free match.

    >>> p = Predicted("A", None, "x y", "via", None)
    >>> pair_up([{"source": "a", "passage_startswith": "x"}] * 2, [p])
    [(0, 0)]
    """
    used: set[int] = set()
    pairs = []
    for li, label in enumerate(labels):
        for pi, pred in enumerate(preds):
            if pi not in used and label_matches(label, pred):
                used.add(pi)
                pairs.append((li, pi))
                break
    return pairs


def _same_url(a: str | None, b: str | None) -> bool:
    return (a or "").rstrip("/") == (b or "").rstrip("/")


def to_predicted(att: Any, body: str) -> Predicted:
    """Read one attribution object (attributes ``source``, ``url``, ``passage``...)."""
    passage = getattr(att, "passage", "") or ""
    start, end = getattr(att, "start", None), getattr(att, "end", None)
    offsets_ok = None
    if isinstance(start, int) and isinstance(end, int):
        offsets_ok = body[start:end] == passage
    return Predicted(
        source=str(getattr(att, "source", "") or ""),
        url=getattr(att, "url", None),
        passage=passage,
        pattern=str(getattr(att, "pattern", "") or ""),
        offsets_ok=offsets_ok,
    )


def load_extractor(stub: bool) -> Callable[[str, str | None], Any]:
    """``scraper.extract.extract_article``, or a stub that finds nothing."""
    if stub:

        class _Empty:
            body = ""
            attributions: tuple[Any, ...] = ()

        return lambda _html, _url: _Empty()
    # The repository root goes first: a script run puts bench/ at sys.path[0], and a
    # module there (bench/archive.py) would shadow our ``archive`` package.
    if sys.path[:1] != [str(ROOT)]:
        sys.path.insert(0, str(ROOT))
    from scraper.extract import extract_article

    return extract_article


def check_corpus(corpus: Path, labels: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Problems in the corpus: missing files, passages not in the page, unknown URLs."""
    import lxml.html

    problems = []
    files = {p.name for p in corpus.glob("*.html")}
    for name in sorted(files - set(labels)):
        problems.append(f"{name}: not in labels.json")
    for name, labs in labels.items():
        path = corpus / name
        if not path.is_file():
            problems.append(f"{name}: file missing")
            continue
        html = path.read_text(encoding="utf-8")
        root = lxml.html.fromstring(html.encode("utf-8"))
        text = m.nfkc_ws(root.text_content())
        base = (root.xpath("//base/@href") or [canonical_url(html) or ""])[0]
        links = {urljoin(base, h) for h in root.xpath("//@href | //blockquote/@cite")}
        for lab in labs:
            if lab.get("pattern") not in PATTERNS:
                problems.append(f"{name}: unknown pattern {lab.get('pattern')!r}")
            if m.nfkc_ws(lab["passage_startswith"]) not in text:
                problems.append(f"{name}: passage not in page: {lab['passage_startswith']!r}")
            if lab.get("url") and lab["url"] not in links:
                problems.append(f"{name}: url not among page links: {lab['url']}")
    return problems


def score(
    corpus: Path,
    labels: dict[str, list[dict[str, Any]]],
    extract: Callable[[str, str | None], Any],
) -> dict[str, Any]:
    """Run the extractor on every labelled page and compute all numbers."""
    tot = Counter[str]()
    by_label_pattern: dict[str, Counter[str]] = {p: Counter() for p in PATTERNS}
    by_pred_pattern: dict[str, Counter[str]] = {}
    files: dict[str, Any] = {}
    for name, labs in sorted(labels.items()):
        html = (corpus / name).read_text(encoding="utf-8")
        try:
            art = extract(html, canonical_url(html))
            body = getattr(art, "body", "") or ""
            preds = [to_predicted(a, body) for a in (getattr(art, "attributions", ()) or ())]
            error = None
        except Exception as exc:  # counted as no output
            preds, error = [], f"{type(exc).__name__}: {exc}"
            tot["errors"] += 1
        pairs = pair_up(labs, preds)
        matched_l = {li for li, _ in pairs}
        matched_p = {pi for _, pi in pairs}
        tot["labels"] += len(labs)
        tot["predicted"] += len(preds)
        tot["matched"] += len(pairs)
        if not labs:
            tot["negative_pages"] += 1
            tot["negative_page_fps"] += len(preds)
        for li, lab in enumerate(labs):
            c = by_label_pattern.setdefault(lab["pattern"], Counter())
            c["labels"] += 1
            c["found"] += li in matched_l
        for pi, pred in enumerate(preds):
            c = by_pred_pattern.setdefault(pred.pattern or "?", Counter())
            c["predicted"] += 1
            c["correct"] += pi in matched_p
            if pred.offsets_ok is not None:
                tot["offsets_checked"] += 1
                tot["offsets_ok"] += pred.offsets_ok
        for li, pi in pairs:
            lab, pred = labs[li], preds[pi]
            tot["pattern_agree"] += lab["pattern"] == pred.pattern
            tot["url_agree"] += _same_url(lab.get("url"), pred.url)
        files[name] = {
            "labels": len(labs),
            "predicted": len(preds),
            "matched": len(pairs),
            "error": error,
            "missed": [labs[i] for i in range(len(labs)) if i not in matched_l],
            "false_positives": [
                {
                    "source": p.source,
                    "url": p.url,
                    "passage": p.passage[:80],
                    "pattern": p.pattern,
                }
                for i, p in enumerate(preds)
                if i not in matched_p
            ],
        }
    precision = tot["matched"] / tot["predicted"] if tot["predicted"] else 0.0
    recall = tot["matched"] / tot["labels"] if tot["labels"] else 0.0
    return {
        "pages": len(labels),
        "precision": precision,
        "recall": recall,
        "f1": m.f1(precision, recall),
        "totals": dict(tot),
        "by_label_pattern": {k: dict(v) for k, v in by_label_pattern.items()},
        "by_predicted_pattern": {k: dict(v) for k, v in by_pred_pattern.items()},
        "files": files,
    }


def print_report(res: dict[str, Any], quiet: bool) -> None:
    """Human-readable summary (and per-file misses unless *quiet*)."""
    t = res["totals"]
    print(
        f"attributions: {res['pages']} pages, {t.get('labels', 0)} labels, "
        f"{t.get('predicted', 0)} predicted, {t.get('matched', 0)} matched"
    )
    print(f"precision {res['precision']:.3f}  recall {res['recall']:.3f}  F1 {res['f1']:.3f}")
    matched = t.get("matched", 0)
    if matched:
        print(
            f"on matched pairs: pattern agrees {t.get('pattern_agree', 0)}/{matched}, "
            f"url agrees {t.get('url_agree', 0)}/{matched}"
        )
    if t.get("offsets_checked"):
        print(f"body[start:end] == passage: {t.get('offsets_ok', 0)}/{t['offsets_checked']}")
    print(
        f"false positives on the {t.get('negative_pages', 0)} pages without attributions: "
        f"{t.get('negative_page_fps', 0)}; extractor errors: {t.get('errors', 0)}"
    )
    head = ("pattern", "labels", "found", "recall", "predicted", "correct")
    print("\n{:<22} {:>6} {:>6} {:>7}   {:>9} {:>7}".format(*head))
    names = list(PATTERNS) + sorted(set(res["by_predicted_pattern"]) - set(PATTERNS))
    for name in names:
        lab = res["by_label_pattern"].get(name, {})
        pred = res["by_predicted_pattern"].get(name, {})
        n_lab, found = lab.get("labels", 0), lab.get("found", 0)
        rec = f"{found / n_lab:7.2f}" if n_lab else "      -"
        print(
            f"{name:<22} {n_lab:>6} {found:>6} {rec}   "
            f"{pred.get('predicted', 0):>9} {pred.get('correct', 0):>7}"
        )
    if quiet:
        return
    print("\nper file (missed labels / unmatched predictions):")
    for name, f in res["files"].items():
        if not f["missed"] and not f["false_positives"] and not f["error"]:
            continue
        print(f"  {name}: {f['matched']}/{f['labels']} found, {f['predicted']} predicted")
        if f["error"]:
            print(f"    error: {f['error']}")
        for lab in f["missed"]:
            print(f"    miss  {lab['pattern']:<20} {lab['source']!r} {lab['passage_startswith']!r}")
        for fp in f["false_positives"]:
            print(f"    extra {fp['pattern']:<20} {fp['source']!r} {fp['passage'][:50]!r}")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus directory")
    ap.add_argument("--json", type=Path, help="write all numbers and per-file results here")
    ap.add_argument("--check", action="store_true", help="only validate the corpus labels")
    ap.add_argument("--quiet", action="store_true", help="no per-file listing")
    ap.add_argument("--ours-stub", action="store_true", help="use a stub that finds nothing")
    args = ap.parse_args(argv)
    labels = json.loads((args.corpus / "labels.json").read_text(encoding="utf-8"))
    problems = check_corpus(args.corpus, labels)
    for problem in problems:
        print(f"corpus problem: {problem}", file=sys.stderr)
    if args.check:
        n = sum(map(len, labels.values()))
        print(f"{len(labels)} pages, {n} labels, {len(problems)} problems")
        return 1 if problems else 0
    try:
        extract = load_extractor(args.ours_stub)
    except ImportError as exc:
        print(f"cannot import scraper.extract ({exc}); use --ours-stub", file=sys.stderr)
        return 2
    res = score(args.corpus, labels, extract)
    print_report(res, args.quiet)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

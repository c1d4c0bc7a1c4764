"""Pure scoring helpers for the extraction and attribution benchmarks.

Every function here is small and side-effect free; the doctests double as a
self-check: ``python bench/_metrics.py`` runs them and prints a summary line.

Two body metrics are implemented, one per benchmark README in ``shared/bench``:

* :func:`shingle_counts` / :func:`shingle_scores` -- article-extraction-benchmark:
  multisets of overlapping 4-token shingles over Unicode ``\\w+`` tokens (case kept),
  per-page tp/fp/fn normalised to sum to 1, precision and recall averaged over pages,
  F1 from the two means.
* :func:`bow_prf` -- WCXB: lowercased bags of words, per-page P/R/F1, mean over pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_TOKEN_RE = re.compile(r"\w+", re.UNICODE)
_WS_RE = re.compile(r"\s+", re.UNICODE)
_ISO_DAY_RE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2}))?")


def tokenize(text: str | None) -> list[str]:
    """Split *text* into Unicode word tokens (``\\w+``), case preserved.

    >>> tokenize("It's 9:30 -- déjà vu!")
    ['It', 's', '9', '30', 'déjà', 'vu']
    >>> tokenize(None)
    []
    """
    return _TOKEN_RE.findall(text or "")


def shingles(tokens: Sequence[str], n: int = 4) -> Counter[tuple[str, ...]]:
    """Multiset of overlapping *n*-token shingles.

    A text shorter than *n* tokens yields one shingle holding all of its tokens
    (as in the benchmark's reference code); an empty text yields none.

    >>> sorted(shingles(["a", "b", "c", "d", "e"]).items())
    [(('a', 'b', 'c', 'd'), 1), (('b', 'c', 'd', 'e'), 1)]
    >>> shingles(["a", "b"])
    Counter({('a', 'b'): 1})
    >>> shingles([])
    Counter()
    """
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        sh = tuple(tokens[i : i + n])
        if sh:
            out[sh] += 1
    return out


def multiset_overlap(true: Counter, pred: Counter) -> tuple[int, int, int]:
    """Return (tp, fp, fn) between two multisets.

    >>> multiset_overlap(Counter("aab"), Counter("abbc"))
    (2, 2, 1)
    """
    tp = sum((true & pred).values())
    fp = sum(pred.values()) - tp
    fn = sum(true.values()) - tp
    return tp, fp, fn


def shingle_counts(expected: str, extracted: str, n: int = 4) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) over 4-token shingles, normalised to sum to 1.

    >>> shingle_counts("one two three four five", "one two three four")
    (0.5, 0.0, 0.5)
    >>> shingle_counts("", "")
    (0.0, 0.0, 0.0)
    """
    tp, fp, fn = multiset_overlap(shingles(tokenize(expected), n), shingles(tokenize(extracted), n))
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


def _mean(values: Iterable[float]) -> float:
    vals = list(values)
    return sum(vals) / len(vals) if vals else 0.0


def f1(p: float, r: float) -> float:
    """Harmonic mean of *p* and *r* (0 when both are 0).

    >>> f1(1.0, 0.5)
    0.6666666666666666
    >>> f1(0.0, 0.0)
    0.0
    """
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


@dataclass
class Scores:
    """Aggregate scores of one extractor on one field of one set."""

    f1: float
    precision: float
    recall: float
    accuracy: float
    n: int

    def as_dict(self) -> dict[str, float | int]:
        """Plain dict for JSON output."""
        return {
            "f1": self.f1,
            "precision": self.precision,
            "recall": self.recall,
            "accuracy": self.accuracy,
            "n": self.n,
        }


def shingle_page_pr(tp: float, fp: float, fn: float) -> tuple[float | None, float | None]:
    """Per-page (precision, recall) for the shingle metric; ``None`` = page skipped.

    Precision is undefined (skipped) when nothing was extracted, recall when nothing
    was expected; a page where both are empty counts as 1 for both.

    >>> shingle_page_pr(0.5, 0.0, 0.5)
    (1.0, 0.5)
    >>> shingle_page_pr(0.0, 0.0, 1.0)
    (None, 0.0)
    >>> shingle_page_pr(0.0, 0.0, 0.0)
    (1.0, 1.0)
    """
    if tp == fp == fn == 0:
        return 1.0, 1.0
    p = tp / (tp + fp) if tp + fp > 0 else None
    r = tp / (tp + fn) if tp + fn > 0 else None
    return p, r


def shingle_scores(pairs: Sequence[tuple[str, str]], n: int = 4) -> Scores:
    """Aggregate the article-extraction-benchmark metric over (expected, extracted) pairs.

    >>> s = shingle_scores([("a b c d e", "a b c d e"), ("a b c d e", "")])
    >>> (s.precision, s.recall, s.accuracy, s.n)
    (1.0, 0.5, 0.5, 2)
    """
    ps: list[float] = []
    rs: list[float] = []
    exact = 0
    for expected, extracted in pairs:
        p, r = shingle_page_pr(*shingle_counts(expected, extracted, n))
        if p is not None:
            ps.append(p)
        if r is not None:
            rs.append(r)
        exact += tokenize(expected) == tokenize(extracted)
    p_mean, r_mean = _mean(ps), _mean(rs)
    return Scores(
        f1(p_mean, r_mean), p_mean, r_mean, exact / len(pairs) if pairs else 0.0, len(pairs)
    )


def bow_prf(expected: str, extracted: str) -> tuple[float, float, float]:
    """WCXB per-page bag-of-words (precision, recall, F1), lowercased ``\\w+`` tokens.

    Both empty counts as a perfect page; one side empty scores 0.

    >>> bow_prf("The cat sat", "the cat the end")
    (0.5, 0.6666666666666666, 0.5714285714285715)
    >>> bow_prf("", "")
    (1.0, 1.0, 1.0)
    >>> bow_prf("words here", "")
    (0.0, 0.0, 0.0)
    """
    exp = Counter(tokenize(expected.lower()))
    ext = Counter(tokenize(extracted.lower()))
    if not exp and not ext:
        return 1.0, 1.0, 1.0
    if not exp or not ext:
        return 0.0, 0.0, 0.0
    tp, _, _ = multiset_overlap(exp, ext)
    p = tp / sum(ext.values())
    r = tp / sum(exp.values())
    return p, r, f1(p, r)


def bow_scores(pairs: Sequence[tuple[str, str]]) -> Scores:
    """Mean WCXB bag-of-words P/R/F1 over (expected, extracted) pairs.

    Accuracy is the share of pages whose lowercased token lists match exactly.

    >>> s = bow_scores([("A b", "a B"), ("x y", "")])
    >>> (s.f1, s.precision, s.recall, s.accuracy)
    (0.5, 0.5, 0.5, 0.5)
    """
    rows = [bow_prf(e, x) for e, x in pairs]
    exact = sum(tokenize(e.lower()) == tokenize(x.lower()) for e, x in pairs)
    n = len(pairs)
    return Scores(
        _mean(r[2] for r in rows),
        _mean(r[0] for r in rows),
        _mean(r[1] for r in rows),
        exact / n if n else 0.0,
        n,
    )


def passage_counts(extracted: str, with_: Sequence[str], without: Sequence[str]
                   ) -> tuple[int, int, int, int]:
    """trafilatura-eval's per-page (tp, fn, fp, tn): whitespace collapsed on both sides, a
    ``with`` passage found is a tp (missed: fn), a ``without`` passage found is a fp
    (absent: tn). Case is kept, as in the set's published metric.

    >>> passage_counts("The  cat sat.\\nMenu", ["cat sat", "dog"], ["Menu", "Footer"])
    (1, 1, 1, 1)
    """
    text = _WS_RE.sub(" ", extracted or "")
    tp = sum(_WS_RE.sub(" ", s).strip() in text for s in with_)
    fp = sum(_WS_RE.sub(" ", s).strip() in text for s in without)
    return tp, len(with_) - tp, fp, len(without) - fp


def passage_scores(counts: Sequence[tuple[int, int, int, int]]) -> Scores:
    """Precision, recall and F1 of summed (tp, fn, fp, tn) page counts (trafilatura's
    evaluation); accuracy = (tp + tn) / all passages.

    >>> s = passage_scores([(1, 1, 1, 1), (2, 0, 0, 1)])
    >>> (s.precision, s.recall, round(s.f1, 3), s.accuracy)
    (0.75, 0.75, 0.75, 0.7142857142857143)
    """
    tp = sum(c[0] for c in counts)
    fn = sum(c[1] for c in counts)
    fp = sum(c[2] for c in counts)
    tn = sum(c[3] for c in counts)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    total = tp + fn + fp + tn
    return Scores(f1(p, r), p, r, (tp + tn) / total if total else 0.0, len(counts))


def normalise(text: str | None) -> str:
    """Collapse whitespace, strip and casefold (the WCXB title/author rule).

    >>> normalise("  The\\n Big   DAY ")
    'the big day'
    >>> normalise(None)
    ''
    """
    return _WS_RE.sub(" ", text or "").strip().casefold()


_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u201f": '"', "\u2033": '"'})


def fold_quotes(text: str | None) -> str:
    """:func:`normalise`, and typographic quotes read as straight ones.

    Only for the documented title *variant* (bench/README.md): the scored title metric
    stays :func:`normalise`, as in the WCXB authors' rule.

    >>> print(fold_quotes("It\u2019s  \u201cHere\u201d"))
    it's "here"
    """
    return normalise(text).translate(_QUOTES)


def normalise_date(value: str | None) -> str:
    """Reduce an ISO 8601 date or datetime to ``YYYY-MM-DD`` (or ``YYYY-MM``).

    Anything not starting with an ISO date gives ``''``.

    >>> normalise_date("2015-11-02T10:00:00+00:00")
    '2015-11-02'
    >>> normalise_date(" 2024-03 ")
    '2024-03'
    >>> normalise_date("March 3, 2020")
    ''
    """
    m = _ISO_DAY_RE.match((value or "").strip())
    if not m:
        return ""
    return m.group(0)


def date_matches(expected: str | None, predicted: str | None) -> bool:
    """Compare dates to the day (to the month when the label only has a month).

    >>> date_matches("2015-11-02", "2015-11-02T23:59:00-05:00")
    True
    >>> date_matches("2015-11", "2015-11-30")
    True
    >>> date_matches("2015-11-02", "2015-11")
    False
    >>> date_matches("", "2015-11-02")
    False
    """
    exp, pred = normalise_date(expected), normalise_date(predicted)
    if not exp or not pred:
        return False
    return pred[: len(exp)] == exp if len(exp) < len(pred) else pred == exp


def author_match(expected: str | None, predicted: Sequence[str]) -> str | None:
    """Which author rule (if any) makes *predicted* match the *expected* label.

    Returns ``"joined"`` when the authors joined with ``", "`` equal the label,
    ``"single"`` when only one of several authors equals it, else ``None``.
    Both sides go through :func:`normalise`.

    >>> author_match("Jane Doe, MD", ["Jane Doe", "MD"])
    'joined'
    >>> author_match("Jane Doe", ["jane  doe", "John Roe"])
    'single'
    >>> author_match("Jane Doe", []) is None
    True
    """
    exp = normalise(expected)
    names = [normalise(a) for a in predicted if normalise(a)]
    if not exp or not names:
        return None
    if ", ".join(names) == exp:
        return "joined"
    if exp in names:
        return "single"
    return None


def exact_field_scores(outcomes: Sequence[tuple[bool, bool, bool]]) -> Scores:
    """Score an exact-match metadata field from per-page (labelled, predicted, correct).

    precision = correct / pages with a prediction; recall = correct / labelled pages;
    accuracy = (correct + pages where neither side has a value) / all pages.

    >>> s = exact_field_scores([(True, True, True), (True, True, False),
    ...                         (False, False, False), (False, True, False)])
    >>> (round(s.precision, 3), s.recall, s.accuracy, s.n)
    (0.333, 0.5, 0.5, 4)
    """
    n = len(outcomes)
    correct = sum(1 for lab, _, ok in outcomes if lab and ok)
    predicted = sum(1 for _, pred, _ in outcomes if pred)
    labelled = sum(1 for lab, _, _ in outcomes if lab)
    both_empty = sum(1 for lab, pred, _ in outcomes if not lab and not pred)
    p = correct / predicted if predicted else 0.0
    r = correct / labelled if labelled else 0.0
    return Scores(f1(p, r), p, r, (correct + both_empty) / n if n else 0.0, n)


def contains_normalised(haystack: str, needle: str) -> bool:
    """True when *needle* occurs in *haystack* after :func:`normalise` on both.

    Used for the WCXB ``with`` / ``without`` snippet checks.

    >>> contains_normalised("Hello,\\n  World and more", "hello, world")
    True
    """
    return normalise(needle) in normalise(haystack)


def nfkc_ws(text: str) -> str:
    """NFKC-normalise and collapse whitespace (no case change).

    >>> nfkc_ws("ﬁne\\u00a0 print ")
    'fine print'
    """
    return _WS_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def normalise_source(text: str | None) -> str:
    """Attribution source key: NFKC, casefold, trimmed of surrounding punctuation.

    >>> normalise_source("  “The Guardian”: ")
    'the guardian'
    >>> normalise_source("@jdoe.")
    'jdoe'
    """
    s = nfkc_ws(text or "").casefold()
    start, end = 0, len(s)
    while start < end and _is_trim_char(s[start]):
        start += 1
    while end > start and _is_trim_char(s[end - 1]):
        end -= 1
    return s[start:end]


def _is_trim_char(ch: str) -> bool:
    """Punctuation, symbol or separator (Unicode categories P*, S*, Z*) or whitespace."""
    return ch.isspace() or unicodedata.category(ch)[0] in "PSZ"


def passage_starts_with(passage: str | None, prefix: str) -> bool:
    """Attribution passage check: *passage* starts with *prefix* after whitespace
    normalisation (NFKC, collapsed whitespace; case kept).

    >>> passage_starts_with("  The  quick\\nbrown fox", "The quick brown")
    True
    >>> passage_starts_with("The quick", "the quick")
    False
    """
    return nfkc_ws(passage or "").startswith(nfkc_ws(prefix))


if __name__ == "__main__":
    import doctest
    import sys

    result = doctest.testmod()
    print(f"{result.attempted - result.failed} passed, {result.failed} failed")
    sys.exit(1 if result.failed else 0)

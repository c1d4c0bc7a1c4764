"""What kind of edit one version of an article makes to the one before it.

:func:`compare` reads two extracted articles and labels the change with the kinds a
researcher of news edits asks about (:data:`KINDS`): the headline, the standfirst or
first paragraph, the body expanded or cut, a correction or update note added, a
quotation added, removed or reworded, an attribution added, removed or changed, the
byline, the published or modified date, and a *silent edit* (the text changed with no
note and no new modified date).

It also says whether the two are different content at all (:attr:`Comparison.changed`),
which the archive asks before it stores a new version: what changes on every load of a
page (a clock, "updated 5 minutes ago", view and comment counters, cache-busting query
strings in links, a masthead date or a render-time ``dateModified``) is not an edit, so
it makes no version and no label. Dates alone never make a new version either.

Usage::

    result = compare(old.article, new.article, old_at=old.captured_at,
                     new_at=new.captured_at)
    print(result.changed, result.kinds)
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from .types import Article, Attribution

KINDS = ("headline", "standfirst", "body-expanded", "body-cut", "correction", "update",
         "quote-added", "quote-removed", "quote-reworded", "attribution-added",
         "attribution-removed", "attribution-changed", "byline", "published", "modified",
         "silent-edit", "other")
# A version read again by a newer extractor (not an edit): labelled so, and left out of
# edit listings unless asked for.
REEXTRACTED = "reextracted"

MIN_BODY_WORDS = 8  # net words added (removed) for "body expanded" ("body cut")
# A paragraph this alike (share of words in sequence) to one in its place is that one
# rewritten, not another paragraph: a paraphrase keeps a third of its words, unrelated
# paragraphs a tenth at most.
REWRITE_SIMILARITY = 0.25
MIN_QUOTE_WORDS = 3  # shorter quoted text is a scare quote or a title, not a quotation
SHORT_LINE_WORDS = 12  # lines this short may be metadata (bylines, times, counters)
CLOCK_SLACK = dt.timedelta(minutes=2)  # a timestamp this close to its capture is a clock

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                         "″": '"', "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
                         "–": "-", "—": "-", "\u00a0": " "})
_MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
           "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
_DAYS = "(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+"
_DAY_OF_MONTH = r"\d{1,2}(?:st|nd|rd|th)?"
# What changes from one load of a page to the next without anyone editing it: relative
# times, clock times, dates, time zones, counters (matched in short lines only).
_VOLATILE = re.compile(
    r"(?:\b(?:\d+|an?|one|a few)\s*(?:s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|"
    r"d|days?|w|wks?|weeks?)\s+ago\b|\bjust now\b|\bmoments? ago\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\b\.?)?|\b\d{1,2}\.\d{2}\s*[ap]\.?m\b\.?"
    r"|\b\d{4}-\d{2}-\d{2}(?:[t ][\d:.]+)?(?:z\b|[+-]\d{2}:?\d{2})?"
    r"|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}\.\d{1,2}\.\d{4}\b"
    rf"|\b(?:{_DAYS})?{_DAY_OF_MONTH}\s+(?:of\s+)?(?:{_MONTHS})\b\.?(?:,?\s+\d{{4}}\b)?"
    rf"|\b(?:{_DAYS})?(?:{_MONTHS})\b\.?\s+{_DAY_OF_MONTH}\b(?:,?\s+\d{{4}}\b)?"
    rf"|\b(?:{_MONTHS})\b\.?\s+\d{{4}}\b"
    r"|\b(?:gmt|utc|bst|cest?|eest?|[ecmp][sd]t|ist|jst|aest|aedt)\b"
    r"|[\d,.]+\s*[km]?\s+(?:comments?|views?|shares?|likes?|reads?|reactions?|"
    r"repl(?:y|ies)|readers?|votes?|people(?: are)?(?: reading| viewing)?(?: this| now)?)\b)",
    re.IGNORECASE)
_WEEKDAY_LEFT = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b", re.IGNORECASE)
# Words that say nothing once the times and counts around them are gone.
_FILLER = frozenset((
    "updated", "update", "last", "posted", "published", "modified", "on", "at", "and",
    "the", "of", "today", "yesterday", "now", "am", "pm", "et", "pt", "local", "time",
    "reading", "viewing"))
_CORRECTION = re.compile(
    r"^\W*(?:corrections?|clarifications?|correcting the record)\b[^.!?]{0,50}?:"
    r"|\b(?:an?|the) (?:earlier|previous|prior|original) version of this "
    r"(?:article|story|report|post|piece)\b"
    r"|\bthis (?:article|story|report|post|piece) (?:has been|was|is) corrected\b"
    r"|\bwe (?:regret|apologi[sz]e for) (?:the|this|that) (?:error|mistake)\b"
    r"|^\W*editor'?s'? note\W.*\b(?:correct|error|misstat|incorrect)", re.IGNORECASE)
_UPDATE = re.compile(
    r"^\W*(?:updated?s?|editor'?s'? note)\b[^.!?]{0,50}?:"
    r"|\bthis (?:article|story|report|post|piece) (?:has been|was|is being|will be) updated\b"
    r"|\bthis is a (?:developing|breaking) (?:story|news story)\b", re.IGNORECASE)
_DOUBLE_QUOTED = re.compile(r'"([^"]{2,}?)"')
_SINGLE_QUOTED = re.compile(r"(?<![\w'])'((?:[^']|(?<=\w)'(?=\w))+?)'(?![\w])")
_WORD = re.compile(r"\w+(?:['-]\w+)*")


@dataclass(frozen=True)
class Label:
    """One kind of change, with what it concerns (a headline before and after, the
    quotation, the note) for people reading a list of edits."""

    kind: str
    detail: str = ""


@dataclass(frozen=True)
class Comparison:
    """The change from one version to the next.

    Attributes:
        changed: the content differs (a new version); ``False`` when only volatile parts
            or dates differ.
        labels: the kinds of change, in :data:`KINDS` order (empty when not ``changed``).
    """

    changed: bool
    labels: tuple[Label, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(label.kind for label in self.labels)


def normalize_text(text: str) -> str:
    """Text as compared: NFKC, typographic quotes and dashes made plain, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split())


def stable_line(line: str) -> str:
    """A body line with what changes on every load taken out ("" if nothing else is
    left): in short lines (bylines, timestamps, counters), times, dates and counts."""
    text = normalize_text(line)
    if len(text.split()) > SHORT_LINE_WORDS:
        return text
    kept = _VOLATILE.sub(" # ", text)
    rest = _WEEKDAY_LEFT.sub(" ", kept)
    words = [w for w in re.findall(r"[^\W\d_]+", rest.lower()) if w not in _FILLER]
    return " ".join(kept.split()) if words else ""


def body_lines(body: str) -> list[str]:
    """The body's paragraphs as compared: normalised, volatile lines left out."""
    lines = (stable_line(p) for p in body.split("\n"))
    return [line for line in lines if line]


def is_note(line: str) -> str | None:
    """``correction`` or ``update`` when a paragraph is an editor's note of that kind."""
    if _CORRECTION.search(line):
        return "correction"
    if _UPDATE.search(line):
        return "update"
    return None


def quotations(lines: Iterable[str]) -> list[str]:
    """Text in quotation marks (three words or more), normalised for comparison."""
    out = []
    for line in lines:
        for pattern in (_DOUBLE_QUOTED, _SINGLE_QUOTED):
            for match in pattern.finditer(line):
                words = _WORD.findall(match.group(1).lower())
                if len(words) >= MIN_QUOTE_WORDS:
                    out.append(" ".join(words))
    return out


def compare(old: Article, new: Article, *, old_at: str | None = None,
            new_at: str | None = None) -> Comparison:
    """Label the change from ``old`` to ``new`` (see the module docstring).

    Args:
        old: the earlier version's article.
        new: the later version's article.
        old_at, new_at: when each was captured (ISO 8601): a date that follows the
            capture time in both versions is a clock on the page, not a date of the story.

    Returns:
        Whether the content changed, and how.
    """
    headline = normalize_text(old.title or "") != normalize_text(new.title or "")
    people = _people(old.authors) | _people(new.authors)
    old_lines = [x for x in body_lines(old.body) if not _byline(x, people)]
    new_lines = [x for x in body_lines(new.body) if not _byline(x, people)]
    old_keys, new_keys = _attribution_keys(old.attributions), _attribution_keys(new.attributions)
    byline = _people(old.authors) != _people(new.authors)
    published = _date_changed(old.published, new.published, old_at, new_at, missing=True)
    changed = (headline or old_lines != new_lines or old_keys != new_keys or byline
               or published)
    if not changed:
        return Comparison(False)
    labels: list[Label] = []
    if headline:
        labels.append(Label("headline", f"{old.title or ''} → {new.title or ''}"))
    seen = set(old_lines)
    notes = [(kind, line) for line in new_lines if line not in seen
             for kind in [is_note(line)] if kind]
    old_text = [x for x in old_lines if not is_note(x)]
    new_text = [x for x in new_lines if not is_note(x)]
    labels += _standfirst(old, new, old_text, new_text)
    labels += _body(old_text, new_text)
    for kind in ("correction", "update"):
        found = [line for k, line in notes if k == kind]
        if found:
            labels.append(Label(kind, _clip(found[0])))
    labels += _quotes(old_text, new_text)
    attribution_labels = _attributions(old.attributions, new.attributions)
    labels += attribution_labels
    if byline:
        labels.append(Label("byline", f"{', '.join(old.authors)} → {', '.join(new.authors)}"))
    if published:
        labels.append(Label("published", f"{old.published} → {new.published}"))
    modified = _date_changed(old.modified, new.modified, old_at, new_at)
    if modified:
        labels.append(Label("modified", f"{old.modified} → {new.modified}"))
    text_changed = old_text != new_text or old_keys != new_keys
    if text_changed and not notes and not modified:
        labels.append(Label("silent-edit"))
    if not labels:
        labels.append(Label("other"))
    order = {kind: n for n, kind in enumerate(KINDS)}
    return Comparison(True, tuple(sorted(labels, key=lambda x: order.get(x.kind, 99))))


def same_content(old: Article, new: Article, *, old_at: str | None = None,
                 new_at: str | None = None) -> bool:
    """Whether ``new`` is the same content as ``old`` (no new version): they differ at
    most in volatile parts and dates. See :func:`compare`."""
    return not compare(old, new, old_at=old_at, new_at=new_at).changed


# -- parts ---------------------------------------------------------------------------------


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _people(names: Sequence[str]) -> set[str]:
    return {normalize_text(n).casefold() for n in names if n.strip()}


def _byline(line: str, people: set[str]) -> bool:
    """A short line naming an author ("By Ann Lee", "Author: Ann Lee"): the byline, which
    extraction keeps in the body on some loads and not on others."""
    if len(line.split()) > SHORT_LINE_WORDS:
        return False
    folded = line.casefold()
    return any(name in folded for name in people)


def _attribution_keys(items: Sequence[Attribution]) -> set[tuple[str, str, str]]:
    return {(normalize_text(a.source).casefold(), " ".join(body_lines(a.passage)),
             _url_key(a.url)) for a in items}


def _url_key(url: str | None) -> str:
    """A link without its query and fragment: cache-busting tokens live there."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.netloc.lower().removeprefix('www.')}{parts.path.rstrip('/')}"


def _when(text: str) -> dt.datetime | None:
    value = text.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _clock_like(value: str | None, captured: str | None) -> bool:
    """A date that is the capture's own time: a masthead clock or a render time."""
    if not value or not captured:
        return False
    when, at = _when(value), _when(captured)
    if when is None or at is None:
        return False
    if len(value.strip()) <= 10:  # a date without a time: the capture's day
        return when.date() == at.date()
    return abs(when - at) <= CLOCK_SLACK


def _date_changed(old: str | None, new: str | None, old_at: str | None,
                  new_at: str | None, *, missing: bool = False) -> bool:
    """Whether a date changed; not when both values follow their capture's clock (with
    ``missing``, a missing value counts as one: a page without a date of its own shows
    a masthead date some days and none on others)."""
    if (old or None) == (new or None):
        return False
    a, b = _when(old or ""), _when(new or "")
    if a is not None and b is not None and a == b:
        return False  # the same instant written another way
    old_clock = (missing and not old) or _clock_like(old, old_at)
    new_clock = (missing and not new) or _clock_like(new, new_at)
    return not (old_clock and new_clock)


def _first_paragraph(lines: Sequence[str]) -> str:
    """The lede: the first paragraph long enough not to be a byline or a caption."""
    return next((x for x in lines if len(x.split()) >= MIN_BODY_WORDS), "")


def _standfirst(old: Article, new: Article, old_text: Sequence[str],
                new_text: Sequence[str]) -> list[Label]:
    before, after = _first_paragraph(old_text), _first_paragraph(new_text)
    if before != after:
        return [Label("standfirst", _clip(after or before))]
    desc_old = normalize_text(old.description or "")
    desc_new = normalize_text(new.description or "")
    if desc_old and desc_new and desc_old != desc_new:
        return [Label("standfirst", _clip(desc_new))]
    return []


def _words(lines: Iterable[str]) -> list[str]:
    return [w for line in lines for w in _WORD.findall(line.lower())]


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _words([a]), _words([b]), autojunk=False).ratio()


def _body(old: Sequence[str], new: Sequence[str]) -> list[Label]:
    """Body expanded and/or cut: paragraphs added or removed, and paragraphs that grew
    or shrank, counted in words; a paragraph moved elsewhere is neither."""
    grown: list[tuple[str, int]] = []  # (paragraph, words it added)
    cut: list[tuple[str, int]] = []
    matcher = difflib.SequenceMatcher(None, list(old), list(new), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for a, b in _pair(list(old[i1:i2]), list(new[j1:j2])):
            if a is None and b is not None:
                grown.append((b, len(_words([b]))))
            elif b is None and a is not None:
                cut.append((a, len(_words([a]))))
            elif a is not None and b is not None:
                delta = len(_words([b])) - len(_words([a]))
                if delta > 0:
                    grown.append((b, delta))
                elif delta < 0:
                    cut.append((a, -delta))
    for gone in list(cut):  # a paragraph removed here and added there was moved
        moved = next((g for g in grown if g[1] == len(_words([g[0]]))
                      and gone[1] == len(_words([gone[0]]))
                      and _similarity(g[0], gone[0]) >= 0.9), None)
        if moved is not None:
            grown.remove(moved)
            cut.remove(gone)
    labels = []
    if sum(n for _, n in grown) >= MIN_BODY_WORDS:
        labels.append(Label("body-expanded", _clip(grown[0][0])))
    if sum(n for _, n in cut) >= MIN_BODY_WORDS:
        labels.append(Label("body-cut", _clip(cut[0][0])))
    return labels


def _pair(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Old and new paragraphs of a changed stretch, paired in order when alike (an edited
    paragraph); the rest were added or removed."""
    pairs: list[tuple[str | None, str | None]] = []
    j = 0
    for a in old:
        best, best_at = REWRITE_SIMILARITY, -1
        for k in range(j, len(new)):
            score = _similarity(a, new[k])
            if score > best:
                best, best_at = score, k
        if best_at < 0:
            pairs.append((a, None))
            continue
        pairs += [(None, b) for b in new[j:best_at]]
        pairs.append((a, new[best_at]))
        j = best_at + 1
    pairs += [(None, b) for b in new[j:]]
    return pairs


def _quotes(old: Sequence[str], new: Sequence[str]) -> list[Label]:
    before, after = quotations(old), quotations(new)
    rest_old = list(before)
    rest_new = []
    for q in after:
        if q in rest_old:
            rest_old.remove(q)
        else:
            rest_new.append(q)
    reworded = []
    for q in list(rest_new):
        match = max(rest_old, key=lambda o: _similarity(o, q), default=None)
        if match is not None and _similarity(match, q) >= 0.5:
            rest_old.remove(match)
            rest_new.remove(q)
            reworded.append(f"“{match}” → “{q}”")
    labels = []
    if rest_new:
        labels.append(Label("quote-added", _clip(f"“{rest_new[0]}”")))
    if rest_old:
        labels.append(Label("quote-removed", _clip(f"“{rest_old[0]}”")))
    if reworded:
        labels.append(Label("quote-reworded", _clip(reworded[0])))
    return labels


def _attributions(old: Sequence[Attribution], new: Sequence[Attribution]) -> list[Label]:
    """Credits paired by their passage: a pair whose source or link differs is changed;
    a credit with no pair was added or removed."""
    def source(a: Attribution) -> str:
        return normalize_text(a.source).casefold()

    def passage(a: Attribution) -> str:
        return " ".join(body_lines(a.passage))

    rest_old = list(old)
    changed: list[str] = []
    added: list[str] = []
    for b in new:
        same = next((a for a in rest_old if source(a) == source(b)
                     and passage(a) == passage(b) and _url_key(a.url) == _url_key(b.url)),
                    None)
        if same is not None:
            rest_old.remove(same)
            continue
        match = max(rest_old, key=lambda a: _similarity(passage(a), passage(b)), default=None)
        if match is not None and (passage(match) == passage(b)
                                  or _similarity(passage(match), passage(b)) >= 0.6):
            rest_old.remove(match)
            if source(match) != source(b) or _url_key(match.url) != _url_key(b.url):
                changed.append(f"{match.source} → {b.source}")
            continue
        kept = next((a for a in rest_old if source(a) == source(b)), None)
        if kept is not None:  # the same source credits an edited passage: a body edit
            rest_old.remove(kept)
            continue
        added.append(b.source)
    labels = []
    if added:
        labels.append(Label("attribution-added", ", ".join(added)))
    if rest_old:
        labels.append(Label("attribution-removed", ", ".join(a.source for a in rest_old)))
    if changed:
        labels.append(Label("attribution-changed", "; ".join(changed)))
    return labels

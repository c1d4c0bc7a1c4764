"""Provenance: who is credited across the archive, and where a passage came from.

* :func:`rank_sources` ranks attribution sources (how many articles credit each, first
  and last seen, which sites cite it).
* :func:`trace_passage` finds every archived article containing a passage or a near
  copy of it, ordered by first capture, with the attribution each gives. Similarity is
  word-shingle containment (the share of the passage's 3- or 4-word shingles found in
  the article), so a copy with a few words changed, cut or added still matches; the
  full-text index supplies candidates (any shingle as a phrase) so the archive is not
  scanned. :func:`spread_tree` links each copy to an earlier one its attribution names.

Usage::

    with open_archive("newsarchive-data") as arc:
        for hit in trace_passage(arc.store, "the two countries share a common enemy"):
            print(hit.first_captured, hit.record.site, hit.similarity, hit.credits)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ArchiveError
from .query import Query, words_of
from .types import Attribution, Record

if TYPE_CHECKING:
    from .db import Store

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_CANDIDATES = 2000
_PROBES = 24  # shingles sent to the full-text index as candidate phrases


@dataclass(frozen=True, kw_only=True)
class SourceStat:
    """One attribution source across the archive."""

    source: str
    articles: int
    attributions: int
    first_seen: str
    last_seen: str
    sites: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "articles": self.articles,
                "attributions": self.attributions, "first_seen": self.first_seen,
                "last_seen": self.last_seen, "sites": list(self.sites)}


def rank_sources(store: Store, *, limit: int = 50, site: str | None = None
                 ) -> list[SourceStat]:
    """Attribution sources, most-cited first (by articles, then attributions, then name).

    Args:
        store: the archive's store (SQLite or PostgreSQL).
        limit: how many sources to return.
        site: only count articles of this site.
    """
    where, params = "", []
    if site:
        where = "WHERE p.site = ? OR p.site LIKE ?"
        params = [site.lower().removeprefix("www."), f"%.{site.lower().removeprefix('www.')}"]
    sql = store.dialect
    source = f"min(a.source COLLATE {sql.binary})"  # of a name's spellings, one everywhere
    found = store.rows(f"SELECT {source}, count(DISTINCT v.page_id), count(*), "
                 f"min(v.captured_at), max(v.captured_at), {sql.distinct_list('p.site')} "
                 "FROM attributions a JOIN versions v ON v.id = a.version_id "
                 f"JOIN pages p ON p.id = v.page_id {where} GROUP BY lower(a.source) "
                 f"ORDER BY 2 DESC, 3 DESC, {source} LIMIT ?",
                 [*params, limit])
    return [SourceStat(source=r[0], articles=int(r[1]), attributions=int(r[2]),
                       first_seen=r[3], last_seen=r[4],
                       sites=tuple(sorted(str(r[5] or "").split(","))))
            for r in found]


@dataclass(frozen=True, kw_only=True)
class TraceHit:
    """An article containing the passage (or a near copy).

    Attributes:
        record: the earliest version of the page that contains it.
        first_captured: when that version was first captured.
        similarity: share of the passage's shingles found (1.0 = verbatim).
        start, end: character span of the matching text in the body.
        credits: the attributions overlapping the match (empty: none given).
    """

    record: Record
    first_captured: str
    similarity: float
    start: int
    end: int
    credits: tuple[Attribution, ...]

    @property
    def matched_text(self) -> str:
        return self.record.article.body[self.start:self.end]

    def to_dict(self) -> dict[str, Any]:
        a = self.record.article
        return {"record_id": self.record.id, "url": self.record.url, "site": self.record.site,
                "site_name": a.site_name, "title": a.title, "published": a.published,
                "first_captured": self.first_captured,
                "similarity": round(self.similarity, 3), "matched_text": self.matched_text,
                "credits": [c.to_dict() for c in self.credits]}


def _shingle_size(words: int) -> int:
    return 3 if words < 12 else 4


def _shingles(tokens: list[str], k: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + k]) for i in range(max(len(tokens) - k + 1, 1))]


def _probe(shingles: list[tuple[str, ...]]) -> Query:
    """Candidate search: any of up to ``_PROBES`` shingles (as phrases), spread over the
    passage, in every version."""
    step = max(len(shingles) // _PROBES, 1)
    phrases = ['"' + " ".join(words_of(" ".join(s))) + '"' for s in shingles[::step][:_PROBES]]
    return Query(text=" OR ".join(phrases), all_versions=True)


def trace_passage(store: Store, passage: str, *, min_similarity: float = 0.5,
                  limit: int = 200) -> list[TraceHit]:
    """Every article containing ``passage`` or a near copy, oldest first capture first.

    Args:
        store: the archive's store (SQLite or PostgreSQL).
        passage: the text to trace (at least 3 words).
        min_similarity: the share of the passage's shingles an article must contain.
        limit: at most this many articles.

    Raises:
        ArchiveError: the passage has fewer than 3 words.
    """
    tokens = [t.casefold() for t in _WORD.findall(passage)]
    if len(tokens) < 3:
        raise ArchiveError("give a passage of at least 3 words to trace")
    k = _shingle_size(len(tokens))
    wanted = set(_shingles(tokens, k))
    best: dict[int, tuple[int, str, float, int, int]] = {}  # page -> earliest match
    for version_id, page_id, captured_at, body in store.matching(
            _probe(_shingles(tokens, k)), "v.id, v.page_id, v.captured_at, v.body",
            limit=MAX_CANDIDATES, order="v.captured_at, v.id"):
        if page_id in best:
            continue  # rows come oldest first: the page's first matching version wins
        match = _match(str(body), wanted, k, len(tokens))
        if match and match[0] >= min_similarity:
            # captures are not stored in time order (imports of older WARCs come later)
            first = store.rows("SELECT min(fetched_at) FROM captures WHERE version_id = ?",
                               (version_id,))[0][0]
            best[page_id] = (int(version_id), str(min(first or captured_at, captured_at)),
                             *match)
    ordered = sorted(best.values(), key=lambda m: (m[1], m[0]))[:limit]
    hits = []
    for version_id, captured_at, similarity, start, end in ordered:
        record = store.record(version_id)
        credits = tuple(a for a in record.article.attributions if a.start < end and a.end > start)
        hits.append(TraceHit(record=record, first_captured=captured_at, similarity=similarity,
                             start=start, end=end, credits=credits))
    return hits


def _match(body: str, wanted: set[tuple[str, ...]], k: int, n: int
           ) -> tuple[float, int, int] | None:
    """Best window of the body for the passage: (containment, start char, end char)."""
    spans = [(m.start(), m.end()) for m in _WORD.finditer(body)]
    words = [body[s:e].casefold() for s, e in spans]
    hits = [i for i in range(len(words) - k + 1) if tuple(words[i:i + k]) in wanted]
    if not hits:
        return None
    # the window of about the passage's length holding the most matching shingles
    best_count, best_lo, best_hi, lo = 0, 0, 0, 0
    for hi in range(len(hits)):
        while hits[hi] - hits[lo] > n + n // 2:
            lo += 1
        if hi - lo + 1 > best_count:
            best_count, best_lo, best_hi = hi - lo + 1, lo, hi
    window = {tuple(words[i:i + k]) for i in hits[best_lo:best_hi + 1]}
    first, last = hits[best_lo], hits[best_hi] + k - 1
    return len(window) / len(wanted), spans[first][0], spans[last][1]


def _names(hit: TraceHit) -> set[str]:
    names = {hit.record.site.casefold()}
    if hit.record.article.site_name:
        names.add(hit.record.article.site_name.casefold())
    return names


def spread_tree(hits: list[TraceHit]) -> list[int | None]:
    """For each hit, the index of the earlier hit its attribution points at (by site,
    site name or URL), or None (the first appearance, or an uncredited/unknown source)."""
    parents: list[int | None] = []
    for i, hit in enumerate(hits):
        parent = None
        for credit in hit.credits:
            source = credit.source.casefold()
            for j in range(i):
                earlier = hits[j]
                if (credit.url and credit.url == earlier.record.url) or any(
                        source in name or name in source for name in _names(earlier)):
                    parent = j
                    break
            if parent is not None:
                break
        parents.append(parent)
    return parents

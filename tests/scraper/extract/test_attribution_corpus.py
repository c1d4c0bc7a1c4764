"""Every page of the labelled attribution corpus (tests/data/attributions), one case each.

The matching rule is the one ``bench/attributions.py`` reports with (see the corpus
README): a found attribution matches a label when the sources agree and the passage
starts with the labelled words. A page the finder gets wrong fails on its own, by name;
one we knowingly miss goes in ``KNOWN_MISSES`` (a strict xfail, so fixing it is noticed).
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

import pytest

from scraper.extract import Extractor

CORPUS = Path(__file__).parents[2] / "data" / "attributions"
KNOWN_MISSES: dict[str, str] = {}  # file name -> why


def _norm_source(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return text.strip(" \"'“”‘’:;,.()[]-–—@#")


def _canonical(html: str) -> str | None:
    match = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return match.group(1) if match else None


def _labels() -> dict[str, list[dict[str, str]]]:
    return json.loads((CORPUS / "labels.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@cache
def _extractor() -> Extractor:
    return Extractor()


def test_corpus_is_large_enough() -> None:
    labels = _labels()
    assert sum(map(len, labels.values())) >= 40
    assert sum(not wanted for wanted in labels.values()) >= 5  # pages with none to find


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_MISSES[name], strict=True))
    if name in KNOWN_MISSES else name for name in _labels()])
def test_page_attributions_match_labels(name: str) -> None:
    wanted = _labels()[name]
    html = (CORPUS / name).read_text(encoding="utf-8")
    unused = list(_extractor().extract(html, url=_canonical(html)).attributions)
    missed = []
    for label in wanted:
        start = " ".join(label["passage_startswith"].split())
        for item in unused:
            if _norm_source(item.source) == _norm_source(label["source"]) and \
                    " ".join(item.passage.split()).startswith(start):
                unused.remove(item)
                break
        else:
            missed.append(f"{label['source']}: {start[:60]}")
    assert not missed, f"labels not found: {missed}"
    assert not unused, f"found but not labelled: {[(a.source, a.passage[:60]) for a in unused]}"


def test_attribution_spans_are_exact() -> None:
    for path in sorted(CORPUS.glob("*.html")):
        article = _extractor().extract(path.read_bytes())
        for item in article.attributions:
            assert article.body[item.start:item.end] == item.passage, path.name

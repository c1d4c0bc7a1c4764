"""Precision and recall floors on the labelled attribution corpus (tests/data/attributions).

The matching rule is the one ``bench/attributions.py`` reports with (see the corpus
README); raise the floors as the finder improves so that regressions fail here.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from scraper.extract import Extractor

CORPUS = Path(__file__).parents[2] / "data" / "attributions"
PRECISION_FLOOR = 0.97
RECALL_FLOOR = 0.97


def _norm_source(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return text.strip(" \"'“”‘’:;,.()[]-–—@#")


def _canonical(html: str) -> str | None:
    match = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    return match.group(1) if match else None


def test_corpus_precision_and_recall_floors() -> None:
    labels: dict[str, list[dict[str, str]]] = json.loads(
        (CORPUS / "labels.json").read_text(encoding="utf-8"))
    extractor = Extractor()
    predicted = matched = expected = 0
    for name, wanted in labels.items():
        html = (CORPUS / name).read_text(encoding="utf-8")
        found = list(extractor.extract(html, url=_canonical(html)).attributions)
        predicted += len(found)
        expected += len(wanted)
        unused = list(found)
        for label in wanted:
            start = " ".join(label["passage_startswith"].split())
            for item in unused:
                if _norm_source(item.source) == _norm_source(label["source"]) and \
                        " ".join(item.passage.split()).startswith(start):
                    unused.remove(item)
                    matched += 1
                    break
    assert expected >= 40
    precision, recall = matched / max(1, predicted), matched / expected
    assert precision >= PRECISION_FLOOR, f"precision {precision:.3f} ({matched}/{predicted})"
    assert recall >= RECALL_FLOOR, f"recall {recall:.3f} ({matched}/{expected})"


def test_attribution_spans_are_exact() -> None:
    extractor = Extractor()
    for path in sorted(CORPUS.glob("*.html")):
        article = extractor.extract(path.read_bytes())
        for item in article.attributions:
            assert article.body[item.start:item.end] == item.passage, path.name

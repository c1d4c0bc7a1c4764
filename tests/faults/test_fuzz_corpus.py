"""Replay the fuzz corpus (seeds and past crashes) through the extractor."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.demo import site_dir
from scraper.extract import Extractor

CORPUS = Path(__file__).resolve().parent.parent / "data" / "fuzz" / "parser"
EXTRACTOR = Extractor()
INPUTS = sorted(p for p in CORPUS.iterdir() if p.is_file()) + sorted(site_dir().rglob("*.html"))


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_corpus_input(path: Path) -> None:
    """Fuzz seeds and past crashes extract without raising; attribution spans match their
    passages."""
    article = EXTRACTOR.extract(path.read_bytes(), "http://fuzz.example/2015/11/02/page")
    for attribution in article.attributions:
        assert article.body[attribution.start:attribution.end] == attribution.passage

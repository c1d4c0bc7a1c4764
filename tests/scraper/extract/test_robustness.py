"""The parser never raises, whatever the input, and stays bounded on huge pages."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.extract import extract_article


def test_empty_and_binary_inputs() -> None:
    for data in (b"", b"\x00" * 100, bytes(range(256)) * 10, "", "   ", b"%PDF-1.7\n%\xe2\xe3"):
        article = extract_article(data)
        assert article.title is None
        assert article.attributions == ()


def test_deep_nesting() -> None:
    html = "<div>" * 50_000 + "<p>deep text, with commas, here.</p>" + "</div>" * 50_000
    article = extract_article(html)
    assert isinstance(article.body, str)


def test_large_page_is_bounded() -> None:
    paragraph = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "</p>"
    html = "<html><body><article>" + paragraph * 15_000 + "</article></body></html>"  # ~17 MB
    started = time.monotonic()
    article = extract_article(html.encode())
    assert time.monotonic() - started < 60
    assert article.body.startswith("Lorem ipsum")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_bytes(data: bytes) -> None:
    extract_article(data)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcpdivhtmlbodyscript:Originally posted by\n")),
               max_size=400))
def test_never_raises_on_tag_soup(text: str) -> None:
    article = extract_article(text)
    for a in article.attributions:
        assert article.body[a.start:a.end] == a.passage

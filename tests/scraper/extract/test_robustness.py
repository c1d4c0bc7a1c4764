"""The parser never raises, whatever the input, and stays bounded on huge pages."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.extract import extract_article


def test_empty_and_binary_inputs() -> None:
    for data in (b"", b"\x00" * 100, bytes(range(256)) * 10, "", "   ", b"%PDF-1.7\n%\xe2\xe3"):
        article = extract_article(data)
        assert article.title is None
        assert article.attributions == ()


def test_deep_nesting_keeps_the_text() -> None:
    # Unclosed inline tags nest as deep as they repeat: past libxml2's default depth
    # (256) the rest of the page used to be dropped.
    text = "Deep text, with commas, here, and enough words to be a paragraph."
    for opening, closing in (("<div>", "</div>"), ("<font>x ", "")):
        html = f"<html><body>{opening * 1500}<p>{text}</p>{closing * 1500}</body></html>"
        assert text in extract_article(html).body


def test_absurd_nesting_is_bounded() -> None:
    html = ("<html><head><title>Nested</title></head><body>" + "<div>" * 50_000
            + "<p>deep text, with commas, here.</p>" + "</div>" * 50_000)
    assert extract_article(html).title == "Nested"


def test_deeply_nested_script_data() -> None:
    for opening, closing in (("[", "]"), ('{"author":', "}"), ('{"@graph":[', "]}")):
        for depth in (900, 100_000):
            ld = opening * depth + "1" + closing * depth
            page = (f'<html><head><script type="application/ld+json">{ld}</script></head>'
                    "<body><p>Text that survives the script data.</p></body></html>")
            assert extract_article(page).body == "Text that survives the script data."


def test_malformed_urls_in_links_and_metadata() -> None:
    bad = "http://[oops/x"
    teasers = "".join(f"<div><h3><a href='{bad}'>Story {i}</a></h3></div>" for i in range(3))
    page = (f"<html><head><link rel=canonical href='{bad}'><meta property=og:image "
            f"content='{bad}'></head><body><article><p>Body text that stays, with a "
            f"<a href='{bad}'>link</a>.</p><blockquote cite='{bad}'><p>A quote.</p>"
            f"</blockquote>{teasers}</article></body></html>")
    for url in ("https://news.example/a", bad, None):
        assert "Body text that stays" in extract_article(page, url=url).body


def test_mixed_encodings() -> None:
    # A UTF-8 page with a pasted windows-1252 fragment, and a stray UTF-16 byte pair.
    html = (b"<html><head><meta charset='utf-8'><title>Caf\xc3\xa9 news</title></head><body>"
            b"<article><p>Le caf\xc3\xa9 ouvre lundi, dit le patron du caf\xe9 du coin, "
            b"\x93enfin\x94. Il \xff\xfe attend ses clients depuis des semaines.</p>"
            b"</article></body></html>")
    article = extract_article(html)
    assert article.title == "Café news"
    assert "patron du café du coin, “enfin”" in article.body


_BIG_PAGE = """
import resource, sys, time
from scraper.extract import extract_article
paragraph = "<p>" + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "</p>"
html = ("<html><body><article>" + paragraph * 18_000 + "</article></body></html>").encode()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.monotonic()
article = extract_article(html)
print(len(html), time.monotonic() - started,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before,
      article.body.startswith("Lorem ipsum"))
"""


@pytest.mark.slow
def test_20_mb_page_is_bounded_in_time_and_memory() -> None:
    # In a child process, so the peak resident size measured is this page's alone.
    out = subprocess.run([sys.executable, "-c", _BIG_PAGE], capture_output=True, text=True,
                         check=True, timeout=120).stdout.split()
    size, seconds, grown_kib, starts = int(out[0]), float(out[1]), int(out[2]), out[3]
    assert size > 20_000_000
    assert seconds < 60
    assert grown_kib < 1024 * 1024  # under 1 GiB above the bytes themselves
    assert starts == "True"


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_bytes(data: bytes) -> None:
    article = extract_article(data)
    for a in article.attributions:
        assert article.body[a.start:a.end] == a.passage


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>/=\"' abcpdivhtmlbodyscript:Originally posted by\n")),
               max_size=400))
def test_never_raises_on_tag_soup(text: str) -> None:
    article = extract_article(text)
    for a in article.attributions:
        assert article.body[a.start:a.end] == a.passage

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper.urls import host_of, normalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Example.COM:80/a/../b/?utm_source=x&b=2&a=1#frag", "http://example.com/b/?a=1&b=2"),
        ("https://x.org:443", "https://x.org/"),
        ("https://x.org:8443/p?fbclid=1", "https://x.org:8443/p"),
        ("http://ex.com/a b", "http://ex.com/a%20b"),
        ("http://ex.com/a%20b", "http://ex.com/a%20b"),
        ("http://bücher.de/", "http://xn--bcher-kva.de/"),
        ("mailto:a@b.org", None),
        ("javascript:alert(1)", None),
        ("ftp://x.org/f", None),
        ("http://", None),
        ("http://x.org/" + "a" * 10_000, None),
    ],
)
def test_normalize(url: str, expected: str | None) -> None:
    assert normalize_url(url) == expected


def test_relative_resolution() -> None:
    assert normalize_url("../c?x=1", "http://h.org/a/b/") == "http://h.org/a/c?x=1"
    assert host_of("http://H.org:81/x") == "h.org:81"


@given(st.text(max_size=200))
def test_never_raises_and_idempotent(text: str) -> None:
    once = normalize_url(text, "http://base.example/dir/")
    if once is not None:
        assert normalize_url(once) == once

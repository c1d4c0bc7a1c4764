"""The capture and replay read a stylesheet's references the same way (archive.css)."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

from archive.css import rewrite
from archive.web.rewrite import Rewriter
from scraper.capture.requisites import find_css_requisites

BASE = "https://news.example/css/main.css"
CASES = [  # (css, the reference in it)
    ('a{background:url("a)b.png")}', "a)b.png"),  # a ) inside quotes
    ("a{background:url('it\"s.png')}", 'it"s.png'),  # the other quote inside
    ("a{background:url( x.png )}", "x.png"),  # spaces around a bare one
    ("a{background:URL(y.png)}", "y.png"),  # the function name in capitals
    ('@import "s.css";', "s.css"),
    ("@import 's2.css' screen;", "s2.css"),
    ('@import url("s3.css");', "s3.css"),
    ("@import url(s4.css);", "s4.css"),
]


@pytest.mark.parametrize(("css", "reference"), CASES)
def test_capture_and_replay_find_the_same_reference(css: str, reference: str) -> None:
    [found] = find_css_requisites(css, BASE)
    assert found.url == urljoin(BASE, reference)
    seen: list[str] = []
    rewritten = rewrite(css, lambda ref: seen.append(ref) or "R")
    assert seen == [reference]
    assert rewritten.count('"R"') == 1 and reference not in rewritten


def test_replay_points_every_reference_at_the_archive() -> None:
    css = " ".join(c for c, _ in CASES)
    out = Rewriter(BASE, "http://127.0.0.1:9", "20260101000000").css(css)
    assert out.count('"http://127.0.0.1:9/20260101000000/https://news.example/css/') == \
        len(CASES)
    assert 'it%22s.png"' in out  # a quote in a reference cannot end the string early

"""Quotes of a post shown on the same page are dropped; other quotes stay."""

from __future__ import annotations

from scraper.extract import extract_article

_URL = "https://forum.example.org/threads/car-rental.1/"
_FIRST = ("I am writing an English course for car rental companies and cannot decide "
          "between two names for it, so which one sounds better to you all?")
_OLD = ("Earlier in this thread someone said that the school should pick the shorter "
        "name because students remember short names much better than long ones.")
_REPLY = ("Neither a teacher nor a native speaker, but I would rather call it an English "
          "course in car rental, which reads naturally and says what it is.")


def _post(n: int, text: str) -> str:
    return (f"<article class='message' id='post-{n}'><div class='message-body'>"
            f"<p>{text}</p></div></article>")


def _quote(author: str, text: str) -> str:
    return (f"<blockquote class='bbCodeBlock--quote'><div class='bbCodeBlock-title'>"
            f"{author} said:</div><div>{text}</div>"
            f"<div class='bbCodeBlock-expandLink'>Click to expand...</div></blockquote>")


def _page(*posts: str) -> str:
    return f"<html><body><h1>Car rental</h1><div class='messages'>{''.join(posts)}</div>" \
           "</body></html>"


def test_quote_of_a_post_on_the_page_is_dropped() -> None:
    html = _page(_post(1, _FIRST), _post(2, _quote("tomas", _FIRST) + _REPLY),
                 _post(3, _REPLY + " Thanks for all the replies so far, everyone."))
    body = extract_article(html, _URL).body
    assert body.count("I am writing an English course") == 1
    assert "tomas said" not in body
    assert _REPLY in body


def test_quote_of_a_post_not_on_the_page_is_kept() -> None:
    html = _page(_post(1, _FIRST), _post(2, _quote("anna", _OLD) + _REPLY),
                 _post(3, _REPLY + " Thanks for all the replies so far, everyone."))
    body = extract_article(html, _URL).body
    assert "Earlier in this thread someone said" in body


def test_credit_of_a_dropped_quote_moves_to_the_quoted_post() -> None:
    quote = (f"<blockquote><div><cite>bytebuster wrote:</cite>{_FIRST}</div></blockquote>")
    html = _page(_post(1, _FIRST), _post(2, quote + _REPLY),
                 _post(3, _REPLY + " Thanks for all the replies so far, everyone."))
    article = extract_article(html, "https://forum.example.org/viewtopic.php?t=1")
    assert article.body.count("I am writing an English course") == 1
    credits = [a for a in article.attributions if a.source == "bytebuster"]
    assert credits and credits[0].passage.startswith("I am writing an English course")
    assert article.body[credits[0].start:credits[0].end] == credits[0].passage

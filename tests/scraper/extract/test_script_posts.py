"""Threads whose posts are only in script data (JSON-LD, application JSON)."""

from __future__ import annotations

import html
import json

from scraper.extract import extract_article
from scraper.extract._dom import parse_html
from scraper.extract.script_posts import script_payloads, script_posts

_OP = ("I have nothing smart in my apartment yet and want to start somewhere. Which hub, "
       "sensors and cameras would you buy first, and where do you buy them at a fair price?")
_ANSWER = ("Start with a hub that runs locally, then add door sensors and one camera; buy "
           "them one at a time so that you learn what you actually use before spending more.")
_SHELL = ("<html><head><title>Start making my home smart</title>"
          "<meta name='description' content='I have nothing smart in my apartment yet'>{head}"
          "</head><body><section id='splash'><div class='dots'></div></section>{body}"
          "</body></html>")
_URL = "https://community.example.org/t/start-making-my-home-smart/68911"


def _ld(data: object) -> str:
    return f"<script type='application/ld+json'>{json.dumps(data)}</script>"


def test_forum_posting_and_its_comments_from_json_ld() -> None:
    data = {"@context": "https://schema.org", "@type": "DiscussionForumPosting",
            "headline": "Start making my home smart", "text": _OP,
            "author": {"@type": "Person", "name": "nils"},
            "comment": [{"@type": "Comment", "text": _ANSWER,
                         "author": {"@type": "Person", "name": "anna"}}]}
    article = extract_article(_SHELL.format(head=_ld(data), body=""), _URL)
    assert _OP in article.body and _ANSWER in article.body
    assert article.body.index(_OP) < article.body.index(_ANSWER)
    assert "anna" in article.body
    assert article.signals["body"] == "script"


def test_question_and_answers_from_a_qa_page() -> None:
    data = {"@context": "https://schema.org", "@type": "QAPage",
            "mainEntity": {"@type": "Question", "name": "Where to start?", "text": _OP,
                           "suggestedAnswer": [{"@type": "Answer", "text": _ANSWER}]}}
    body = extract_article(_SHELL.format(head=_ld(data), body=""), _URL).body
    assert _OP in body and _ANSWER in body


def test_preloaded_post_stream_stored_as_json_in_a_string() -> None:
    topic = {"post_stream": {"posts": [
        {"username": "nils", "cooked": f"<p>{_OP}</p>"},
        {"username": "anna", "cooked": f"<p>{_ANSWER}</p><p>Good luck!</p>"}]}}
    preloaded = html.escape(json.dumps({"topic_68911": json.dumps(topic)}), quote=True)
    page = _SHELL.format(head="", body=f"<div id='data-preloaded' data-preloaded=\"{preloaded}\">"
                                       "</div>")
    body = extract_article(page, _URL).body
    assert _OP in body and _ANSWER in body


def test_markup_with_posts_is_not_replaced_by_script_data() -> None:
    data = {"@type": "DiscussionForumPosting", "text": "Posting from the script data " * 20}
    page = _SHELL.format(head=_ld(data), body=f"<article><p>{_OP}</p><p>{_ANSWER}</p></article>")
    body = extract_article(page, _URL).body
    assert _OP in body and "Posting from the script data" not in body


def test_broken_or_hostile_script_data_gives_nothing() -> None:
    deep = "[" * 5000 + "]" * 5000
    page = ("<html><body><script type='application/json'>{not json</script>"
            f"<script type='application/json'>{deep}</script>"
            "<div data-preloaded='{\"posts\": [1, null, {\"cooked\": 5}]}'></div></body></html>")
    assert script_posts(script_payloads(parse_html(page))) == []
    assert script_posts([("ld", deep)]) == []
    assert extract_article(page).body == ""


def _state(posts: list[str]) -> str:
    cache = {"Thread:1": {"__typename": "Thread", "title": "Election thread"}}
    for n, text in enumerate(posts):
        cache[f"Post:{n}"] = {"__typename": "Post", "content": text}
    return f"<script>window.__APOLLO_STATE__ = {json.dumps(cache)};</script>"


_REPLIES = [f"Reply {n}: it is certainly sooner than expected, and the positive news about "
            "inflation may have been the trigger for it." for n in range(3)]


def _replies_markup() -> str:
    return "".join(f"<div class='post' id='post-{n}'><div class='post-body'><p>{text}</p>"
                   "</div></div>" for n, text in enumerate(_REPLIES))


def test_opening_post_only_in_a_script_state_leads_the_replies() -> None:
    opening = "[b]The prime minister has announced a general election.[/b]\n\nThis is " \
              "the official thread to discuss the run up to polling day."
    page = ("<html><head><title>Election</title></head><body>"
            f"{_state([opening, *_REPLIES])}<h1>Election</h1><div class='thread'>"
            f"{_replies_markup()}</div></body></html>")
    body = extract_article(page, "https://www.example.co.uk/showthread.php?t=7481802").body
    assert body.startswith("The prime minister has announced a general election.")
    assert "[b]" not in body and "Reply 2:" in body


def test_script_posts_of_another_thread_are_not_taken_as_the_opening() -> None:
    others = [f"Another thread's post {n} about football transfers this summer and the "
              "squad for next season." for n in range(4)]
    page = (f"<html><body>{_state(others)}<div class='thread'>{_replies_markup()}</div>"
            "</body></html>")
    body = extract_article(page, "https://www.example.co.uk/showthread.php?t=7481802").body
    assert "football" not in body

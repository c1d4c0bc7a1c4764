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

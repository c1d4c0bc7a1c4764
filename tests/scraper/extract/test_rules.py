"""Named rule tables: each row exercised alone, and named when it drops a line."""

from __future__ import annotations

import pytest

from scraper.extract import extract_article
from scraper.extract.boilerplate import LINE_RULES, TERMINAL_HEADINGS, boilerplate_rule
from scraper.extract.box_rules import (
    ALWAYS,
    CONTENT_HINT,
    FURNITURE,
    HIDDEN_CLASS,
    MODAL,
    SOFT_UNLIKELY,
    UNLIKELY,
    VOTE_BOX,
)
from scraper.extract.rules import Rule, RuleTable

# One furniture line per row, in the row's own words (and one line it must leave alone).
_LINES = {
    "share-prompt": ("Share this article", "The share price fell."),
    "share-prompt-intl": ("Artikel teilen", "Die Teilung des Landes"),
    "read-more-intl": ("Weiterlesen", "Wir lesen weiter in dem Buch."),
    "comment-prompt-intl": ("Kommentare geschlossen", "Die Kommentare des Ministers"),
    "rating-prompt": ("War der Artikel nützlich?", "Der Artikel war lang."),
    "advertisement-intl": ("- Anzeige -", "Die Anzeige wurde erstattet."),
    "photo-credit": ("Foto: Ingo Pertramer", "Photography is an art that takes years."),
    "dateline-intl": ("05:28 Uhr", "Um 05:28 Uhr fuhr der Zug ab, sagte er."),
    "print-intl": ("Rezept drucken", "Die Druckerei schloss im Mai."),
    "shortcode": ("[button link=x]Send us your review[/button]", "[sic] the text"),
}


@pytest.mark.parametrize("name", sorted(_LINES))
def test_each_row_matches_its_furniture_alone(name: str) -> None:
    furniture, text = _LINES[name]
    rule = LINE_RULES.rule(name)
    assert rule.matches(furniture)
    assert not rule.matches(text)
    assert LINE_RULES.match(furniture) == name
    assert boilerplate_rule(text) is None


@pytest.mark.parametrize(("heading", "name"), [
    ("Das könnte Sie auch interessieren", "related-de"), ("Lire aussi", "related-fr"),
    ("Temas relacionados", "related-es-pt-it"), ("Zobacz również", "related-pl-nl"),
    ("Related stories:", "related"),
])
def test_terminal_headings_are_named_and_whole_lines(heading: str, name: str) -> None:
    assert TERMINAL_HEADINGS.match(heading) == name
    assert TERMINAL_HEADINGS.match(heading + " the council voted on a new budget") is None


def test_a_table_names_its_row_and_refuses_duplicate_names() -> None:
    table = RuleTable((Rule("a", r"alpha"), Rule("b", r"(?P<x>b)eta")))
    assert table.match("beta") == "b"
    assert table.search("an alpha") == "a"
    assert table.match("gamma") is None
    with pytest.raises(ValueError, match="duplicate"):
        RuleTable((Rule("a", "x"), Rule("a", "y")))


def test_signals_name_the_rules_that_dropped_lines() -> None:
    story = ("The council voted on Tuesday to extend the library's opening hours, citing a "
             "rise in students, officials said.")
    html = (f"<html><body><article><p>{story}</p><p>{story} Again.</p><p>Artikel teilen</p>"
            "<p>Foto: Ingo Pertramer</p><h3>Lesen Sie auch</h3><p><a href='/x'>Other story</a>"
            "</p></article></body></html>")
    article = extract_article(html)
    dropped = article.signals["dropped"]
    for name in ("share-prompt-intl", "photo-credit", "end-heading:related-de"):
        assert name in dropped
    assert "Artikel teilen" not in article.body


# One class name per box rule row (as clean_tree sees it: lower-cased class and id), and
# one content box name it must leave alone.
_BOXES = {
    (UNLIKELY, "comments"): ("comments-area", "commercial-news"),
    (UNLIKELY, "consent-banner"): ("cookie-bar", "recipe-box"),
    (UNLIKELY, "navigation"): ("site-nav main-nav-bar", "canvas-wrap"),
    (UNLIKELY, "footer"): ("site-footer", "site-foot-note"),
    (UNLIKELY, "newsletter"): ("newsletter-signup", "letter-from-editor"),
    (UNLIKELY, "share"): ("share-buttons", "shore-line"),
    (UNLIKELY, "related"): ("related-posts", "relay-race"),
    (UNLIKELY, "sidebar"): ("sidebar-right", "side-by-side"),
    (UNLIKELY, "popup"): ("popup-overlay", "pop-art"),
    (UNLIKELY, "author-bio"): ("author-bio", "authority"),
    (UNLIKELY, "not-shown"): ("screen-reader-text", "screen-shot"),
    (SOFT_UNLIKELY, "advert"): ("ad-slot ads", "adaptive load"),
    (SOFT_UNLIKELY, "widget"): ("widget_recent", "wide-grid"),
    (SOFT_UNLIKELY, "replies"): ("reply-list", "replay"),
    (SOFT_UNLIKELY, "user-info"): ("postprofile", "profile-of-week"),
    (SOFT_UNLIKELY, "post-furniture"): ("post-meta", "post-media"),
    (SOFT_UNLIKELY, "teaser"): ("teaser-card", "tease"),
    (SOFT_UNLIKELY, "tags"): ("tags", "stagger"),
    (ALWAYS, "consent"): ("onetrust-banner-sdk", "one-trusted-source"),
    (ALWAYS, "signature"): ("post sig", "post signal"),
    (FURNITURE, "caption"): ("wp-caption-text", "captain-marvel"),
    (FURNITURE, "hover-card"): ("person-hovercard", "hover"),
    (FURNITURE, "call-to-action"): ("inline-cta", "octagon"),
    (FURNITURE, "author-box"): ("entry-author-info", "authored entry"),
}


@pytest.mark.parametrize(("table", "name"), sorted(_BOXES, key=lambda k: k[1]),
                         ids=lambda v: v if isinstance(v, str) else "")
def test_each_box_row_matches_its_class_name_alone(table: RuleTable, name: str) -> None:
    furniture, content = _BOXES[table, name]
    assert table.rule(name).search(furniture)
    assert table.search(furniture) == name
    assert not table.rule(name).search(content)


def test_box_tables_leave_content_names_alone() -> None:
    for name in ("entry-content", "article-body", "story-text", "main column"):
        assert CONTENT_HINT.search(name)
    for name in ("post", "gallery", "hero", "lede", "pull-quote"):
        assert UNLIKELY.search(name) is None
        assert SOFT_UNLIKELY.search(name) is None


def test_modal_and_hidden_class_names_match_as_written() -> None:
    assert MODAL.search("memberModal") and MODAL.search("modal fade")
    assert not MODAL.search("modalities-of-care")  # a word, not a modal box
    assert HIDDEN_CLASS.search("d-none d-md-block") and not HIDDEN_CLASS.search("hideous")
    assert VOTE_BOX.search("VoteCount") and not VOTE_BOX.search("votary-text")


def test_signals_name_the_box_rules_that_cleaned_the_page() -> None:
    story = ("The council voted on Tuesday to extend the library's opening hours, citing a "
             "rise in students, officials said.")
    html = (f"<html><body><article><p>{story}</p><p>{story} Again.</p>"
            "<div class='share-buttons'><a href='/s'>Facebook</a></div>"
            "<div class='wp-caption-text'>The library at dusk.</div>"
            "<div class='comments-area'><p>First!</p></div>"
            "<div class='related-posts'><a href='/r'>Other story</a></div>"
            "<div style='display:none'>Hidden text</div></article></body></html>")
    article = extract_article(html)
    cleaned = article.signals["cleaned"]
    for name in ("share", "caption", "comments", "related", "hidden"):
        assert name in cleaned.split(", ")
    for text in ("Facebook", "at dusk", "First!", "Other story", "Hidden text"):
        assert text not in article.body
    assert "cleaned" not in extract_article(f"<html><body><p>{story}</p></body></html>").signals

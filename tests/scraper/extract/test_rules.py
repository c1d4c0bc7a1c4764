"""Named rule tables: each row exercised alone, and named when it drops a line."""

from __future__ import annotations

import pytest

from scraper.extract import extract_article
from scraper.extract.boilerplate import LINE_RULES, TERMINAL_HEADINGS, boilerplate_rule
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

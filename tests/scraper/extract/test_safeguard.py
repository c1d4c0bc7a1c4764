"""The second opinion on the main text, the standfirst and the failure kinds of issue 16,
each on a hand-made page."""

from __future__ import annotations

from scraper.extract import extract_article
from scraper.extract._dom import parse_html
from scraper.extract.safeguard import Candidate, alternatives, reading_chars, weigh
from scraper.extract.standfirst import find_standfirst

_S = ("The council voted on Tuesday to extend the library's opening hours, citing a rise in "
      "students who use its reading rooms during the exam season, officials said.")


def _story(n: int, tag: str = "Story") -> str:
    return "".join(f"<p>{tag} {i}: {_S}</p>" for i in range(n))


def test_standfirst_set_apart_in_the_header_opens_the_body() -> None:
    lead = "A plain first paragraph, set apart from the story under the headline, says it all."
    html = (f"<html><body><article><header><h1>Library hours extended</h1><p>{lead}</p>"
            f"</header><div class='story'>{_story(4)}</div></article></body></html>")
    body = extract_article(html).body
    assert body.startswith(lead)
    assert "Story 3:" in body


def test_a_summary_the_opening_restates_is_not_repeated() -> None:
    lead = "The council voted on Tuesday to extend the library's opening hours, officials said."
    html = (f"<html><body><article><header><h1>Library hours extended</h1><p>{lead}</p>"
            f"</header><div class='story'><p>{_S}</p>{_story(3)}</div></article></body></html>")
    assert lead not in extract_article(html).body


def _letter_page() -> tuple[object, list, list]:  # type: ignore[type-arg]
    letter = "".join(f"<p>Letter {i}: {_S}</p>" for i in range(4))
    names = "".join(f"<td>Jane Roe{i}, Example University, John Doe{i}, writer</td>"
                    for i in range(30))
    root = parse_html(
        f"<html><body><article class='post'><h1>A Letter on Open Debate</h1>"
        f"<div class='content'>{letter}<table><tr id='names'>{names}</tr></table></div>"
        "</article></body></html>")
    lede = find_standfirst(root, root.find(".//h1"))
    return root, root.xpath("//tr[@id='names']"), [lede]


def test_names_list_chosen_over_the_story_gives_way_to_the_text_under_the_headline() -> None:
    root, main, (lede,) = _letter_page()  # type: ignore[misc]
    assert lede is not None and lede.text.startswith("Letter 0:")
    names = reading_chars([(main[0].text_content(), 0.0)])
    verdict = weigh(main, names, alternatives(root, root.find(".//h1")), None, lede)
    assert verdict.path == "fallback:lede"
    assert verdict.use is not None and verdict.use.element.tag == "article"


def test_a_choice_holding_the_first_paragraph_stands() -> None:
    root, _main, (lede,) = _letter_page()  # type: ignore[misc]
    content = root.xpath("//div[@class='content']")
    verdict = weigh(content, 2000, alternatives(root, root.find(".//h1")), None, lede)
    assert verdict.use is None


def test_a_short_box_gives_way_to_the_story_two_mechanisms_find() -> None:
    root = parse_html(
        "<html><body><h1>Library hours extended</h1><div id='box'><p>Sign up today.</p></div>"
        f"<div><div id='story'>{_story(8)}</div></div></body></html>")
    box = root.xpath("//div[@id='box']")
    verdict = weigh(box, reading_chars([("Sign up today.", 0.0)]),
                    alternatives(root, root.find(".//h1")))
    assert verdict.use is not None and verdict.use.element.get("id") == "story"
    assert verdict.path.startswith("fallback:") and verdict.agree


def test_a_short_body_on_a_long_page_is_replaced_end_to_end() -> None:
    # the publisher marks a one-line box as the article body; the story sits in plain divs
    html = ("<html><body><h1>Library hours extended</h1><div itemprop='articleBody' "
            "class='entry-content article-body'><p>Sign up for our newsletter, it's free.</p>"
            f"</div><div><div>{_story(3)}</div></div></body></html>")
    article = extract_article(html)
    assert "Story 2:" in article.body


def test_ours_stands_when_the_alternatives_agree() -> None:
    html = f"<html><body><h1>Library hours</h1><article>{_story(5)}</article></body></html>"
    article = extract_article(html)
    assert article.signals["body"] == "main"
    assert article.confidence["body"] >= 0.8


def test_weigh_keeps_ours_when_not_far_shorter() -> None:
    root = parse_html(f"<html><body><div id='a'>{_story(6)}</div></body></html>")
    cands = alternatives(root, None)
    main = root.xpath("//div[@id='a']")
    ours = reading_chars([(p.text_content(), 0.0) for p in main[0].iter("p")])
    assert weigh(main, ours, cands).use is None
    assert weigh(main, 10, cands).use is not None or not cands


def test_an_alternative_nothing_backs_is_not_used() -> None:
    root = parse_html(f"<html><body><div id='a'>{_story(6)}</div></body></html>")
    lone = Candidate("densest", root.xpath("//div[@id='a']")[0], 5000)
    assert weigh([root.find("body")], 10, [lone]).use is None


def test_a_choice_in_the_sidebar_gives_way_to_the_text_under_the_headline() -> None:
    side = "".join(f"<li>News {i}: {_S}</li>" for i in range(12))
    root = parse_html(
        "<html><body><div class='page'><div class='content'><h1>The old quarter</h1>"
        f"<div class='text'><p>Opening: {_S}</p>{_story(2)}</div></div>"
        f"<aside><nav><ul id='side'>{side}</ul></nav></aside></div></body></html>")
    lede = find_standfirst(root, root.find(".//h1"))
    main = root.xpath("//ul[@id='side']")
    verdict = weigh(main, 2000, alternatives(root, root.find(".//h1")), None, lede)
    assert verdict.path == "fallback:lede"
    assert verdict.gain == 0.0  # a sidebar is no story, however long


def _paper(refs: int = 40) -> str:
    abstract = "".join(f"<p>Abstract {i}: {_S} {_S}</p>" for i in range(3))
    items = "".join(f"<li>Roe J{i}, Doe J, Smith A, Miller B, Jones C, et al. A study of "
                    f"reading rooms, hours, and students. J Libr. 2017;{i}(3):45-67.</li>"
                    for i in range(refs))
    return (f"<html><body><article><h1>Reading rooms and exam season</h1>"
            f"<section class='abstract'><h2>Abstract</h2>{abstract}</section>"
            f"<section><h2>References</h2><ol class='references'>{items}</ol></section>"
            "</article></body></html>")


def test_a_list_taken_for_the_article_gives_way_to_the_region_around_it() -> None:
    root = parse_html(_paper())
    main = root.xpath("//ol")
    ours = reading_chars([(li.text_content(), 0.0) for li in main[0]])
    verdict = weigh(main, ours, alternatives(root, root.find(".//h1")))
    assert verdict.path == "fallback:list"
    assert verdict.use is not None and verdict.use.element.tag == "article"
    article = extract_article(_paper(refs=150))  # long enough to outweigh the abstract
    assert article.signals["body"] == "fallback:list"
    assert "Abstract 0:" in article.body and "Abstract 2:" in article.body


def test_a_list_is_not_widened_to_the_whole_page() -> None:
    root = parse_html(_paper(refs=4).replace(
        "<section class='abstract'>", "<section class='abstract'>" + _story(40)))
    main = root.xpath("//ol")
    ours = reading_chars([(li.text_content(), 0.0) for li in main[0]])
    assert weigh(main, ours, [c for c in alternatives(root, root.find(".//h1"))
                              if c.element.tag == "article"]).path != "fallback:list"


def test_a_short_text_under_the_headline_gives_way_to_the_story_below_it() -> None:
    intro = ("<div class='intro'><h1>Wind power in Bavaria</h1>\n"
             f"<div class='teaser-text'><p>{_S} {_S}</p></div></div>\n")
    story = f"<div class='article'>\n<div class='rte'>{_story(10)}</div></div>\n"
    for parts, below in (((intro, story), True), ((story, intro), False)):
        root = parse_html("<html><body>\n" + "".join(parts) + "</body></html>")
        main = root.xpath("//div[@class='teaser-text']")
        ours = reading_chars([(main[0].text_content(), 0.0)])
        verdict = weigh(main, ours, alternatives(root, root.find(".//h1")))
        if below:
            assert verdict.use is not None and verdict.use.element.get("class") == "rte"
        else:  # the same story above the headline is not the one it leads
            assert verdict.use is None

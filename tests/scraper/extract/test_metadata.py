"""Metadata ranking: the visible dateline, URL dates."""

from __future__ import annotations

import json

import pytest

from scraper.extract import extract_article
from scraper.extract.dates import date_from_url

_LD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", '
    '"headline": "Rain returns to the valley", "datePublished": "%s"}</script>'
)


def _page(ld_date: str | None, dateline: str) -> str:
    head = _LD % ld_date if ld_date else ""
    return (
        f"<html><head>{head}</head><body><h1>Rain returns to the valley</h1>"
        f"<p class='byline'>By Ann Lee</p><p>{dateline}</p>"
        "<p>The first storm of the season arrived on Tuesday, filling reservoirs.</p>"
        "</body></html>"
    )


def test_visible_dateline_fills_missing_date() -> None:
    art = extract_article(_page(None, "Published on July 18, 2025"))
    assert art.published == "2025-07-18"
    assert art.signals["published"] == "visible"


def test_visible_dateline_beats_conflicting_structured_date() -> None:
    art = extract_article(_page("2019-01-04", "March 2, 2024"))
    assert art.published == "2024-03-02"


def test_updated_line_beats_json_ld_date() -> None:
    # Most labelled pages with both go by the date the page prints, "Updated" or not.
    art = extract_article(_page("2019-01-04", "Updated: March 2, 2024"))
    assert art.published == "2024-03-02"


def test_updated_line_keeps_opengraph_publication_time() -> None:
    page = _page(None, "Updated: March 2, 2024").replace(
        "<head>", "<head><meta property='article:published_time' content='2019-01-04'>")
    assert extract_article(page).published == "2019-01-04"


def test_printed_date_beats_opengraph_time_unless_it_is_the_modified_date() -> None:
    og = "<head><meta property='article:published_time' content='2013-03-11T11:11:07-07:00'>"
    page = _page(None, "March 20, 2023").replace("<head>", og)
    assert extract_article(page).published == "2023-03-20"
    restamped = page.replace(
        "<head>", "<head><meta property='article:modified_time' content='2023-03-20'>")
    assert extract_article(restamped).published == "2013-03-11T11:11:07-07:00"


def test_posted_line_beside_updated_line_is_the_date() -> None:
    dateline = "Updated Dec 10, 2025</p><p>Posted on Nov 21, 2018"
    assert extract_article(_page(None, dateline)).published == "2018-11-21"
    dateline = "Posted on Nov 21, 2018</p><p>Updated at Dec 10, 2025"
    assert extract_article(_page("2017-05-05", dateline)).published == "2018-11-21"


def test_dateline_below_a_standfirst_is_found() -> None:
    standfirst = "<p>" + "A long standfirst sentence about the storm and the valley. " * 5 + "</p>"
    art = extract_article(_page(None, f"</p>{standfirst}<p>Posted on Nov 21, 2018"))
    assert art.published == "2018-11-21"


def test_date_inside_a_story_paragraph_is_not_a_dateline() -> None:
    para = "The offer <b>ends</b> on December 3, 2025, and " + "more words follow. " * 20
    art = extract_article(_page("2025-11-24", f"<p>{para}"))
    assert art.published == "2025-11-24"


def test_ambiguous_numeric_dateline_read_as_the_structured_date() -> None:
    art = extract_article(_page("2025-08-01T10:00:00+00:00", "8/1/2025"))
    assert art.published == "2025-08-01T10:00:00+00:00"
    art = extract_article(_page(None, "02-12-2025"))
    assert art.published == "2025-12-02"


def test_date_a_time_zone_away_keeps_structured_value() -> None:
    art = extract_article(_page("2024-03-02T23:30:00-08:00", "March 3, 2024"))
    assert art.published == "2024-03-02T23:30:00-08:00"


def test_date_a_day_off_that_no_time_zone_explains_is_the_printed_one() -> None:
    art = extract_article(_page("2024-03-03T22:00:00+00:00", "March 2, 2024"))
    assert art.published == "2024-03-02"
    assert extract_article(_page("2024-03-03", "March 2, 2024")).published == "2024-03-02"


def test_url_date_followed_by_slug_punctuation() -> None:
    assert date_from_url("https://ex.org/articles/2025-12-15+Rust+backend") == "2025-12-15"


def _byline_page(ld_author: str | None, line: str) -> str:
    ld = (
        '<script type="application/ld+json">{"@type": "Article", "headline": "Rain returns",'
        f' "author": {{"@type": "Organization", "name": "{ld_author}"}}}}</script>'
        if ld_author else ""
    )
    return (
        f"<html><head>{ld}<meta property='og:site_name' content='Valley News'></head><body>"
        f"<h1>Rain returns</h1><div>{line}</div>"
        "<p>The first storm of the season arrived on Tuesday, filling reservoirs.</p>"
        "</body></html>"
    )


def test_visible_byline_fills_missing_author() -> None:
    art = extract_article(_byline_page(None, "<span>By</span> <a href='/x'>Ann Lee</a>"))
    assert art.authors == ("Ann Lee",)
    assert art.signals["authors"] == "visible"


def test_name_beside_dateline_is_the_author() -> None:
    art = extract_article(_byline_page(None, "<span>Ann Lee</span><span>July 3, 2025</span>"))
    assert art.authors == ("Ann Lee",)


def test_visible_byline_beats_publisher_named_as_author() -> None:
    art = extract_article(_byline_page("Valley News", "Written by: Ann Lee | July 3, 2025"))
    assert art.authors == ("Ann Lee",)


def test_prose_after_by_is_not_an_author() -> None:
    art = extract_article(_byline_page(None, "Made by printing one of our several examples."))
    assert art.authors == ()


def test_language_guessed_from_body_when_page_declares_none() -> None:
    para = ("Le conseil municipal a voté mardi la prolongation des horaires de la "
            "bibliothèque, en raison du nombre croissant d'étudiants qui utilisent ses salles.")
    html = f"<html><body><article><p>{para}</p><p>Encore : {para}</p></article></body></html>"
    art = extract_article(html)
    assert art.language == "fr"
    assert art.signals["language"] == "langid"


def test_declared_language_wins_over_the_guess() -> None:
    para = "The council voted on Tuesday to extend the library's opening hours. " * 5
    art = extract_article(f"<html lang='de'><body><p>{para}</p></body></html>")
    assert art.language == "de"


def test_lone_date_on_a_page_without_dateline_is_its_date() -> None:
    page = ("<html><body><div><h2>Notes</h2><p>Some text without dates at all, "
            "long enough to be a paragraph of prose.</p><footer><span>Dec 17, 2025</span>"
            "</footer></div></body></html>")
    art = extract_article(page)
    assert art.published == "2025-12-17"
    assert art.signals["published"] == "sole date"
    two = page.replace("</footer>", "<span>Jan 2, 2024</span></footer>")
    assert extract_article(two).published is None


def _title_page(og_title: str, h1: str, doc_title: str = "") -> str:
    return (
        f"<html><head><meta property='og:title' content='{og_title}'>"
        f"<title>{doc_title or og_title}</title></head><body><h1>{h1}</h1>"
        "<p>The first storm of the season arrived on Tuesday, filling reservoirs.</p>"
        "</body></html>"
    )


def test_headline_with_subtitle_beats_shorter_seo_title() -> None:
    h1 = "Rain returns to the valley: what the first storm means for farmers this year"
    assert extract_article(_title_page("Rain returns to the valley", h1)).title == h1


def test_chrome_around_headline_is_trimmed() -> None:
    for h1 in ("Thread: Rain returns to the valley", "Rain returns to the valley | Opinion",
               "<span class='label'>Weather</span> Rain returns to the valley",
               "Rain returns to the valley (valley.example) 87"):
        art = extract_article(_title_page("Rain returns to the valley", h1))
        assert art.title == "Rain returns to the valley", h1


def test_words_around_headline_that_are_not_chrome_stay() -> None:
    for h1 in ("The rain returns to the valley in 2025", "Rain returns to the valley: a guide"):
        art = extract_article(_title_page("rain returns to the valley", h1))
        assert art.title == h1
    art = extract_article(_title_page(
        "Rain returns to the valley", "Rain returns to the valley Posted on July 1, 2024 by ann"))
    assert art.title == "Rain returns to the valley"


def test_mojibake_and_double_escaped_headline_are_repaired() -> None:
    art = extract_article(_title_page("A farmers guide", "A Farmer\u00e2\x80\x99s Guide to Rain"))
    assert art.title == "A Farmer\u2019s Guide to Rain"
    art = extract_article(_title_page("Rain and snow", "Rain &amp;#x26; Snow in the valley"))
    assert art.title == "Rain & Snow in the valley"


def test_unknown_site_suffix_is_dropped_but_not_half_a_headline() -> None:
    art = extract_article(_title_page("", "", "Rain returns to the valley | Valley Post"))
    assert art.title == "Rain returns to the valley"
    whole = "What rain is and what it is not - Defining a storm for farmers"
    assert extract_article(_title_page("", "", whole)).title == whole


def test_publish_date_kept_only_in_script_data() -> None:
    page = ("<html><head><script>dataLayer.push({\"pageType\":\"article\","
            "\"createDate\":\"2019-09-12\",\"publishDate\":\"2025-05-27\"})</script></head>"
            "<body><h1>Moving legal work in-house</h1><p>Text without any date.</p></body></html>")
    art = extract_article(page)
    assert art.published == "2025-05-27"
    assert art.signals["published"] == "script"
    page = page.replace("publishDate", "createdAt")
    assert extract_article(page).published is None


def test_dates_above_headline_read_labels_in_reading_order() -> None:
    page = ("<html><body><p>Health</p><p>December 22, 2022</p><p>Updated: January 2, 2026</p>"
            "<h1>Rain returns to the valley</h1><p>The first storm of the season arrived on "
            "Tuesday, filling reservoirs across the valley.</p></body></html>")
    assert extract_article(page).published == "2022-12-22"


def test_line_break_inside_headline_is_a_space() -> None:
    art = extract_article(_title_page("Rain returns", "Rain returns<br>What it means"))
    assert art.title == "Rain returns What it means"


def test_title_trail_of_board_and_site_is_dropped() -> None:
    page = _title_page("", "", "What happened with the ISO in 2024 / Arch Discussion / Arch Forums")
    assert extract_article(page).title == "What happened with the ISO in 2024"
    page = _title_page("", "", "View topic - Football Season: MLS is Back! - NationStates")
    assert extract_article(page).title == "Football Season: MLS is Back!"


def test_join_date_and_next_post_are_not_the_thread_date() -> None:
    page = ("<html><head><title>Which forum software to pick? / Web Discussion</title></head>"
            "<body><div class='post'><span>ann</span><span>Registered: 2024-01-27</span>"
            "<h3>Which forum software to pick?</h3><p>Text of the question.</p>"
            "<p>Last edited by ann (2024-08-03 11:02:20)</p></div><div class='post'>"
            "<span>#2</span><span>2024-08-04 14:22:38</span><span>bob</span>"
            "<span>The Evil Wiki Admin</span><p>An answer.</p></div></body></html>")
    art = extract_article(page)
    assert art.published == "2024-08-03T11:02:20"
    assert "The Evil Wiki Admin" not in art.authors


def test_ambiguous_meta_date_read_as_the_printed_date() -> None:
    page = _page(None, "Published March 9, 2026").replace(
        "<head>", "<head><meta name='article:published_time' content='03-09-2026'>")
    assert extract_article(page).published == "2026-03-09"


def test_headline_outside_heading_tags_anchors_its_dateline() -> None:
    # The h1 is the blog's name; the post title is a <legend>, its date a bare line
    # inside the same box, among other dates (the post's own story) further down.
    page = (
        "<html><head><title>Advent week 2</title></head><body>"
        "<div><h1><a href='/'>Roger's Blog</a></h1></div><table><tr><td>"
        "<fieldset><legend>Advent week 2</legend>\n20 December 2025\n"
        "<div><p>On 7 December 2025 I started again, and had a really good time "
        "writing the solutions for each day of the puzzle calendar.</p>"
        + "<p>Each puzzle took an evening; the notes below go day by day.</p>" * 5
        + "</div>"
        "</fieldset></td></tr></table></body></html>"
    )
    art = extract_article(page)
    assert art.published == "2025-12-20"
    assert art.signals["published"] == "visible"


def test_utc_stamp_is_given_in_the_page_time_zone_when_the_page_has_it() -> None:
    page = _page(None, "<time datetime='2025-12-18T19:05:00-08:00'>Dec 18</time>").replace(
        "<head>", "<head><meta property='article:published_time' "
        "content='2025-12-19T03:05:00+00:00'>")
    assert extract_article(page).published == "2025-12-18T19:05:00-08:00"
    other_moment = page.replace("19:05:00-08:00", "19:06:00-08:00")
    assert extract_article(other_moment).published == "2025-12-19T03:05:00+00:00"


def test_dateline_beats_a_clock_time_elsewhere_on_the_page() -> None:
    clock = "<div class='user'><time datetime='2026-03-05T12:16:19Z'>March 05, 2026</time></div>"
    page = _page(None, "June 4, 2024").replace("<body>", "<body>" + clock)
    assert extract_article(page).published == "2024-06-04"
    in_article = _page(None, "").replace(
        "<p></p>", "<article><time datetime='2024-06-03'>yesterday</time></article>")
    assert extract_article(in_article).published == "2024-06-03"


def test_plainly_named_published_meta_is_read() -> None:
    page = _page(None, "").replace("<head>", "<head><meta name='published' content='July 17, 2025'>")
    art = extract_article(page)
    assert (art.published, art.signals["published"]) == ("2025-07-17", "meta:published")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Luke KimDecember 17", ("Luke Kim",)),
    ("Text by Hunter Dukes", ("Hunter Dukes",)),
    ('"David Kim"', ("David Kim",)),
    ("sara.r.peter", ("sara.r.peter",)),
    ("Dec. 19", ()),
    ("Sat", ()),
    ("262588213843476", ()),
    ("page.head.extra.author", ()),
    ("Jane Roe says:", ()),
])
def test_author_values_are_cleaned_or_refused(raw: str, expected: tuple[str, ...]) -> None:
    ld = json.dumps({"@type": "NewsArticle", "author": {"@type": "Person", "name": raw}})
    page = (f'<html><head><script type="application/ld+json">{ld}</script></head><body>'
            "<h1>Rain returns</h1><p>The first storm of the season arrived on Tuesday.</p>"
            "</body></html>")
    assert extract_article(page).authors == expected


def test_a_comment_or_answer_date_is_not_the_page_date() -> None:
    page = (
        "<html><body><div itemscope itemtype='https://schema.org/QAPage'>"
        "<div itemprop='mainEntity' itemscope itemtype='https://schema.org/Question'>"
        "<h1 itemprop='name'>Why is except: pass bad?</h1>"
        "<div itemprop='text'><p>Catching everything hides the errors you need to see.</p>"
        "</div><div itemprop='comment' itemscope itemtype='https://schema.org/Comment'>"
        "Good point.<time itemprop='datePublished'>2019-01-21T21:40:59Z</time></div>"
        "<time itemprop='dateCreated'>2014-02-04</time>"
        "<div itemprop='suggestedAnswer' itemscope itemtype='https://schema.org/Answer'>"
        "<p>Use a narrow except.</p><meta itemprop='datePublished' content='2016-03-17'>"
        "</div><meta itemprop='datePublished' content='2014-02-04T10:00:00Z'></div></div>"
        "</body></html>"
    )
    assert extract_article(page).published == "2014-02-04T10:00:00+00:00"


def test_a_comment_author_is_not_the_page_author() -> None:
    page = (
        "<html><body><div itemscope itemtype='https://schema.org/Question'>"
        "<h1 itemprop='name'>Why is except: pass bad?</h1>"
        "<div itemprop='comment' itemscope itemtype='https://schema.org/Comment'>"
        "<span itemprop='author' itemscope itemtype='https://schema.org/Person'>"
        "<a itemprop='name'>Izkata</a></span> Good point.</div>"
        "<div itemprop='author' itemscope itemtype='https://schema.org/Person'>"
        "<span><meta itemprop='name' content='Aaron Hall'></span></div>"
        "<p>Catching everything hides the errors you need to see.</p></div></body></html>"
    )
    assert extract_article(page).authors == ("Aaron Hall",)


def test_utf8_page_declaring_shift_jis_keeps_its_title_and_body() -> None:
    body = "東京都は、来年度の予算案を発表した。" * 5
    page = (f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=Shift_JIS'>"
            f"<title>予算案を発表</title></head><body><h1>予算案を発表</h1><p>{body}</p>"
            "</body></html>").encode()
    article = extract_article(page)
    assert article.title == "予算案を発表"
    assert body in article.body


def test_declared_title_that_is_the_site_name_loses_to_the_displayed_headline() -> None:
    page = ("<html><head><title>City council extends library hours | Sports.fr</title>"
            "<meta property='og:title' content='Sports.fr'>"
            "<meta property='og:site_name' content='Sports.fr'></head>"
            "<body><h1>Sports.fr</h1><h2>Menu</h2><div><h1>City council extends library hours"
            "</h1><p>Text.</p></div></body></html>")
    article = extract_article(page)
    assert article.title == "City council extends library hours"
    assert article.signals["title"] == "h1"
    assert article.confidence["title"] >= 0.9


def test_displayed_headline_wins_over_an_seo_og_title() -> None:
    page = ("<html><head><title>Library hours: council votes to extend | News</title>"
            "<meta property='og:title' content='Library hours: council votes to extend'></head>"
            "<body><h1>Council votes to extend library hours</h1><p>Text.</p></body></html>")
    article = extract_article(page)
    assert article.title == "Council votes to extend library hours"
    assert article.signals["title"] == "h1"


def test_a_date_known_only_from_the_url_or_a_clock_is_low_confidence() -> None:
    story = "<p>The council voted on Tuesday to extend the library's opening hours.</p>"
    by_url = extract_article(f"<html><body><h1>Library hours</h1>{story}</body></html>",
                             "https://example.org/2024/05/01/library-hours")
    assert by_url.published == "2024-05-01"
    assert by_url.signals["published"] == "url"
    assert by_url.confidence["published"] <= 0.3
    clock = extract_article(
        f"<html><body><div class='header-today'>Tuesday, December 3, 2024</div>"
        f"<h1>Library hours</h1>{story}</body></html>", "https://example.org/library-hours")
    assert clock.confidence["published"] <= 0.2
    structured = extract_article(
        "<html><head><meta property='article:published_time' content='2024-04-30'></head>"
        f"<body><h1>Library hours</h1>{story}</body></html>")
    assert structured.confidence["published"] >= 0.8


def test_confidence_covers_every_field_and_survives_to_dict() -> None:
    from archive.types import Article

    article = extract_article("<html><body><h1>Library hours</h1><p>Text here.</p></body></html>")
    assert set(article.confidence) == {"title", "authors", "published", "modified", "body"}
    assert all(0.0 <= v <= 1.0 for v in article.confidence.values())
    assert article.confidence["authors"] == 0.0  # no author on the page
    assert Article.from_dict(article.to_dict()).confidence == article.confidence


@pytest.mark.parametrize("masthead", [
    "<header><p>Thursday, December 3, 2026</p><nav><a href='/'>Home</a></nav></header>",
    "<div class='top'><span>December 3, 2026</span></div>",
])
def test_a_masthead_date_above_the_story_is_not_its_date(masthead: str) -> None:
    # The site's masthead prints the day the page was served; the story's own date wins.
    page = (f"<html><head>{_LD % '2024-05-06'}</head><body>{masthead}<main><article>"
            "<h1>Rain returns to the valley</h1><p>The first storm of the season arrived on "
            "Tuesday, filling reservoirs across the valley.</p></article></main></body></html>")
    assert extract_article(page).published == "2024-05-06"


def test_a_kicker_date_beside_the_headline_still_counts() -> None:
    page = (f"<html><head>{_LD % '2019-01-04'}</head><body><header><a href='/'>Home</a>"
            "</header><article><p>March 2, 2024</p><h1>Rain returns to the valley</h1>"
            "<p>The first storm of the season arrived on Tuesday, filling reservoirs across "
            "the valley.</p></article></body></html>")
    assert extract_article(page).published == "2024-03-02"


def test_a_masthead_date_box_is_only_a_clock() -> None:
    # Above the headline and apart from it: the day of serving. Script data beats it,
    # and alone it is kept as a low-confidence clock, not as the page's printed date.
    story = ("<main><article><h1>Rain returns to the valley</h1><p>The first storm of the "
             "season arrived on Tuesday, filling reservoirs across the valley.</p>"
             "</article></main>")
    top = "<div class='top'><span class='masthead-date'>Thursday, December 3, 2026</span></div>"
    script = "<script>var page = {\"datePublished\": \"2024-05-06T10:00:00Z\"};</script>"
    art = extract_article(f"<html><body>{top}{story}{script}</body></html>")
    assert art.published and art.published.startswith("2024-05-06")
    art = extract_article(f"<html><body>{top}{story}</body></html>")
    assert (art.published, art.signals["published"]) == ("2026-12-03", "clock")
    assert art.confidence["published"] < 0.3

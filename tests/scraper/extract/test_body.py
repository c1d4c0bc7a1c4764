"""Main-content choice: split article bodies, hidden and swallowed articles."""

from __future__ import annotations

import pytest

from scraper.extract import extract_article
from scraper.extract._dom import parse_html
from scraper.extract.blocks import Paragraph
from scraper.extract.boilerplate import drop_boilerplate, is_boilerplate_line
from scraper.extract.discussion import is_discussion
from scraper.extract.main_content import _good_text
from scraper.extract.posts import opening_post, repeated_posts

_PARA = (
    "The council voted on Tuesday to extend the library's opening hours, citing a "
    "rise in students who use its reading rooms during the exam season, officials said."
)


_TWO_PARAS = f"{_PARA}\n\nSecond: {_PARA}"


def _story_body(between: str = "", after: str = "", article_class: str = "entry") -> str:
    """The body extracted from a two-paragraph story with furniture between or after."""
    return extract_article(
        f"<html><body><article class='{article_class}'><p>{_PARA}</p>{between}"
        f"<p>Second: {_PARA}</p>{after}</article></body></html>").body


def test_article_split_over_builder_boxes_is_taken_whole() -> None:
    boxes = "".join(
        f"<section class='row'><div class='col'><div class='text-block'><p>{i} {_PARA}</p>"
        f"<p>{_PARA}</p></div></div></section>"
        for i in range(4)
    )
    html = f"<html><body><nav><a href='/'>Home</a></nav><main>{boxes}</main></body></html>"
    body = extract_article(html).body
    for i in range(4):
        assert f"{i} The council" in body


def test_hidden_streaming_box_holding_the_article_is_kept() -> None:
    paras = "".join(f"<p>{_PARA}</p>" for _ in range(5))
    html = f"<html><body><div hidden id='S:0'><article>{paras}</article></div></body></html>"
    assert "The council voted" in extract_article(html).body


def test_unclosed_menu_button_does_not_swallow_the_article() -> None:
    paras = "".join(f"<p>{_PARA}</p>" for _ in range(5))
    html = f"<html><body><button class='menu'>Menu<div><article>{paras}</article></div>"
    assert "The council voted" in extract_article(html).body


def test_small_hidden_box_is_still_dropped() -> None:
    paras = "".join(f"<p>{_PARA}</p>" for _ in range(5))
    html = (f"<html><body><article>{paras}<div hidden><p>Secret promo text here for "
            "subscribers only.</p></div></article></body></html>")
    assert "Secret promo" not in extract_article(html).body


def test_thread_takes_every_post_box_whole() -> None:
    posts = "".join(
        f"<div class='post' id='post-{i}'><div class='wrap'><div class='meta'>"
        f"<span class='who'>user{i}</span></div><div class='inner'><div class='text'>"
        f"<p>Reply {i}: {_PARA}</p></div></div></div></div>"
        for i in range(3)
    )
    html = (f"<html><body><div class='thread'>{posts}</div>"
            "<div class='sidebar-box'><p>Unrelated box.</p></div></body></html>")
    body = extract_article(html).body
    for i in range(3):
        assert f"Reply {i}:" in body


def test_script_rendered_page_falls_back_to_description() -> None:
    html = ("<html><head><meta name='description' content='I have nothing smart in my "
            "flat yet; where should I start?'></head><body><div id='app'></div></body></html>")
    art = extract_article(html)
    assert art.body.startswith("I have nothing smart")
    assert art.signals["body"] == "description"


def test_forum_profile_lines_and_wordless_lines_are_dropped() -> None:
    html = (f"<html><body><article><p>{_PARA}</p><p>Joined</p><p>Messages: 1,204</p>"
            f"<p>Reaction score</p><p>\u200d</p><p>★★★★★</p><p>Second: {_PARA}</p>"
            "</article></body></html>")
    body = extract_article(html).body
    assert body == _TWO_PARAS


def test_byline_dateline_and_photo_credit_lines_are_not_body() -> None:
    html = (f"<html><body><article><p>By Jane Roe | Special to the Herald</p>"
            "<p>Updated 5:27 am CST, Wednesday, November 20, 2019</p>"
            f"<p>Photo: Hau Dinh, AP</p><p>{_PARA}</p>"
            "<p>The match is on March 3, 2024 at Wembley.</p></article></body></html>")
    body = extract_article(html).body
    assert body == f"{_PARA}\n\nThe match is on March 3, 2024 at Wembley."


def test_datelines_in_other_languages_are_not_body() -> None:
    from scraper.extract.blocks import Paragraph
    from scraper.extract.boilerplate import boilerplate_rule, drop_boilerplate

    lines = ("Aktualisiert am 19.02.2020", "15. Mai 2019, 05:28 Uhr", "Le 05/02/2020",
             "Publiziert: 03.04.2020, 12:35", "20 de abril de 2022 a las 08:39h")
    kept = drop_boilerplate([Paragraph(t, "p") for t in (*lines, _PARA,
                            "Am 15. Mai 2019 fuhr der Zug um 05:28 Uhr ab.")],
                            None, lambda p: False)
    assert [p.text for p in kept] == [_PARA, "Am 15. Mai 2019 fuhr der Zug um 05:28 Uhr ab."]
    assert all(boilerplate_rule(t) is None for t in lines)  # a metadata line, not furniture


def test_blogger_widget_holding_the_post_is_kept() -> None:
    text = "<br>".join(f"Line {i}: {_PARA}" for i in range(4))
    html = ("<html><body><div class='nav-links'><a href='/'>Home</a></div>"
            f"<div class='widget Blog'><div class='post-body'>{text}</div></div></body></html>")
    assert "Line 3:" in extract_article(html).body


def test_replies_are_content_on_a_forum_thread_but_not_under_an_article() -> None:
    replies = "".join(f"<div class='comment'><p>Reply {i}: {_PARA}</p></div>" for i in range(3))
    html = (f"<html><body><article><p>{_PARA}</p><p>{_PARA}</p></article>"
            f"<div class='comments'>{replies}</div></body></html>")
    assert "Reply 1:" not in extract_article(html, "https://news.example/2024/05/story").body
    assert "Reply 1:" in extract_article(html, "https://example.org/threads/123-help").body


def test_repeated_captions_and_gallery_chrome_appear_once_or_not_at_all() -> None:
    caption = "U.S. Defense Secretary Mark Esper, left, meets his counterpart in Hanoi."
    html = (f"<html><body><article><p>{_PARA}</p><p>{caption}</p><p>{caption}</p>"
            f"<p>Back to Gallery</p><p>Image 2 of 5</p><p>{_PARA} Again.</p></article>"
            "</body></html>")
    body = extract_article(html).body
    assert body.count(caption) == 1
    assert "Gallery" not in body and "Image 2" not in body


def test_text_under_the_headline_tips_the_choice() -> None:
    story = "".join(f"<p>Story {i}: {_PARA}</p>" for i in range(3))
    other = "".join(f"<p>Other {i}: {_PARA}</p>" for i in range(3))
    html = (f"<html><body><h1>Library hours extended</h1><div class='a'>{story}</div>"
            f"<div class='b'>{other}</div></body></html>")
    body = extract_article(html).body
    assert "Story 0:" in body


def test_article_written_as_loose_text_between_blocks_is_found() -> None:
    loose = "".join(f"Loose {i}: {_PARA}<div class='br'></div>" for i in range(4))
    address = "<p>Town Hall, 1 Main Street, Springfield, phone 555-0100, open 9 to 5</p>"
    html = (f"<html><body><div class='story'>{loose}</div>"
            f"<div class='contact'>{address}</div></body></html>")
    body = extract_article(html).body
    assert "Loose 0:" in body
    assert "Town Hall" not in body


def test_post_cells_do_not_stand_in_for_the_posts() -> None:
    # XenForo: each post's user cell and message cell share a class; the posts, not
    # the two cells of one post, are the repeated boxes.
    def post(i: int) -> str:
        return (f"<article class='message message--post' id='post-{i}'><div class='inner'>"
                f"<div class='message-cell message-cell--user'>Member {i} joined in 2019 "
                f"and wrote many posts in this place</div>"
                f"<div class='message-cell message-cell--main'><div class='message-body'>"
                f"<p>Post {i}: {_PARA}</p></div></div></div></article>")
    root = parse_html("<html><body><div class='thread'>"
                      + "".join(post(i) for i in range(4)) + "</div></body></html>")
    top = root.xpath("//article[@id='post-2']//div[@class='message-body']")[0]
    posts = repeated_posts(top)
    assert [p.text_content()[:6] for p in posts] == [f"Post {i}" for i in range(4)]


def test_teasers_of_other_stories_on_the_site_are_dropped() -> None:
    teasers = "".join(
        f"<article class='teaser'><h3><a href='/2019/other-{i}'>Other story number {i}"
        f"</a></h3><p>A short summary of other story {i}, which is not this one...</p>"
        f"</article>" for i in range(4))
    shops = "".join(
        f"<li><h3><a href='https://shop{i}.example.com/'>Shop {i}</a></h3>"
        f"<p>Shop {i} sells paper, ink and pens, and opens late.</p></li>" for i in range(4))
    html = (f"<html><body><div class='content'><h1>Library hours extended</h1>"
            f"<p>{_PARA}</p><p>{_PARA}</p><ul>{shops}</ul><div class='more'>{teasers}</div>"
            f"</div></body></html>")
    body = extract_article(html, url="https://news.example.org/2019/library").body
    assert "summary of other story" not in body
    assert "Shop 3 sells" in body


def test_an_article_printed_twice_in_the_page_is_kept_once() -> None:
    story = "".join(f"<p>Part {i}: {_PARA}</p>" for i in range(3))
    html = (f"<html><body><div class='content'><div class='mobile'>{story}</div>"
            f"<div class='desktop'>{story}</div></div></body></html>")
    body = extract_article(html).body
    assert [body.count(f"Part {i}:") for i in range(3)] == [1, 1, 1]


def test_opening_post_laid_out_apart_from_the_replies_leads_the_thread() -> None:
    def reply(i: int) -> str:
        return (f"<article class='reply-box' id='post-{i}'><div class='user'>member{i}</div>"
                f"<div class='message-body'><p>Reply {i}: {_PARA}</p></div></article>")
    root = parse_html("<html><body><div class='starter'><div class='message-body'>"
                      f"<p>Opening: {_PARA}</p></div></div><div class='replies'>"
                      + "".join(reply(i) for i in range(3)) + "</div></body></html>")
    body = root.find("body")
    posts = root.xpath("//article")
    good = _good_text(body)
    opening = opening_post(body, posts, good, discussion=True)
    assert [el.text_content()[:8] for el in opening] == ["Opening:"]
    assert opening_post(body, posts, good, discussion=False) == []


def test_consent_dialog_outweighing_a_short_thread_is_dropped() -> None:
    vendors = "".join(
        f"<p>Vendor {i} may store cookies on your device, share data with partners, "
        "build a profile of your interests and measure content performance.</p>"
        for i in range(30))
    posts = "".join(
        f"<tr><td class='msg' id='message_{i}'><span class='user'>user{i}</span>"
        f"<div class='msg_text'>Post {i}: {_PARA}</div></td></tr>" for i in range(3))
    html = (f"<html><body><div id='onetrust-consent-sdk'><div role='dialog' aria-modal='true'>"
            f"<h2>About Your Privacy</h2>{vendors}</div></div>"
            f"<table class='board message'><tbody>{posts}</tbody></table></body></html>")
    body = extract_article(html, "https://example.org/boards/1-switch/2").body
    assert "Vendor" not in body and "Privacy" not in body
    for i in range(3):
        assert f"Post {i}:" in body


def _story_with_comments(voted: bool) -> str:
    vote = "<div class='voters'><a class='upvoter'>7</a></div>" if voted else ""
    comments = "".join(
        f"<li class='comments_subtree'><div class='comment'>{vote}<div class='byline'>"
        f"<a href='/~u{i}'>u{i}</a></div><div class='comment_text'><p>Comment {i}: {_PARA} "
        f"{_PARA}</p></div></div></li>" for i in range(6))
    return (f"<html><body><h1>A link worth reading</h1><div class='story'><p>{_PARA}</p></div>"
            f"<ol class='comments'>{comments}</ol></body></html>")


def test_voted_comment_thread_under_a_short_story_is_the_content() -> None:
    body = extract_article(_story_with_comments(True), "https://example.org/s/abc/x").body
    for i in range(6):
        assert f"Comment {i}:" in body


def test_unvoted_comments_under_a_short_news_brief_are_left_out() -> None:
    body = extract_article(_story_with_comments(False), "https://example.org/2019/x").body
    assert "The council voted" in body and "Comment" not in body


def test_qa_furniture_counters_and_hidden_timestamps_are_dropped() -> None:
    answers = "".join(
        f"<div class='answer' id='answer-{i}'><div class='votecell'><span>{i + 3}</span></div>"
        f"<div class='answercell'><div itemprop='text'><p>Answer {i}: {_PARA}</p></div>"
        f"<time class='d-none' itemprop='dateCreated'>2019-01-21T21:40:59Z</time>"
        f"<time class='hide'>2019-01-21T21:41+00:00</time>"
        "<div class='edit'>Last edited by someone on Jan 3, 2020</div>"
        f"<div>1,204 helpful votes</div></div></div>" for i in range(3))
    html = ("<html><body><h1>Why is except: pass bad?</h1><div>Asked 13 years, 8 months ago</div>"
            f"<div>Viewed 11k times</div><div id='answers'><div>Sorted by: Reset to default"
            f"</div>{answers}</div><h2>Explore related questions</h2></body></html>")
    body = extract_article(html, "https://example.org/threads/why.1/").body
    for i in range(3):
        assert f"Answer {i}:" in body
    for junk in ("Asked 13", "Viewed", "Sorted by", "2019-01-21", "21:41", "Last edited",
                 "helpful",
                 "Explore"):
        assert junk not in body
    assert not any(line.strip().isdigit() for line in body.split("\n\n"))


def test_posts_numbered_only_by_id_are_all_kept() -> None:
    posts = "".join(
        f"<div id='edit{1000 + i}'><div id='post{1000 + i}'><div class='tpost'><div class='trow'>"
        f"<div class='tcell alt2'>Join Date: Aug 2008</div><div class='tcell alt1'>"
        f"<div id='post_message_{1000 + i}'>Chapter {i}: {_PARA}<br>{_PARA}</div></div>"
        "</div></div></div></div>" for i in range(4))
    html = f"<html><body><div id='posts'>{posts}</div></body></html>"
    body = extract_article(html, "https://example.org/forum/trip-reports/1-x.html").body
    for i in range(4):
        assert f"Chapter {i}:" in body


def test_each_post_keeps_its_author_and_date_line() -> None:
    posts = "".join(
        f"<article class='message' id='js-post-{i}'><div class='message-user'>"
        f"<a class='username' href='/members/u{i}'>user{i}</a><span>1,204 posts</span></div>"
        f"<div class='message-main'><time datetime='2024-06-0{i + 1}'>Jun {i + 1}, 2024</time>"
        f"<article class='message-body'><div class='bbWrapper'>Reply {i}: {_PARA}"
        f"<blockquote class='bbCodeBlock--quote'><a class='username'>quoted</a> said: hi"
        "</blockquote></div></article></div></article>" for i in range(3))
    html = f"<html><body><div class='block-body'>{posts}</div></body></html>"
    body = extract_article(html, "https://example.org/threads/x.1/").body
    for i in range(3):
        assert f"user{i} · Jun {i + 1}, 2024" in body
        assert body.index(f"user{i} ·") < body.index(f"Reply {i}:")
    assert "1,204 posts" not in body and "quoted ·" not in body


def _reddit_comment(i: int, children: str = "") -> str:
    return (f"<div class='thing id-t1_{i} comment'><div class='entry unvoted'>"
            f"<p class='tagline'><a href='/u/u{i}'>u{i}</a> 5 points</p>"
            f"<form class='usertext' id='form-t1_{i}'><div class='usertext-body md-container'>"
            f"<div class='md'><p>Reply {i}: {_PARA}</p></div></div></form>"
            "<ul class='flat-list buttons'><li><a href='#'>permalink</a></li><li><a href='#'>"
            "save</a></li><li><a href='#'>report</a></li><li><a href='#'>reply</a></li></ul>"
            f"</div><div class='child'><div class='sitetable'>{children}</div></div></div>")


def test_nested_replies_in_their_own_forms_are_all_kept() -> None:
    thread = (_reddit_comment(1, _reddit_comment(2, _reddit_comment(3))) + _reddit_comment(4)
              + _reddit_comment(5, _reddit_comment(6)))
    html = (f"<html><body><div class='content'><div class='commentarea'>"
            f"<div class='sitetable nestedlisting'>{thread}</div></div></div></body></html>")
    body = extract_article(html, "https://example.org/r/science/comments/abc/x/").body
    for i in range(1, 7):
        assert body.count(f"Reply {i}:") == 1
    assert "permalink" not in body


def test_widget_labels_and_orphan_byline_words_are_not_body() -> None:
    html = (f"<html><body><article><p>Written by</p><p>5 min read</p><p>{_PARA}</p>"
            f"<p>Don't Miss:</p><p>Second: {_PARA}</p><p>Show caption</p><p>Close</p>"
            f"<h3>Recommended Stories</h3><p><a href='/a'>Other story</a> teaser</p>"
            "</article></body></html>")
    assert extract_article(html).body == _TWO_PARAS


def test_post_profile_boxes_go_but_the_author_line_stays() -> None:
    posts = "".join(
        f"<div id='p{100 + i}' class='post has-profile bg2'><div class='inner'>"
        f"<dl class='postprofile'><dt><a class='username' href='/u/{i}'>member{i}</a></dt>"
        "<dd class='profile-rank'>Senator</dd><dd><strong>Founded:</strong> Dec 11, 2021</dd>"
        f"</dl><div class='postbody'><p class='author'><time datetime='2019-08-2{i}'>"
        f"Tue Aug 2{i}, 2019</time></p><div class='content'>Thanks!</div></div></div></div>"
        for i in range(3))
    html = f"<html><body><div class='page-body'>{posts}</div></body></html>"
    body = extract_article(html, "https://example.org/viewtopic.php?t=1").body
    for i in range(3):
        assert f"member{i}" in body
    assert body.count("Thanks!") == 3
    assert "Senator" not in body and "Founded" not in body


def test_member_signatures_are_not_post_text() -> None:
    posts = "".join(
        f"<article class='ipsEntry' id='elComment_{i}'><div class='ipsEntry__content'>"
        f"<div class='ipsRichText' data-role='commentContent'><p>Reply {i}: {_PARA}</p></div>"
        "<div data-role='memberSignature' class='ipsEntry__signature'><div class='ipsRichText'>"
        f"<p>Design should be simple, communication honest; I build plugins, {_PARA}</p>"
        "</div></div></div></article>" for i in range(3))
    html = f"<html><body><div class='ipsTopic'>{posts}</div></body></html>"
    body = extract_article(html, "https://example.org/topic/1-x/").body
    for i in range(3):
        assert f"Reply {i}:" in body
    assert "Design should be simple" not in body


def test_promo_lines_comment_form_labels_and_more_news_boxes_are_not_body() -> None:
    teasers = "".join(f"<li><article><h3><a href='/s{i}'>Story {i}</a></h3><div class='excerpt'>"
                      f"{_PARA}</div></article></li>" for i in range(3))
    html = ("<html><body><article><p>GET BREAKING NEWS IN YOUR BROWSER. CLICK HERE TO TURN ON "
            f"NOTIFICATIONS.</p><p>{_PARA}</p><p>Updated at 1:23 p.m.</p><p>Read time: 14 min</p>"
            f"<p>Second: {_PARA}</p><p>Name*</p><p>Email*</p></article>"
            f"<div class='more-news'><ul>{teasers}</ul></div></body></html>")
    assert extract_article(html).body == _TWO_PARAS


def test_excerpt_boxes_of_other_posts_are_not_body() -> None:
    html = (f"<html><body><article><p>{_PARA}</p><p>Second: {_PARA}</p></article>"
            "<div class='elementor-posts'><div class='elementor-post__excerpt'><p>Navigating the "
            "disability process can be overwhelming while dealing with a condition.</p></div>"
            "</div></body></html>")
    assert "Navigating" not in extract_article(html).body


def test_nested_reply_wrappers_between_top_level_posts_are_kept() -> None:
    def post(i: int) -> str:
        return (f"<article class='js-post message' id='js-post-{i}'><a class='username'>u{i}</a>"
                f"<div class='bbWrapper'>Post {i}: {_PARA}</div></article>")
    thread = (post(1) + post(2) + "<div class='nested-message-children-wrapper'>"
              + post(3) + post(4) + "</div>" + post(5))
    html = f"<html><body><div class='block-body'>{thread}</div></body></html>"
    body = extract_article(html, "https://example.org/threads/x.1/").body
    for i in range(1, 6):
        assert body.count(f"Post {i}:") == 1
    assert body.index("Post 3:") < body.index("Post 5:")
    assert "Reply" not in body


def test_answer_form_and_vote_counts_on_a_qa_page_are_not_body() -> None:
    answers = "".join(
        f"<div class='answer' id='answer-{i}'><div class='js-vote-count'>{i + 4}</div>"
        f"<div class='s-prose' itemprop='text'><p>Answer {i}: {_PARA}</p></div></div>"
        for i in range(3))
    html = (f"<html><body><h1>How does it work?</h1><div id='answers'><h2>3 Answers</h2>"
            f"{answers}<p>margofarrel likes this.</p></div><h2>Your Answer</h2><p>Sign up using Google</p>"
            "<p>Post as a guest</p><p>Required, but never shown</p></body></html>")
    body = extract_article(html, "https://example.org/questions/1/how").body
    for i in range(3):
        assert f"Answer {i}:" in body
    for junk in ("3 Answers", "Your Answer", "Sign up", "guest", "never shown", "likes this"):
        assert junk not in body
    assert not any(line.strip().isdigit() for line in body.split("\n\n"))


def test_answers_nested_deep_in_their_own_wrappers_are_all_kept() -> None:
    def answer(i: int) -> str:
        inner = f"<div class='q-box answer_content'><p>Answer {i}: {_PARA}</p></div>"
        for _ in range(6):
            inner = f"<div class='q-box'>{inner}</div>"
        return f"<div class='item-{i}'>{inner}</div>"
    html = ("<html><body><h1>Was it really that bad?</h1>"
            f"<div class='list'>{''.join(answer(i) for i in range(4))}</div></body></html>")
    body = extract_article(html, "https://example.org/Was-it-really-that-bad").body
    for i in range(4):
        assert body.count(f"Answer {i}:") == 1


def test_caption_credit_and_byline_boxes_are_not_body() -> None:
    html = (f"<html><body><article><p class='byline ap-byline'>Jane Roe, Ap Science Writer</p>"
            f"<p>{_PARA}</p><div class='InlineImage-wrapper'><img src='a.jpg'>"
            "<div class='InlineImage-imageEmbedCaption'>Officials open the reading room on "
            "Tuesday, Nov. 19, 2019.</div><div class='image-credit'>John Doe | Getty Images</div>"
            f"</div><p>Second: {_PARA}</p></article></body></html>")
    assert extract_article(html).body == _TWO_PARAS


def test_long_box_named_for_captions_is_kept() -> None:
    paras = "".join(f"<p>Part {i}: {_PARA}</p>" for i in range(4))
    html = f"<html><body><div class='entry-with-captions'>{paras}</div></body></html>"
    assert "Part 3:" in extract_article(html).body


def test_teaser_cards_wrapped_in_one_link_count_as_links() -> None:
    cards = "".join(
        f"<li><a href='/news/{i}'><div class='img'><img src='{i}.jpg'></div>"
        f"<span>Other headline number {i} about something else</span></a></li>"
        for i in range(2))
    assert _story_body(between=f"<div class='box'><ul>{cards}</ul></div>") == _TWO_PARAS


def test_author_bio_box_is_not_body() -> None:
    bio = ("<div class='cs-entry__author-info'><div class='cs-entry__author-name'>Jane Roe"
           "</div><div class='cs-entry__author-description'>Jane is an experienced writer with "
           "five years' experience in tech, and she writes for several sites.</div></div>")
    assert _story_body(after=bio) == _TWO_PARAS


def test_article_chunks_split_around_an_ad_are_all_kept() -> None:
    def chunk(i: int, n: int) -> str:
        paras = "".join(f"<p>Chunk {i}.{j}: {_PARA}</p>" for j in range(n))
        return f"<div class='row'><div class='article-chunk'>{paras}</div></div>"
    html = (f"<html><body><div class='page'>{chunk(0, 2)}"
            "<div class='ad-slot'><a href='/x'>Buy now</a></div>"
            f"{chunk(1, 6)}</div><div class='article-chunk'>Unrelated footer text here, "
            "far from the story and not part of it at all.</div></body></html>")
    body = extract_article(html).body
    assert "Chunk 0.1:" in body and "Chunk 1.5:" in body
    assert body.index("Chunk 0.1:") < body.index("Chunk 1.0:")
    assert "Unrelated" not in body


def test_newsletter_prompts_and_contact_lines_are_not_body() -> None:
    promos = ("<p>Get the latest updates right in your inbox. Subscribe to our newsletters.</p>"
              "<p>Email Jane Roe at jroe@example.com or follow her @janeroe.</p>"
              "<p>Follow the Herald on Facebook, Twitter and Instagram.</p>"
              "<p>By signing up, you agree to our Terms of Use and Privacy Policy.</p>")
    kept = ("<p>The platform surfaces customer data directly in your email inbox, and many "
            "readers follow the council on Twitter.</p>")
    html = (f"<html><body><article><p>{_PARA}</p>{kept}<p>Second: {_PARA}</p>{promos}"
            "</article></body></html>")
    body = extract_article(html).body
    assert body.startswith(_PARA) and body.endswith(f"Second: {_PARA}")
    assert "directly in your email inbox" in body


def test_promotion_patterns_leave_prose_alone() -> None:
    assert not is_boilerplate_line("The summit can be reached by car in two hours.")
    assert not is_boilerplate_line("Many readers follow the council on Twitter.")
    assert is_boilerplate_line("His book is out now. Follow him on Twitter @jroe.")
    assert is_boilerplate_line("Jane Roe may be reached at jroe@example.com.")


def test_hover_cards_and_calls_to_action_are_not_body() -> None:
    card = ("<span class='rollover-people'><a href='/people/jane-roe'>Jane Roe</a>"
            "<span class='rollover-people-block'>Jane RoeCouncil votes to extend hours | "
            "Library budget passes</span></span>")
    html = (f"<html><body><article><p>Councillor {card} said the vote was close. {_PARA}</p>"
            "<p>Learn more</p><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>"
            f"<p>Second: {_PARA}</p><p>Download now</p></article></body></html>")
    body = extract_article(html).body
    assert body.startswith("Councillor Jane Roe said the vote was close.")
    assert "Library budget" not in body and "Learn more" not in body
    assert "Lorem" not in body and "Download" not in body


def test_streamed_hidden_box_is_kept_even_when_the_shell_has_more_text() -> None:
    story = "".join(f"<p>Story {i}: {_PARA}</p>" for i in range(3))
    shell = "".join(f"<p>Shell {i}: a definition box, a bio and a disclaimer, each one long "
                    "enough to count as a paragraph of text on this page.</p>" for i in range(8))
    html = (f"<html><body><main>{shell}</main><div hidden id='S:0'><div class='body'>{story}"
            "</div></div></body></html>")
    assert "Story 2:" in extract_article(html).body


def test_affiliate_disclosures_and_end_furniture_are_not_body() -> None:
    html = ("<html><body><article><p>Disclosure: This post contains affiliate links. If you "
            "buy through them, we may earn a small commission at no extra cost to you.</p>"
            f"<p>{_PARA}</p><p>Article Continues Below</p><p>Second: {_PARA}</p>"
            "<p>What do you think?</p><p>Be the first to comment</p><h3>What others are reading"
            "</h3><p><a href='/a'>Another story</a></p></article></body></html>")
    assert extract_article(html).body == _TWO_PARAS
    assert not is_boilerplate_line("The store earns a commission on each sale, the owner said.")


def test_writer_bio_closing_the_story_is_not_body() -> None:
    bio = ("Jane Roe is a freelance writer who covers local government, schools and "
           "libraries for several regional papers.")
    quote = ("Jane Roe is a librarian who has worked at the branch for twenty years, and she "
             "welcomed the vote.")
    html = (f"<html><body><article><p>{_PARA}</p><p>{quote}</p><p>Second: {_PARA}</p>"
            f"<p>{bio}</p></article></body></html>")
    body = extract_article(html).body
    assert bio not in body and quote in body and body.endswith(f"Second: {_PARA}")
    reply = "<p>Stephen King is a great author.</p>"
    html = f"<html><body><article><p>{_PARA}</p>{reply}</article></body></html>"
    assert "Stephen King" in extract_article(html).body


def test_call_to_action_box_is_not_body() -> None:
    cta = ("<div class='post-cta-content'><h3>Start your free trial today</h3><p>Join thousands "
           "of studios that book classes, take payments and send reminders with one tool.</p>"
           "</div>")
    assert _story_body(between=cta) == _TWO_PARAS


def test_heading_wrapped_in_its_own_permalink_is_kept() -> None:
    html = (f"<html><body><article><p>{_PARA}</p><a id='part-2' "
            "href='https://news.example/story#part-2'><h2>What the vote changes</h2></a>"
            f"<p>Second: {_PARA}</p></article></body></html>")
    assert "What the vote changes" in extract_article(html, "https://news.example/story").body


def test_membership_modal_is_not_body_even_with_a_content_box() -> None:
    modal = ("<div class='memberModal' id='contentBlockModal'><div class='modal-content'>"
             "<h3>Full Access Individual Subscription</h3><ul><li>Ad-free browsing environment "
             "and unrestricted access to every archived post</li><li>Annual subscribers pay "
             "half the monthly price of the plan</li></ul></div></div>")
    html = (f"<html><body><article><p>{_PARA}</p><p>Second: {_PARA}</p></article>{modal}"
            "</body></html>")
    body = extract_article(html).body
    assert "Subscription" not in body and "Ad-free" not in body
    multimodal = f"<html><body><div class='multimodal-story'><p>{_PARA}</p></div></body></html>"
    assert "The council" in extract_article(multimodal).body


def test_contact_lines_and_view_counters_are_not_body() -> None:
    assert is_boilerplate_line("Contact staff writer Jane Roe at 212-555-0100 or jr@x.org.")
    assert is_boilerplate_line("(Visited 1,902 times, 364 visits today)")
    assert not is_boilerplate_line("Contact the council at its offices on Main Street.")


def test_share_prompts_and_printed_shortcodes_are_not_body() -> None:
    assert is_boilerplate_line("Like this story? Share it with a friend!")
    assert is_boilerplate_line("Opinion Columnist")
    assert is_boilerplate_line("[button link='/submit' type='big'] Send us your review[/button]")
    assert not is_boilerplate_line("[1] The report was published in 2019.")


def test_list_of_links_to_other_sites_worded_as_sentences_is_content() -> None:
    items = ("<ul><li><a href='https://git.example/pr/1'>Always save remote image data</a></li>"
             "<li><a href='https://git.example/pr/2'>Fix jump to content links</a></li>"
             "<li><a href='/about'>About this blog and its team</a></li>"
             "<li><a href='https://git.example/pr/3'>Docs</a></li></ul>")
    html = f"<html><body><article><p>{_PARA}</p><p>Merged this week:</p>{items}" \
           f"<p>{_PARA}</p></article></body></html>"
    body = extract_article(html, url="https://news.example.org/update").body
    assert "Always save remote image data" in body and "Fix jump to content" in body
    assert "About this blog" not in body and "Docs" not in body


def _voted_post_page(story_votes: bool) -> str:
    para = ("<p>This release adds scheduled posts, a setting to reject votes from other "
            "servers, and search by community description, among many smaller fixes.</p>")
    vote = "<div class='vote-bar'>93</div>" if story_votes else ""
    comment = ("<div class='comment'><div class='vote-bar'>12</div><p>Thanks for the update, "
               "the vote setting is what our instance needed: alt accounts downvoting from "
               "other servers have been a growing problem for months now.</p></div>")
    return ("<html><body><main><h1>Development update</h1>" + vote + para * 11 + "</main>"
            "<div class='comments'>" + comment * 16 + "</div></body></html>")


def test_a_story_voted_like_its_comments_opens_a_thread() -> None:
    assert is_discussion(parse_html(_voted_post_page(True)), "https://example.org/post/7")
    assert not is_discussion(parse_html(_voted_post_page(False)), "https://example.org/post/7")
    scored = _voted_post_page(True).replace("vote-bar'>93", "review-score'>9")
    assert not is_discussion(parse_html(scored), "https://example.org/post/7")


def test_a_collapsed_preview_gives_way_to_its_full_text() -> None:
    full = ("It was insanely brutal. It traumatized two generations. It targeted civilians "
            "on a totally unprecedented scale. It had industrial mass murder as an objective.")
    preview = full[:120] + "…"
    heading = "Retatrutide and cagrilintide cannot be used in compounding"
    paras = [Paragraph(preview, "div"), Paragraph(full, "p"), Paragraph(heading, "h2"),
             Paragraph(heading + ", the agency said on Friday in a short note.", "p")]
    kept = [p.text for p in drop_boilerplate(paras, None, lambda p: False)]
    assert kept == [full, heading, paras[3].text]


def test_a_poster_profile_or_pager_line_is_furniture() -> None:
    for line in ("Join Date: Mar 2016", "Joined: Feb 2019", "Threads: 23", "Reputation:",
                 "Member since Jan. 2011", "Pages: 2 Next", "You are not logged in.",
                 "Not open for further replies.", "Reactions: CountMike and 2 others",
                 "{{ DiscussionBoard.errors[11793116].message }}", "Logged", "Quote:",
                 "Code: Select all", "Show more replies", "2y"):
        assert is_boilerplate_line(line), line
    assert not is_boilerplate_line("Threads about the March 2016 update")
    assert not is_boilerplate_line("Reactions: we saw anger. And joy.")
    assert not is_boilerplate_line("Logged 40 hours in the cockpit.")


def test_a_post_quoting_another_thread_in_an_aside_keeps_the_quote() -> None:
    def post(n: int, quote: str = "") -> str:
        return (f"<div id='post_{n}' class='topic-body crawler-post'><div class='post'>"
                f"{quote}<p>Reply {n}: I wouldn't mind a brief discussion about valuation, "
                "I'd love to know how others think about it and what numbers they use.</p>"
                "</div></div>")
    quote = ("<aside class='quote no-group' data-username='RndSheep'><div class='title'>"
             "RndSheep:</div><blockquote><p>Do you follow simplified calculations or your "
             "gut feelings?</p></blockquote></aside>")
    html = ("<html><body><div class='topic'>" + post(1, quote) + post(2) + post(3)
            + "</div><aside class='sidebar'><p>Other topics</p></aside></body></html>")
    body = extract_article(html, "https://example.org/t/valuation/105724").body
    assert "Do you follow simplified calculations" in body
    assert "Other topics" not in body


def test_class_names_match_as_words_not_inside_other_words() -> None:
    from scraper.extract.clean import clean_tree

    story = "".join(f"<p>{i} {_PARA}</p>" for i in range(3))
    other = "".join(f"<p>Other {i} {_PARA}</p>" for i in range(8))
    root = parse_html(f"<html><body><div class='APageRoot__Sections'>{story}</div>"
                      f"<div>{other}</div><div class='pager'><a href='/2'>2</a></div>"
                      "</body></html>")
    clean_tree(root)
    assert root.xpath("//div[@class='APageRoot__Sections']")  # "pager" inside "APageRoot"
    assert not root.xpath("//div[@class='pager']")


_HELP = "".join(f"<p class='form-field-error'>Please enter a valid e-mail address, number {i}, "
                "so that we can reach you about your account.</p>" for i in range(12))


@pytest.mark.parametrize(("story", "box", "rule"), [
    # Sign-in pop-ups hold more text (help and error lines) than a short story does.
    (f"<main><article class='post'><h1>Vote on hours</h1><p>{_PARA}</p></article></main>",
     f"<article class='login-modal dark-modal'><form><p>Sign in</p>{_HELP}</form></article>",
     "modal"),
    (f"<main><h1>Vote on hours</h1><p>{_PARA}</p></main>",
     f"<div class='box'><form><input type='password'>{_HELP}</form></div>", "login-form"),
])
def test_a_sign_in_dialog_or_form_is_not_the_body(story: str, box: str, rule: str) -> None:
    art = extract_article(f"<html><body>{story}{box}</body></html>")
    assert "The council" in art.body and "valid e-mail" not in art.body
    assert rule in art.signals["cleaned"]


def test_a_sign_in_box_inside_a_form_around_the_page_keeps_the_page() -> None:
    # an ASP.NET page: one form around everything, with a sign-in box in its header
    page = (f"<html><body><form id='aspnetForm'><div><input type='password'></div>"
            f"<main><h1>Vote on hours</h1>{f'<p>{_PARA}</p>' * 4}</main></form></body></html>")
    assert "The council" in extract_article(page).body


def test_a_live_tickers_entries_are_the_story_whatever_comment_names_them() -> None:
    entries = "".join(f"<div class='live-match-comment'><p>{i}' {_PARA}</p></div>"
                      for i in range(3))
    page = (f"<html><body><main><h1>Lyon draw in Lorient</h1>"
            f"<div class='live-match-comments clearfix'>{entries}</div></main>"
            f"<div class='user-comments'><p>Reader: {_PARA}</p></div></body></html>")
    body = extract_article(page).body
    assert all(f"{i}' The council" in body for i in range(3))
    assert "Reader:" not in body

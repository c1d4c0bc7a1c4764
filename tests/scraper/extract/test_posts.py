"""Forum threads: the post boxes taken as content."""

from __future__ import annotations

from scraper.extract import extract_article
from scraper.extract._dom import parse_html
from scraper.extract.blocks import Paragraph
from scraper.extract.boilerplate import drop_boilerplate
from scraper.extract.clean import clean_tree
from scraper.extract.main_content import _good_text
from scraper.extract.posts import (
    _DATE_TEXT,
    HEAD_ATTR,
    mark_post_heads,
    opening_post,
    post_dates,
    post_list,
)

_OP = ("After having had Messages in iCloud enabled since it was first possible, I finally "
       "switched it off today to save space. It still says Messages take up 16 GB. How come?")


def _reply(n: int) -> str:
    return (f"<article class='message message--post' id='js-post-{n}'><div class='message-body'>"
            f"<div class='bbWrapper'><p>Reply {n}: did you choose disable and delete on the "
            "second screen, and did you wait a day for the storage figure to update?</p></div>"
            "</div></article>")


def _heads(posts: str) -> list[str]:
    """The head (author and date line) marked on each post of a thread."""
    root = parse_html(f"<html><body><div class='thread'>{posts}</div></body></html>")
    mark_post_heads(root)
    return [str(el.get(HEAD_ATTR)) for el in root.iter() if el.get(HEAD_ATTR)]


def test_opening_post_of_br_text_beside_an_attachment_box_is_found() -> None:
    # The opening post wears the replies' text box but holds no paragraph of its own:
    # its text runs between <br>s next to a box of attachment links.
    root = parse_html(
        "<html><body><div class='starter'><div class='message-body'><div class='bbWrapper'>"
        f"{_OP}<br><br>Thanks in advance.<div class='attachments'><a href='/a/1'>shot1.png</a>"
        "</div></div></div></div><div class='block-body'>"
        + "".join(_reply(n) for n in range(3)) + "</div></body></html>")
    body = root.find("body")
    posts = root.xpath("//article")
    opening = opening_post(body, posts, _good_text(body), discussion=True)
    assert [el.text_content()[:20] for el in opening] == [_OP[:20]]


def test_link_list_before_the_posts_is_not_an_opening_post() -> None:
    links = "".join(f"<a href='/t/{i}'>Other thread number {i} in this forum</a><br>"
                    for i in range(6))
    root = parse_html(
        f"<html><body><div class='message-body'><div class='bbWrapper'>{links}</div></div>"
        "<div class='block-body'>" + "".join(_reply(n) for n in range(3))
        + "</div></body></html>")
    body = root.find("body")
    posts = root.xpath("//article")
    assert opening_post(body, posts, _good_text(body), discussion=True) == []


_STORY = ("A six year old kernel mailing list discussion has been reignited over the prospects "
          "of converting the kernel to modern C++ code, with several maintainers weighing in.")


def _comment(n: int) -> str:
    return (f"<li class='comment' id='comment-{n}'><div class='comment-body'><p>Comment {n}: "
            "the problems with the language are well known, and a rewrite would take a decade "
            "of work from people who have better things to do.</p></div></li>")


def _thread(story_box: str, description: str) -> str:
    comments = "".join(_comment(n) for n in range(4))
    return (f"<html><head><meta name='description' content='{description}'></head><body>"
            f"{story_box}<div class='comments'><ul class='comment-list'>{comments}</ul></div>"
            "</body></html>")


def test_story_laid_out_apart_from_its_comments_leads_the_thread() -> None:
    html = _thread(f"<div class='story'><div class='story-text'>{_STORY}</div></div>",
                   f"editor shares a post: {_STORY}")
    body = extract_article(html, "https://forum.example.org/threads/kernel.12/").body
    assert body.startswith(_STORY)
    assert "Comment 3:" in body


def test_story_whose_first_words_are_a_paragraph_of_their_own_leads_the_thread() -> None:
    # the description runs on over short paragraphs (a quotation set on its own line,
    # then short sentences), none of which holds its first eight words
    box = ("<div class='story'><div class='story-text'><p>\u201eModern C++ now\u201c</p>"
           "<p>Maintainers weigh in.</p><p>The discussion is six years old.</p>"
           f"<p>{_STORY}</p></div></div>")
    html = _thread(box, "Modern C++ now. Maintainers weigh in. The discussion is six years "
                   f"old. {_STORY}")
    body = extract_article(html, "https://forum.example.org/threads/kernel.12/").body
    assert body.startswith("\u201eModern C++ now\u201c") and _STORY in body
    assert "Comment 3:" in body


def test_text_matching_no_description_is_not_taken_as_the_opening() -> None:
    html = _thread("<div class='promo'><div class='promo-text'>Subscribe to our weekly "
                   "newsletter for the best threads, tips and deals, delivered every Friday "
                   "morning.</div></div>", f"editor shares a post: {_STORY}")
    body = extract_article(html, "https://forum.example.org/threads/kernel.12/").body
    assert "Subscribe" not in body and "Comment 0:" in body


def test_permalink_reading_as_a_date_heads_its_post() -> None:
    def post(n: int) -> str:
        return (f"<div class='post' id='p{n}'><dl class='postprofile'><dt>"
                f"<a class='username' href='/u/{n}'>member{n}</a></dt></dl>"
                f"<div class='postbody'><p class='author'><a href='/t?p={n}#p{n}'>"
                f"Sun Dec 1{n}, 2023 11:23 am</a></p><div class='content'>Post {n}: the "
                "board boots fine on the old supply but not on the new one.</div></div></div>")
    assert _heads("".join(post(n) for n in range(3)))[1] == "member1\nSun Dec 11, 2023 11:23 am"


def test_link_text_that_is_no_date_heads_nothing() -> None:
    assert _DATE_TEXT.match("Sun Dec 17, 2023 11:23 am")
    assert _DATE_TEXT.match("2024-08-03 10:59:47")
    assert not _DATE_TEXT.match("Reply to this post")
    assert not _DATE_TEXT.match("Posted in 2024 by admin")


def test_sidebar_box_shaped_like_a_post_is_no_opening_post() -> None:
    rules = ("<div class='side'><div class='md'><p>Rules: link to published research, no "
             "summaries of summaries, no editorialized titles, and no memes or low-effort "
             "comments, please, or they will be removed.</p></div></div>")
    replies = "".join(
        f"<div class='comment' id='c{n}'><div class='md'><p>Reply {n}: grown follicles that "
        "cycle on their own would change hair-loss treatment, if it scales beyond mice.</p>"
        "</div></div>" for n in range(3))
    for opening in ("", f"<div class='thing'><div class='md'><p>{_OP}</p></div></div>"):
        root = parse_html(f"<html><body>{rules}<div class='content'>{opening}"
                          f"<div class='comments'>{replies}</div></div></body></html>")
        body = root.find("body")
        posts = root.xpath("//div[@class='comment']")
        found = opening_post(body, posts, _good_text(body), discussion=True)
        assert [el.text_content()[:6] for el in found] == ([_OP[:6]] if opening else [])


def test_question_above_its_answers_leads_outside_forums_too() -> None:
    answers = "".join(
        f"<div class='answer' id='answer-{n}'><div class='s-prose js-post-body'><p>Answer {n}:"
        " check everything twice, test each recipe at full size, and write a checklist of "
        "what must come with you on the day.</p></div></div>" for n in range(2))
    for box in ("question js-question", "sidebar-intro"):
        root = parse_html(
            f"<html><body><div id='mainbar'><div class='{box}'><div class='s-prose js-post-body'>"
            f"<p>{_OP}</p></div></div><div id='answers'>{answers}</div></div></body></html>")
        body = root.find("body")
        posts = root.xpath("//div[@class='s-prose js-post-body'][starts-with(., 'Answer')]")
        found = opening_post(body, posts, _good_text(body), discussion=False)
        assert [el.text_content()[:6] for el in found] == (
            [_OP[:6]] if box.startswith("question") else [])


def test_posts_laid_beside_boxes_of_their_replies_are_all_kept() -> None:
    def root_post(n: int) -> str:
        return (f"<article class='js-post nested-message' id='js-post-{n}'><div class='card'>"
                f"<p>Root {n}: the liftgate lights stay on while the gate is open and go off "
                "when it closes.</p></div></article>")

    def replies(n: int) -> str:
        return ("<div class='nested-message-children'>" + "".join(
            f"<article class='js-post nested-message' id='js-post-{n}{k}'><div class='card'>"
            f"<p>Reply {k} to {n}: a dealer will not void the warranty over a quick splice "
            "unless it caused the fault you ask them to fix.</p></div></article>"
            for k in range(2)) + "</div>")
    root = parse_html("<html><body><div class='block-body'>"
                      + "".join(root_post(n) + replies(n) for n in range(3))
                      + "</div></body></html>")
    body = root.find("body")
    posts = post_list(body, _good_text(body), discussion=True)
    text = " ".join(p.text_content() for p in posts)
    for n in range(3):
        assert f"Root {n}:" in text and f"Reply 1 to {n}:" in text
    assert text.index("Root 1:") < text.index("Reply 0 to 1:") < text.index("Root 2:")


def test_the_one_answer_follows_its_question() -> None:
    def box(kind: str, text: str) -> str:
        return (f"<div class='{kind}' id='{kind}-1'><div class='postcell'>"
                f"<div class='s-prose js-post-body'><p>{text}</p><p>{text}</p></div>"
                "<div class='comment-copy'>Thanks, that helped a lot.</div></div></div>")
    answer = ("You can use a for loop to iterate from zero to 32 and store the device names "
              "in an array, then pass the array to mdadm in one call.")
    html = (f"<html><body><h1>Join devices in linear mode</h1><div id='mainbar'>"
            f"{box('question', _OP)}<div id='answers'><h2>1 Answer</h2>{box('answer', answer)}"
            "</div></div></body></html>")
    body = extract_article(html, "https://unix.example.com/questions/780353/join").body
    assert _OP in body and answer in body
    assert body.index(_OP) < body.index(answer)


def test_tagline_repeating_the_description_is_no_opening() -> None:
    tagline = "The friendliest forum for kernel hackers since the year 2001"
    html = _thread(f"<div class='brand'><div class='tagline'>{tagline}</div></div>",
                   f"{tagline} and more")
    body = extract_article(html, "https://forum.example.org/threads/kernel.12/").body
    assert "friendliest" not in body and "Comment 0:" in body


def _ips_post(n: int) -> str:
    return (f"<div class='post' id='post-{n}'><div><a class='username' href='/u/{n}'>"
            f"member{n}</a></div><div><time datetime='2024-06-14T13:22:54Z' class='ipsTime "
            "ipsTime--long'><span class='ipsTime__long'>June 14, 2024</span><span "
            "class='ipsTime__short'>1 yr</span></time></div><div class='content'><p>Post "
            f"{n}: the forum gave me a bad gateway error three times today, is it down?"
            "</p></div></div>")


def test_a_time_keeps_its_long_form_only() -> None:
    html = ("<html><body><div class='topic'>" + "".join(_ips_post(n) for n in range(3))
            + "</div></body></html>")
    body = extract_article(html, "https://example.org/forums/topic/5-down/").body
    assert body.count("June 14, 2024") == 3
    assert "1 yr" not in body


def test_the_date_heading_a_post_stays_on_its_own_line() -> None:
    paras = [Paragraph("member1", "div"), Paragraph("June 14, 2024", "div"),
             Paragraph("The forum gave me a bad gateway error three times today.", "p")]
    assert len(drop_boilerplate(paras, None, lambda p: False)) == 2
    kept = drop_boilerplate(paras, None, lambda p: False, post_dates={"June 14, 2024"})
    assert [p.text for p in kept] == [p.text for p in paras]
    root = parse_html("<html><body><div class='topic'>" + "".join(_ips_post(n) for n in range(3))
                      + "</div></body></html>")
    clean_tree(root, discussion=True)
    assert post_dates([root.find("body")]) == {"June 14, 2024"}


def test_a_meta_date_gives_way_to_the_visible_one() -> None:
    def post(n: int) -> str:
        return (f"<article class='post' id='post-{n}'><meta itemprop='datePublished' "
                f"content='2024-01-1{n}'><span class='username'>member{n}</span>"
                f"<time datetime='2024-01-1{n}'>Jan 1{n}, 2024</time><p>Post {n}: text.</p>"
                "</article>")
    assert _heads("".join(post(n) for n in range(3)))[0] == "member0\nJan 10, 2024"


def test_a_date_shown_only_as_a_permalink_joins_the_post_head() -> None:
    def post(n: int) -> str:
        return (f"<div class='post' id='post-{n}'><div class='username'>member{n}</div>"
                f"<div><a href='#post-{n}'>#{n}</a> · <a href='#post-{n}'><time>Jan 1{n}, "
                f"2024</time></a></div><p>Post {n}: a watch with a smaller case and a "
                "cleaner dial is what I expect to see more of this year.</p></div>")
    html = ("<html><body><div class='thread'>" + "".join(post(n) for n in range(3))
            + "</div></body></html>")
    body = extract_article(html, "https://example.org/threads/trends.5/").body
    assert "Jan 11, 2024" in body


def test_a_short_reply_shaped_like_the_posts_stays_in_the_thread() -> None:
    def post(n: int, text: str) -> str:
        return (f"<article class='message' id='js-post-{n}'><div class='message-content'>"
                f"<div class='message-body'><p>{text}</p></div></div></article>")
    long = ("We would find him, and then beat him up, because we are good at that sort of "
            "thing and have had plenty of practice over the years.")
    html = ("<html><body><div class='thread'>" + post(1, long) + post(2, "Friends?")
            + post(3, long.replace("We", "They")) + "</div></body></html>")
    body = extract_article(html, "https://example.org/threads/giygas.5/").body
    assert "Friends?" in body

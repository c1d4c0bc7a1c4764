"""Attribution rules on small hand-made pages, one behaviour each."""

from __future__ import annotations

from archive.types import Attribution
from scraper.extract import extract_article

URL = "https://forum.example/t/1"


def _found(html: str) -> list[Attribution]:
    return list(extract_article(f"<html><body>{html}</body></html>", url=URL).attributions)


def _short(items: list[Attribution]) -> list[tuple[str, str, str]]:
    return [(a.source, a.pattern, a.passage.split(".")[0]) for a in items]


POSTS = """<article><p>First post of the thread with the question about the power supply.</p>
</article><article><p>Second post with an answer that is long enough to be kept.</p>{quote}
<p>Reply text written by the third poster in the thread, long enough to be body.</p></article>"""


def test_nested_forum_quote_credits_outer_author_with_own_text_only() -> None:
    quote = ("<blockquote><div><cite>outer wrote:</cite><blockquote><div><cite>inner wrote:"
             "</cite>Inner words about the capacitors and the fire risk.</div></blockquote>"
             "Outer words about the filter caps in the mains section.</div></blockquote>")
    found = _found(POSTS.format(quote=quote))
    assert _short(found) == [
        ("outer", "forum_quote", "Outer words about the filter caps in the mains section"),
        ("inner", "forum_quote", "Inner words about the capacitors and the fire risk"),
    ]


def test_dated_credit_line_with_jump_link_names_the_poster() -> None:
    # phpBB 3.2: "<cite><a profile>X</a> wrote: <a jump>↑</a><span>date</span></cite>"
    quote = ('<blockquote><div><cite><a href="/memberlist.php?u=7">kick13</a> wrote: '
             '<a href="/viewtopic.php?p=601#p601">↑</a><span>Tue Mar 12, 2019 3:50 pm</span>'
             "</cite>Is there a way to boot from the Gotek drive?</div></blockquote>")
    [item] = _found(POSTS.format(quote=quote))
    assert (item.source, item.pattern) == ("kick13", "forum_quote")
    assert item.url == "https://forum.example/viewtopic.php?p=601#p601"
    assert item.passage == "Is there a way to boot from the Gotek drive?"


def test_xenforo1_quote_in_aside_is_kept_and_credited() -> None:
    quote = ('<div class="bbCodeBlock bbCodeQuote" data-author="dawn"><aside>'
             '<div class="attribution type">dawn said: <a href="/goto/post?id=77">↑</a></div>'
             '<blockquote class="quoteContainer"><div class="quote">Is the north lot open '
             "before six in the morning?</div></blockquote></aside></div>")
    [item] = _found(POSTS.format(quote=quote))
    assert (item.source, item.url) == ("dawn", "https://forum.example/goto/post?id=77")
    assert item.passage == "Is the north lot open before six in the morning?"


def test_credit_line_in_running_prose_is_not_a_quote_credit() -> None:
    quote = ("<blockquote><p>My neighbour wrote: the fence is his, and he said so twice in "
             "a letter to the council that ran to four pages.</p></blockquote>")
    assert _found(POSTS.format(quote=quote)) == []


def test_embedded_tweet_credit_before_the_date_link() -> None:
    html = ("<article><p>Police closed the main road into town early in the morning after "
            'the storm.</p><blockquote class="twitter-tweet"><p>Route 9 is closed at the '
            'bridge.</p>&mdash; Harbor Police (@HPD) <a href="https://twitter.com/HPD/status/1">'
            "January 10, 2024</a></blockquote><p>The rain passed by nine in the morning, "
            "the weather service said.</p></article>")
    [item] = _found(html)
    assert (item.source, item.pattern) == ("Harbor Police", "blockquote_author")
    assert item.url == "https://twitter.com/HPD/status/1"
    assert item.passage == "Route 9 is closed at the bridge."


def test_inline_hat_tip_credits_its_own_paragraph_and_stays_in_body() -> None:
    html = ("<article><p>The state added forty miles of rail trail to its plan, including the "
            "old branch line (h/t Sarah Quint).</p><p>Separately, bike counters logged more "
            "riders in March than a year ago.</p></article>")
    article = extract_article(f"<html><body>{html}</body></html>", url=URL)
    [item] = article.attributions
    assert (item.source, item.pattern) == ("Sarah Quint", "hat_tip")
    assert item.passage.endswith("(h/t Sarah Quint).")
    assert item.start == 0
    assert "(h/t Sarah Quint)" in article.body


def test_hat_tip_in_the_middle_of_prose_is_not_a_credit() -> None:
    html = ("<article><p>We asked around (h/t to nobody in particular) and the answer was "
            "always the same: the line will not reopen this decade.</p></article>")
    assert _found(html) == []


def test_republished_note_atop_the_text_credits_what_follows() -> None:
    html = ("<article><h3>A survey of sixty local newsrooms</h3><p><em>Republished from "
            '<a href="https://notes.example/x">Newsroom Notes</a> with permission.</em></p>'
            "<p>Newsrooms with a text tip line got three times as many leads.</p>"
            "<p>The tip lines cost between twenty and ninety dollars a month.</p></article>")
    [item] = _found(html)
    assert (item.source, item.url) == ("Newsroom Notes", "https://notes.example/x")
    assert item.passage.startswith("Newsrooms with a text tip line")
    assert item.passage.endswith("ninety dollars a month.")


def test_closing_hat_tip_credits_whole_post_not_an_already_credited_quote() -> None:
    paragraphs = "".join(f"<p>Paragraph {n} of the post about protected lanes.</p>"
                         for n in range(4))
    html = (f"<article>{paragraphs}<blockquote><p>The city will build four more lanes next "
            "year.</p></blockquote><p>Source: Port Courier</p><p>The comment period is open "
            "until July.</p><p>H/T Bike Coalition</p></article>")
    found = _found(html)
    assert _short(found) == [
        ("Port Courier", "source_line", "The city will build four more lanes next year"),
        ("Bike Coalition", "hat_tip", "Paragraph 0 of the post about protected lanes"),
    ]
    assert found[1].passage.endswith("open until July.")


_STORY = ("<article><p>The harbour board voted on Tuesday to extend the ferry timetable into "
          "the winter months, after a petition gathered four thousand names.</p>"
          "<blockquote><p>We will run the late boat every night until March.</p></blockquote>"
          "<p>{line}</p><p>Operators said the extra sailings would need two more crews "
          "and a second ticket desk at the pier.</p></article>")


def test_a_caught_source_that_is_a_date_or_a_lowercase_phrase_is_no_credit() -> None:
    for line in ("Originally published March 4, 2022. Last updated on December 20, 2024.",
                 "Originally published in 2022 and updated since.",
                 "VIA programmability for complete key customization",
                 "HT Reviews Team"):
        assert _found(_STORY.format(line=line)) == [], line


def test_hat_tip_forms_and_a_feed_date_after_the_source() -> None:
    for line, source in (("HT: Jane Roe", "Jane Roe"), ("H/T Jane Roe", "Jane Roe"),
                         ("Hat tip: Jane Roe", "Jane Roe"),
                         ("via Harbour Notes December 12", "Harbour Notes")):
        found = _found(_STORY.format(line=line))
        assert [(a.source, a.passage) for a in found] == [
            (source, "We will run the late boat every night until March.")], line


def test_wire_credit_closing_a_story_credits_the_story() -> None:
    story = _STORY.format(line="Story continues.")
    found = _found(story.replace("</article>", "<p>(With inputs from PTI)</p></article>"))
    assert [(a.source, a.pattern, a.passage[:22]) for a in found] == [
        ("PTI", "with_inputs", "The harbour board vote")]


def test_time_before_the_name_in_a_quote_header_is_not_the_source() -> None:
    for when in ("10 hours ago", "Just now", "On 3/2/2024 at 10:15 AM", "Yesterday at 9:02 PM"):
        quote = (f"<blockquote class='ipsQuote'><div class='ipsQuote_citation'>{when}, R C-R "
                 "said:</div><div class='ipsQuote_contents'><p>Is the bottom about too much "
                 "focus on AI tools, then?</p></div></blockquote>")
        assert _short(_found(POSTS.format(quote=quote))) == [
            ("R C-R", "forum_quote", "Is the bottom about too much focus on AI tools, then?")
        ], when


def test_closing_credit_after_an_excerpt_box_credits_the_excerpt_only() -> None:
    excerpt = ("<div class='excerpt'><p>The salt road ran from the marsh pans to the hill "
               "towns, and every family on it knew the price of a sack.</p><p>The road was "
               "never paved; it was a habit more than a route.</p></div>")
    credit = "<p>Reprinted with permission from The Salt Road.</p>"
    intro = "<p>I have waited two years for this book. Here is chapter three.</p>"
    boxed = _found(f"<article><div class='entry'>{intro}{excerpt}{credit}</div></article>")
    assert [(a.source, a.passage[:13]) for a in boxed] == [("The Salt Road", "The salt road")]
    assert boxed[0].passage.endswith("more than a route.")
    unboxed = excerpt.removeprefix("<div class='excerpt'>").removesuffix("</div>")
    loose = _found(f"<article><div class='entry'>{intro}{unboxed}{credit}</div></article>")
    assert [(a.source, a.passage[:13]) for a in loose] == [("The Salt Road", "I have waited")]

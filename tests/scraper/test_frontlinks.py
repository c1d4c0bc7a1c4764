"""Article links of front pages: in order, with headlines, without menus and boxes."""

from __future__ import annotations

import pytest

from scraper.demo import site_dir
from scraper.frontlinks import front_links, is_article_url

FRONT = "https://news.example/"
PAGE = """<html><body>
<header><a href="/">News Example</a><nav><a href="/world/">World</a>
  <a href="/2026/03/02/menu-story-in-the-nav">In the menu</a></nav></header>
<main>
  <article class="lead">
    <a href="/2026/03/02/budget-passes-after-long-debate"><img src="b.jpg" alt="A photo"></a>
    <h2><a href="/2026/03/02/budget-passes-after-long-debate">Budget passes after long debate</a></h2>
    <a href="/2026/03/02/budget-passes-after-long-debate#comments">12 comments</a>
  </article>
  <div class="ad-slot"><a href="/2026/03/02/sponsored-story-about-mattresses">Buy now</a></div>
  <article><a href="/world/europe/bridge-opens-to-traffic">Read more</a>
    <h3><a href="/world/europe/bridge-opens-to-traffic?utm_source=home">Bridge opens to
      traffic</a></h3></article>
  <article><a href="/story/4815162342"><img src="c.jpg" alt="Storm warning for the coast"></a>
  </article>
  <ul><li><a href="/tag/politics">Politics</a></li><li><a href="/author/ann-lee">Ann Lee</a></li>
    <li><a href="https://elsewhere.example/a-story-on-another-site">Elsewhere</a></li>
    <li><a href="/about-us">About us</a></li><li><a href="/video/clip.mp4">Clip</a></li>
    <li><a href="/">Home</a></li></ul>
</main>
<aside class="most-read"><a href="/2026/03/01/yesterdays-most-read-story">Most read</a></aside>
<footer><a href="/2026/03/02/a-link-in-the-footer">Footer story</a></footer>
</body></html>"""


def test_article_links_in_order_with_their_headlines() -> None:
    links = front_links(PAGE.encode(), FRONT)
    assert [(x.position, x.url, x.headline) for x in links] == [
        (1, "https://news.example/2026/03/02/budget-passes-after-long-debate",
         "Budget passes after long debate"),
        (2, "https://news.example/world/europe/bridge-opens-to-traffic",
         "Bridge opens to traffic"),
        (3, "https://news.example/story/4815162342", "Storm warning for the coast"),
    ]
    assert front_links(PAGE.encode(), FRONT, limit=1)[0].position == 1
    assert len(front_links(PAGE.encode(), FRONT, limit=2)) == 2


def test_two_loads_of_an_unchanged_front_page_give_one_list() -> None:
    rotated = PAGE.replace("yesterdays-most-read-story", "another-most-read-story")
    assert front_links(PAGE.encode(), FRONT) == front_links(rotated.encode(), FRONT)


@pytest.mark.parametrize(("url", "article"), [
    ("https://news.example/2026/03/02/budget", True),
    ("https://news.example/politics/budget-passes-after-debate", True),
    ("https://news.example/news/article-123456", True),
    ("https://news.example/world/vienna.html", True),
    ("https://www.news.example/a-b-c", True),
    ("https://news.example/world/", False),
    ("https://news.example/", False),
    ("https://news.example/tag/budget-and-tax-news", False),
    ("https://news.example/section/world-news-today", False),
    ("https://news.example/index.html", False),
    ("https://other.example/a-b-c", False),
    ("https://news.example/photo-of-the-day.jpg", False),
])
def test_what_looks_like_an_article(url: str, article: bool) -> None:
    assert is_article_url(url, FRONT) is article


def test_the_sample_site_front_page() -> None:
    html = (site_dir() / "index.html").read_bytes()
    links = front_links(html, "http://127.0.0.1:8000/")
    assert [x.headline for x in links] == [
        "USA and Russia Unite Against A Shared Enemy",
        "Vienna talks: powers agree to push for Syria ceasefire",
        "Forum: Lavrov on military cooperation - what do you make of it?"]


def test_unusable_pages_give_no_links() -> None:
    assert front_links(b"", FRONT) == []
    assert front_links(b"\x00\xff<<<a href=", FRONT) == []

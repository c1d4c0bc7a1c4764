"""Teasers: boxes of other stories (a linked headline, a short summary) inside the
chosen content, dropped when three or more stand side by side."""

from __future__ import annotations

import lxml.html

from ._dom import norm_space, url_host
from .clean import drop_element

_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _is_teaser(el: lxml.html.HtmlElement, host: str) -> bool:
    """A box of another story on this site: a headline linked within the site and at
    most a short summary (lists of other sites' products and places are content)."""
    if not isinstance(el.tag, str) or el.tag not in ("article", "li", "div", "section"):
        return False
    if len(norm_space(el.text_content())) > TEASER_MAX_TEXT:
        return False
    for h in el.iter(*_HEADINGS):
        links = h.findall(".//a") + [a for a in h.iterancestors("a")]
        if any(url_host(a.get("href", "")).removeprefix("www.") in ("", host)
               and a.get("href", "").strip() not in ("", "#") for a in links):
            return True
    return False


# A teaser box holds at most this much text (headline, summary, date); longer boxes
# are sections of the article that happen to start with a linked heading.
TEASER_MAX_TEXT = 400


def drop_teasers(main: list[lxml.html.HtmlElement], url: str | None) -> None:
    """Remove runs of three or more sibling teaser boxes (other stories' headlines with
    their summaries) from the chosen content, in place."""
    host = url_host(url).removeprefix("www.")
    for box in main:
        for parent in list(box.iter()):
            if not isinstance(parent.tag, str) or len(parent) < 3:
                continue
            teasers = [c for c in parent if _is_teaser(c, host)]
            if len(teasers) >= 3:
                for c in teasers:
                    drop_element(c)

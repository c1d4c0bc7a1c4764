"""Whether a page is a discussion (forum thread, Q&A, a link with its comment thread),
whose replies are the content rather than furniture to drop."""

from __future__ import annotations

import copy
import re

import lxml.html

from ._dom import norm_space
from .clean import attrs_of, clean_tree
from .main_content import find_main

_DISCUSSION_URL = re.compile(
    r"/(?:threads?|forums?|t|comments|discussions?|showthread(?:\.php)?|"
    r"viewtopic(?:\.php)?|boards?)(?:/|\?|\.|$)|\bforums?\b|"
    r"^https?://(?:community|discuss|forums?|talk)\.",
    re.IGNORECASE,
)
_DISCUSSION_LD = re.compile(r'"@type"\s*:\s*"DiscussionForumPosting"')
_FORUM_SOFTWARE = re.compile(
    r"vbulletin|xenforo|phpbb|discourse|mybb|simple machines|invision|vanilla|nodebb|flarum",
    re.IGNORECASE,
)

def is_discussion(root: lxml.html.HtmlElement, url: str | None) -> bool:
    """True for forum threads and Q&A pages, whose replies are the content."""
    if url and _DISCUSSION_URL.search(url):
        return True
    for script in root.iter("script"):
        if script.get("type") == "application/ld+json" and _DISCUSSION_LD.search(
                script.text or ""):
            return True
    if any(_FORUM_SOFTWARE.search(m.get("content", ""))
           for m in root.iter("meta") if m.get("name", "").lower() == "generator"):
        return True
    return _comments_dwarf_story(root)



_COMMENT_BOX = re.compile(r"comment|repl(?:y|ies)", re.IGNORECASE)


def _comments_dwarf_story(root: lxml.html.HtmlElement) -> bool:
    """Link aggregators and story pages with a short summary (a link, a paragraph)
    under a long, voted comment thread: the discussion is the content. (Unvoted
    comments under a short news brief are not: those labels leave them out.) A story
    voted on like its comments (Reddit, Lemmy, Hacker News) is a post opening its
    thread, however long. Tried on a copy only when the page holds a substantial
    comment section."""
    votes = root.xpath("//*[contains(@class, 'vote') or contains(@class, 'score') "
                       "or contains(@class, 'karma')]")
    if len(votes) < 3:
        return False
    boxes: set[lxml.html.HtmlElement] = set()
    outer: list[lxml.html.HtmlElement] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("html", "body"):
            continue
        if _COMMENT_BOX.search(attrs_of(el)) or el.get("itemprop") == "comment":
            boxes.add(el)
            if not outer or outer[-1] not in el.iterancestors():
                outer.append(el)
    if len(boxes) < 3:
        return False
    comments = sum(len(norm_space(el.text_content())) for el in outer)
    if comments < COMMENTS_MIN_TEXT:
        return False
    trial = copy.deepcopy(root)
    clean_tree(trial, False)
    story = sum(len(norm_space(el.text_content())) for el in find_main(trial, False))
    if story < STORY_MAX_TEXT and comments >= 3 * story:
        return True
    return comments >= story and any(_is_story_vote(v, boxes) for v in votes)


# Up and down votes, not a review's score or rating.
_STORY_VOTE = re.compile(r"(?:^|[\s_-])(?:up|down)?vot(?:e|es|er|ers|ing)(?:$|[\s_-])",
                         re.IGNORECASE)


def _is_story_vote(el: lxml.html.HtmlElement, comments: set[lxml.html.HtmlElement]) -> bool:
    """A vote count outside the comments: the story is voted on like a comment."""
    return bool(_STORY_VOTE.search(el.get("class", ""))) and \
        any(c.isdigit() for c in el.text_content()) and \
        not any(a in comments for a in el.iterancestors())


# A story under this many characters, under comments three times as long, is a link
# post or summary whose discussion is the content.
STORY_MAX_TEXT = 1500
COMMENTS_MIN_TEXT = 1500


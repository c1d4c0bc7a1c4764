"""Posts that a page ships only as script data, for threads whose markup has none.

Script-rendered forums (Discourse without its crawler view, single-page apps) serve an
empty shell: the posts are in JSON that a script renders. Two generic shapes carry them:

* schema.org JSON-LD: a ``DiscussionForumPosting`` (or ``SocialMediaPosting``) with its
  ``text``/``articleBody`` and ``comment`` list, or a ``QAPage`` whose ``Question`` has
  ``acceptedAnswer``/``suggestedAnswer``s;
* application data (``application/json`` scripts such as ``__NEXT_DATA__``, the
  ``data-preloaded`` attribute of Discourse, a ``window.__APOLLO_STATE__ = {...}``
  assignment): the longest list of post records under a ``posts``/``comments``/
  ``replies``/``answers`` key, or kept by id in a normalised cache (``__typename``
  "Post"), each with an HTML, BBCode or text body (``cooked``, ``body_html``,
  ``content``...). JSON nested as a string is opened too.

``script_payloads`` copies the raw data before cleaning removes the scripts;
``script_posts`` parses it only when the markup gave no body, and ``script_opening``
when the markup shows a thread's replies but not its first post.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence

import lxml.etree
import lxml.html

from ._dom import parse_json

_POST_TYPES = frozenset((
    "DiscussionForumPosting", "SocialMediaPosting", "Question", "Answer", "Comment",
))
_LD_TEXT = ("text", "articleBody")
_POST_LISTS = frozenset(("posts", "comments", "replies", "answers", "messages"))
_BODY_KEYS = ("cooked", "body_html", "bodyHtml", "content_html", "contentHtml", "html",
              "body", "content", "text", "message")
_AUTHOR_KEYS = ("username", "author_name", "authorName", "display_username", "name")
_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_RECORD_TYPES = frozenset(("Post", "Comment", "Reply", "Answer", "Message"))
_STATE = re.compile(r"\s*window\.__[A-Z_]+__\s*=\s*\{")
_BBCODE = re.compile(r"\[/?(?:b|i|u|s|url|img|quote|list|\*|size|color|font|center|spoiler|code)"
                     r"(?:=[^\]]*)?\]", re.IGNORECASE)
MAX_PAYLOAD = 5_000_000  # characters of script data parsed per page
MAX_DEPTH = 40  # nesting walked in one payload
MAX_POSTS = 2000  # posts taken from one page's script data


def script_payloads(root: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    """The raw script data of a page as ``(kind, text)``: "ld" for JSON-LD, "app" for
    application data. Cheap: nothing is parsed here."""
    found: list[tuple[str, str]] = []
    size = 0
    for el in root.iter("script", "div"):
        if el.tag == "script":
            kind = (el.get("type") or "").strip().lower()
            text = el.text or ""
            if kind in ("", "text/javascript"):
                match = _STATE.match(text)  # window.__APOLLO_STATE__ = {...};
                if match is None:
                    continue
                text = text[match.end() - 1:].strip().rstrip(";")
            elif kind not in ("application/ld+json", "application/json"):
                continue
            tag = "ld" if kind == "application/ld+json" else "app"
        else:
            text = el.get("data-preloaded") or ""
            tag = "app"
        if text and size + len(text) <= MAX_PAYLOAD:
            size += len(text)
            found.append((tag, text))
    return found


def script_posts(payloads: list[tuple[str, str]]) -> list[lxml.html.HtmlElement]:
    """The posts found in ``payloads``, each as a ``<div>`` of its paragraphs (its
    author's name first when the data gives one), in order; ``[]`` when none."""
    ld: list[tuple[str, str]] = []
    app: list[tuple[str, str]] = []
    for kind, text in payloads:
        data = parse_json(text)
        if data is None:
            continue
        if kind == "ld":
            ld.extend(_ld_posts(data, 0))
        else:
            app = max(app, _app_posts(data, 0), key=_weight)
    best = max(_dedupe(ld), _dedupe(app), key=_weight)
    return [_box(author, body) for author, body in best[:MAX_POSTS]]


def _weight(posts: list[tuple[str, str]]) -> int:
    return sum(len(body) for _, body in posts)


def _dedupe(posts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for author, body in posts:
        if body not in seen:
            seen.add(body)
            out.append((author, body))
    return out


def _ld_posts(data: object, depth: int) -> Iterator[tuple[str, str]]:
    """Discussion posts of a JSON-LD value in document order (a post, then its
    comments and answers, which follow it in the data)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _ld_posts(item, depth + 1)
        return
    if not isinstance(data, dict):
        return
    kinds = data.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if any(k in _POST_TYPES for k in kinds if isinstance(k, str)):
        body = next((v for k in _LD_TEXT if isinstance(v := data.get(k), str) and v.strip()),
                    None)
        if body:
            yield _author(data.get("author")), body
    for key, value in data.items():
        if key not in ("author", "publisher", "isPartOf", "image"):
            yield from _ld_posts(value, depth + 1)


def _author(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name")
    return value.strip() if isinstance(value, str) and len(value.strip()) <= 60 else ""


def _app_posts(data: object, depth: int) -> list[tuple[str, str]]:
    """The longest list of post records anywhere in application data."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(data, str):
        text = data.lstrip()
        if text[:1] in ("{", "[") and len(text) > 200:
            return _app_posts(parse_json(text), depth + 1)  # JSON stored as a string
        return []
    best: list[tuple[str, str]] = []
    if isinstance(data, dict):
        # A normalised cache (Apollo, Relay) keeps records by id: {"Post:9": {...}}.
        typed = [v for v in data.values()
                 if isinstance(v, dict) and v.get("__typename") in _RECORD_TYPES]
        if typed:
            best = _records(typed)
        for key, value in data.items():
            if key in _POST_LISTS and isinstance(value, list):
                best = max(best, _records(value), key=_weight)
            best = max(best, _app_posts(value, depth + 1), key=_weight)
    elif isinstance(data, list):
        for item in data:
            best = max(best, _app_posts(item, depth + 1), key=_weight)
    return best


def _records(items: Sequence[object]) -> list[tuple[str, str]]:
    posts: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        body = next((v for k in _BODY_KEYS if isinstance(v := item.get(k), str) and v.strip()),
                    None)
        if body:
            name = next((v for k in _AUTHOR_KEYS if isinstance(v := item.get(k), str)), "")
            posts.append((name.strip() if len(name) <= 60 else "", body))
    return posts


def _box(author: str, body: str) -> lxml.html.HtmlElement:
    """A ``<div>`` holding the post: its HTML as is, plain text split into paragraphs."""
    box = lxml.html.Element("div")
    if author:
        head = lxml.html.Element("p")
        head.text = author
        box.append(head)
    if _TAG.search(body):
        try:
            for part in lxml.html.fragments_fromstring(body):
                if isinstance(part, str):
                    para = lxml.html.Element("p")
                    para.text = part
                    box.append(para)
                elif isinstance(part.tag, str):
                    box.append(part)
            return box
        except (lxml.etree.ParserError, ValueError):
            pass
    for chunk in re.split(r"\n\s*\n", _BBCODE.sub("", html.unescape(body))):
        if chunk.strip():
            para = lxml.html.Element("p")
            para.text = chunk.strip()
            box.append(para)
    return box


def script_opening(payloads: list[tuple[str, str]],
                   shown: str) -> lxml.html.HtmlElement | None:
    """The thread's first post when the markup omits it but shows the replies: the
    script data lists the thread's posts, the first one is missing from ``shown`` (the
    text taken from the markup) and at least two of the others are in it."""
    said = _norm(shown)
    posts: list[tuple[str, str]] = []
    for kind, text in payloads:
        if kind == "app":
            data = parse_json(text)
            if data is not None:
                posts = max(posts, _app_posts(data, 0), key=_weight)
    posts = [(a, b) for a, b in _dedupe(posts) if _head_words(b)]
    if len(posts) < 3 or _head_words(posts[0][1]) in said:
        return None
    if sum(_head_words(body) in said for _, body in posts[1:]) < 2:
        return None
    return _box(*posts[0])


OPENING_WORDS = 8  # words of a post's start looked for in the markup's text


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def _head_words(body: str) -> str:
    """The first words of a post's text, normalised; "" for a post too short to tell."""
    words = re.findall(r"\w+", _BBCODE.sub("", _ANY_TAG.sub(" ", html.unescape(body))).lower())
    return " ".join(words[:OPENING_WORDS]) if len(words) >= OPENING_WORDS // 2 else ""

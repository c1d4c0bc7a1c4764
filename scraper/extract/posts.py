"""Forum threads and Q&A pages: find the repeated post boxes that are the content.

``repeated_posts`` widens a chosen box to the same part of every sibling post,
``post_list`` finds the largest run of post boxes on the page, and ``opening_post``
finds a thread's first post when it is laid out apart from the replies.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

import lxml.html

from ._dom import link_density, norm_space
from .blocks import is_quote_container

_POST_CLASS = re.compile(
    r"post|message|reply|thread|topic|forum|comment|tweet|entry|answer|question|discussion",
    re.IGNORECASE,
)
_POST_ID = re.compile(r"^(?:post|p|msg|message|reply|comment|answer)[-_]?\d+$", re.IGNORECASE)


def _post_key(el: lxml.html.HtmlElement) -> tuple[str, ...] | None:
    if el.get("itemprop") in ("comment", "suggestedAnswer", "acceptedAnswer"):
        return (el.tag, "itemprop")
    if _POST_ID.match(el.get("id", "")):
        return (el.tag, "id")
    classes = tuple(sorted(c for c in el.get("class", "").split() if _POST_CLASS.search(c)))
    return (el.tag, *classes) if classes else None


def post_list(body: lxml.html.HtmlElement, good: dict[lxml.html.HtmlElement, int],
              discussion: bool = False) -> list[lxml.html.HtmlElement]:
    """The largest run of sibling post boxes (a thread's posts, whole: author line and
    date included), or ``[]`` when the page has none. On a ``discussion`` page the
    boxes of nested replies between them come along, in document order."""
    best: list[lxml.html.HtmlElement] = []
    best_total = 0
    best_key: tuple[str, ...] | None = None
    runs: list[list[lxml.html.HtmlElement]] = []  # the qualifying groups beside the best
    for parent in body.iter():
        if not isinstance(parent.tag, str) or len(parent) < 2 or good.get(parent, 0) < 200:
            continue
        groups: dict[tuple[str, ...], list[lxml.html.HtmlElement]] = {}
        for child in parent:
            if isinstance(child.tag, str):
                key = _post_key(child)
                if key:
                    groups.setdefault(key, []).append(child)
        qualified: list[list[lxml.html.HtmlElement]] = []
        for members in groups.values():
            held = sorted(good.get(m, 0) for m in members)
            if len(members) < 2 or held[len(held) // 2] < POST_MIN_TEXT:
                continue
            qualified.append(members)
            total = sum(held)
            if total > best_total:
                best, best_total = members, total
                best_key = _post_key(members[0])
                runs = qualified
    if discussion and best and best_key:
        parent = best[0].getparent()
        # Threads that nest replies may lay each post beside a box of its replies
        # (post, replies, post, replies...): both runs are the thread.
        kin = {m for members in runs for m in members}
        if parent is not None:
            best = [c for c in parent if c in best or c in kin or (
                isinstance(c.tag, str) and _post_key(c) and good.get(c, 0) >= POST_MIN_TEXT
                and any(_post_key(d) == best_key for d in c.iterdescendants(best_key[0])))]
    return best


POST_MIN_TEXT = 80  # median reading text of a post box, in characters


def scattered_posts(body: lxml.html.HtmlElement,
                    good: dict[lxml.html.HtmlElement, int]) -> list[lxml.html.HtmlElement]:
    """Answer boxes with one post class that repeat across the page but each sit deep
    in their own wrappers (Quora nests every answer a dozen levels down), in document
    order; ``[]`` unless three or more hold reading text."""
    groups: dict[tuple[str, str], list[lxml.html.HtmlElement]] = {}
    for el in body.iter():
        if isinstance(el.tag, str) and good.get(el, 0) >= POST_MIN_TEXT and \
                _POST_CLASS.search(el.get("class", "")):
            groups.setdefault(_signature(el), []).append(el)
    best: list[lxml.html.HtmlElement] = []
    best_total = 0
    for members in groups.values():
        kin = set(members)
        outer = [m for m in members if not any(a in kin for a in m.iterancestors())]
        total = sum(good.get(m, 0) for m in outer)
        if len(outer) >= 3 and total > best_total:
            best, best_total = outer, total
    return best


def opening_post(body: lxml.html.HtmlElement, posts: list[lxml.html.HtmlElement],
                  good: dict[lxml.html.HtmlElement, int],
                  discussion: bool) -> list[lxml.html.HtmlElement]:
    """Threads often lay out the opening post apart from the replies; it still wears
    the replies' text box (same tag and class), ahead of them: find it."""
    shapes = {_signature(el) for p in posts for el in p.iter()
              if isinstance(el.tag, str) and el.get("class")
              and good.get(el, 0) >= POST_MIN_TEXT}
    if not shapes:
        return []
    first = posts[0]
    found: list[lxml.html.HtmlElement] = []
    for el in body.iter():
        if el is first:
            break
        if isinstance(el.tag, str) and el.get("class") and _signature(el) in shapes and \
                _reading_text(el, good) >= POST_MIN_TEXT and \
                not any(el is f or f in el.iterancestors() for f in found):
            found.append(el)
    # A box of that shape in a side column ("about this community") is no opening post.
    found = [el for el in found if not any(el in p.iterancestors() for p in found)
             and not any(_SIDE.search(f"{a.get('class', '')} {a.get('id', '')}")
                         for a in el.iterancestors())][:1]
    # Outside forums, only the question above its answers (a Q&A page not known as one).
    return found if discussion or any(_is_question(a) for f in found
                                      for a in itertools.chain([f], f.iterancestors())) else []


def _is_question(el: lxml.html.HtmlElement) -> bool:
    return "schema.org/Question" in el.get("itemtype", "") or \
        bool(_QUESTION.search(f"{el.get('class', '')} {el.get('id', '')}"))


_QUESTION = re.compile(r"(?:^|[\s_-])question(?:$|[\s_-])", re.IGNORECASE)
_ANSWER = re.compile(r"(?:^|[\s_-])answer(?:$|[\s_-])", re.IGNORECASE)


def _is_answer(el: lxml.html.HtmlElement) -> bool:
    return "schema.org/Answer" in el.get("itemtype", "") or \
        el.get("itemprop") in ("suggestedAnswer", "acceptedAnswer") or \
        bool(_ANSWER.search(f"{el.get('class', '')} {el.get('id', '')}"))


def question_answers(body: lxml.html.HtmlElement,
                     main: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """When the content chosen is a question's text alone (a Q&A page with one answer
    has no run of answers to find), the text boxes of the same shape in the answer
    boxes after it, in order."""
    if len(main) != 1 or not main[0].get("class") or \
            not any(_is_question(a) for a in main[0].iterancestors()):
        return []
    shape = _signature(main[0])
    found: list[lxml.html.HtmlElement] = []
    after = False
    for el in body.iter(shape[0]):
        if el is main[0]:
            after = True
        elif after and _signature(el) == shape and \
                any(_is_answer(a) for a in el.iterancestors()) and \
                not any(f in el.iterancestors() for f in found):
            found.append(el)
    return found


_SIDE = re.compile(r"(?:^|[\s_-])(?:side|sidebar|rail)(?:$|[\s_-])", re.IGNORECASE)


def _reading_text(el: lxml.html.HtmlElement, good: dict[lxml.html.HtmlElement, int]) -> int:
    """Reading text of a post box: its text blocks, or its text as a whole when that is
    mostly not links (a post written as text and ``<br>``s beside an attachment box
    holds no text block of its own)."""
    held = good.get(el, 0)
    if held >= POST_MIN_TEXT:
        return held
    text = norm_space(el.text_content())
    return len(text) if link_density(el, len(text)) < 0.3 else held


def _signature(el: lxml.html.HtmlElement) -> tuple[str, str]:
    return el.tag, " ".join(sorted(el.get("class", "").split()))


_NUMBERED_ID = re.compile(r"^([A-Za-z_-]+?)[-_]?\d{2,}$")


def _id_prefix(el: lxml.html.HtmlElement) -> str | None:
    """"edit" for id="edit37597541": boxes numbered by their database id."""
    match = _NUMBERED_ID.match(el.get("id", ""))
    return match.group(1).lower() if match else None


def _postish(el: lxml.html.HtmlElement) -> bool:
    return bool(_POST_CLASS.search(el.get("class", "")) or _POST_ID.match(el.get("id", ""))
                or el.get("itemprop") in ("comment", "suggestedAnswer", "acceptedAnswer")
                or _id_prefix(el))


def _alike(a: lxml.html.HtmlElement, b: lxml.html.HtmlElement) -> bool:
    """Two sibling boxes of the same kind ("post post-first" and "post post-reply",
    or id="edit101" and id="edit102")."""
    if a.tag != b.tag:
        return False
    prefix = _id_prefix(a)
    if prefix and prefix == _id_prefix(b):
        return True
    ca, cb = set(a.get("class", "").split()), set(b.get("class", "").split())
    if ca == cb:
        return True
    return bool(ca & cb) and any(_POST_CLASS.search(c) for c in ca & cb)


def repeated_posts(top: lxml.html.HtmlElement,
                   discussion: bool = False) -> list[lxml.html.HtmlElement]:
    """For forum threads and Q&A pages: when the best container sits inside one of
    several repeated post boxes, take the same part of every post (on a
    ``discussion`` page, of the replies nested in them too)."""
    path: list[tuple[str, str]] = []
    node = top
    best: list[lxml.html.HtmlElement] = []
    for _ in range(8):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        if _postish(node) or (node.tag in ("tr", "li", "article") and not node.get("class")):
            same = [s for s in parent if isinstance(s.tag, str) and _alike(s, node)]
            # Threaded replies nest inside their parent post: take them too.
            same = same if not discussion else [d for s in same for d in s.iter(node.tag)
                    if d is s or (d.getparent() is not s and _alike(d, node)
                                  and not _in_quote(d, s))]
            worthy = [s for s in same if _worthy(s, path)]
            # The widest run wins: a post's cells ("message-cell--user" beside
            # "message-cell--main") repeat too, but only twice, inside one post.
            if len(worthy) >= 2 and (_postish(node) or len(worthy) >= 3) and \
                    len(worthy) > len(best):
                # Short replies ("Friends?") count for no run but belong to the thread.
                parts = [_follow(s, path) for s in same if s in worthy or (
                    _worthy(s, path, SHORT_POST_TEXT) and _has_part(s, path))]
                chosen = set(parts)
                best = [p for p in parts
                        if not any(a in chosen for a in p.iterancestors())]
        path.insert(0, _signature(node))
        node = parent
    return best


# A post box with less text than this is an empty or deleted post ("Thanks!" has 7).
POST_MIN_OWN_TEXT = 20


# A reply shaped like the posts of a run joins it with this much text ("Friends?").
SHORT_POST_TEXT = 3


def _worthy(post: lxml.html.HtmlElement, path: list[tuple[str, str]],
            min_text: int = POST_MIN_OWN_TEXT) -> bool:
    """A post with text of its own; links are counted in the part taken (a post's
    permalink, reply and report links do not make it a link list)."""
    text = norm_space(post.text_content())
    if len(text) <= min_text:
        return False
    if link_density(post, len(text)) < 0.5:
        return True
    part = _follow(post, path)
    return part is not post and link_density(part, len(norm_space(part.text_content()))) < 0.5


def _has_part(post: lxml.html.HtmlElement, path: list[tuple[str, str]]) -> bool:
    """True when ``post`` has the part taken from the others (it is shaped like them)."""
    return not path or _follow(post, path) is not post


def _follow(el: lxml.html.HtmlElement, path: list[tuple[str, str]]) -> lxml.html.HtmlElement:
    start = el
    for sig in path:
        child = next((c for c in el if isinstance(c.tag, str) and _signature(c) == sig), None)
        if child is None:
            return start  # a post shaped differently: take it whole rather than a part
        el = child
    return el


# Who wrote a post and when: the lines that head each post in a reader's view (and in
# the WCXB labels), often in a profile box that cleaning removes as furniture.
_AUTHOR_CLASS = re.compile(
    r"^(?:big|ips)?user-?name$|^(?:post|thread|message)?-?(?:author|user)-?name$|^creator$|"
    r"^poster$|^postauthor$|-author-link$|^post-?user-?name$",
    re.IGNORECASE,
)
_DATE_CLASS = re.compile(r"^(?:post-?|message-?)?(?:date|time|timestamp)$|^post_time$|^posted$",
                         re.IGNORECASE)
HEAD_ATTR = "data-na-post-head"
_MAX_MARKED = 400


def _first(box: lxml.html.HtmlElement,
           test: Callable[[lxml.html.HtmlElement], bool]) -> lxml.html.HtmlElement | None:
    for el in box.iterdescendants():
        if isinstance(el.tag, str) and test(el) and not _in_quote(el, box):
            return el
    return None


def _in_quote(el: lxml.html.HtmlElement, box: lxml.html.HtmlElement) -> bool:
    """True when ``el`` sits in a quoted post inside ``box`` ("X said: ...")."""
    for anc in el.iterancestors():
        if anc is box:
            return False
        if is_quote_container(anc):
            return True
    return False


def _is_author(el: lxml.html.HtmlElement) -> bool:
    if el.get("itemprop") in ("author", "creator"):
        return True
    return any(_AUTHOR_CLASS.search(c) for c in el.get("class", "").split())


def _is_date(el: lxml.html.HtmlElement) -> bool:
    if el.tag == "time" or el.get("itemprop") in ("datePublished", "dateCreated"):
        # A <meta itemprop="datePublished"> shows nothing: the visible date comes later.
        return el.tag != "meta" and bool((el.text or "").strip() or len(el))
    if any(_DATE_CLASS.search(c) for c in el.get("class", "").split()):
        return True
    # A post's permalink often reads as its date ("Sun Dec 17, 2023 11:23 am").
    if el.tag in ("a", "span") and len(el) <= 1:
        text = norm_space(el.text_content())
        return len(text) <= 40 and bool(_DATE_TEXT.match(text))
    return False


_DATE_TEXT = re.compile(
    r"^(?:[a-z]{3,9}\.?,?\s+)?"  # weekday
    r"(?:[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}|\d{1,2}(?:st|nd|rd|th)?\s+[a-z]{3,9}\.?,?"
    r"\s+\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}[./-]\d{1,2}[./-]\d{2,4})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?)?$",
    re.IGNORECASE,
)


def _short_text(el: lxml.html.HtmlElement | None) -> str:
    if el is None:
        return ""
    if el.get("itemprop") in ("author", "creator"):
        name = next((n for n in el.iter() if n.get("itemprop") == "name"), None)
        if name is not None and name.tag == "meta":
            text = norm_space(name.get("content", ""))
            return text if 0 < len(text) <= 60 else ""
        link = el.find(".//a")
        el = name if name is not None else link if link is not None else el
    text = norm_space(el.text_content())
    return text if 0 < len(text) <= 60 else ""


def _repeated_boxes(root: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Post-like boxes that repeat among their siblings (same post class or numbered
    id), in document order: the units a thread is made of."""
    found: list[lxml.html.HtmlElement] = []
    for parent in root.iter():
        if not isinstance(parent.tag, str) or len(parent) < 2:
            continue
        groups: dict[object, list[lxml.html.HtmlElement]] = {}
        for child in parent:
            if isinstance(child.tag, str):
                key: object = _post_key(child)
                if key is None:
                    prefix = _id_prefix(child)
                    key = (child.tag, prefix) if prefix else None
                if key:
                    groups.setdefault(key, []).append(child)
        found.extend(m for members in groups.values() if len(members) >= 2 for m in members)
    return found


def mark_post_heads(root: lxml.html.HtmlElement) -> None:
    """Before cleaning: note on each innermost post box its author and date line."""
    marked: list[lxml.html.HtmlElement] = []
    for el in _repeated_boxes(root):
        if len(marked) >= _MAX_MARKED:
            break
        author = _short_text(_first(el, _is_author))
        if not author:
            continue
        date = _short_text(_first(el, _is_date))
        el.set(HEAD_ATTR, f"{author}\n{date}" if date else author)
        marked.append(el)
    for el in marked:  # a thread box holding marked posts is not itself a post
        for anc in el.iterancestors():
            if anc.get(HEAD_ATTR) is not None:
                anc.set(HEAD_ATTR, "")


def post_dates(main: list[lxml.html.HtmlElement]) -> set[str]:
    """The dates of the post heads (see ``mark_post_heads``) in or around ``main``: on
    its own line such a date heads a post, it is no story's dateline."""
    dates: set[str] = set()
    for el in main:
        for box in itertools.chain(el.iter(), itertools.islice(el.iterancestors(), 10)):
            head = box.get(HEAD_ATTR) if isinstance(box.tag, str) else None
            if head and "\n" in head:
                dates.add(head.split("\n", 1)[1])
    return dates


def with_post_heads(main: list[lxml.html.HtmlElement]) -> list[lxml.html.HtmlElement]:
    """Put each post's author and date line (see ``mark_post_heads``) ahead of the part
    of the post chosen as content, unless that part already shows them."""
    out: list[lxml.html.HtmlElement] = []
    used: set[lxml.html.HtmlElement] = set()
    for el in main:
        owner = next((a for a in itertools.chain([el], itertools.islice(el.iterancestors(), 10))
                      if a.get(HEAD_ATTR)), None)
        if owner is None:
            # A box holding whole posts: each gets its line as its first child.
            for post in el.iterdescendants():
                if isinstance(post.tag, str) and post.get(HEAD_ATTR) and post not in used:
                    used.add(post)
                    head = _head(post, post)
                    if head is not None:
                        post.insert(0, head)
        elif owner not in used:
            used.add(owner)
            head = _head(owner, el)
            if head is not None:
                out.append(head)
        out.append(el)
    return out


def _head(owner: lxml.html.HtmlElement,
          shown_in: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """A paragraph with the parts of ``owner``'s author and date line that ``shown_in``
    does not already show."""
    shown = norm_space(shown_in.text_content())
    parts = owner.get(HEAD_ATTR, "").split("\n")
    missing = [t for t in parts[:1] if t and t not in shown]
    if len(parts) > 1 and parts[1] and parts[1] not in _unlinked_text(shown_in, shown):
        missing.append(parts[1])  # a date shown only as a permalink goes with the links
    if not missing:
        return None
    head = lxml.html.Element("p")
    head.text = " · ".join(missing)
    return head



def _unlinked_text(el: lxml.html.HtmlElement, text: str) -> str:
    """``el``'s text without its links' (``text`` when it has none)."""
    if el.find(".//a") is None:
        return text
    return norm_space("".join(el.xpath(".//text()[not(ancestor::a)]")))


_WORD = re.compile(r"\w+")
_LEAF_BLOCKS = ("p", "div", "td", "li", "dd", "pre", "blockquote", "section", "article")
# The thread says its description when it holds the first 16 words; an opening block,
# when it holds any 8 of them in a row.
OPENING_WORDS = 8


def _phrase(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def thread_opening(body: lxml.html.HtmlElement, main: list[lxml.html.HtmlElement],
                   description: str | None) -> list[lxml.html.HtmlElement]:
    """A thread's opening (the story a comment thread discusses, a question above its
    answers) laid out in a box of its own, unlike the posts, and so missed: the page's
    description starts with it. Returns the widest box around the first text block that
    says the description's first words, when that block comes before the posts, holds
    none of them and is mostly not links; ``[]`` when the posts already say it."""
    words = _WORD.findall((description or "").lower())[:2 * OPENING_WORDS]
    if len(words) < OPENING_WORDS or not main or main[0] is body:
        return []
    phrase = " ".join(words)
    if any(phrase in _phrase(m.text_content()) for m in main):
        return []
    # The description may start with a line the block lacks ("X shares a post:").
    windows = [" ".join(words[k:k + OPENING_WORDS])
               for k in range(len(words) - OPENING_WORDS + 1)]
    held = {a for m in main for a in m.iterancestors()} | set(main)
    first = main[0]
    found = None
    for el in body.iter(*_LEAF_BLOCKS):
        if el is first:
            break  # past the posts' start: the opening is not laid out before them
        if el in held or any(isinstance(c.tag, str) and c.tag in _LEAF_BLOCKS for c in el):
            continue
        text = _phrase(el.text_content())
        if any(w in text for w in windows):
            found = el
            break
        # the opening's first words split over blocks (a quotation set as a paragraph of
        # its own, then the sentence that goes on): read them in the blocks' container
        parent = el.getparent()
        if text and phrase.startswith(text) and parent is not None and parent not in held \
                and any(w in _phrase(parent.text_content()) for w in windows):
            found = parent
            break
    if found is None or len(norm_space(found.text_content())) < POST_MIN_TEXT:
        return []  # a site's tagline that its description repeats is no opening
    box = found
    node = found.getparent()
    while node is not None and node is not body and node not in held:
        size = len(norm_space(node.text_content()))
        if link_density(node, size) < OPENING_BOX_LINKS:
            box = node
        node = node.getparent()
    return [box]


OPENING_BOX_LINKS = 0.3  # link share above which a box around the opening is furniture

"""Find the article's main content and drop the page furniture around it.

Three steps, in the spirit of Readability (Arc90) and trafilatura:

1. ``clean_tree`` removes what is never article text: scripts, forms, navigation,
   footers, asides, hidden elements and blocks whose class or id says they are
   comments, share bars, newsletters, cookie banners or related-article lists.
2. ``find_main`` scores each paragraph's ancestors by the text they hold (long,
   comma-rich, few links) and takes the best container and its worthy siblings.
3. ``drop_boilerplate`` (in boilerplate.py) removes the leftover lines ("Previous: ...",
   "Leave a comment") and the link lists that follow headings like "Other Articles".
"""

from __future__ import annotations

import copy
import itertools
import re

import lxml.html

from ._dom import link_density, norm_space, url_host
from .blocks import is_quote_container
from .boilerplate import drop_boilerplate as drop_boilerplate  # re-exported for the pipeline
from .boilerplate import is_boilerplate_line as is_boilerplate_line
from .posts import (
    mark_post_heads,
    opening_post,
    post_list,
    repeated_posts,
    scattered_posts,
    with_post_heads,
)

_REMOVE_TAGS = (
    "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
    "button", "input", "select", "textarea", "nav", "aside", "footer", "figcaption",
    "menu", "dialog", "link", "meta",
)
_UNLIKELY = re.compile(
    r"breadcrumb|combx|comment|community|cookie|consent|disqus|footer|gdpr|menu|modal|"
    r"newsletter|outbrain|pager|pagination|popup|related|recommend|remark|rss|share|sharing|"
    r"shoutbox|sidebar|signup|social|subscribe|taboola|toolbar|navbar|nav-|-nav\b|\bnav\b|"
    r"post-navigation|more-(?:stories|news|posts|articles|from)|read-next|trending|author-bio|about-author|jump-to|"
    r"skip-link|print-only|screen-reader|wpdiscuz|wpd_comm|wpd-form",
    re.IGNORECASE,
)
# Weaker hints: such a box is dropped only when it holds no paragraphs of real text
# (page builders name every content box "widget"; forums name posts "reply").
_SOFT_UNLIKELY = re.compile(
    r"-ad-|\bads?\b|advert|banner|masthead|promo|sponsor|skyscraper|widget|replies|reply|"
    r"respond|user-?info|usertitle|user-?details|posthead|postfoot|signature|avatar|postdate|"
    r"postprofile|user-?profile|mini-?profile|poster-?info|author-?info|message-?user(?:info)?\b|"
    r"message-cell--user|userbox|user-?stats|user-?extras|"
    r"post__excerpt|post-excerpt|teaser|"
    r"post-?meta|reputation|\btags?\b|tagcloud",
    re.IGNORECASE,
)
_MAYBE = re.compile(r"and|article|body|column|content|main|shadow|entry|story|text",
                    re.IGNORECASE)
_POSITIVE = re.compile(
    r"article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|prose",
    re.IGNORECASE,
)
_NEGATIVE = re.compile(
    r"-ad-|hidden|^hid$| hid$| hid |^hid |banner|combx|comment|com-|contact|foot|footer|"
    r"footnote|gdpr|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|"
    r"sidebar|skyscraper|sponsor|shopping|tags|tool|widget|byline|author|dateline|subscribe",
    re.IGNORECASE,
)
# Consent banners and modal dialogs: never content, however much text (vendor lists) they
# hold, unless broken markup left the article inside them.
_CONSENT = re.compile(r"cookie|consent|gdpr|onetrust|didomi|usercentrics|qc-cmp", re.IGNORECASE)
# A forum member's signature, printed under each of their posts ("ipsEntry__signature"
# would pass as content for its "entry").
_SIGNATURE = re.compile(r"signature|(?:^|[\s_-])sig(?:_text|-text|nature)?(?:$|\s)",
                        re.IGNORECASE)
# Image captions and credits, bylines: short boxes that describe the article, not part of
# it ("InlineImage-imageEmbedCaption", "caption-full", "p.byline"). A bare "credit" box
# may hold a reprint credit ("Reprinted with permission from ..."): only an image's goes.
_CAPTION_BOX = re.compile(r"caption|byline|(?:image|img|photo|picture|media)\w*[-_]?credit",
                          re.IGNORECASE)
_CREDIT_BOX = re.compile(r"credit", re.IGNORECASE)
# Call-to-action boxes ("Start your free trial", "Get a quote") set in the story.
_CTA_BOX = re.compile(r"(?:^|[\s_-])cta(?:$|[\s_-])|call-?to-?action", re.IGNORECASE)
# Hover cards and tooltips printed inline in a sentence ("Ilhan Omar" followed by her
# photo and three headlines). The innermost such box is the pop-up; its wrapper also
# holds the link or term that opens it, which is text.
_HOVER_BOX = re.compile(r"rollover|tooltip|popover|hover-?card", re.IGNORECASE)
# The author's bio box under (or over) a story: "cs-entry__author-info" would pass as
# content for its "entry", "elementor-author-box__text" for its "text".
_AUTHOR_BOX = re.compile(
    r"(?:author|contributor|writer)[-_]?(?:short)?(?:box|bio|info|description|details?|card|"
    r"profile|about|wrapper)|about[-_]?(?:the[-_]?)?author|\babh_|saboxplugin|byline-contributor",
    re.IGNORECASE,
)
# Modal boxes (sign-up and membership offers shown over the page), named "modal",
# "member-modal" or "memberModal" even when their inner box says "modal-content".
_MODAL = re.compile(r"(?:^|[\s_-])[mM]odal(?:$|[\s_-])|[a-z]Modal(?:$|[\s_-])")
_VOTE_BOX = re.compile(r"vote|score|karma|like-?count|reaction-?count", re.IGNORECASE)
_COUNTER = re.compile(r"^\s*[+\-−]?\d[\d,.]{0,6}k?\s*$", re.IGNORECASE)
_KEEP_NUMBERS = frozenset(("p", "td", "th", "li", "pre", "code", "dd"))
_HIDDEN_CLASS = re.compile(r"(?:^|\s)(?:d-none|sr-only|visually-hidden|is-hidden|hide)(?:\s|$)")
_STREAMED = re.compile(r"S:\d+$")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SCORED_TAGS = ("p", "pre", "td", "blockquote", "li", "div", "section", "dd")
def _attrs(el: lxml.html.HtmlElement) -> str:
    return f"{el.get('class', '')} {el.get('id', '')}"


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
_COMMENT_HINT = re.compile(r"comments?|community|disqus|remark|repl(?:y|ies)|respond",
                           re.IGNORECASE)


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
        if _COMMENT_BOX.search(_attrs(el)) or el.get("itemprop") == "comment":
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


def clean_tree(root: lxml.html.HtmlElement, discussion: bool = False) -> None:
    """Remove elements that are never article text, in place.

    On a ``discussion`` page, boxes named for comments and replies are the content
    and stay.
    """
    _drop_short_forms(root)
    if discussion:
        mark_post_heads(root)
    for el in list(root.iter("noscript")):
        # Some sites (Discourse) serve the whole page to crawlers inside <noscript>.
        if el.getparent() is not None and len(el.text_content()) > 500 and \
                el.find(".//p") is not None:
            el.drop_tag()
    p_total = _p_text(root) or 1
    for el in list(root.iter(*_REMOVE_TAGS)):
        # Broken markup can leave the article inside an unclosed <nav>, <aside> or
        # <button> (a menu button left open swallows the page).
        if el.tag not in _NEVER_TEXT and _holds_article(el, p_total):
            continue
        if discussion and el.tag == "aside" and is_quote_container(el):
            continue  # a post quoting another one (Discourse sets quotes in <aside>)
        _drop(el)
    for el in list(root.iter("form")):
        # ASP.NET pages and forums wrap everything in one form: keep forms of real text.
        text_len = len(el.text_content())
        if discussion and text_len >= 30 and link_density(el, text_len) < 0.5:
            continue  # old Reddit wraps each comment's text in its own edit form
        if len(el.xpath(".//p")) < 3 and (text_len < 500 or link_density(el, text_len) > 0.5):
            _drop(el)
    total = len(root.text_content()) or 1
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.tag in ("html", "body", "article", "main", "a"):
            continue
        if el.getparent() is None:
            continue
        if el.get("hidden") is not None or el.get("aria-hidden") == "true" or \
                _HIDDEN_STYLE.search(el.get("style", "")) or \
                _HIDDEN_CLASS.search(el.get("class", "")):
            # Streaming renderers (React's <div hidden id="S:0">) park the whole
            # article, or chunks of it, in hidden boxes that a script reveals.
            if not _STREAMED.match(el.get("id", "")) and not _holds_article(el, p_total):
                _drop(el)
            continue
        attrs = _attrs(el).lower()  # the class patterns are lower-case, case-sensitive
        hinted = bool(_ATTR_HINT.search(attrs))
        if ((hinted and (_CONSENT.search(attrs) or _SIGNATURE.search(attrs)))
                or (el.get("role") == "dialog" and el.get("aria-modal") == "true")
                or ("modal" in attrs and _MODAL.search(_attrs(el)))) \
                and not _wraps_page(el):
            _drop(el)
            continue
        if len(el) <= 3 and el.tag not in _KEEP_NUMBERS and (
                discussion or _VOTE_BOX.search(el.get("class", ""))) and \
                _COUNTER.match(el.text_content()):
            _drop(el)  # a post's vote or reply count, alone on its line
            continue
        if hinted and _BOX_HINT.search(attrs) and \
                _is_furniture_box(el, attrs, discussion, total):
            _drop(el)
            continue
        if discussion:
            attrs = _COMMENT_HINT.sub(" ", attrs)
        if not attrs.strip() or _MAYBE_L.search(attrs):
            continue
        hard = _UNLIKELY_L.search(attrs)
        if not hard and not _SOFT_UNLIKELY_L.search(attrs):
            continue
        if len(el.text_content()) >= 0.4 * total or el.find(".//main") is not None:
            continue
        if not hard:
            p_len = _p_text(el)
            if p_len >= 300 and link_density(el, p_len) < 0.3:
                continue
            # Blogger's "widget Blog" holds the post as <br>-separated text, no <p>.
            text_len = len(el.text_content())
            if text_len >= 0.25 * total and link_density(el, text_len) < 0.3:
                continue
        _drop(el)
    for header in list(root.iter("header")):
        # A page header holds navigation and the title, never body paragraphs.
        if len(header.xpath(".//p")) <= 1:
            _drop(header)


_SHORT_FORM = re.compile(r"(?:^|[\s_-])short(?:$|[\s_-])", re.IGNORECASE)
_LONG_FORM = re.compile(r"(?:^|[\s_-])long(?:$|[\s_-])", re.IGNORECASE)


def _drop_short_forms(root: lxml.html.HtmlElement) -> None:
    """A ``<time>`` may hold its long and short forms side by side, one shown by the
    style sheet ("June 14, 2024" and "1 yr"); as text they run together ("June 14,
    20241 yr"): keep the long form."""
    for time in list(root.iter("time")):
        kids = [c for c in time if isinstance(c.tag, str)]
        if len(kids) < 2 or not any(_LONG_FORM.search(c.get("class", "")) for c in kids):
            continue
        for kid in kids:
            if _SHORT_FORM.search(kid.get("class", "")):
                _drop(kid)  # its tail text stays


# A caption, credit or byline box holds at most this much text; longer boxes so named
# wrap real text.
CAPTION_MAX_TEXT = 400
# A call-to-action box holds at most this much text.
CTA_MAX_TEXT = 1000
# An author box holds at most this much text (name, role, a bio of a few sentences).
AUTHOR_BOX_MAX_TEXT = 1500


def _image_credit(el: lxml.html.HtmlElement) -> bool:
    """A box named "credit" inside a figure or beside an image."""
    if not _CREDIT_BOX.search(el.get("class", "")):
        return False
    if any(True for _ in el.iterancestors("figure", "picture")):
        return True
    parent = el.getparent()
    return parent is not None and parent.find(".//img") is not None


# One search for the caption, hover, call-to-action and author boxes above.
_BOX_HINT = re.compile(r"caption|byline|credit|rollover|tooltip|popover|hover|cta|call-?to|"
                       r"author|contributor|writer|abh_|sabox", re.IGNORECASE)

# Consent, signature or any box above: one search rules them all out for most elements.
# Searched in lower-cased attributes without IGNORECASE (which makes re ~3x slower).
_ATTR_HINT = re.compile("|".join(f"(?:{r.pattern.lower()})"
                                 for r in (_CONSENT, _SIGNATURE, _BOX_HINT)))
_MAYBE_L, _UNLIKELY_L, _SOFT_UNLIKELY_L = (
    re.compile(r.pattern.lower()) for r in (_MAYBE, _UNLIKELY, _SOFT_UNLIKELY))


def _is_furniture_box(el: lxml.html.HtmlElement, attrs: str, discussion: bool,
                      total: int) -> bool:
    """Captions, credits, bylines, hover cards, calls to action and author bios."""
    cls = el.get("class", "")
    if _CAPTION_BOX.search(cls) or _image_credit(el):
        return len(norm_space(el.text_content())) < CAPTION_MAX_TEXT
    if _HOVER_BOX.search(cls):
        return len(el.text_content()) < 0.4 * total and not any(
            _HOVER_BOX.search(d.get("class", "")) for d in el.iterdescendants()
            if isinstance(d.tag, str))
    if _CTA_BOX.search(attrs):
        return len(norm_space(el.text_content())) < CTA_MAX_TEXT and not _wraps_page(el)
    if not discussion and _AUTHOR_BOX.search(attrs):
        return len(norm_space(el.text_content())) < AUTHOR_BOX_MAX_TEXT and \
            not _wraps_page(el)
    return False


_STRUCTURAL = frozenset(("nav", "aside", "footer", "header", "menu"))
_NEVER_TEXT = frozenset(("script", "style", "template", "svg", "canvas", "link", "meta"))


def _p_text(el: lxml.html.HtmlElement) -> int:
    return sum(len(p.text_content()) for p in el.iter("p"))


def _holds_article(el: lxml.html.HtmlElement, p_total: int) -> bool:
    """True for a box that wraps the article (unclosed tags, whole-page wrappers)."""
    share = _p_text(el) / p_total
    if el.find(".//main") is not None or el.find(".//article") is not None:
        return share > 0.3
    return share > 0.5 and p_total > 200


def _wraps_page(el: lxml.html.HtmlElement) -> bool:
    """A box that holds the page's headline or article (a page-wide wrapper); consent
    dialogs may outweigh a short thread with their vendor lists, so size is no test."""
    return any(el.find(f".//{tag}") is not None for tag in ("h1", "main", "article"))


def _drop(el: lxml.html.HtmlElement) -> None:
    if el.getparent() is not None:
        el.drop_tree()


def _class_weight(el: lxml.html.HtmlElement) -> float:
    attrs = _attrs(el)
    weight = 0.0
    if _NEGATIVE.search(attrs):
        weight -= 25
    if _POSITIVE.search(attrs):
        weight += 25
    if el.get("itemprop") == "articleBody":
        weight += 50
    return weight


def _tag_weight(el: lxml.html.HtmlElement) -> float:
    return {"article": 10, "main": 5, "div": 5, "section": 3, "pre": 3, "td": 3,
            "blockquote": 3, "form": -3, "ul": -3, "ol": -3, "li": -3, "dl": -3,
            "h1": -5, "h2": -5, "h3": -5, "th": -5}.get(el.tag, 0)


# The text right under the headline starts the article: its score gets this bonus
# (worth a few rich paragraphs; 10 changed nothing, 25 helped forums and precision).
LEDE_BONUS = 25.0


def _lede(body: lxml.html.HtmlElement) -> lxml.html.HtmlElement | None:
    """The first real paragraph after the page's only ``<h1>``, where articles start;
    it tips the choice away from comment lists and teaser boxes of similar weight."""
    h1s = list(body.iter("h1"))
    if len(h1s) != 1:
        return None
    seen_h1 = False
    for el in body.iter():
        if el is h1s[0]:
            seen_h1 = True
        elif seen_h1 and el.tag in _SCORED_TAGS and not any(
                isinstance(c.tag, str) and c.tag in _CONTAINERS for c in el):
            text = norm_space(el.text_content())
            if len(text) >= 150 and link_density(el, len(text)) < 0.2:
                return el
    return None


def find_main(root: lxml.html.HtmlElement,
              discussion: bool = False) -> list[lxml.html.HtmlElement]:
    """The element(s) holding the article text, in document order.

    Returns ``[body]`` when nothing stands out (short pages), so text is never lost.
    On a ``discussion`` page an opening post laid out apart from the replies leads,
    and each post keeps its author and date line.
    """
    main = _find_main(root, discussion)
    return with_post_heads(main) if discussion else main


def _find_main(root: lxml.html.HtmlElement,
               discussion: bool) -> list[lxml.html.HtmlElement]:
    body = root.find("body")
    if body is None:
        body = root
    scores: dict[lxml.html.HtmlElement, float] = {}
    lede = _lede(body)
    for el in body.iter(*_SCORED_TAGS):
        holder = el.tag == "div" and any(
            isinstance(c.tag, str) and c.tag in _DIV_BLOCKS for c in el)
        # A div of blocks is a container, scored through its children, and through the
        # text it holds loose between them (articles written as text and <br>s).
        text = _loose_text(el) if holder else norm_space(el.text_content())
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + text.count("،") + text.count("、") + min(len(text) / 100, 3)
        if el is lede:
            score += LEDE_BONUS
        chain = el.iterancestors()
        if holder:
            chain = itertools.chain([el], chain)
        for level, anc in enumerate(chain):
            if level > 3 or not isinstance(anc.tag, str) or anc.tag == "html":
                break
            if anc not in scores:
                scores[anc] = _tag_weight(anc) + _class_weight(anc)
            scores[anc] += score / (1 if level == 0 else 2 if level == 1 else level * 3)
    if not scores:
        return [body]
    final = {el: s * (1 - link_density(el, len(el.text_content()))) for el, s in scores.items()}
    top = max(final, key=lambda e: final[e])
    # Climb while the parent holds much more of the good text (e.g. split article bodies).
    parent = top.getparent()
    while parent is not None and parent.tag not in ("body", "html") and \
            final.get(parent, 0) > final[top] * 0.9:
        top, parent = parent, parent.getparent()
    good = _good_text(body)
    top = _widen(top, body, good)
    final.setdefault(top, 0.0)
    repeated = repeated_posts(top, discussion)
    if repeated:
        return opening_post(body, repeated, good, discussion) + repeated
    posts = post_list(body, good, discussion)
    if posts and sum(good.get(p, 0) for p in posts) >= 1.2 * good.get(top, 0):
        return opening_post(body, posts, good, discussion) + posts
    posts = scattered_posts(body, good)
    if posts and sum(good.get(p, 0) for p in posts) >= SCATTERED_GAIN * good.get(top, 0):
        return posts
    parent = top.getparent()
    if parent is None:
        return [top]
    threshold = max(10.0, final[top] * 0.2)
    chosen = []
    top_class = top.get("class", "")
    for sibling in parent:
        if not isinstance(sibling.tag, str):
            continue
        if sibling is top:
            chosen.append(sibling)
            continue
        bonus = final[top] * 0.2 if top_class and sibling.get("class", "") == top_class else 0
        if final.get(sibling, -1e9) + bonus >= threshold:
            chosen.append(sibling)
        elif sibling.tag == "p":
            text = norm_space(sibling.text_content())
            density = link_density(sibling, len(text))
            if (len(text) > 80 and density < 0.25) or \
                    (0 < len(text) <= 80 and density == 0 and re.search(r"\.( |$)", text)):
                chosen.append(sibling)
    return _with_cousins(chosen, top, body, good)


def _with_cousins(chosen: list[lxml.html.HtmlElement], top: lxml.html.HtmlElement,
                  body: lxml.html.HtmlElement,
                  good: dict[lxml.html.HtmlElement, int]) -> list[lxml.html.HtmlElement]:
    """Add the other chunks of an article split into separate boxes between ads (each
    chunk has the chosen box's tag and class, but sits under another parent)."""
    top_class = top.get("class", "").strip()
    if not top_class or top.tag not in ("div", "section", "article"):
        return chosen
    cousins = []
    for el in body.iter(top.tag):
        if el.get("class", "").strip() != top_class:
            continue
        ancestors = set(el.iterancestors())
        if any(el is c or c in ancestors or el in c.iterancestors() for c in chosen):
            continue  # a chosen box, inside one, or around one
        text_len = len(norm_space(el.text_content()))
        if good.get(el, 0) >= COUSIN_MIN_TEXT and good.get(el, 0) >= 0.6 * text_len and \
                link_density(el, text_len) < 0.2 and _near(el, top):
            cousins.append(el)
    if not cousins:
        return chosen
    order = {el: i for i, el in enumerate(body.iter())}
    return sorted(chosen + cousins, key=lambda el: order.get(el, 0))


def _near(el: lxml.html.HtmlElement, top: lxml.html.HtmlElement) -> bool:
    """True if ``el`` and ``top`` share an ancestor within a few levels (chunks of one
    article sit in one column, not across the page)."""
    mine = list(itertools.islice(top.iterancestors(), COUSIN_MAX_LEVELS))
    return any(anc in mine for anc in itertools.islice(el.iterancestors(), COUSIN_MAX_LEVELS))


COUSIN_MAX_LEVELS = 4
# A chunk of the article elsewhere on the page holds at least this much reading text.
COUSIN_MIN_TEXT = 200


# Answer boxes scattered over the page replace the chosen box when they hold this many
# times its reading text.
SCATTERED_GAIN = 2.0


_DIV_BLOCKS = frozenset(("p", "div", "section", "article", "table", "ul", "ol", "blockquote",
                         "pre"))


def _loose_text(el: lxml.html.HtmlElement) -> str:
    """The text a container holds outside its block children, links left out."""
    pieces = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag not in _DIV_BLOCKS and child.tag != "a" \
                and child.find(".//a") is None:
            pieces.append(child.text_content())
        pieces.append(child.tail or "")
    return norm_space(" ".join(pieces))


_TEXT_BLOCKS = ("p", "pre", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "dd", "div")
_CONTAINERS = frozenset(_TEXT_BLOCKS) | {"ul", "ol", "table", "section", "article"}


def _good_text(body: lxml.html.HtmlElement) -> dict[lxml.html.HtmlElement, int]:
    """For every element, how much reading text (low-link blocks) it holds."""
    good: dict[lxml.html.HtmlElement, int] = {}
    for el in body.iter(*_TEXT_BLOCKS):
        if any(isinstance(c.tag, str) and c.tag in _CONTAINERS for c in el):
            continue  # counted through its children
        text = norm_space(el.text_content())
        if len(text) < 20 or link_density(el, len(text)) > 0.3:
            continue
        for level, anc in enumerate(el.iterancestors()):
            good[anc] = good.get(anc, 0) + len(text)
            if anc is body or level > 40:  # bounded: pathological nesting stays linear
                break
    return good


def _widen(top: lxml.html.HtmlElement, body: lxml.html.HtmlElement,
           good: dict[lxml.html.HtmlElement, int]) -> lxml.html.HtmlElement:
    """Page builders split one article over many boxes; climb to the ancestor that
    holds them all, as long as that ancestor is still mostly reading text."""
    base = good.get(top, 0)
    best, node = top, top
    for _ in range(6):
        node = node.getparent()
        if node is None or node is body or node.tag == "html":
            break
        held = good.get(node, 0)
        if held < base * WIDEN_GAIN + 150:
            continue
        text_len = len(norm_space(node.text_content()))
        if held >= WIDEN_SHARE * text_len and link_density(node, text_len) < 0.25:
            best = node
    return best


# An ancestor replaces the chosen box when it holds 1.6x its reading text (+150 chars)
# and reading text is 80% of all its text: lower gains let in teaser lists of other
# stories, lower shares let in page chrome (measured on both benchmark sets).
WIDEN_GAIN = 1.6
WIDEN_SHARE = 0.8


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
                    _drop(c)

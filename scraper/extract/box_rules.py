"""Class and id names of boxes that are never article text, as named rule tables.

:mod:`.clean` matches these against an element's lower-cased class and id (the rows
are written in lower case and searched without IGNORECASE, which makes ``re`` ~3x
slower). Each row names one kind of page furniture, so a test can exercise it alone and
``signals["cleaned"]`` can say what cleaning removed. What each table's rows do to a
box (always drop it, drop it unless it holds real text, drop it when short) is
:mod:`.clean`'s business; the tables only say what the names mean.
"""

from __future__ import annotations

import re

from .rules import Rule, RuleTable

# Boxes dropped wherever they are, unless they wrap the page (broken markup can leave
# the article inside them). Consent banners hold long vendor lists, so size is no test.
ALWAYS = RuleTable((
    Rule("consent", r"cookie|consent|gdpr|onetrust|didomi|usercentrics|qc-cmp"),
    # a forum member's signature under each post ("ipsentry__signature" would pass as
    # content for its "entry")
    Rule("signature", r"signature|(?:^|[\s_-])sig(?:_text|-text|nature)?(?:$|\s)"),
), flags=0)

# Short boxes that describe the article, not part of it; each has its own size test.
FURNITURE = RuleTable((
    # image captions and credits ("inlineimage-imageembedcaption", "caption-full")
    Rule("caption", r"caption|(?:image|img|photo|picture|media)\w*[-_]?credit"),
    Rule("byline", r"byline"),
    # hover cards and tooltips printed inline in a sentence: a name, then a photo and
    # three headlines
    Rule("hover-card", r"rollover|tooltip|popover|hover-?card"),
    # "start your free trial", "get a quote" set in the story
    Rule("call-to-action", r"(?:^|[\s_-])cta(?:$|[\s_-])|call-?to-?action"),
    # the author's bio box ("cs-entry__author-info" would pass as content for its "entry")
    Rule("author-box", r"(?:author|contributor|writer)[-_]?(?:short)?(?:box|bio|info|"
         r"description|details?|card|profile|about|wrapper)|about[-_]?(?:the[-_]?)?author|"
         r"\babh_|saboxplugin|byline-contributor"),
), flags=0)
# A bare "credit" box may hold a reprint credit ("Reprinted with permission from ..."):
# only an image's goes (clean.py asks where it sits).
IMAGE_CREDIT = Rule("image-credit", r"credit", flags=0)

# Names that say "probably not the article": such a box goes unless it holds most of
# the page's text or the article itself.
UNLIKELY = RuleTable((
    Rule("comments", r"comment|disqus|remark|community|shoutbox|wpdiscuz|wpd_comm|wpd-form"),
    Rule("consent-banner", r"cookie|consent|gdpr"),
    Rule("navigation", r"breadcrumb|menu|navbar|nav-|-nav\b|\bnav\b|post-navigation|"
         r"(?:^|[\s_-])pager|pagination|toolbar|jump-to|skip-link"),
    Rule("footer", r"footer"),
    Rule("newsletter", r"newsletter|signup|subscribe|rss"),
    Rule("share", r"share|sharing|social"),
    Rule("related", r"related|recommend|outbrain|taboola|read-next|trending|"
         r"more-(?:stories|news|posts|articles|from)"),
    Rule("sidebar", r"sidebar"),
    Rule("popup", r"modal|popup"),
    Rule("author-bio", r"author-bio|about-author"),
    Rule("not-shown", r"print-only|screen-reader", "text for printers and screen readers"),
    Rule("combx", r"combx", "Readability's list has it"),
), flags=0)

# Weaker hints: such a box goes only when it holds no paragraphs of real text (page
# builders name every content box "widget"; forums name posts "reply").
SOFT_UNLIKELY = RuleTable((
    Rule("advert", r"-ad-|\bads?\b|advert|banner|promo|sponsor|skyscraper"),
    Rule("masthead", r"masthead"),
    Rule("widget", r"widget"),
    Rule("replies", r"replies|reply|respond"),
    Rule("user-info", r"user-?info|usertitle|user-?details|avatar|postprofile|user-?profile|"
         r"mini-?profile|poster-?info|author-?info|message-?user(?:info)?\b|"
         r"message-cell--user|userbox|user-?stats|user-?extras|reputation",
         "a forum poster's box beside each post"),
    Rule("post-furniture", r"posthead|postfoot|signature|postdate|post-?meta"),
    Rule("teaser", r"post__excerpt|post-excerpt|teaser"),
    Rule("tags", r"\btags?\b|tagcloud"),
), flags=0)

# Names of boxes that may hold the article: the two tables above do not apply to them.
CONTENT_HINT = Rule(
    "content-hint", r"and|article|body|column|content|main|shadow|entry|story|text|"
    # a live blog or ticker: its entries are the story, however "comment" names them
    # ("live-match-comment", "lx-commentary")
    r"commentary|(?:^|[\s_-])live-?(?:[a-z]+-)?comments?\b|live-?ticker|live-?blog", flags=0)

# Modal boxes (sign-up and membership offers shown over the page), named "modal",
# "member-modal" or "memberModal" even when their inner box says "modal-content":
# matched on the names as written (case-sensitive).
MODAL = Rule("modal", r"(?:^|[\s_-])[mM]odal(?:$|[\s_-])|[a-z]Modal(?:$|[\s_-])", flags=0)
# A post's vote or reply count, alone on its line (matched on the class as written).
VOTE_BOX = Rule("vote-count", r"vote|score|karma|like-?count|reaction-?count")
# Classes of the common CSS frameworks that hide a box (matched as written).
HIDDEN_CLASS = Rule(
    "hidden-class", r"(?:^|\s)(?:d-none|sr-only|visually-hidden|is-hidden|hide)(?:\s|$)",
    flags=0)

# One search that rules out every row of ALWAYS and FURNITURE (and image credits) for
# most elements.
HINT = re.compile("|".join(f"(?:{r.pattern})" for table in (ALWAYS, FURNITURE)
                           for r in table) + f"|{IMAGE_CREDIT.pattern}")

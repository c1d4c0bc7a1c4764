"""Line-level clean-up of the chosen content: furniture lines ("Previous: ...", "Leave
a comment", counters, sign-in prompts), promotion (newsletter sign-ups, "follow us on",
affiliate disclosures), bylines and datelines, the title repeated, collapsed previews
before their full text, the writer's bio at the end, and the link lists that follow end
headings like "Related stories".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection

from ._dom import url_host
from .blocks import Paragraph
from .dates import MONTH_NAMES, parse_date

_BOILER_LINE = re.compile(
    r"^(?:(?:previous|next|prev|older|newer)(?: (?:post|article|story|entry))?\s*[:»«<>|]|"
    r"leave a (?:comment|reply)|post a comment|add (?:a )?comment|\d+ comments?$|"
    r"comments? (?:will be|are|is) (?:approved|moderated|closed)|"
    r"(?:share|tweet|pin|email) (?:this|on|via)\b|share:?$|"
    r"(?:tags?|filed under|categor(?:y|ies)|topics?|posted in)\s*:|"
    r"(?:related|other|more|recent|popular) (?:articles|posts|stories|news)\b|"
    r"you (?:may|might) also (?:like|enjoy)|read more\b|continue reading|"
    r"(?:sign up|subscribe) (?:for|to) (?:our|the)|all rights reserved|copyright ©|©\s*\d{4}|"
    r"we use cookies|this (?:site|website) uses cookies|advertisement$|"
    r"click here to|follow us on|log ?in to (?:reply|comment)|"
    r"your email address will not be published|required fields are marked|"
    # forum profile boxes, affiliate buttons, widgets still loading
    r"(?:joined|join date|member since|messages|reaction score|points|posts|threads|"
    r"reputation|registered|trophies|solutions|likes? received|\d[\d,.]*k? likes?|likes?)"
    r"\s*:?\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? )?"
    r"[\d,.\-/ ]*$|"
    r"table of contents$|(?:check|see|view) (?:the )?(?:latest )?price (?:at|on)\b|"
    r"best prices today|loading\b.{0,20}\.\.\.$|back to (?:the )?gallery|"
    r"(?:image|photo|slide) \d+ (?:of|/) \d+$|(?:view|open|launch) (?:the )?gallery|"
    r"\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago$|"
    # Q&A and forum furniture: counters, sort bars, sign-in prompts, edit notes
    r"(?:asked|modified|active) \d+ (?:\w+)(?:, \d+ \w+)? ago$|viewed [\d.,]+k? times$|"
    r"sorted by:|explore related questions$|browse other questions tagged|"
    r"find similar questions|start asking to get answers|"
    r"answer the question by asking|you must log in to answer|"
    r"not the answer you(?:'|’)re looking for|"
    r"you need to be a member in order to|sign up for a new account|"
    r"create an account or sign in|already have an account\?|"
    r"you are not logged in\.?$|pages:(?:[\d\s]+|\s*\d.*\bnext)?$|"
    r"not open for further replies\.?$|reactions:\s[^.!?]{1,80}$|"
    r"logged$|quote:$|code: select all$|show more replies$|\d{1,2}(?:y|yrs?|mo|w)$|"
    # a page template's placeholder left unrendered: "{{ board.errors[7].message }}"
    r"\{\{[^{}]*\}\}$|"
    r"(?:last )?edited(?: by [^,]{1,40}| on .{1,40})?(?:, edited \d+ times? in total\.?)?$|"
    r"last edited(?: by|:)|report (?:inappropriate content|post|abuse)$|"
    r"click to (?:expand|shrink)\.*$|"
    r"[\d,.]+k? (?:posts|helpful votes|replies|views|reactions|points|likes)$|"
    # bylines split from their names, reading times, widget labels
    r"(?:written|edited|reviewed|fact[- ]checked|contributing writer)(?: by)?:?$|by:?$|"
    r"(?:(?:opinion|staff|senior|contributing|chief|deputy|managing|associate|executive|guest|"
    r"freelance|news|sports|political|business) )*(?:columnist|reporter|writer|editor|"
    r"correspondent|contributor|photographer|journalist)$|"
    r"\d+ min(?:ute)?s?\.? read$|featured video$|sharing is caring!?$|sponsored$|sign in$|"
    r"see it$|now \d+% off$|enjoyed this (?:piece|article|post)\?|if you liked this\W*$|"
    r"this slideshow requires javascript\.?$|(?:show|hide) caption$|close$|subscribe$|tags:?$|"
    r"don(?:'|’)?t miss:?$|(?:updated|posted|published)(?: at| on)? \d{1,2}:\d\d\s*"
    r"(?:[ap]\.?m\.?)?(?: [a-z]{2,4})?\.?$|.{0,60}\bturn on (?:desktop |push )?notifications\b|"
    r"if you enjoyed this article\b|support \w+ and make a difference|"
    r"a word to our (?:loyal )?readers$|read(?:ing)? time:?\s*\d+\s*min(?:ute)?s?\.?$|"
    r"(?:name|e-?mail|website)\s*\*?$|i agree to the privacy policy|the comment form collects|"
    # post buttons and badges left alone on their line
    r"(?:reply|quote|multi-?quote|like|share|report|permalink|original poster|op posts:?|"
    r"author|thread starter|click for summary)$|"
    r"sign up using \w+|post as a guest$|required, but never shown$|"
    r"by clicking .{0,20}post your answer|\d+ answers?$|see similar questions|"
    r"find the answer to your question|(?:replies|views|original post|wrote on)$|"
    r"top posters in this topic|.{1,60} (?:likes?|liked|thanked) this\.?$|"
    # calls to action and placeholder text left alone on their line
    r"(?:learn more|get started(?: today)?|request a (?:demo|quote)|download now|"
    r"rate this (?:article|post|story))[.!]?$|lorem ipsum\b|"
    r"(?:article continues below|see more in:?|comment via:.*|be the first to comment|"
    r"what do you think\?|sign up|jump to the list|pin (?:it |this )?for later!?|"
    r"share your story|advertisement:.*)$|\(?visited [\d,.]+ times?\b|"
    r"(?:like|enjoy(?:ed)?) this (?:story|article|post)\?|share (?:it|this) with a friend|"
    # a CMS shortcode printed as text: "[button link=...]Send us your review[/button]"
    r"\[(\w+)\b[^\]]*\].*\[/\1\]$)",
    re.IGNORECASE,
)
# Promotion anywhere in a short paragraph: newsletter sign-ups, "follow us on ...",
# the writer's contact line ("Email X at ... or follow him @x", "Have a tip?").
_PROMO = re.compile(
    r"\bby (?:subscribing|signing up|clicking|registering)\b.{0,80}\byou (?:agree|acknowledge|"
    r"confirm)|\bthanks? (?:you )?for (?:subscribing|signing up)\b|"
    r"\b(?:join|subscribe to|sign up for) our (?:free )?(?:\w+ )?(?:mailing list|newsletters?)\b|"
    r"\b(?:delivered|sent)(?: \w+){0,2} (?:right |straight |directly )?to your (?:email )?inbox|"
    r"\b(?:right|straight) (?:in|to|into) your (?:email )?inbox|"
    r"^(?:\W*\w+\W+){0,6}(?:sign up|subscribe) (?:now|today|below|here)\b|"
    r"^get the latest .{0,60}\bnewsletters?\b|"
    r"(?:^|[.!?:*]\s*|\b(?:and|or|also|please)\s+)follow (?:us|him|her|me|them|@\w+|"
    r"[\w.'’]+(?: [\w.'’]+){0,6}) (?:on|at) (?:twitter|"
    r"facebook|instagram|x|linkedin|tiktok|youtube|threads|bluesky|pinterest)\b|"
    r"\bfollow (?:him|her|me|us|them) (?:at )?@\w+|"
    r"\b(?:may|can) be reached (?:at|by|via) (?:e-?mail|phone|\S+@|\(?\d{3})|"
    r"^have a (?:news )?tip\?|^e-?mail \w+(?: \w+)? at \S+@|"
    r"^join our .{0,40}\b(?:forums?|community|discord)\b|"
    r"^contact (?:[\w.'’-]+ ){1,4}at (?:\S+@|\(?\d{3})",
    re.IGNORECASE,
)
PROMO_MAX_TEXT = 400
# Affiliate disclosures ("This post contains affiliate links", "When you buy through
# our links, we may earn a commission"): required by advertising rules, not the story.
_DISCLOSURE = re.compile(
    r"\b(?:(?:contains?|uses?|includes?) (?:some )?affiliate links|(?:we|i) (?:may |might |will )?"
    r"(?:\w+ )?(?:earn|receive|make|get) (?:a |an )?(?:small |affiliate )*(?:commissions?|"
    r"compensation|kick ?back)|may earn (?:us )?(?:a |an )?(?:small |affiliate )*commission|"
    r"as an amazon associate|(?:buying|when you (?:buy|purchase|shop)|if you (?:buy|purchase)\b"
    r".{0,30}) (?:something )?through (?:our |the |these |links on )?(?:\w+ )?"
    r"(?:links?|site|page))\b",
    re.IGNORECASE,
)
DISCLOSURE_MAX_TEXT = 500
# Words every match of the patterns above contains.
_PROMO_KEYS = ("subscrib", "sign", "clicking", "registering", "inbox", "newsletter", "mailing",
               "follow", "reached", "tip?", "mail", "join", "contact")
_DISCLOSURE_KEYS = ("affiliate", "commission", "compensation", "kick", "amazon", "through")
_WORD = re.compile(r"[^\W_]")
_BYLINE = re.compile(
    r"^(?i:(?:written|posted|reported|words)\s+)?(?i:by):?\s+[A-Z][\w.'’-]*"
    r"(?:\s+(?:[A-Z][\w.'’-]*|and|&|de|da|van|von|der|le|la))*\s*(?:[|,•·].{0,60})?$"
)
_CAPTION = re.compile(
    r"^(?:(?:photo|image|picture|video)s?(?: by| credit)?|credit|caption)\s*(?::.{0,60})?$",
    re.IGNORECASE,
)
_DATELINE_WORDS = MONTH_NAMES | {
    "published", "updated", "posted", "modified", "last", "on", "at", "am", "pm", "a.m.",
    "p.m.", "et", "est", "edt", "ct", "cst", "cdt", "pt", "pst", "pdt", "mt", "mst", "mdt",
    "utc", "gmt", "bst", "cet", "cest", "ist", "aest", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "mon", "tue", "wed", "thu", "fri", "sat",
    "sun", "st", "nd", "rd", "th", "of", "the",
}


_TERMINAL_HEADING = re.compile(
    r"^(?:other articles|related(?: articles| posts| stories| content| news)?|"
    r"(?:\d+ )?comments?|leave a (?:comment|reply)|you (?:may|might) also like|"
    r"more (?:from|on|stories|articles|news)\b.*|recommended(?: for you)?|"
    r"read (?:next|more)|popular(?: posts| articles)?|trending|share this(?: article| post)?|"
    r"about the author|most (?:read|popular|viewed)|"
    r"(?:recommended|trending|top|latest|more great \w+) (?:stories|news|videos)|"
    r"(?:what )?others are reading|keep reading|related reads?|related:|"
    r"your (?:answer|reply))\s*:?$",
    re.IGNORECASE,
)


def _is_dateline(text: str) -> bool:
    """A line that only says when ("Updated 5:27 am CST, Wednesday, November 20, 2019")."""
    if len(text) > 100 or not parse_date(text):
        return False
    words = re.findall(r"[^\W\d_][\w.]*", text.lower())
    return all(w.rstrip(".") in _DATELINE_WORDS or w in _DATELINE_WORDS for w in words)


def is_boilerplate_line(text: str) -> bool:
    """Short lines that are page furniture or promotion, not article text."""
    if len(text) < 160 and _BOILER_LINE.match(text):
        return True
    if len(text) >= DISCLOSURE_MAX_TEXT:
        return False
    low = text.lower()  # substring tests first: the patterns are slow on every paragraph
    if len(text) < PROMO_MAX_TEXT and any(k in low for k in _PROMO_KEYS) and _PROMO.search(text):
        return True
    return any(k in low for k in _DISCLOSURE_KEYS) and bool(_DISCLOSURE.search(text))


def drop_boilerplate(
    paragraphs: list[Paragraph], title: str | None, keep: Callable[[Paragraph], bool],
    host: str | None = None, post_dates: Collection[str] = (),
) -> list[Paragraph]:
    """Remove furniture lines, the title repeated, and link lists after end headings.

    ``keep`` protects paragraphs (attribution lines, which are often a lone link);
    ``post_dates`` are the dates heading a thread's posts, kept on their own line.
    """
    out: list[Paragraph] = []
    seen: set[str] = set()
    quoting = False
    title_l = (title or "").lower()
    after_terminal = False
    for para in paragraphs:
        text = para.text
        if keep(para):
            out.append(para)
            quoting = True
            continue
        if _TERMINAL_HEADING.match(text) and len(text) < 60:
            after_terminal = True
            continue
        if after_terminal:
            if len(text) < 150 or para.link_density > 0.3:
                continue
            after_terminal = False
        if is_boilerplate_line(text) or not _WORD.search(text):
            continue  # furniture, or no word at all (zero-width joiners, star ratings)
        if len(text) < 120 and (_BYLINE.match(text) or _CAPTION.match(text)
                                or (_is_dateline(text) and text not in post_dates)):
            continue  # the byline, dateline and photo credits are metadata, not body
        if title_l and text.lower() == title_l and para.tag in ("h1", "h2", "div", "p"):
            continue
        if para.link_density > 0.6 and len(text) < 300 and para.quote is None and \
                not _cites_elsewhere(para, host):
            continue
        if len(text) >= 40 and para.quote is None and not quoting:
            if text in seen:
                # gallery captions repeated, or the whole article twice (a mobile and a
                # desktop copy); quoted text (after a credit) may repeat
                continue
            seen.add(text)
        quoting = False
        out.append(para)
    return _drop_previews(_drop_end_bios(out, keep))


def _cites_elsewhere(para: Paragraph, host: str | None) -> bool:
    """A line that is one link to another site, worded as a sentence ("Always save remote
    image data" linking a change request): a cited item, not the site's own navigation."""
    if not host or len(para.links) != 1 or len(para.text.split()) < 4:
        return False
    other = url_host(para.links[0][1])
    return bool(other) and not _same_site(other, host)


def _same_site(a: str, b: str) -> bool:
    a, b = a.removeprefix("www."), b.removeprefix("www.")
    return a == b or a.endswith("." + b) or b.endswith("." + a)


_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.)?\s*(?:\(?(?:read|see|show) more\)?|more)?\s*$",
                       re.IGNORECASE)
PREVIEW_MIN_TEXT = 100  # headings and list items may start the next paragraph
PREVIEW_REACH = 3  # the full text follows within this many paragraphs


def _drop_previews(paras: list[Paragraph]) -> list[Paragraph]:
    """Drop a collapsed preview shown before its full text ("It was brutal. It had…"
    then the whole answer): the full paragraph that starts with it says it all."""
    out: list[Paragraph] = []
    for i, para in enumerate(paras):
        head = _ELLIPSIS.sub("", para.text)
        if len(head) >= PREVIEW_MIN_TEXT and para.quote is None and any(
                len(q.text) > len(head) and q.text.startswith(head) and q.quote is None
                for q in paras[i + 1:i + 1 + PREVIEW_REACH]):
            continue
        out.append(para)
    return out


# The writer's bio closing the story: "Jane Roe is a freelance writer who covers ...".
_BIO = re.compile(
    r"^\(?(?:(?:Dr|Mr|Ms|Mrs|Prof)\.? )?[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]*){0,3},? "
    r"(?:is (?:a|an|the|also|our|currently|adjunct)\b|has written (?:for|about)|"
    r"writes (?:about|for)|covers)"
)
_BIO_ROLE = re.compile(
    r"\b(?:writer|editor|journalist|reporter|correspondent|columnist|contributor|author|"
    r"professor|faculty|director|founder|co-founder|ceo|cto|attorney|lawyer|analyst|"
    r"specialist|consultant|researcher|fellow|physician|executive|strategist)\b",
    re.IGNORECASE,
)
BIO_MAX_TEXT = 700
BIO_MIN_WORDS = 10
BIO_LAST = 3  # a bio is one of the story's last three paragraphs


def _is_bio(text: str) -> bool:
    """A name, "is a ...", and a job in the first sentence, in ten words or more ("Jane
    is a fine writer." in a reader's reply is not a bio)."""
    if len(text) >= BIO_MAX_TEXT or len(text.split()) < BIO_MIN_WORDS or not _BIO.match(text):
        return False
    return bool(_BIO_ROLE.search(text[:250].split(". ")[0]))


def _drop_end_bios(paras: list[Paragraph], keep: Callable[[Paragraph], bool]
                   ) -> list[Paragraph]:
    """Drop writers' bios among the last paragraphs (quoted or protected ones stay)."""
    start = max(0, len(paras) - BIO_LAST)
    return paras[:start] + [p for p in paras[start:]
                            if p.quote is not None or keep(p) or not _is_bio(p.text)]

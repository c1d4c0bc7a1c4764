"""Line-level clean-up of the chosen content: furniture lines ("Previous: ...", "Leave
a comment", counters, sign-in prompts), promotion (newsletter sign-ups, "follow us on",
affiliate disclosures), bylines and datelines, the title repeated, collapsed previews
before their full text, the writer's bio at the end, and the link lists that follow end
headings like "Related stories".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection

from ._dom import url_host
from .blocks import Paragraph
from .dates import MONTH_NAMES, parse_date
from .rules import Rule, RuleTable

# Page furniture, each kind a named row (matched at the start of a line under 160
# characters; ``$`` rows must be the whole line).
LINE_RULES = RuleTable((
    Rule("prev-next", r"(?:previous|next|prev|older|newer)"
         r"(?: (?:post|article|story|entry))?\s*[:»«<>|]"),
    Rule("comment-prompt", r"leave a (?:comment|reply)|post a comment|add (?:a )?comment|"
         r"\d+ comments?$|comments? (?:will be|are|is) (?:approved|moderated|closed)"),
    Rule("share-prompt", r"(?:share|tweet|pin|email) (?:this|on|via)\b|share:?$"),
    Rule("taxonomy", r"(?:tags?|filed under|categor(?:y|ies)|topics?|posted in)\s*:"),
    Rule("related-label", r"(?:related|other|more|recent|popular) "
         r"(?:articles|posts|stories|news)\b|"
         r"you (?:may|might) also (?:like|enjoy)"),
    Rule("read-more", r"read more\b|continue reading"),
    Rule("subscribe-label", r"(?:sign up|subscribe) (?:for|to) (?:our|the)"),
    Rule("copyright", r"all rights reserved|copyright ©|©\s*\d{4}"),
    Rule("cookie-notice", r"we use cookies|this (?:site|website) uses cookies"),
    Rule("advertisement", r"advertisement$"),
    Rule("click-here", r"click here to|follow us on|log ?in to (?:reply|comment)"),
    Rule("comment-form", r"your email address will not be published|required fields are marked"),
    Rule("profile-stat", r"(?:joined|join date|member since|messages|reaction score|points|posts|"
         r"threads|reputation|registered|trophies|solutions|likes? received|\d[\d,.]*k? likes?|"
         r"likes?)\s*:?\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? )?"
         r"[\d,.\-/ ]*$", "forum profile boxes"),
    Rule("shop-widget", r"table of contents$|(?:check|see|view) (?:the )?(?:latest )?price "
         r"(?:at|on)\b|best prices today|loading\b.{0,20}\.\.\.$"),
    Rule("gallery", r"back to (?:the )?gallery|(?:image|photo|slide) \d+ (?:of|/) \d+$|"
         r"(?:view|open|launch) (?:the )?gallery"),
    Rule("time-ago", r"\d+ (?:seconds?|minutes?|hours?|days?|weeks?|months?|years?) ago$"),
    Rule("qa-counter", r"(?:asked|modified|active) \d+ (?:\w+)(?:, \d+ \w+)? ago$|"
         r"viewed [\d.,]+k? times$|sorted by:|explore related questions$|"
         r"browse other questions tagged|find similar questions|"
         r"start asking to get answers|answer the question by asking|"
         r"you must log in to answer|not the answer you(?:'|’)re looking for",
         "Q&A furniture: counters, sort bars, sign-in prompts"),
    Rule("sign-in", r"you need to be a member in order to|sign up for a new account|"
         r"create an account or sign in|already have an account\?|you are not logged in\.?$"),
    Rule("thread-furniture", r"pages:(?:[\d\s]+|\s*\d.*\bnext)?$|not open for further replies\.?$|"
         r"reactions:\s[^.!?]{1,80}$|logged$|quote:$|code: select all$|show more replies$|"
         r"\d{1,2}(?:y|yrs?|mo|w)$"),
    Rule("template-placeholder", r"\{\{[^{}]*\}\}$", "a template left unrendered"),
    Rule("edit-note", r"(?:last )?edited(?: by [^,]{1,40}| on .{1,40})?"
         r"(?:, edited \d+ times? in total\.?)?$|last edited(?: by|:)|"
         r"report (?:inappropriate content|post|abuse)$|click to (?:expand|shrink)\.*$"),
    Rule("post-counter",
         r"[\d,.]+k? (?:posts|helpful votes|replies|views|reactions|points|likes)$"),
    Rule("byline-label", r"(?:written|edited|reviewed|fact[- ]checked|contributing writer)"
         r"(?: by)?:?$|by:?$|(?:(?:opinion|staff|senior|contributing|chief|deputy|managing|"
         r"associate|executive|guest|freelance|news|sports|political|business) )*"
         r"(?:columnist|reporter|writer|editor|correspondent|contributor|photographer|"
         r"journalist)$", "bylines split from their names"),
    Rule("widget-label", r"\d+ min(?:ute)?s?\.? read$|featured video$|sharing is caring!?$|"
         r"sponsored$|sign in$|see it$|now \d+% off$|enjoyed this (?:piece|article|post)\?|"
         r"if you liked this\W*$|this slideshow requires javascript\.?$|(?:show|hide) caption$|"
         r"close$|subscribe$|tags:?$|don(?:'|’)?t miss:?$"),
    Rule("time-stamp", r"(?:updated|posted|published)(?: at| on)? \d{1,2}:\d\d\s*"
         r"(?:[ap]\.?m\.?)?(?: [a-z]{2,4})?\.?$"),
    Rule("notification-prompt", r".{0,60}\bturn on (?:desktop |push )?notifications\b|"
         r"if you enjoyed this article\b|support \w+ and make a difference|"
         r"a word to our (?:loyal )?readers$"),
    Rule("reading-time", r"read(?:ing)? time:?\s*\d+\s*min(?:ute)?s?\.?$"),
    Rule("form-label", r"(?:name|e-?mail|website)\s*\*?$|i agree to the privacy policy|"
         r"the comment form collects"),
    Rule("post-button", r"(?:reply|quote|multi-?quote|like|share|report|permalink|"
         r"original poster|op posts:?|author|thread starter|click for summary)$|"
         r"sign up using \w+|post as a guest$|required, but never shown$|"
         r"by clicking .{0,20}post your answer|\d+ answers?$|see similar questions|"
         r"find the answer to your question|(?:replies|views|original post|wrote on)$|"
         r"top posters in this topic|.{1,60} (?:likes?|liked|thanked) this\.?$",
         "post buttons and badges left alone on their line"),
    Rule("call-to-action", r"(?:learn more|get started(?: today)?|request a (?:demo|quote)|"
         r"download now|rate this (?:article|post|story))[.!]?$|lorem ipsum\b|"
         r"(?:article continues below|see more in:?|comment via:.*|be the first to comment|"
         r"what do you think\?|sign up|jump to the list|pin (?:it |this )?for later!?|"
         r"share your story|advertisement:.*)$|\(?visited [\d,.]+ times?\b|"
         r"(?:like|enjoy(?:ed)?) this (?:story|article|post)\?|share (?:it|this) with a friend"),
    Rule("shortcode", r"\[(?P<sc>\w+)\b[^\]]*\].*\[/(?P=sc)\]$",
         'a CMS shortcode printed as text: "[button link=...]Send us your review[/button]"'),
    # The same furniture in the other languages of the evaluation pages (German, French,
    # Spanish, Italian, Portuguese, Polish, Dutch): a general list, one row per kind.
    Rule("share-prompt-intl", r"(?:artikel|beitrag|seite|seiten?inhalt) (?:teilen|empfehlen)|"
         r"teilen:?$|partager(?: cet article| sur)?:?$|compartir(?: en)?:?$|condividi:?$|"
         r"partilhar:?$|compartilhe:?$|udostępnij:?$|delen:?$|"
         r"(?:möchten sie |artikel )?(?:den artikel )?(?:teilen|weiterempfehlen)\?$"),
    Rule("print-intl", r"(?:rezept |artikel |seite )?drucken$|imprimer$|imprimir$|stampa$|"
         r"drukuj$|print(?: this)?(?: article| page| recipe)?$"),
    Rule("read-more-intl", r"weiterlesen\b|mehr lesen$|(?:jetzt )?mehr erfahren$|lire la suite|"
         r"leer más|leggi (?:tutto|di più)|czytaj (?:dalej|więcej)|lees meer|ler mais"),
    Rule("comment-prompt-intl", r"kommentare? (?:schreiben|geschlossen|verfassen)$|kommentieren$|"
         r"(?:noch )?keine kommentare|diskutieren sie mit\b|schreiben sie einen kommentar|"
         r"du musst angemeldet sein, um einen kommentar|sie müssen sich einloggen|"
         r"laisser un commentaire|deja un comentario|lascia un commento|"
         r"kommentare insgesamt:?|aufrufe:?$"),
    Rule("rating-prompt", r"(?:war (?:der|dieser) (?:artikel|beitrag) (?:nützlich|hilfreich)|"
         r"wie (?:bewerten|fanden) sie diesen (?:artikel|beitrag)|valora esta noticia|"
         r"(?:noch keine|\d+) bewertungen?)\W*$|\(noch keine bewertungen\)"),
    Rule("advertisement-intl", r"[-–(]?\s*(?:anzeige|werbung|publicité|publicidad|pubblicità|"
         r"reklama|advertentie)\s*[-–):]?$|anzeige:"),
    Rule("permalink-intl", r"permalien$|permalink$|lien permanent$"),
    Rule("photo-credit", r"(?:(?:title )?photo(?:graph)?s?|fotos?|bild(?:er)?|titelbild|"
         r"abbildung|image|picture|crédits? photos?|fotografía)(?: by| credit| von| de)?\s*:"
         r"?\s*[^.!?]{0,80}$|.{1,60},? (?:photo|foto|bild):?$|"
         r".{1,60}/\s*(?:getty images|wenn\.com|reuters|afp|dpa|ap|imago|shutterstock|"
         r"istock(?:photo)?|picture alliance)\w*$|getty images$",
         "a photo credit or caption label on its own line"),
    Rule("dateline-intl", r"(?:aktualisiert|veröffentlicht|stand|publié|mis à jour|publicado|"
         r"actualizado|pubblicato|aggiornato)(?: am| le| el| il)?:?$|"
         r"\d{1,2}[:.]\d\d\s*(?:uhr|h)$|\d{1,2}\.\s?\d{1,2}\.\s?\d{2,4}$",
         "a date or time alone on its line, in the other languages"),
    Rule("byline-label-intl", r"(?:von|par|por|di|door|przez|autor(?:in)?|auteur):?$"),
    Rule("widget-label-intl", r"lade weitere inhalte|externer inhalt$|mehr anzeigen$|"
         r"(?:mehr|weitere) laden$|alle anzeigen$|nach oben$|zurück(?: zur übersicht)?$|"
         r"voir plus$|charger plus$|ver más$|cargar más$|mostra (?:di più|altro)$"),
    Rule("taxonomy-intl", r"(?:schlagworte|schlagwörter|stichworte|themen|kategorien?|"
         r"mots-clés|étiquettes|etiquetas|categorías|tematy|tagi)\s*:?$"),
))
# A heading after which the rest is a link list: "Related stories", "Lesen Sie auch".
TERMINAL_HEADINGS = RuleTable((
    Rule("related", r"other articles|related(?: articles| posts| stories| content| news| "
         r"coverage)?|related reads?|related:|explore further"),
    Rule("comments", r"(?:\d+ )?comments?|leave a (?:comment|reply)|your (?:answer|reply)"),
    Rule("also-like", r"you (?:may|might) also like|(?:what )?others are reading|keep reading"),
    Rule("more-from", r"more (?:from|on|stories|articles|news)\b.*|recommended(?: for you)?|"
         r"read (?:next|more)|popular(?: posts| articles)?|trending|most (?:read|popular|viewed)|"
         r"(?:recommended|trending|top|latest|more great \w+) (?:stories|news|videos)"),
    Rule("share", r"share this(?: article| post)?"),
    Rule("about-author", r"about the author|über (?:den|die) autor(?:in)?|à propos de l'auteur"),
    Rule("related-de", r"(?:das|dies) (?:könnte|dürfte) (?:sie|dich|euch) (?:auch|ebenfalls) "
         r"interessieren!?|(?:mehr|weiteres) zum thema|(?:lesen sie|lies) (?:auch|mehr)|"
         r"auch interessant|(?:verwandte|ähnliche|weitere) (?:artikel|beiträge|themen|meldungen)|"
         r"empfehlungen(?: aus .{1,40})?|aktuelle berichte aus dieser kategorie|"
         r"mehr (?:kolumnen|artikel|beiträge|nachrichten) .{0,40}|weitere informationen|"
         r"weiterführende (?:links?|"
         r"informationen|artikel)|nächster artikel|vorheriger artikel"),
    Rule("related-fr", r"(?:à |a )?lire aussi|sur le même sujet|dans la même rubrique|"
         r"articles? (?:similaires|liés|connexes)|vous aimerez aussi|(?:à|a) voir aussi"),
    Rule("related-es-pt-it", r"(?:temas|noticias|artículos|articulos) relacionad[oa]s|"
         r"te puede interesar|lee también|veja também|leia também|(?:leggi|vedi) anche|"
         r"articoli correlati|contexto de la noticia"),
    Rule("related-pl-nl", r"zobacz (?:również|też|także)|czytaj (?:też|także|również)|"
         r"podobne artykuły|lees ook|gerelateerde artikelen|meer over dit onderwerp"),
), suffix=r"\s*:?$")

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
    r"^(?i:(?:written|posted|reported|words)\s+)?(?i:by|von|par|por):?\s+[A-Z][\w.'’-]*"
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
    # the same in the other languages of the evaluation pages (de, fr, es, it, pt, nl)
    "uhr", "um", "vom", "aktualisiert", "veröffentlicht", "publiziert", "erschienen",
    "geändert", "zuletzt", "stand", "montag", "dienstag", "mittwoch", "donnerstag",
    "freitag", "samstag", "sonntag", "publié", "mis", "à", "jour", "le", "h", "lundi",
    "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "publicado",
    "actualizado", "el", "de", "a", "las", "pubblicato", "aggiornato", "il", "alle", "ore",
    "gepubliceerd", "bijgewerkt", "op", "om",
}


def _is_dateline(text: str) -> bool:
    """A line that only says when ("Updated 5:27 am CST, Wednesday, November 20, 2019")."""
    if len(text) > 100 or not parse_date(text):
        return False
    words = re.findall(r"[^\W\d_][\w.]*", text.lower())
    return all(w.rstrip(".") in _DATELINE_WORDS or w in _DATELINE_WORDS for w in words)


def boilerplate_rule(text: str) -> str | None:
    """The name of the rule that makes ``text`` page furniture or promotion (a row of
    :data:`LINE_RULES`, ``promotion`` or ``disclosure``), or ``None`` for article text."""
    if len(text) < 160:
        name = LINE_RULES.match(text)
        if name:
            return name
    if len(text) >= DISCLOSURE_MAX_TEXT:
        return None
    low = text.lower()  # substring tests first: the patterns are slow on every paragraph
    if len(text) < PROMO_MAX_TEXT and any(k in low for k in _PROMO_KEYS) and _PROMO.search(text):
        return "promotion"
    if any(k in low for k in _DISCLOSURE_KEYS) and _DISCLOSURE.search(text):
        return "disclosure"
    return None


def is_boilerplate_line(text: str) -> bool:
    """Short lines that are page furniture or promotion, not article text."""
    return boilerplate_rule(text) is not None


def drop_boilerplate(
    paragraphs: list[Paragraph], title: str | None, keep: Callable[[Paragraph], bool],
    host: str | None = None, post_dates: Collection[str] = (),
    dropped: Counter[str] | None = None,
) -> list[Paragraph]:
    """Remove furniture lines, the title repeated, and link lists after end headings.

    ``keep`` protects paragraphs (attribution lines, which are often a lone link);
    ``post_dates`` are the dates heading a thread's posts, kept on their own line;
    ``dropped`` counts the lines each rule removed, by the rule's name.
    """
    out: list[Paragraph] = []
    seen: set[str] = set()
    quoting = False
    title_l = (title or "").lower()
    after_terminal = False
    tally: Counter[str] = Counter() if dropped is None else dropped
    for para in paragraphs:
        text = para.text
        if keep(para):
            out.append(para)
            quoting = True
            continue
        heading = TERMINAL_HEADINGS.match(text) if len(text) < 60 else None
        if heading:
            after_terminal = True
            tally[f"end-heading:{heading}"] += 1
            continue
        if after_terminal:
            if len(text) < 150 or para.link_density > 0.3:
                tally["after-end-heading"] += 1
                continue
            after_terminal = False
        rule = boilerplate_rule(text) or (None if _WORD.search(text) else "no-word")
        if rule:
            tally[rule] += 1
            continue  # furniture, or no word at all (zero-width joiners, star ratings)
        rule = _metadata_line(text, post_dates) if len(text) < 120 else None
        if rule:
            tally[rule] += 1
            continue  # the byline, dateline and photo credits are metadata, not body
        if title_l and text.lower() == title_l and para.tag in ("h1", "h2", "div", "p"):
            tally["title-repeated"] += 1
            continue
        if para.link_density > 0.6 and len(text) < 300 and para.quote is None and \
                not _cites_elsewhere(para, host):
            tally["link-line"] += 1
            continue
        if len(text) >= 40 and para.quote is None and not quoting:
            if text in seen:
                # gallery captions repeated, or the whole article twice (a mobile and a
                # desktop copy); quoted text (after a credit) may repeat
                tally["repeated"] += 1
                continue
            seen.add(text)
        quoting = False
        out.append(para)
    kept = _drop_end_bios(out, keep)
    tally["end-bio"] += len(out) - len(kept)
    final = _drop_previews(kept)
    tally["preview"] += len(kept) - len(final)
    for name in ("end-bio", "preview"):
        if not tally[name]:
            del tally[name]
    return final


def _metadata_line(text: str, post_dates: Collection[str]) -> str | None:
    if _BYLINE.match(text):
        return "byline"
    if _CAPTION.match(text):
        return "caption"
    if _is_dateline(text) and text not in post_dates:
        return "dateline"
    return None


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
_TAIL = 40  # longer than any ending the pattern removes


def _drop_previews(paras: list[Paragraph]) -> list[Paragraph]:
    """Drop a collapsed preview shown before its full text ("It was brutal. It had…"
    then the whole answer): the full paragraph that starts with it says it all."""
    out: list[Paragraph] = []
    for i, para in enumerate(paras):
        text = para.text
        if len(text) < PREVIEW_MIN_TEXT or para.quote is not None:
            out.append(para)
            continue
        # the ellipsis and "read more" end the text: the pattern runs on its tail only
        # (a $-anchored pattern that starts with \s* is slow on long paragraphs)
        head = text[:-_TAIL] + _ELLIPSIS.sub("", text[-_TAIL:])
        if len(head) >= PREVIEW_MIN_TEXT and any(
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

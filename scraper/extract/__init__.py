"""Extraction: from page bytes to an :class:`archive.types.Article`.

Stages, one module each: decoding (``scraper.encoding``), metadata and title
(:mod:`.metadata`, :mod:`.title`, dates in :mod:`.dateline`), discussion detection
(:mod:`.discussion`), the standfirst under the headline (:mod:`.standfirst`), tree
cleaning (:mod:`.clean`), main-content choice (:mod:`.main_content`, threads in
:mod:`.posts`), teasers (:mod:`.teasers`), paragraphs (:mod:`.blocks`), line rules as named
tables (:mod:`.boilerplate`, :mod:`.rules`), a second opinion on the main text
(:mod:`.safeguard`), attributions (:mod:`.attributions`).

``extract_article`` never raises on page content: empty, binary, broken or enormous
input gives an article with empty fields, because one odd page must not stop a crawl.
Every field carries its signal (``Article.signals``) and a confidence in [0, 1]
(``Article.confidence``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

import lxml.html

from archive.types import Article

from ..config import ExtractSettings
from ._dom import parse_html, to_text, url_host
from .attributions import (
    Found,
    LinePattern,
    annotate_quote_credits,
    compile_patterns,
    is_attribution_line,
    locate,
    split_attributions,
)
from .blocks import Paragraph, collect_paragraphs
from .boilerplate import drop_boilerplate
from .clean import clean_tree
from .discussion import is_discussion
from .echoes import drop_echoes, echoed_quotes
from .language import detect_language
from .main_content import find_main
from .metadata import Metadata, extract_metadata
from .posts import post_dates, question_answers, thread_opening
from .safeguard import alternatives, reading_chars, weigh
from .script_posts import script_opening, script_payloads, script_posts
from .standfirst import Standfirst, belongs, find_standfirst
from .teasers import drop_teasers
from .title import headline

__all__ = ["Extractor", "extract_article"]


class Extractor:
    """Extracts articles with one set of settings (patterns compiled once).

    Usage::

        extractor = Extractor(settings.extract)
        article = extractor.extract(html_bytes, url="https://example.org/a")
    """

    def __init__(self, settings: ExtractSettings | None = None) -> None:
        settings = settings or ExtractSettings()
        self._patterns: list[LinePattern] = compile_patterns(
            [(p.name, p.regex, p.applies_to) for p in settings.attribution_patterns]
        )

    def extract(self, html: bytes | str, url: str | None = None,
                content_type: str | None = None) -> Article:
        """Extract one page.

        Args:
            html: the page, as fetched (bytes, charset sniffed) or as text.
            url: where it came from; resolves links and gives a URL-date fallback.
            content_type: the HTTP Content-Type header, for its charset.

        Returns:
            The article; never raises for any page content.
        """
        root = parse_html(to_text(html, content_type))
        meta = extract_metadata(root, url)
        annotate_quote_credits(root, url)
        discussion = is_discussion(root, url)
        payloads = script_payloads(root)
        lead = None if discussion else find_standfirst(root, meta.headline_element)
        cleaned: Counter[str] = Counter()
        clean_tree(root, discussion, cleaned)  # after metadata, which reads scripts and meta
        if cleaned:  # which named box rules removed what, for anyone asking why text is gone
            meta.signals["cleaned"] = _tally(cleaned)
        main = _thread_parts(root, find_main(root, discussion), discussion, meta, payloads)
        if not discussion:
            drop_teasers(main, url)
        echoed = echoed_quotes(main) if discussion else set()
        heads = post_dates(main) if discussion else set()
        kept, found = self._paragraphs(main, meta, url, heads, lead=lead)
        if echoed:
            kept, found = drop_echoes(kept, found, echoed)
        agree = 0  # alternative readings backing the body (threads: their own post rules)
        if not discussion:
            kept, found, agree = self._second_opinion(root, main, kept, found, meta, url, lead)
        if sum(len(p.text) for p in kept) < SCRIPT_BODY_MIN:
            # A script-rendered thread: its posts may be in the page's script data.
            posts = script_posts(payloads)
            if posts:
                before = meta.signals.get("dropped")
                alt = self._paragraphs(posts, meta, url)
                if sum(len(p.text) for p in alt[0]) > sum(len(p.text) for p in kept):
                    kept, found = alt
                    meta.signals["body"] = "script"
                else:
                    _restore(meta.signals, "dropped", before)
        offsets: list[tuple[int, int]] = []
        pos = 0
        for para in kept:
            offsets.append((pos, pos + len(para.text)))
            pos += len(para.text) + 2
        body = "\n\n".join(p.text for p in kept)
        if not body and meta.description:
            # Script-rendered pages (Discourse, SPA shells) ship no text in the markup;
            # their description is the opening of the post, better than nothing.
            body = meta.description
            meta.signals["body"] = "description"
        meta.signals.setdefault("body", "main")
        meta.confidence["body"] = body_confidence(meta.signals["body"], agree, body)
        if not meta.language:
            meta.offer("language", detect_language(body), "langid")
        return _article(meta, url, body, tuple(locate(found, offsets, body)))

    def _second_opinion(self, root: lxml.html.HtmlElement, main: list[lxml.html.HtmlElement],
                        kept: list[Paragraph], found: list[Found], meta: Metadata,
                        url: str | None, lead: Standfirst | None,
                        ) -> tuple[list[Paragraph], list[Found], int]:
        """Weigh our main text against the alternatives (:mod:`.safeguard`) and take
        the better-supported one when ours is far shorter."""
        ours = sum(len(p.text) for p in kept)
        verdict = weigh(main, reading_chars([(p.text, p.link_density) for p in kept]),
                        alternatives(root, _headline_now(root, meta), lead), meta.article_body,
                        lead, " ".join(p.text for p in kept[:8])[:OPENING_CHARS])
        meta.signals["body"] = verdict.path
        if verdict.use is None:
            return kept, found, len(verdict.agree)
        alt_main = [verdict.use.element]
        drop_teasers(alt_main, url)
        before = meta.signals.get("dropped")
        alt, alt_found = self._paragraphs(alt_main, meta, url, start=verdict.use.after,
                                          lead=lead)
        if sum(len(p.text) for p in alt) >= max(verdict.gain * ours, 1):
            return alt, alt_found, len(verdict.agree)
        meta.signals["body"] = "main"
        _restore(meta.signals, "dropped", before)
        return kept, found, 0

    def _paragraphs(self, main: list[lxml.html.HtmlElement], meta: Metadata,
                    url: str | None, heads: Collection[str] = (),
                    start: lxml.html.HtmlElement | None = None,
                    lead: Standfirst | None = None,
                    ) -> tuple[list[Paragraph], list[Found]]:
        paragraphs = collect_paragraphs(main, url)
        if start is not None:  # the text under the headline: what comes before it goes
            paragraphs = _after(paragraphs, main[0], start)
        if lead is not None and belongs(lead, main, " ".join(p.text for p in paragraphs)):
            paragraphs.insert(0, Paragraph(lead.text, "p", element=lead.element))
        dropped: Counter[str] = Counter()
        paragraphs = drop_boilerplate(
            paragraphs, meta.title, lambda p: is_attribution_line(p, self._patterns),
            url_host(url) or None, heads, dropped,
        )
        if dropped:  # which named rules removed lines, for anyone asking why text is gone
            meta.signals["dropped"] = _tally(dropped)
        else:
            meta.signals.pop("dropped", None)
        return split_attributions(paragraphs, self._patterns)


def _headline_now(root: lxml.html.HtmlElement, meta: Metadata) -> lxml.html.HtmlElement | None:
    """The headline element in the cleaned tree: the one found before cleaning if it is
    still there, else a search again."""
    el = meta.headline_element
    if el is not None and any(a is root for a in el.iterancestors()):
        return el
    return headline(root, meta.title)


def _tally(counts: Counter[str]) -> str:
    """Rule names with their counts, as ``signals`` show them ("share×2, footer")."""
    return ", ".join(f"{name}×{n}" if n > 1 else name for name, n in sorted(counts.items()))


def _restore(signals: dict[str, str], key: str, value: str | None) -> None:
    """Put back a signal that a rejected alternative overwrote."""
    if value is None:
        signals.pop(key, None)
    else:
        signals[key] = value


# How much of our body's start a summary under the headline is compared with.
OPENING_CHARS = 1500
# The text under the headline replaces a choice that misses the story's opening when it
# gives at least this share of its text (a list of names can be as long as the story).
LEDE_GAIN = 0.5


def _after(paragraphs: list[Paragraph], region: lxml.html.HtmlElement,
           start: lxml.html.HtmlElement) -> list[Paragraph]:
    """The paragraphs read from ``region`` that come after ``start`` in the document."""
    order = {el: i for i, el in enumerate(region.iter())}
    first = order.get(start, -1)
    return [p for p in paragraphs if p.element is None or order.get(p.element, 0) > first]


# Below this many characters of body from the markup, the page's script data is tried.
SCRIPT_BODY_MIN = 200


def _thread_parts(root: lxml.html.HtmlElement, main: list[lxml.html.HtmlElement],
                  discussion: bool, meta: Metadata,
                  payloads: list[tuple[str, str]]) -> list[lxml.html.HtmlElement]:
    """``main`` with the parts of a thread that the post boxes miss: the answers after a
    question taken alone and, on a discussion page, an opening laid out apart from the
    posts (a story, a question) or, when the markup omits it, the script data's first
    post."""
    body = root.find("body")
    if body is None:
        return main
    main = main + question_answers(body, main)
    if not discussion:
        return main
    opening = thread_opening(body, main, meta.description)
    if not opening and payloads:
        first = script_opening(payloads, " ".join(m.text_content() for m in main))
        opening = [first] if first is not None else []
    return opening + main


# The fields whose confidence an article carries (0.0 for one left empty).
CONFIDENCE_FIELDS = ("title", "authors", "published", "modified", "body")


def body_confidence(path: str, agree: int, body: str) -> float:
    """How far the body is to be trusted: our choice, more when other mechanisms agree;
    a fallback less; a description or a very short body little.

    Args:
        path: ``signals["body"]`` (``main``, ``fallback:...``, ``script``, ``description``).
        agree: how many alternative readings agreed with the body used.
        body: the body text.
    """
    if not body:
        return 0.0
    if path == "description":
        return 0.2
    base = 0.5 if path.startswith("fallback") else 0.6
    value = min(0.95, base + 0.1 * agree)
    return min(value, 0.4) if len(body) < SHORT_BODY else value


# A body shorter than this is suspect whatever path gave it.
SHORT_BODY = 200


def _article(meta: Metadata, url: str | None, body: str, attributions: tuple) -> Article:  # type: ignore[type-arg]
    confidence = {name: round(meta.confidence.get(name, 0.0), 2) if getattr(meta, name, body)
                  else 0.0 for name in CONFIDENCE_FIELDS}
    return Article(
        url=url, canonical_url=meta.canonical_url, title=meta.title,
        authors=tuple(meta.authors), published=meta.published, modified=meta.modified,
        language=meta.language, site_name=meta.site_name, description=meta.description,
        image=meta.image, tags=tuple(meta.tags), body=body, attributions=attributions,
        signals=dict(meta.signals), confidence=confidence,
    )


def extract_article(html: bytes | str, url: str | None = None,
                    settings: ExtractSettings | None = None) -> Article:
    """Extract an article from one page with default (or given) settings.

    See :meth:`Extractor.extract`; prefer an ``Extractor`` when extracting many pages.
    """
    return Extractor(settings).extract(html, url)

"""A record: metadata with each field's signal, the body with attributed passages
highlighted and linked, every capture and version, a diff of any two versions, and the
snapshot as archived (replayed from the separate replay origin)."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any
from urllib.parse import quote, urlencode

from markupsafe import Markup, escape

from ... import Archive
from ...browse import archived_pages, capture, page_of_capture
from ...diff import diff_versions, pick_versions
from ...errors import RecordNotFoundError
from ..pages import Args, Page, Param

FIELDS = ("title", "authors", "published", "modified", "language", "site_name",
          "canonical_url", "description", "image", "tags")


def timestamp(iso: str) -> str:
    """``2026-01-02T03:04:05+00:00`` → ``20260102030405`` (UTC), as replay paths use."""
    try:
        when = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return "".join(ch for ch in iso if ch.isdigit())[:14].ljust(14, "0")
    if when.tzinfo:
        when = when.astimezone(dt.UTC)
    return when.strftime("%Y%m%d%H%M%S")


def replay_path(url: str, fetched_at: str) -> str:
    """The path of a capture on the replay origin (its rewritten page)."""
    return f"/{timestamp(fetched_at)}/{url}"


def _record(arc: Archive, args: Args) -> dict[str, Any]:
    record = arc.record(args.integer("id") or 0)
    history = arc.history(record.url)
    links = [a.url for a in record.article.attributions if a.url]
    archived = archived_pages(arc.store, links) if links else {}
    first = next((c for c in history.captures if c.id == record.capture_id), None)
    data = record.to_dict()
    data["history"] = history.to_dict()
    data["archived_sources"] = {str(a.position): archived[a.url]
                                for a in record.article.attributions
                                if a.url and a.url in archived}
    data["snapshot"] = {"capture_id": record.capture_id,
                        "fetched_at": first.fetched_at if first else record.captured_at,
                        "replay_path": replay_path(record.url, first.fetched_at if first
                                                   else record.captured_at),
                        "screenshot": arc.screenshot(record.capture_id) is not None}
    return data


def segments(body: str, attributions: list[dict[str, Any]]) -> list[tuple[str, Any]]:
    """The body cut into (text, attribution or None), attributed passages marked; an
    attribution whose offsets do not hold its passage is placed by searching for it."""
    spans = []
    for a in attributions:
        start, end = int(a["start"]), int(a["end"])
        if body[start:end] != a["passage"]:
            start = body.find(a["passage"])
            end = start + len(a["passage"])
        if start >= 0 and end > start:
            spans.append((start, end, a))
    out: list[tuple[str, Any]] = []
    pos = 0
    for start, end, a in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue  # overlapping another marked passage: listed below the body only
        if start > pos:
            out.append((body[pos:start], None))
        out.append((body[start:end], a))
        pos = end
    if pos < len(body):
        out.append((body[pos:], None))
    return out


def _record_extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    versions = data["history"]["versions"]
    return {"segments": segments(data["body"], data["attributions"]),
            "fields": [(f, data.get(f), data["signals"].get(f)) for f in FIELDS],
            "other_versions": [v for v in versions if v["id"] != data["id"]],
            "diff_link": _diff_link(data["url"], versions, data["id"])}


def _diff_link(url: str, versions: list[dict[str, Any]], current: int) -> str | None:
    if len(versions) < 2:
        return None
    ids = [v["id"] for v in versions]
    i = ids.index(current) if current in ids else len(ids) - 1
    old, new = (ids[i - 1], ids[i]) if i > 0 else (ids[0], ids[1])
    return "/diff?" + urlencode({"url": url, "from": old, "to": new})


def _history(arc: Archive, args: Args) -> dict[str, Any]:
    return arc.history(args.required("url")).to_dict()


def _diff(arc: Archive, args: Args) -> dict[str, Any]:
    history = arc.history(args.required("url"))
    old, new = pick_versions(history.versions, args.text("from"), args.text("to"))
    data = diff_versions(old, new).to_dict()
    data["versions"] = [{"id": v.id, "captured_at": v.captured_at, "title": v.article.title}
                        for v in history.versions]
    data["side_by_side"] = side_by_side(old.article.body, new.article.body)
    return data


def side_by_side(old: str, new: str) -> list[dict[str, Any]]:
    """Paragraph rows of two bodies: equal, replace (old and new), delete or insert."""
    a = [p.strip() for p in old.split("\n") if p.strip()]
    b = [p.strip() for p in new.split("\n") if p.strip()]
    rows: list[dict[str, Any]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        left, right = a[i1:i2], b[j1:j2]
        for k in range(max(len(left), len(right))):
            rows.append({"op": op, "old": left[k] if k < len(left) else None,
                         "new": right[k] if k < len(right) else None})
    return rows


def word_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """Two paragraphs with removed words in ``<del>`` and added ones in ``<ins>``."""
    a, b = old.split(" "), new.split(" ")
    left: list[str] = []
    right: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        before, after = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if op == "equal":
            left.append(before)
            right.append(after)
            continue
        if i2 > i1:
            left.append(Markup("<del>{}</del>").format(before))
        if j2 > j1:
            right.append(Markup("<ins>{}</ins>").format(after))
    return Markup(" ").join(left), Markup(" ").join(right)


def _diff_extra(data: dict[str, Any], args: Args) -> dict[str, Any]:
    cells = []
    for row in data["side_by_side"]:
        if row["op"] == "replace" and row["old"] is not None and row["new"] is not None:
            cells.append((row["op"], *word_diff(row["old"], row["new"])))
        else:
            cells.append((row["op"], escape(row["old"] or ""), escape(row["new"] or "")))
    return {"cells": cells}


def _snapshot(arc: Archive, args: Args) -> dict[str, Any]:
    capture_id = args.integer("id") or 0
    found = capture(arc.store, capture_id)
    page = page_of_capture(arc.store, capture_id)
    if found is None or page is None:
        raise RecordNotFoundError(f"no capture with id {capture_id}")
    data = found.to_dict()
    data["page_url"] = page
    data["replay_path"] = replay_path(page, found.fetched_at)
    data["screenshot"] = arc.screenshot(capture_id) is not None
    return data


def replay_link(base: str, path: str) -> str:
    """A replay path on the replay origin ``base``, with its URL part %-quoted safely."""
    ts, _, url = path.lstrip("/").partition("/")
    return f"{base}/{ts}/{quote(url, safe=':/?&=%#@!$,;+~')}"


PAGES = [
    Page(path="/record/{id:int}", name="record", title="One record (article version)",
         template="record.html", load=_record, extra=_record_extra,
         params=(Param(name="id", description="record id", type="integer", where="path"),)),
    Page(path="/history", name="history", title="Every capture and version of a page",
         template="history.html", load=_history,
         params=(Param(name="url", description="the page URL", required=True),)),
    Page(path="/diff", name="diff", title="What changed between two versions",
         template="diff.html", load=_diff, extra=_diff_extra,
         params=(Param(name="url", description="the page URL", required=True),
                 Param(name="from", description="record id or ISO time (default: the "
                       "version before the newest)"),
                 Param(name="to", description="record id or ISO time (default: newest)"))),
    Page(path="/snapshot/{id:int}", name="snapshot", title="A capture as archived",
         template="snapshot.html", load=_snapshot,
         params=(Param(name="id", description="capture id", type="integer", where="path"),)),
]

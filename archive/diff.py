"""What changed between two versions of an article: fields, body text, attributions.

Usage::

    with open_archive("newsarchive-data") as arc:
        old, new = pick_versions(arc.history(url).versions, "2026-01-01", None)
        print(diff_versions(old, new).body_diff)
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .changes import Label, compare
from .errors import RecordNotFoundError
from .types import Attribution, Record

FIELDS = ("title", "published", "modified", "authors", "language", "canonical_url",
          "description", "tags")


@dataclass(frozen=True, kw_only=True)
class VersionDiff:
    """Differences from ``old`` to ``new``.

    Attributes:
        fields: field name -> (old value, new value), only for fields that changed.
        body_diff: a unified diff of the body, one paragraph per line ("" if unchanged).
        added, removed: attributions only in the new / only in the old version.
        labels: the kinds of edit (:func:`archive.changes.compare`); empty when the two
            differ only in what changes on every load of a page, or are the same version.
    """

    old: Record
    new: Record
    fields: dict[str, tuple[Any, Any]]
    body_diff: str
    added: tuple[Attribution, ...]
    removed: tuple[Attribution, ...]
    labels: tuple[Label, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.fields or self.body_diff or self.added or self.removed)

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.new.url,
                "from": {"id": self.old.id, "captured_at": self.old.captured_at},
                "to": {"id": self.new.id, "captured_at": self.new.captured_at},
                "labels": [{"kind": x.kind, "detail": x.detail} for x in self.labels],
                "fields": {k: {"old": a, "new": b} for k, (a, b) in self.fields.items()},
                "body_diff": self.body_diff,
                "attributions_added": [a.to_dict() for a in self.added],
                "attributions_removed": [a.to_dict() for a in self.removed]}


def _value(record: Record, name: str) -> Any:
    value = getattr(record.article, name)
    return list(value) if isinstance(value, tuple) else value


def _key(a: Attribution) -> tuple[str, str, str | None]:
    return (a.source.casefold(), " ".join(a.passage.split()), a.url)


def diff_versions(old: Record, new: Record) -> VersionDiff:
    """Compare two versions (usually of one page)."""
    fields = {name: (_value(old, name), _value(new, name)) for name in FIELDS
              if _value(old, name) != _value(new, name)}
    old_lines = [p.strip() for p in old.article.body.split("\n") if p.strip()]
    new_lines = [p.strip() for p in new.article.body.split("\n") if p.strip()]
    body_diff = "\n".join(difflib.unified_diff(
        old_lines, new_lines, fromfile=f"version {old.id} ({old.captured_at})",
        tofile=f"version {new.id} ({new.captured_at})", lineterm="", n=1))
    old_keys = {_key(a) for a in old.article.attributions}
    new_keys = {_key(a) for a in new.article.attributions}
    labels = compare(old.article, new.article, old_at=old.captured_at,
                     new_at=new.captured_at).labels if old.id != new.id else ()
    return VersionDiff(
        old=old, new=new, fields=fields, body_diff=body_diff, labels=labels,
        added=tuple(a for a in new.article.attributions if _key(a) not in old_keys),
        removed=tuple(a for a in old.article.attributions if _key(a) not in new_keys))


def _as_time(text: str) -> dt.datetime:
    when = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _at(versions: Sequence[Record], spec: str) -> Record:
    """The version with id ``spec``, or the one current at time ``spec``."""
    if spec.isdigit():
        for v in versions:
            if v.id == int(spec):
                return v
        raise RecordNotFoundError(f"record {spec} is not a version of this page")
    try:
        when = _as_time(spec)
    except ValueError as exc:
        raise RecordNotFoundError(f"{spec!r} is neither a record id nor an ISO date/time "
                                  "(e.g. 2026-01-31 or 2026-01-31T12:00:00Z)") from exc
    current = [v for v in versions if _as_time(v.captured_at) <= when]
    if not current:
        raise RecordNotFoundError(f"no version of this page existed at {spec} (first "
                                  f"captured {versions[0].captured_at})")
    return current[-1]


def pick_versions(versions: Sequence[Record], since: str | None, until: str | None
                  ) -> tuple[Record, Record]:
    """The two versions to compare: those current at ``since`` and ``until`` (times or
    record ids); by default the one before the latest, and the latest.

    Raises:
        RecordNotFoundError: fewer than two versions, or no version at a given time.
    """
    ordered = sorted(versions, key=lambda v: (v.captured_at, v.id))
    if not ordered:
        raise RecordNotFoundError("this page has no extracted versions")
    new = _at(ordered, until) if until else ordered[-1]
    if since:
        old = _at(ordered, since)
    else:
        earlier = [v for v in ordered if (v.captured_at, v.id) < (new.captured_at, new.id)]
        old = earlier[-1] if earlier else new
    return old, new

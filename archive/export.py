"""Export records as JSON Lines or CSV.

JSON Lines keeps everything (attributions nested). CSV is one row per record with
list fields joined by ``; `` and attributions as a JSON string; cells that a
spreadsheet would run as a formula (leading ``= + - @``) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import IO, Any

from .types import Record

CSV_FIELDS = (
    "id", "url", "site", "captured_at", "title", "authors", "published", "modified",
    "language", "site_name", "canonical_url", "description", "tags", "attribution_count",
    "attributions", "body",
)


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def record_row(record: Record) -> dict[str, Any]:
    """A record flattened to CSV cells."""
    data = record.to_dict()
    row: dict[str, Any] = {k: data.get(k) for k in CSV_FIELDS}
    row["authors"] = "; ".join(record.article.authors)
    row["tags"] = "; ".join(record.article.tags)
    row["attribution_count"] = len(record.article.attributions)
    row["attributions"] = json.dumps([a.to_dict() for a in record.article.attributions],
                                     ensure_ascii=False)
    return {k: _csv_safe(v) if isinstance(v, str) else v for k, v in row.items()}


def write_jsonl(records: Iterable[Record], out: IO[str]) -> int:
    """Write one JSON object per line; returns the number written."""
    count = 0
    for record in records:
        out.write(json.dumps(record.to_dict(), ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterable[Record], out: IO[str]) -> int:
    """Write a header and one row per record; returns the number written."""
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS)
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(record_row(record))
        count += 1
    return count

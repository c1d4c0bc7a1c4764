"""Export records (or their attributions) as JSON Lines, CSV, Parquet or a DataFrame.

JSON Lines keeps everything (attributions nested). CSV is one row per record with
list fields joined by ``; `` and attributions, signals and confidences as JSON strings;
cells that a spreadsheet would run as a formula (leading ``= + - @``) are prefixed with
``'``. Parquet keeps types: dates and times as timestamps (UTC), lists as lists,
attributions as a list of structs, confidences as a map.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import ArchiveError
from .files import replace_atomically
from .types import Record

CSV_FIELDS = (
    "id", "page_id", "version", "latest", "url", "site", "captured_at", "status",
    "warc_file", "warc_offset", "gone_since", "origin", "extractor", "title", "authors",
    "published", "modified", "language", "site_name", "canonical_url", "description", "tags",
    "word_count", "attribution_count", "attributions", "signals", "confidence", "body",
)


def _csv_safe(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def record_row(record: Record) -> dict[str, Any]:
    """A record flattened to CSV cells."""
    data = record.to_dict()
    row: dict[str, Any] = {k: data.get(k) for k in CSV_FIELDS}
    row["authors"] = "; ".join(record.article.authors)
    row["tags"] = "; ".join(record.article.tags)
    row["word_count"] = len(record.article.body.split())
    row["attribution_count"] = len(record.article.attributions)
    row["attributions"] = json.dumps([a.to_dict() for a in record.article.attributions],
                                     ensure_ascii=False)
    row["signals"] = json.dumps(record.article.signals, ensure_ascii=False)
    row["confidence"] = json.dumps(record.article.confidence)
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


ATTRIBUTION_FIELDS = ("record_id", "url", "site", "title", "published", "position", "source",
                      "source_url", "pattern", "start", "end", "passage")


def attribution_rows(records: Iterable[Record]) -> Iterator[dict[str, Any]]:
    """One flat row per attribution, with the record it belongs to."""
    for r in records:
        for a in r.article.attributions:
            yield {"record_id": r.id, "url": r.url, "site": r.site, "title": r.article.title,
                   "published": r.article.published, "position": a.position,
                   "source": a.source, "source_url": a.url, "pattern": a.pattern,
                   "start": a.start, "end": a.end, "passage": a.passage}


def write_attributions_jsonl(records: Iterable[Record], out: IO[str]) -> int:
    """One JSON object per attribution; returns the number written."""
    count = 0
    for row in attribution_rows(records):
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_attributions_csv(records: Iterable[Record], out: IO[str]) -> int:
    """A header and one CSV row per attribution; returns the number written."""
    writer = csv.DictWriter(out, fieldnames=ATTRIBUTION_FIELDS)
    writer.writeheader()
    count = 0
    for row in attribution_rows(records):
        writer.writerow({k: _csv_safe(v) if isinstance(v, str) else v for k, v in row.items()})
        count += 1
    return count


def _timestamp(value: str | None) -> dt.datetime | None:
    """An ISO date or time as an aware UTC datetime (a bare date: its midnight, UTC)."""
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


_TIMES = ("captured_at", "published", "modified", "gone_since")


def _typed(record: Record) -> dict[str, Any]:
    data = record.to_dict()
    for name in _TIMES:
        data[name] = _timestamp(data[name])
    data["word_count"] = len(record.article.body.split())
    data["signals"] = list(record.article.signals.items())
    data["confidence"] = list(record.article.confidence.items())
    return data


def _schema(pa: Any, attributions: bool) -> Any:
    stamp = pa.timestamp("s", tz="UTC")
    if attributions:
        return pa.schema([
            ("record_id", pa.int64()), ("url", pa.string()), ("site", pa.string()),
            ("title", pa.string()), ("published", stamp), ("position", pa.int64()),
            ("source", pa.string()), ("source_url", pa.string()), ("pattern", pa.string()),
            ("start", pa.int64()), ("end", pa.int64()), ("passage", pa.string())])
    attribution = pa.struct([("source", pa.string()), ("passage", pa.string()),
                             ("start", pa.int64()), ("end", pa.int64()),
                             ("position", pa.int64()), ("pattern", pa.string()),
                             ("url", pa.string())])
    return pa.schema([
        ("id", pa.int64()), ("url", pa.string()), ("site", pa.string()),
        ("captured_at", stamp), ("capture_id", pa.int64()), ("content_hash", pa.string()),
        ("page_id", pa.int64()), ("version", pa.int64()), ("latest", pa.bool_()),
        ("origin", pa.string()), ("extractor", pa.string()), ("gone_since", stamp),
        ("status", pa.int64()), ("warc_file", pa.string()), ("warc_offset", pa.int64()),
        ("fetched_url", pa.string()), ("canonical_url", pa.string()), ("title", pa.string()),
        ("authors", pa.list_(pa.string())), ("published", stamp), ("modified", stamp),
        ("language", pa.string()), ("site_name", pa.string()), ("description", pa.string()),
        ("image", pa.string()), ("tags", pa.list_(pa.string())), ("body", pa.string()),
        ("word_count", pa.int64()), ("attributions", pa.list_(attribution)),
        ("signals", pa.map_(pa.string(), pa.string())),
        ("confidence", pa.map_(pa.string(), pa.float64())),
    ])


def write_parquet(records: Iterable[Record], path: Path, *, attributions: bool = False) -> int:
    """Write records (or attribution rows) to a Parquet file; returns the row count.

    Raises:
        ArchiveError: pyarrow is not installed (``pip install 'newsarchive[parquet]'``).
    """
    try:
        import pyarrow as pa  # type: ignore[import-not-found, import-untyped, unused-ignore]
        import pyarrow.parquet as pq  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError as exc:
        raise ArchiveError("--parquet needs pyarrow: pip install 'newsarchive[parquet]'") \
            from exc
    rows = [{**r, "published": _timestamp(r["published"])} for r in attribution_rows(records)] \
        if attributions else [_typed(r) for r in records]
    schema = _schema(pa, attributions)
    table = pa.Table.from_pylist(rows, schema=schema)
    with replace_atomically(path) as tmp:
        pq.write_table(table, tmp)
    return len(rows)


def to_pandas(records: Iterable[Record], *, attributions: bool = False) -> Any:
    """A pandas DataFrame of records (or of attribution rows), for notebooks.

    Raises:
        ArchiveError: pandas is not installed.
    """
    try:
        import pandas as pd  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:
        raise ArchiveError("to_pandas needs pandas: pip install pandas") from exc
    rows = list(attribution_rows(records)) if attributions else [r.to_dict() for r in records]
    return pd.DataFrame(rows)

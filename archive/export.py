"""Export records (or their attributions) as JSON Lines, CSV, Parquet or a DataFrame.

JSON Lines keeps everything (attributions nested). CSV is one row per record with
list fields joined by ``; `` and attributions as a JSON string; cells that a
spreadsheet would run as a formula (leading ``= + - @``) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import ArchiveError
from .files import replace_atomically
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


def _flat(record: Record) -> dict[str, Any]:
    data = record.to_dict()
    data["attributions"] = json.dumps(data["attributions"], ensure_ascii=False)
    data["signals"] = json.dumps(data["signals"], ensure_ascii=False)
    return data


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
    rows = list(attribution_rows(records)) if attributions else [_flat(r) for r in records]
    table = pa.Table.from_pylist(rows)
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

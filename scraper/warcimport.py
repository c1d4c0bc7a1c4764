"""Import WARC/WACZ files made by other tools: extract each HTML response and archive it.

The archive reads the files (``archive.reader.iter_responses``); this module adds what
only the crawler side has: URL normalisation and the extractor. Each imported response
is stored like a crawled one (WARC records in this archive, a capture, a version when
the content is new), so the collection becomes searchable.

Usage::

    with open_archive("data", create=True) as arc:
        stats = import_files(arc, [Path("crawl.warc.gz")], Extractor())
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from archive import Archive
from archive.errors import WarcError
from archive.reader import iter_responses

from .extract import Extractor
from .urls import normalize_url

_HTML = ("text/html", "application/xhtml+xml")
_BATCH = 200  # captures per database transaction


@dataclass
class ImportStats:
    """What an import did, per outcome, and the files that could not be read whole."""

    responses: int = 0
    new: int = 0
    new_versions: int = 0
    unchanged: int = 0
    skipped: int = 0  # not HTML, not a 2xx, or not an http(s) URL
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {"responses": self.responses, "new": self.new,
                "new_versions": self.new_versions, "unchanged": self.unchanged,
                "skipped": self.skipped, "errors": self.errors}


def import_files(archive: Archive, paths: Sequence[Path], extractor: Extractor, *,
                 on_file: Callable[[Path, ImportStats], None] | None = None) -> ImportStats:
    """Import every HTML response of ``paths`` into ``archive``.

    A file that is truncated or fails a digest keeps what was read before the bad
    record; its error is listed in ``stats.errors`` and the next file is read.
    """
    stats = ImportStats()
    for path in paths:
        try:
            _import_file(archive, path, extractor, stats)
        except WarcError as exc:
            stats.errors.append(str(exc))
        if on_file is not None:
            on_file(path, stats)
    return stats


def _import_file(archive: Archive, path: Path, extractor: Extractor,
                 stats: ImportStats) -> None:
    responses = iter_responses(path)
    done = False
    while not done:
        with archive.batch():
            for _ in range(_BATCH):
                response = next(responses, None)
                if response is None:
                    done = True
                    break
                stats.responses += 1
                page_url = normalize_url(response.url)
                mime = (response.content_type or "").split(";")[0].strip().lower()
                if page_url is None or not 200 <= response.status < 300 or \
                        (mime and mime not in _HTML):
                    stats.skipped += 1
                    continue
                article = extractor.extract(response.content, response.url,
                                            response.content_type)
                outcome = archive.store_response(response, article, page_url=page_url).outcome
                if outcome == "new":
                    stats.new += 1
                elif outcome == "new-version":
                    stats.new_versions += 1
                else:
                    stats.unchanged += 1

"""Where a WARC, ARC or WACZ file to read is: a local path, or a URL (``s3://``,
``gs://``, ``https://`` ...) read through fsspec when it is installed (``pip install
'newsarchive[remote]'`` and the filesystem's own package, such as s3fs). Workers on
several machines then take pieces of files held in object storage as they take those
on a shared disk.

Usage::

    with open_file("s3://bucket/crawl.warc.gz") as fh:
        ...
    size = file_size("crawl.warc.gz")
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from .errors import WarcError

_URL = re.compile(r"^[a-z][a-z0-9+.-]+://", re.IGNORECASE)  # two letters: not C:\\


def is_url(name: str | Path) -> bool:
    """Whether ``name`` is a URL (``scheme://...``) rather than a local path."""
    return isinstance(name, str) and bool(_URL.match(name))


def local(name: str | Path) -> str:
    """A local path made absolute (so another process, or a worker on another machine
    with the same mount, finds it); a URL as it is."""
    return str(name) if is_url(name) else str(Path(name).resolve())


def _filesystem(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError as exc:
        raise WarcError(f"cannot read {url}: reading files by URL needs fsspec (pip install "
                        "'newsarchive[remote]', and s3fs, gcsfs... for its scheme)",
                        path=url) from exc
    try:
        return fsspec.core.url_to_fs(url)  # type: ignore[no-any-return]
    except (ImportError, ValueError) as exc:  # no implementation for the scheme
        raise WarcError(f"cannot read {url}: {exc}", path=url) from exc


@contextlib.contextmanager
def open_file(name: str | Path) -> Iterator[IO[bytes]]:
    """The file, open for reading (seekable).

    Raises:
        WarcError: it does not exist, or its URL cannot be read here.
    """
    try:
        if is_url(name):
            fs, path = _filesystem(str(name))
            with fs.open(path, "rb") as fh:
                yield fh
        else:
            with Path(name).open("rb") as fh:
                yield fh
    except FileNotFoundError as exc:
        raise WarcError(f"no such file: {name}", path=str(name)) from exc


def file_size(name: str | Path) -> int:
    """The file's size in bytes.

    Raises:
        WarcError: it does not exist, or its URL cannot be read here.
    """
    try:
        if is_url(name):
            fs, path = _filesystem(str(name))
            return int(fs.size(path))
        return Path(name).stat().st_size
    except FileNotFoundError as exc:
        raise WarcError(f"no such file: {name}", path=str(name)) from exc

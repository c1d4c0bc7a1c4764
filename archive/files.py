"""Writing files so that a reader never sees half of one: write a temporary file beside
the target, then rename it over the target."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import ArchiveError


def _default_mode() -> int:
    """The mode a new file gets from ``open()`` here: 0o666 less the umask (a temporary
    file is made 0o600, which would leave an export unreadable to others)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replace_atomically(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; when the block succeeds it becomes
    ``target`` (with a new file's usual permissions), else it is removed.

    Raises:
        ArchiveError: the directory or file cannot be written.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise ArchiveError(f"cannot write {target}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        yield tmp
        tmp.chmod(_default_mode())
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

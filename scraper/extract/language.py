"""Language of a page that does not declare one, guessed from its body text."""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

_MIN_CHARS = 200  # below this, guesses are coin flips on names and numbers
_SAMPLE_CHARS = 3000  # enough for a confident guess, bounded cost on long pages


# Extraction runs in worker threads, and py3langid loads its model on first use without
# a lock: threads starting together each loaded a copy (a crawl peaked at ~500 MB).
_LOAD = threading.Lock()


def _classifier() -> Any:
    with _LOAD:
        return _load_classifier()


@cache
def _load_classifier() -> Any:
    try:
        import py3langid  # type: ignore[import-untyped]
    except ImportError:  # not installed: the language stays unknown
        return None
    py3langid.classify("warm up")  # loads the model now, under the lock
    return py3langid.classify


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text``'s language, or ``None`` for short text or no detector.

    Args:
        text: body text (only the first few thousand characters are read).

    Returns:
        A code such as ``"en"`` or ``"fr"``, or ``None``.
    """
    if len(text) < _MIN_CHARS:
        return None
    classify = _classifier()
    if classify is None:
        return None
    try:
        code, _score = classify(text[:_SAMPLE_CHARS])
    except Exception:  # a detector failure must not fail extraction
        return None
    return str(code) if code else None

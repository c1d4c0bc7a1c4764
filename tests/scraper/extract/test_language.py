"""Language guessing: one model load however many extraction threads start at once."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from scraper.extract import language

py3langid = pytest.importorskip("py3langid")
from py3langid import langid  # noqa: E402

TEXT = ("The first storm of the season arrived on Tuesday, filling reservoirs across the "
        "valley and closing two mountain roads for most of the afternoon. ") * 3


def test_threads_starting_together_load_the_model_once(monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    loads: list[int] = []
    real = langid.LanguageIdentifier.from_model_file.__func__
    gate = threading.Barrier(6)

    def counted(cls: Any, *args: Any, **kwargs: Any) -> Any:
        loads.append(1)
        return real(cls, *args, **kwargs)

    monkeypatch.setattr(langid.LanguageIdentifier, "from_model_file", classmethod(counted))
    monkeypatch.setattr(langid, "IDENTIFIER", None)  # as in a fresh process
    language._load_classifier.cache_clear()
    results: list[str | None] = []

    def guess() -> None:
        gate.wait()
        results.append(language.detect_language(TEXT))

    threads = [threading.Thread(target=guess) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    language._load_classifier.cache_clear()
    assert results == ["en"] * 6
    assert len(loads) == 1


def test_short_text_is_not_guessed() -> None:
    assert language.detect_language("Hello there") is None

"""Archives improve with the extractor: ``reextract`` on both backends, resumable."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from archive import Archive, ArchiveSettings, Query
from scraper import reextract as reextract_module
from scraper.config import ExtractSettings
from scraper.demo import site_dir
from scraper.ingest import Ingester, extractor_version
from scraper.reextract import reextract
from tests.archive.test_backends import Opener, backend  # noqa: F401  (fixture)
from tests.conftest import SEED_PATH, cli
from tests.scraper.test_ingest import _response

SEED = re.sub(rb'<link rel="canonical"[^>]*>|<meta property="og:url"[^>]*>', b"",
              (site_dir() / SEED_PATH.lstrip("/")).read_bytes())  # each copy its own page
OLD = ExtractSettings(attribution_patterns=())  # an "older extractor": no attribution lines


def _archive_pages(arc: Archive, pages: int) -> None:
    ingester = Ingester(arc, OLD, origin="crawl")
    for n in range(pages):
        body = SEED.replace(b"Lavrov", f"Lavrov {n}".encode())
        ingester.ingest(_response(f"https://blog.example/{n}", body))


def test_changed_results_become_versions_unchanged_are_left(
        backend: tuple[str, Opener]) -> None:  # noqa: F811
    _, open_ = backend
    with open_(create=True) as arc:
        _archive_pages(arc, 3)
        before = {r.id: r for r in arc.records()}
        assert all(not r.article.attributions for r in before.values())
        stats = reextract(arc, ExtractSettings(), Query(), jobs=1)
        assert (stats.selected, stats.done, stats.changed, stats.unchanged) == (3, 3, 3, 0)
        latest = [r for r in arc.records() if r.latest]
        assert len(latest) == 3 and all(r.origin == "reextract" for r in latest)
        assert all(r.extractor == extractor_version(ExtractSettings()) for r in latest)
        assert all(len(r.article.attributions) == 4 for r in latest)
        assert all(r.capture_id == before[r.id - 3].capture_id for r in latest)
        again = reextract(arc, ExtractSettings(), Query(), jobs=1)
        assert (again.changed, again.unchanged) == (0, 3)  # nothing new the second time
        history = arc.history("https://blog.example/0")
        assert len(history.captures) == 1 and len(history.versions) == 2


def test_a_killed_run_continues_where_it_stopped(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reextract_module, "BATCH", 2)
    settings = ArchiveSettings(path=str(tmp_path / "arc"))
    with Archive(settings.path, settings, create=True) as arc:
        _archive_pages(arc, 7)

        def kill(stats: reextract_module.ReextractStats) -> None:
            if stats.done >= 5:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            reextract(arc, ExtractSettings(), Query(), jobs=1, on_progress=kill,
                      progress_every=0)
        kept = len([r for r in arc.records() if r.origin == "reextract"])
        assert 4 <= kept < 7  # the batches committed before the kill
        rest = reextract(arc, ExtractSettings(), Query(), jobs=1)
        assert rest.resumed_after >= 4 and rest.done == 7 - kept
        assert len([r for r in arc.records() if r.origin == "reextract"]) == 7


def test_reextract_command_filters_and_uses_every_core(tmp_path: Path) -> None:
    arc = str(tmp_path / "arc")
    with Archive(arc, create=True) as archive:
        _archive_pages(archive, 4)
        ingester = Ingester(archive, OLD)
        ingester.ingest(_response("https://other.example/x", SEED))
    result = cli("reextract", "--site", "blog.example", "-j", "2", "--json", "--archive", arc)
    assert result.returncode == 0, result.stderr.decode()
    stats = json.loads(result.stdout)
    assert stats["selected"] == 4 and stats["changed"] == 4
    unchanged_site = cli("query", "--site", "other.example", "--json", "--archive", arc)
    assert json.loads(unchanged_site.stdout)["origin"] == "crawl"
    assert dataclasses.asdict(OLD)  # (the old settings stayed as they were)

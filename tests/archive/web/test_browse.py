"""archive.browse beyond what the pages show: bounded facets, day windows, and the
web package's public surface."""

from __future__ import annotations

import archive.web
from archive import Query
from archive.browse import articles_per_day, facets, screenshot
from tests.archive.web.conftest import Served


def test_facets_count_a_bounded_number_of_matches(served: Served) -> None:
    with served.opener() as arc:
        every = facets(arc.store, Query(all_versions=True))
        assert every.total == 4 and not every.truncated  # two versions of one page
        capped = facets(arc.store, Query(all_versions=True), max_rows=2)
        assert capped.total == 2 and capped.truncated
        assert sum(c for _, c in capped.values["site"]) == 2
        none = facets(arc.store, Query(text="zebra"))
        assert none.total == 0 and none.values["site"] == [] and none.months == []


def test_articles_per_day_window(served: Served) -> None:
    with served.opener() as arc:
        last = articles_per_day(arc.store, days=1)  # the newest day only
        assert last == {"hostile.example": [("2024-02-01", 1)]}
        one = articles_per_day(arc.store, site="origin.example", since="2024-01-01",
                               until="2024-01-01")
        assert one == {"origin.example": [("2024-01-01", 1)]}
        assert screenshot(arc.store, 1) is None  # none archived yet


def test_web_exports() -> None:
    assert sorted(archive.web.__all__) == sorted(
        ["TOKEN_ENV", "ReaderPool", "Servers", "create_app", "create_replay_app",
         "is_loopback", "make_servers", "running", "serve"])


def test_facets_reject_bad_syntax_as_search_does(served: Served) -> None:
    import pytest

    from archive.errors import ArchiveError

    with served.opener() as arc, pytest.raises(ArchiveError, match="double quotes"):
        facets(arc.store, Query(text='"unterminated'))

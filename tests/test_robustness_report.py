"""docs/ROBUSTNESS.md lists exactly the hostile-web and fault cases the tests run."""

from __future__ import annotations

from tests.conftest import REPO
from tests.robustness_report import render


def test_report_is_in_step_with_the_tests() -> None:
    current = (REPO / "docs" / "ROBUSTNESS.md").read_text()
    assert current == render(), "regenerate: python -m tests.robustness_report > docs/ROBUSTNESS.md"

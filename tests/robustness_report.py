"""Generate docs/ROBUSTNESS.md: every hostile-web and fault case we test, and its outcome.

    python -m tests.robustness_report > docs/ROBUSTNESS.md

``tests/test_robustness_report.py`` fails when the file is out of step with the tests.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "Hostile servers": "tests/scraper/hostile",
    "Where the crawler may go": "tests/scraper/test_netguard.py",
    "Faults: kills, full disks, concurrent processes": "tests/faults",
}
_OUTCOME_PARAMS = ("state", "reason")


class _Collect:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.items = list(session.items)


def _describe(item: Any) -> tuple[str, str]:
    params = getattr(getattr(item, "callspec", None), "params", {})
    doc = (item.function.__doc__ or "").strip().split("\n\n")[0]
    doc = " ".join(doc.split())
    name = item.originalname.removeprefix("test_").replace("_", " ")
    shown = {k: v for k, v in params.items() if isinstance(v, str | int | float)
             and k not in _OUTCOME_PARAMS}
    case = name + (" — " + ", ".join(f"`{v}`" for v in shown.values()) if shown else "")
    if all(k in params for k in _OUTCOME_PARAMS):
        outcome = f"recorded as **{params['state']}**, reason `{params['reason']}`"
    else:
        outcome = doc or "see the test"
    return case, outcome


def render() -> str:
    """The whole Markdown document."""
    lines = ["# What newsarchive does with a hostile web and failing machines", "",
             "Generated from the tests by `python -m tests.robustness_report`; each row is one",
             "test case that runs in CI. A failure is always recorded with a reason: never a",
             "crash, a hang, or unbounded memory.", ""]
    for title, path in SOURCES.items():
        collector = _Collect()
        with redirect_stdout(io.StringIO()):
            pytest.main(["--collect-only", "-q", "-p", "no:cacheprovider", str(ROOT / path)],
                         plugins=[collector])
        lines += [f"## {title}", "", "| case | what happens | test |", "|---|---|---|"]
        for item in collector.items:
            case, outcome = _describe(item)
            test = item.nodeid.split("::", 1)[1].split("[")[0]
            file = Path(item.nodeid.split("::")[0]).name
            lines.append(f"| {case} | {outcome} | `{file}::{test}` |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(render())

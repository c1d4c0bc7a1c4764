"""Start-up time of the command line: ``newsarchive --version``, ``query`` and ``show`` on a
small archive, each beside a bare ``python -c pass`` measured in the same run.

A command that must read the archive loads the archive package and SQLite; one that
only prints its version loads almost nothing. Goal (issue 12): each within 130 ms of the
bare interpreter. Prints the median of ``--runs`` runs of each and the difference.

Usage::

    python bench/cli.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOAL_MS = 130.0


def _time(argv: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall time (ms) of ``runs`` runs."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    env.pop("NEWSARCHIVE_CONFIG", None)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "scraper", "demo", "--archive",
                        str(Path(tmp) / "arc")], env=env, check=True, cwd=tmp,
                       stdout=subprocess.DEVNULL)
        cli = [sys.executable, "-m", "scraper"]
        archive = ["--archive", str(Path(tmp) / "arc")]
        commands = {"--version": [*cli, "--version"],
                    "query Lavrov": [*cli, "query", "Lavrov", *archive],
                    "show 1": [*cli, "show", "1", *archive]}
        bare = _time([sys.executable, "-c", "pass"], args.runs, env)
        print(f"python -c pass: {bare:.0f} ms (median of {args.runs})")
        worst = 0.0
        for name, argv in commands.items():
            took = _time(argv, args.runs, env)
            worst = max(worst, took - bare)
            mark = "ok" if took - bare <= GOAL_MS else "over"
            print(f"newsarchive {name}: {took:.0f} ms, +{took - bare:.0f} ms over bare "
                  f"python ({mark}: goal +{GOAL_MS:.0f} ms)")
        print(f"worst: +{worst:.0f} ms")


if __name__ == "__main__":
    main()

"""The ``newsarchive`` command, run as a subprocess against the sample site on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from scraper.demo import SiteServer, site_dir
from tests.conftest import SEED_PATH, run_cli

FLAGS = ["--allow-private", "--delay", "0", "--set", "fetch.retries=0"]


@pytest.fixture
def crawled(site: SiteServer, tmp_path: Path) -> Path:
    arc = tmp_path / "arc"
    result = run_cli("crawl", site.url("/"), "--archive", str(arc), *FLAGS)
    assert result.returncode == 0, result.stderr.decode()
    return arc


def test_crawl_summary_and_query_json(crawled: Path) -> None:
    result = run_cli("query", "Lavrov", "--archive", str(crawled), "--json")
    assert result.returncode == 0, result.stderr.decode()
    hits = [json.loads(line) for line in result.stdout.decode().splitlines()]
    titles = {h["title"] for h in hits}
    assert "USA and Russia Unite Against A Shared Enemy" in titles
    seed = next(h for h in hits if h["title"].startswith("USA and Russia"))
    assert [a["source"] for a in seed["attributions"]] == ["Sott", "The Guardian", "Infowars",
                                                           "Yahoo"]
    by_source = run_cli("query", "--source", "Infowars", "--archive", str(crawled), "--csv")
    rows = list(csv.DictReader(io.StringIO(by_source.stdout.decode())))
    assert [r["title"] for r in rows] == ["USA and Russia Unite Against A Shared Enemy"]


def test_show_raw_returns_exact_fetched_bytes(crawled: Path) -> None:
    hits = run_cli("query", "--archive", str(crawled), "--json", "--limit", "100")
    seed = next(json.loads(x) for x in hits.stdout.decode().splitlines()
                if json.loads(x)["url"].endswith(SEED_PATH))
    raw = run_cli("show", str(seed["id"]), "--raw", "--archive", str(crawled))
    assert raw.returncode == 0
    assert raw.stdout == (site_dir() / SEED_PATH.lstrip("/")).read_bytes()
    shown = run_cli("show", str(seed["id"]), "--archive", str(crawled))
    assert b"Originally posted" not in shown.stdout and b"Yahoo" in shown.stdout


def test_export_jsonl_and_csv(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert run_cli("export", "--archive", str(crawled), "-o", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) >= 4 and all("attributions" in r for r in rows)
    csv_out = run_cli("export", "--csv", "--archive", str(crawled))
    assert csv_out.stdout.decode().count("\n") >= len(rows) + 1


def test_warc_files_pass_warcio_check(crawled: Path) -> None:
    import subprocess
    import sys

    files = sorted((crawled / "warc").glob("*.warc.gz"))
    assert files
    check = subprocess.run([sys.executable, "-m", "warcio.cli", "check", *map(str, files)],
                           capture_output=True, check=False)
    if b"No module named warcio.cli" in check.stderr:  # older warcio: use its entry point
        check = subprocess.run(["warcio", "check", *map(str, files)], capture_output=True,
                               check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_parse_file_offline(tmp_path: Path) -> None:
    path = site_dir() / SEED_PATH.lstrip("/")
    result = run_cli("parse", str(path))
    data = json.loads(result.stdout)
    assert data["title"] == "USA and Russia Unite Against A Shared Enemy"
    assert data["published"].startswith("2015-11-02")


def test_fetch_prints_record(site: SiteServer, tmp_path: Path) -> None:
    result = run_cli("fetch", site.url(SEED_PATH), "--archive", str(tmp_path / "a"), *FLAGS)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["id"] == 1 and data["outcome"] == "new" and len(data["attributions"]) == 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["crawl", "not a url"], b"not an http(s) URL"),
        (["crawl"], b"give seed URLs"),
        (["crawl", "-i", "/no/such/seeds.txt"], b"cannot read seeds file"),
        (["parse", "/no/such/file.html"], b"cannot read"),
        (["show", "1", "--archive", "/no/such/archive"], b"no archive at"),
        (["query", "x", "--config", "/no/such.toml"], b"config file not found"),
        (["query", "x", "--set", "crawl.nope=1"], b"unknown setting crawl.'nope'"),
        (["fetch", "http://127.0.0.1:9/"], b"refused private address"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args: list[str], message: bytes,
                                                    tmp_path: Path) -> None:
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_runs_offline(tmp_path: Path) -> None:
    result = run_cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "USA and Russia Unite Against A Shared Enemy" in out
    assert "The Guardian" in out and "archive written to" in out
    assert (tmp_path / "newsarchive-demo" / "archive.sqlite").exists()

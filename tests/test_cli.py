"""The ``newsarchive`` command, run in-process (``main(argv)``) against the sample site on
127.0.0.1, as a user would from a pipe."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from scraper.demo import SiteServer, site_dir
from tests.conftest import SEED_PATH, cli

FLAGS = ["--allow-private", "--delay", "0", "--set", "fetch.retries=0"]


@pytest.fixture
def crawled(site: SiteServer, tmp_path: Path) -> Path:
    arc = tmp_path / "arc"
    result = cli("crawl", site.url("/"), "--archive", str(arc), *FLAGS)
    assert result.returncode == 0, result.stderr.decode()
    return arc


def test_crawl_summary_and_query_json(crawled: Path) -> None:
    result = cli("query", "Lavrov", "--archive", str(crawled), "--json")
    assert result.returncode == 0, result.stderr.decode()
    hits = [json.loads(line) for line in result.stdout.decode().splitlines()]
    titles = {h["title"] for h in hits}
    assert "USA and Russia Unite Against A Shared Enemy" in titles
    seed = next(h for h in hits if h["title"].startswith("USA and Russia"))
    assert [a["source"] for a in seed["attributions"]] == ["Sott", "The Guardian", "Infowars",
                                                           "Yahoo"]
    by_source = cli("query", "--source", "Infowars", "--archive", str(crawled), "--csv")
    rows = list(csv.DictReader(io.StringIO(by_source.stdout.decode())))
    assert [r["title"] for r in rows] == ["USA and Russia Unite Against A Shared Enemy"]


def test_show_raw_returns_exact_fetched_bytes(crawled: Path) -> None:
    hits = cli("query", "--archive", str(crawled), "--json", "--limit", "100")
    seed = next(json.loads(x) for x in hits.stdout.decode().splitlines()
                if json.loads(x)["url"].endswith(SEED_PATH))
    raw = cli("show", str(seed["id"]), "--raw", "--archive", str(crawled))
    assert raw.returncode == 0
    assert raw.stdout == (site_dir() / SEED_PATH.lstrip("/")).read_bytes()
    shown = cli("show", str(seed["id"]), "--archive", str(crawled))
    assert b"Originally posted" not in shown.stdout and b"Yahoo" in shown.stdout


def test_export_jsonl_and_csv(crawled: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert cli("export", "--archive", str(crawled), "-o", str(out)).returncode == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) >= 4 and all("attributions" in r for r in rows)
    csv_out = cli("export", "--csv", "--archive", str(crawled))
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
    result = cli("parse", str(path))
    data = json.loads(result.stdout)
    assert data["title"] == "USA and Russia Unite Against A Shared Enemy"
    assert data["published"].startswith("2015-11-02")


def test_fetch_prints_record(site: SiteServer, tmp_path: Path) -> None:
    result = cli("fetch", site.url(SEED_PATH), "--archive", str(tmp_path / "a"), *FLAGS)
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
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert b"Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_demo_runs_offline(tmp_path: Path) -> None:
    result = cli("demo", cwd=tmp_path)
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode()
    assert "USA and Russia Unite Against A Shared Enemy" in out
    assert "The Guardian" in out and "archive written to" in out
    assert (tmp_path / "newsarchive-demo" / "archive.sqlite").exists()


def _closed_port() -> int:
    import socket

    with socket.socket() as s:  # bound, never listening: connections are refused
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_an_unreachable_host_is_a_failure_not_a_robots_skip(tmp_path: Path) -> None:
    result = cli("crawl", f"http://127.0.0.1:{_closed_port()}/", "--archive",
                 str(tmp_path / "arc"), *FLAGS)
    out = (result.stdout + result.stderr).decode()
    assert result.returncode == 1, out
    assert "failed: robots-unreachable" in out and "skipped: robots" not in out
    assert "RFC 9309" in out  # says why the host is treated as disallowed


def test_resume_with_nothing_to_resume_is_not_an_error(tmp_path: Path) -> None:
    result = cli("crawl", "--resume", "--archive", str(tmp_path / "arc"), *FLAGS)
    assert result.returncode == 0 and b"nothing to resume" in result.stderr


def test_seed_only_reads_the_seeds_of_the_config(site: SiteServer, tmp_path: Path) -> None:
    config = tmp_path / "crawl.toml"
    config.write_text(f'[crawl]\nseeds = ["{site.url("/")}"]\nmax_depth = 1\n')
    arc = str(tmp_path / "arc")
    result = cli("crawl", "--seed-only", "--config", str(config), "--archive", arc)
    assert result.returncode == 0 and b"queued 1 seed URL" in result.stderr
    crawled = cli("crawl", "--resume", "--archive", arc, *FLAGS)  # the queued crawl, done
    assert crawled.returncode == 0 and b"new articles" in crawled.stdout + crawled.stderr


def test_a_bad_line_in_the_seeds_file_is_named(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# news\nhttps://a.example/\n\nnot a url\n")
    result = cli("crawl", "-i", str(seeds), "--archive", str(tmp_path / "arc"))
    assert result.returncode == 1
    assert f"{seeds}:4: not an http(s) URL: 'not a url'".encode() in result.stderr


def test_max_pages_says_what_is_left_and_logs_carry_time_and_crawl(site: SiteServer,
                                                                   tmp_path: Path) -> None:
    result = cli("crawl", site.url("/"), site.url("/no-such-page.html"), "--max-pages", "2",
                 "--archive", str(tmp_path / "arc"), *FLAGS)
    out = result.stdout.decode() + result.stderr.decode()
    assert "left queued" in out and "continue with `newsarchive crawl --resume`" in out
    failed = [line for line in out.splitlines() if "failed http" in line]
    assert failed and all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00 crawl 1: ", line)
                          for line in failed)


def test_boolean_settings_are_flags(site: SiteServer, tmp_path: Path) -> None:
    """`--allow-private URL` keeps the URL as a seed (it used to take it as its value)."""
    result = cli("crawl", "--allow-private", site.url(SEED_PATH), "--max-depth", "0",
                 "--delay", "0", "--archive", str(tmp_path / "arc"))
    assert result.returncode == 0, result.stderr.decode()
    refused = cli("crawl", "--no-allow-private", site.url(SEED_PATH), "--archive",
                  str(tmp_path / "arc2"))
    assert b"failed: private-address" in refused.stdout + refused.stderr


def test_each_command_lists_only_the_settings_it_uses() -> None:
    query = cli("query", "--help").stdout.decode()
    assert "--archive" in query and "--crawl-per-host-delay" not in query
    assert "OPT__" not in query and "--fetch-" not in query
    crawl = " ".join(cli("crawl", "--help").stdout.decode().split())
    assert "--crawl-per-host-delay SECONDS" in crawl and "--fetch-allow-private" in crawl
    assert "seconds between two requests to one host" in crawl  # the setting's own docs


def test_piped_output_is_not_wrapped(crawled: Path) -> None:
    out = cli("query", "ceasefire", "--archive", str(crawled)).stdout.decode()
    assert max(len(line) for line in out.splitlines()) > 100  # a table row, whole
    hits = cli("query", "Lavrov", "--json", "--archive", str(crawled)).stdout.decode()
    seed = next(h for h in map(json.loads, hits.splitlines()) if h["url"].endswith(SEED_PATH))
    shown = cli("show", str(seed["id"]), "--archive", str(crawled)).stdout.decode()
    assert max(len(line) for line in shown.splitlines()) > 100  # a paragraph, one line


def test_a_closed_pipe_is_not_an_error(crawled: Path) -> None:
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "scraper", "export", "--jsonl",
                             "--archive", str(crawled)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and err == b"", err


def test_exported_files_are_readable_by_others(crawled: Path, tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        for args in (["-o", str(tmp_path / "x.jsonl")], ["--wacz", str(tmp_path / "x.wacz")]):
            assert cli("export", *args, "--archive", str(crawled)).returncode == 0
    finally:
        os.umask(umask)
    for name in ("x.jsonl", "x.wacz"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o644


def test_csv_and_parquet_carry_provenance_and_types(crawled: Path, tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    rows = list(csv.DictReader(io.StringIO(cli("export", "--csv", "--archive",
                                                str(crawled)).stdout.decode())))
    row = next(r for r in rows if r["url"].endswith(SEED_PATH))
    assert row["page_id"] and row["version"] == "1" and row["latest"] == "True"
    assert row["status"] == "200" and row["warc_file"].endswith(".warc.gz")
    assert int(row["warc_offset"]) >= 0 and int(row["word_count"]) > 10
    out = tmp_path / "x.parquet"
    assert cli("export", "-o", str(out), "--archive", str(crawled)).returncode == 0
    table = pq.read_table(out)
    assert str(table.schema.field("published").type).startswith("timestamp")
    assert str(table.schema.field("attributions").type).startswith("list<element: struct")
    seed = next(r for r in table.to_pylist() if r["url"].endswith(SEED_PATH))
    assert [a["source"] for a in seed["attributions"]][:2] == ["Sott", "The Guardian"]

"""cookies.txt: parsing, scope (domain, path, secure, expiry), Playwright form, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ConfigError
from archive.types import HttpResponse
from scraper.capture import REDACTED, load_cookies, parse_cookies, redact_cookies, redact_headers

NOW = 1_700_000_000
JAR = f"""# Netscape HTTP Cookie File
# comment line
.paper.example\tTRUE\t/\tFALSE\t0\tsession\tS3CRET

paper.example\tFALSE\t/account\tTRUE\t{NOW + 3600}\tsub\tTOKEN
#HttpOnly_www.paper.example\tFALSE\t/\tFALSE\t{NOW + 3600}\thttponly\tH
other.example\tFALSE\t/\tFALSE\t{NOW - 1}\texpired\tOLD
other.example\tFALSE\t/\tFALSE\t0\tempty
"""


def test_scope_by_domain_path_and_scheme() -> None:
    jar = parse_cookies(JAR, now=NOW)
    assert len(jar) == 4  # the expired one is dropped
    h = jar.header_for
    assert h("http://paper.example/news/1") == "session=S3CRET"
    assert h("https://www.paper.example/") == "session=S3CRET; httponly=H"
    assert h("https://paper.example/account/bills") == "sub=TOKEN; session=S3CRET"
    assert h("http://paper.example/account") == "session=S3CRET"       # secure: https only
    assert h("https://paper.example/accounts") == "session=S3CRET"     # not a path prefix
    assert h("https://sub.www.paper.example/") == "session=S3CRET"     # host-only: exact host
    assert h("https://evilpaper.example/") is None                     # not a domain match
    assert h("https://paper.example.evil.test/") is None
    assert h("https://other.example/") == "empty="
    assert h("ftp://paper.example/") is None


def test_playwright_form_marks_host_only_and_domain_cookies() -> None:
    by_name = {c["name"]: c for c in parse_cookies(JAR, now=NOW).for_playwright()}
    assert by_name["session"]["domain"] == ".paper.example"
    assert by_name["sub"] == {"name": "sub", "value": "TOKEN", "domain": "paper.example",
                              "path": "/account", "expires": float(NOW + 3600),
                              "httpOnly": False, "secure": True}
    assert by_name["httponly"]["httpOnly"] is True and by_name["httponly"]["expires"] == float(NOW + 3600)
    assert by_name["session"]["expires"] == -1.0


@pytest.mark.parametrize("line", [
    "paper.example\tTRUE\t/\n",
    "paper.example\tYES\t/\tFALSE\t0\tn\tv\n",
    "paper.example\tTRUE\t/\tFALSE\tsoon\tn\tv\n",
])
def test_malformed_lines_name_the_line(line: str) -> None:
    with pytest.raises(ConfigError, match=r"cookies.txt:2"):
        parse_cookies("# header\n" + line)


def test_load_cookies_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(JAR)
    assert len(load_cookies(path, now=NOW)) == 4
    with pytest.raises(ConfigError, match="cannot read cookies file"):
        load_cookies(tmp_path / "missing.txt")


def test_redaction_keeps_names_and_attributes_not_values() -> None:
    headers = (("Cookie", "session=S3CRET; theme=dark"),
               ("Set-Cookie", "sid=abc123; Path=/; HttpOnly; Secure"),
               ("set-cookie", "flag"),
               ("Authorization", "Bearer xyz"),
               ("Content-Type", "text/html"))
    assert redact_headers(headers) == (
        ("Cookie", f"session={REDACTED}; theme={REDACTED}"),
        ("Set-Cookie", f"sid={REDACTED}; Path=/; HttpOnly; Secure"),
        ("set-cookie", REDACTED),
        ("Authorization", REDACTED),
        ("Content-Type", "text/html"))
    response = HttpResponse(url="https://p.example/", requested_url="https://p.example/",
                            status=200, reason="OK", http_version="HTTP/1.1",
                            headers=(("Set-Cookie", "s=1"),),
                            request_headers=(("Cookie", "s=S3CRET"), ("User-Agent", "ua")),
                            body=b"S3CRET in the body stays", content=b"S3CRET in the body stays",
                            fetched_at="2024-01-01T00:00:00+00:00")
    redacted = redact_cookies(response)
    assert "S3CRET" not in repr(redacted.request_headers) + repr(redacted.headers)
    assert redacted.body == response.body and redacted.request_headers[1] == ("User-Agent", "ua")

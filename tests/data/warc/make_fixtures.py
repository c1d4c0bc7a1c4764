"""Rebuild the WARC/WACZ fixtures in this directory: ``python tests/data/warc/make_fixtures.py``.

They imitate the record layouts of other tools, built with warcio so digests are right:

* ``wget.warc.gz``     WARC/1.0 as ``wget --warc-file`` writes it: warcinfo, request,
  response with a chunked body, and a ``resource`` record holding wget's log.
* ``pywb.warc.gz``     a pywb recording: gzip content-encoded response, request, and a
  ``revisit`` of the same page.
* ``browsertrix.wacz`` a browsertrix-crawler WACZ: archive/data.warc.gz, CDXJ index,
  pages.jsonl and datapackage.json with sha256 digests.
* ``truncated.warc.gz`` wget.warc.gz with its last record cut short.
* ``bad-digest.warc.gz`` a response whose payload does not match its digest.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import zipfile
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

HERE = Path(__file__).resolve().parent
SITE = HERE.parent.parent.parent / "scraper" / "demo" / "site"
PAGE_A = (SITE / "world" / "vienna-talks-syria-ceasefire.html").read_bytes()
PAGE_B = (SITE / "blogs" / "news" / "usa-and-russia-unite-against-a-shared-enemy.html"
          ).read_bytes()
URL_A = "https://www.example-news.org/world/vienna-talks-syria-ceasefire.html"
URL_B = "https://blog.example.net/news/usa-and-russia-unite-against-a-shared-enemy.html"


def _chunked(data: bytes, size: int = 700) -> bytes:
    out = b""
    for i in range(0, len(data), size):
        piece = data[i:i + size]
        out += f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    return out + b"0\r\n\r\n"


def _pair(writer: WARCWriter, url: str, body: bytes, headers: list[tuple[str, str]],
          date: str) -> None:
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    resp = writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                     length=len(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": date})
    path = url.split("/", 3)[3]
    req = writer.create_warc_record(
        url, "request", http_headers=StatusAndHeaders(
            f"GET /{path} HTTP/1.1", [("Host", url.split("/")[2]), ("User-Agent", "Wget/1.21.3")],
            is_http_request=True), warc_headers_dict={"WARC-Date": date})
    writer.write_request_response_pair(req, resp)


def wget() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="1.0")
    w.write_record(w.create_warcinfo_record("wget.warc.gz", {
        "software": "Wget/1.21.3 (linux-gnu)", "format": "WARC File Format 1.0",
        "robots": "classic", "wget-arguments": "\"--warc-file=wget\" \"-p\" \"" + URL_A + "\""}))
    _pair(w, URL_A, _chunked(PAGE_A), [("Content-Type", "text/html; charset=utf-8"),
                                       ("Transfer-Encoding", "chunked")], "2024-03-01T10:00:00Z")
    _pair(w, URL_A.replace(".html", ".png"), b"\x89PNG\r\n\x1a\n", [("Content-Type", "image/png")],
          "2024-03-01T10:00:01Z")
    log = b"--2024-03-01 10:00:00--  " + URL_A.encode() + b"\nSaving to: 'index.html'\n"
    w.write_record(w.create_warc_record("metadata://gnu.org/software/wget/warc/wget.log",
                                        "resource", payload=io.BytesIO(log), length=len(log),
                                        warc_content_type="text/plain"))
    return buf.getvalue()


def pywb() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="1.0")
    w.write_record(w.create_warcinfo_record("pywb.warc.gz", {"software": "pywb 2.8.3"}))
    body = gzip.compress(PAGE_B, mtime=0)
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    _pair(w, URL_B, body, headers, "2024-04-02T08:30:00Z")
    digest = "sha1:" + __import__("base64").b32encode(hashlib.sha1(body).digest()).decode()
    w.write_record(w.create_revisit_record(
        URL_B, digest, URL_B, "2024-04-02T08:30:00Z",
        http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"),
        warc_headers_dict={"WARC-Date": "2024-04-03T08:30:00Z"}))
    return buf.getvalue()


def browsertrix() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="1.1")
    w.write_record(w.create_warcinfo_record("data.warc.gz", {
        "software": "Browsertrix-Crawler 1.1.0 (with warcio.js 2.2.1)", "format":
        "WARC File Format 1.1"}))
    _pair(w, URL_B, PAGE_B, [("Content-Type", "text/html; charset=utf-8")],
          "2024-05-05T12:00:00Z")
    _pair(w, URL_A, PAGE_A, [("Content-Type", "text/html; charset=utf-8")],
          "2024-05-05T12:00:05Z")
    warc = buf.getvalue()
    pages = "\n".join([json.dumps({"format": "json-pages-1.0", "id": "pages",
                                   "title": "All Pages"}),
                       json.dumps({"id": "p1", "url": URL_B, "ts": "2024-05-05T12:00:00Z"}),
                       json.dumps({"id": "p2", "url": URL_A, "ts": "2024-05-05T12:00:05Z"})])
    files = {"archive/data.warc.gz": warc, "pages/pages.jsonl": pages.encode() + b"\n",
             "indexes/index.cdxj": b""}
    package = {"profile": "data-package", "wacz_version": "1.1.1",
               "software": "Browsertrix-Crawler 1.1.0",
               "resources": [{"name": Path(p).name, "path": p,
                              "hash": "sha256:" + hashlib.sha256(d).hexdigest(),
                              "bytes": len(d)} for p, d in files.items()]}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for path, data in files.items():
            zf.writestr(zipfile.ZipInfo(path, (2024, 5, 5, 12, 0, 0)), data)
        zf.writestr(zipfile.ZipInfo("datapackage.json", (2024, 5, 5, 12, 0, 0)),
                    json.dumps(package, indent=2))
    return out.getvalue()


def bad_digest() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True, warc_version="1.1")
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    rec = w.create_warc_record(URL_A, "response", payload=io.BytesIO(PAGE_A),
                               length=len(PAGE_A), http_headers=http,
                               warc_headers_dict={"WARC-Date": "2024-03-01T10:00:00Z"})
    rec.rec_headers.replace_header("WARC-Payload-Digest", "sha1:" + "A" * 32)
    rec.rec_headers.replace_header("WARC-Block-Digest", "sha1:" + "B" * 32)
    w.write_record(rec)
    return buf.getvalue()


def main() -> None:
    data = wget()
    (HERE / "wget.warc.gz").write_bytes(data)
    (HERE / "pywb.warc.gz").write_bytes(pywb())
    (HERE / "browsertrix.wacz").write_bytes(browsertrix())
    (HERE / "truncated.warc.gz").write_bytes(data[:-120])
    (HERE / "bad-digest.warc.gz").write_bytes(bad_digest())


if __name__ == "__main__":
    main()

"""Decoding order: BOM, HTTP header, <meta charset>, detection; junk names ignored."""

from __future__ import annotations

import pytest

from scraper.encoding import decode_html, detect_encoding


def test_bom_wins_over_header_and_meta() -> None:
    data = b"\xef\xbb\xbf<meta charset=shift_jis>caf\xc3\xa9"
    assert detect_encoding(data, "text/html; charset=iso-8859-1") == "utf-8"
    assert decode_html(data).endswith("café")


def test_header_then_meta_then_detection() -> None:
    assert detect_encoding(b"<meta charset=koi8-r>x", "text/html; charset=utf-8") == "utf-8"
    assert detect_encoding(b"<meta charset=koi8-r>x", "text/html") == "koi8-r"
    assert detect_encoding(b"caf\xc3\xa9") == "utf-8"
    assert "café" in decode_html("naïve café résumé".encode("cp1252") * 20)


def test_latin1_label_means_windows_1252() -> None:
    assert decode_html(b"\x93quoted\x94", "text/html; charset=ISO-8859-1") == "\u201cquoted\u201d"


@pytest.mark.parametrize("name", ["rot13", "base64", "zlib", "hex", "utf-7", "no-such-thing",
                                  "x" * 500])
def test_names_that_are_not_text_encodings_are_ignored(name: str) -> None:
    assert detect_encoding(b"plain ascii", f"text/html; charset={name}") == "utf-8"
    assert decode_html(b"<meta charset=" + name.encode() + b">plain") .endswith("plain")


def test_invalid_bytes_never_raise() -> None:
    assert decode_html(b"\xfd ok \xc3", "text/html; charset=utf-8") == "ý ok Ã"
    assert decode_html(b"\xff\xfeo\x00k\x00") == "ok"  # a UTF-16 BOM is believed


def test_stray_windows_1252_bytes_in_a_utf8_page_are_read_as_such() -> None:
    data = b"<meta charset=utf-8><p>caf\xc3\xa9, caf\xe9, \x93quoted\x94, \x81</p>"
    assert decode_html(data).endswith("<p>café, café, “quoted”, \ufffd</p>")


def test_other_encodings_still_replace_what_does_not_fit() -> None:
    assert decode_html(b"\xff\xfe\x00\xd8", "text/html; charset=utf-16-le") == "\ufffd"


def test_valid_utf8_under_a_wrong_meta_charset_is_read_as_utf8() -> None:
    page = "<html><head><meta charset='Shift_JIS'><title>日本語の記事</title></head>"
    data = (page + "<body><p>東京で会議が開かれた。</p></body></html>").encode("utf-8")
    assert detect_encoding(data) == "utf-8"
    assert "東京で会議が開かれた。" in decode_html(data)


def test_valid_utf8_under_a_wrong_header_charset_is_read_as_utf8() -> None:
    data = "<p>naïve café</p>".encode()
    assert detect_encoding(data, "text/html; charset=iso-8859-1") == "utf-8"


def test_a_true_legacy_charset_is_kept() -> None:
    data = "<meta charset='shift_jis'><p>東京で会議が開かれた。</p>".encode("shift_jis")
    assert detect_encoding(data) == "cp932"  # the WHATWG Shift_JIS is Windows-31J
    assert "東京で会議" in decode_html(data)
    ascii_only = b"<meta charset='koi8-r'><p>plain</p>"
    assert detect_encoding(ascii_only) == "koi8-r"  # nothing to contradict the declaration


def test_labels_map_to_the_encodings_browsers_use() -> None:
    assert detect_encoding(b"<meta charset=gb2312>x") == "gb18030"
    assert detect_encoding(b"<meta charset=utf-16>x") == "utf-8"  # a readable meta is not UTF-16

"""Turn fetched bytes into text, in the order of the WHATWG encoding standard.

1. a byte order mark;
2. the charset of the HTTP ``Content-Type`` header;
3. the ``<meta charset>`` / ``http-equiv`` prescan of the first bytes;
4. otherwise UTF-8 if the bytes are UTF-8, else detection (charset-normalizer).

Labels map to the encodings browsers use for them (``iso-8859-1`` is windows-1252,
``gb2312`` is GB18030, ``shift_jis`` is Windows-31J...). One check is added to the
standard's order: a declared charset (header or meta) other than UTF-8, on bytes that
are valid UTF-8 and hold multi-byte sequences, is wrong (a template copied from another
site, a server default); such bytes are read as UTF-8, since text in a legacy encoding
almost never forms valid UTF-8 by chance.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([a-zA-Z0-9_:.\-]+)""", re.IGNORECASE)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    # Only real text encodings: "rot13", "base64", "zlib" name bytes-to-bytes codecs that
    # cannot decode a page, and the HTML standard forbids UTF-7 (script smuggling).
    if not getattr(codec, "_is_text_encoding", True) or codec.name in ("utf-7", "utf_7"):
        return None
    # Labels mean the superset browsers decode them with (the WHATWG label table).
    return _SUPERSETS.get(codec.name, codec.name)


_SUPERSETS = {
    "latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254",
    "gb2312": "gb18030", "gbk": "gb18030", "shift_jis": "cp932", "euc_kr": "cp949",
    "tis-620": "cp874", "iso8859-11": "cp874", "big5": "big5hkscs",
}


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset named in a Content-Type header, if it is one Python knows."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return _known(match.group(1)) if match else None


def detect_encoding(data: bytes, content_type: str | None = None) -> str:
    """Pick the encoding of an HTML document; never fails (falls back to UTF-8)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    declared = charset_from_content_type(content_type) or _meta_charset(data)
    if declared:
        return "utf-8" if declared != "utf-8" and _is_utf8(data, multibyte=True) else declared
    if _is_utf8(data):
        return "utf-8"
    best = charset_normalizer.from_bytes(data[:65536]).best()
    return (_known(best.encoding) if best is not None else None) or "cp1252"


def _meta_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` in the first bytes declares (a UTF-16 label there means
    UTF-8: a meta tag readable as ASCII is not in UTF-16)."""
    match = _META_CHARSET.search(data[:4096])
    if not match:
        return None
    meta = _known(match.group(1).decode("ascii", "ignore"))
    return "utf-8" if meta and meta.startswith("utf-16") else meta


_UTF8_SAMPLE = 65536
_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]")


def _is_utf8(data: bytes, multibyte: bool = False) -> bool:
    """Whether the first 64 KB decode as UTF-8 (a character cut at the sample's end is
    allowed); with ``multibyte``, also whether they hold a non-ASCII character."""
    sample = data[:_UTF8_SAMPLE]
    if multibyte and not _MULTIBYTE.search(sample):
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4 and len(data) > _UTF8_SAMPLE
    return True


def _read_as_cp1252(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the bytes that do not fit as windows-1252, the usual
    stray in a UTF-8 page (a pasted Latin-1 fragment keeps "café", not "caf\ufffd")."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return exc.object[exc.start:exc.end].decode("cp1252", errors="replace"), exc.end


_STRAY_BYTES = "newsarchive.cp1252"  # an error-handler name, registered once, read-only
codecs.register_error(_STRAY_BYTES, _read_as_cp1252)


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode an HTML document; bytes that do not fit the chosen encoding are replaced
    (or, on a UTF-8 page, read as windows-1252, the usual stray)."""
    encoding = detect_encoding(data, content_type)
    stray = _STRAY_BYTES if codecs.lookup(encoding).name == "utf-8" else "replace"
    text = data.decode(encoding, errors=stray)
    return text[1:] if text.startswith("\ufeff") else text

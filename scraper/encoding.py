"""Turn fetched bytes into text: HTTP header, BOM, ``<meta charset>``, then detection.

The order follows the HTML standard's encoding sniffing, except that a BOM wins over
the header (as browsers do) and detection (charset-normalizer) is the last resort.
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
    # Pages that say latin-1 almost always mean windows-1252 (the HTML standard maps it).
    return "cp1252" if codec.name in ("latin-1", "iso8859-1", "ascii") else codec.name


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
    declared = charset_from_content_type(content_type)
    if declared:
        return declared
    match = _META_CHARSET.search(data[:4096])
    if match:
        meta = _known(match.group(1).decode("ascii", "ignore"))
        if meta and not meta.startswith("utf-16"):  # a meta tag cannot be in UTF-16
            return meta
    try:
        data[:65536].decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= 65530:  # cut inside a multi-byte char at the sample's end
            return "utf-8"
    best = charset_normalizer.from_bytes(data[:65536]).best()
    return (_known(best.encoding) if best is not None else None) or "cp1252"


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

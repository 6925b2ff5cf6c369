"""Bytes to text: BOM, UTF-8, declared charset, then detection; binary input is refused."""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from ..errors import BinaryInputError, DecodeError, EmptyInputError

# File signatures of formats people save under a text or .html name by mistake.
_MAGIC = {
    b"%PDF-": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (or an office document)",
    b"\x1f\x8b": "gzip-compressed data",
    b"RIFF": "a RIFF file (WebP image or audio)",
    b"\x7fELF": "an executable",
}
# Longest first: a UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def charset_from_content_type(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header value, if any."""
    if not content_type:
        return None
    match = _HEADER_CHARSET.search(content_type)
    return match.group(1) if match else None


def charset_from_meta(data: bytes) -> str | None:
    """The charset an HTML page declares in its first 4 KiB (`<meta charset>` or http-equiv)."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii", "replace") if match else None


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """(encoding, length of the mark) when the data opens with a byte-order mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = False) -> str:
    """Decode `data` as text.

    Order: a BOM; strict UTF-8; the `declared` charset (an HTTP header's), then for HTML the
    page's own `<meta>` charset, when they decode the bytes cleanly (a declared UTF-8 also
    when only a few bytes are broken: those become U+FFFD); then detection.
    Raises EmptyInputError, BinaryInputError or DecodeError.
    """
    if not data.strip():
        raise EmptyInputError("empty input")
    marked = bom_encoding(data)
    if marked is not None:
        encoding, skip = marked
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as err:
            raise DecodeError(f"invalid {encoding} after its byte-order mark") from err
        if not text.strip():
            raise EmptyInputError("empty input")
        return text
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise BinaryInputError(f"binary input ({what}), not text")
    if b"\x00" in data[:8192]:
        raise BinaryInputError("binary input (NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    candidates = [_codec(declared)]
    if html:
        candidates.append(_codec(charset_from_meta(data)))
    for encoding in candidates:
        if encoding == "utf-8":
            # Declared UTF-8 with a few broken bytes (a cut multi-byte character, one
            # mis-encoded word): keep UTF-8 rather than let detection pick a code page.
            text = data.decode("utf-8", "replace")
            if text.count("\ufffd") <= max(8, len(text) // 1000):
                return text
        elif encoding:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None or best.encoding is None:
        raise DecodeError("cannot decode: not UTF-8 and no other encoding fits")
    try:
        return data.decode(best.encoding)
    except UnicodeDecodeError as err:  # detection looked at a prefix only
        raise DecodeError(f"cannot decode as {best.encoding} (detected)") from err

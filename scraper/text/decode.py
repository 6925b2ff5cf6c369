"""Bytes to text: BOM, UTF-8, declared charset, then detection; a few broken bytes are
forgiven (replaced, with a warning), binary input is refused."""

from __future__ import annotations

import codecs
import re
import warnings

import charset_normalizer

from ..errors import BinaryInputError, DecodeError, DecodeWarning, EmptyInputError

# Broken byte sequences tolerated in a text: this many, or this share of its characters.
MIN_BROKEN = 8
MAX_BROKEN_SHARE = 0.02
# Bytes that fail UTF-8 are still taken for UTF-8 with a few broken sequences when valid
# multi-byte characters outnumber the broken sequences this many times.
UTF8_EVIDENCE = 4
# Charset detection reads this much of the input.
DETECT_BYTES = 200_000

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


def decode_bytes(data: bytes, *, declared: str | None = None, html: bool = False,
                 name: str | None = None) -> str:
    """Decode `data` as text.

    Order: a BOM; a declared (HTTP header's) UTF-16/32, even with NUL bytes; UTF-8, also
    when a few bytes are broken (a cut character, a stray byte: they become U+FFFD and a
    DecodeWarning says how many); the `declared` charset, then for HTML the page's own
    `<meta>` charset; then detection (charset-normalizer). Only input that is mostly
    undecodable is refused. `name` (a file or URL) is for the warning's message.
    Raises EmptyInputError, BinaryInputError or DecodeError.
    """
    if not data.strip():
        raise EmptyInputError("empty input")
    marked = bom_encoding(data)
    if marked is not None:
        encoding, skip = marked
        text = _forgiving(data[skip:], encoding, name)
        if text is None:
            raise DecodeError(f"cannot decode: mostly invalid {encoding} after its byte-order mark")
        if not text.strip():
            raise EmptyInputError("empty input")
        return text
    wide = _codec(declared)
    if wide is not None and wide.startswith(("utf-16", "utf-32")):
        text = _forgiving(data, wide, name)
        if text is not None and text.strip():
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
    text = _mostly_utf8(data, name)
    if text is not None:
        return text
    candidates: list[str | None] = [_codec(declared)]
    if html:
        candidates.append(_codec(charset_from_meta(data)))
    for codec in candidates:
        if codec and codec != "utf-8":
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(data[:DETECT_BYTES]).best()
    if best is not None and best.encoding is not None:
        text = _forgiving(data, best.encoding, name)  # detection looked at a prefix only
        if text is not None:
            return text
    text = _forgiving(data, "utf-8", name)
    if text is None:
        raise DecodeError("cannot decode: not UTF-8 and no other encoding fits")
    return text


def _forgiving(data: bytes, encoding: str, name: str | None) -> str | None:
    """`data` decoded with broken sequences replaced by U+FFFD (and a DecodeWarning saying
    how many), or None when too much of it is broken to be text in that encoding."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        pass
    text = data.decode(encoding, "replace")
    broken = _broken(data, text, encoding)
    if broken > max(MIN_BROKEN, MAX_BROKEN_SHARE * len(text)):
        return None
    _warn_replaced(broken, encoding, name)
    return text


def _mostly_utf8(data: bytes, name: str | None) -> str | None:
    """The data as UTF-8 when nearly all its non-ASCII bytes form valid UTF-8 sequences
    (a stray byte or a character cut in two), else None (a legacy code page, say)."""
    text = data.decode("utf-8", "replace")
    broken = _broken(data, text, "utf-8")
    valid = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    if valid < UTF8_EVIDENCE * broken or broken > MAX_BROKEN_SHARE * len(text):
        return None
    _warn_replaced(broken, "utf-8", name)
    return text


def _broken(data: bytes, text: str, encoding: str) -> int:
    """How many U+FFFD the decoding added (those written in the input do not count)."""
    written = data.count("\ufffd".encode(encoding)) if encoding.startswith("utf-8") else 0
    return text.count("\ufffd") - written


def _warn_replaced(broken: int, encoding: str, name: str | None) -> None:
    if broken > 0:
        where = f"{name}: " if name else ""
        warnings.warn(DecodeWarning(
            f"{where}{broken} undecodable byte sequence{'s' * (broken != 1)} in {encoding} "
            "replaced with U+FFFD"), stacklevel=4)

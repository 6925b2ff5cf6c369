"""Decoding: BOMs, legacy Arabic code pages, declared charsets, binary refusal."""

from __future__ import annotations

import warnings

import pytest

from scraper import BinaryInputError, DecodeError, DecodeWarning, EmptyInputError
from scraper.text.decode import (
    charset_from_content_type,
    charset_from_meta,
    decode_bytes,
)
from tests.conftest import SEEDS

ARABIC = ("قال المتحدث باسم الوزارة إن المحادثات ستستأنف الأسبوع المقبل في العاصمة، "
          "مؤكداً أن الطرفين اتفقا على جدول أعمال يشمل الملفات الاقتصادية والأمنية.\n") * 3


@pytest.mark.parametrize("codec", ["cp1256", "iso8859_6", "utf-16", "utf-8-sig"])
def test_arabic_in_any_common_encoding(codec: str) -> None:
    assert decode_bytes(ARABIC.encode(codec)) == ARABIC


def test_declared_charset_is_used_when_it_fits() -> None:
    data = "café olé\n".encode("cp1252")
    assert decode_bytes(data, declared="windows-1252") == "café olé\n"
    page = b'<html><head><meta charset="windows-1256"></head><body>' + ARABIC.encode("cp1256")
    assert ARABIC in decode_bytes(page, html=True)


def test_charset_sniffing_helpers() -> None:
    assert charset_from_content_type('text/html; charset="Windows-1256"') == "Windows-1256"
    assert charset_from_content_type("text/html") is None
    assert charset_from_meta(b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6">') == "iso-8859-6"


@pytest.mark.parametrize("data, error", [
    (b"", EmptyInputError), (b" \n\t\n", EmptyInputError), (b"\xef\xbb\xbf", EmptyInputError),
    (b"%PDF-1.7\n...", BinaryInputError), (b"\xff\xd8\xff\xe0JFIF", BinaryInputError),
    (b"text\x00with\x00nul", BinaryInputError),
])
def test_refused_input(data: bytes, error: type) -> None:
    with pytest.raises(error):
        decode_bytes(data)

SEED = sorted(SEEDS.glob("*.txt"))[0].read_bytes()


def _decode_warned(data: bytes, **kw) -> tuple[str, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = decode_bytes(data, **kw)
    return text, [str(w.message) for w in caught if issubclass(w.category, DecodeWarning)]


def test_a_stray_byte_in_utf8_is_replaced_and_counted() -> None:
    text, said = _decode_warned(SEED[:300] + b"\xff" + SEED[300:], name="seed.txt")
    assert text == SEED[:300].decode() + "\ufffd" + SEED[300:].decode()
    assert said == ["seed.txt: 1 undecodable byte sequence in utf-8 replaced with U+FFFD"]


def test_a_text_cut_inside_a_character_keeps_everything_before_the_cut() -> None:
    cut = SEED.rstrip()[:-1]  # the last Arabic letter loses its second byte
    text, said = _decode_warned(cut)
    assert text.endswith("\ufffd") and text[:-1] == cut[:-1].decode()
    assert len(said) == 1


def test_an_arabic_page_with_twenty_broken_bytes_stays_utf8() -> None:
    page = ("<html><body>" + "".join(f"<p>{ARABIC} {i}</p>" for i in range(20)) + "</body></html>").encode()
    broken = page.replace("المقبل".encode(), "المقب".encode() + b"\xfe", 20)  # 20 bytes
    text, said = _decode_warned(broken, html=True)
    assert text.count("\ufffd") == 20 and ARABIC.splitlines()[0][:40] in text
    assert said and said[0].startswith("20 undecodable")


def test_a_written_replacement_character_is_not_counted_as_broken() -> None:
    text, said = _decode_warned("déjà vu \ufffd ".encode() * 20 + b"\xff")
    assert said == ["1 undecodable byte sequence in utf-8 replaced with U+FFFD"]


def test_legacy_code_pages_are_not_mistaken_for_broken_utf8() -> None:
    for data in (ARABIC.encode("cp1256"), ("Une soirée à l'opéra, déjà complète. " * 5).encode("latin-1")):
        text, said = _decode_warned(data)
        assert "\ufffd" not in text and said == []


def test_mostly_undecodable_bytes_are_refused() -> None:
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(0x80, 0x100)) * 40)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le"])
def test_declared_utf16_without_a_mark_is_read_despite_its_nul_bytes(codec: str) -> None:
    assert decode_bytes(ARABIC.encode(codec), declared=codec) == ARABIC
    with pytest.raises(BinaryInputError):  # undeclared, the NUL bytes say binary
        decode_bytes(ARABIC.encode(codec))

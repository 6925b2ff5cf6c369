"""Decoding: BOMs, legacy Arabic code pages, declared charsets, binary refusal."""

from __future__ import annotations

import pytest

from scraper import BinaryInputError, EmptyInputError
from scraper.text.decode import (
    charset_from_content_type,
    charset_from_meta,
    decode_bytes,
)

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

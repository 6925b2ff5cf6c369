"""Recognising byline lines ("By X", "كتب X", a name beside a date) and reading the name."""

from __future__ import annotations

import re

from .dates import find_date
from .lines import words

# Words that introduce an author's name, by language (lower case).
BYLINE_PREFIXES = (
    "by", "written by", "words by", "author", "authors", "reporter", "posted by",
    "بواسطة", "كتب", "كتبت", "كتبه", "بقلم", "الكاتب", "الكاتبة", "المحرر", "إعداد", "تحرير",
    "von", "autor", "autorin", "par", "auteur", "por", "di", "da", "door", "av",
    "توسط", "نویسنده", "yazan", "yazar",
)
_PREFIX = "|".join(sorted((re.escape(p) for p in BYLINE_PREFIXES), key=len, reverse=True))
_BYLINE = re.compile(rf"^(?:{_PREFIX})\s*[:：]?\s+(?P<name>\S.*)$", re.I)
# Where a name stops: a digit (date, reading time), a separator, or a bracket.
_NAME_END = re.compile(r"\s*(?:[0-9٠-٩۰-۹|·•—–/(\[]|\s-\s|,\s|،).*$")
MAX_BYLINE_WORDS = 10


def byline_name(line: str) -> str | None:
    """The author named by a byline line ("By Jane Doe", "كتب فريق التحرير 3 دقيقة"), or None."""
    if words(line) > MAX_BYLINE_WORDS:
        return None
    match = _BYLINE.match(line.strip())
    if not match:
        return None
    name = _NAME_END.sub("", match.group("name")).strip(" :：-–—")
    return name if 0 < words(name) <= 5 else None


def name_beside_date(line: str) -> str | None:
    """The name in a "Jane Doe - Apr 16, 2015" line: the short text before the date, or None."""
    if find_date(line) is None:
        return None
    head = re.split(r"\s[-–—|·•]\s|\s*[|·•]\s*", line, maxsplit=1)[0]
    if head == line or find_date(head) is not None:
        return None
    head = byline_name(head) or head.strip()
    return head if 0 < words(head) <= 4 else None


# Job titles that make a short line a reporter's role line ("Senior Staff Writer",
# "مراسل الجزيرة"), by language (lower case; matched as whole words).
ROLE_WORDS = (
    "reporter", "correspondent", "editor", "writer", "columnist", "contributor", "journalist",
    "photographer", "producer", "analyst", "staff", "freelance", "technologist", "author",
    "مراسل", "مراسلة", "محرر", "محررة", "صحفي", "صحفية", "كاتب", "كاتبة", "مصور", "مراسلنا",
    "redakteur", "redakteurin", "korrespondent", "korrespondentin", "autor", "autorin",
    "rédacteur", "rédactrice", "journaliste", "correspondant", "correspondante",
    "redactor", "redactora", "periodista", "corresponsal", "jornalista", "giornalista",
    "muhabir", "editör", "yazar", "خبرنگار", "نویسنده", "دبیر",
)
_ROLE = re.compile(r"(?<!\w)(?:" + "|".join(ROLE_WORDS) + r")(?!\w)", re.I)
MAX_ROLE_WORDS = 12


def is_role_line(line: str) -> bool:
    """True for a short line naming a job title ("Senior Staff Writer", "مراسل الجزيرة")."""
    return words(line) <= MAX_ROLE_WORDS and _ROLE.search(line) is not None

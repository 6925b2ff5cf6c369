"""Recognising byline lines ("By X", "كتب X", a name beside a date) and reading the name;
reading author names from metadata fields and from the elements that show them."""

from __future__ import annotations

import html
import re

from .dates import MONTHS, find_date
from .lines import words
from .normalize import clean_line

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
# Words that introduce a name in an author field or link only ("View all posts by X",
# "Text: X"): too common in prose to mark a byline line of a text.
AUTHOR_FIELD_PREFIXES = (
    "text", "interview", "story by", "recipe by", "photos by", "geschrieben von",
    "verfasst von", "erstellt von", "veröffentlicht von", "ein beitrag von", "beitrag von",
    "artikel von", "alle beiträge von", "zeige alle beiträge von", "view all posts by",
    "all posts by", "posts by", "more from", "publié par", "escrito por", "scritto da",
)
# Byline words that also begin surnames (Von Trapp, Di Maio): kept, capitalised, before a
# single word.
_NAME_PARTICLES = {"von", "di", "da", "door", "av", "par", "por"}
_FIELD_WORDS = sorted((*BYLINE_PREFIXES, *AUTHOR_FIELD_PREFIXES), key=len, reverse=True)
_FIELD_PREFIX = re.compile(r"^(?P<prefix>{})\s*(?P<colon>[:：])?\s+".format(
    "|".join(re.escape(p) for p in _FIELD_WORDS)), re.I)
_HANDLE = re.compile(r"(?<![\w.])@\w+")
_EMAIL = re.compile(r"\b[\w.%+-]+@[\w.-]+\.[a-z]{2,}\b", re.I)
_PREFIX_WORDS = frozenset(p.casefold() for p in _FIELD_WORDS)
_EDGES = " \"'“”„«»‘’:,;|-–—*"
MAX_AUTHOR_CHARS = 120
_URL_STARTS = ("http://", "https://", "/", "www.")
# Where a name shown in an author element stops: a digit (its date), a separator or a
# bracket; unlike in a byline line, a comma may join co-authors.
_SHOWN_NAME_END = re.compile(r"\s*(?:[0-9٠-٩۰-۹|·•—–/(\[]|\s-\s).*$")
# Words that introduce the date after a name ("Jane Doe am 12.03.", "Jane Doe on May 5").
_DATE_WORDS = frozenset({"am", "um", "on", "at", "le", "il", "el", "vom", "published",
                         "updated", "posted", "veröffentlicht", "aktualisiert", "publié",
                         "publicado", "last"})
_INNER_BY = re.compile(r"\s(?:by|von|par|por|door)\s+(?=\S)", re.I)
_CO_AUTHORS = re.compile(r"\s*(?:[,;&]|\s(?:and|und|et|y)\s)\s*", re.I)
MAX_NAME_WORDS = 4  # in each name an author element shows
# Lower-case words inside names.
_PARTICLES = frozenset({"von", "van", "der", "den", "de", "da", "di", "del", "della", "la", "le",
                        "du", "dos", "das", "bin", "al", "el", "ter", "zu", "y"})
MAX_SHOWN_NAMES = 10


def byline_name(line: str) -> str | None:
    """The author named by a byline line ("By Jane Doe", "كتب فريق التحرير 3 دقيقة"), or None."""
    match = _BYLINE.match(line.strip())
    if not match or words(line) > MAX_BYLINE_WORDS:
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


def author_name(value: str | None) -> str | None:
    """The name (or names) an author field holds, without a byline word ("By", "Von",
    "View all posts by"), @handles, e-mail addresses, HTML entities or quotes around it;
    None for a URL or a text too long to be a name."""
    if not value:
        return None
    text = clean_line(html.unescape(value))
    if not text or len(text) > MAX_AUTHOR_CHARS or text.startswith(_URL_STARTS):
        return None
    text = clean_line(_HANDLE.sub(" ", _EMAIL.sub(" ", text)))
    for _ in range(2):  # "Text by Jane Doe"
        match = _FIELD_PREFIX.match(text)
        if not match:
            break
        rest, prefix = text[match.end():], match.group("prefix")
        if match.group("colon") or prefix.casefold() not in _NAME_PARTICLES \
                or prefix.islower() or len(rest.split()) > 1:
            text = rest
    text = text.strip(_EDGES)
    return text if text and text.casefold() not in _PREFIX_WORDS else None


def shown_name(text: str) -> str | None:
    """The name (or names) an author element shows: "By Jane Doe - 5 May 2024", "Jane Doe
    am 12.03.2024", "Ann Lee, Bo Chen"; None when it shows a date or a sentence instead."""
    text = clean_line(text)
    inner = _INNER_BY.search(text)
    if inner and any(c.isdigit() for c in text[:inner.start()]):  # "Posted on 5 May by X"
        text = text[inner.end():]
    end = _SHOWN_NAME_END.search(text)
    dated = end is not None and end.group().strip()[:1].isdigit()
    name = author_name(text[:end.start()] if end else text)
    if not name:
        return None
    tokens = name.split()
    for i, word in enumerate(tokens):
        key = word.casefold().rstrip(".:,")
        # "le", "el", "am" introduce a date in lower case; "Le Clerc" is a surname
        date_word = key in _DATE_WORDS and (word.islower() or len(key) > 3)
        if i and (date_word or (dated and i == len(tokens) - 1 and key in MONTHS)):
            tokens = tokens[:i]
            break
    if dated and all(word.casefold().rstrip(".,") in MONTHS for word in tokens):
        return None  # "July 22, 2017": a date, no name
    name = " ".join(tokens).strip(_EDGES)
    parts = [part.split() for part in _CO_AUTHORS.split(name) if part]
    if not parts or len(parts) > MAX_SHOWN_NAMES or not all(map(_name_like, parts)):
        return None
    return name


def _name_like(tokens: list[str]) -> bool:
    """A few words, at most one of them lower case besides particles (von, de, van der)."""
    lower = sum(1 for word in tokens if word[:1].islower() and word.casefold() not in _PARTICLES)
    return len(tokens) <= MAX_NAME_WORDS and lower <= 1


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
# A job title as a whole word (it never spans a line break: texts may be scanned joined).
ROLE = re.compile(r"(?<!\w)(?:" + "|".join(ROLE_WORDS) + r")(?!\w)", re.I)
MAX_ROLE_WORDS = 12


def is_role_line(line: str) -> bool:
    """True for a short line naming a job title ("Senior Staff Writer", "مراسل الجزيرة")."""
    return words(line) <= MAX_ROLE_WORDS and ROLE.search(line) is not None

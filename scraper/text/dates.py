"""Recognising date lines in scraped text and reading them as ISO dates."""

from __future__ import annotations

import re
from datetime import date

from .lines import WORD

_MONTH_NAMES = (
    "january jan janvier janv janeiro enero januar gennaio ocak يناير كانون_الثاني ژانویه",
    "february feb février févr fevereiro febrero februar febbraio şubat فبراير شباط فوریه",
    "march mar mars março marzo märz marz mart مارس آذار",
    "april apr avril abril aprile nisan أبريل ابريل إبريل نيسان آوریل",
    "may mai maio mayo maggio mayıs مايو أيار ماي مه",
    "june jun juin junho junio juni giugno haziran يونيو يونيه حزيران ژوئن",
    "july jul juillet julho julio juli luglio temmuz يوليو يوليه تموز ژوئیه",
    "august aug août agosto ağustos أغسطس اغسطس آب اوت",
    "september sep sept septembre setembro septiembre settembre eylül سبتمبر أيلول سپتامبر",
    "october oct octobre outubro octubre oktober ottobre ekim أكتوبر اكتوبر تشرين_الأول اکتبر",
    "november nov novembre novembro noviembre kasım نوفمبر تشرين_الثاني نوامبر",
    "december dec décembre déc dezembro diciembre dezember dicembre aralık ديسمبر كانون_الأول دسامبر",
)
# Month names by language, to month number. Arabic has two systems: the Egyptian/Gulf
# transliterations and the Levantine (Syriac) names (underscore stands for a space).
MONTHS: dict[str, int] = {
    name.replace("_", " "): number
    for number, names in enumerate(_MONTH_NAMES, start=1)
    for name in names.split()
}

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_EASTERN_DIGIT = re.compile("[٠-٩۰-۹]")
_MONTH_ALT = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_DMY = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_NAMED_DMY = re.compile(rf"(?<!\w)(\d{{1,2}})\.?\s+({_MONTH_ALT})\.?,?\s+(\d{{4}})(?!\d)", re.I)
_NAMED_MDY = re.compile(rf"(?<!\w)({_MONTH_ALT})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I)
# A date as URL path segments: /2024/05/07/, /2017/7/12/, /2024-05-07-slug.
_URL_DATE = re.compile(
    r"/((?:19|20)\d\d)[/-](0?[1-9]|1[0-2])[/-](0?[1-9]|[12]\d|3[01])(?:[/_.-]|$)")
# A clock time: 10:30, 9:05:12, 7:30 pm.
CLOCK_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?", re.I)
_ANY_DIGIT = re.compile(r"\d")  # Arabic-Indic and Persian digits too
# Time zones written after a time: abbreviations, UTC/GMT offsets, "بتوقيت ..." (time of ...).
TIME_ZONES = ("UTC", "GMT", "CET", "CEST", "EET", "EEST", "WET", "WEST", "BST", "MSK", "EST",
              "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "HST", "ET", "PT", "CT",
              "IST", "JST", "KST", "SGT", "HKT", "AEST", "AEDT", "ACST", "AWST", "NZST", "NZDT",
              "WIB", "PKT", "GST", "AST", "MEZ", "MESZ", "توقيت", "بتوقيت", "غرينتش", "جرينتش")
_ZONE = re.compile(r"(?<!\w)(?:" + "|".join(TIME_ZONES) + r")(?!\w)"
                   r"|\d:\d\d(?::\d\d)?(?:\.\d+)?\s*(?:[+−-](?:0\d|1[0-4]):?[0-5]\d|Z)(?!\w)")


def _western(line: str) -> str:
    """The line with Arabic-Indic and Persian digits as ASCII digits."""
    # (str.translate is slow on non-ASCII text: only lines holding such digits pay for it.)
    return line.translate(_DIGITS) if _EASTERN_DIGIT.search(line) else line


def find_date(line: str) -> str | None:
    """The first calendar date written in the line, as YYYY-MM-DD, or None."""
    text = _western(line)
    for pattern, order in ((_ISO, "ymd"), (_NAMED_DMY, "dmy"), (_NAMED_MDY, "mdy"), (_DMY, "dmy"),
                           (_DMY, "mdy")):  # 2/26/2015: day-first fails, month-first fits
        match = pattern.search(text)
        if not match:
            continue
        parts = dict(zip(order, match.groups()))
        month = parts["m"]
        number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
        try:
            return date(int(parts["y"]), number or 0, int(parts["d"])).isoformat()
        except (ValueError, TypeError):
            continue
    return None


def date_in_url(url: str | None) -> str | None:
    """The date written in a URL's path (/2024/05/07/slug) as YYYY-MM-DD, or None."""
    match = _URL_DATE.search(url or "")
    if not match:
        return None
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # 2023/02/30
        return None


def is_date_line(line: str) -> bool:
    """True for a short line that is mostly a date or timestamp (a dateline widget)."""
    if len(line) > 80 or not _ANY_DIGIT.search(line):  # every date pattern has digits
        return False
    text = _western(line)
    if find_date(text) is None:
        return False
    rest = CLOCK_TIME.sub(" ", text)
    for pattern in (_ISO, _NAMED_DMY, _NAMED_MDY, _DMY):
        rest = pattern.sub(" ", rest)
    # What is left besides the date: a weekday, "Published", "updated" and the like.
    return len(WORD.findall(rest)) <= 4


def has_time(line: str) -> bool:
    """True when the line holds a clock time (10:30, 9:05 pm)."""
    return CLOCK_TIME.search(_western(line)) is not None


def has_time_zone(line: str) -> bool:
    """True when the line names a time zone (GMT, EST, UTC+3, +03:00, بتوقيت مكة)."""
    return _ZONE.search(_western(line)) is not None

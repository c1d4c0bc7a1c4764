"""Read dates written in the many ways pages write them, to ISO 8601.

``parse_date`` keeps the time and offset when the text has them and returns a plain
``YYYY-MM-DD`` otherwise. Implausible years (before 1990 or more than a year ahead)
are rejected: they are usually copyright lines, birthdays or placeholders.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS: dict[str, int] = {}
for _num, _names in enumerate(
    (  # en de fr es it pt nl sv/da/no id ro hu | ru uk pl cs tr fi
        "january jan januar janvier janv enero gennaio janeiro januari jänner ianuarie január "
        "января январь янв січня stycznia styczeń ledna leden ocak tammikuuta",
        "february feb februar février fevrier févr fevr febrero febbraio fevereiro februari "
        "februarie február февраля февраль фев лютого lutego luty února únor şubat "
        "helmikuuta",
        "march mar märz maerz mrz mars marzo março maart maret martie március марта март "
        "березня marca marzec března březen mart maaliskuuta",
        "april apr avril avr abril aprile aprilie április апреля апрель квітня kwietnia "
        "kwiecień dubna duben nisan huhtikuuta",
        "may mai mayo maggio maio mei maj május мая май травня maja května květen mayıs "
        "toukokuuta",
        "june jun juni juin junio giugno junho iunie június июня июнь червня czerwca "
        "czerwiec června červen haziran kesäkuuta",
        "july jul juli juillet juil julio luglio julho iulie július июля июль липня lipca "
        "lipiec července červenec temmuz heinäkuuta",
        "august aug août aout agosto augustus augusti agustus augusztus августа август авг "
        "серпня sierpnia sierpień srpna srpen ağustos elokuuta",
        "september sep sept septembre septiembre settembre setembro septembrie szeptember "
        "сентября сентябрь сен вересня września wrzesień září eylül syyskuuta",
        "october oct oktober okt octobre octubre ottobre outubro octombrie október "
        "октября октябрь жовтня października październik října říjen ekim lokakuuta",
        "november nov novembre noviembre novembro noiembrie ноября ноябрь листопада "
        "listopada listopad listopadu kasım marraskuuta",
        "december dec dezember dez décembre decembre déc diciembre dicembre dezembro "
        "desember decembrie декабря декабрь дек грудня grudnia grudzień prosince prosinec "
        "aralık joulukuuta",
    ),
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _num

MONTH_NAMES = frozenset(_MONTHS)  # every month name and abbreviation parse_date reads
# every name as one regex alternation, longest first ("sept" before "sep")
MONTH_PATTERN = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>\d\d?)-(?P<d>\d\d?)"
    r"(?:[T ](?P<H>\d\d):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.\d+)?)?"
    r"\s*(?P<tz>Z|[+-]\d\d:?\d\d)?)?",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"\b(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:T\d{4,6})?\b")
_TEXT_MDY = re.compile(
    rf"\b(?P<mon>{MONTH_PATTERN})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_TEXT_DMY = re.compile(
    rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th|er|\.)?\s+(?:de\s+)?(?P<mon>{MONTH_PATTERN})\.?,?\s+"
    rf"(?:de\s+)?(?P<y>(?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_TEXT_YMD = re.compile(  # Hungarian "2025. december 18."
    rf"\b(?P<y>(?:19|20)\d\d)\.\s+(?P<mon>{MONTH_PATTERN})\.?\s+(?P<d>\d{{1,2}})\b",
    re.IGNORECASE,
)
_CJK = re.compile(  # 2025年12月18日 (zh, ja), 2025년 12월 18일 (ko)
    r"(?P<y>(?:19|20)\d\d)\s*[年년]\s*(?P<m>\d{1,2})\s*[月월]\s*(?P<d>\d{1,2})\s*[日일]"
)
_NUMERIC = re.compile(r"\b(?P<a>\d{1,2})([./-])(?P<b>\d{1,2})\2(?P<y>(?:19|20)\d\d)\b")
_SLASH_YMD = re.compile(r"\b(?P<y>(?:19|20)\d\d)[/.](?P<m>\d{1,2})[/.](?P<d>\d{1,2})\b")
_YEAR = re.compile(r"(?:19|20)\d\d")
_URL_DATE = re.compile(
    r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:[/_+.-]|$)"
)
_URL_COMPACT = re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)(?P<d>[0-3]\d)(?:/|[-_])")


def _plausible(year: int, month: int, day: int, today: dt.date | None = None) -> dt.date | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    limit = (today or dt.date.today()) + dt.timedelta(days=366)
    return value if dt.date(1990, 1, 1) <= value <= limit else None


def parse_iso(text: str) -> str | None:
    """Parse an ISO-8601-like date or datetime, keeping the offset if present."""
    match = _ISO.search(text)
    if not match:
        match = _COMPACT.search(text)
        if not match:
            return None
        day = _plausible(int(match["y"]), int(match["m"]), int(match["d"]))
        return day.isoformat() if day else None
    day = _plausible(int(match["y"]), int(match["m"]), int(match["d"]))
    if day is None:
        return None
    if match["H"] is None:
        return day.isoformat()
    hour, minute, second = int(match["H"]), int(match["M"]), int(match["S"] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return day.isoformat()
    tz = match["tz"]
    stamp = f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}"
    if tz:
        if tz.upper() == "Z":
            return stamp + "+00:00"
        tz = tz.replace(":", "")
        return f"{stamp}{tz[:3]}:{tz[3:]}"
    return stamp


def parse_date(text: str, *, prefer_dmy: bool = True) -> str | None:
    """Find the first date in ``text`` (ISO, ``November 2, 2015``, ``2 nov 2015``, ...).

    Args:
        text: free text or an attribute value.
        prefer_dmy: read an ambiguous ``02/11/2015`` as day/month (most of the world).

    Returns:
        ISO 8601 date or datetime, or ``None`` when no plausible date is found.
    """
    if not text:
        return None
    text = text.strip()[:300]
    if not _YEAR.search(text):
        return None  # every pattern below needs a year: one search rules most text out
    iso = parse_iso(text)
    if iso:
        return iso
    match = _CJK.search(text)
    if match:
        day = _plausible(int(match["y"]), int(match["m"]), int(match["d"]))
        if day:
            return day.isoformat()
    for pattern in (_TEXT_MDY, _TEXT_DMY, _TEXT_YMD):
        match = pattern.search(text)
        if match:
            month = _MONTHS.get(match["mon"].lower().rstrip("."))
            if month:
                day = _plausible(int(match["y"]), month, int(match["d"]))
                if day:
                    return day.isoformat()
    match = _SLASH_YMD.search(text)
    if match:
        day = _plausible(int(match["y"]), int(match["m"]), int(match["d"]))
        if day:
            return day.isoformat()
    match = _NUMERIC.search(text)
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        first = (b, a) if prefer_dmy and a <= 12 and b <= 12 else (a, b)
        if a > 12:
            first = (b, a)
        elif b > 12:
            first = (a, b)
        day = _plausible(year, first[0], first[1])
        if day:
            return day.isoformat()
    return None


def date_from_url(url: str | None) -> str | None:
    """A date from a URL path such as ``/2015/11/02/slug``, if it has one."""
    if not url:
        return None
    for pattern in (_URL_DATE, _URL_COMPACT):
        match = pattern.search(url)
        if match:
            day = _plausible(int(match["y"]), int(match["m"]), int(match["d"]))
            if day:
                return day.isoformat()
    return None

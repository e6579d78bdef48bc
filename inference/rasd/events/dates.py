"""Event dates: TIME spans resolved against the document's publication date.

Rules (the README's "Event data" section lists them with examples):

- ``اليوم`` is the document date, ``أمس`` the day before, ``أمس الأول`` / ``أول (من) أمس`` two days
  before; ``فجر/صباح/ظهر/عصر/مساء`` do not change the day. ``الليلة الماضية`` / ``ليلة أمس`` is the
  day before (the evening the night began).
- A weekday is the latest such day on or before the document date; with ``الماضي`` (``المنصرم``,
  ``الفائت``) strictly before it. When a weekday and a relative day disagree (``صباح أول من أمس
  الجمعة``) the weekday wins: it does not depend on when the article was written.
- ``ليلة الثلاثاء`` is dated Tuesday: Arabic usage reads it as the night before Tuesday's day
  (Monday evening to Tuesday's dawn) and news usage often as Tuesday night; Tuesday's date is the
  one day both readings share. ``ليلة الاثنين الثلاثاء`` (the night between) is Tuesday too.
- Day and month (Gregorian, Levantine, Maghrebi or Moroccan month names, digits of either system)
  with a year, or without one: the latest such date on or before the document date. A month alone
  has month precision. Hijri months are converted (:mod:`rasd.events.hijri`): a Hijri month without
  a day is a range. Two dates or weekdays joined by و / حتى / إلى give a range.
- ``الأسبوع الماضي`` is the previous Saturday-to-Friday week (range); ``الشهر الماضي`` the previous
  calendar month; ``العام الماضي`` the previous year; ``قبل N أيام/أسابيع/أشهر/أعوام`` counts back.
- A time of day alone (``الساعة العاشرة``, ``صباحاً``) gives no date: the day is given elsewhere.

Without a document date only forms that carry their own year resolve.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Iterable

from rasd.events import hijri
from rasd.events.arabic import KEY_NORMALIZATION, clitic_variants, words
from rasd.text import normalize

PRECISIONS = ("day", "range", "month", "year")
_MONTHS = {  # Gregorian (Egypt, Gulf), Levantine, Maghrebi (Algeria, Tunisia), Moroccan; keys as arabic.key
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6, "يوليو": 7, "يوليه": 7,
    "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6, "تموز": 7, "اب": 8, "ايلول": 9,
    "تشرين الاول": 10, "تشرين الثاني": 11, "كانون الاول": 12,
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويليه": 7, "جويليا": 7, "اوت": 8,
    "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}
_HIJRI_MONTHS = {
    "محرم": 1, "صفر": 2, "ربيع الاول": 3, "ربيع اول": 3, "ربيع الثاني": 4, "ربيع الاخر": 4, "ربيع اخر": 4,
    "جمادي الاولي": 5, "جمادي الاول": 5, "جمادي الثانيه": 6, "جمادي الاخره": 6, "جمادي الاخر": 6,
    "جمادي الثاني": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10, "ذو القعده": 11, "ذي القعده": 11,
    "ذو الحجه": 12, "ذي الحجه": 12,
}
WEEKDAYS = {"الاثنين": 0, "الاتنين": 0, "الثلاثاء": 1, "الاربعاء": 2, "الخميس": 3, "الجمعه": 4, "السبت": 5,
            "الاحد": 6}
_PAST = {"الماضي", "الماضيه", "المنصرم", "المنصرمه", "الفائت", "الفائته", "السابق", "السابقه"}
_CURRENT = {"الحالي", "الحاليه", "الجاري", "الجاريه", "هذا", "هذه"}
_SEASONS = {"الربيع": 3, "الصيف": 6, "الخريف": 9, "الشتاء": 12}
_UNITS = {"يوم": "day", "يوما": "day", "ايام": "day", "يومين": ("day", 2), "اسبوع": "week", "اسابيع": "week",
          "اسبوعا": "week", "اسبوعين": ("week", 2), "شهر": "month", "شهرا": "month", "اشهر": "month",
          "شهور": "month", "شهرين": ("month", 2), "عام": "year", "عاما": "year", "اعوام": "year", "سنه": "year",
          "سنوات": "year", "عامين": ("year", 2), "سنتين": ("year", 2)}
_NUMBER_WORDS = {"واحد": 1, "اثنين": 2, "ثلاثه": 3, "ثلاث": 3, "اربعه": 4, "اربع": 4, "خمسه": 5, "خمس": 5,
                 "سته": 6, "ست": 6, "سبعه": 7, "سبع": 7, "ثمانيه": 8, "ثماني": 8, "تسعه": 9, "تسع": 9,
                 "عشره": 10, "عشر": 10, "بضعه": 3, "بضع": 3}


class DocumentDateError(ValueError):
    """A document ``date`` that is not an ISO 8601 date."""


@dataclass(frozen=True)
class DateValue:
    """A resolved date: a day, or the interval a coarser expression covers."""

    start: date
    end: date
    precision: str  # day | range | month | year

    def to_dict(self) -> dict:
        return {"date": self.start.isoformat(), "date_precision": self.precision,
                "date_end": self.end.isoformat() if self.precision == "range" else None}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def rank(self) -> int:
        """How specific: a day first, then a week or less, then a month, then anything longer."""
        if self.precision == "day":
            return 0
        if self.days <= 7:
            return 1
        return 2 if self.days <= 31 else 3 if self.precision != "year" else 4


NULL_DATE = {"date": None, "date_precision": None, "date_end": None}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def parse_document_date(value) -> date | None:
    """The calendar date of an ISO 8601 ``date`` value (``2015-08-09``, ``2015-08-09T12:00:00+03:00``).

    The date is taken as written, with no time-zone conversion: it is the date the article gives.
    None and "" mean no date; anything else that does not parse raises DocumentDateError.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        raise DocumentDateError(f"date must be an ISO 8601 string, got {type(value).__name__}")
    m = _ISO.match(value.strip())
    if not m:
        raise DocumentDateError(f"date {value!r} is not ISO 8601 (YYYY-MM-DD, optionally with a time)")
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise DocumentDateError(f"date {value!r}: {exc}") from None


# -- arithmetic ---------------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def month_value(year: int, month: int) -> DateValue:
    return DateValue(date(year, month, 1), month_end(year, month), "month")


def shift_months(d: date, n: int) -> tuple[int, int]:
    k = d.year * 12 + d.month - 1 - n
    return k // 12, k % 12 + 1


def weekday_on_or_before(doc: date, weekday: int, strictly: bool = False) -> date:
    """The latest ``weekday`` (Monday = 0) on or before ``doc`` (strictly before with ``strictly``)."""
    back = (doc.weekday() - weekday) % 7
    if strictly and back == 0:
        back = 7
    return doc - timedelta(days=back)


def day_month_on_or_before(doc: date, month: int, day: int) -> date | None:
    """The latest ``day``/``month`` on or before ``doc`` (29 February looks back to a leap year)."""
    for year in range(doc.year, doc.year - 8, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue
        if d <= doc:
            return d
    return None


def week_of(d: date) -> tuple[date, date]:
    """The Saturday-to-Friday week that holds ``d`` (the week of most Arab calendars)."""
    start = d - timedelta(days=(d.weekday() - 5) % 7)
    return start, start + timedelta(days=6)


def hijri_month_range(year: int, month: int) -> DateValue:
    start = hijri.to_gregorian(year, month, 1)
    end = hijri.to_gregorian(year, month, hijri.month_length(year, month))
    return DateValue(start, end, "range")


def hijri_on_or_before(doc: date, month: int, day: int) -> date | None:
    """The latest Hijri ``day`` of ``month`` on or before ``doc``."""
    year = hijri.from_gregorian(doc)[0]
    for y in (year, year - 1):
        try:
            d = hijri.to_gregorian(y, month, day)
        except ValueError:
            continue
        if d <= doc:
            return d
    return None


# -- reading a TIME span --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Month:
    index: int  # word position
    width: int  # words used by the name
    month: int
    hijri: bool


def _time_words(text: str) -> list[str]:
    """Key forms of the span's words, a leading و/ب/ل/ف removed where the rest is a time word."""
    known = set(_MONTHS) | set(_HIJRI_MONTHS) | set(WEEKDAYS) | {"امس", "الامس", "اليوم", "الليله", "البارحه"}
    out = []
    for w in words(text):
        out.append(next((v for v in clitic_variants(w)[1:] if v in known), w))
    return out


def _months(ws: list[str]) -> list[_Month]:
    found, i = [], 0
    while i < len(ws):
        two = " ".join(ws[i:i + 2])
        for table, is_hijri in ((_MONTHS, False), (_HIJRI_MONTHS, True)):
            if len(ws) > i + 1 and two in table:
                found.append(_Month(i, 2, table[two], is_hijri))
                break
            if ws[i] in table:
                found.append(_Month(i, 1, table[ws[i]], is_hijri))
                break
        i += found[-1].width if found and found[-1].index == i else 1
    return found


def _int(word: str) -> int | None:
    return int(word) if word.isdigit() else None


def _year_after(ws: list[str], m: _Month, doc: date | None) -> tuple[int | None, bool]:
    """The year written after a month name (skipping a repeated month name: ``يوليو (تموز) 2014``)."""
    j = m.index + m.width
    while j < len(ws):
        if " ".join(ws[j:j + 2]) in _MONTHS:
            j += 2
        elif ws[j] in _MONTHS or ws[j] in ("عام", "سنه", "من"):
            j += 1
        else:
            break
    if j < len(ws):
        hij = re.fullmatch(r"(\d{3,4})ه", ws[j])
        if hij:
            return int(hij[1]), True
        if ws[j].isdigit() and len(ws[j]) in (3, 4):
            return int(ws[j]), j + 1 < len(ws) and ws[j + 1] in ("ه", "هجريه", "للهجره", "هجري")
        if ws[j] in ("العام", "السنه") and j + 1 < len(ws) and doc is not None:
            if ws[j + 1] in _PAST:
                return doc.year - 1, False
            if ws[j + 1] in _CURRENT:
                return doc.year, False
    return None, False


def _day_before(ws: list[str], m: _Month) -> int | None:
    i = m.index - 1
    if i >= 1 and ws[i] == "من":
        i -= 1
    day = _int(ws[i]) if i >= 0 else None
    return day if day is not None and 1 <= day <= 31 else None


def _month_date(ws: list[str], m: _Month, doc: date | None) -> DateValue | None:
    day = _day_before(ws, m)
    year, year_is_hijri = _year_after(ws, m, doc)
    past = m.index + m.width < len(ws) and ws[m.index + m.width] in _PAST
    if m.hijri or year_is_hijri:
        return _hijri_date(m.month, day, year, doc)
    if year is not None:
        if day is None:
            return month_value(year, m.month)
        try:
            d = date(year, m.month, day)
        except ValueError:
            return None
        return DateValue(d, d, "day")
    if doc is None:
        return None
    if day is not None:
        d = day_month_on_or_before(doc, m.month, day)
        return DateValue(d, d, "day") if d else None
    y = doc.year if (m.month < doc.month or (m.month == doc.month and not past)) else doc.year - 1
    return month_value(y, m.month)


def _hijri_date(month: int, day: int | None, year: int | None, doc: date | None) -> DateValue | None:
    try:
        if year is not None:
            if day is None:
                return hijri_month_range(year, month)
            d = hijri.to_gregorian(year, month, day)
            return DateValue(d, d, "day")
        if doc is None:
            return None
        if day is not None:
            d = hijri_on_or_before(doc, month, day)
            return DateValue(d, d, "day") if d else None
        y = hijri.from_gregorian(doc)[0]
        rng = hijri_month_range(y, month)
        return rng if rng.start <= doc else hijri_month_range(y - 1, month)
    except ValueError:
        return None


def _numeric_date(text: str) -> DateValue | None:
    """``2015/08/09``, ``2015-8-9`` (year first) or ``9/8/2015`` (day first, the Arab order)."""
    for pat, order in ((r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", "ymd"), (r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", "dmy")):
        m = re.search(pat, text)
        if m:
            a, b, c = (int(x) for x in m.groups())
            y, mo, d = (a, b, c) if order == "ymd" else (c, b, a)
            try:
                v = date(y, mo, d)
            except ValueError:
                return None
            return DateValue(v, v, "day")
    return None


def _explicit(ws: list[str], doc: date | None) -> DateValue | None:
    found = _months(ws)
    months = [m for k, m in enumerate(found) if k == 0 or not _same_name(m, found[k - 1])]
    if not months:
        return None
    first = _month_date(ws, months[0], doc)
    if len(months) >= 2 and first is not None and _joined(ws, months[0], months[-1]):
        last = _month_date(ws, months[-1], doc)
        if last is not None:
            start = first.start
            if _year_after(ws, months[0], doc)[0] is None:  # ``من فبراير حتى نوفمبر 1943``: the last one's year
                year = last.start.year - (1 if first.start.month > last.start.month else 0)
                start = _replace_year(start, year)
            if start is not None and start <= last.end:
                return DateValue(start, last.end, "range")
    return first


def _replace_year(d: date, year: int) -> date | None:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February
        return None


def _same_name(m: _Month, prev: _Month) -> bool:
    """``يوليو (تموز)``, ``تموز/يوليو``: two names of one month, side by side."""
    return m.month == prev.month and m.hijri == prev.hijri and m.index == prev.index + prev.width


def _joined(ws: list[str], a: _Month, b: _Month) -> bool:
    between = ws[a.index + a.width : b.index]
    return any(w in ("حتي", "الي", "لغايه", "و") or w.startswith("و") for w in between) or not between


def _weekday(ws: list[str], doc: date | None) -> DateValue | None:
    hits = [(i, WEEKDAYS[w]) for i, w in enumerate(ws) if w in WEEKDAYS]
    if not hits or doc is None:
        return None
    night = hits[0][0] > 0 and ws[hits[0][0] - 1] in ("ليله", "ليل")
    if night and len(hits) >= 2:  # ليلة الاثنين الثلاثاء / ليلة الاثنين على الثلاثاء: the second day
        hits = hits[1:2]
    days = []
    for i, wd in hits[:2]:
        strictly = i + 1 < len(ws) and ws[i + 1] in _PAST
        days.append(weekday_on_or_before(doc, wd, strictly))
    if len(days) == 2 and days[0] != days[1]:
        return DateValue(min(days), max(days), "range")
    return DateValue(days[0], days[0], "day")


def _relative_day(ws: list[str], doc: date | None) -> DateValue | None:
    if doc is None:
        return None
    s = " ".join(ws)
    if re.search(r"\b(نفسه|ذاته|ذات اليوم)\b", s):
        return None  # ``في اليوم نفسه``: a day named elsewhere in the article
    for pattern, back in ((r"اول من امس|اول امس|امس الاول|الليله (ما )?قبل الماضيه", 2),
                          (r"\b(ال)?امس\b|البارحه|الليله الماضيه|ليل(ه)? امس", 1),
                          (r"\bاليوم\b|\bالليله\b", 0), (r"\bغدا\b", -1)):
        if re.search(pattern, s):
            d = doc - timedelta(days=back)
            return DateValue(d, d, "day")
    return None


def _ago(ws: list[str], doc: date | None) -> DateValue | None:
    """``قبل ثلاثة أيام``, ``منذ أسبوعين``, ``قبل نحو 24 شهرا``, ``قبل عامين``."""
    if doc is None or not any(w in ("قبل", "منذ") for w in ws):
        return None
    for i, w in enumerate(ws):
        unit = _UNITS.get(w)
        if unit is None or not any(x in ("قبل", "منذ") for x in ws[:i]):
            continue
        if isinstance(unit, tuple):
            unit, n = unit
        else:
            prev = ws[i - 1] if i else ""
            n = _int(prev) or _NUMBER_WORDS.get(prev) or (1 if prev in ("قبل", "منذ", "نحو", "حوالي") else None)
        if not n:
            continue
        return _back(doc, unit, n)
    return None


def _back(doc: date, unit: str, n: int) -> DateValue:
    if unit == "day":
        d = doc - timedelta(days=n)
        return DateValue(d, d, "day")
    if unit == "week":
        start = doc - timedelta(days=7 * n)
        return DateValue(start, min(doc, start + timedelta(days=6)), "range")
    if unit == "month":
        return month_value(*shift_months(doc, n))
    return DateValue(date(doc.year - n, 1, 1), date(doc.year - n, 12, 31), "year")


def _period(ws: list[str], doc: date | None) -> DateValue | None:
    """Weeks, months, years, half-years, seasons and the last hours, counted from the document date."""
    if doc is None:
        return None
    s = " ".join(ws)
    after = {w: ws[i + 1] if i + 1 < len(ws) else "" for i, w in reversed(list(enumerate(ws)))}
    if re.search(r"الساعات|ال?24 ساعه|الاربع والعشرين ساعه", s) and re.search(r"الماضيه|الاخيره|خلال|24", s):
        return DateValue(doc - timedelta(days=1), doc, "range")
    if "نهايه الاسبوع" in s or "عطله الاسبوع" in s:
        friday = weekday_on_or_before(doc, 4)
        return DateValue(friday, min(doc, friday + timedelta(days=2)), "range")
    if "الاسبوع" in after:
        start, end = week_of(doc)
        if after["الاسبوع"] in _PAST:
            start, end = start - timedelta(days=7), start - timedelta(days=1)
        return DateValue(start, min(end, doc), "range")
    if "الشهر" in after:
        return month_value(*shift_months(doc, 1 if after["الشهر"] in _PAST else 0))
    half = _half_year(ws, s, doc)
    if half:
        return half
    for noun in ("العام", "السنه"):
        if noun in after and (after[noun] in _PAST or after[noun] in _CURRENT or ws[-1] == noun):
            y = doc.year - 1 if after[noun] in _PAST else doc.year
            return DateValue(date(y, 1, 1), date(y, 12, 31), "year")
    for season, first in _SEASONS.items():
        if season in after:
            return _season(doc, first, after[season] in _PAST)
    return None


def _half_year(ws: list[str], s: str, doc: date) -> DateValue | None:
    first = re.search(r"الاشهر السته الاولي|النصف الاول|الشهور السته الاولي", s)
    second = re.search(r"الاشهر السته الاخيره|النصف الثاني", s)
    if not (first or second):
        return None
    y = doc.year - 1 if any(w in _PAST for w in ws) else doc.year
    years = [int(w) for w in ws if w.isdigit() and len(w) == 4]
    y = years[0] if years else y
    return (DateValue(date(y, 1, 1), date(y, 6, 30), "range") if first
            else DateValue(date(y, 7, 1), date(y, 12, 31), "range"))


def _season(doc: date, first_month: int, past: bool) -> DateValue:
    """The latest season starting on or before the document date; with الماضي the one before it."""
    y = doc.year if date(doc.year, first_month, 1) <= doc else doc.year - 1
    start = date(y, first_month, 1)
    end_y, end_m = shift_months(start, -2)
    if past and month_end(end_y, end_m) >= doc:
        y -= 1
        start = date(y, first_month, 1)
        end_y, end_m = shift_months(start, -2)
    return DateValue(start, month_end(end_y, end_m), "range")


def _feast(ws: list[str], doc: date | None) -> DateValue | None:
    """``عيد الفطر`` (1 Shawwal) and ``عيد الأضحى`` (10 Dhu al-Hijjah): the latest on or before the date."""
    s = " ".join(ws)
    for name, month, day in (("عيد الفطر", 10, 1), ("عيد الاضحي", 12, 10)):
        if name in s and doc is not None:
            d = hijri_on_or_before(doc, month, day)
            return DateValue(d, d, "day") if d else None
    return None


def _year(ws: list[str]) -> DateValue | None:
    for i, w in enumerate(ws):
        hij = re.fullmatch(r"(\d{3,4})ه", w)
        if hij or (w.isdigit() and i + 1 < len(ws) and ws[i + 1] in ("ه", "هجريه", "للهجره")):
            y = int(hij[1] if hij else w)
            return DateValue(hijri.to_gregorian(y, 1, 1), hijri.to_gregorian(y, 12, hijri.month_length(y, 12)), "range")
        if w.isdigit() and len(w) == 4 and 1800 <= int(w) <= 2200:
            return DateValue(date(int(w), 1, 1), date(int(w), 12, 31), "year")
    return None


_RULES = (_explicit, _weekday, _relative_day, _feast, _ago, _period)


def resolve_time(text: str, doc_date: date | None) -> DateValue | None:
    """The date one TIME span gives, or None when it gives none (or needs a document date it lacks)."""
    numeric = _numeric_date(normalize(text, KEY_NORMALIZATION).text)
    if numeric:
        return numeric
    ws = _time_words(text)
    for rule in _RULES:
        value = rule(ws, doc_date)
        if value is not None:
            return value
    return _year(ws)


def resolve_event_date(time_texts: Iterable[str], doc_date: date | None) -> tuple[DateValue | None, int | None]:
    """The most specific date among an event's TIME spans (ties: the first), with its span's index."""
    best, best_k = None, None
    for k, text in enumerate(time_texts):
        value = resolve_time(text, doc_date)
        if value is not None and (best is None or value.rank() < best.rank()):
            best, best_k = value, k
    return best, best_k

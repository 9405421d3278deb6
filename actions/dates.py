"""Reads a day out of what a customer typed: the day of a payment, or a date of birth.

Customers in India write the day first (12/05 is 12 May), customers in the US the month first
(12/05 is 5 December). When both numbers could be the month and the region is not known, the
date is not guessed: the reader answers None and the form asks again (its hint asks for the
month in words). Hindi and Hinglish words for days are read too: "aaj" and "आज" are today, "kal"
and "कल" tomorrow (they can also mean yesterday, but a payment is never made in the past),
"parso" and "परसों" the day after; "shukravar", "15 tareekh", "15 दिसंबर".
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from common.folding import fold, tokens

# Regions whose customers write the day before the month, and those who write the month first.
DAY_FIRST_REGIONS = frozenset({"IN"})
MONTH_FIRST_REGIONS = frozenset({"US"})

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# Hindi month names in Devanagari (in Latin letters people write the English names).
_HINDI_MONTHS = (
    ("जनवरी",),
    ("फरवरी", "फ़रवरी"),
    ("मार्च",),
    ("अप्रैल",),
    ("मई",),
    ("जून",),
    ("जुलाई",),
    ("अगस्त",),
    ("सितंबर", "सितम्बर"),
    ("अक्टूबर", "अक्तूबर"),
    ("नवंबर", "नवम्बर"),
    ("दिसंबर", "दिसम्बर"),
)
MONTHS.update({fold(name): number for number, names in enumerate(_HINDI_MONTHS, start=1) for name in names})

WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): number for number, name in enumerate(calendar.day_abbr)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
_HINDI_WEEKDAYS = (
    ("somvar", "somvaar", "सोमवार"),
    ("mangalvar", "mangalvaar", "मंगलवार"),
    ("budhvar", "budhvaar", "बुधवार"),
    ("guruvar", "guruvaar", "brihaspativar", "veervar", "गुरुवार", "बृहस्पतिवार", "वीरवार"),
    ("shukravar", "shukravaar", "शुक्रवार"),
    ("shanivar", "shanivaar", "शनिवार"),
    ("ravivar", "ravivaar", "itvaar", "itwar", "रविवार", "इतवार"),
)
HINDI_WEEKDAYS = {fold(name): number for number, names in enumerate(_HINDI_WEEKDAYS) for name in names}
# "this Friday" may be today; "Friday" and "next Friday" are the nearest Friday after today.
_THIS = {"this", "iss", fold("इस")}
_HINDI_THIS = {"is"}  # "is shukravar"; in English "is Friday" is not "this Friday"

# Days counted from today. "day after tomorrow" is taken out before "tomorrow" is looked for.
RELATIVE_DAYS = {
    fold(word): offset
    for word, offset in {
        "today": 0,
        "now": 0,
        "immediately": 0,
        "aaj": 0,
        "aj": 0,
        "abhi": 0,
        "turant": 0,
        "आज": 0,
        "अभी": 0,
        "तुरंत": 0,
        "tomorrow": 1,
        "tmrw": 1,
        "tmr": 1,
        "kal": 1,
        "कल": 1,
        "parso": 2,
        "parson": 2,
        "parsoon": 2,
        "parsu": 2,
        "परसों": 2,
        "परसो": 2,
    }.items()
}
_NOT_BEFORE = {"not", "no"}
_NOT_AFTER = {"nahi", "nahin", "nhi", "nai", fold("नहीं"), fold("नही")}
_DAY_AFTER_TOMORROW = re.compile(r"\bday after tomorrow\b")
_IN_DAYS = re.compile(r"\bin (\d{1,2}) days?\b|\b(\d{1,2}) ?(?:din|दिन) ?(?:mein|me|main|baad|bad|में|बाद)")
_ISO = re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b")
_WITH_YEAR = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})\b")
_WITHOUT_YEAR = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])")
_ORDINAL = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)$")
_DAY_OF_MONTH = re.compile(rf"\b(\d{{1,2}}) ?(?:tareekh|tarikh|tarik|tareek|{fold('तारीख')})")


def month_and_day(first: int, second: int, region: str | None) -> tuple[int, int] | None:
    """(month, day) from two numbers written with a date: the region's order when both could
    be the month, otherwise the only reading there is; None when it cannot be told."""
    if first == second or (first > 12 >= second):
        return second, first
    if second > 12 >= first:
        return first, second
    if first > 12 or second > 12:
        return None
    if region in DAY_FIRST_REGIONS:
        return second, first
    if region in MONTH_FIRST_REGIONS:
        return first, second
    return None  # 05/06 could be May or June


def parse_date(text: str, today: date, region: str | None = None) -> date | None:
    """A day for a payment: today, kal, parso, (this/next) Friday, shukravar, the 15th,
    15 tareekh, Dec 5, 5 December, 2026-12-05, 12/05 (in the order of `region`)."""
    folded = fold(text)
    offsets = set()
    if _DAY_AFTER_TOMORROW.search(folded):
        offsets.add(2)
        folded = _DAY_AFTER_TOMORROW.sub(" ", folded)
    said = tokens(folded)
    offsets |= {
        RELATIVE_DAYS[word]
        for index, word in enumerate(said)
        if word in RELATIVE_DAYS and not _negated(said, index)
    }
    if offsets:
        # "today or tomorrow", "aaj nahi kal": not one day, so asked again.
        return today + timedelta(days=offsets.pop()) if len(offsets) == 1 else None
    if match := _IN_DAYS.search(folded):
        return today + timedelta(days=int(match.group(1) or match.group(2)))
    if match := _ISO.search(folded):
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := _WITH_YEAR.search(folded):
        order = month_and_day(int(match.group(1)), int(match.group(2)), region)
        full_year = int(match.group(3)) + (2000 if len(match.group(3)) == 2 else 0)
        return _safe_date(full_year, *order) if order else None
    if (weekday := _weekday(today, said)) is not None:
        return weekday
    if named := _named_month(said):
        month, day_of_month, year = named
        return _safe_date(year, month, day_of_month) if year else _next_occurrence(today, month, day_of_month)
    if match := _WITHOUT_YEAR.search(folded):
        order = month_and_day(int(match.group(1)), int(match.group(2)), region)
        return _next_occurrence(today, *order) if order else None
    day = next((int(m.group(1)) for word in said if (m := _ORDINAL.match(word))), None)
    if day is None and (match := _DAY_OF_MONTH.search(folded)):
        day = int(match.group(1))
    return None if day is None else _next_day_of_month(today, day)


def parse_birth_date(text: str, region: str | None = None) -> date | None:
    """A date of birth: 1985-09-30, 30 Sep 1985, September 30 1985, and 30/09/1985 or 09/30/1985
    (05/06/1990 only in the order of a known region: never guessed)."""
    folded = fold(text).replace(",", " ")
    if match := _ISO.search(folded):
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if (match := _WITH_YEAR.search(folded)) and len(match.group(3)) == 4:
        order = month_and_day(int(match.group(1)), int(match.group(2)), region)
        return _safe_date(int(match.group(3)), *order) if order else None
    named = _named_month(tokens(folded))
    if named is None:
        return None
    month, day, year = named
    return None if year is None else _safe_date(year, month, day)


def _negated(said: list[str], index: int) -> bool:
    """ "not today" in English, "aaj nahi" in Hindi: the day is the one not wanted."""
    before = said[index - 1] if index else ""
    after = said[index + 1] if index + 1 < len(said) else ""
    return before in _NOT_BEFORE or after in _NOT_AFTER


def _weekday(today: date, said: list[str]) -> date | None:
    for index, word in enumerate(said):
        number = WEEKDAYS.get(word, HINDI_WEEKDAYS.get(word))
        if number is None:
            continue
        before = said[index - 1] if index else ""
        this = before in _THIS or (word in HINDI_WEEKDAYS and before in _HINDI_THIS)
        ahead = (number - today.weekday()) % 7
        return today + timedelta(days=ahead if this else ahead or 7)
    return None


def _named_month(said: list[str]) -> tuple[int, int, int | None] | None:
    """(month, day, year or None) from "Dec 5", "5 December 2026", "the 5th of Dec", "5 दिसंबर"."""
    for index, word in enumerate(said):
        if word not in MONTHS:
            continue
        before = (
            said[index - 2] if index >= 2 and said[index - 1] == "of" else said[index - 1] if index else ""
        )
        after = said[index + 1] if index + 1 < len(said) else ""
        for day_word, year_at in ((before, index + 1), (after, index + 2)):
            day = _day_number(day_word)
            if day is not None:
                year_word = said[year_at] if year_at < len(said) else ""
                year = int(year_word) if re.fullmatch(r"\d{4}", year_word) else None
                return MONTHS[word], day, year
    return None


def _day_number(word: str) -> int | None:
    match = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", word)
    return int(match.group(1)) if match else None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_occurrence(today: date, month: int, day: int) -> date | None:
    candidate = _safe_date(today.year, month, day)
    if candidate and candidate < today:
        candidate = _safe_date(today.year + 1, month, day)
    return candidate


def _next_day_of_month(today: date, day: int) -> date | None:
    """ "The 15th": this month's if it has not passed, else next month's."""
    candidate = _safe_date(today.year, today.month, day)
    if candidate and candidate >= today:
        return candidate
    following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return _safe_date(following.year, following.month, day)

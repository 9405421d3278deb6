"""Reads the values a form asks for out of what a customer typed.

Pure functions, no I/O. Each answers None when the text does not hold a clear value, so the
form can ask again instead of guessing.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from decimal import Decimal

MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): number for number, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name.lower(): number for number, name in enumerate(calendar.day_abbr)})


def is_payload(text: str) -> bool:
    """A button payload or a typed `/intent{...}`: never a source of secrets or identities."""
    return text.lstrip().startswith("/")


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def parse_code(text: str) -> str | None:
    """The six digits of a one-time code ("123456", "123 456", "my code is 123-456")."""
    if is_payload(text):
        return None
    found = re.findall(r"(?<!\d)(\d{3})[ -]?(\d{3})(?!\d)", text)
    return "".join(found[0]) if len(found) == 1 else None


_USER_ID = re.compile(r"^[a-z][a-z0-9._-]{2,63}$", re.IGNORECASE)
_LEAD_IN = re.compile(
    r"^(?:(?:my|the)\s+)?(?:user\s*id|userid|user\s*name|username|login|id)\s*(?:is|:|=)?\s*"
    r"|^(?:it'?s|it\s+is|i'?m|i\s+am|this\s+is)\s+",
    re.IGNORECASE,
)


def parse_user_id(text: str) -> str | None:
    """A User ID: the whole answer ("alex.morgan") or after a lead-in ("my user ID is alex.morgan")."""
    if is_payload(text):
        return None
    candidate = text.strip().strip(".!?\"'`")
    for _ in range(2):
        candidate = _LEAD_IN.sub("", candidate).strip().strip(".!?\"'`")
    if " " not in candidate and _USER_ID.match(candidate):
        return candidate.lower()
    # In a sentence ("it's alex.morgan, text me the code"): the one word shaped like an ID.
    shaped = {
        word.lower()
        for word in re.findall(r"[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]", text)
        if re.search(r"[._\d]", word) and "@" not in word and _USER_ID.match(word)
    }
    return shaped.pop() if len(shaped) == 1 else None


def parse_last_four(text: str, choices: list[str] | None = None) -> str | None:
    """Four digits naming a card ("2010", "the one ending in 2010"); among `choices` when given."""
    found = re.findall(r"(?<!\d)(\d{4})(?!\d)", text)
    if choices is not None:
        found = [digits for digits in found if digits in choices]
    return found[-1] if len(set(found)) == 1 else None


_MONTH_NAMES = "|".join(MONTHS)
_NOT_AMOUNTS = re.compile(
    r"(?:ending|ends|card|last four|last 4)(?:\s+(?:in|with|is))?\s*\d{4}\b"  # a card's last four
    r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}(?:/\d{2,4})?\b"  # dates in digits
    rf"|\b(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH_NAMES})\b"
    r"|\bin\s+\d{1,2}\s+days?\b",
    re.IGNORECASE,
)
_AMOUNT = re.compile(
    r"(?<![\d/.-])([$£€₹]|rs\.?\s?|inr\s?|usd\s?)?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d{1,2})?"
    r"(?![\d/-]|\.\d|\s?(?:st|nd|rd|th)\b)",
    re.IGNORECASE,
)


def parse_amount(text: str) -> Decimal | None:
    """A money amount ("$200", "200.50", "1,234", "₹5,000", "Rs 500"); None for none or several.

    Card endings and dates are set aside first, and an amount with a currency sign wins over
    bare numbers: "pay $200 on Dec 5 from the card ending 2010" is 200.
    """
    cleaned = _NOT_AMOUNTS.sub(" ", text.replace("\u00a0", " "))
    found = [(bool(sign), whole, cents) for sign, whole, cents in _AMOUNT.findall(cleaned)]
    if any(signed for signed, _, _ in found):
        found = [item for item in found if item[0]]
    amounts = {Decimal(whole.replace(",", "") + (cents or "")) for _, whole, cents in found}
    return amounts.pop() if len(amounts) == 1 else None


def parse_date(text: str, today: date) -> date | None:
    """A day: today, tomorrow, (next) Friday, the 15th, Dec 5, 5 December, 2026-12-05, 12/05."""
    lowered = text.lower()
    tokens = words(lowered)
    if "today" in tokens or "now" in tokens or "immediately" in tokens:
        return today
    if "tomorrow" in tokens:
        return today + timedelta(days=1)
    if match := re.search(r"in (\d{1,2}) days?", lowered):
        return today + timedelta(days=int(match.group(1)))
    if match := re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", lowered):
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for token in tokens:
        if token in WEEKDAYS:
            # "Friday" and "next Friday" both mean the nearest Friday after today to most people.
            return today + timedelta(days=(WEEKDAYS[token] - today.weekday()) % 7 or 7)
    month_day = re.search(r"\b([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", lowered)
    day_month = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\b", lowered)
    for match, month_group, day_group in ((month_day, 1, 2), (day_month, 2, 1)):
        if match and match.group(month_group) in MONTHS:
            return _next_occurrence(today, MONTHS[match.group(month_group)], int(match.group(day_group)))
    if match := re.search(r"\b(\d{1,2})/(\d{1,2})\b", lowered):
        return _next_occurrence(today, int(match.group(1)), int(match.group(2)))
    if match := re.search(r"\b(?:the\s+)?(\d{1,2})(?:st|nd|rd|th)\b", lowered):
        day = int(match.group(1))
        candidate = _safe_date(today.year, today.month, day)
        if candidate and candidate >= today:
            return candidate
        following = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
        return _safe_date(following.year, following.month, day)
    return None


def parse_birth_date(text: str) -> date | None:
    """A date of birth: 1985-09-30, 30/09/1985, 09/30/1985, September 30 1985, 30 Sep 1985."""
    lowered = text.lower().replace(",", " ")
    if match := re.search(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b", lowered):
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    if match := re.search(r"\b(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\b", lowered):
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        if first > 12:
            return _safe_date(year, second, first)
        if second > 12:
            return _safe_date(year, first, second)
        return None  # 05/06/1990 could be May or June: ask again in another form
    month_first = re.search(r"\b([a-z]{3,9})\s+(\d{1,2})(?:st|nd|rd|th)?\s+(\d{4})\b", lowered)
    day_first = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\s+(\d{4})\b", lowered)
    if month_first and month_first.group(1) in MONTHS:
        return _safe_date(int(month_first.group(3)), MONTHS[month_first.group(1)], int(month_first.group(2)))
    if day_first and day_first.group(2) in MONTHS:
        return _safe_date(int(day_first.group(3)), MONTHS[day_first.group(2)], int(day_first.group(1)))
    return None


def parse_choice(text: str, options: dict[str, tuple[str, ...]]) -> str | None:
    """The one option whose key words the text mentions (`{"lost": ("lost", "missing")}`)."""
    lowered = text.lower()
    hits = [
        key
        for key, keywords in options.items()
        if any(re.search(rf"\b{re.escape(w)}", lowered) for w in keywords)
    ]
    return hits[0] if len(hits) == 1 else None


ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
}


def parse_item_numbers(text: str, count: int) -> list[int] | None:
    """Item numbers from a numbered list ("1 and 3", "2", "the first one", "all"); 1-based."""
    lowered = text.lower()
    if re.search(r"\b(all|every|each)\b", lowered):
        return list(range(1, count + 1))
    numbers = [int(n) for n in re.findall(r"(?<![\d.$])\b(\d{1,2})\b(?![\d.])", lowered)]
    numbers += [count if ORDINALS[w] == -1 else ORDINALS[w] for w in words(lowered) if w in ORDINALS]
    chosen = sorted({n for n in numbers if 1 <= n <= count})
    if not chosen or len(chosen) != len(set(numbers)):
        return None
    return chosen


def parse_email(text: str) -> str | None:
    found = re.findall(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", text)
    return found[0].lower() if len(found) == 1 else None


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

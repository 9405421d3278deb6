"""How amounts, dates and lists read in a chat message, in the customer's answer language."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal

from localization.language import ENGLISH, HINDI

# Each currency in the way its own customers write it: rupees with Indian grouping (₹1,23,456.50),
# dollars with Western grouping ($123,456.50), in every answer language.
CURRENCY_LOCALES = {"INR": "en_IN", "USD": "en_US"}
DEFAULT_LOCALE = "en_US"
# Dates in another answer language come from babel: Hindi month and day names in Devanagari
# ("शुक्रवार 11 दिसंबर"), with Western digits, as Indian banks write them.
DATE_LOCALES = {HINDI: "hi_IN"}


def money(amount: str | Decimal | float, currency: str = "USD") -> str:
    """ "₹1,00,000.00", "$1,234.50", "-$5.00": babel's format for the currency's own locale."""
    value = Decimal(str(amount))
    return format_currency(value, currency, locale=CURRENCY_LOCALES.get(currency, DEFAULT_LOCALE))


def grouped(number: int, currency: str = "USD") -> str:
    """A count (reward points) grouped the way that currency's customers group: "1,23,456" for
    rupee cards, "123,456" for dollar cards."""
    return format_decimal(number, locale=CURRENCY_LOCALES.get(currency, DEFAULT_LOCALE))


def _as_date(value: str | date) -> date:
    return date.fromisoformat(value[:10]) if isinstance(value, str) else value


def day(value: str | date, language: str = ENGLISH) -> str:
    """ "Friday 11 December", "शुक्रवार 11 दिसंबर" (the year only when it is not this year's)."""
    when = _as_date(value)
    this_year = when.year == date.today().year
    if language in DATE_LOCALES:
        pattern = "EEEE d MMMM" if this_year else "EEEE d MMMM y"
        return format_date(when, format=pattern, locale=DATE_LOCALES[language])
    text = f"{when:%A} {when.day} {when:%B}"
    return text if this_year else f"{text} {when.year}"


def short_day(value: str | date, language: str = ENGLISH) -> str:
    """ "26 Nov", "26 नव॰" """
    when = _as_date(value)
    if language in DATE_LOCALES:
        return format_date(when, format="d MMM", locale=DATE_LOCALES[language])
    return f"{when.day} {when:%b}"


def month_name(period: str, language: str = ENGLISH) -> str:
    """A statement's period ("2026-10") as the language writes it: "2026-10", "अक्टूबर 2026"."""
    if language not in DATE_LOCALES:
        return period
    try:
        first = date(int(period[:4]), int(period[5:7]), 1)
    except ValueError:
        return period
    return format_date(first, format="MMMM y", locale=DATE_LOCALES[language])


def numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def bulleted(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)

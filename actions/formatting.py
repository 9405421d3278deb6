"""How amounts, dates and lists read in a chat message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_currency

# Each currency in the way its own customers write it: rupees with Indian grouping (₹1,23,456.50),
# dollars with Western grouping ($123,456.50).
CURRENCY_LOCALES = {"INR": "en_IN", "USD": "en_US"}
DEFAULT_LOCALE = "en_US"


def money(amount: str | Decimal | float, currency: str = "USD") -> str:
    """ "₹1,00,000.00", "$1,234.50", "-$5.00": babel's format for the currency's own locale."""
    value = Decimal(str(amount))
    return format_currency(value, currency, locale=CURRENCY_LOCALES.get(currency, DEFAULT_LOCALE))


def day(value: str | date) -> str:
    """ "Friday 11 December" (the year only when it is not this year's)."""
    when = date.fromisoformat(value) if isinstance(value, str) else value
    text = f"{when:%A} {when.day} {when:%B}"
    return text if when.year == date.today().year else f"{text} {when.year}"


def short_day(value: str | date) -> str:
    when = date.fromisoformat(value[:10]) if isinstance(value, str) else value
    return f"{when.day} {when:%b}"


def numbered(lines: list[str]) -> str:
    return "\n".join(f"{number}. {line}" for number, line in enumerate(lines, start=1))


def bulleted(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)

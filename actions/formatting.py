"""How amounts, dates and lists read in a chat message."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

CURRENCY_SIGNS = {"USD": "$", "INR": "₹", "GBP": "£", "EUR": "€"}


def money(amount: str | Decimal | float, currency: str = "USD") -> str:
    value = Decimal(str(amount))
    sign = "-" if value < 0 else ""
    return f"{sign}{CURRENCY_SIGNS.get(currency, currency + ' ')}{abs(value):,.2f}"


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

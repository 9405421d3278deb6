"""Money crosses the API as a string with two decimals; inside it is integer cents."""

from __future__ import annotations

import re
from decimal import Decimal

_AMOUNT = re.compile(r"^-?\d{1,12}(\.\d{1,2})?$")
_CENT = Decimal("0.01")
_LIMIT = Decimal(10) ** 12


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"


def parse_amount(value: object) -> int:
    """A JSON number or a string like "125", "125.5" or "125.50" to cents.

    Zero and negative amounts parse (the business rule refuses them with its own answer);
    more than two decimals, or anything that is not an amount, raise ValueError.
    """
    if isinstance(value, str):
        if not _AMOUNT.match(value.strip()):
            raise ValueError("not an amount")
        amount = Decimal(value.strip())
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        # repr keeps what the sender wrote (12.34), not the binary float (12.339999...).
        amount = Decimal(repr(value))
        if not amount.is_finite() or amount != amount.quantize(_CENT) or abs(amount) >= _LIMIT:
            raise ValueError("not an amount")
    else:
        raise ValueError("not an amount")
    return int(amount * 100)


def format_with_currency(cents: int, currency: str) -> str:
    """For texts and PDFs: USD 1,234.50."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{currency} {whole:,}.{part:02d}"

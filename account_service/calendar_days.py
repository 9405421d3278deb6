"""Date arithmetic the business rules need: business days and whole months."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

# Replacement cards arrive in 5-7 business days; customers are given the latest date.
DELIVERY_BUSINESS_DAYS = 7


def add_business_days(start: date, days: int) -> date:
    """The date `days` working days (Monday-Friday) after start; public holidays are not modelled."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def estimated_delivery(today: date) -> date:
    return add_business_days(today, DELIVERY_BUSINESS_DAYS)


def shift_months(day: date, months: int) -> date:
    """Same day of month `months` later (or earlier), clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))

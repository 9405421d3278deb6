"""A period as people choose it: `from` and `to` days (YYYY-MM-DD, both included), by default
the 30 days up to today; at most a year, and never reversed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

DEFAULT_DAYS = 30
LONGEST_DAYS = 366


class PeriodError(ValueError):
    """The period cannot be read; the message says why, in words for the person who chose it."""


def _day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(f"{name} must be a day written YYYY-MM-DD") from None


def period(query: Mapping[str, str], today: date) -> tuple[date, date]:
    raw_from, raw_to = query.get("from", "").strip(), query.get("to", "").strip()
    end = _day(raw_to, "to") if raw_to else today
    try:
        start = _day(raw_from, "from") if raw_from else end - timedelta(days=DEFAULT_DAYS - 1)
    except OverflowError:  # 30 days before "to" is before 0001-01-01
        raise PeriodError(f"to must be at least {DEFAULT_DAYS} days after 0001-01-01") from None
    if start > end:
        raise PeriodError("from must not be after to")
    if (end - start).days + 1 > LONGEST_DAYS:
        raise PeriodError(f"a period is at most {LONGEST_DAYS} days")
    return start, end

"""The service's notion of now.

Every expiry, lockout and limit asks this clock, never datetime directly, so that demo mode
(POST /demo/clock) and tests can move time forward without waiting.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone


class Clock:
    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        """Aware UTC instant."""
        return datetime.now(timezone.utc) + self._offset

    def today(self) -> date:
        return self.now().date()

    def advance(self, seconds: float) -> None:
        self._offset += timedelta(seconds=seconds)

    def reset(self) -> None:
        self._offset = timedelta(0)

    def set_offset(self, seconds: float) -> None:
        """Demo mode: the offset every instance shares (account_service/demo_state.py)."""
        self._offset = timedelta(seconds=seconds)


def iso_instant(moment: datetime) -> str:
    """ISO 8601 UTC with a Z, whole seconds: 2026-11-26T10:00:00Z."""
    return moment.astimezone(timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")

"""When live agents are on the website chat: issuer.yml's support.agent_hours, or an override.

    support:
      agent_hours:
        timezone: UTC               # any IANA zone name
        days: [mon, tue, wed, thu, fri, sat, sun]
        open: "08:00"
        close: "20:00"
        description: every day from 08:00 to 20:00 UTC

AGENT_HOURS=always or never overrides the file (demos and tests); anything else reads the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class AgentHoursError(ValueError):
    """support.agent_hours cannot be understood."""


@dataclass(frozen=True)
class AgentHours:
    mode: str = "always"  # always, never, schedule
    timezone: str = "UTC"
    days: tuple[str, ...] = DAYS
    opens: time = time(0, 0)
    closes: time = time(23, 59, 59)
    description: str = "around the clock"

    def open_at(self, moment: datetime) -> bool:
        if self.mode != "schedule":
            return self.mode == "always"
        local = moment.astimezone(ZoneInfo(self.timezone))
        return DAYS[local.weekday()] in self.days and self.opens <= local.time() < self.closes

    @classmethod
    def parse(cls, config: Any, override: str = "") -> AgentHours:
        override = override.strip().lower()
        if override in ("always", "never"):
            description = "around the clock" if override == "always" else "not staffed at the moment"
            return cls(mode=override, description=description)
        if not config:
            return cls()
        if not isinstance(config, dict):
            raise AgentHoursError("support.agent_hours must be a mapping")
        zone = str(config.get("timezone", "UTC"))
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise AgentHoursError(f"support.agent_hours.timezone: unknown zone {zone!r}") from error
        days = tuple(str(day).lower()[:3] for day in config.get("days", DAYS))
        if not days or any(day not in DAYS for day in days):
            raise AgentHoursError("support.agent_hours.days must name days (mon ... sun)")
        try:
            opens, closes = (time.fromisoformat(str(config[key])) for key in ("open", "close"))
        except (KeyError, ValueError) as error:
            raise AgentHoursError('support.agent_hours needs open and close as "HH:MM"') from error
        if not opens < closes:
            raise AgentHoursError("support.agent_hours: open must be before close")
        description = str(
            config.get("description") or f"{', '.join(days)} from {opens:%H:%M} to {closes:%H:%M} {zone}"
        )
        return cls("schedule", zone, days, opens, closes, description)


class HoursSwitch:
    """Demo mode only (POST /demo/agent-hours): tests switch the running service's hours to
    always or never, and back to the configured ones."""

    def __init__(self) -> None:
        self.mode: str | None = None

    def apply(self, configured: AgentHours) -> AgentHours:
        return AgentHours.parse(None, self.mode) if self.mode else configured

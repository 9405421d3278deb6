"""Health, the API description and the demo-mode helpers."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from account_service.endpoints import Answer, Shape
from account_service.fields import InstantText, UserId, whole_number

MAX_ADVANCE_SECONDS = 400 * 24 * 3600


class Health(Answer):
    status: Literal["ok"]
    time: InstantText = Field(..., description="The service's clock (moved in demo mode)")


class ApiDescription(Answer):
    __root__: dict[str, Any]


class OutboxQuery(Shape):
    user_id: UserId


class OutboxMessageOut(Answer):
    channel: Literal["sms", "email", "whatsapp", "telegram"]
    to: str
    text: str
    sent_at: InstantText


class Outbox(Answer):
    __root__: list[OutboxMessageOut]


class ClockAdvance(Shape):
    advance_seconds: whole_number(0, MAX_ADVANCE_SECONDS)


class ClockNow(Answer):
    now: InstantText


class AgentHoursSwitch(Shape):
    mode: Literal["always", "never", "configured"]


class AgentHoursMode(Answer):
    mode: Literal["always", "never", "configured"]

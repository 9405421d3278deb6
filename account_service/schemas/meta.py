"""Health, the API description and the demo-mode helpers."""

from __future__ import annotations

from typing import Any, Literal

from account_service.endpoints import Answer, Shape
from account_service.fields import ClockSeconds, UserId, instant

MAX_ADVANCE_SECONDS = 400 * 24 * 3600


class Health(Answer):
    status: Literal["ok"]
    time: str = instant("The service's clock (moved in demo mode)")


class ApiDescription(Answer):
    __root__: dict[str, Any]


class OutboxQuery(Shape):
    user_id: UserId


class OutboxMessageOut(Answer):
    channel: Literal["sms", "email", "whatsapp", "telegram"]
    to: str
    text: str
    sent_at: str = instant()


class Outbox(Answer):
    __root__: list[OutboxMessageOut]


class ClockAdvance(Shape):
    advance_seconds: ClockSeconds


class ClockNow(Answer):
    now: str = instant()


class AgentHoursSwitch(Shape):
    mode: Literal["always", "never", "configured"]


class AgentHoursMode(Answer):
    mode: Literal["always", "never", "configured"]

"""The audit log: who did what to which customer, from which conversation, with what outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from account_service.models import AuditEntry
from common.metrics import count_otp
from privacy.redaction import redact


def record(
    session: AsyncSession,
    action: str,
    outcome: str,
    now: datetime,
    *,
    customer_id: int | None = None,
    conversation_id: str | None = None,
    **details: Any,
) -> None:
    """Adds a row to the caller's transaction. Callers pass no secrets; string details are
    redacted anyway so a mistake cannot put a code or a card number into the log. Code requests
    and checks are also counted for /metrics (otp_*), by outcome and purpose only."""
    count_otp(action, outcome, details.get("purpose"))
    clean = {key: redact(value) if isinstance(value, str) else value for key, value in details.items()}
    session.add(
        AuditEntry(
            action=action,
            outcome=outcome,
            at=now,
            customer_id=customer_id,
            conversation_id=conversation_id,
            details=clean,
        )
    )

"""Contact details and alert preferences."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit
from account_service.errors import ServiceError
from account_service.masking import mask_email, mask_phone
from account_service.messaging import Messenger
from account_service.models import AlertSetting, Customer

_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def profile_view(customer: Customer) -> dict[str, Any]:
    return {
        "first_name": customer.first_name,
        "email": mask_email(customer.email),
        "phone": mask_phone(customer.phone),
        "mailing_address": customer.mailing_address,
    }


def valid_email(email: str) -> bool:
    return len(email) <= 254 and bool(_EMAIL.match(email))


def update_profile(
    session: AsyncSession,
    customer: Customer,
    *,
    email: str | None,
    mailing_address: str | None,
    messenger: Messenger,
    issuer_name: str,
    now: datetime,
    conversation_id: str,
) -> None:
    if email is not None and not valid_email(email):
        raise ServiceError(422, "invalid_email", "That does not look like an email address.")
    changed = [
        name for name, value in (("email", email), ("mailing_address", mailing_address)) if value is not None
    ]
    if not changed:
        return
    # Tell the email address on file before it changes: if this was not the customer, they hear
    # of it where the thief cannot intercept it. The new values are not in the notice (at most
    # the new email masked), so the notice does not carry them to anyone.
    what = " and ".join("email address" if name == "email" else "mailing address" for name in changed)
    hint = f" (the new email address looks like {mask_email(email)})" if email is not None else ""
    messenger.queue(
        session,
        customer,
        "email",
        f"{issuer_name}: the {what} on your account was changed{hint}. If you did not do this, call the "
        f"number on the back of your card.",
        now,
    )
    if email is not None:
        customer.email = email
    if mailing_address is not None:
        customer.mailing_address = mailing_address
    audit.record(
        session,
        "profile_change",
        "changed",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        fields=changed,
    )


async def alert_settings(session: AsyncSession, customer: Customer) -> AlertSetting:
    alerts = await session.scalar(select(AlertSetting).where(AlertSetting.customer_id == customer.id))
    if alerts is None:
        alerts = AlertSetting(customer_id=customer.id, online_transactions=False, payment_due=True)
        session.add(alerts)
    return alerts


async def update_alerts(
    session: AsyncSession, customer: Customer, changes: dict[str, Any], now: datetime, conversation_id: str
) -> AlertSetting:
    """changes holds only the fields the caller sent (thresholds in cents or None)."""
    alerts = await alert_settings(session, customer)
    for name, value in changes.items():
        setattr(alerts, name, value)
    audit.record(
        session,
        "alerts_change",
        "changed",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        fields=sorted(changes),
    )
    return alerts

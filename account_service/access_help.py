"""Help with online access after an identity check: User ID reminder and password reset."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit, signed_links
from account_service.masking import mask_email
from account_service.messaging import Messenger
from account_service.models import Customer

RESET_LINK_LIFETIME = timedelta(hours=1)
RESET_PURPOSE = "password_reset"


def send_user_id_reminder(
    session: AsyncSession,
    customer: Customer,
    *,
    messenger: Messenger,
    issuer_name: str,
    now: datetime,
    conversation_id: str,
) -> str:
    """Emails the User ID to the registered address; returns that address masked."""
    to = messenger.queue(
        session,
        customer,
        "email",
        f"{issuer_name}: your User ID is {customer.user_id}. If you did not ask for this reminder, "
        f"call the number on the back of your card.",
        now,
    )
    audit.record(
        session,
        "user_id_reminder_sent",
        "sent",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
    )
    return mask_email(to)


def send_password_reset(
    session: AsyncSession,
    customer: Customer,
    *,
    messenger: Messenger,
    issuer_name: str,
    link_keys: Sequence[str],
    public_url: str,
    now: datetime,
    conversation_id: str,
) -> str:
    """Emails a signed reset link valid for one hour; returns the address masked."""
    token = signed_links.sign(link_keys, RESET_PURPOSE, str(customer.id), now + RESET_LINK_LIFETIME)
    to = messenger.queue(
        session,
        customer,
        "email",
        f"{issuer_name}: reset your password here within 1 hour: {public_url}/password-reset/{token} "
        f"If you did not ask for this, ignore this email.",
        now,
    )
    audit.record(
        session, "password_reset_sent", "sent", now, customer_id=customer.id, conversation_id=conversation_id
    )
    return mask_email(to)

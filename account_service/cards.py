"""Card status changes, decline reasons, replacements and fraud reports."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit
from account_service.accounts import available_credit_cents
from account_service.calendar_days import estimated_delivery, shift_months
from account_service.cases import open_case, open_fraud_case_exists
from account_service.errors import ServiceError
from account_service.models import Card, CardAccount, Customer, Transaction

REPLACEMENT_REASONS = ("lost", "stolen", "damaged")
DeclineReason = Literal["replaced", "fraud_hold", "frozen", "inactive", "over_limit", "none"]
CARD_VALIDITY_MONTHS = 48

# action -> (status it needs, status it leaves)
_TRANSITIONS = {
    "activate": ("inactive", "active"),
    "freeze": ("active", "frozen"),
    "unfreeze": ("frozen", "active"),
}


def wrong_status(card: Card, message: str) -> ServiceError:
    return ServiceError(409, "wrong_status", message, status=card.status)


async def change_status(
    session: AsyncSession, card: Card, action: str, now: datetime, customer: Customer, conversation_id: str
) -> None:
    needed, result = _TRANSITIONS[action]
    if card.status != needed:
        audit.record(
            session,
            "card_status_change",
            "wrong_status",
            now,
            customer_id=customer.id,
            conversation_id=conversation_id,
            card_last_four=card.last_four,
            change=action,
        )
        raise wrong_status(card, f"A card that is {card.status} cannot be {action}d.")
    if action == "unfreeze" and await open_fraud_case_exists(session, card.id):
        # Reported as used by a fraudster: it stays frozen, the replacement is on its way.
        raise wrong_status(
            card, "This card was reported for fraud and stays frozen; a replacement is on its way."
        )
    card.status = result
    if action == "activate" and card.replaces_card_id is not None:
        # Activating a replacement retires the card it replaces (e.g. one frozen after fraud).
        old = await session.get(Card, card.replaces_card_id)
        if old is not None:
            old.status = "replaced"
    audit.record(
        session,
        "card_status_change",
        result,
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        card_last_four=card.last_four,
        change=action,
    )


def decline_reason(card: Card, account: CardAccount) -> DeclineReason:
    """Why a purchase would be declined, most fundamental reason first."""
    if card.status == "replaced":
        return "replaced"
    if card.fraud_hold:
        return "fraud_hold"
    if card.status == "frozen":
        return "frozen"
    if card.status == "inactive":
        return "inactive"
    if available_credit_cents(account) <= 0:
        return "over_limit"
    return "none"


async def _new_last_four(session: AsyncSession, account: CardAccount) -> str:
    """A random last four that none of the customer's cards has had."""
    taken = set(
        (
            await session.scalars(
                select(Card.last_four)
                .join(CardAccount, Card.account_id == CardAccount.id)
                .where(CardAccount.customer_id == account.customer_id)
            )
        ).all()
    )
    while True:
        candidate = f"{secrets.randbelow(10_000):04d}"
        if candidate not in taken:
            return candidate


async def order_replacement(
    session: AsyncSession,
    *,
    card: Card,
    account: CardAccount,
    reason: str,
    new_number: bool,
    today: date,
    now: datetime,
    conversation_id: str,
) -> tuple[Any, Card | None, date]:
    """Opens the replacement case and, for a new number, issues the new card (inactive until the
    customer activates it). Returns (case, new card or None, estimated delivery)."""
    new_card = None
    if new_number:
        expiry = shift_months(today, CARD_VALIDITY_MONTHS)
        new_card = Card(
            account_id=account.id,
            last_four=await _new_last_four(session, account),
            status="inactive",
            expiry_month=expiry.month,
            expiry_year=expiry.year,
            fraud_hold=False,
            replaces_card_id=card.id,
        )
        session.add(new_card)
    delivery = estimated_delivery(today)
    case = await open_case(
        session,
        "replacement",
        now,
        customer_id=account.customer_id,
        conversation_id=conversation_id,
        card_id=card.id,
        details={
            "reason": reason,
            "new_number": new_number,
            "new_card_last_four": new_card.last_four if new_card is not None else None,
            "estimated_delivery": delivery.isoformat(),
        },
    )
    return case, new_card, delivery


async def replace_card(
    session: AsyncSession,
    *,
    card: Card,
    account: CardAccount,
    reason: str,
    today: date,
    now: datetime,
    conversation_id: str,
) -> dict[str, Any]:
    if card.status == "replaced":
        raise wrong_status(card, "This card has already been replaced.")
    lost = reason in ("lost", "stolen")
    if lost:
        # Someone else may hold the card: block it now, the new number replaces it.
        card.status = "replaced"
        audit.record(
            session,
            "card_status_change",
            "replaced",
            now,
            customer_id=account.customer_id,
            conversation_id=conversation_id,
            card_last_four=card.last_four,
            change=reason,
        )
    case, new_card, delivery = await order_replacement(
        session,
        card=card,
        account=account,
        reason=reason,
        new_number=lost,
        today=today,
        now=now,
        conversation_id=conversation_id,
    )
    return {
        "reference": case.reference,
        "old_card_status": card.status,
        "new_card_last_four": new_card.last_four if new_card is not None else None,
        "estimated_delivery": delivery.isoformat(),
    }


async def report_fraud(
    session: AsyncSession,
    *,
    card: Card,
    account: CardAccount,
    transaction_ids: list[int],
    today: date,
    now: datetime,
    conversation_id: str,
    order_new_card: bool = True,
) -> dict[str, Any]:
    """Freeze, fraud case and (when `order_new_card`) replacement: all in the caller's one
    transaction, so an error in any step leaves the card as it was and no case behind."""
    if card.status == "replaced":
        raise wrong_status(card, "This card has already been replaced and cannot be used.")
    marked = (
        await session.scalars(
            select(Transaction).where(Transaction.id.in_(transaction_ids), Transaction.card_id == card.id)
        )
    ).all()
    if len(marked) != len(set(transaction_ids)):
        raise ServiceError(404, "no_such_transaction", "A marked transaction is not on this card.")

    card.status = "frozen"
    for transaction in marked:
        transaction.disputed = True
    audit.record(
        session,
        "card_status_change",
        "frozen",
        now,
        customer_id=account.customer_id,
        conversation_id=conversation_id,
        card_last_four=card.last_four,
        change="fraud_report",
    )
    fraud_case = await open_case(
        session,
        "fraud",
        now,
        customer_id=account.customer_id,
        conversation_id=conversation_id,
        card_id=card.id,
        details={
            "transaction_ids": sorted(set(transaction_ids)),
            "amount_cents": sum(transaction.amount_cents for transaction in marked),
        },
    )
    if not order_new_card:
        return {"reference": fraud_case.reference, "card_frozen": True, "replacement": None}
    replacement, _new_card, delivery = await order_replacement(
        session,
        card=card,
        account=account,
        reason="fraud",
        new_number=True,
        today=today,
        now=now,
        conversation_id=conversation_id,
    )
    return {
        "reference": fraud_case.reference,
        "card_frozen": True,
        "replacement": {"reference": replacement.reference, "estimated_delivery": delivery.isoformat()},
    }

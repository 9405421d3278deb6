"""Card payments from the bank account on file, and autopay settings."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit
from account_service.errors import ServiceError
from account_service.models import AutopaySetting, Card, CardAccount, Customer, Payment, Transaction
from account_service.references import PAYMENT_PREFIX, unique_reference

AMOUNT_TYPES = ("statement_balance", "minimum_due", "fixed")
# "Recent" payments: completed ones within this many days; scheduled ones are always listed.
RECENT_DAYS = 90
PAYMENT_MERCHANT = "Payment received - thank you"


async def payment_by_key(session: AsyncSession, customer: Customer, idempotency_key: str) -> Payment | None:
    return await session.scalar(
        select(Payment).where(Payment.customer_id == customer.id, Payment.idempotency_key == idempotency_key)
    )


def apply_payment(account: CardAccount, amount_cents: int) -> None:
    """Money received: the balance falls (so available credit rises), and what is owed on the
    statement and as minimum falls with it, never below zero."""
    account.balance_cents -= amount_cents
    account.statement_balance_cents = max(0, account.statement_balance_cents - amount_cents)
    account.minimum_due_cents = max(0, account.minimum_due_cents - amount_cents)


async def make_payment(
    session: AsyncSession,
    *,
    customer: Customer,
    card: Card,
    account: CardAccount,
    amount_cents: int,
    pay_on: date,
    idempotency_key: str,
    today: date,
    now: datetime,
    conversation_id: str,
) -> Payment:
    """Pays today (completed) or schedules up to the due date. The caller has looked for an
    earlier payment with the same idempotency key and locked the account row."""
    scope = {"customer_id": customer.id, "conversation_id": conversation_id}
    if amount_cents <= 0 or amount_cents > account.balance_cents:
        audit.record(session, "payment", "invalid_amount", now, **scope, card_last_four=card.last_four)
        raise ServiceError(
            422, "invalid_amount", "The amount must be more than zero and at most the current balance."
        )
    if pay_on < today or pay_on > account.due_date:
        audit.record(session, "payment", "invalid_date", now, **scope, card_last_four=card.last_four)
        raise ServiceError(422, "invalid_date", "The payment date must be between today and the due date.")

    completed = pay_on == today
    payment = Payment(
        reference=await unique_reference(session, Payment, PAYMENT_PREFIX),
        customer_id=customer.id,
        account_id=account.id,
        card_id=card.id,
        amount_cents=amount_cents,
        pay_on=pay_on,
        status="completed" if completed else "scheduled",
        idempotency_key=idempotency_key,
        created_at=now,
    )
    session.add(payment)
    if completed:
        apply_payment(account, amount_cents)
        session.add(
            Transaction(
                card_id=card.id,
                posted_on=today,
                merchant=PAYMENT_MERCHANT,
                amount_cents=-amount_cents,
                pending=False,
                disputed=False,
            )
        )
    # Surfaces a concurrent request with the same key (unique constraint) here, not at commit.
    await session.flush()
    audit.record(
        session,
        "payment",
        payment.status,
        now,
        **scope,
        reference=payment.reference,
        card_last_four=card.last_four,
        amount_cents=amount_cents,
        pay_on=pay_on.isoformat(),
    )
    return payment


async def recent_payments(
    session: AsyncSession, customer: Customer, today: date, account_id: int | None = None
) -> list[tuple[Payment, Card, CardAccount]]:
    query = (
        select(Payment, Card, CardAccount)
        .join(Card, Payment.card_id == Card.id)
        .join(CardAccount, Payment.account_id == CardAccount.id)
        .where(
            Payment.customer_id == customer.id,
            or_(Payment.status == "scheduled", Payment.pay_on >= today - timedelta(days=RECENT_DAYS)),
        )
        .order_by(Payment.pay_on.desc(), Payment.id.desc())
    )
    if account_id is not None:
        query = query.where(Payment.account_id == account_id)
    return [(payment, card, account) for payment, card, account in (await session.execute(query)).all()]


async def autopay_setting(session: AsyncSession, account: CardAccount) -> AutopaySetting:
    setting = await session.scalar(select(AutopaySetting).where(AutopaySetting.account_id == account.id))
    if setting is None:
        setting = AutopaySetting(account_id=account.id, enrolled=False)
        session.add(setting)
    return setting


async def set_autopay(
    session: AsyncSession,
    *,
    customer: Customer,
    card: Card,
    account: CardAccount,
    amount_type: str,
    fixed_amount_cents: int | None,
    now: datetime,
    conversation_id: str,
) -> AutopaySetting:
    if amount_type == "fixed" and (fixed_amount_cents is None or fixed_amount_cents <= 0):
        raise ServiceError(422, "invalid_amount", "A fixed autopay amount must be more than zero.")
    setting = await autopay_setting(session, account)
    setting.enrolled = True
    setting.amount_type = amount_type
    setting.fixed_amount_cents = fixed_amount_cents if amount_type == "fixed" else None
    setting.updated_at = now
    audit.record(
        session,
        "autopay_change",
        "enrolled",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        card_last_four=card.last_four,
        amount_type=amount_type,
    )
    return setting


async def cancel_autopay(
    session: AsyncSession,
    *,
    customer: Customer,
    card: Card,
    account: CardAccount,
    now: datetime,
    conversation_id: str,
) -> AutopaySetting:
    setting = await autopay_setting(session, account)
    setting.enrolled = False
    setting.amount_type = None
    setting.fixed_amount_cents = None
    setting.updated_at = now
    audit.record(
        session,
        "autopay_change",
        "cancelled",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        card_last_four=card.last_four,
    )
    return setting

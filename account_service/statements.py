"""Monthly statements: listing, signed download links and the PDF itself."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service import audit, signed_links
from account_service.accounts import current_card
from account_service.models import Card, CardAccount, Customer, Statement, Transaction
from account_service.money import format_with_currency
from account_service.pdf import build_pdf

LINK_LIFETIME = timedelta(minutes=10)
LINK_PURPOSE = "statement"


async def customer_statement(
    session: AsyncSession, customer: Customer, statement_id: int
) -> Statement | None:
    return await session.scalar(
        select(Statement)
        .join(CardAccount, Statement.account_id == CardAccount.id)
        .where(Statement.id == statement_id, CardAccount.customer_id == customer.id)
    )


def download_token(link_keys: Sequence[str], statement: Statement, now: datetime) -> str:
    return signed_links.sign(link_keys, LINK_PURPOSE, str(statement.id), now + LINK_LIFETIME)


def record_link(
    session: AsyncSession, statement: Statement, customer: Customer, now: datetime, conversation_id: str
) -> None:
    audit.record(
        session,
        "statement_link",
        "created",
        now,
        customer_id=customer.id,
        conversation_id=conversation_id,
        statement_id=statement.id,
        period=statement.period,
    )


async def statement_pdf(
    session: AsyncSession, statement_id: int, issuer_name: str
) -> tuple[bytes, str] | None:
    """(PDF bytes, file name) of a statement, None if it does not exist."""
    statement = await session.get(Statement, statement_id)
    if statement is None:
        return None
    account = await session.get(CardAccount, statement.account_id)
    assert account is not None
    cards = list((await session.scalars(select(Card).where(Card.account_id == account.id))).all())
    card = current_card(cards)
    transactions = (
        await session.scalars(
            select(Transaction)
            .where(
                Transaction.card_id.in_([c.id for c in cards]),
                Transaction.posted_on >= statement.opening_date,
                Transaction.posted_on <= statement.closing_date,
                Transaction.pending.is_(False),
            )
            .order_by(Transaction.posted_on, Transaction.id)
        )
    ).all()

    def money(cents: int) -> str:
        return format_with_currency(cents, account.currency)

    lines = [
        f"{issuer_name} - {account.product}",
        f"Card ending {card.last_four}",
        f"Statement period {statement.period}: {statement.opening_date.isoformat()} to "
        f"{statement.closing_date.isoformat()}",
        "",
        f"Statement balance: {money(statement.balance_cents)}",
        f"Minimum payment due: {money(statement.minimum_due_cents)}",
        f"Payment due date: {statement.due_date.isoformat()}",
        "",
        "Transactions",
    ]
    lines += [
        f"{t.posted_on.isoformat()}   {t.merchant[:48]:<48} {money(t.amount_cents):>16}" for t in transactions
    ] or ["No transactions in this period."]
    title = f"{issuer_name} statement {statement.period}"
    return build_pdf(lines, title=title), f"statement-{statement.period}-{card.last_four}.pdf"

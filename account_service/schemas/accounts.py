"""Card accounts, cards, transactions and statements as the API shows them."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from account_service.accounts import Currency, available_credit_cents
from account_service.endpoints import Answer
from account_service.fields import ConversationId, PageSize, money
from account_service.masking import mask_account
from account_service.models import Card, CardAccount, Statement, Transaction
from account_service.money import format_cents
from account_service.schemas.common import CardFilterQuery

CardStatus = Literal["active", "inactive", "frozen", "replaced"]


class BankAccount(Answer):
    bank_name: str
    masked: str = Field(..., example="••••6789")


class AccountOut(Answer):
    card_last_four: str
    product: str
    currency: Currency
    balance: str = money()
    credit_limit: str = money()
    available_credit: str = money()
    statement_balance: str = money()
    minimum_due: str = money()
    due_date: date
    bank_account: BankAccount

    @classmethod
    def of(cls, account: CardAccount, card: Card) -> AccountOut:
        return cls(
            card_last_four=card.last_four,
            product=account.product,
            currency=account.currency,
            balance=format_cents(account.balance_cents),
            credit_limit=format_cents(account.credit_limit_cents),
            available_credit=format_cents(available_credit_cents(account)),
            statement_balance=format_cents(account.statement_balance_cents),
            minimum_due=format_cents(account.minimum_due_cents),
            due_date=account.due_date,
            bank_account=BankAccount(
                bank_name=account.bank_name, masked=mask_account(account.bank_last_four)
            ),
        )


class Accounts(Answer):
    accounts: list[AccountOut]


class CardOut(Answer):
    last_four: str
    product: str
    status: CardStatus
    expiry: str = Field(..., example="09/28")
    fraud_hold: bool

    @classmethod
    def of(cls, card: Card, account: CardAccount) -> CardOut:
        return cls(
            last_four=card.last_four,
            product=account.product,
            status=card.status,
            expiry=f"{card.expiry_month:02d}/{card.expiry_year % 100:02d}",
            fraud_hold=card.fraud_hold,
        )


class Cards(Answer):
    cards: list[CardOut]


class TransactionOut(Answer):
    id: int
    card_last_four: str
    posted_on: date
    merchant: str
    amount: str = money("Purchases positive, payments and credits negative")
    currency: Currency
    pending: bool
    disputed: bool

    @classmethod
    def of(cls, transaction: Transaction, card: Card, account: CardAccount) -> TransactionOut:
        return cls(
            id=transaction.id,
            card_last_four=card.last_four,
            posted_on=transaction.posted_on,
            merchant=transaction.merchant,
            amount=format_cents(transaction.amount_cents),
            currency=account.currency,
            pending=transaction.pending,
            disputed=transaction.disputed,
        )


class Transactions(Answer):
    transactions: list[TransactionOut]


class TransactionsQuery(CardFilterQuery):
    conversation_id: ConversationId
    limit: PageSize = Field(5)


class StatementOut(Answer):
    id: int
    card_last_four: str
    period: str = Field(..., example="2026-10")
    closing_date: date
    balance: str = money()
    minimum_due: str = money()
    due_date: date
    currency: Currency

    @classmethod
    def of(cls, statement: Statement, card: Card, account: CardAccount) -> StatementOut:
        return cls(
            id=statement.id,
            card_last_four=card.last_four,
            period=statement.period,
            closing_date=statement.closing_date,
            balance=format_cents(statement.balance_cents),
            minimum_due=format_cents(statement.minimum_due_cents),
            due_date=statement.due_date,
            currency=account.currency,
        )


class Statements(Answer):
    statements: list[StatementOut]

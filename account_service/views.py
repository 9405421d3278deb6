"""The JSON shapes of records as the API returns them (docs/account-service.md)."""

from __future__ import annotations

from typing import Any

from account_service.masking import mask_account
from account_service.models import (
    AlertSetting,
    AutopaySetting,
    Card,
    CardAccount,
    Payment,
    Statement,
    Transaction,
)
from account_service.money import format_cents

REGION_CURRENCY = {"US": "USD", "IN": "INR"}


def money_or_none(cents: int | None) -> str | None:
    return None if cents is None else format_cents(cents)


def available_credit_cents(account: CardAccount) -> int:
    return account.credit_limit_cents - account.balance_cents


def account_view(account: CardAccount, card: Card) -> dict[str, Any]:
    return {
        "card_last_four": card.last_four,
        "product": account.product,
        "currency": account.currency,
        "balance": format_cents(account.balance_cents),
        "credit_limit": format_cents(account.credit_limit_cents),
        "available_credit": format_cents(available_credit_cents(account)),
        "statement_balance": format_cents(account.statement_balance_cents),
        "minimum_due": format_cents(account.minimum_due_cents),
        "due_date": account.due_date.isoformat(),
        "bank_account": {"bank_name": account.bank_name, "masked": mask_account(account.bank_last_four)},
    }


def card_view(card: Card, account: CardAccount) -> dict[str, Any]:
    return {
        "last_four": card.last_four,
        "product": account.product,
        "status": card.status,
        "expiry": f"{card.expiry_month:02d}/{card.expiry_year % 100:02d}",
        "fraud_hold": card.fraud_hold,
    }


def transaction_view(transaction: Transaction, card: Card, account: CardAccount) -> dict[str, Any]:
    return {
        "id": transaction.id,
        "card_last_four": card.last_four,
        "posted_on": transaction.posted_on.isoformat(),
        "merchant": transaction.merchant,
        "amount": format_cents(transaction.amount_cents),
        "currency": account.currency,
        "pending": transaction.pending,
        "disputed": transaction.disputed,
    }


def statement_view(statement: Statement, card: Card, account: CardAccount) -> dict[str, Any]:
    return {
        "id": statement.id,
        "card_last_four": card.last_four,
        "period": statement.period,
        "closing_date": statement.closing_date.isoformat(),
        "balance": format_cents(statement.balance_cents),
        "minimum_due": format_cents(statement.minimum_due_cents),
        "due_date": statement.due_date.isoformat(),
        "currency": account.currency,
    }


def payment_view(payment: Payment, card: Card, account: CardAccount) -> dict[str, Any]:
    return {
        "reference": payment.reference,
        "card_last_four": card.last_four,
        "amount": format_cents(payment.amount_cents),
        "currency": account.currency,
        "pay_on": payment.pay_on.isoformat(),
        "status": payment.status,
        "from_account": mask_account(account.bank_last_four),
    }


def autopay_view(setting: AutopaySetting, card: Card, account: CardAccount) -> dict[str, Any]:
    return {
        "card_last_four": card.last_four,
        "enrolled": setting.enrolled,
        "amount_type": setting.amount_type if setting.enrolled else None,
        "fixed_amount": money_or_none(setting.fixed_amount_cents) if setting.enrolled else None,
        "currency": account.currency,
    }


def alerts_view(alerts: AlertSetting, currency: str) -> dict[str, Any]:
    return {
        "large_purchase_threshold": money_or_none(alerts.large_purchase_threshold_cents),
        "online_transactions": alerts.online_transactions,
        "payment_due": alerts.payment_due,
        "balance_threshold": money_or_none(alerts.balance_threshold_cents),
        "currency": currency,
    }

"""Payments and autopay."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from account_service.endpoints import Answer, Shape
from account_service.fields import Amount, ConversationId, IdempotencyKey, IsoDate, LastFour, money
from account_service.masking import mask_account
from account_service.models import AutopaySetting, Card, CardAccount, Payment
from account_service.money import format_cents
from account_service.schemas.accounts import Currency

AmountType = Literal["statement_balance", "minimum_due", "fixed"]


class PaymentRequest(Shape):
    conversation_id: ConversationId
    card_last_four: LastFour
    amount: Amount
    pay_on: IsoDate
    idempotency_key: IdempotencyKey = Field(..., description="The same key again returns the first payment")


class PaymentOut(Answer):
    reference: str
    card_last_four: str
    amount: str = money()
    currency: Currency
    pay_on: date
    status: Literal["completed", "scheduled"]
    from_account: str = Field(..., example="••••6789")

    @classmethod
    def of(cls, payment: Payment, card: Card, account: CardAccount) -> PaymentOut:
        return cls(
            reference=payment.reference,
            card_last_four=card.last_four,
            amount=format_cents(payment.amount_cents),
            currency=account.currency,
            pay_on=payment.pay_on,
            status=payment.status,
            from_account=mask_account(account.bank_last_four),
        )


class Payments(Answer):
    payments: list[PaymentOut]


class AutopayChange(Shape):
    conversation_id: ConversationId
    card_last_four: LastFour
    amount_type: AmountType
    fixed_amount: Amount | None = Field(None, description="Only for amount_type fixed")


class AutopayCancelQuery(Shape):
    conversation_id: ConversationId
    card: LastFour


class AutopayOut(Answer):
    card_last_four: str
    enrolled: bool
    amount_type: AmountType | None
    fixed_amount: str | None = money()
    currency: Currency

    @classmethod
    def of(cls, setting: AutopaySetting, card: Card, account: CardAccount) -> AutopayOut:
        fixed = setting.fixed_amount_cents
        return cls(
            card_last_four=card.last_four,
            enrolled=setting.enrolled,
            amount_type=setting.amount_type if setting.enrolled else None,
            fixed_amount=format_cents(fixed) if setting.enrolled and fixed is not None else None,
            currency=account.currency,
        )


class AutopaySettings(Answer):
    autopay: list[AutopayOut]

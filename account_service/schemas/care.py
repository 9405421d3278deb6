"""Access help, rewards, profile and alerts."""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool

from account_service.endpoints import Answer, Shape
from account_service.fields import (
    Amount,
    ConversationId,
    EmailText,
    MailingAddress,
    OptionName,
    Points,
    money,
)
from account_service.models import AlertSetting
from account_service.money import format_cents
from account_service.schemas.accounts import Currency
from account_service.schemas.alerts import AlertChannel


class SentTo(Answer):
    sent_to: str = Field(..., example="a••••n@example.com")


class ResetLinkSent(Answer):
    sent_to: str
    expires_in: int


class RewardOptionOut(Answer):
    name: str
    points_needed: int
    value: str = money()
    currency: Currency


class Rewards(Answer):
    program: str
    points: int
    options: list[RewardOptionOut]


class RedemptionRequest(Shape):
    conversation_id: ConversationId
    option: OptionName
    points: Points


class Redeemed(Answer):
    reference: str
    points_left: int
    value: str = money()
    currency: Currency


class ProfileOut(Answer):
    first_name: str
    email: str = Field(..., description="masked")
    phone: str = Field(..., description="masked")
    mailing_address: str


class ProfileChange(Shape):
    conversation_id: ConversationId
    email: EmailText | None = None
    mailing_address: MailingAddress | None = None
    phone: Any | None = Field(None, description="Refused: the phone is changed by phone or in the app")


class AlertsOut(Answer):
    large_purchase_threshold: str | None = money()
    online_transactions: bool
    payment_due: bool
    balance_threshold: str | None = money()
    currency: Currency
    channel: AlertChannel = Field(..., description="Where alerts go")
    telegram_linked: bool = Field(..., description="A Telegram chat is linked (needed for Telegram alerts)")

    @classmethod
    def of(cls, alerts: AlertSetting, currency: Currency, telegram_linked: bool) -> AlertsOut:
        def money(cents: int | None) -> str | None:
            return None if cents is None else format_cents(cents)

        return cls(
            large_purchase_threshold=money(alerts.large_purchase_threshold_cents),
            online_transactions=alerts.online_transactions,
            payment_due=alerts.payment_due,
            balance_threshold=money(alerts.balance_threshold_cents),
            currency=currency,
            channel=alerts.channel or "sms",
            telegram_linked=telegram_linked,
        )


class AlertsChange(Shape):
    """Any subset; a threshold of null turns that alert off."""

    conversation_id: ConversationId
    large_purchase_threshold: Amount | None = None
    online_transactions: StrictBool | None = None
    payment_due: StrictBool | None = None
    balance_threshold: Amount | None = None
    channel: AlertChannel | None = None

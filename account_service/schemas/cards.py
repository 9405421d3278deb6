"""Card actions and the cases about cards: decline check, fraud reports, disputes, replacements."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from account_service.cards import DeclineReason
from account_service.endpoints import Answer, Shape
from account_service.fields import ConversationId, LastFour, RecordId, money
from account_service.schemas.accounts import Currency, TransactionOut

MAX_MARKED_TRANSACTIONS = 50
DisputeReason = Literal["not_received", "wrong_amount", "duplicate", "cancelled", "other"]
ReplacementReason = Literal["lost", "stolen", "damaged"]


class DeclineCheck(Answer):
    card_last_four: str
    reason: DeclineReason
    available_credit: str = money()
    currency: Currency


class FraudReportRequest(Shape):
    conversation_id: ConversationId
    card_last_four: LastFour
    transaction_ids: list[RecordId] = Field(
        ..., max_items=MAX_MARKED_TRANSACTIONS, hint=f"a list of at most {MAX_MARKED_TRANSACTIONS} record IDs"
    )


class ReplacementOrdered(Answer):
    reference: str
    estimated_delivery: date


class FraudReported(Answer):
    reference: str
    card_frozen: bool
    # None when the identity check is older than 5 minutes: the new card is then ordered as a
    # replacement, after a fresh code.
    replacement: ReplacementOrdered | None


class DisputeRequest(Shape):
    conversation_id: ConversationId
    transaction_id: RecordId
    reason: DisputeReason


class DisputeOpened(Answer):
    reference: str
    transaction: TransactionOut


class ReplacementRequest(Shape):
    conversation_id: ConversationId
    card_last_four: LastFour
    reason: ReplacementReason


class Replacement(Answer):
    reference: str
    old_card_status: str
    new_card_last_four: str | None = Field(..., description="null: the same number is reissued")
    estimated_delivery: date

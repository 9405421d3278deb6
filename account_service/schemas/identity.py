"""Identity check: one-time codes, app logins, verified sessions, lock status."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from account_service.endpoints import Answer, Shape
from account_service.fields import (
    AppSender,
    AppToken,
    ChallengeId,
    ClientKey,
    ConversationId,
    IsoDate,
    LastFour,
    TypedCode,
    UserId,
    instant,
)
from account_service.identity import AppSessionOutcome

Purpose = Literal["verify", "confirm"]
CodeChannel = Literal["sms", "email"]
Region = Literal["US", "IN"]
Method = Literal["code", "app_login"]


class ChallengeRequest(Shape):
    conversation_id: ConversationId
    user_id: UserId | None = None
    card_last_four: LastFour | None = None
    date_of_birth: IsoDate | None = None
    channel: CodeChannel = "sms"
    purpose: Purpose = Field(
        "verify", description="confirm: a new code for the conversation's own verified customer"
    )
    client: ClientKey | None = Field(
        None, description="The channel's opaque key for the customer's network address (rate limits)"
    )


class ChallengeSent(Answer):
    challenge_id: str
    purpose: Purpose
    channel: CodeChannel
    expires_in: int
    masked_destination: str | None = Field(
        ..., description="null for purpose verify (the same answer whether or not the details matched)"
    )


class ChallengePath(Shape):
    challenge_id: ChallengeId


class VerifyRequest(Shape):
    conversation_id: ConversationId
    code: TypedCode
    purpose: Purpose = "verify"


class CustomerRef(Answer):
    user_id: str
    first_name: str
    region: Region


class Verified(Answer):
    verified: bool
    customer: CustomerRef
    session_expires_in: int


class AppSessionRequest(Shape):
    app_token: AppToken
    sender: AppSender = Field(..., description="The app's own name for the conversation")


class AppSession(Answer):
    conversation_id: str = Field(..., description="in_app:<hash of the customer and the sender>")
    verified: bool
    method: Method
    fresh: bool
    outcome: AppSessionOutcome
    customer: CustomerRef
    session_expires_in: int


class ConversationPath(Shape):
    conversation_id: ConversationId


class SessionInfo(Answer):
    verified: bool
    user_id: str
    first_name: str
    region: Region
    verified_at: str = instant()
    method: Method
    fresh: bool
    channel: str = Field(..., description="The channel the conversation is on (its ID's prefix)")
    today: date = Field(..., description="The service's date")

"""Shapes and error answers many routes share."""

from __future__ import annotations

from account_service.endpoints import Answer, Shape, fail
from account_service.fields import ConversationId, InstantText, LastFour, instant


class ConversationBody(Shape):
    """The body of a /me change that needs nothing else: whose verified session acts."""

    conversation_id: ConversationId


class ConversationQuery(Shape):
    conversation_id: ConversationId


class CardFilterQuery(Shape):
    conversation_id: ConversationId
    card: LastFour | None = None


class CardPath(Shape):
    last4: LastFour


class Locked(Answer):
    locked: bool
    locked_until: str | None = instant()


NOT_VERIFIED = fail(401, "No verified session, or idle for more than 15 minutes", "not_verified")
FRESH_NEEDED = fail(403, "The last code is older than 5 minutes: ask for a confirm code", "fresh_code_needed")
NO_CARD = fail(404, "No such card", "no_such_card")
LOCKED = fail(
    423,
    "Identity checks in this conversation are locked after 3 wrong codes",
    "locked",
    locked_until=InstantText,
)
TOO_MANY_ATTEMPTS = fail(
    429, "Too many identity attempts from this conversation or client", "too_many_attempts", retry_after=int
)

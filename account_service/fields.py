"""Field types shared by the request and response models (account_service/schemas/).

Each type knows how it reads from JSON, how it looks in the OpenAPI document and, through
`hint`, how a refusal describes it ("card_last_four must be the last four digits of a card, as
text."): a refusal names the field and what it expects, never the value that was sent, because
that value may be a one-time code or a card number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, datetime, timezone
from typing import Any

from pydantic import ConstrainedInt, ConstrainedStr, Field

from account_service.money import parse_amount

Validator = Callable[..., Any]

# Conversation IDs are namespaced by channel ("socketio:<32 hex>", "in_app:<64 hex>",
# "twilio:+1555…"); 200 characters leaves room for every platform's own ID after the prefix.
MAX_CONVERSATION_ID = 200


def _text_out(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("text expected")
    return value


class Text(ConstrainedStr):
    """Text of 1-… characters, surrounding spaces dropped; a number is not text."""

    strict = True
    strip_whitespace = True
    min_length = 1


def text(max_length: int, min_length: int = 1) -> type[str]:
    """A Text type with these bounds (counted after dropping surrounding spaces)."""
    return type(
        f"Text{min_length}to{max_length}", (Text,), {"min_length": min_length, "max_length": max_length}
    )


class ConversationId(Text):
    max_length = MAX_CONVERSATION_ID


class UserId(Text):
    max_length = 64


class AgentName(Text):
    max_length = 64


class LastFour(ConstrainedStr):
    strict = True
    regex = re.compile(r"^\d{4}$")
    hint = "the last four digits of a card, as text"


class WholeNumber(ConstrainedInt):
    """A JSON whole number (not "5", not 5.0, not true)."""

    strict = True


class QueryNumber(ConstrainedInt):
    """A whole number in a query string, where everything is text."""

    strict = False


def whole_number(minimum: int, maximum: int, *, strict: bool = True) -> type[int]:
    """strict: a JSON number only; not strict: digits as text too (query strings)."""
    return type(
        f"Whole{minimum}to{maximum}", (WholeNumber,), {"ge": minimum, "le": maximum, "strict": strict}
    )


class IsoDate(date):
    """A calendar date written YYYY-MM-DD (not a timestamp, not 30/09/1985)."""

    hint = "a date (YYYY-MM-DD)"

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.read

    @classmethod
    def read(cls, value: Any) -> date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if not isinstance(value, str) or len(value) != 10:
            raise ValueError(cls.hint)
        return date.fromisoformat(value)

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", format="date")


class Instant(datetime):
    """An ISO 8601 instant with its zone ("2026-11-26T10:00:00Z"), as aware UTC."""

    hint = "an ISO 8601 instant with a time zone, e.g. 2026-11-26T10:00:00Z"

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.read

    @classmethod
    def read(cls, value: Any) -> datetime:
        if isinstance(value, datetime) and value.tzinfo is not None:
            return value.astimezone(timezone.utc)
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError(cls.hint)
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError(cls.hint)
        return parsed.astimezone(timezone.utc)

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", format="date-time", example="2026-11-26T10:00:00Z")


class Amount(int):
    """Money in: a string such as "125.50" or a JSON number with at most two decimals; read as cents."""

    hint = 'an amount such as "125.50"'

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.read

    @classmethod
    def read(cls, value: Any) -> int:
        return parse_amount(value)

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.clear()
        schema["oneOf"] = [{"type": "string", "example": "125.50"}, {"type": "number"}]


class RecordId(int):
    """A record's ID: a whole number above zero, or its digits as text (dialogue slots hold text)."""

    hint = "a record ID"

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.read

    @classmethod
    def read(cls, value: Any) -> int:
        if isinstance(value, bool):
            raise ValueError(cls.hint)
        if isinstance(value, int) and value > 0:
            return value
        if isinstance(value, str) and value.isdigit() and len(value) <= 18 and int(value) > 0:
            return int(value)
        raise ValueError(cls.hint)

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="integer", minimum=1)


class InstantText(str):
    """An instant in an error answer's extra fields (see instant() for answers' own fields)."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield _text_out

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", format="date-time", example="2026-11-26T10:00:00Z")


class AppSender(str):
    """The mobile app's name for a conversation: 1-128 printable characters, no surrounding space."""

    hint = "1-128 printable characters without surrounding spaces"

    @classmethod
    def __get_validators__(cls) -> Iterator[Validator]:
        yield cls.read

    @classmethod
    def read(cls, value: Any) -> str:
        if (
            not isinstance(value, str)
            or not 0 < len(value) <= 128
            or not value.isprintable()
            or value != value.strip()
        ):
            raise ValueError(cls.hint)
        return value

    @classmethod
    def __modify_schema__(cls, schema: dict[str, Any]) -> None:
        schema.update(type="string", minLength=1, maxLength=128)


class ClientKey(Text):
    """The channel's opaque key for the customer's network address (a hash), for rate limits."""

    max_length = 64


# --- bounded text and numbers, one named type per use ----------------------------------------------


class ChallengeId(Text):
    max_length = 64


class TypedCode(Text):
    max_length = 32
    hint = "the code the customer typed (at most 32 characters)"


class AppToken(Text):
    max_length = 8192
    hint = "the app's signed login token (a JWT)"


class IdempotencyKey(Text):
    max_length = 128


class OptionName(Text):
    max_length = 64


class EmailText(Text):
    max_length = 254


class MailingAddress(Text):
    min_length = 5
    max_length = 300


class Topic(Text):
    max_length = 100


class MessageText(Text):
    max_length = 2000


class StatusList(Text):
    max_length = 200


class Reference(Text):
    max_length = 32


class LinkToken(Text):
    max_length = 1000


class TurnText(ConstrainedStr):
    """A transcript turn as said (may be empty; not stripped)."""

    strict = True
    max_length = 4000


class Points(WholeNumber):
    ge = 1
    le = 100_000_000


class ClockSeconds(WholeNumber):
    ge = 0
    le = 400 * 24 * 3600


class PageSize(QueryNumber):
    ge = 1
    le = 50


class MessageId(QueryNumber):
    ge = 0
    le = 2**62


# --- fields of answers --------------------------------------------------------------------------


def money(description: str | None = None) -> Any:
    """Money out: a string with two decimals ("1234.50"), next to a currency field."""
    return Field(..., description=description, pattern=r"^-?\d+\.\d{2}$", example="1234.50")


def instant(description: str | None = None) -> Any:
    """An instant out: ISO 8601 UTC with a Z, whole seconds (clock.iso_instant)."""
    return Field(..., description=description, format="date-time", example="2026-11-26T10:00:00Z")

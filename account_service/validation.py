"""Reading request input: every failure is 400 bad_request with a plain sentence that names
the field but never repeats what was sent (it might be a code or a card number)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any

from aiohttp import web

from account_service.errors import bad_request
from account_service.money import parse_amount

Body = dict[str, Any]
MAX_CONVERSATION_ID = 128
_LAST_FOUR = re.compile(r"^\d{4}$")


async def read_json(request: web.Request) -> Body:
    """The JSON object in the body. The app's client_max_size caps how much is read."""
    raw = await request.read()
    if not raw:
        raise bad_request("A JSON object is needed in the body.")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise bad_request("The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise bad_request("The body must be a JSON object.")
    return data


def text(data: Body, name: str, *, max_length: int, required: bool = True, min_length: int = 1) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise bad_request(f"{name} is needed.")
        return None
    if not isinstance(value, str) or not min_length <= len(value.strip()) <= max_length:
        raise bad_request(f"{name} must be text of {min_length}-{max_length} characters.")
    return value.strip()


def required_text(data: Body, name: str, *, max_length: int) -> str:
    value = text(data, name, max_length=max_length)
    assert value is not None
    return value


def conversation_id(data: Body) -> str:
    return required_text(data, "conversation_id", max_length=MAX_CONVERSATION_ID)


def choice(data: Body, name: str, options: Iterable[str], *, default: str | None = None) -> str:
    allowed = tuple(options)
    value = data.get(name)
    if value is None and default is not None:
        return default
    if value not in allowed:
        raise bad_request(f"{name} must be one of: {', '.join(allowed)}.")
    return str(value)


def last_four(data: Body, name: str = "card_last_four", *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _LAST_FOUR.match(value):
        raise bad_request(f"{name} must be the last four digits of a card, as text.")
    return value


def required_last_four(data: Body, name: str = "card_last_four") -> str:
    value = last_four(data, name)
    assert value is not None
    return value


def iso_date(data: Body, name: str) -> date:
    value = data.get(name)
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a date (YYYY-MM-DD).")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise bad_request(f"{name} must be a date (YYYY-MM-DD).") from None


def instant(data: Body, name: str) -> datetime:
    """An ISO 8601 instant with its offset ("2026-11-26T10:00:00Z"), as aware UTC."""
    value = data.get(name)
    problem = f"{name} must be an ISO 8601 instant with a time zone, e.g. 2026-11-26T10:00:00Z."
    if not isinstance(value, str) or len(value) > 40:
        raise bad_request(problem)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise bad_request(problem) from None
    if parsed.tzinfo is None:
        raise bad_request(problem)
    return parsed.astimezone(timezone.utc)


def amount_cents(data: Body, name: str, *, required: bool = True, nullable: bool = False) -> int | None:
    if name not in data or data[name] is None:
        if required and not (nullable and name in data):
            raise bad_request(f"{name} is needed.")
        return None
    try:
        return parse_amount(data[name])
    except ValueError:
        raise bad_request(f'{name} must be an amount such as "125.50".') from None


def integer(data: Body, name: str, *, minimum: int, maximum: int) -> int:
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise bad_request(f"{name} must be a whole number from {minimum} to {maximum}.")
    return value


def boolean(data: Body, name: str) -> bool:
    value = data.get(name)
    if not isinstance(value, bool):
        raise bad_request(f"{name} must be true or false.")
    return value


def _record_id(value: Any) -> int | None:
    """IDs are integers; digits in a string are accepted too (dialogue slots hold text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 18 and int(value) > 0:
        return int(value)
    return None


def record_id(data: Body, name: str) -> int:
    value = _record_id(data.get(name))
    if value is None:
        raise bad_request(f"{name} must be a record ID.")
    return value


def record_ids(data: Body, name: str, *, max_items: int) -> list[int]:
    values = data.get(name)
    if not isinstance(values, list) or len(values) > max_items:
        raise bad_request(f"{name} must be a list of at most {max_items} record IDs.")
    ids = [_record_id(value) for value in values]
    if any(value is None for value in ids):
        raise bad_request(f"{name} must be a list of at most {max_items} record IDs.")
    return [value for value in ids if value is not None]


def path_id(request: web.Request, name: str) -> int:
    value = _record_id(request.match_info[name])
    if value is None:
        raise bad_request(f"{name} must be a record ID.")
    return value


# --- query strings (GET and DELETE) -------------------------------------------------------------


def query_conversation_id(request: web.Request) -> str:
    return conversation_id(dict(request.query))


def query_last_four(request: web.Request, name: str = "card", *, required: bool = False) -> str | None:
    return last_four(dict(request.query), name, required=required)


def query_int(request: web.Request, name: str, *, default: int, minimum: int, maximum: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not minimum <= int(raw) <= maximum:
        raise bad_request(f"{name} must be a whole number from {minimum} to {maximum}.")
    return int(raw)

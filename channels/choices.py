"""Buttons on channels that have none (SMS and WhatsApp through Twilio).

The buttons become a numbered list appended to the text ("1. Yes  2. No — reply with a number"),
and a reply that is just a number ("2", "2.", " 2) ") is mapped back to that button's payload
before it reaches the assistant.

Nothing is kept in memory for this: the choices offered are read back from the conversation's
tracker (the bot messages after the customer's last message; the last one with buttons wins),
so the mapping survives a restart and works with several Rasa replicas sharing a tracker store.
A number only counts while the choices are fresh (CHOICES_TTL_S) and in range; any other
reply, such as an amount or a code, goes to the assistant unchanged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from rasa.shared.core.events import BotUttered, Event, UserUttered

CHOICES_TTL_S = 10 * 60

_NUMBER_REPLY = re.compile(r"^\s*(\d{1,2})\s*[.)]?\s*$")


def button_title(button: dict[str, Any]) -> str:
    return str(button.get("title") or button.get("payload") or "")


def numbered_text(text: str, buttons: Sequence[dict[str, Any]]) -> str:
    """The text with the buttons appended as numbered choices."""
    if not buttons:
        return text
    listed = "  ".join(f"{number}. {button_title(button)}" for number, button in enumerate(buttons, 1))
    return f"{text}\n{listed} — reply with a number" if text else f"{listed} — reply with a number"


def chosen_payload(reply: str, buttons: Sequence[dict[str, Any]] | None) -> str | None:
    """The payload of the button whose number the customer typed, if that is all they typed."""
    match = _NUMBER_REPLY.match(reply or "")
    if not match or not buttons:
        return None
    index = int(match.group(1)) - 1
    if not 0 <= index < len(buttons):
        return None
    payload = buttons[index].get("payload")
    return str(payload) if payload else None


def offered_choices(
    events: Iterable[Event], now: float | None = None, ttl_s: float = CHOICES_TTL_S
) -> list[dict[str, Any]] | None:
    """The buttons of the latest bot message since the customer last wrote, while fresh."""
    now = time.time() if now is None else now
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return None
        if isinstance(event, BotUttered) and event.data.get("buttons"):
            if now - event.timestamp > ttl_s:
                return None
            return list(event.data["buttons"])
    return None

"""The identity check inside every task form: who the customer is, then a one-time code.

The account service decides everything (whether the details match, whether a code is right,
lockouts, limits); this module only asks, passes the answers on and words the outcome. The
code itself is read from the message text and never put in a slot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from actions.parsing import parse_birth_date, parse_code, parse_last_four, parse_user_id, words
from actions.service_client import ServiceUnavailable

if TYPE_CHECKING:
    from actions.task_form import Turn

ROUTE_SLOTS = {"user_id": ("user_id",), "card": ("identity_card", "date_of_birth")}
NOT_AN_ID_INTENTS = {
    "greet",
    "goodbye",
    "thank_you",
    "help",
    "stop",
    "human_handoff",
    "affirm",
    "deny",
    "bot_challenge",
    "out_of_scope",
}
FORGOT_WORDS = {"forgot", "forgotten", "remember", "dunno"}
RESEND_WORDS = {"resend", "again", "another", "new", "didn't", "didnt", "haven't", "havent", "never", "not"}
MAX_NO_MATCH = 3


# --- questions ---------------------------------------------------------------------------------
async def next_identity_question(turn: Turn) -> str | None:
    route = turn.slot("identity_route") or "user_id"
    for slot in ROUTE_SLOTS[route]:
        if turn.slot(slot) is None:
            return slot
    channel = turn.slot("code_channel") or "sms"
    if turn.slot("challenge_id") is None and not await send_code(turn, "verify", channel):
        if turn.slot("task_outcome") is not None:
            return None
        return ROUTE_SLOTS[turn.slot("identity_route") or "user_id"][0]
    return "identity_code"


async def next_step_up_question(turn: Turn) -> str | None:
    if turn.slot("confirm_challenge_id") is None and not await send_code(turn, "confirm"):
        return None
    return "confirm_code"


async def send_code(turn: Turn, purpose: str, channel: str = "sms") -> bool:
    """Asks the service to send a code; True when one was sent."""
    body: dict[str, Any] = {
        "conversation_id": turn.service.conversation_id,
        "channel": channel,
        "purpose": purpose,
    }
    if purpose == "verify":
        if (turn.slot("identity_route") or "user_id") == "user_id":
            body["user_id"] = turn.slot("user_id")
        else:
            body["card_last_four"] = turn.slot("identity_card")
            body["date_of_birth"] = turn.slot("date_of_birth")
    status, reply = await turn.service.call("POST", "/identity/challenges", body=body)
    if status == 201:
        challenge_slot = "challenge_id" if purpose == "verify" else "confirm_challenge_id"
        turn.set(**{challenge_slot: reply["challenge_id"], "code_destination": reply["masked_destination"]})
        how = "by email to" if reply.get("channel") == "email" else "by text message to"
        turn.say("utter_code_sent", how=how, destination=reply["masked_destination"])
        return True
    handle_refusal(turn, status, reply)
    return False


def handle_refusal(turn: Turn, status: int, reply: Any) -> None:
    error = reply.get("error") if isinstance(reply, dict) else None
    if status == 404 and error == "no_match":
        misses = int(turn.slot("form_retries") or 0) + 1
        route = turn.slot("identity_route") or "user_id"
        turn.set(**{slot: None for slot in ROUTE_SLOTS[route]}, form_retries=misses)
        if misses >= MAX_NO_MATCH:
            turn.say("utter_identity_gave_up")
            turn.finish("gave_up")
        else:
            turn.say(f"utter_identity_no_match_{route}")
    elif status == 423:
        turn.say("utter_online_access_locked", until=clock_time(reply.get("locked_until")))
        turn.finish("locked")
    elif status == 429:
        minutes = max(1, round(int(reply.get("retry_after") or 60) / 60))
        turn.say("utter_too_many_codes", minutes=minutes)
        turn.finish("too_many_codes")
    else:
        raise ServiceUnavailable(f"unexpected answer {status}")


def clock_time(instant: str | None) -> str:
    """ "10:42 UTC" from an ISO instant."""
    if not instant:
        return "later"
    return f"{instant[11:16]} UTC"


# --- answers -----------------------------------------------------------------------------------
async def validate_user_id(turn: Turn) -> bool:
    said = set(words(turn.text))
    intent, confidence = turn.intent
    if said & FORGOT_WORDS or (intent == "find_user_id" and confidence >= 0.5):
        turn.set(identity_route="card", user_id=None)
        turn.say("utter_identity_by_card")
        return True
    user_id = parse_user_id(turn.text)
    if user_id is None:
        return False
    if "email" in said or "e-mail" in turn.text.lower():
        turn.set(code_channel="email")
    # A plain word ("help", "thanks") is far likelier to be said than to be a User ID.
    plain_word = user_id.isalpha()
    if plain_word and intent in NOT_AN_ID_INTENTS and confidence >= 0.7:
        return False
    turn.set(user_id=user_id)
    return True


async def validate_identity_card(turn: Turn) -> bool:
    last_four = parse_last_four(turn.text)
    if last_four is None:
        return False
    turn.set(identity_card=last_four)
    return True


async def validate_date_of_birth(turn: Turn) -> bool:
    born = parse_birth_date(turn.text)
    if born is None:
        return False
    turn.set(date_of_birth=born.isoformat())
    return True


async def validate_identity_code(turn: Turn) -> bool:
    return await _check_code(turn, "verify", "identity_code", "challenge_id")


async def validate_confirm_code(turn: Turn) -> bool:
    return await _check_code(turn, "confirm", "confirm_code", "confirm_challenge_id")


async def _check_code(turn: Turn, purpose: str, code_slot: str, challenge_slot: str) -> bool:
    code = parse_code(turn.text)
    said = set(words(turn.text))
    if code is None:
        if "email" in said or said & RESEND_WORDS:
            turn.set(**{challenge_slot: None, code_slot: None})
            await send_code(turn, purpose, channel="email" if "email" in said else "sms")
            return True
        return False
    path = f"/identity/challenges/{turn.slot(challenge_slot)}/verify"
    body = {"conversation_id": turn.service.conversation_id, "code": code, "purpose": purpose}
    status, reply = await turn.service.call("POST", path, body=body)
    error = reply.get("error") if isinstance(reply, dict) else None
    if status == 200:
        turn.set(**{code_slot: "verified"})
        if purpose == "verify":
            customer = reply.get("customer") or {}
            turn.say("utter_identity_verified", first_name=customer.get("first_name") or "")
        else:
            turn.say("utter_confirm_code_accepted")
        return True
    if status == 400 and error == "wrong_code":
        turn.say("utter_wrong_code", attempts_left=reply.get("attempts_left"))
        turn.set(**{code_slot: None})
        return True
    if status in (404, 410):
        turn.say("utter_code_expired")
        # The next question sends a new code.
        turn.set(**{code_slot: None, challenge_slot: None})
        return True
    handle_refusal(turn, status, reply)
    return True

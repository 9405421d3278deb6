"""The identity check inside every task form: who the customer is, then a one-time code.

The account service decides everything (whether the details match, whether a code is right,
lockouts, limits); this module only asks, passes the answers on and words the outcome. The
answer to a User ID (or card and date of birth) is the same whether or not the details match:
"if those details match our records, I've sent a code". Nothing said here, including the hint
for a customer whose code did not come, tells whether a User ID exists. The code itself is read
from the message text and never put in a slot.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from actions.parsing import parse_birth_date, parse_code, parse_last_four, parse_user_id, words
from actions.phrases import phrase
from common.account_client import (
    ChallengeStarted,
    Channel,
    CodeExpired,
    Locked,
    NoChallenge,
    NotVerified,
    Purpose,
    TooManyAttempts,
    UnexpectedAnswer,
    Verified,
    WrongCode,
)
from common.folding import fold, fold_all
from localization.language import ENGLISH

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
FORGOT_WORDS = fold_all(
    {"forgot", "forgotten", "remember", "dunno"} | {"भूल", "भूला", "भूली", "bhool", "bhul", "bhula", "bhooli"}
)
RESEND_WORDS = fold_all(
    {"resend", "again", "another", "new", "didn't", "didnt", "haven't", "havent", "never", "not"}
    # "दोबारा भेजें", "dobara bhejo", "फिर से भेजो", "नया कोड"
    | {"दोबारा", "दुबारा", "फिर", "नया", "dobara", "dubara", "dobaara", "phir", "fir", "naya"}
)
# "याद नहीं" (don't remember) and "नहीं आया" (didn't come): a word and a "not" anywhere with it.
NOT_WORDS = fold_all({"नहीं", "नही", "nahi", "nahin", "nhi", "nai"})
REMEMBER_WORDS = fold_all({"याद", "yaad", "yad"})
CAME_WORDS = fold_all({"आया", "आई", "मिला", "मिली", "aaya", "aya", "aayi", "mila", "mili"})
EMAIL_WORDS = fold_all({"email", "ईमेल", "imail"})
# "my user ID is …", "username: …": a User ID said as one, even if it is a plain word.
_NAMED_AS_ID = re.compile(r"\b(?:user\s*id|userid|user\s*name|username|login)\b", re.IGNORECASE)


# --- questions ---------------------------------------------------------------------------------
async def next_identity_question(turn: Turn) -> str | None:
    route = turn.slot("identity_route") or "user_id"
    for slot in ROUTE_SLOTS[route]:
        if turn.slot(slot) is None:
            return slot
    if turn.slot("identity_code") is not None:
        # This conversation was verified, and the session has ended since (idle, or ended by the
        # service): check again with a new code rather than ask for one that was never sent.
        turn.set(identity_code=None, challenge_id=None)
    if turn.slot("challenge_id") is None:
        await send_code(turn, "verify", turn.slot("code_channel") or "sms")
        if turn.slot("task_outcome") is not None:
            return None
    return "identity_code"


async def next_step_up_question(turn: Turn) -> str | None:
    if turn.slot("confirm_challenge_id") is None:
        await send_code(turn, "confirm", turn.slot("code_channel") or "sms")
        if turn.slot("task_outcome") is not None:
            return None
    return "confirm_code"


async def send_code(turn: Turn, purpose: Purpose, channel: str = "sms") -> None:
    """Asks the service for a code and says what happened; a refusal ends the task."""
    kind: Channel = "email" if channel == "email" else "sms"
    if purpose == "verify":
        if (turn.slot("identity_route") or "user_id") == "user_id":
            outcome = await turn.service.start_challenge("verify", kind, user_id=turn.slot("user_id"))
        else:
            outcome = await turn.service.start_challenge(
                "verify",
                kind,
                card_last_four=turn.slot("identity_card"),
                date_of_birth=turn.slot("date_of_birth"),
            )
    else:
        outcome = await turn.service.start_challenge("confirm", kind)
    match outcome:
        case ChallengeStarted() if purpose == "verify":
            turn.set(challenge_id=outcome.challenge_id, code_destination=None)
            # The same words whether or not the details matched, and no destination.
            on_file = phrase(
                "email_on_file" if outcome.channel == "email" else "phone_on_file", turn.language
            )
            turn.say("utter_code_sent_if_match", on_file=on_file)
        case ChallengeStarted():
            turn.set(confirm_challenge_id=outcome.challenge_id, code_destination=outcome.masked_destination)
            how = phrase("by_email" if outcome.channel == "email" else "by_text", turn.language)
            destination = outcome.masked_destination or phrase("contact_on_file", turn.language)
            turn.say("utter_code_sent", how=how, destination=destination)
        case TooManyAttempts(retry_after=seconds):
            turn.say("utter_too_many_codes", minutes=max(1, round(seconds / 60)))
            turn.finish("too_many_codes")
        case Locked(locked_until=until):
            turn.say("utter_identity_check_locked", until=clock_time(until, turn.language))
            turn.finish("locked")
        case NotVerified():
            # The verified session ended (idle, or ended elsewhere) before the fresh check.
            turn.say("utter_session_ended")
            turn.finish("session_ended")


def clock_time(instant: str | None, language: str = ENGLISH) -> str:
    """ "10:42 UTC" from an ISO instant (the same in every language)."""
    if not instant or len(instant) < 16:
        return phrase("time_unknown", language)
    return f"{instant[11:16]} UTC"


# --- answers -----------------------------------------------------------------------------------
async def validate_user_id(turn: Turn) -> bool:
    intent, confidence = turn.intent
    if says_forgot(turn.text) or (intent == "find_user_id" and confidence >= 0.5):
        switch_to_card(turn)
        return True
    user_id = parse_user_id(turn.text)
    if user_id is None:
        return False
    # A plain word ("help", "thanks") is far likelier to be said than to be a User ID.
    plain_word = user_id.isalpha()
    if plain_word and intent in NOT_AN_ID_INTENTS and confidence >= 0.7:
        return False
    take_user_id(turn, user_id)
    return True


def says_forgot(text: str) -> bool:
    """ "I forgot it", "don't remember", "भूल गया", "याद नहीं", "yaad nahi"."""
    said = set(words(text))
    return bool(said & FORGOT_WORDS) or bool(said & REMEMBER_WORDS and said & NOT_WORDS)


def wants_email(text: str) -> bool:
    """ "email it", "ईमेल करें", "email karo": the code by email."""
    return bool(set(words(text)) & EMAIL_WORDS) or any(word in fold(text) for word in ("e-mail", "ई-मेल"))


def wants_new_code(text: str) -> bool:
    """ "send it again", "I didn't get it", "दोबारा भेजें", "कोड नहीं आया", "dobara bhejo"."""
    said = set(words(text))
    return bool(said & RESEND_WORDS) or bool(said & CAME_WORDS and said & NOT_WORDS)


def take_user_id(turn: Turn, user_id: str) -> None:
    if wants_email(turn.text):
        turn.set(code_channel="email")
    turn.set(user_id=user_id)


def switch_to_card(turn: Turn) -> None:
    turn.set(identity_route="card", user_id=None, challenge_id=None, identity_code=None)
    turn.say("utter_identity_by_card")


async def validate_identity_card(turn: Turn) -> bool:
    last_four = parse_last_four(turn.text)
    if last_four is None:
        return False
    turn.set(identity_card=last_four)
    return True


async def validate_date_of_birth(turn: Turn) -> bool:
    # Before verification only a region the customer named is known; without one, 05/06/1990
    # is asked again (the hint asks for the month in words) rather than guessed.
    born = parse_birth_date(turn.text, turn.slot("region_code"))
    if born is None:
        return False
    turn.set(date_of_birth=born.isoformat())
    return True


async def validate_identity_code(turn: Turn, *, user_id_allowed: bool = True) -> bool:
    if parse_code(turn.text) is None:
        if says_forgot(turn.text) and (turn.slot("identity_route") or "user_id") == "user_id":
            switch_to_card(turn)
            return True
        new_user_id = user_id_allowed and another_user_id(turn)
        if new_user_id:
            # Start over with the User ID given now; the next question sends a new code.
            turn.set(identity_route="user_id", identity_card=None, date_of_birth=None)
            turn.set(challenge_id=None, identity_code=None, code_channel=None)
            take_user_id(turn, new_user_id)
            return True
    return await _check_code(turn, "verify", "identity_code", "challenge_id")


def another_user_id(turn: Turn) -> str | None:
    """A User ID typed at the code question: shaped like one (a dot, digit, dash or underscore,
    as most have) or named as one ("my user ID is …"); a plain word there is far likelier to be
    something else."""
    user_id = parse_user_id(turn.text)
    if user_id is None:
        return None
    if re.search(r"[._\d-]", user_id) or _NAMED_AS_ID.search(turn.text):
        return user_id
    return None


async def validate_confirm_code(turn: Turn) -> bool:
    return await _check_code(turn, "confirm", "confirm_code", "confirm_challenge_id")


async def _check_code(turn: Turn, purpose: Purpose, code_slot: str, challenge_slot: str) -> bool:
    code = parse_code(turn.text)
    if code is None:
        by_email = wants_email(turn.text)
        if by_email or wants_new_code(turn.text):
            turn.set(**{challenge_slot: None, code_slot: None})
            if by_email:
                turn.set(code_channel="email")
            # The next question sends the new code (and words it).
            return True
        return False
    challenge_id = turn.slot(challenge_slot)
    if challenge_id is None:
        turn.set(**{code_slot: None})
        return True
    outcome = await turn.service.verify_code(challenge_id, code, purpose)
    match outcome:
        case Verified(first_name=first_name):
            turn.set(**{code_slot: "verified"})
            if purpose == "verify":
                turn.say("utter_identity_verified", first_name=first_name)
            else:
                turn.say("utter_confirm_code_accepted")
        case WrongCode(attempts_left=left):
            turn.say("utter_wrong_code", attempts_left=left)
            turn.set(**{code_slot: None})
        case CodeExpired() | NoChallenge():
            turn.say("utter_code_expired")
            # The next question sends a new code.
            turn.set(**{code_slot: None, challenge_slot: None})
        case Locked(locked_until=until):
            turn.say("utter_identity_check_locked", until=clock_time(until, turn.language))
            turn.finish("locked")
        case _:
            raise UnexpectedAnswer("verify_code", 0, None)
    return True

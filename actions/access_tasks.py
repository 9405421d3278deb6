"""Online-access tasks done in chat: a forgotten User ID, a password reset, a locked account."""

from __future__ import annotations

from actions import identity
from actions.identity import clock_time
from actions.phrases import phrase
from actions.task_form import TaskAction, TaskForm, Turn, say_refused


# --- find_user_id: identified by card last four and date of birth, then a code ------------------
class FindUserIdForm(TaskForm):
    task = "find_user_id"
    identity_route = "card"
    # The reminder is sent somewhere: a code younger than 5 minutes (the check itself gives one;
    # an in-app session is asked for a fresh code).
    needs_fresh_code = True

    async def start(self, turn: Turn) -> None:
        await super().start(turn)
        # Someone who forgot the User ID cannot give it: always the card route.
        turn.set(identity_route="card")

    async def validate_identity_code(self, turn: Turn) -> bool:
        return await identity.validate_identity_code(turn, user_id_allowed=False)


class ActionSendUserId(TaskAction):
    task = "find_user_id"
    action_name = "action_send_user_id"
    form = FindUserIdForm
    self_service_response = "utter_find_user_id"

    async def perform(self, turn: Turn) -> None:
        reply = await turn.service.me("POST", "/user-id-reminder")
        if reply.status == 200:
            turn.say("utter_user_id_sent", destination=reply.get("sent_to"))
        else:
            say_refused(turn, reply)


# --- reset_password: User ID and a code, then a link by email -------------------------------------
def link_lifetime(seconds: int, language: str) -> str:
    """ "1 hour", "2 hours", "45 minutes"; "1 घंटे", "45 मिनट" (as the Hindi "… तक" wants)."""
    minutes = seconds // 60
    if minutes % 60:
        return phrase("minutes", language, minutes=minutes)
    return phrase("hours" if minutes > 60 else "one_hour", language, hours=minutes // 60)


class ResetPasswordForm(TaskForm):
    task = "reset_password"
    needs_fresh_code = True


class ActionSendPasswordReset(TaskAction):
    task = "reset_password"
    action_name = "action_send_password_reset"
    form = ResetPasswordForm
    self_service_response = "utter_reset_password"

    async def perform(self, turn: Turn) -> None:
        reply = await turn.service.me("POST", "/password-reset")
        if reply.status == 200:
            lifetime = link_lifetime(int(reply.get("expires_in", 3600)), turn.language)
            turn.say("utter_password_reset_sent", destination=reply.get("sent_to"), lifetime=lifetime)
        else:
            say_refused(turn, reply)


# --- account_locked: no questions ----------------------------------------------------------------
class AccountLockedForm(TaskForm):
    """Answers at once: whether this conversation's identity check is paused after wrong codes,
    and how a locked online account unlocks. It asks for no User ID: a lookup by User ID would
    tell a stranger whose access is locked."""

    task = "account_locked"
    needs_identity = False


class ActionCheckAccountLock(TaskAction):
    task = "account_locked"
    action_name = "action_check_account_lock"
    form = AccountLockedForm
    self_service_response = "utter_account_locked"

    async def perform(self, turn: Turn) -> None:
        status = await turn.service.lock_status()
        if status.locked:
            turn.say("utter_identity_check_paused", until=clock_time(status.locked_until, turn.language))
        turn.say("utter_account_locked")

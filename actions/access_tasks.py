"""Online-access tasks done in chat: a forgotten User ID, a password reset, a locked account."""

from __future__ import annotations

from actions.identity import clock_time, validate_user_id
from actions.task_form import TaskAction, TaskForm, Turn


# --- find_user_id: identified by card last four and date of birth, then a code ------------------
class FindUserIdForm(TaskForm):
    task = "find_user_id"
    identity_route = "card"

    async def start(self, turn: Turn) -> None:
        await super().start(turn)
        # Someone who forgot the User ID cannot give it: always the card route.
        turn.set(identity_route="card")


class ActionSendUserId(TaskAction):
    task = "find_user_id"
    action_name = "action_send_user_id"
    form = FindUserIdForm
    self_service_response = "utter_find_user_id"

    async def perform(self, turn: Turn) -> None:
        status, reply = await turn.service.me("POST", "/user-id-reminder")
        if status == 200:
            turn.say("utter_user_id_sent", destination=reply["sent_to"])
        else:
            turn.say("utter_service_error")


# --- reset_password: User ID and a code, then a link by email -------------------------------------
class ResetPasswordForm(TaskForm):
    task = "reset_password"


class ActionSendPasswordReset(TaskAction):
    task = "reset_password"
    action_name = "action_send_password_reset"
    form = ResetPasswordForm
    self_service_response = "utter_reset_password"

    async def perform(self, turn: Turn) -> None:
        status, reply = await turn.service.me("POST", "/password-reset")
        if status == 200:
            minutes = int(reply.get("expires_in", 3600)) // 60
            lifetime = (
                f"{minutes // 60} hour" + ("s" if minutes > 60 else "")
                if minutes % 60 == 0
                else f"{minutes} minutes"
            )
            turn.say("utter_password_reset_sent", destination=reply["sent_to"], lifetime=lifetime)
        else:
            turn.say("utter_service_error")


# --- account_locked: the User ID only, no code (a locked customer is sent none) -------------------
class AccountLockedForm(TaskForm):
    task = "account_locked"
    task_slots = ("user_id",)
    needs_identity = False

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        session = await turn.session()
        if session is not None and turn.slot("user_id") is None:
            turn.set(user_id=session["user_id"])
        return self.task_slots

    async def validate_user_id(self, turn: Turn) -> bool:
        understood = await validate_user_id(turn)
        if turn.slot("identity_route") == "card":
            # "I forgot it too": the lock status needs the User ID; a reminder is another task.
            turn.set(identity_route=None)
            turn.finish("switch:find_user_id")
        return understood


class ActionCheckAccountLock(TaskAction):
    task = "account_locked"
    action_name = "action_check_account_lock"
    form = AccountLockedForm
    self_service_response = "utter_account_locked"

    async def perform(self, turn: Turn) -> None:
        status, reply = await turn.service.call(
            "GET", "/access/lock-status", params={"user_id": turn.slot("user_id")}
        )
        if status != 200:
            turn.say("utter_service_error")
        elif reply.get("locked"):
            turn.say("utter_lock_status_locked", until=clock_time(reply.get("locked_until")))
        else:
            turn.say("utter_lock_status_unlocked")

"""The account service for one run of one action: this conversation only, and no second wait.

After one call in a run fails (ServiceUnavailable) every further call in the same run fails at
once without reaching the network, so a customer never waits on a dead service twice in one turn.
The calls themselves, their timeouts and their typed outcomes are common/account_client.py's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from rasa_sdk import Tracker

from actions.settings import load_settings
from common.account_client import (
    AccountClient,
    ChallengeOutcome,
    Channel,
    LockStatus,
    Purpose,
    Reply,
    ServiceUnavailable,
    VerifiedSession,
    VerifyOutcome,
)

T = TypeVar("T")
MAX_CLIENT_KEY = 64


def client_key(tracker: Tracker) -> str | None:
    """The opaque key the channel computed from the customer's network address, if it sent one
    with the latest message; the service limits identity attempts per key."""
    metadata = (tracker.latest_message or {}).get("metadata")
    key = metadata.get("client_key") if isinstance(metadata, dict) else None
    return key[:MAX_CLIENT_KEY] if isinstance(key, str) and key else None


class TurnService:
    def __init__(
        self, conversation_id: str, client: AccountClient | None = None, client_key: str | None = None
    ):
        self.conversation_id = conversation_id
        self.client = client or load_settings().account_client()
        self.client_key = client_key
        self.failed = False

    @classmethod
    def for_tracker(cls, tracker: Tracker, client: AccountClient | None = None) -> TurnService:
        return cls(tracker.sender_id, client, client_key(tracker))

    async def _once(self, call: Callable[[], Awaitable[T]]) -> T:
        if self.failed:
            raise ServiceUnavailable("an earlier call in this turn failed")
        try:
            return await call()
        except ServiceUnavailable:
            self.failed = True
            raise

    async def start_challenge(
        self,
        purpose: Purpose,
        channel: Channel = "sms",
        *,
        user_id: str | None = None,
        card_last_four: str | None = None,
        date_of_birth: str | None = None,
    ) -> ChallengeOutcome:
        return await self._once(
            lambda: self.client.start_challenge(
                self.conversation_id,
                purpose,
                channel,
                user_id=user_id,
                card_last_four=card_last_four,
                date_of_birth=date_of_birth,
                client=self.client_key,
            )
        )

    async def verify_code(self, challenge_id: str, code: str, purpose: Purpose) -> VerifyOutcome:
        return await self._once(
            lambda: self.client.verify_code(challenge_id, self.conversation_id, code, purpose)
        )

    async def session(self) -> VerifiedSession | None:
        return await self._once(lambda: self.client.session(self.conversation_id))

    async def lock_status(self) -> LockStatus:
        return await self._once(lambda: self.client.lock_status(self.conversation_id))

    async def me(self, method: str, path: str, **fields: Any) -> Reply:
        return await self._once(lambda: self.client.me(method, path, self.conversation_id, **fields))

    async def open_handoff(self, topic: str, transcript: list[dict[str, str]]) -> Reply:
        return await self._once(
            lambda: self.client.open_handoff(self.conversation_id, topic, transcript, self.client_key)
        )

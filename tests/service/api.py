"""A small client for the account service under test, speaking as the action server would."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Any

from aiohttp.test_utils import TestClient

from account_service.settings import DEMO_TOKENS

CODE_IN_TEXT = re.compile(r"\b(\d{6}) is your")


def utc_today() -> date:
    """The service's today (its clock is UTC), whatever the machine's time zone."""
    return datetime.now(timezone.utc).date()


def other_code(code: str) -> str:
    """A wrong code: the right one plus one."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


class Api:
    """Calls as the action server unless told `caller="channels"` (the channels' relay and the
    in-app binder) or `caller="agents"` (the agent console), each with its own token."""

    def __init__(self, client: TestClient, tokens: dict[str, str] | None = None) -> None:
        self.client = client
        self.tokens = dict(tokens or DEMO_TOKENS)

    @property
    def token(self) -> str:
        return self.tokens["actions"]

    @token.setter
    def token(self, value: str) -> None:
        self.tokens["actions"] = value

    async def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, str] | None = None,
        data: bytes | None = None,
        auth: bool = True,
        headers: dict[str, str] | None = None,
        caller: str = "actions",
    ) -> tuple[int, Any]:
        all_headers = {"Authorization": f"Bearer {self.tokens[caller]}"} if auth else {}
        all_headers.update(headers or {})
        async with self.client.request(
            method, path, json=json, params=params, data=data, headers=all_headers
        ) as reply:
            if reply.content_type == "application/json":
                return reply.status, await reply.json()
            return reply.status, await reply.read()

    # --- identity ----------------------------------------------------------------------------
    async def start(self, conversation: str = "conv-a", **fields: Any) -> tuple[int, Any]:
        if not any(key in fields for key in ("user_id", "card_last_four", "purpose")):
            fields["user_id"] = "alex.morgan"
        return await self.call(
            "POST", "/identity/challenges", json={"conversation_id": conversation, **fields}
        )

    async def check(
        self, challenge_id: str, code: str, conversation: str = "conv-a", **fields: Any
    ) -> tuple[int, Any]:
        return await self.call(
            "POST",
            f"/identity/challenges/{challenge_id}/verify",
            json={"conversation_id": conversation, "code": code, **fields},
        )

    async def outbox(self, user_id: str = "alex.morgan") -> list[dict[str, Any]]:
        status, body = await self.call("GET", "/demo/outbox", params={"user_id": user_id}, auth=False)
        assert status == 200, body
        return body

    async def latest_code(self, user_id: str = "alex.morgan") -> str:
        for message in reversed(await self.outbox(user_id)):
            found = CODE_IN_TEXT.search(message["text"])
            if found:
                return found.group(1)
        raise AssertionError(f"no code was sent to {user_id}")

    async def verify(
        self, conversation: str = "conv-a", user_id: str = "alex.morgan", purpose: str = "verify"
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {"purpose": purpose} if purpose == "confirm" else {"user_id": user_id}
        status, sent = await self.start(conversation, **fields)
        assert status == 201, sent
        status, body = await self.check(
            sent["challenge_id"], await self.latest_code(user_id), conversation, purpose=purpose
        )
        assert status == 200, body
        return body

    async def advance(self, seconds: int) -> None:
        status, body = await self.call("POST", "/demo/clock", json={"advance_seconds": seconds}, auth=False)
        assert status == 200, body

    # --- /me -----------------------------------------------------------------------------------
    async def me_get(self, path: str, conversation: str = "conv-a", **params: str) -> tuple[int, Any]:
        return await self.call("GET", f"/me{path}", params={"conversation_id": conversation, **params})

    async def me_delete(self, path: str, conversation: str = "conv-a", **params: str) -> tuple[int, Any]:
        return await self.call("DELETE", f"/me{path}", params={"conversation_id": conversation, **params})

    async def me_send(
        self, method: str, path: str, conversation: str = "conv-a", **fields: Any
    ) -> tuple[int, Any]:
        return await self.call(method, f"/me{path}", json={"conversation_id": conversation, **fields})

    async def me_post(self, path: str, conversation: str = "conv-a", **fields: Any) -> tuple[int, Any]:
        return await self.me_send("POST", path, conversation, **fields)

    async def account(self, last_four: str, conversation: str = "conv-a") -> dict[str, Any]:
        status, body = await self.me_get("/accounts", conversation)
        assert status == 200, body
        return next(a for a in body["accounts"] if a["card_last_four"] == last_four)

    async def card(self, last_four: str, conversation: str = "conv-a") -> dict[str, Any]:
        status, body = await self.me_get("/cards", conversation)
        assert status == 200, body
        return next(c for c in body["cards"] if c["last_four"] == last_four)

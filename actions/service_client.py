"""The one way the actions reach the account service: bearer token, short timeouts.

A call answers (status, body) for every answer the service meant to give, 4xx included; the
business meaning of those is for the caller. Anything else (no connection, a timeout, a 5xx,
a body that is not JSON) raises ServiceUnavailable, and the client then refuses further calls
in the same action run, so a customer never waits on a dead service twice in one turn.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from actions.settings import ActionSettings, load_settings

logger = logging.getLogger(__name__)


class ServiceUnavailable(Exception):
    """The account service could not give an answer in time."""


class AccountService:
    def __init__(self, conversation_id: str, settings: ActionSettings | None = None) -> None:
        self.conversation_id = conversation_id
        self.settings = settings or load_settings()
        self.failed = False

    async def call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> tuple[int, Any]:
        if self.failed:
            raise ServiceUnavailable("an earlier call in this turn failed")
        timeout = aiohttp.ClientTimeout(
            total=self.settings.timeout_s, connect=min(2.0, self.settings.timeout_s)
        )
        headers = {"Authorization": f"Bearer {self.settings.service_token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=timeout, headers=headers) as session,
                session.request(method, self.settings.service_url + path, params=params, json=body) as reply,
            ):
                payload = await reply.json(content_type=None) if reply.status != 204 else None
                if reply.status >= 500:
                    raise ServiceUnavailable(f"{method} {path}: status {reply.status}")
                return reply.status, payload
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, ServiceUnavailable) as error:
            self.failed = True
            # The path names the route only; no query values, no body.
            logger.warning("account service call failed: %s %s (%s)", method, path, type(error).__name__)
            raise ServiceUnavailable(str(type(error).__name__)) from error

    # --- conveniences: the conversation is always the one the action serves -------------------
    async def me(self, method: str, path: str, **fields: Any) -> tuple[int, Any]:
        if method in ("GET", "DELETE"):
            params = {
                "conversation_id": self.conversation_id,
                **{k: v for k, v in fields.items() if v is not None},
            }
            return await self.call(method, "/me" + path, params=params)
        return await self.call(method, "/me" + path, body={"conversation_id": self.conversation_id, **fields})

    async def session(self) -> dict[str, Any] | None:
        """The conversation's verified session, or None when it has none."""
        status, body = await self.call("GET", f"/sessions/{self.conversation_id}")
        return body if status == 200 and isinstance(body, dict) and body.get("verified") else None

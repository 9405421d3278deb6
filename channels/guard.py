"""What every channel checks before the assistant sees a message: who is asking, and how often.

- The client's address is the socket peer, or, behind one of TRUSTED_PROXIES, the client the
  proxy names (common/client_address.py); it reaches the assistant only as a keyed hash in the
  message metadata (`client_key`), which the identity check's per-address limits count.
- Messages per conversation and per client address are counted over a sliding window
  (CHAT_MESSAGES_PER_CONVERSATION, CHAT_MESSAGES_PER_ADDRESS per CHAT_LIMIT_WINDOW_S: 300 and
  3000 per minute). Over a limit a REST-style channel answers 429 and a chat channel one polite
  line; nothing reaches the assistant. The defaults let one address carry 20 conversations at
  2 messages a second each (a load test, the demo and outside checks all come from one
  machine), and one conversation 5 a second; the account service's identity limits do the
  fine-grained work.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sanic.request import Request

from channels.message_ledger import message_ledger
from common.client_address import client_address, client_key, parse_trusted_proxies
from common.rate_limits import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from common.settings import RasaServerSettings, secret
from localization import texts
from localization.language import ENGLISH

SLOW_DOWN = texts.SLOW_DOWN[ENGLISH]  # in the language of the message: localization/texts.py
CLIENT_KEY = "client_key"


def rate_limiter(settings: RasaServerSettings) -> RateLimiter:
    """Counts shared by every replica in Redis when REDIS_URL is set, else this process's own."""
    redis_url = secret(settings.redis_url)
    return RedisRateLimiter(redis_url) if redis_url else MemoryRateLimiter()


class ChatGuard:
    def __init__(self, settings: RasaServerSettings, limiter: RateLimiter | None = None) -> None:
        self.settings = settings
        self.limiter = limiter or rate_limiter(settings)
        self._proxies = parse_trusted_proxies(settings.trusted_proxies)
        self._salt = "client-key\0" + secret(settings.widget_session_secret)
        self.ledger = message_ledger(secret(settings.redis_url) or None)

    def address(self, peer: str | None, forwarded_for: list[str]) -> str:
        return client_address(peer, forwarded_for, self._proxies)

    def request_address(self, request: Request) -> str:
        return self.address(request.ip, request.headers.getall("x-forwarded-for", []))

    def key(self, address: str) -> str:
        return client_key(address, self._salt)

    async def allow(self, conversation_id: str, address_key: str | None = None) -> bool:
        """Counts one message; False when the conversation or the address is over its limit."""
        settings, window = self.settings, self.settings.limit_window_s
        allowed = await self.limiter.allow(
            f"conversation:{conversation_id}", settings.messages_per_conversation, window
        )
        if address_key is not None:
            per_address = settings.messages_per_address
            allowed = await self.limiter.allow(f"address:{address_key}", per_address, window) and allowed
        return allowed

    @staticmethod
    def with_client(metadata: dict[str, Any] | None, address_key: str | None) -> dict[str, Any] | None:
        """The message metadata with the server's client key; a client can never set it itself."""
        cleaned = {key: value for key, value in (metadata or {}).items() if key != CLIENT_KEY}
        if address_key is not None:
            cleaned[CLIENT_KEY] = address_key
        return cleaned or None


@lru_cache(maxsize=1)
def chat_guard() -> ChatGuard:
    """The process's guard (one limiter for every channel of this Rasa server)."""
    # The launcher (rasa_server) has checked the secrets; the guard needs only limits and proxies.
    return ChatGuard(RasaServerSettings.load(check_secrets=False))

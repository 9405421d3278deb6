"""Agents' sessions: a record on the server, a signed random ID in the cookie.

The cookie says nothing but which session it names; whether that session still counts (not
logged out, not revoked, not too old, not idle too long) is decided here, on the server, at
every request. The store sits behind a small interface so that several website replicas can
later share one (Redis) instead of this in-memory one.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import itsdangerous

SESSION_S = 8 * 3600  # a session ends 8 hours after login, whatever happens
IDLE_S = 30 * 60  # … or after 30 minutes without the agent doing anything
COOKIE_SALT = "web.agent-console.session"


@dataclass(frozen=True)
class AgentSession:
    id: str
    agent: str
    created_at: float
    last_seen_at: float
    csrf_token: str  # every form of this session carries it
    credential_tag: str  # which password and TOTP secret it was opened with (see Agents.tag)


class SessionStore(Protocol):
    """Where sessions live. `get` returns only a session that still counts."""

    async def create(self, agent: str, credential_tag: str) -> AgentSession: ...

    async def get(self, session_id: str) -> AgentSession | None: ...

    async def touch(self, session_id: str) -> None: ...

    async def revoke(self, session_id: str) -> None: ...

    async def revoke_all_for_agent(self, agent: str) -> int: ...

    async def live_sessions(self, agent: str) -> int:
        """How many sessions of this agent still count (the operators' page)."""
        ...


class MemorySessionStore:
    """One process's sessions, gone when it stops (the agents log in again)."""

    def __init__(
        self, *, lifetime_s: float = SESSION_S, idle_s: float = IDLE_S, clock: Callable[[], float] = time.time
    ) -> None:
        self._sessions: dict[str, AgentSession] = {}
        self._lifetime_s, self._idle_s, self._clock = lifetime_s, idle_s, clock

    def _alive(self, session: AgentSession, now: float) -> bool:
        return now - session.created_at < self._lifetime_s and now - session.last_seen_at < self._idle_s

    async def create(self, agent: str, credential_tag: str) -> AgentSession:
        now = self._clock()
        # Forget the ended ones now and then, so the dictionary holds only live sessions.
        self._sessions = {key: kept for key, kept in self._sessions.items() if self._alive(kept, now)}
        session = AgentSession(
            id=secrets.token_urlsafe(32),
            agent=agent,
            created_at=now,
            last_seen_at=now,
            csrf_token=secrets.token_urlsafe(32),
            credential_tag=credential_tag,
        )
        self._sessions[session.id] = session
        return session

    async def get(self, session_id: str) -> AgentSession | None:
        session = self._sessions.get(session_id)
        if session is None:
            return None
        if not self._alive(session, self._clock()):
            del self._sessions[session_id]
            return None
        return session

    async def touch(self, session_id: str) -> None:
        session = await self.get(session_id)
        if session is not None:
            self._sessions[session_id] = replace(session, last_seen_at=self._clock())

    async def revoke(self, session_id: str) -> None:
        self._sessions.pop(session_id, None)

    async def revoke_all_for_agent(self, agent: str) -> int:
        ended = [key for key, session in self._sessions.items() if session.agent == agent]
        for key in ended:
            del self._sessions[key]
        return len(ended)

    async def live_sessions(self, agent: str) -> int:
        now = self._clock()
        return sum(1 for s in self._sessions.values() if s.agent == agent and self._alive(s, now))


class SessionCookies:
    """The cookie's value: the session ID, signed (HMAC-SHA256) with a timestamp.

    `secret` signs; each of `previous` still verifies, so the key can be rotated without logging
    everyone out: set the new key, move the old one to AGENT_SESSION_PREVIOUS_SECRETS, and drop
    it once no session made with it can still be alive (8 hours)."""

    def __init__(self, secret: str, previous: Sequence[str] = (), *, max_age_s: int = SESSION_S) -> None:
        # itsdangerous verifies with every key and signs with the last one.
        self._signer = itsdangerous.TimestampSigner(
            [*previous, secret],
            salt=COOKIE_SALT,
            key_derivation="hmac",
            digest_method=hashlib.sha256,
        )
        self._max_age_s = max_age_s

    def value(self, session: AgentSession) -> str:
        return self._signer.sign(session.id).decode()

    def session_id(self, cookie: str | None) -> str | None:
        """The session ID a cookie names, or None when it is forged, altered or too old."""
        if not cookie or len(cookie) > 200:
            return None
        try:
            return self._signer.unsign(cookie, max_age=self._max_age_s).decode()
        except (itsdangerous.BadSignature, UnicodeDecodeError):
            return None

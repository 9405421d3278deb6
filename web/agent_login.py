"""Who may log into the agent console, and how often anyone may try.

- Passwords: only a salted PBKDF2-SHA256 hash is kept, compared in constant time; an unknown
  name is hashed too, so timing does not tell names apart.
- Second factor: a TOTP app code (RFC 6238, 30 s steps, ±1 step of clock drift). A code is
  accepted once: after a login with the code of step N, no code of step ≤ N is taken again.
- Attempts: a login reserves a place under the client's address and under the agent name before
  anything is hashed (no await between looking and reserving), so parallel guesses are counted
  like sequential ones. Five failures per 5 minutes on either key, and that key waits.

The used codes and the attempts live in this process (one website) or, for several website
replicas, in Redis (web/agent_redis.py), behind the same small interfaces.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

import pyotp

PBKDF2_ROUNDS = 200_000
MAX_FAILURES, FAILURE_WINDOW_S = 5, 300
CODE_LENGTH = 6
DRIFT_STEPS = 1


class CodeSteps(Protocol):
    """The newest TOTP step each agent logged in with."""

    async def accept(self, name: str, step: int) -> bool:
        """Records `step` for `name` if it is newer than the last one; False (a replay) if not."""
        ...


class MemoryCodeSteps:
    def __init__(self) -> None:
        self._last_step: dict[str, int] = {}

    async def accept(self, name: str, step: int) -> bool:
        # No await between reading and writing: two requests with one code cannot both pass.
        if step <= self._last_step.get(name, -1):
            return False
        self._last_step[name] = step
        return True


class Agents:
    """Name → (salt, PBKDF2 hash) and, where set, the person's TOTP secret; which of them are
    operators (the rest are agents)."""

    def __init__(
        self,
        users: Iterable[tuple[str, str]],
        totp_secrets: Mapping[str, str] | None = None,
        *,
        operators: Iterable[str] = (),
        tag_keys: Iterable[str] = (),
        code_steps: CodeSteps | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        users = tuple(users)
        totp_secrets = dict(totp_secrets or {})
        self._operators = frozenset(operators) & {name for name, _ in users}
        self._users = {name: self._hash(password, secrets.token_bytes(16)) for name, password in users}
        self._dummy = self._hash(secrets.token_hex(16), secrets.token_bytes(16))
        self._totp = {
            name: pyotp.TOTP(secret) for name, secret in totp_secrets.items() if name in self._users
        }
        self._code_steps = code_steps or MemoryCodeSteps()
        self._clock = clock
        # A session remembers which credentials opened it: once the password, TOTP secret or role
        # of its person changes (or the person is removed), the tag no longer matches and the
        # session ends. Keyed with the session secrets (newest last), so a tag means nothing
        # outside this website.
        keys = [key.encode() for key in tag_keys] or [secrets.token_bytes(32)]
        self._tags = {
            name: [
                self._tag(key, self._role(name), name, password, totp_secrets.get(name, "")) for key in keys
            ]
            for name, password in users
        }

    @staticmethod
    def _hash(password: str, salt: bytes) -> tuple[bytes, bytes]:
        return salt, hashlib.pbkdf2_hmac("sha256", password.encode(), salt, PBKDF2_ROUNDS)

    @staticmethod
    def _tag(key: bytes, role: str, name: str, password: str, totp_secret: str) -> str:
        # The agent's tag is made as before operators existed: agents' sessions survive the upgrade.
        kind = "agent-credentials" if role == "agent" else f"{role}-credentials"
        message = "\0".join((kind, name, password, totp_secret)).encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    def _role(self, name: str) -> str:
        return "operator" if name in self._operators else "agent"

    def is_operator(self, name: str) -> bool:
        return name in self._operators

    @property
    def agent_names(self) -> list[str]:
        """The agents (not the operators), in the order configured."""
        return [name for name in self._users if name not in self._operators]

    def __bool__(self) -> bool:
        return bool(self._users)

    @property
    def any_code(self) -> bool:
        """Whether the login form asks for an app code at all."""
        return bool(self._totp)

    @property
    def every_code(self) -> bool:
        return bool(self._users) and set(self._totp) == set(self._users)

    def tag(self, name: str) -> str:
        """The current credential tag of an agent (new sessions are made with it)."""
        return self._tags[name][-1]

    def tag_matches(self, name: str, tag: str) -> bool:
        return any(hmac.compare_digest(tag, known) for known in self._tags.get(name, []))

    async def check(self, name: str, password: str, code: str = "") -> bool:
        """Password, then (for agents who have one) the app code. The code is looked at, and
        used up, only when the password was right, so a stranger cannot burn an agent's code."""
        salt, expected = self._users.get(name, self._dummy)
        computed = (await asyncio.to_thread(self._hash, password, salt))[1]
        if not (hmac.compare_digest(computed, expected) and name in self._users):
            return False
        totp = self._totp.get(name)
        return totp is None or await self._use_code(name, totp, code)

    async def _use_code(self, name: str, totp: pyotp.TOTP, code: str) -> bool:
        code = code.replace(" ", "")
        if len(code) != CODE_LENGTH or not code.isdigit():
            return False
        now = self._clock()
        current = totp.timecode(now)
        matched = [
            current + offset
            for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1)
            if hmac.compare_digest(totp.at(now, counter_offset=offset), code)
        ]
        # A code not newer than the last one accepted is a replay.
        return bool(matched) and await self._code_steps.accept(name, max(matched))


@dataclass
class _Key:
    failures: list[float] = field(default_factory=list)
    pending: int = 0


@dataclass(frozen=True)
class Reservation:
    keys: tuple[str, ...]
    id: str = field(default_factory=lambda: secrets.token_hex(8))  # its place in a shared count


class LoginLimits(Protocol):
    async def reserve(self, keys: Iterable[str]) -> Reservation | float: ...

    async def failed(self, reservation: Reservation) -> None: ...

    async def succeeded(self, reservation: Reservation) -> None: ...


class LoginLimiter:
    """Failed logins per key (a client address, an agent name) within a sliding window.

    `reserve` counts the attempts still running as if they had failed, and takes a place at once;
    the caller then reports the outcome: a failure stays counted, a success gives back only its own
    place (earlier failures still count)."""

    def __init__(
        self,
        *,
        max_failures: int = MAX_FAILURES,
        window_s: float = FAILURE_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keys: dict[str, _Key] = {}
        self._max, self._window_s, self._clock = max_failures, window_s, clock

    def _entry(self, key: str, now: float) -> _Key:
        entry = self._keys.setdefault(key, _Key())
        entry.failures = [at for at in entry.failures if now - at < self._window_s]
        return entry

    async def reserve(self, keys: Iterable[str]) -> Reservation | float:
        """A reservation, or the seconds to wait when any key is used up."""
        now = self._clock()
        keys = tuple(dict.fromkeys(keys))
        entries = [self._entry(key, now) for key in keys]
        waits = []
        for entry in entries:
            if len(entry.failures) + entry.pending >= self._max:
                oldest = entry.failures[0] + self._window_s - now if entry.failures else 1.0
                waits.append(max(1.0, math.ceil(oldest)))
        if waits:
            self._forget_idle(keys)
            return max(waits)
        for entry in entries:
            entry.pending += 1
        return Reservation(keys)

    async def failed(self, reservation: Reservation) -> None:
        now = self._clock()
        for key in reservation.keys:
            entry = self._entry(key, now)
            entry.pending = max(0, entry.pending - 1)
            entry.failures.append(now)

    async def succeeded(self, reservation: Reservation) -> None:
        for key in reservation.keys:
            entry = self._keys.get(key)
            if entry is not None:
                entry.pending = max(0, entry.pending - 1)
        self._forget_idle(reservation.keys)

    def _forget_idle(self, keys: Iterable[str]) -> None:
        """Keys with nothing in the window are dropped, so random names do not pile up."""
        for key in keys:
            entry = self._keys.get(key)
            if entry is not None and not entry.failures and not entry.pending:
                del self._keys[key]
        if len(self._keys) > 10_000:
            now = self._clock()
            for key in list(self._keys):
                entry = self._entry(key, now)
                if not entry.failures and not entry.pending:
                    del self._keys[key]

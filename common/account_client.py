"""The one client for the account service: one connection pool per process, typed outcomes.

Every caller (the actions, the channels, the website) reaches the service through this module:
- one `aiohttp.ClientSession` per process (per event loop), made on first use and closed with
  `close_shared_session()` when the process stops; no cookies are kept, since callers with
  different tokens share it;
- a short timeout on every call (`DEFAULT_TIMEOUT_S`, never more than `MAX_TIMEOUT_S`), so a
  customer hears about a slow service within seconds;
- the caller's own bearer token on every request (each caller has its own scope);
- outcomes as types: `Reply(status, body)` for every answer the service meant to give (4xx
  included), typed results for the identity calls, and `ServiceUnavailable` for everything else
  (no connection, a timeout, a 5xx, a body that is not JSON, an answer a typed call cannot read).

It imports neither rasa nor rasa_sdk: the website and the channels use it too.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import logging
import re
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 4.0
# A customer must hear about a slow service within 10 seconds: one call may take at most 5.
MAX_TIMEOUT_S = 5.0
MIN_TIMEOUT_S = 0.5
CONNECT_TIMEOUT_S = 2.0
# The service's largest answer (a page of transactions, a handoff) is a few KB; anything far
# bigger is not an answer we can use.
MAX_REPLY_BYTES = 4 * 1024 * 1024

Purpose = Literal["verify", "confirm"]
Channel = Literal["sms", "email"]


class ServiceUnavailable(Exception):
    """The account service gave no usable answer in time. The message is a short reason
    ("timeout", "status 503", "not JSON"), never a body or a URL with values."""


class UnexpectedAnswer(ServiceUnavailable):
    """The service answered, but not with anything the call expects (e.g. 401 on a bad token):
    for the customer this is the same as no answer."""

    def __init__(self, call: str, status: int, error: str | None) -> None:
        super().__init__(f"{call}: unexpected status {status} ({error or 'no error code'})")
        self.status = status
        self.error = error


def clamp_timeout(seconds: float) -> float:
    return min(max(float(seconds), MIN_TIMEOUT_S), MAX_TIMEOUT_S)


@dataclass(frozen=True)
class Reply:
    """An answer the service meant to give: its status and JSON body (None for 204)."""

    status: int
    body: Any

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> str | None:
        """The service's error code ("wrong_code", "fresh_code_needed" …), if it gave one."""
        if isinstance(self.body, dict) and isinstance(self.body.get("error"), str):
            return self.body["error"]
        return None

    def get(self, key: str, default: Any = None) -> Any:
        """A field of a JSON object body; the default for any other body."""
        return self.body.get(key, default) if isinstance(self.body, dict) else default

    def is_error(self, status: int, error: str | None = None) -> bool:
        return self.status == status and (error is None or self.error == error)


# --- identity outcomes ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ChallengeStarted:
    """201: a challenge exists. For purpose verify the answer is the same whether or not the
    details matched, so `masked_destination` is None there; for confirm it names where it went."""

    challenge_id: str
    purpose: str
    channel: str
    expires_in: int
    masked_destination: str | None


@dataclass(frozen=True)
class TooManyAttempts:
    """429: too many identity attempts or codes just now; try again after `retry_after` seconds."""

    retry_after: int


@dataclass(frozen=True)
class Locked:
    """423: this conversation's identity check is locked after too many wrong codes."""

    locked_until: str | None


@dataclass(frozen=True)
class NotVerified:
    """401 not_verified: a confirm code needs a verified session first."""


@dataclass(frozen=True)
class Verified:
    user_id: str
    first_name: str
    region: str | None
    session_expires_in: int


@dataclass(frozen=True)
class WrongCode:
    attempts_left: int


@dataclass(frozen=True)
class CodeExpired:
    """410: the code is too old."""


@dataclass(frozen=True)
class NoChallenge:
    """404: no such challenge for this conversation (already used, or never there)."""


ChallengeOutcome = ChallengeStarted | TooManyAttempts | Locked | NotVerified
VerifyOutcome = Verified | WrongCode | CodeExpired | NoChallenge | Locked


@dataclass(frozen=True)
class LockStatus:
    locked: bool
    locked_until: str | None


@dataclass(frozen=True)
class VerifiedSession:
    """The conversation's verified session (GET /sessions/{conversation_id})."""

    user_id: str
    first_name: str
    region: str | None
    fresh: bool
    method: str | None
    today: str | None


# --- the shared session --------------------------------------------------------------------------
class _SharedSession:
    """One ClientSession per process. A session belongs to the loop it was made in, so a new
    loop (a test's) gets a new one."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def get(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._session.closed or self._loop is not loop:
            self._session = aiohttp.ClientSession(
                cookie_jar=aiohttp.DummyCookieJar(),
                connector=aiohttp.TCPConnector(limit=100),
                raise_for_status=False,
            )
            self._loop = loop
        return self._session

    async def close(self) -> None:
        session, self._session, self._loop = self._session, None, None
        if session is not None and not session.closed:
            await session.close()


_shared = _SharedSession()


async def close_shared_session() -> None:
    """Closes the process's connection pool (call it when the process stops)."""
    await _shared.close()


# --- the client ----------------------------------------------------------------------------------
class AccountClient:
    """The account service as one caller sees it: its address, its token, its timeout."""

    def __init__(self, base_url: str, token: str, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.timeout_s = clamp_timeout(timeout_s)

    def __repr__(self) -> str:  # never the token
        return f"AccountClient({self.base_url!r}, timeout_s={self.timeout_s})"

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> Reply:
        """One call. A Reply for every answer below 500 with a JSON body (or 204); otherwise
        ServiceUnavailable. Logs the method and route only: no query values, no bodies."""
        timeout = aiohttp.ClientTimeout(total=self.timeout_s, connect=min(CONNECT_TIMEOUT_S, self.timeout_s))
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        query = {key: str(value) for key, value in (params or {}).items() if value is not None}
        try:
            async with _shared.get().request(
                method,
                self.base_url + path,
                params=query or None,
                json=json,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            ) as answer:
                if answer.status >= 500:
                    raise ServiceUnavailable(f"status {answer.status}")
                if answer.status == 204:
                    return Reply(204, None)
                raw = await _read_capped(answer)
            return Reply(answer.status, _json(raw))
        except ServiceUnavailable as error:
            _log_failure(method, path, str(error))
            raise
        except asyncio.TimeoutError:
            _log_failure(method, path, "timeout")
            raise ServiceUnavailable("timeout") from None
        except aiohttp.ClientError as error:
            _log_failure(method, path, type(error).__name__)
            raise ServiceUnavailable(type(error).__name__) from None

    # --- identity ------------------------------------------------------------------------------
    async def start_challenge(
        self,
        conversation_id: str,
        purpose: Purpose,
        channel: Channel = "sms",
        *,
        user_id: str | None = None,
        card_last_four: str | None = None,
        date_of_birth: str | None = None,
        client: str | None = None,
    ) -> ChallengeOutcome:
        """POST /identity/challenges: send a code (verify: to whoever the details name, if
        anyone; confirm: to the verified customer)."""
        body: dict[str, Any] = {"conversation_id": conversation_id, "purpose": purpose, "channel": channel}
        if purpose == "verify":
            if user_id is not None:
                body["user_id"] = user_id
            else:
                body["card_last_four"] = card_last_four
                body["date_of_birth"] = date_of_birth
        if client:
            body["client"] = client[:64]
        reply = await self.request("POST", "/identity/challenges", json=body)
        if reply.status == 201 and isinstance(reply.get("challenge_id"), str):
            return ChallengeStarted(
                challenge_id=reply.get("challenge_id"),
                purpose=str(reply.get("purpose") or purpose),
                channel=str(reply.get("channel") or channel),
                expires_in=_int(reply.get("expires_in"), 300),
                masked_destination=reply.get("masked_destination") if purpose == "confirm" else None,
            )
        if reply.status == 429:
            return TooManyAttempts(retry_after=_int(reply.get("retry_after"), 60))
        if reply.status == 423:
            return Locked(locked_until=_text(reply.get("locked_until")))
        if reply.is_error(401, "not_verified"):
            return NotVerified()
        raise UnexpectedAnswer("start_challenge", reply.status, reply.error)

    async def verify_code(
        self, challenge_id: str, conversation_id: str, code: str, purpose: Purpose
    ) -> VerifyOutcome:
        """POST /identity/challenges/{id}/verify."""
        body = {"conversation_id": conversation_id, "code": code, "purpose": purpose}
        reply = await self.request("POST", f"/identity/challenges/{_segment(challenge_id)}/verify", json=body)
        if reply.status == 200 and reply.get("verified"):
            customer = reply.get("customer") or {}
            return Verified(
                user_id=str(customer.get("user_id") or ""),
                first_name=str(customer.get("first_name") or ""),
                region=_text(customer.get("region")),
                session_expires_in=_int(reply.get("session_expires_in"), 0),
            )
        if reply.is_error(400, "wrong_code"):
            return WrongCode(attempts_left=_int(reply.get("attempts_left"), 0))
        if reply.status == 410:
            return CodeExpired()
        if reply.status == 404:
            return NoChallenge()
        if reply.status == 423:
            return Locked(locked_until=_text(reply.get("locked_until")))
        raise UnexpectedAnswer("verify_code", reply.status, reply.error)

    async def lock_status(self, conversation_id: str) -> LockStatus:
        """GET /access/lock-status: whether this conversation's identity check is locked."""
        reply = await self.request("GET", "/access/lock-status", params={"conversation_id": conversation_id})
        if reply.status == 200 and isinstance(reply.body, dict):
            return LockStatus(locked=bool(reply.get("locked")), locked_until=_text(reply.get("locked_until")))
        raise UnexpectedAnswer("lock_status", reply.status, reply.error)

    async def session(self, conversation_id: str) -> VerifiedSession | None:
        """The conversation's verified session, or None when it has none."""
        reply = await self.request("GET", f"/sessions/{_segment(conversation_id)}")
        if reply.status == 404:
            return None
        if reply.status != 200 or not isinstance(reply.body, dict):
            raise UnexpectedAnswer("session", reply.status, reply.error)
        if not reply.get("verified"):
            return None
        return VerifiedSession(
            user_id=str(reply.get("user_id") or ""),
            first_name=str(reply.get("first_name") or ""),
            region=_text(reply.get("region")),
            fresh=bool(reply.get("fresh")),
            method=_text(reply.get("method")),
            today=_text(reply.get("today")),
        )

    # --- the verified customer's own data ------------------------------------------------------
    async def me(self, method: str, path: str, conversation_id: str, **fields: Any) -> Reply:
        """/me/… for the customer verified in this conversation: fields go in the query for GET
        and DELETE, in the JSON body otherwise."""
        if method in ("GET", "DELETE"):
            params = {"conversation_id": conversation_id, **fields}
            return await self.request(method, "/me" + path, params=params)
        return await self.request(method, "/me" + path, json={"conversation_id": conversation_id, **fields})

    async def open_handoff(
        self,
        conversation_id: str,
        topic: str,
        transcript: list[dict[str, str]],
        client: str | None = None,
    ) -> Reply:
        """POST /handoffs: 201 a new handoff, 200 the one already open, 429 too many (from this
        conversation, or from this client address when its key is given)."""
        body: dict[str, Any] = {"conversation_id": conversation_id, "topic": topic, "transcript": transcript}
        if client:
            body["client"] = client
        return await self.request("POST", "/handoffs", json=body)


async def _read_capped(answer: aiohttp.ClientResponse) -> bytes:
    declared = answer.content_length
    if declared is not None and declared > MAX_REPLY_BYTES:
        raise ServiceUnavailable("answer too large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in answer.content.iter_chunked(64 * 1024):
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise ServiceUnavailable("answer too large")
        chunks.append(chunk)
    return b"".join(chunks)


def _json(raw: bytes) -> Any:
    try:
        return jsonlib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ServiceUnavailable("not JSON") from None


def _segment(value: str) -> str:
    """One path segment: a "/" or "?" in an ID must not reach another route."""
    return quote(str(value), safe=":@+-._~")


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _log_failure(method: str, path: str, reason: str) -> None:
    logger.warning("account service call failed: %s %s (%s)", method, route_of(path), reason)


_ROUTE_WORD = re.compile(r"^[a-z]+(?:-[a-z]+)*$")


def route_of(path: str) -> str:
    """The path with every segment that is not a route word masked: conversation IDs (today a
    credential), challenge IDs and card digits never reach the log."""
    parts = path.split("/")
    masked = [
        part if not part or (_ROUTE_WORD.match(part) and parts[index - 1] != "sessions") else "{…}"
        for index, part in enumerate(parts)
    ]
    return "/".join(masked)

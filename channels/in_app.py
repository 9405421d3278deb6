"""The mobile app's chat: the REST channel's request and answer, behind the app's signed login token.

`POST /webhooks/in_app/webhook` with `Authorization: Bearer <JWT>` and the REST body
(`{"sender", "message", "metadata"?}`) answers the REST list of messages. docs/in-app-api.md is
the API for the app's developers. Here:

- Off unless configured: IN_APP_JWT_SECRET (HS256) or IN_APP_JWT_PUBLIC_KEY (RS256, PEM text or a
  file path), optionally IN_APP_JWT_ISSUER and IN_APP_JWT_AUDIENCE, and IN_APP_MAX_LOGIN_AGE.
  Only the configured algorithm is accepted; the token's own header never picks it.
- The token names the customer (`sub` = User ID) and the login time (`auth_time`) and must carry
  `exp` and `iat`. Any fault with it is 401 before anything else happens: no message reaches the
  assistant, nothing is stored, the account service is not called.
- The conversation ID is derived here from the customer and the app's `sender` with a keyed hash,
  so one customer's token can never reach another customer's conversation, and a client of the
  REST channel (which takes the ID as given) cannot guess it. Answers name the app's `sender`.
- Each accepted message tells the account service that the conversation belongs to the logged-in
  customer (`POST /identity/app-sessions`): the login stands in for the first one-time code, so
  reading tasks skip the User ID question; payments and changes still ask for a fresh code
  because such a session is never fresh by itself. An unknown customer is refused (403), a
  locked one gets 423, a login the service finds too old 401. When the service cannot be
  reached the message still goes to the assistant, like on every other channel: questions that
  need no account are answered, and account tasks check the session themselves and say they
  cannot reach the account, with the phone number.
- Text is screened like the REST channel's (control characters, length, card numbers). Tokens
  and message text are never logged.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import time
from asyncio import CancelledError
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.message_hygiene import screen_message
from channels.rest import EMPTY_MESSAGE_PAYLOAD, bad_request, parse_body

logger = logging.getLogger(__name__)

HS256 = "HS256"
RS256 = "RS256"
MIN_SECRET_CHARS = 32
MIN_RSA_BITS = 2048
DEFAULT_MAX_LOGIN_AGE_S = 12 * 3600
# Clock difference tolerated between the app's login server and this one (exp, iat, auth_time).
LEEWAY_S = 30
MAX_TOKEN_CHARS = 8192
MAX_USER_ID_CHARS = 64
REQUIRED_CLAIMS = ["sub", "auth_time", "exp", "iat"]
DEMO_SERVICE_TOKEN = "demo-account-service-token"
# The channel's call comes before the assistant's own calls: kept short so that a customer still
# hears about a slow service within 10 seconds.
MAX_SERVICE_TIMEOUT_S = 2.0
LOCKED_REASON = (
    "Online access is locked after too many wrong codes. It unlocks by itself; the customer can "
    "also call the number on the back of their card."
)


class ConfigurationError(Exception):
    """The IN_APP_* settings cannot describe a channel that may start."""


class Unauthorized(Exception):
    """The token is refused; `reason` is a short sentence for the app's developers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class InAppSettings:
    algorithm: str
    key: str | RSAPublicKey
    issuer: str | None
    audience: str | None
    max_login_age_s: int
    service_url: str
    service_token: str
    service_timeout_s: float
    conversation_key: bytes


@dataclass(frozen=True)
class AppLogin:
    """What a valid token says: who is logged in to the app, and since when."""

    user_id: str
    logged_in_at: datetime


# --- settings -------------------------------------------------------------------------------------


def load_settings(environ: Mapping[str, str] | None = None) -> InAppSettings | None:
    """The channel's settings, or None when it is not configured (then it answers 404)."""
    env = os.environ if environ is None else environ
    secret = env.get("IN_APP_JWT_SECRET") or ""
    public_key = (env.get("IN_APP_JWT_PUBLIC_KEY") or "").strip()
    if not secret and not public_key:
        return None
    if secret and public_key:
        raise ConfigurationError("set IN_APP_JWT_SECRET (HS256) or IN_APP_JWT_PUBLIC_KEY (RS256), not both")
    key: str | RSAPublicKey
    if secret:
        if len(secret) < MIN_SECRET_CHARS:
            raise ConfigurationError(f"IN_APP_JWT_SECRET must be at least {MIN_SECRET_CHARS} characters")
        algorithm, key = HS256, secret
    else:
        algorithm, key = RS256, rsa_public_key(public_key)
    try:
        timeout = float(env.get("ACCOUNT_SERVICE_TIMEOUT") or "4")
    except ValueError:
        raise ConfigurationError("ACCOUNT_SERVICE_TIMEOUT must be a number of seconds") from None
    service_token = env.get("ACCOUNT_SERVICE_TOKEN") or DEMO_SERVICE_TOKEN
    return InAppSettings(
        algorithm=algorithm,
        key=key,
        issuer=(env.get("IN_APP_JWT_ISSUER") or "").strip() or None,
        audience=(env.get("IN_APP_JWT_AUDIENCE") or "").strip() or None,
        max_login_age_s=duration_s("IN_APP_MAX_LOGIN_AGE", env.get("IN_APP_MAX_LOGIN_AGE") or ""),
        service_url=(env.get("ACCOUNT_SERVICE_URL") or "http://localhost:8081").rstrip("/"),
        service_token=service_token,
        service_timeout_s=min(max(timeout, 0.5), MAX_SERVICE_TIMEOUT_S),
        # The service token is a private value of 32+ characters outside demo mode (the service
        # refuses to start otherwise), and this process has it anyway to call the service.
        conversation_key=hashlib.sha256(b"in-app conversation ids\0" + service_token.encode()).digest(),
    )


def rsa_public_key(value: str) -> RSAPublicKey:
    """An RSA public key from PEM text (literal "\\n" accepted, as env files write it) or a file."""
    if "-----BEGIN" in value:
        pem = value.replace("\\n", "\n")
    else:
        try:
            pem = Path(value).expanduser().read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                f"IN_APP_JWT_PUBLIC_KEY: cannot read the key file ({type(error).__name__})"
            ) from None
    try:
        key = load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        raise ConfigurationError("IN_APP_JWT_PUBLIC_KEY is not a PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise ConfigurationError("IN_APP_JWT_PUBLIC_KEY must be an RSA public key (RS256)")
    if key.key_size < MIN_RSA_BITS:
        raise ConfigurationError(f"IN_APP_JWT_PUBLIC_KEY must be at least {MIN_RSA_BITS} bits")
    return key


_DURATION = re.compile(r"^\s*(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_s(name: str, value: str) -> int:
    """Seconds from "43200", "720m", "12h", "12 hours" or "1d" (the account service reads the same
    variable the same way); empty means the default, 12 hours."""
    if not value.strip():
        return DEFAULT_MAX_LOGIN_AGE_S
    found = _DURATION.match(value)
    seconds = int(found.group(1)) * _UNIT_SECONDS[(found.group(2) or "s")[0].lower()] if found else 0
    if seconds <= 0:
        raise ConfigurationError(f'{name} must be a positive duration such as "12h", "90m" or "43200"')
    return seconds


# --- the token ------------------------------------------------------------------------------------


def bearer_token(request: Request) -> str | None:
    scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def is_user_id(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_USER_ID_CHARS
        and value.isprintable()
        and not any(char.isspace() for char in value)
    )


def verify_token(settings: InAppSettings, token: str | None, now: float | None = None) -> AppLogin:
    """The login a token vouches for; Unauthorized with the reason otherwise."""
    if not token:
        raise Unauthorized("an 'Authorization: Bearer <token>' header is needed")
    if len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("the token is malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is malformed") from None
    # Checked before the signature, and the signature is checked with the configured algorithm
    # only: a token cannot choose "none", or HS256 with the RS256 public key as its secret.
    if header.get("alg") != settings.algorithm:
        raise Unauthorized(f"only {settings.algorithm} tokens are accepted")
    try:
        claims = jwt.decode(
            token,
            settings.key,
            algorithms=[settings.algorithm],
            issuer=settings.issuer,
            audience=settings.audience,
            leeway=LEEWAY_S,
            options={"require": REQUIRED_CLAIMS + (["iss"] if settings.issuer else [])},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("the token's signature is not valid") from None
    except jwt.MissingRequiredClaimError as missing:
        raise Unauthorized(f"the token has no '{missing.claim}' claim") from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("the token is from another issuer") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("the token is for another audience") from None
    except jwt.ImmatureSignatureError:
        raise Unauthorized("the token is not valid yet") from None
    except jwt.InvalidAlgorithmError:
        raise Unauthorized(f"only {settings.algorithm} tokens are accepted") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is malformed") from None

    user_id, auth_time = claims["sub"], claims["auth_time"]
    if not is_user_id(user_id):
        raise Unauthorized("the token's 'sub' must be the customer's User ID")
    if isinstance(auth_time, bool) or not isinstance(auth_time, (int, float)):
        raise Unauthorized("the token's 'auth_time' must be the login time in seconds since 1970")
    now = time.time() if now is None else now
    if auth_time > now + LEEWAY_S:
        raise Unauthorized("the token's 'auth_time' is in the future")
    if now - auth_time > settings.max_login_age_s:
        raise Unauthorized("the login is too old: the customer must log in to the app again")
    return AppLogin(user_id=user_id, logged_in_at=datetime.fromtimestamp(auth_time, tz=timezone.utc))


def conversation_id(settings: InAppSettings, user_id: str, sender: str) -> str:
    """The conversation of this customer's `sender`: the same customer and sender always give the
    same ID (the service matches User IDs without regard to case), another customer never does,
    and without the key nobody can work it out."""
    message = f"{user_id.lower()}\n{sender}".encode()
    return "app-" + hmac.new(settings.conversation_key, message, hashlib.sha256).hexdigest()[:40]


# --- answers --------------------------------------------------------------------------------------


def unauthorized(reason: str) -> HTTPResponse:
    return response.json(
        {"error": "unauthorized", "reason": reason},
        status=401,
        headers={"WWW-Authenticate": 'Bearer realm="in_app"'},
    )


def not_configured() -> HTTPResponse:
    return response.json(
        {"error": "channel_not_configured", "reason": "the in-app channel is not switched on"}, status=404
    )


async def bind_login(settings: InAppSettings, conversation: str, login: AppLogin) -> HTTPResponse | None:
    """Tells the account service that the conversation belongs to the logged-in customer.

    None when it did, or when it could not be asked (the message then goes on without it: see the
    module's description); otherwise the refusal to answer the app with."""
    timeout = aiohttp.ClientTimeout(
        total=settings.service_timeout_s, connect=min(2.0, settings.service_timeout_s)
    )
    body = {
        "conversation_id": conversation,
        "user_id": login.user_id,
        "logged_in_at": login.logged_in_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    try:
        async with (
            aiohttp.ClientSession(
                timeout=timeout, headers={"Authorization": f"Bearer {settings.service_token}"}
            ) as session,
            session.post(f"{settings.service_url}/identity/app-sessions", json=body) as reply,
        ):
            status = reply.status
            answer = await reply.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.warning("in-app: the account service did not answer (%s); going on", type(error).__name__)
        return None
    error = answer.get("error") if isinstance(answer, dict) else None
    if status in (200, 201):
        return None
    if status == 423:
        locked_until = answer.get("locked_until") if isinstance(answer, dict) else None
        return response.json(
            {"error": "locked", "reason": LOCKED_REASON, "locked_until": locked_until}, status=423
        )
    if status == 404 and error == "no_match":
        return response.json(
            {"error": "forbidden", "reason": "there is no online account for this customer"}, status=403
        )
    if status == 403 and error == "login_too_old":
        return unauthorized("the login is too old: the customer must log in to the app again")
    logger.warning("in-app: the account service answered %s (%s); going on", status, error)
    return None


# --- the channel ----------------------------------------------------------------------------------


class InAppChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "in_app"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        # Everything comes from the environment: credentials.yml holds no secret.
        settings = load_settings()
        if settings is None:
            logger.info("in-app channel: not configured (set IN_APP_JWT_SECRET or IN_APP_JWT_PUBLIC_KEY)")
        else:
            logger.info("in-app channel: on, %s tokens", settings.algorithm)
        return cls(settings)

    def __init__(self, settings: InAppSettings | None = None) -> None:
        self.settings = settings

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return not_configured() if self.settings is None else response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            settings = self.settings
            if settings is None:
                return not_configured()
            try:
                login = verify_token(settings, bearer_token(request))
            except Unauthorized as refused:
                return unauthorized(refused.reason)
            body, reason = parse_body(request)
            if body is None:
                return bad_request(reason or "malformed request")
            sender = body["sender"]
            conversation = conversation_id(settings, login.user_id, sender)
            refusal = await bind_login(settings, conversation, login)
            if refusal is not None:
                return refusal

            text, warnings = screen_message(body["message"])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text or EMPTY_MESSAGE_PAYLOAD,
                        collector,
                        conversation,
                        input_channel=self.name(),
                        metadata=body.get("metadata"),
                    )
                )
            except CancelledError:
                logger.error("in-app message timed out (conversation %s)", conversation)
            except Exception:
                logger.exception("in-app message failed (conversation %s)", conversation)
            # The app knows its conversation by its own sender; the derived ID stays on the server.
            said_first = [{"recipient_id": sender, "text": warning} for warning in warnings]
            return response.json(
                said_first + [{**reply, "recipient_id": sender} for reply in collector.messages]
            )

        return webhook

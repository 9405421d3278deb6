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
- The conversation ID is `in_app:` + a hash of the customer and the app's `sender`
  (common/app_login.py), so one customer's token can never reach another customer's
  conversation; no other channel can name an `in_app:` conversation. Answers name the `sender`.
- Each accepted message asks the account service to bind the conversation to the logged-in
  customer (`POST /identity/app-sessions` with the app's token and the sender, under
  CHANNELS_SERVICE_TOKEN): the service checks the token itself and derives the same ID. The
  login stands in for the first one-time code, so reading tasks skip the User ID question;
  payments and changes still ask for a fresh code because such a session is never fresh by
  itself. An unknown customer is refused (403), a conversation whose identity checks are locked
  gets 423, a token or login the service refuses 401. When the service cannot be
  reached the message still goes to the assistant, like on every other channel: questions that
  need no account are answered, and account tasks check the session themselves and say they
  cannot reach the account, with the phone number.
- Text is screened like the REST channel's (control characters, length, card numbers). Tokens
  and message text are never logged.
- Live handoff (channels/handoff.py): while a person has (or is about to have) the conversation,
  a message goes into the handoff case, never to the assistant; the answer is `[]` or one notice
  (the place in the queue). The app collects the agent's lines and the team's notices with
  `GET /webhooks/in_app/agent_messages?sender=<sender>&after=<last ID>` and the same bearer token:
  the conversation is derived from the token and the sender, so a customer reads only their own.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.agent_relay import PolledRelay, add_relay_route, poll_response, read_after
from channels.guard import chat_guard
from channels.handoff import HandoffDesk, handoff_replies
from channels.message_hygiene import is_valid_sender, screen_message
from channels.messaging import relay_token
from channels.rest import EMPTY_MESSAGE_PAYLOAD, bad_request, parse_body, too_many_requests
from common.account_client import AccountClient
from common.app_login import (  # noqa: F401 (names the channel's tests and callers import from here)
    DEFAULT_MAX_LOGIN_AGE_S,
    HS256,
    LEEWAY_S,
    MAX_TOKEN_CHARS,
    MIN_RSA_BITS,
    MIN_SECRET_CHARS,
    RS256,
    AppLogin,
    AppLoginSettings,
    ConfigurationError,
    Unauthorized,
    duration_s,
    in_app_conversation_id,
    is_user_id,
    load_app_login_settings,
    rsa_public_key,
    verify_app_token,
)
from common.settings import RasaServerSettings, SettingsError, secret

logger = logging.getLogger(__name__)

# The channel's call comes before the assistant's own calls: kept short so that a customer still
# hears about a slow service within 10 seconds.
MAX_SERVICE_TIMEOUT_S = 2.0
LOCKED_REASON = (
    "Identity checks in this chat are locked after too many wrong codes. They unlock by themselves; "
    "the customer can also call the number on the back of their card."
)


@dataclass(frozen=True)
class InAppSettings(AppLoginSettings):
    service_url: str
    # The channels' own token for the account service (scope channels); None only when it is
    # missing outside demo mode, and then the channel refuses to start (from_credentials).
    service_token: str | None
    service_timeout_s: float


# --- settings -------------------------------------------------------------------------------------


def load_settings(environ: Mapping[str, str] | None = None) -> InAppSettings | None:
    """The channel's settings (common/settings.py reads the variables), or None when it is not
    configured (then it answers 404). The Rasa server's launcher has checked its other secrets."""
    try:
        env = RasaServerSettings.load(environ, check_secrets=False)
    except SettingsError as error:
        raise ConfigurationError(str(error)) from None
    login = load_app_login_settings(env.app_login_variables())
    if login is None:
        return None
    return InAppSettings(
        algorithm=login.algorithm,
        key=login.key,
        issuer=login.issuer,
        audience=login.audience,
        max_login_age_s=login.max_login_age_s,
        service_url=env.account_service_url.rstrip("/"),
        service_token=secret(env.channels_service_token) or None,
        service_timeout_s=min(max(env.service_timeout_s, 0.5), MAX_SERVICE_TIMEOUT_S),
    )


# --- the token ------------------------------------------------------------------------------------


def bearer_token(request: Request) -> str | None:
    scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def verify_token(settings: AppLoginSettings, token: str | None, now: float | None = None) -> AppLogin:
    """The login a token vouches for; Unauthorized with the reason otherwise (common/app_login.py)."""
    return verify_app_token(settings, token, now)


def conversation_id(settings: AppLoginSettings | None, user_id: str, sender: str) -> str:
    """The conversation of this customer's `sender` (common/app_login.py: in_app:<hash>); the
    account service derives the same ID from the token and the sender."""
    return in_app_conversation_id(user_id, sender)


def log_ref(conversation: str) -> str:
    """A conversation named in a log line: a short hash, never the ID itself."""
    return hashlib.sha256(conversation.encode()).hexdigest()[:12]


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


async def bind_login(settings: InAppSettings, token: str, sender: str) -> tuple[HTTPResponse | None, bool]:
    """Asks the account service to bind the app's conversation to the logged-in customer: it
    checks the app's token itself and derives the same conversation ID from it and the sender.

    (None, True) when it did; (None, False) when it could not be asked (the message then goes on
    without it: see the module's description, and the channel asks the service nothing more for
    this message, so a slow service costs its timeout once); otherwise (the refusal to answer the
    app with, True)."""
    timeout = aiohttp.ClientTimeout(
        total=settings.service_timeout_s, connect=min(2.0, settings.service_timeout_s)
    )
    headers = {"Authorization": f"Bearer {settings.service_token}"} if settings.service_token else {}
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout, headers=headers) as session,
            session.post(
                f"{settings.service_url}/identity/app-sessions", json={"app_token": token, "sender": sender}
            ) as reply,
        ):
            status = reply.status
            answer = await reply.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.warning("in-app: the account service did not answer (%s); going on", type(error).__name__)
        return None, False
    code = answer.get("error") if isinstance(answer, dict) else None
    if status in (200, 201):
        return None, True
    if status == 423:
        locked_until = answer.get("locked_until") if isinstance(answer, dict) else None
        locked = {"error": "locked", "reason": LOCKED_REASON, "locked_until": locked_until}
        return response.json(locked, status=423), True
    if status == 404 and code == "no_match":
        no_account = {"error": "forbidden", "reason": "there is no online account for this customer"}
        return response.json(no_account, status=403), True
    if status == 403 and code == "login_too_old":
        return unauthorized("the login is too old: the customer must log in to the app again"), True
    if status == 401 and code == "invalid_app_token":
        return unauthorized(str(answer.get("reason") or "the token was refused")), True
    logger.warning("in-app: the account service answered %s (%s); going on", status, code)
    return None, status < 500


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
        elif settings.service_token is None:
            raise ConfigurationError(
                "the in-app channel needs CHANNELS_SERVICE_TOKEN (its account-service token) "
                "outside demo mode"
            )
        else:
            logger.info("in-app channel: on, %s tokens", settings.algorithm)
        return cls(settings)

    def __init__(self, settings: InAppSettings | None = None) -> None:
        self.settings = settings
        self._desk: HandoffDesk | None = None

    def _logged_in(self, request: Request) -> tuple[InAppSettings, AppLogin] | HTTPResponse:
        """The channel's settings and the app login the request carries, or the refusal."""
        if self.settings is None:
            return not_configured()
        try:
            return self.settings, verify_token(self.settings, bearer_token(request))
        except Unauthorized as refused:
            return unauthorized(refused.reason)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return not_configured() if self.settings is None else response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            checked = self._logged_in(request)
            if isinstance(checked, HTTPResponse):
                return checked
            settings, login = checked
            body, reason = parse_body(request)
            if body is None:
                return bad_request(reason or "malformed request")
            sender = body["sender"]
            conversation = conversation_id(settings, login.user_id, sender)
            guard = chat_guard()
            address_key = guard.key(guard.request_address(request))
            if not await guard.allow(conversation, address_key):
                return too_many_requests(guard.settings.limit_window_s)
            refusal, service_answered = await bind_login(settings, bearer_token(request) or "", sender)
            if refusal is not None:
                return refusal

            text, warnings = screen_message(body["message"])
            said_first = [{"recipient_id": sender, "text": warning} for warning in warnings]
            to_team = (
                await handoff_replies(self.desk(settings), conversation, text, sender)
                if service_answered
                else None
            )
            if to_team is not None:
                return response.json(said_first + to_team)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text or EMPTY_MESSAGE_PAYLOAD,
                        collector,
                        conversation,
                        input_channel=self.name(),
                        metadata=guard.with_client(body.get("metadata"), address_key),
                    )
                )
            except CancelledError:
                logger.error("in-app message timed out (conversation %s)", log_ref(conversation))
            except Exception as error:
                failure = type(error).__name__
                logger.error("in-app message failed (conversation %s): %s", log_ref(conversation), failure)
            # The app knows its conversation by its own sender; the derived ID stays on the server.
            return response.json(
                said_first + [{**reply, "recipient_id": sender} for reply in collector.messages]
            )

        # Agents' lines stay in the account service until the app polls for them.
        add_relay_route(webhook, self.name(), PolledRelay(), relay_token())

        @webhook.route("/agent_messages", methods=["GET"])
        async def agent_messages(request: Request) -> HTTPResponse:
            """The agents' lines and notices of this customer's conversation (?sender=&after=)."""
            checked = self._logged_in(request)
            if isinstance(checked, HTTPResponse):
                return checked
            settings, login = checked
            sender, after = request.args.get("sender"), read_after(request.args.get("after"))
            if not is_valid_sender(sender):
                return bad_request("'sender' must be a non-empty string of at most 128 printable characters")
            if after is None:
                return bad_request("'after' must be the ID of the last line received (a whole number)")
            conversation = conversation_id(settings, login.user_id, str(sender))
            guard = chat_guard()
            if not await guard.allow(f"poll:{conversation}", guard.key(guard.request_address(request))):
                return too_many_requests(guard.settings.limit_window_s)
            return await poll_response(conversation, str(sender), after, self.desk(settings))

        return webhook

    def desk(self, settings: InAppSettings) -> HandoffDesk:
        """The handoff routes with this channel's own service address and token."""
        if self._desk is None:
            timeout = min(settings.service_timeout_s, MAX_SERVICE_TIMEOUT_S)
            self._desk = HandoffDesk(
                AccountClient(settings.service_url, settings.service_token or "", timeout)
            )
        return self._desk

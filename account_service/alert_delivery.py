"""How an alert reaches each platform: one Delivery per channel, behind one small interface.

    await deliveries["telegram"].send(Outgoing(channel="telegram", to="123456", text="…"))

- Twilio (SMS and WhatsApp): `POST /2010-04-01/Accounts/<sid>/Messages.json` with basic auth.
  WhatsApp outside the customer's 24-hour window sends the approved template instead of free
  text (`ContentSid` and `ContentVariables`, Twilio's Content API); without a template ID
  configured for it, such a message is not sent on WhatsApp (the caller falls back to SMS).
- Telegram: the Bot API's `sendMessage`, buttons as an inline keyboard (their payloads come
  back as the customer's reply).
- Email: the service's MessageGateway (messaging.py), as every other email.

Each call has a timeout; a refusal or a timeout raises DeliveryFailed with the platform's status
only (never the text, the recipient or a credential), and the caller logs it. The platforms'
credentials are the same variables the Rasa server's channels read (channels/twilio.py,
channels/telegram.py); a platform whose variables are unset has no Delivery, and its alerts
stay in the outbox.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

import aiohttp

from account_service.alert_texts import Button
from common.settings import channel_variables

if TYPE_CHECKING:
    from account_service.messaging import MessageGateway

logger = logging.getLogger(__name__)

TIMEOUT_S = 10
WHATSAPP_PREFIX = "whatsapp:"


class DeliveryFailed(Exception):
    """The platform did not take the message (the reason names a status, nothing else)."""


@dataclass(frozen=True)
class Outgoing:
    channel: str
    to: str  # E.164 for SMS and WhatsApp (no prefix), the chat ID for Telegram, an email address
    text: str
    buttons: tuple[Button, ...] = ()
    # Set when the message must be a WhatsApp template (outside the 24-hour window).
    template: str | None = None
    variables: tuple[str, ...] = ()


class Delivery(Protocol):
    async def send(self, message: Outgoing) -> None: ...


@dataclass(frozen=True)
class TwilioAccount:
    account_sid: str
    auth_token: str = field(repr=False)
    sms_number: str
    whatsapp_number: str
    api_url: str
    # Template name (alert_texts.TEMPLATES) -> Twilio Content SID of its approved version.
    whatsapp_templates: Mapping[str, str]


@dataclass(frozen=True)
class TelegramBot:
    access_token: str = field(repr=False)
    api_url: str
    bot_name: str


@dataclass(frozen=True)
class AlertPlatforms:
    twilio: TwilioAccount | None = None
    telegram: TelegramBot | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> AlertPlatforms:
        twilio, missing = channel_variables(
            ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"),
            ("TWILIO_NUMBER", "TWILIO_WHATSAPP_NUMBER", "TWILIO_API_URL", "WHATSAPP_TEMPLATES"),
            environ,
        )
        account = None
        if not missing and (twilio["TWILIO_NUMBER"] or twilio["TWILIO_WHATSAPP_NUMBER"]):
            account = TwilioAccount(
                account_sid=twilio["TWILIO_ACCOUNT_SID"],
                auth_token=twilio["TWILIO_AUTH_TOKEN"],
                sms_number=twilio["TWILIO_NUMBER"],
                whatsapp_number=twilio["TWILIO_WHATSAPP_NUMBER"].removeprefix(WHATSAPP_PREFIX),
                api_url=(twilio["TWILIO_API_URL"] or "https://api.twilio.com").rstrip("/"),
                whatsapp_templates=parse_templates(twilio["WHATSAPP_TEMPLATES"]),
            )
        telegram, missing = channel_variables(
            ("TELEGRAM_ACCESS_TOKEN",), ("TELEGRAM_API_URL", "TELEGRAM_BOT_NAME"), environ
        )
        bot = None
        if not missing:
            bot = TelegramBot(
                access_token=telegram["TELEGRAM_ACCESS_TOKEN"],
                api_url=(telegram["TELEGRAM_API_URL"] or "https://api.telegram.org").rstrip("/"),
                bot_name=telegram["TELEGRAM_BOT_NAME"].removeprefix("@"),
            )
        return cls(twilio=account, telegram=bot)


def parse_templates(value: str) -> dict[str, str]:
    """ "fraud_check=HX…,payment_due=HX…" -> {"fraud_check": "HX…", …}; malformed entries are skipped."""
    pairs = (item.split("=", 1) for item in value.split(",") if "=" in item)
    return {name.strip(): sid.strip() for name, sid in pairs if name.strip() and sid.strip()}


class TwilioDelivery:
    def __init__(self, http: PlatformHttp, account: TwilioAccount, whatsapp: bool) -> None:
        self.http = http
        self.account = account
        self.whatsapp = whatsapp

    def can_send_template(self, template: str) -> bool:
        return template in self.account.whatsapp_templates

    async def send(self, message: Outgoing) -> None:
        account = self.account
        if self.whatsapp:
            fields = {"To": WHATSAPP_PREFIX + message.to, "From": WHATSAPP_PREFIX + account.whatsapp_number}
            if message.template is not None:
                sid = account.whatsapp_templates.get(message.template)
                if sid is None:
                    raise DeliveryFailed(f"no approved template {message.template}")
                variables = {str(n): value for n, value in enumerate(message.variables, start=1)}
                fields.update({"ContentSid": sid, "ContentVariables": json.dumps(variables)})
            else:
                fields["Body"] = message.text
        else:
            fields = {"To": message.to, "From": account.sms_number, "Body": message.text}
        url = f"{account.api_url}/2010-04-01/Accounts/{account.account_sid}/Messages.json"
        auth = aiohttp.BasicAuth(account.account_sid, account.auth_token)
        await self.http.post(url, "twilio", data=fields, auth=auth)


class TelegramDelivery:
    def __init__(self, http: PlatformHttp, bot: TelegramBot) -> None:
        self.http = http
        self.bot = bot

    async def send(self, message: Outgoing) -> None:
        body: dict[str, object] = {"chat_id": message.to, "text": message.text}
        if message.buttons:
            keyboard = [
                [{"text": button.title, "callback_data": button.payload}] for button in message.buttons
            ]
            body["reply_markup"] = json.dumps({"inline_keyboard": keyboard})
        url = f"{self.bot.api_url}/bot{self.bot.access_token}/sendMessage"
        await self.http.post(url, "telegram", json=body)


class EmailDelivery:
    def __init__(self, gateway: MessageGateway) -> None:
        self.gateway = gateway

    async def send(self, message: Outgoing) -> None:
        await self.gateway.send("email", message.to, message.text)


def deliveries_for(
    platforms: AlertPlatforms, gateway: MessageGateway, http: PlatformHttp
) -> dict[str, Delivery]:
    """The channels alerts can be delivered on; email always (through the gateway)."""
    found: dict[str, Delivery] = {"email": EmailDelivery(gateway)}
    if platforms.twilio is not None:
        if platforms.twilio.sms_number:
            found["sms"] = TwilioDelivery(http, platforms.twilio, whatsapp=False)
        if platforms.twilio.whatsapp_number:
            found["whatsapp"] = TwilioDelivery(http, platforms.twilio, whatsapp=True)
    if platforms.telegram is not None:
        found["telegram"] = TelegramDelivery(http, platforms.telegram)
    return found


class PlatformHttp:
    """One connection pool for every platform call of the process, made on first use."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def post(self, url: str, platform: str, **request: object) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_S), cookie_jar=aiohttp.DummyCookieJar()
            )
        try:
            async with self._session.post(url, **request) as answer:  # type: ignore[arg-type]
                if answer.status >= 300:
                    raise DeliveryFailed(f"{platform} answered {answer.status}")
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise DeliveryFailed(f"{platform}: {type(error).__name__}") from None

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

"""Telegram: Rasa's Telegram channel, configured from the environment, with the webhook secret
checked and replies through a configurable Bot API address.

Environment (the channel is off unless the first two are set):
- TELEGRAM_ACCESS_TOKEN: the bot's token from @BotFather.
- TELEGRAM_SECRET_TOKEN: the secret given to setWebhook (1-256 of A-Z a-z 0-9 _ -); Telegram
  sends it in `X-Telegram-Bot-Api-Secret-Token` and a request without it is refused with 401.
  Required: the conversation (and its identity check) is the chat ID, so an unsigned update
  could speak for any chat.
- TELEGRAM_BOT_NAME: optional; the bot's username, checked once at start-up (getMe) and cut
  from commands written as "/start@<bot name>".
- TELEGRAM_WEBHOOK_URL: optional; when set, the webhook is registered at start-up with the secret
  (otherwise register `https://<host>/webhooks/telegram/webhook` yourself).
- TELEGRAM_API_URL: optional; the Bot API address (default https://api.telegram.org).

Differences from Rasa's own channel: the request's secret is checked (Rasa's only compares the
bot's username, with a getMe call per message); the webhook is registered from a server listener
instead of `asyncio.run` at set-up; only private chats are answered (in a group everyone would
share one conversation and its identity check); text is screened like the REST channel's;
buttons are an inline keyboard, one button per row.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.bot.api import TelegramAPIServer
from aiogram.types import Update
from aiogram.utils.exceptions import ValidationError
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.agent_relay import PlatformRelay, add_relay_route
from channels.messaging import (
    API_TIMEOUT_S,
    ConfiguredFromEnvironment,
    OnNewMessage,
    channel_off_blueprint,
    env_settings,
    invalid_signature,
    relay_token,
    screened,
)
from channels.signatures import TELEGRAM_SECRET_FORMAT, TELEGRAM_SECRET_HEADER, telegram_secret_ok

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
# Telegram sends /start when a customer opens the bot for the first time.
START_COMMAND, START_INTENT = "/start", "/greet"


@dataclass(frozen=True)
class TelegramSettings:
    access_token: str
    secret_token: str
    bot_name: str = ""
    webhook_url: str = ""
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TelegramSettings | None:
        values = env_settings(
            "telegram",
            ("TELEGRAM_ACCESS_TOKEN", "TELEGRAM_SECRET_TOKEN"),
            ("TELEGRAM_BOT_NAME", "TELEGRAM_WEBHOOK_URL", "TELEGRAM_API_URL"),
            env,
        )
        if values is None:
            return None
        if not TELEGRAM_SECRET_FORMAT.match(values["TELEGRAM_SECRET_TOKEN"]):
            logger.warning("telegram channel is off: TELEGRAM_SECRET_TOKEN must be 1-256 of A-Z a-z 0-9 _ -")
            return None
        return cls(
            access_token=values["TELEGRAM_ACCESS_TOKEN"],
            secret_token=values["TELEGRAM_SECRET_TOKEN"],
            bot_name=values["TELEGRAM_BOT_NAME"].removeprefix("@"),
            webhook_url=values["TELEGRAM_WEBHOOK_URL"],
            api_url=values["TELEGRAM_API_URL"] or DEFAULT_API_URL,
        )


class TelegramReplies(TelegramOutput):
    """Rasa's Telegram output (an aiogram Bot) pointed at the configured Bot API address."""

    def __init__(self, settings: TelegramSettings) -> None:
        Bot.__init__(
            self,
            settings.access_token,
            server=TelegramAPIServer.from_base(settings.api_url),
            timeout=API_TIMEOUT_S,
        )

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: list[dict[str, Any]],
        button_type: str | None = "vertical",
        **kwargs: Any,
    ) -> None:
        # One button per row: titles such as "Statement balance ($1,234.56)" stay readable.
        await super().send_text_with_buttons(recipient_id, text, buttons, button_type=button_type, **kwargs)


class TelegramInput(ConfiguredFromEnvironment, RasaTelegramInput):
    settings_type = TelegramSettings

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, settings: TelegramSettings | None) -> None:
        self.settings = settings
        self.replies: TelegramReplies | None = None
        if settings is not None:
            super().__init__(settings.access_token, settings.bot_name, settings.webhook_url, debug_mode=False)

    def get_output_channel(self) -> OutputChannel | None:
        if self.settings is None:
            return None
        if self.replies is None:
            self.replies = TelegramReplies(self.settings)
        return self.replies

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        settings = self.settings
        if settings is None:
            return channel_off_blueprint(self.name())
        try:
            replies = self.get_output_channel()
        except ValidationError:
            logger.warning("telegram channel is off: TELEGRAM_ACCESS_TOKEN is not a bot token")
            return channel_off_blueprint(self.name())
        assert isinstance(replies, TelegramReplies)
        handle = screened(on_new_message, self.name())
        webhook = Blueprint("telegram_webhook", __name__)

        @webhook.listener("after_server_start")
        async def register_webhook(*_: Any) -> None:
            await self.check_bot_and_register_webhook(replies)

        @webhook.listener("before_server_stop")
        async def close_session(*_: Any) -> None:
            await replies.session.close()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Agents' lines during a live handoff, to the chat through sendMessage.
        add_relay_route(webhook, self.name(), PlatformRelay(lambda _: replies), relay_token())

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not telegram_secret_ok(settings.secret_token, request.headers.get(TELEGRAM_SECRET_HEADER)):
                return invalid_signature()
            try:
                update = Update.to_object(request.json)
            except Exception:
                return response.json({"error": "bad_request", "reason": "not a Telegram update"}, status=400)
            chat_id, text = self.incoming(update)
            if chat_id is None or text is None:
                return response.text("ok")
            if update.callback_query is not None:
                await self.answer_button(replies, update.callback_query.id)
            await handle(UserMessage(text, replies, chat_id, input_channel=self.name()))
            return response.text("ok")

        return webhook

    def incoming(self, update: Update) -> tuple[str | None, str | None]:
        """(chat ID, text) of a customer's message or button press in a private chat."""
        if self._is_button(update):
            message, text = update.callback_query.message, update.callback_query.data
        elif self._is_edited_message(update):
            message, text = update.edited_message, update.edited_message.text
        elif update.message is not None and self._is_user_message(update.message):
            message, text = update.message, update.message.text
        else:
            return None, None  # stickers, photos, locations, channel posts …
        if message is None or message.chat is None or text is None:
            return None, None
        if message.chat.type != "private":
            logger.info("telegram: a message from a %s chat was ignored", message.chat.type)
            return None, None
        return str(message.chat.id), self.command_to_intent(text)

    def command_to_intent(self, text: str) -> str:
        bot_name = self.settings.bot_name if self.settings else ""
        if bot_name:
            text = text.replace(f"@{bot_name}", "")
        return START_INTENT if text.strip() == START_COMMAND else text

    @staticmethod
    async def answer_button(replies: TelegramReplies, callback_query_id: str) -> None:
        """Stops the button's spinner in the customer's app."""
        try:
            await replies.answer_callback_query(callback_query_id)
        except Exception as error:
            logger.warning("telegram: answerCallbackQuery failed (%s)", type(error).__name__)

    async def check_bot_and_register_webhook(self, replies: TelegramReplies) -> None:
        settings = self.settings
        if settings is None:
            return
        try:
            me = await replies.get_me()
            if settings.bot_name and me.username != settings.bot_name:
                logger.warning(
                    "telegram: the access token belongs to @%s, not @%s", me.username, settings.bot_name
                )
            if settings.webhook_url:
                # aiogram 2.15 predates setWebhook's secret_token, so the call is made directly.
                await replies.request(
                    "setWebhook",
                    {
                        "url": settings.webhook_url,
                        "secret_token": settings.secret_token,
                        "allowed_updates": json.dumps(ALLOWED_UPDATES),
                    },
                )
                logger.info("telegram: webhook registered")
        except Exception as error:
            logger.error("telegram: start-up check or webhook registration failed (%s)", type(error).__name__)

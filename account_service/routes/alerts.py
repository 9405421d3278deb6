"""Two-way alerts: what the channels pass on from the alert channels, and Telegram link codes."""

from __future__ import annotations

from aiohttp import web

from account_service.alert_replies import LINK_CODE_LIFETIME, ReplyContext, handle_reply, new_link_code
from account_service.alerts import WHATSAPP_WINDOW, address_of
from account_service.app_keys import CLOCK, MESSENGER
from account_service.endpoints import ACTIONS, CHANNELS, Reply, Routes
from account_service.models import WhatsAppWindow
from account_service.routes.common import me, now, settings, transaction
from account_service.schemas.alerts import (
    AlertReplyIn,
    AlertReplyOut,
    ButtonOut,
    TelegramLinkCodeOut,
    WhatsAppWindowOut,
    WhatsAppWindowQuery,
)
from account_service.schemas.common import NOT_VERIFIED, ConversationBody

routes = Routes("alerts")


@routes.post(
    "/alerts/replies",
    "Every message from SMS, WhatsApp and Telegram, before the assistant: is it for an alert?",
    scopes=CHANNELS,
    body=AlertReplyIn,
    answer=AlertReplyOut,
)
async def alert_reply(request: web.Request, body: AlertReplyIn) -> AlertReplyOut:
    config = settings(request)
    async with transaction(request) as session:
        outcome = await handle_reply(
            ReplyContext(
                session=session,
                conversation_id=body.conversation_id,
                text=body.text,
                now=now(request),
                today=request.app[CLOCK].today(),
                issuer=config.issuer_name,
                secret=config.secret,
                messenger=request.app[MESSENGER],
            )
        )
    return AlertReplyOut(
        outcome=outcome.outcome,
        text=outcome.text,
        buttons=[ButtonOut(title=button.title, payload=button.payload) for button in outcome.buttons],
        message=outcome.message,
    )


@routes.get(
    "/alerts/whatsapp-window",
    "Whether a WhatsApp conversation's customer wrote within 24 hours (every message they send is "
    "noted by /alerts/replies): outside it the agents' lines go as an approved template",
    scopes=CHANNELS,
    query=WhatsAppWindowQuery,
    answer=WhatsAppWindowOut,
)
async def whatsapp_window(request: web.Request, query: WhatsAppWindowQuery) -> WhatsAppWindowOut:
    where = address_of(query.conversation_id)
    if where is None or where[0] != "whatsapp":
        return WhatsAppWindowOut(open=False)
    async with transaction(request) as session:
        window = await session.get(WhatsAppWindow, where[1])
    return WhatsAppWindowOut(
        open=window is not None and now(request) - window.last_inbound_at < WHATSAPP_WINDOW
    )


@routes.post(
    "/me/alerts/telegram-link",
    "A code the verified customer sends from their Telegram chat (/link CODE) to get alerts there",
    scopes=ACTIONS,
    body=ConversationBody,
    answer=TelegramLinkCodeOut,
    status=201,
    errors=[NOT_VERIFIED],
)
async def telegram_link_code(request: web.Request, body: ConversationBody) -> Reply:
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id)
        code = await new_link_code(session, customer, config.secret, now(request))
    bot = config.alert_platforms.telegram
    bot_name = bot.bot_name if bot is not None and bot.bot_name else None
    answer = TelegramLinkCodeOut(
        code=code,
        expires_in=int(LINK_CODE_LIFETIME.total_seconds()),
        bot_name=bot_name,
        link_url=f"https://t.me/{bot_name}?start=link-{code}" if bot_name else None,
    )
    return Reply(answer, 201)

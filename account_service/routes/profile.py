"""Profile (contact details) and alert preferences."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from account_service import profile
from account_service.accounts import REGION_CURRENCY
from account_service.alert_replies import telegram_linked
from account_service.app_keys import MESSENGER
from account_service.endpoints import ACTIONS, Routes, fail
from account_service.errors import ServiceError, bad_request
from account_service.routes.common import me, now, settings, transaction
from account_service.schemas.care import AlertsChange, AlertsOut, ProfileChange, ProfileOut
from account_service.schemas.common import FRESH_NEEDED, NOT_VERIFIED, ConversationQuery

routes = Routes("profile")

_ALERT_FLAGS = ("online_transactions", "payment_due")
_ALERT_THRESHOLDS = {
    "large_purchase_threshold": "large_purchase_threshold_cents",
    "balance_threshold": "balance_threshold_cents",
}


@routes.get(
    "/me/profile",
    "Contact details (email and phone masked)",
    scopes=ACTIONS,
    query=ConversationQuery,
    answer=ProfileOut,
    errors=[NOT_VERIFIED],
)
async def get_profile(request: web.Request, query: ConversationQuery) -> ProfileOut:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        return ProfileOut(**profile.profile_view(customer))


@routes.patch(
    "/me/profile",
    "Change email and/or mailing address; the old email address is told. Fresh.",
    scopes=ACTIONS,
    body=ProfileChange,
    answer=ProfileOut,
    errors=[
        NOT_VERIFIED,
        FRESH_NEEDED,
        fail(422, "Phone sent, or not an email address", "phone_not_changeable", "invalid_email"),
    ],
)
async def update_profile(request: web.Request, body: ProfileChange) -> ProfileOut:
    if "phone" in body.__fields_set__:
        # Asked before any code: the answer is the same whoever asks, and nothing is changed.
        raise ServiceError(
            422,
            "phone_not_changeable",
            "The registered phone number is changed by phone or in the app, not in chat.",
        )
    if body.email is None and body.mailing_address is None:
        raise bad_request("Give email or mailing_address to change.")
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id, fresh=True)
        profile.update_profile(
            session,
            customer,
            email=body.email,
            mailing_address=body.mailing_address,
            messenger=request.app[MESSENGER],
            issuer_name=config.issuer_name,
            now=now(request),
            conversation_id=body.conversation_id,
        )
        return ProfileOut(**profile.profile_view(customer))


@routes.get(
    "/me/alerts",
    "Alert settings",
    scopes=ACTIONS,
    query=ConversationQuery,
    answer=AlertsOut,
    errors=[NOT_VERIFIED],
)
async def get_alerts(request: web.Request, query: ConversationQuery) -> AlertsOut:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        alerts = await profile.alert_settings(session, customer)
        linked = await telegram_linked(session, customer)
        return AlertsOut.of(alerts, REGION_CURRENCY[customer.region], linked)


@routes.put(
    "/me/alerts",
    "Change any subset of the alert settings (Telegram alerts need a linked chat: "
    "POST /me/alerts/telegram-link; until then they go by SMS)",
    scopes=ACTIONS,
    body=AlertsChange,
    answer=AlertsOut,
    errors=[NOT_VERIFIED],
)
async def update_alerts(request: web.Request, body: AlertsChange) -> AlertsOut:
    sent = body.__fields_set__
    changes: dict[str, Any] = {}
    for name in _ALERT_FLAGS:
        if name in sent:
            if getattr(body, name) is None:
                raise bad_request(f"{name} must be true or false.")
            changes[name] = getattr(body, name)
    for name, column in _ALERT_THRESHOLDS.items():
        if name in sent:
            cents = getattr(body, name)
            if cents is not None and cents <= 0:
                raise bad_request(f"{name} must be more than zero, or null to turn the alert off.")
            changes[column] = cents
    if "channel" in sent:
        if body.channel is None:
            raise bad_request("channel must be one of: sms, whatsapp, telegram, email.")
        changes["channel"] = body.channel
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id)
        alerts = await profile.update_alerts(session, customer, changes, now(request), body.conversation_id)
        linked = await telegram_linked(session, customer)
        return AlertsOut.of(alerts, REGION_CURRENCY[customer.region], linked)

"""Profile (contact details) and alert preferences."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from account_service import profile
from account_service.app_keys import MESSENGER
from account_service.errors import ServiceError, bad_request
from account_service.routes.common import json, me, now, settings, transaction
from account_service.validation import (
    amount_cents,
    boolean,
    conversation_id,
    query_conversation_id,
    read_json,
    text,
)
from account_service.views import REGION_CURRENCY, alerts_view

routes = web.RouteTableDef()

_ALERT_FLAGS = ("online_transactions", "payment_due")
_ALERT_THRESHOLDS = {
    "large_purchase_threshold": "large_purchase_threshold_cents",
    "balance_threshold": "balance_threshold_cents",
}


@routes.get("/me/profile")
async def get_profile(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        body = profile.profile_view(customer)
    return json(body)


@routes.patch("/me/profile")
async def update_profile(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    if "phone" in data:
        # Asked before any code: the answer is the same whoever asks, and nothing is changed.
        raise ServiceError(
            422,
            "phone_not_changeable",
            "The registered phone number is changed by phone or in the app, not in chat.",
        )
    email = text(data, "email", max_length=254, required=False)
    address = text(data, "mailing_address", max_length=300, required=False, min_length=5)
    if email is None and address is None:
        raise bad_request("Give email or mailing_address to change.")
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation, fresh=True)
        profile.update_profile(
            session,
            customer,
            email=email,
            mailing_address=address,
            messenger=request.app[MESSENGER],
            issuer_name=config.issuer_name,
            now=now(request),
            conversation_id=conversation,
        )
        body = profile.profile_view(customer)
    return json(body)


@routes.get("/me/alerts")
async def get_alerts(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        alerts = await profile.alert_settings(session, customer)
        body = alerts_view(alerts, REGION_CURRENCY[customer.region])
    return json(body)


@routes.put("/me/alerts")
async def update_alerts(request: web.Request) -> web.Response:
    data = await read_json(request)
    conversation = conversation_id(data)
    changes: dict[str, Any] = {}
    for name in _ALERT_FLAGS:
        if name in data:
            changes[name] = boolean(data, name)
    for name, column in _ALERT_THRESHOLDS.items():
        if name in data:
            cents = amount_cents(data, name, nullable=True)
            if cents is not None and cents <= 0:
                raise bad_request(f"{name} must be more than zero, or null to turn the alert off.")
            changes[column] = cents
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        alerts = await profile.update_alerts(session, customer, changes, now(request), conversation)
        body = alerts_view(alerts, REGION_CURRENCY[customer.region])
    return json(body)

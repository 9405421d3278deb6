"""Statements: listing, download links, and the download itself (no bearer token)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from account_service import signed_links, statements
from account_service.accounts import current_cards, find_card
from account_service.errors import ServiceError
from account_service.models import CardAccount, Statement
from account_service.routes.common import json, me, now, settings, transaction
from account_service.validation import (
    conversation_id,
    path_id,
    query_conversation_id,
    query_last_four,
    read_json,
)
from account_service.views import statement_view

routes = web.RouteTableDef()


@routes.get("/me/statements")
async def list_statements(request: web.Request) -> web.Response:
    conversation = query_conversation_id(request)
    card_filter = query_last_four(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        query = (
            select(Statement, CardAccount)
            .join(CardAccount, Statement.account_id == CardAccount.id)
            .where(CardAccount.customer_id == customer.id)
            .order_by(Statement.closing_date.desc(), Statement.id.desc())
        )
        if card_filter is not None:
            _card, account = await find_card(session, customer, card_filter)
            query = query.where(Statement.account_id == account.id)
        cards = await current_cards(session, customer)
        rows = (await session.execute(query)).all()
    return json({"statements": [statement_view(s, cards[account.id], account) for s, account in rows]})


@routes.post("/me/statements/{statement_id}/link")
async def statement_link(request: web.Request) -> web.Response:
    statement_id = path_id(request, "statement_id")
    conversation = conversation_id(await read_json(request))
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, conversation)
        statement = await statements.customer_statement(session, customer, statement_id)
        if statement is None:
            raise ServiceError(404, "no_such_statement", "The customer has no statement with that ID.")
        token = statements.download_token(config.secret, statement, now(request))
        statements.record_link(session, statement, customer, now(request), conversation)
    return json(
        {
            "url": f"{config.public_url}/statements/download/{token}",
            "expires_in": int(statements.LINK_LIFETIME.total_seconds()),
        }
    )


@routes.get("/statements/download/{token}")
async def download(request: web.Request) -> web.Response:
    config = settings(request)
    try:
        payload = signed_links.verify(
            config.secret, statements.LINK_PURPOSE, request.match_info["token"], now(request)
        )
    except signed_links.LinkExpired:
        raise ServiceError(410, "expired", "This download link has expired; ask for a new one.") from None
    except signed_links.LinkInvalid:
        raise ServiceError(404, "no_such_link", "This download link is not valid.") from None
    async with transaction(request) as session:
        document = await statements.statement_pdf(session, int(payload), config.issuer_name)
    if document is None:
        raise ServiceError(404, "no_such_link", "This download link is not valid.")
    pdf, filename = document
    return web.Response(
        body=pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"', "Cache-Control": "no-store"},
    )

"""Statements: listing, download links, and the download itself (no bearer token)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from account_service import signed_links, statements
from account_service.accounts import current_cards, find_card
from account_service.endpoints import ACTIONS, PUBLIC, Answer, Routes, Shape, fail
from account_service.errors import ServiceError
from account_service.fields import LinkToken, RecordId
from account_service.models import CardAccount, Statement
from account_service.routes.common import me, now, settings, transaction
from account_service.schemas.accounts import StatementOut, Statements
from account_service.schemas.common import NO_CARD, NOT_VERIFIED, CardFilterQuery, ConversationBody

routes = Routes("statements")


class StatementPath(Shape):
    statement_id: RecordId


class DownloadLink(Answer):
    url: str
    expires_in: int


class TokenPath(Shape):
    token: LinkToken


@routes.get(
    "/me/statements",
    "Monthly statements, newest first",
    scopes=ACTIONS,
    query=CardFilterQuery,
    answer=Statements,
    errors=[NOT_VERIFIED, NO_CARD],
)
async def list_statements(request: web.Request, query: CardFilterQuery) -> Statements:
    async with transaction(request) as session:
        customer = await me(request, session, query.conversation_id)
        selected = (
            select(Statement, CardAccount)
            .join(CardAccount, Statement.account_id == CardAccount.id)
            .where(CardAccount.customer_id == customer.id)
            .order_by(Statement.closing_date.desc(), Statement.id.desc())
        )
        if query.card is not None:
            _card, account = await find_card(session, customer, query.card)
            selected = selected.where(Statement.account_id == account.id)
        cards = await current_cards(session, customer)
        rows = (await session.execute(selected)).all()
    return Statements(statements=[StatementOut.of(s, cards[account.id], account) for s, account in rows])


@routes.post(
    "/me/statements/{statement_id}/link",
    "A signed download link valid for 10 minutes",
    scopes=ACTIONS,
    path_model=StatementPath,
    body=ConversationBody,
    answer=DownloadLink,
    errors=[NOT_VERIFIED, fail(404, "No such statement", "no_such_statement")],
)
async def statement_link(request: web.Request, path: StatementPath, body: ConversationBody) -> DownloadLink:
    config = settings(request)
    async with transaction(request) as session:
        customer = await me(request, session, body.conversation_id)
        statement = await statements.customer_statement(session, customer, path.statement_id)
        if statement is None:
            raise ServiceError(404, "no_such_statement", "The customer has no statement with that ID.")
        token = statements.download_token(config.link_keys, statement, now(request))
        statements.record_link(session, statement, customer, now(request), body.conversation_id)
    return DownloadLink(
        url=f"{config.public_url}/statements/download/{token}",
        expires_in=int(statements.LINK_LIFETIME.total_seconds()),
    )


@routes.get(
    "/statements/download/{token}",
    "The statement as a PDF (opened by the customer's browser: no bearer token)",
    scopes=PUBLIC,
    path_model=TokenPath,
    content_type="application/pdf",
    errors=[fail(404, "Not a valid link", "no_such_link"), fail(410, "The link expired", "expired")],
)
async def download(request: web.Request, path: TokenPath) -> web.Response:
    config = settings(request)
    try:
        payload = signed_links.verify(config.link_keys, statements.LINK_PURPOSE, path.token, now(request))
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

"""Changes that move money or send something somewhere need a code younger than 5 minutes, tried
as someone who has a verified conversation but not the customer's phone would: every such route
answers 403 fresh_code_needed and does nothing. Protective actions need no fresh code."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from tests.service.api import Api

pytestmark = pytest.mark.asyncio


def attempts(due_date: str) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (
            "POST",
            "/payments",
            {"card_last_four": "2002", "amount": "10.00", "pay_on": due_date, "idempotency_key": "k"},
        ),
        ("PUT", "/autopay", {"card_last_four": "2002", "amount_type": "minimum_due"}),
        ("DELETE", "/autopay", {"card": "2010"}),
        ("POST", "/replacements", {"card_last_four": "2002", "reason": "lost"}),
        ("POST", "/password-reset", {}),
        ("POST", "/user-id-reminder", {}),
        ("PATCH", "/profile", {"email": "thief@example.net"}),
        ("PATCH", "/profile", {"mailing_address": "1 Thief Lane, Springfield"}),
        ("POST", "/rewards/redemptions", {"option": "Statement credit", "points": 1000}),
    ]


async def send(api: Api, method: str, path: str, fields: dict[str, Any]) -> tuple[int, Any]:
    if method == "DELETE":
        return await api.me_delete(path, **fields)
    return await api.me_send(method, path, **fields)


async def test_every_change_that_moves_money_or_sends_something_needs_a_fresh_code(
    api: Api, db: sqlite3.Connection
) -> None:
    await api.verify("conv-a")
    due_date = (await api.account("2002"))["due_date"]
    await api.advance(5 * 60 + 1)
    sent_before = len(await api.outbox())
    audit_before = db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    for method, path, fields in attempts(due_date):
        status, body = await send(api, method, path, fields)
        assert (status, body["error"]) == (403, "fresh_code_needed"), (method, path)
    assert len(await api.outbox()) == sent_before, "nothing was sent anywhere"
    assert db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audit_before
    assert (await api.card("2002"))["status"] == "active"
    assert (await api.me_get("/rewards"))[1]["points"] == 48_250
    assert (await api.me_get("/profile"))[1]["email"] == "a••••n@example.com"

    # A confirm code (to the registered phone) makes them possible again.
    await api.verify("conv-a", purpose="confirm")
    for method, path, fields in attempts(due_date):
        status, _ = await send(api, method, path, fields)
        assert status in (200, 201), (method, path, status)


async def test_protective_actions_need_no_fresh_code(api: Api) -> None:
    await api.verify("conv-a")
    await api.advance(5 * 60 + 1)
    assert (await api.me_post("/cards/2002/freeze"))[0] == 200
    # Unfreezing lets the card spend again: that is a change, not protection.
    status, answer = await api.me_post("/cards/2002/unfreeze")
    assert (status, answer["error"]) == (403, "fresh_code_needed")
    assert (await api.card("2002"))["status"] == "frozen"
    transactions = (await api.me_get("/transactions", card="2010", limit="3"))[1]["transactions"]
    purchase = next(t for t in transactions if not t["amount"].startswith("-"))
    status, _ = await api.me_post("/disputes", transaction_id=purchase["id"], reason="not_received")
    assert status == 201
    # A fraud report freezes and opens the case at once; the new card (sent to an address) waits
    # for a fresh code.
    status, reported = await api.me_post(
        "/fraud-reports", card_last_four="2010", transaction_ids=[purchase["id"]]
    )
    assert status == 201 and reported["card_frozen"] and reported["replacement"] is None
    assert (await api.card("2010"))["status"] == "frozen"
    await api.verify("conv-a", purpose="confirm")
    assert (await api.me_post("/cards/2002/unfreeze"))[0] == 200


async def test_an_app_login_is_never_fresh_for_these_either(api: Api) -> None:
    from common.app_login import in_app_conversation_id
    from tests.in_app.tokens import claims, hs256

    body = {"app_token": hs256(claims(logged_in_ago_s=5)), "sender": "phone-1"}
    assert (await api.call("POST", "/identity/app-sessions", json=body, caller="channels"))[0] == 201
    conversation = in_app_conversation_id("alex.morgan", "phone-1")
    for path in ("/password-reset", "/user-id-reminder"):
        status, answer = await api.me_post(path, conversation)
        assert (status, answer["error"]) == (403, "fresh_code_needed")


async def test_a_changed_email_or_address_is_told_to_the_old_email_without_the_new_value(api: Api) -> None:
    await api.verify("conv-a")
    status, _ = await api.me_send("PATCH", "/profile", email="taken.over@evil.example")
    assert status == 200
    notice = (await api.outbox())[-1]
    assert (notice["channel"], notice["to"]) == ("email", "alex.morgan@example.com")
    assert "email address" in notice["text"] and "taken.over@evil.example" not in notice["text"]

    new_address = "77 Drop Street, Elsewhere, NV 89001"
    status, _ = await api.me_send("PATCH", "/profile", mailing_address=new_address)
    assert status == 200
    notice = (await api.outbox())[-1]
    assert notice["to"] == "taken.over@evil.example"  # the email on file at that moment
    assert "mailing address" in notice["text"] and "Drop Street" not in notice["text"]

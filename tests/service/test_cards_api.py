"""Card actions and the cases about cards: status changes, declines, fraud, disputes, replacements."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from account_service import cards
from tests.service.api import Api, utc_today

pytestmark = pytest.mark.asyncio


async def test_freeze_and_unfreeze(api: Api) -> None:
    await api.verify()
    status, card = await api.me_post("/cards/2002/freeze")
    assert (status, card["status"], card["last_four"]) == (200, "frozen", "2002")
    status, body = await api.me_post("/cards/2002/freeze")
    assert (status, body["error"], body["status"]) == (409, "wrong_status", "frozen")
    assert (await api.me_get("/cards/2002/decline-check"))[1]["reason"] == "frozen"
    status, card = await api.me_post("/cards/2002/unfreeze")
    assert (status, card["status"]) == (200, "active")
    status, body = await api.me_post("/cards/2002/unfreeze")
    assert (status, body["error"], body["status"]) == (409, "wrong_status", "active")


async def test_activating_a_new_card(api: Api) -> None:
    await api.verify("conv-s", "sam.lee")
    status, card = await api.me_post("/cards/3005/activate", "conv-s")
    assert (status, card["status"]) == (200, "active")
    status, body = await api.me_post("/cards/3005/activate", "conv-s")
    assert (status, body["error"], body["status"]) == (409, "wrong_status", "active")


async def test_card_actions_on_a_card_the_customer_does_not_have(api: Api) -> None:
    await api.verify()
    for action in ("activate", "freeze", "unfreeze"):
        status, body = await api.me_post(f"/cards/1005/{action}")
        assert (status, body["error"]) == (404, "no_such_card")
    assert (await api.me_get("/cards/1005/decline-check"))[0] == 404
    assert (await api.me_post("/cards/20x2/freeze"))[0] == 400


@pytest.mark.parametrize(
    ("user_id", "card", "reason"),
    [
        ("alex.morgan", "2002", "none"),
        ("sam.lee", "3005", "inactive"),
        ("sam.lee", "3013", "over_limit"),
        ("jordan.reyes", "4006", "fraud_hold"),
    ],
)
async def test_decline_check_names_the_reason(api: Api, user_id: str, card: str, reason: str) -> None:
    await api.verify("conv-x", user_id)
    status, body = await api.me_get(f"/cards/{card}/decline-check", "conv-x")
    assert status == 200
    assert body["card_last_four"] == card
    assert body["reason"] == reason
    assert body["currency"] == "USD"
    if reason == "over_limit":
        assert body["available_credit"] == "0.00"


async def test_fraud_hold_comes_before_frozen_in_the_decline_check(api: Api) -> None:
    await api.verify("conv-j", "jordan.reyes")
    await api.me_post("/cards/4006/freeze", "conv-j")
    assert (await api.me_get("/cards/4006/decline-check", "conv-j"))[1]["reason"] == "fraud_hold"


async def test_replacing_a_lost_card_blocks_it_and_issues_a_new_inactive_number(api: Api) -> None:
    await api.verify()
    status, body = await api.me_post("/replacements", card_last_four="2002", reason="lost")
    assert status == 201
    assert body["reference"].startswith("RP-")
    assert body["old_card_status"] == "replaced"
    delivery = date.fromisoformat(body["estimated_delivery"])
    assert delivery.weekday() < 5
    assert 7 <= (delivery - utc_today()).days <= 11

    old = await api.card("2002")
    assert old["status"] == "replaced"
    new = await api.card(body["new_card_last_four"])
    assert new["status"] == "inactive"
    assert new["last_four"] != "2002"
    assert (await api.me_get("/cards/2002/decline-check"))[1]["reason"] == "replaced"
    status, body = await api.me_post("/cards/2002/unfreeze")
    assert (status, body["status"]) == (409, "replaced")
    status, body = await api.me_post("/replacements", card_last_four="2002", reason="stolen")
    assert (status, body["error"]) == (409, "wrong_status")


async def test_replacing_a_damaged_card_keeps_it_usable(api: Api) -> None:
    await api.verify()
    cards_before = (await api.me_get("/cards"))[1]["cards"]
    status, body = await api.me_post("/replacements", card_last_four="2010", reason="damaged")
    assert status == 201
    assert body["old_card_status"] == "active"
    assert body["new_card_last_four"] is None
    assert (await api.me_get("/cards"))[1]["cards"] == cards_before


async def test_a_fraud_report_freezes_opens_a_case_and_orders_a_replacement(
    api: Api, db: sqlite3.Connection
) -> None:
    await api.verify()
    marked = [t["id"] for t in (await api.me_get("/transactions", card="2002", limit="2"))[1]["transactions"]]
    status, body = await api.me_post("/fraud-reports", card_last_four="2002", transaction_ids=marked)
    assert status == 201
    assert body["reference"].startswith("FR-")
    assert body["card_frozen"] is True
    assert body["replacement"]["reference"].startswith("RP-")
    date.fromisoformat(body["replacement"]["estimated_delivery"])

    assert (await api.card("2002"))["status"] == "frozen"
    case_types = {row[0] for row in db.execute("SELECT type FROM cases")}
    assert case_types == {"fraud", "replacement"}
    # A card reported for fraud stays frozen; activating the replacement retires it.
    status, refused = await api.me_post("/cards/2002/unfreeze")
    assert (status, refused["error"]) == (409, "wrong_status")
    new_card = next(c for c in (await api.me_get("/cards"))[1]["cards"] if c["status"] == "inactive")
    assert (await api.me_post(f"/cards/{new_card['last_four']}/activate"))[1]["status"] == "active"
    assert (await api.card("2002"))["status"] == "replaced"
    accounts = (await api.me_get("/accounts"))[1]["accounts"]
    assert new_card["last_four"] in {account["card_last_four"] for account in accounts}


async def test_a_fraud_report_is_all_or_nothing(
    api: Api, db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch
) -> None:
    await api.verify()
    marked = [t["id"] for t in (await api.me_get("/transactions", card="2002", limit="2"))[1]["transactions"]]

    async def replacement_fails(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("card manufacturer unreachable")

    monkeypatch.setattr(cards, "order_replacement", replacement_fails)
    status, body = await api.me_post("/fraud-reports", card_last_four="2002", transaction_ids=marked)
    assert (status, body["error"]) == (500, "internal")

    assert (await api.card("2002"))["status"] == "active"
    assert db.execute("SELECT COUNT(*) FROM cases").fetchone() == (0,)
    assert db.execute("SELECT COUNT(*) FROM transactions WHERE disputed").fetchone() == (0,)
    assert len((await api.me_get("/cards"))[1]["cards"]) == 2


async def test_a_fraud_report_marking_another_cards_transaction_changes_nothing(
    api: Api, db: sqlite3.Connection
) -> None:
    await api.verify()
    other = (await api.me_get("/transactions", card="2010", limit="1"))[1]["transactions"][0]["id"]
    status, body = await api.me_post("/fraud-reports", card_last_four="2002", transaction_ids=[other])
    assert (status, body["error"]) == (404, "no_such_transaction")
    assert (await api.card("2002"))["status"] == "active"
    assert db.execute("SELECT COUNT(*) FROM cases").fetchone() == (0,)
    assert (await api.me_post("/fraud-reports", card_last_four="2002", transaction_ids="1"))[0] == 400


async def test_disputing_a_charge_once(api: Api) -> None:
    await api.verify()
    charge = next(
        t
        for t in (await api.me_get("/transactions", limit="20"))[1]["transactions"]
        if not t["amount"].startswith("-")
    )
    status, body = await api.me_post("/disputes", transaction_id=charge["id"], reason="wrong_amount")
    assert status == 201
    assert body["reference"].startswith("DP-")
    assert body["transaction"]["id"] == charge["id"]
    assert body["transaction"]["disputed"] is True
    status, body = await api.me_post("/disputes", transaction_id=str(charge["id"]), reason="duplicate")
    assert (status, body["error"]) == (409, "already_disputed")


async def test_dispute_input_and_ownership(api: Api) -> None:
    await api.verify("conv-p", "priya.sharma")
    priya_transaction = (await api.me_get("/transactions", "conv-p"))[1]["transactions"][0]["id"]
    await api.verify("conv-a")
    status, body = await api.me_post("/disputes", "conv-a", transaction_id=priya_transaction, reason="other")
    assert (status, body["error"]) == (404, "no_such_transaction")
    status, body = await api.me_post("/disputes", "conv-a", transaction_id=priya_transaction, reason="angry")
    assert (status, body["error"]) == (400, "bad_request")
    payment = next(
        t
        for t in (await api.me_get("/transactions", "conv-a", limit="50"))[1]["transactions"]
        if t["amount"][0] == "-"
    )
    status, body = await api.me_post("/disputes", "conv-a", transaction_id=payment["id"], reason="other")
    assert (status, body["error"]) == (409, "not_disputable")

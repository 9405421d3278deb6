"""Paying the card: limits, dates, idempotency, autopay."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.service.api import Api, utc_today

pytestmark = pytest.mark.asyncio


def pay(card: str, amount: object, pay_on: str, key: str) -> dict[str, object]:
    return {"card_last_four": card, "amount": amount, "pay_on": pay_on, "idempotency_key": key}


async def test_paying_today_completes_and_moves_the_balance(api: Api) -> None:
    await api.verify()
    before = await api.account("2002")
    today = utc_today().isoformat()
    status, payment = await api.me_post("/payments", **pay("2002", "125.50", today, "key-1"))
    assert status == 201
    assert payment["status"] == "completed"
    assert payment["amount"] == "125.50"
    assert payment["currency"] == "USD"
    assert payment["pay_on"] == today
    assert payment["from_account"] == "••••6789"
    assert payment["reference"].startswith("PM-")

    after = await api.account("2002")
    assert Decimal(after["balance"]) == Decimal(before["balance"]) - Decimal("125.50")
    assert Decimal(after["available_credit"]) == Decimal(before["available_credit"]) + Decimal("125.50")
    latest = (await api.me_get("/transactions", card="2002", limit="1"))[1]["transactions"][0]
    assert (latest["amount"], latest["posted_on"]) == ("-125.50", today)


async def test_paying_later_schedules_and_leaves_the_balance(api: Api) -> None:
    await api.verify()
    before = await api.account("2010")
    status, payment = await api.me_post("/payments", **pay("2010", 40, before["due_date"], "key-2"))
    assert (status, payment["status"], payment["amount"]) == (201, "scheduled", "40.00")
    assert (await api.account("2010"))["balance"] == before["balance"]
    listed = (await api.me_get("/payments", card="2010"))[1]["payments"]
    assert listed[0]["reference"] == payment["reference"]
    assert listed[0]["status"] == "scheduled"


async def test_the_same_idempotency_key_pays_once(api: Api, db: sqlite3.Connection) -> None:
    await api.verify()
    before = await api.account("2002")
    body = pay("2002", "10.00", utc_today().isoformat(), "retry-me")
    first = await api.me_post("/payments", **body)
    second = await api.me_post("/payments", **body)
    assert (first[0], second[0]) == (201, 200)
    assert first[1] == second[1]
    assert Decimal((await api.account("2002"))["balance"]) == Decimal(before["balance"]) - 10
    assert db.execute("SELECT COUNT(*) FROM payments WHERE idempotency_key = 'retry-me'").fetchone() == (1,)


async def test_the_same_key_sent_twice_at_once_pays_once(api: Api, db: sqlite3.Connection) -> None:
    await api.verify()
    before = await api.account("2002")
    body = pay("2002", "7.00", utc_today().isoformat(), "double-click")
    answers = await asyncio.gather(api.me_post("/payments", **body), api.me_post("/payments", **body))
    assert sorted(status for status, _ in answers) == [200, 201]
    assert answers[0][1]["reference"] == answers[1][1]["reference"]
    assert Decimal((await api.account("2002"))["balance"]) == Decimal(before["balance"]) - 7
    assert db.execute("SELECT COUNT(*) FROM payments WHERE idempotency_key = 'double-click'").fetchone() == (
        1,
    )


async def test_amounts_above_zero_and_up_to_the_balance(api: Api) -> None:
    await api.verify()
    account = await api.account("2002")
    today = utc_today().isoformat()
    too_much = str(Decimal(account["balance"]) + Decimal("0.01"))
    for index, amount in enumerate(("0", "-5.00", too_much)):
        status, body = await api.me_post("/payments", **pay("2002", amount, today, f"bad-{index}"))
        assert (status, body["error"]) == (422, "invalid_amount"), amount
    status, body = await api.me_post("/payments", **pay("2002", account["balance"], today, "all-of-it"))
    assert status == 201
    assert (await api.account("2002"))["balance"] == "0.00"


async def test_dates_from_today_to_the_due_date(api: Api) -> None:
    await api.verify()
    due = date.fromisoformat((await api.account("2002"))["due_date"])
    for index, day in enumerate((utc_today() - timedelta(days=1), due + timedelta(days=1))):
        status, body = await api.me_post("/payments", **pay("2002", "5", day.isoformat(), f"date-{index}"))
        assert (status, body["error"]) == (422, "invalid_date")


@pytest.mark.parametrize(
    "changes",
    [
        {"amount": "12.345"},
        {"amount": "ten"},
        {"amount": True},
        {"pay_on": "tomorrow"},
        {"idempotency_key": ""},
        {"idempotency_key": "k" * 129},
        {"card_last_four": 2002},
    ],
)
async def test_malformed_payments_are_400(api: Api, changes: dict[str, object]) -> None:
    await api.verify()
    body = {**pay("2002", "5.00", utc_today().isoformat(), "k"), **changes}
    status, answer = await api.me_post("/payments", **body)
    assert (status, answer["error"]) == (400, "bad_request")


async def test_paying_a_card_the_customer_does_not_have(api: Api) -> None:
    await api.verify()
    status, body = await api.me_post("/payments", **pay("1005", "5.00", utc_today().isoformat(), "k"))
    assert (status, body["error"]) == (404, "no_such_card")


async def test_autopay_enrol_change_and_cancel(api: Api) -> None:
    await api.verify()
    status, body = await api.me_get("/autopay")
    assert status == 200
    assert [(a["card_last_four"], a["enrolled"], a["amount_type"]) for a in body["autopay"]] == [
        ("2002", False, None),
        ("2010", True, "statement_balance"),
    ]
    status, setting = await api.me_send(
        "PUT", "/autopay", card_last_four="2002", amount_type="fixed", fixed_amount="250"
    )
    assert status == 200
    assert setting == {
        "card_last_four": "2002",
        "enrolled": True,
        "amount_type": "fixed",
        "fixed_amount": "250.00",
        "currency": "USD",
    }
    status, setting = await api.me_send("PUT", "/autopay", card_last_four="2002", amount_type="minimum_due")
    assert (setting["amount_type"], setting["fixed_amount"]) == ("minimum_due", None)
    status, setting = await api.me_delete("/autopay", card="2002")
    assert (status, setting["enrolled"], setting["amount_type"]) == (200, False, None)


async def test_autopay_input_is_checked(api: Api) -> None:
    await api.verify()
    cases = [
        ({"card_last_four": "2002", "amount_type": "fixed"}, 400, "bad_request"),
        ({"card_last_four": "2002", "amount_type": "fixed", "fixed_amount": "0"}, 422, "invalid_amount"),
        ({"card_last_four": "2002", "amount_type": "minimum_due", "fixed_amount": "5"}, 400, "bad_request"),
        ({"card_last_four": "2002", "amount_type": "everything"}, 400, "bad_request"),
        ({"card_last_four": "1005", "amount_type": "minimum_due"}, 404, "no_such_card"),
    ]
    for body, status, error in cases:
        answer = await api.me_send("PUT", "/autopay", **body)
        assert (answer[0], answer[1]["error"]) == (status, error), body
    assert (await api.me_delete("/autopay"))[0] == 400

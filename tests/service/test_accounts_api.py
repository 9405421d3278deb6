"""Balances, cards, transactions and statements as a verified customer sees them."""

from __future__ import annotations

import base64
import json
import re
from datetime import date

import pytest

from tests.service.api import Api, utc_today

pytestmark = pytest.mark.asyncio

MONEY = re.compile(r"^-?\d+\.\d{2}$")


async def test_accounts_one_per_card_account_with_money_as_strings(api: Api) -> None:
    await api.verify()
    status, body = await api.me_get("/accounts")
    assert status == 200
    accounts = body["accounts"]
    assert [(a["card_last_four"], a["product"], a["currency"]) for a in accounts] == [
        ("2002", "Gold Card", "USD"),
        ("2010", "Platinum Card", "USD"),
    ]
    for account in accounts:
        for field in ("balance", "credit_limit", "available_credit", "statement_balance", "minimum_due"):
            assert MONEY.match(account[field]), (field, account[field])
        assert float(account["available_credit"]) == pytest.approx(
            float(account["credit_limit"]) - float(account["balance"])
        )
        assert account["bank_account"] == {"bank_name": "Chase checking", "masked": "••••6789"}
        assert 10 <= (date.fromisoformat(account["due_date"]) - utc_today()).days <= 20


async def test_priya_banks_in_rupees(api: Api) -> None:
    await api.verify("conv-p", "priya.sharma")
    account = await api.account("1005", "conv-p")
    assert account["currency"] == "INR"
    assert account["bank_account"]["masked"] == "••••4821"


async def test_cards_with_status_expiry_and_fraud_hold(api: Api) -> None:
    await api.verify("conv-s", "sam.lee")
    status, body = await api.me_get("/cards", "conv-s")
    assert status == 200
    cards = {card["last_four"]: card for card in body["cards"]}
    assert cards["3005"]["status"] == "inactive"
    assert cards["3013"]["status"] == "active"
    assert re.match(r"^\d{2}/\d{2}$", cards["3013"]["expiry"])
    assert cards["3013"]["fraud_hold"] is False


async def test_recent_transactions_newest_first_five_by_default(api: Api) -> None:
    await api.verify()
    status, body = await api.me_get("/transactions")
    assert status == 200
    transactions = body["transactions"]
    assert len(transactions) == 5
    dates = [t["posted_on"] for t in transactions]
    assert dates == sorted(dates, reverse=True)
    first = transactions[0]
    assert set(first) >= {"id", "card_last_four", "posted_on", "merchant", "amount", "currency", "pending"}
    assert MONEY.match(first["amount"])


async def test_transactions_of_one_card_up_to_fifty(api: Api) -> None:
    await api.verify()
    status, body = await api.me_get("/transactions", card="2010", limit="50")
    assert status == 200
    assert {t["card_last_four"] for t in body["transactions"]} == {"2010"}
    assert 15 <= len(body["transactions"]) <= 50
    assert any(t["pending"] for t in body["transactions"])


@pytest.mark.parametrize(
    ("params", "status"), [({"limit": "0"}, 400), ({"limit": "51"}, 400), ({"limit": "x"}, 400)]
)
async def test_transaction_limit_outside_1_to_50_is_400(
    api: Api, params: dict[str, str], status: int
) -> None:
    await api.verify()
    assert (await api.me_get("/transactions", **params))[0] == status


async def test_another_customers_card_is_no_such_card(api: Api) -> None:
    await api.verify()
    for path in ("/transactions", "/statements", "/payments", "/autopay"):
        status, body = await api.me_get(path, card="1005")
        assert (status, body["error"]) == (404, "no_such_card"), path
    status, body = await api.me_get("/transactions", card="12")
    assert status == 400


async def test_statements_newest_first_at_least_six_months(api: Api) -> None:
    await api.verify()
    status, body = await api.me_get("/statements", card="2002")
    assert status == 200
    statements = body["statements"]
    assert len(statements) >= 6
    periods = [s["period"] for s in statements]
    assert periods == sorted(periods, reverse=True)
    assert len(set(periods)) == len(periods)
    latest = statements[0]
    account = await api.account("2002")
    assert latest["balance"] == account["statement_balance"]
    assert latest["due_date"] == account["due_date"]


async def test_a_statement_download_link_opens_a_pdf_without_the_token_for_ten_minutes(api: Api) -> None:
    await api.verify()
    statement = (await api.me_get("/statements", card="2002"))[1]["statements"][1]
    status, link = await api.me_post(f"/statements/{statement['id']}/link")
    assert status == 200
    assert link["expires_in"] == 600
    path = link["url"].split("//", 1)[1].split("/", 1)[1]
    assert link["url"].startswith("http://localhost:8081/statements/download/")

    status, pdf = await api.call("GET", f"/{path}", auth=False)
    assert status == 200
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert b"Card ending 2002" in pdf
    assert statement["period"].encode() in pdf
    assert b"American Express" in pdf

    await api.advance(9 * 60)
    assert (await api.call("GET", f"/{path}", auth=False))[0] == 200
    await api.advance(61)
    status, body = await api.call("GET", f"/{path}", auth=False)
    assert (status, body["error"]) == (410, "expired")


async def test_a_tampered_download_link_is_refused(api: Api) -> None:
    await api.verify()
    statement = (await api.me_get("/statements"))[1]["statements"][0]
    _, link = await api.me_post(f"/statements/{statement['id']}/link")
    token = link["url"].rsplit("/", 1)[1]
    payload, signature = token.rsplit(".", 1)
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for changed in ({**claims, "p": str(int(claims["p"]) + 1)}, {**claims, "e": claims["e"] + 3600}):
        forged_payload = base64.urlsafe_b64encode(json.dumps(changed).encode()).rstrip(b"=").decode()
        for forged in (f"{forged_payload}.{signature}", f"{payload}.{signature[:-2]}", "x.y.z"):
            status, body = await api.call("GET", f"/statements/download/{forged}", auth=False)
            assert (status, body["error"]) == (404, "no_such_link")


async def test_a_link_to_another_customers_statement_is_not_given(api: Api) -> None:
    await api.verify("conv-p", "priya.sharma")
    priya_statement = (await api.me_get("/statements", "conv-p"))[1]["statements"][0]
    await api.verify("conv-a")
    status, body = await api.me_post(f"/statements/{priya_statement['id']}/link", "conv-a")
    assert (status, body["error"]) == (404, "no_such_statement")

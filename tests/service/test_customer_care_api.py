"""Rewards, alerts, profile, access help and handoffs to a person."""

from __future__ import annotations

import json
import sqlite3

import pytest

from tests.service.api import Api

pytestmark = pytest.mark.asyncio


async def test_rewards_points_and_options(api: Api) -> None:
    await api.verify()
    status, body = await api.me_get("/rewards")
    assert status == 200
    assert body["program"] == "Membership Rewards"
    assert body["points"] == 48_250
    names = [option["name"] for option in body["options"]]
    assert names == ["Statement credit", "Gift card", "Travel"]
    assert all({"name", "points_needed", "value"} <= set(option) for option in body["options"])


async def test_redeeming_points(api: Api) -> None:
    await api.verify()
    status, body = await api.me_post("/rewards/redemptions", option="Statement credit", points=5_000)
    assert status == 201
    assert body["points_left"] == 43_250
    assert body["reference"].startswith("RW-")
    assert (body["value"], body["currency"]) == ("30.00", "USD")
    assert (await api.me_get("/rewards"))[1]["points"] == 43_250


async def test_redemption_refusals(api: Api) -> None:
    await api.verify("conv-s", "sam.lee")
    cases = [
        ({"option": "Travel", "points": 10_000}, 422, "not_enough_points"),
        ({"option": "Yacht", "points": 1_000}, 404, "no_such_option"),
        ({"option": "Statement credit", "points": 1_500}, 400, "bad_request"),
        ({"option": "Statement credit", "points": "1000"}, 400, "bad_request"),
    ]
    for body, status, error in cases:
        answer = await api.me_post("/rewards/redemptions", "conv-s", **body)
        assert (answer[0], answer[1]["error"]) == (status, error), body
    assert (await api.me_get("/rewards", "conv-s"))[1]["points"] == 3_150


async def test_alerts_read_and_change_any_subset(api: Api) -> None:
    await api.verify()
    status, alerts = await api.me_get("/alerts")
    assert status == 200
    assert alerts["large_purchase_threshold"] == "500.00"
    assert alerts["balance_threshold"] is None

    status, alerts = await api.me_send("PUT", "/alerts", balance_threshold="2500", online_transactions=False)
    assert status == 200
    assert alerts["balance_threshold"] == "2500.00"
    assert alerts["online_transactions"] is False
    assert alerts["large_purchase_threshold"] == "500.00"
    assert alerts["payment_due"] is True

    status, alerts = await api.me_send("PUT", "/alerts", large_purchase_threshold=None)
    assert alerts["large_purchase_threshold"] is None
    for bad in ({"payment_due": "yes"}, {"balance_threshold": "-1"}, {"balance_threshold": "lots"}):
        assert (await api.me_send("PUT", "/alerts", **bad))[0] == 400


async def test_profile_is_masked(api: Api) -> None:
    await api.verify()
    status, profile = await api.me_get("/profile")
    assert status == 200
    assert profile == {
        "first_name": "Alex",
        "email": "a••••n@example.com",
        "phone": "•••• ••• 2002",
        "mailing_address": "350 Park Avenue, Apt 12B, New York, NY 10022",
    }


async def test_changing_the_email_tells_the_old_address(api: Api) -> None:
    await api.verify()
    status, profile = await api.me_send("PATCH", "/profile", email="alex.m@example.org")
    assert status == 200
    assert profile["email"] == "a••••m@example.org"
    notice = (await api.outbox())[-1]
    assert (notice["channel"], notice["to"]) == ("email", "alex.morgan@example.com")
    assert "changed" in notice["text"]
    await api.verify("conv-b")  # codes still go by SMS; the email is for the next email
    assert (await api.me_send("PATCH", "/profile", "conv-b", mailing_address="9 Main St, Hoboken, NJ 07030"))[
        0
    ] == 200
    assert (await api.outbox())[-1]["to"] == "alex.m@example.org"


async def test_profile_refusals(api: Api) -> None:
    await api.verify()
    status, body = await api.me_send("PATCH", "/profile", phone="+1 555 999 0000")
    assert (status, body["error"]) == (422, "phone_not_changeable")
    status, body = await api.me_send("PATCH", "/profile", email="not-an-address")
    assert (status, body["error"]) == (422, "invalid_email")
    assert (await api.me_send("PATCH", "/profile"))[0] == 400
    assert (await api.me_get("/profile"))[1]["email"] == "a••••n@example.com"


async def test_user_id_reminder_goes_to_the_registered_email(api: Api) -> None:
    _, sent = await api.start("conv-a", card_last_four="2002", date_of_birth="1985-09-30")
    await api.check(sent["challenge_id"], await api.latest_code(), "conv-a")
    status, body = await api.me_post("/user-id-reminder")
    assert (status, body) == (200, {"sent_to": "a••••n@example.com"})
    message = (await api.outbox())[-1]
    assert (message["channel"], message["to"]) == ("email", "alex.morgan@example.com")
    assert "alex.morgan" in message["text"]


async def test_password_reset_link_valid_for_an_hour(api: Api) -> None:
    await api.verify()
    status, body = await api.me_post("/password-reset")
    assert (status, body) == (200, {"sent_to": "a••••n@example.com", "expires_in": 3600})
    message = (await api.outbox())[-1]
    assert message["channel"] == "email"
    assert "/password-reset/" in message["text"]
    assert "1 hour" in message["text"]


async def test_access_help_needs_a_verified_conversation(api: Api) -> None:
    for path in ("/user-id-reminder", "/password-reset"):
        status, body = await api.me_post(path, "conv-nobody")
        assert (status, body["error"]) == (401, "not_verified")


async def test_a_handoff_is_queued_with_a_redacted_transcript(api: Api, db: sqlite3.Connection) -> None:
    transcript = [
        {"from": "customer", "text": "my card 3782 822463 10005 was charged twice"},
        {"from": "assistant", "text": "I sent a code"},
        {"from": "customer", "text": "it is 482 913"},
    ]
    status, body = await api.call(
        "POST",
        "/handoffs",
        json={"conversation_id": "conv-h1", "topic": "dispute_charge", "transcript": transcript},
    )
    assert status == 201
    assert body["reference"].startswith("HO-")
    assert (body["position"], body["estimated_wait_minutes"]) == (1, 3)

    status, body = await api.call(
        "POST", "/handoffs", json={"conversation_id": "conv-h2", "topic": "other", "transcript": []}
    )
    assert (body["position"], body["estimated_wait_minutes"]) == (2, 6)

    stored = json.loads(
        db.execute("SELECT details FROM cases WHERE conversation_id = 'conv-h1'").fetchone()[0]
    )
    texts = " ".join(turn["text"] for turn in stored["transcript"])
    assert "card ending 0005" in texts
    assert "822463" not in texts and "482 913" not in texts and "482913" not in texts


async def test_a_handoff_from_a_verified_conversation_names_the_customer(
    api: Api, db: sqlite3.Connection
) -> None:
    await api.verify("conv-v")
    await api.call(
        "POST", "/handoffs", json={"conversation_id": "conv-v", "topic": "fraud", "transcript": []}
    )
    customer = db.execute(
        "SELECT c.user_id FROM cases JOIN customers c ON c.id = cases.customer_id "
        "WHERE cases.type = 'handoff'"
    ).fetchone()
    assert customer == ("alex.morgan",)


@pytest.mark.parametrize(
    "body",
    [
        {"conversation_id": "c", "topic": "x", "transcript": "hello"},
        {"conversation_id": "c", "topic": "x", "transcript": [{"from": "agent", "text": "hi"}]},
        {"conversation_id": "c", "topic": "x", "transcript": [{"from": "customer", "text": 5}]},
        {"conversation_id": "c", "transcript": []},
    ],
)
async def test_bad_handoffs_are_400(api: Api, body: dict[str, object]) -> None:
    status, answer = await api.call("POST", "/handoffs", json=body)
    assert (status, answer["error"]) == (400, "bad_request")

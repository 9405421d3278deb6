"""Identity check over HTTP: the answers the action server gets, and the rules end to end."""

from __future__ import annotations

from pathlib import Path

import pytest

from account_service.database import Database
from tests.service.api import Api, other_code
from tests.service.concurrency import (
    assert_a_challenge_is_consumed_once,
    assert_a_code_passes_once_under_concurrency,
    assert_concurrent_wrong_codes_lock_the_conversation,
)

pytestmark = pytest.mark.asyncio


async def test_a_code_is_sent_and_verifying_it_binds_the_conversation(api: Api) -> None:
    status, sent = await api.start("conv-a", user_id="alex.morgan")
    assert status == 201
    assert sent["channel"] == "sms"
    assert sent["masked_destination"] is None  # the same answer whether or not the details matched
    assert sent["expires_in"] == 300
    assert sent["purpose"] == "verify"
    outbox = await api.outbox()
    assert [message["to"] for message in outbox] == ["+1 555 010 2002"]

    code = await api.latest_code()
    status, body = await api.check(sent["challenge_id"], f"{code[:3]} {code[3:]}")
    assert status == 200
    assert body == {
        "verified": True,
        "customer": {"user_id": "alex.morgan", "first_name": "Alex", "region": "US"},
        "session_expires_in": 900,
    }

    status, session = await api.call("GET", "/sessions/conv-a")
    assert status == 200
    assert session["user_id"] == "alex.morgan"
    assert session["fresh"] is True
    assert session["verified_at"].endswith("Z")
    assert session["channel"] == "unnamed"  # "conv-a" has no channel prefix


async def test_user_id_is_matched_without_regard_to_case(api: Api) -> None:
    status, _ = await api.start(user_id="Alex.Morgan")
    assert status == 201


async def test_by_email_and_by_card_and_date_of_birth(api: Api) -> None:
    status, sent = await api.start(card_last_four="2010", date_of_birth="1985-09-30", channel="email")
    assert (status, sent["channel"], sent["masked_destination"]) == (201, "email", None)
    assert (await api.outbox())[-1]["to"] == "alex.morgan@example.com"


async def test_no_match_answers_exactly_like_a_match_and_sends_nothing(api: Api) -> None:
    status, real = await api.start("conv-real")
    assert status == 201
    sent_before = len(await api.outbox())
    answers = [
        await api.start("conv-1", user_id="nobody.here"),
        await api.start("conv-2", card_last_four="2002", date_of_birth="1985-09-29"),
        await api.start("conv-3", card_last_four="9999", date_of_birth="1985-09-30"),
    ]
    for status, body in answers:
        assert status == 201
        assert {**body, "challenge_id": ""} == {**real, "challenge_id": ""}
        assert len(body["challenge_id"]) == len(real["challenge_id"])
    assert len(await api.outbox()) == sent_before


@pytest.mark.parametrize(
    "body",
    [
        {"conversation_id": "c"},
        {"conversation_id": "c", "card_last_four": "2002"},
        {"conversation_id": "c", "card_last_four": "20O2", "date_of_birth": "1985-09-30"},
        {"conversation_id": "c", "card_last_four": "2002", "date_of_birth": "30/09/1985"},
        {"conversation_id": "c", "user_id": "alex.morgan", "channel": "pigeon"},
        {"conversation_id": "c", "user_id": "alex.morgan", "purpose": "admin"},
        {"conversation_id": "", "user_id": "alex.morgan"},
        {"conversation_id": "c" * 201, "user_id": "alex.morgan"},
        {"conversation_id": 42, "user_id": "alex.morgan"},
        {"conversation_id": "c", "user_id": ["alex.morgan"]},
    ],
)
async def test_bad_challenge_requests_are_400_and_send_nothing(api: Api, body: dict[str, object]) -> None:
    status, answer = await api.call("POST", "/identity/challenges", json=body)
    assert status == 400
    assert answer["error"] == "bad_request"
    assert answer["message"]
    assert await api.outbox() == []


async def test_the_code_expires_when_the_clock_moves_five_minutes(api: Api) -> None:
    _, sent = await api.start()
    await api.advance(301)
    status, body = await api.check(sent["challenge_id"], await api.latest_code())
    assert (status, body["error"]) == (410, "expired")


async def test_wrong_codes_count_down_then_lock_that_conversation_only(api: Api) -> None:
    _, first = await api.start("conv-a")
    first_code = await api.latest_code()
    _, second = await api.start("conv-b")
    second_code = await api.latest_code()

    status, body = await api.check(first["challenge_id"], other_code(first_code), "conv-a")
    assert (status, body["error"], body["attempts_left"]) == (400, "wrong_code", 2)
    status, body = await api.check(second["challenge_id"], other_code(second_code), "conv-b")
    assert (status, body["attempts_left"]) == (400, 2)
    status, body = await api.check(first["challenge_id"], other_code(first_code), "conv-a")
    assert (status, body["attempts_left"]) == (400, 1)
    status, body = await api.check(first["challenge_id"], other_code(first_code), "conv-a")
    assert (status, body["error"]) == (423, "locked")
    locked_until = body["locked_until"]

    status, body = await api.call("GET", "/access/lock-status", params={"conversation_id": "conv-a"})
    assert body == {"locked": True, "locked_until": locked_until}
    status, body = await api.call("GET", "/access/lock-status", params={"conversation_id": "conv-b"})
    assert body == {"locked": False, "locked_until": None}

    sent_before = len(await api.outbox())
    status, body = await api.start("conv-a")
    assert (status, body["error"], body["locked_until"]) == (423, "locked", locked_until)
    assert len(await api.outbox()) == sent_before
    # The customer is not locked out: the other conversation still verifies.
    assert (await api.check(second["challenge_id"], second_code, "conv-b"))[0] == 200

    await api.advance(30 * 60 + 1)
    status, body = await api.call("GET", "/access/lock-status", params={"conversation_id": "conv-a"})
    assert body == {"locked": False, "locked_until": None}
    await api.verify("conv-a")


async def test_lock_status_takes_a_conversation_not_a_user_id(api: Api) -> None:
    status, body = await api.call("GET", "/access/lock-status", params={"conversation_id": "never-seen"})
    assert (status, body) == (200, {"locked": False, "locked_until": None})
    status, body = await api.call("GET", "/access/lock-status", params={"user_id": "alex.morgan"})
    assert (status, body["error"]) == (400, "bad_request")


async def test_a_fourth_code_in_15_minutes_is_silently_not_sent_then_sent_again(api: Api) -> None:
    for conversation in ("c1", "c2", "c3"):
        assert (await api.start(conversation))[0] == 201
    status, body = await api.start("c4")
    assert status == 201 and "retry_after" not in body
    assert len(await api.outbox()) == 3

    await api.advance(15 * 60)
    assert (await api.start("c4"))[0] == 201
    assert len(await api.outbox()) == 4


async def test_unknown_or_foreign_challenges_are_no_challenge(api: Api) -> None:
    _, sent = await api.start("conv-a")
    code = await api.latest_code()
    for challenge_id, conversation, purpose in (
        ("not-a-challenge", "conv-a", "verify"),
        (sent["challenge_id"], "conv-b", "verify"),
        (sent["challenge_id"], "conv-a", "confirm"),
    ):
        status, body = await api.check(challenge_id, code, conversation, purpose=purpose)
        assert (status, body["error"]) == (404, "no_challenge")
        assert code not in str(body)


async def test_a_confirm_code_needs_a_verified_conversation(api: Api) -> None:
    status, body = await api.start("conv-a", purpose="confirm")
    assert (status, body["error"]) == (401, "not_verified")


async def test_ending_a_session(api: Api) -> None:
    await api.verify("conv-a")
    status, _ = await api.call("DELETE", "/sessions/conv-a")
    assert status == 204
    status, body = await api.call("GET", "/sessions/conv-a")
    assert (status, body["error"]) == (404, "not_verified")
    status, body = await api.me_get("/accounts", "conv-a")
    assert (status, body["error"]) == (401, "not_verified")


async def test_the_session_ends_after_15_minutes_idle(api: Api) -> None:
    await api.verify("conv-a")
    await api.advance(14 * 60)
    assert (await api.me_get("/accounts"))[0] == 200  # activity refreshes the idle timer
    await api.advance(14 * 60)
    assert (await api.me_get("/accounts"))[0] == 200
    status, session = await api.call("GET", "/sessions/conv-a")
    assert (status, session["fresh"]) == (200, False)
    await api.advance(15 * 60 + 1)
    status, body = await api.me_get("/accounts")
    assert (status, body["error"]) == (401, "not_verified")


async def test_me_routes_need_a_verified_conversation(api: Api) -> None:
    await api.verify("conv-a")
    status, body = await api.me_get("/accounts", "conv-other")
    assert (status, body["error"]) == (401, "not_verified")


async def test_fresh_routes_need_a_recent_code_and_do_nothing_without_one(api: Api) -> None:
    await api.verify("conv-a")
    before = await api.account("2002")
    await api.advance(5 * 60 + 1)
    payment = {
        "card_last_four": "2002",
        "amount": "10.00",
        "pay_on": before["due_date"],
        "idempotency_key": "k-1",
    }
    attempts = [
        await api.me_post("/payments", **payment),
        await api.me_send("PUT", "/autopay", card_last_four="2002", amount_type="minimum_due"),
        await api.me_delete("/autopay", card="2010"),
        await api.me_send("PATCH", "/profile", mailing_address="1 Elsewhere Road, Boston, MA 02110"),
    ]
    for status, body in attempts:
        assert (status, body["error"]) == (403, "fresh_code_needed")
    payments = (await api.me_get("/payments", card="2002"))[1]["payments"]
    assert [p for p in payments if p["status"] == "scheduled"] == []
    assert (await api.me_get("/autopay", card="2010"))[1]["autopay"][0]["enrolled"] is True
    assert (await api.me_get("/profile"))[1]["mailing_address"].startswith("350 Park Avenue")

    await api.verify("conv-a", purpose="confirm")
    status, body = await api.me_post("/payments", **payment)
    assert (status, body["status"]) == (201, "scheduled")
    assert (await api.me_delete("/autopay", card="2010"))[1]["enrolled"] is False


async def test_one_code_checked_many_times_at_once_passes_once(api: Api) -> None:
    await assert_a_code_passes_once_under_concurrency(api)


async def test_wrong_codes_at_once_are_all_counted(api: Api) -> None:
    await assert_concurrent_wrong_codes_lock_the_conversation(api)


async def test_of_two_transactions_consuming_one_challenge_exactly_one_does(api: Api, db_path: Path) -> None:
    _, sent = await api.start("race-3")
    database = Database(f"sqlite+aiosqlite:///{db_path}")
    try:
        await assert_a_challenge_is_consumed_once(database, sent["challenge_id"])
    finally:
        await database.close()

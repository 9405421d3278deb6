"""The identity check as an attacker would probe it, against the real service process (demo mode:
demo customers and the outbox; every answer padded to the default minimum time).

- Enumeration: does the answer, or its timing, tell whether a User ID (or card + birth date)
  belongs to a customer? Does anything later (wrong codes, the lock status) tell?
- Lockout: can a stranger lock a customer out, or end their session, from another conversation?
- Limits: one conversation or one client address cannot ask endlessly; 20 conversations from
  one machine still can.
"""

from __future__ import annotations

import statistics
import time
import uuid
from typing import Any

import pytest
import requests

from account_service.settings import DEMO_TOKENS
from tests.service.api import CODE_IN_TEXT, other_code

HEADERS = {"Authorization": f"Bearer {DEMO_TOKENS['actions']}"}


class Client:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.http = requests.Session()

    def call(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        reply = self.http.request(method, f"{self.base_url}{path}", headers=HEADERS, timeout=10, **kwargs)
        return reply.status_code, reply.json()

    def start(self, conversation: str, **details: Any) -> tuple[int, Any]:
        return self.call("POST", "/identity/challenges", json={"conversation_id": conversation, **details})

    def check(
        self, challenge_id: str, conversation: str, code: str, purpose: str = "verify"
    ) -> tuple[int, Any]:
        return self.call(
            "POST",
            f"/identity/challenges/{challenge_id}/verify",
            json={"conversation_id": conversation, "code": code, "purpose": purpose},
        )

    def latest_code(self, user_id: str) -> str:
        outbox = self.call("GET", "/demo/outbox", params={"user_id": user_id})[1]
        return CODE_IN_TEXT.findall(outbox[-1]["text"])[-1]

    def sent_count(self, user_id: str) -> int:
        return len(self.call("GET", "/demo/outbox", params={"user_id": user_id})[1])

    def advance(self, seconds: int) -> None:
        assert self.call("POST", "/demo/clock", json={"advance_seconds": seconds})[0] == 200

    def verify(self, conversation: str, user_id: str) -> None:
        status, sent = self.start(conversation, user_id=user_id)
        assert status == 201, sent
        status, body = self.check(sent["challenge_id"], conversation, self.latest_code(user_id))
        assert status == 200, body


@pytest.fixture
def service(demo_service: str) -> Client:
    client = Client(demo_service)
    client.advance(24 * 3600)  # each test on a clean day: earlier tests' limits and locks are over
    return client


def new_conversation() -> str:
    return f"socketio:{uuid.uuid4().hex}"


NO_MATCH = [
    {"user_id": "nobody.here"},
    {"user_id": "alex.morgen"},
    {"card_last_four": "2002", "date_of_birth": "1985-09-29"},
    {"card_last_four": "9999", "date_of_birth": "1985-09-30"},
]


def test_the_answer_is_the_same_for_a_customer_and_for_nobody(service: Client) -> None:
    answers = [service.start(new_conversation(), user_id="alex.morgan")]
    answers += [service.start(new_conversation(), **details) for details in NO_MATCH]
    answers.append(service.start(new_conversation(), card_last_four="2010", date_of_birth="1985-09-30"))
    shapes = {
        (status, tuple(sorted({**body, "challenge_id": len(body["challenge_id"])}.items())))
        for status, body in answers
    }
    assert len(shapes) == 1, shapes
    assert answers[0][1]["masked_destination"] is None


def test_what_follows_is_the_same_too_wrong_codes_lock_and_expiry(service: Client) -> None:
    def follow(details: dict[str, str]) -> list[tuple[int, Any]]:
        conversation = new_conversation()
        _, sent = service.start(conversation, **details)
        seen = [service.check(sent["challenge_id"], conversation, "000000") for _ in range(3)]
        seen.append(service.call("GET", "/access/lock-status", params={"conversation_id": conversation}))
        return [(status, {k: v for k, v in body.items() if k != "locked_until"}) for status, body in seen]

    assert follow({"user_id": "priya.sharma"}) == follow({"user_id": "nobody.here"})


def test_the_timing_says_nothing_either(service: Client) -> None:
    """Medians of ~20 answers each: a customer who gets a code, and details that match nobody."""
    match, nobody = [], []
    sent_before = service.sent_count("alex.morgan")
    for round_ in range(20):
        if round_ % 3 == 0:
            service.advance(16 * 60)  # at most 3 codes per customer per 15 minutes
        for sample, details in (
            (match, {"user_id": "alex.morgan"}),
            (nobody, NO_MATCH[round_ % len(NO_MATCH)]),
        ):
            started = time.perf_counter()
            status, _ = service.start(new_conversation(), **details)
            sample.append(time.perf_counter() - started)
            assert status == 201
    assert service.sent_count("alex.morgan") - sent_before == 20, "every match sent a code (the slow path)"
    match_median, nobody_median = statistics.median(match), statistics.median(nobody)
    assert min(match_median, nobody_median) >= 0.29, "answers are padded to the minimum time"
    assert abs(match_median - nobody_median) < 0.008, (match_median, nobody_median)


def test_lock_status_is_per_conversation_and_no_user_id_oracle(service: Client) -> None:
    status, body = service.call("GET", "/access/lock-status", params={"user_id": "alex.morgan"})
    assert (status, body["error"]) == (400, "bad_request")
    status, body = service.call("GET", "/access/lock-status", params={"conversation_id": new_conversation()})
    assert (status, body) == (200, {"locked": False, "locked_until": None})


def test_a_stranger_cannot_lock_the_customer_out_or_end_their_session(service: Client) -> None:
    mine = new_conversation()
    service.verify(mine, "sam.lee")
    # The stranger knows the User ID, asks for codes in one conversation after another and guesses.
    for _ in range(3):
        stranger = new_conversation()
        _, sent = service.start(stranger, user_id="sam.lee")
        for guess in ("111111", "222222", "333333"):
            status, body = service.check(sent["challenge_id"], stranger, guess)
        assert (status, body["error"]) == (423, "locked")
        # Only the stranger's conversation is locked.
        assert service.call("GET", "/access/lock-status", params={"conversation_id": stranger})[1]["locked"]
    assert service.call("GET", "/me/accounts", params={"conversation_id": mine})[0] == 200
    assert not service.call("GET", "/access/lock-status", params={"conversation_id": mine})[1]["locked"]
    # Nine wrong codes: the customer still verifies in a new conversation.
    service.advance(16 * 60)
    service.verify(new_conversation(), "sam.lee")


def test_ten_wrong_codes_lock_code_checks_for_the_customer_but_keep_their_session(service: Client) -> None:
    mine = new_conversation()
    service.verify(mine, "priya.sharma")
    for _ in range(5):
        stranger = new_conversation()
        _, sent = service.start(stranger, user_id="priya.sharma")
        for guess in ("111111", "222222"):
            assert service.check(sent["challenge_id"], stranger, guess)[0] == 400
    # Code checks are locked: nothing is sent, and the real code of a new request would not pass.
    sent_before = service.sent_count("priya.sharma")
    conversation = new_conversation()
    status, sent = service.start(conversation, user_id="priya.sharma")
    assert status == 201
    assert service.sent_count("priya.sharma") == sent_before
    assert service.check(sent["challenge_id"], conversation, "123456")[0] == 400
    assert service.call("GET", "/me/profile", params={"conversation_id": mine})[0] == 200
    service.advance(31 * 60)
    service.verify(new_conversation(), "priya.sharma")


def test_a_stranger_using_up_codes_or_locking_them_never_blocks_a_verified_customers_confirmation(
    service: Client,
) -> None:
    mine = new_conversation()
    service.verify(mine, "alex.morgan")
    service.advance(6 * 60)  # the check is no longer fresh: a change needs a confirm code
    # A stranger uses up the customer's verification codes for this window …
    for _ in range(3):
        assert service.start(new_conversation(), user_id="alex.morgan")[0] == 201
    # … and locks the customer's code checks with wrong codes from several conversations.
    for _ in range(5):
        stranger = new_conversation()
        _, sent = service.start(stranger, user_id="alex.morgan")
        for guess in ("111111", "222222"):
            service.check(sent["challenge_id"], stranger, guess)
    before = service.sent_count("alex.morgan")
    status, sent = service.start(mine, purpose="confirm")
    assert status == 201 and sent["masked_destination"]
    assert service.sent_count("alex.morgan") == before + 1  # really sent
    status, _ = service.check(
        sent["challenge_id"], mine, service.latest_code("alex.morgan"), purpose="confirm"
    )
    assert status == 200


def test_confirm_codes_say_honestly_when_none_was_sent(service: Client) -> None:
    mine = new_conversation()
    service.verify(mine, "priya.sharma")
    for _ in range(3):
        assert service.start(mine, purpose="confirm")[0] == 201
    before = service.sent_count("priya.sharma")
    status, body = service.start(mine, purpose="confirm")
    assert (status, body["error"]) == (429, "too_many_codes") and body["retry_after"] > 0
    assert service.sent_count("priya.sharma") == before


def test_a_confirm_code_guessed_by_a_session_thief_locks_only_that_conversation(service: Client) -> None:
    stolen, other = new_conversation(), new_conversation()
    service.verify(stolen, "alex.morgan")
    service.verify(other, "alex.morgan")
    _, sent = service.start(stolen, purpose="confirm")
    real = service.latest_code("alex.morgan")
    for _ in range(3):
        status, _ = service.check(sent["challenge_id"], stolen, other_code(real), purpose="confirm")
    assert status == 423
    assert service.call("GET", "/me/accounts", params={"conversation_id": stolen})[0] == 401
    assert service.call("GET", "/me/accounts", params={"conversation_id": other})[0] == 200


def test_one_conversation_cannot_ask_endlessly(service: Client) -> None:
    conversation = new_conversation()
    for details in NO_MATCH + [{"user_id": "alex.morgan"}]:
        assert service.start(conversation, **details)[0] == 201
    status, body = service.start(conversation, user_id="priya.sharma")
    assert (status, body["error"]) == (429, "too_many_attempts")
    assert 0 < body["retry_after"] <= 15 * 60


def test_one_client_cannot_ask_endlessly_but_20_conversations_from_one_machine_can(service: Client) -> None:
    client = "load-test-machine"
    for n in range(60):
        status, _ = service.start(new_conversation(), user_id="nobody.here", client=client)
        assert status == 201, n  # 20 concurrent conversations x 3 identity attempts fit
    status, body = service.start(new_conversation(), user_id="nobody.here", client=client)
    assert (status, body["error"]) == (429, "too_many_attempts")
    assert service.start(new_conversation(), user_id="nobody.here", client="another-machine")[0] == 201

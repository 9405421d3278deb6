"""When the account service fails (no answer, a 500, a refusal) the customer hears so at once, is
offered the self-service way, and nothing is half done; and the handoff to a person, whose every
answer has its own words. The failures are made in front of the real service
(`service.fail(...)`, tests/unit/in_process_service.py)."""

from __future__ import annotations

import pytest

from actions.turn_service import TurnService
from common.account_client import ServiceUnavailable
from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import TEST_SECRETS, InProcessService

pytestmark = pytest.mark.asyncio


async def verified_chat(service: InProcessService) -> Dialogue:
    chat = Dialogue()
    await service.verify(chat.sender)
    return chat


async def at_payment_confirmation(service: InProcessService) -> Dialogue:
    chat = await verified_chat(service)
    assert await chat.say("pay $20 today from my card ending 2002", intent="pay_bill") == [
        "utter_ask_payment_confirmed"
    ]
    return chat


# --- no answer, or a broken one -------------------------------------------------------------------
async def test_after_one_failure_no_further_call_is_made_in_the_same_turn(service):
    service.fail("GET", "/sessions/", 503)
    turn = TurnService("rest:x")
    with pytest.raises(ServiceUnavailable):
        await turn.session()
    with pytest.raises(ServiceUnavailable):
        await turn.me("GET", "/accounts")
    assert len(service.calls) == 1
    # The next turn tries again.
    with pytest.raises(ServiceUnavailable):
        await TurnService("rest:x").session()
    assert len(service.calls) == 2


@pytest.mark.parametrize("answer", ["down", 500, 503])
async def test_a_task_with_the_service_down_says_so_and_offers_self_service(service, answer):
    service.fail("GET", "/sessions/", answer)
    chat = Dialogue()
    said = await chat.say("what's my balance", intent="check_balance")
    assert said == ["utter_service_unavailable", "utter_check_balance"]
    assert not chat.form_active and len(service.calls) == 1


async def test_a_failure_in_the_middle_of_the_identity_check_ends_the_task_with_nothing_sent(service):
    service.fail("POST", "/identity/challenges", 500)
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say("alex.morgan") == ["utter_service_unavailable", "utter_check_balance"]
    assert await service.codes_sent("alex.morgan") == 0


@pytest.mark.parametrize("answer", ["down", 500])
async def test_a_payment_the_service_cannot_take_is_not_made_and_the_customer_told(service, answer):
    chat = await at_payment_confirmation(service)
    before = await service.payments(chat.sender)
    service.fail("POST", "/me/payments", answer)
    assert await chat.say("yes") == ["utter_service_unavailable", "utter_pay_bill"]
    service.heal()
    assert await service.payments(chat.sender) == before
    assert not chat.form_active and chat.slots["payment_confirmed"] is None


async def test_a_task_answer_that_fails_to_load_ends_the_task_politely(service):
    chat = await verified_chat(service)
    service.fail("GET", "/me/rewards", 500)
    assert await chat.say("redeem my points", intent="rewards") == [
        "utter_service_unavailable",
        "utter_rewards",
    ]


async def test_a_token_the_service_does_not_take_from_the_actions_is_no_answer(service, monkeypatch):
    from actions import settings

    # The channels' token is a real one, but not for these routes: 403 is no usable answer.
    monkeypatch.setenv("ACCOUNT_SERVICE_TOKEN", TEST_SECRETS["CHANNELS_SERVICE_TOKEN"])
    settings.load_settings.cache_clear()
    said = await Dialogue().say("what's my balance", intent="check_balance")
    assert said == ["utter_service_unavailable", "utter_check_balance"]
    assert [call.status for call in service.calls] == [403]


async def test_a_change_refused_for_want_of_a_fresh_code_says_so(service):
    # The check grew older than 5 minutes between the question and the answer.
    chat = await at_payment_confirmation(service)
    service.fail("POST", "/me/payments", 403, {"error": "fresh_code_needed"})
    assert await chat.say("yes") == ["utter_change_needs_new_code"]


# --- a person -------------------------------------------------------------------------------------
async def test_asking_for_a_person_mid_task_opens_one_handoff_with_a_redacted_transcript(service):
    chat = Dialogue()
    await chat.say("my card 4111 1111 1111 1111 was stolen", intent="replace_card")
    said = await chat.say("I want to talk to a person", intent="human_handoff", confidence=0.95)
    assert said == ["utter_handoff_opened"] and not chat.form_active
    assert chat.ran == ["validate_replace_card_form", "action_replace_card", "action_hand_off"]
    [opened] = service.called("POST", "/handoffs")
    assert opened.status == 201 and opened.json["topic"] == "replace_card"
    assert "4111 1111 1111 1111" not in str(opened.json)
    assert opened.json["transcript"][0]["text"].startswith("my card ")
    # Asked again: the same handoff, not a second one.
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say("agent please", intent="human_handoff") == ["utter_handoff_already_open"]


@pytest.mark.parametrize(
    ("status", "body", "response"),
    [
        (429, {"error": "too_many_handoffs"}, "utter_handoff_too_many"),
        (500, None, "utter_human_handoff"),
        ("down", None, "utter_human_handoff"),
    ],
)
async def test_each_handoff_failure_has_its_words(service, status, body, response):
    service.fail("POST", "/handoffs", status, body)
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say("agent", intent="human_handoff") == [response]


async def test_outside_agent_hours_the_handoff_says_when_people_are_back(service):
    status, _ = await service.call("POST", "/demo/agent-hours", json={"mode": "never"}, token=None)
    assert status == 200
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say("agent", intent="human_handoff") == ["utter_handoff_after_hours"]

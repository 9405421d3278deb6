"""Card tasks in chat: freeze, unfreeze, activate, replace, a declined card, fraud, disputes; each
checked in the account service afterwards (the card's status, the marked transactions)."""

from __future__ import annotations

import pytest

from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import InProcessService

pytestmark = pytest.mark.asyncio


async def verified_chat(service: InProcessService, user_id: str = "alex.morgan") -> Dialogue:
    chat = Dialogue()
    await service.verify(chat.sender, user_id)
    return chat


async def status_of(service: InProcessService, chat: Dialogue, card: str) -> str:
    return (await service.cards(chat.sender))[card]["status"]


# --- freeze and unfreeze --------------------------------------------------------------------------
async def test_a_named_card_is_frozen_at_once_and_a_frozen_one_is_not_frozen_again(service):
    chat = await verified_chat(service)
    assert await chat.say("freeze my card ending 2002", intent="freeze_card") == ["utter_card_frozen"]
    assert chat.said_with("utter_card_frozen")["product"] == "Gold Card"
    assert await status_of(service, chat, "2002") == "frozen"
    assert await status_of(service, chat, "2010") == "active"
    assert await chat.say("freeze card 2002", intent="freeze_card") == ["utter_no_card_to_freeze"]
    assert chat.said_with("utter_no_card_to_freeze")["status"] == "frozen"


async def test_the_card_to_freeze_is_asked_with_a_button_per_card_and_taken_by_its_name(service):
    chat = await verified_chat(service)
    assert await chat.say("please freeze my card", intent="freeze_card") == ["utter_ask_card_last_four"]
    assert chat.buttons == ["2002", "2010"]
    assert await chat.say("the card ending 1234") == ["utter_hint_card_last_four", "utter_ask_card_last_four"]
    assert await chat.say("the platinum one") == ["utter_card_frozen"]
    assert await status_of(service, chat, "2010") == "frozen"


async def test_unfreezing_takes_the_only_frozen_card_and_needs_a_fresh_code_when_the_check_is_older(service):
    chat = await verified_chat(service)
    assert await chat.say("unfreeze my card", intent="unfreeze_card") == ["utter_no_card_to_unfreeze"]
    await chat.say("freeze my platinum card", intent="freeze_card")
    await service.advance_clock(6 * 60)
    assert await chat.say("unfreeze my card", intent="unfreeze_card") == [
        "utter_code_sent",
        "utter_ask_confirm_code",
    ]
    assert await status_of(service, chat, "2010") == "frozen"
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said == ["utter_confirm_code_accepted", "utter_card_unfrozen"]
    assert await status_of(service, chat, "2010") == "active"


# --- activate -------------------------------------------------------------------------------------
async def test_the_only_inactive_card_is_activated(service):
    chat = await verified_chat(service, "sam.lee")
    assert await chat.say("activate my new card", intent="activate_card") == ["utter_card_activated"]
    assert await status_of(service, chat, "3005") == "active"
    assert await chat.say("activate my card", intent="activate_card") == ["utter_no_card_to_activate"]


# --- replace --------------------------------------------------------------------------------------
async def test_a_stolen_card_is_replaced_after_an_explicit_yes_and_blocked(service):
    chat = await verified_chat(service)
    said = await chat.say("my card ending 2002 was stolen", intent="replace_card")
    assert said == ["utter_ask_replacement_confirmed"] and chat.buttons == ["/affirm", "/deny"]
    said = await chat.say("ok what happens now?", intent="affirm", confidence=0.99)
    assert said == ["utter_hint_replacement_confirmed", "utter_ask_replacement_confirmed"]
    assert not service.changes()
    assert await chat.say("yes") == ["utter_card_replaced_blocked"]
    assert service.called("POST", "/me/replacements")[0].json["reason"] == "stolen"
    cards = await service.cards(chat.sender)
    assert cards["2002"]["status"] == "replaced"
    # The new card has a new number, and waits to be activated.
    [new] = [card for number, card in cards.items() if card["product"] == "Gold Card" and number != "2002"]
    assert new["status"] == "inactive"


async def test_the_reason_is_asked_when_not_said_and_a_damaged_card_keeps_its_number(service):
    chat = await verified_chat(service)
    assert await chat.say("I need a new card for 2010", intent="replace_card") == [
        "utter_ask_replacement_reason"
    ]
    assert await chat.say("it's cracked") == ["utter_ask_replacement_confirmed_damaged"]
    assert await chat.say("no thanks") == ["utter_replacement_not_ordered"]
    assert not service.changes()
    await chat.say("my card 2010 is damaged", intent="replace_card")
    assert await chat.say("yes") == ["utter_card_replaced_damaged"]
    assert service.called("POST", "/me/replacements")[0].status == 201


async def test_a_replacement_confirmed_with_an_older_check_needs_a_fresh_code(service):
    chat = await verified_chat(service)
    await service.advance_clock(6 * 60)
    await chat.say("I lost my card ending 2002", intent="replace_card")
    assert await chat.say("yes") == ["utter_code_sent", "utter_ask_confirm_code"]
    assert service.called("POST", "/identity/challenges")[-1].json["purpose"] == "confirm"
    assert not service.changes()
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said == ["utter_confirm_code_accepted", "utter_card_replaced_blocked"]
    assert service.called("POST", "/me/replacements")[0].json["reason"] == "lost"


# --- declined -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("user_id", "request_text", "answers", "reason"),
    [
        ("alex.morgan", "why was my card ending 2002 declined", [], "none"),
        ("jordan.reyes", "my card got declined", [], "fraud_hold"),
        ("sam.lee", "my card was declined", ["3013"], "over_limit"),
        ("sam.lee", "my card was declined", ["3005"], "inactive"),
    ],
)
async def test_a_declined_card_is_explained_from_the_service(service, user_id, request_text, answers, reason):
    chat = await verified_chat(service, user_id)
    await chat.say(request_text, intent="card_declined")
    for answer in answers:
        assert chat.asks == "card_last_four"
        await chat.say(answer)
    assert chat.said == [f"utter_declined_{reason}"]


async def test_a_frozen_card_is_declined_for_that_reason(service):
    chat = await verified_chat(service)
    await chat.say("freeze card 2002", intent="freeze_card")
    assert await chat.say("why is my card ending 2002 declined", intent="card_declined") == [
        "utter_declined_frozen"
    ]


# --- fraud ----------------------------------------------------------------------------------------
async def test_fraud_on_chosen_charges_freezes_the_card_marks_them_and_orders_a_new_one(service):
    chat = await verified_chat(service)
    said = await chat.say("there are charges I didn't make on my card ending 2002", intent="report_fraud")
    assert said == ["utter_ask_fraud_transactions"]
    listed = chat.slots["listed_transactions"]
    assert 3 <= len(listed) <= 8
    assert chat.said_with("utter_ask_fraud_transactions")["transactions"].startswith("1.")
    assert await chat.say("numbers 1 and 3") == ["utter_ask_fraud_confirmed"]
    assert chat.slots["fraud_transactions"] == [listed[0]["id"], listed[2]["id"]]
    assert not service.changes()
    assert await chat.say("yes") == ["utter_fraud_reported"]
    transactions = (await service.me(chat.sender, "/transactions", card="2002", limit="50"))["transactions"]
    marked = {item["id"] for item in transactions if item["disputed"]}
    assert {listed[0]["id"], listed[2]["id"]} <= marked
    cards = await service.cards(chat.sender)
    assert cards["2002"]["status"] == "frozen"
    [new] = [card for number, card in cards.items() if card["product"] == "Gold Card" and number != "2002"]
    assert new["status"] == "inactive"


async def test_fraud_reported_with_an_older_check_freezes_now_and_orders_no_card_yet(service):
    chat = await verified_chat(service)
    await service.advance_clock(6 * 60)
    await chat.say("fraud on my card 2010", intent="report_fraud")
    await chat.say("the first one")
    assert await chat.say("yes") == ["utter_fraud_reported_no_new_card_yet"]
    cards = await service.cards(chat.sender)
    assert cards["2010"]["status"] == "frozen"
    assert [card["product"] for card in cards.values()].count("Platinum Card") == 1


async def test_fraud_reported_then_declined_is_nothing_changed(service):
    chat = await verified_chat(service)
    await chat.say("fraud on my card 2010", intent="report_fraud")
    assert await chat.say("number 12") == ["utter_hint_fraud_transactions", "utter_ask_fraud_transactions"]
    assert await chat.say("1") == ["utter_ask_fraud_confirmed"]
    assert await chat.say("no") == ["utter_fraud_not_reported"]
    assert not service.changes() and await status_of(service, chat, "2010") == "active"


# --- disputes -------------------------------------------------------------------------------------
async def test_a_charge_is_disputed_once(service):
    chat = await verified_chat(service)
    assert await chat.say("I want to dispute a charge on card 2002", intent="dispute_charge") == [
        "utter_ask_dispute_transaction"
    ]
    listed = chat.slots["listed_transactions"]
    assert await chat.say("1 and 2") == ["utter_hint_dispute_transaction", "utter_ask_dispute_transaction"]
    assert await chat.say("the second one") == ["utter_ask_dispute_reason"]
    assert await chat.say("they charged me twice") == ["utter_dispute_opened"]
    assert service.called("POST", "/me/disputes")[0].json == {
        "conversation_id": chat.sender,
        "transaction_id": listed[1]["id"],
        "reason": "duplicate",
    }
    transactions = (await service.me(chat.sender, "/transactions", card="2002", limit="50"))["transactions"]
    assert next(item for item in transactions if item["id"] == listed[1]["id"])["disputed"]
    # The same charge again: already open.
    await chat.say("dispute a charge I was overcharged for on card 2002", intent="dispute_charge")
    assert await chat.say("2") == ["utter_dispute_exists"]

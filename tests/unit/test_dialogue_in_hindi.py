"""Tasks done in Hindi (the `language` slot "hi"): the values the actions put into the Hindi
answers and the buttons they build are Hindi, the Hindi words the answers invite are read, and
the same tasks in English show exactly what they showed before.

Each Hindi answer is also put together as the customer reads it (locales/hi.yml filled with the
action's values and the issuer facts' Hindi wording, as localization/nlg.py does), and must hold no
English words but names: products, banks, merchants, rewards options, links, "UTC"."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

from actions.facts import fact_slots, load_issuer_config, translated_fact_slots
from actions.formatting import day, money, short_day
from localization.nlg import LOCALES, load_locale
from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import InProcessService

pytestmark = pytest.mark.asyncio

HINDI = {"language": "hi"}
HINDI_RESPONSES = TemplatedNaturalLanguageGenerator(load_locale(LOCALES / "hi.yml"))
# What a dispatcher message holds besides the values for the response's placeholders.
NOT_VALUES = {"response", "text", "buttons", "elements", "custom", "template", "image", "attachment"}
HINDI_MONTHS = "जनवरी फ़रवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर अक्टूबर नवंबर दिसंबर".split()  # noqa: SIM905
# Names that stay as they are in a Hindi sentence (the service's and the issuer's).
NAMES = (
    "Membership Rewards Credit Card",
    "Membership Rewards",
    "Gold Card",
    "Platinum Card",
    "HDFC Bank savings",
    "Chase checking",
    "Statement credit",
    "Gift voucher",
    "American Express",
    "Contact Us",
    "UTC",
    "PDF",
)


async def verified_chat(
    service: InProcessService, user_id: str, slots: dict[str, Any] | None = None
) -> Dialogue:
    chat = Dialogue(slots=HINDI if slots is None else slots)
    await service.verify(chat.sender, user_id)
    return chat


def titles(chat: Dialogue) -> list[str]:
    """The titles of the buttons offered in the last turn."""
    return [button["title"] for message in chat.messages for button in message.get("buttons") or []]


def as_read(chat: Dialogue, response: str) -> str:
    """The Hindi answer as the customer reads it: locales/hi.yml, the action's values filled in."""
    message = chat.said_with(response)
    values = {key: value for key, value in message.items() if key not in NOT_VALUES}
    config = load_issuer_config()
    region = chat.slots.get("region_code")
    slots = {**fact_slots(config, region), **translated_fact_slots(config, region, "hi"), **chat.slots}
    generated = HINDI_RESPONSES.generate_from_slots(response, slots, "rest", **values)
    assert generated is not None
    return generated["text"]


def english_in(text: str, *names: str) -> list[str]:
    """The English words left in a Hindi text once names, links, addresses and references (RW-…)
    are set aside."""
    for name in (*names, *NAMES):
        text = text.replace(name, " ")
    text = re.sub(r"\S+@\S+|https?://\S+|\b[A-Z]{2}-[A-Z0-9]+\b", " ", text)
    return re.findall(r"[A-Za-z]{2,}", text)


def reads_hindi(chat: Dialogue, response: str, *names: str) -> str:
    text = as_read(chat, response)
    assert not english_in(text, *names), text
    return text


# --- the identity check -------------------------------------------------------------------------------
async def test_the_identity_check_in_hindi_reads_the_hindi_words_it_invites(service):
    chat = Dialogue(slots=HINDI)
    assert await chat.say("मेरा बैलेंस कितना है?", intent="check_balance") == ["utter_ask_user_id"]
    assert await chat.say("priya.sharma") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert chat.said_with("utter_code_sent_if_match")["on_file"] == "रिकॉर्ड में दर्ज आपके फ़ोन नंबर"
    assert "मैंने रिकॉर्ड में दर्ज आपके फ़ोन नंबर पर 6 अंकों" in reads_hindi(chat, "utter_code_sent_if_match")
    # "दोबारा भेजें" and "ईमेल करें", as the Hindi question says.
    assert await chat.say("दोबारा भेजें") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert await chat.say("ईमेल करें") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert chat.said_with("utter_code_sent_if_match")["on_file"] == "रिकॉर्ड में दर्ज आपके ईमेल पते"
    assert [message["channel"] for message in await service.outbox("priya.sharma")] == ["sms", "sms", "email"]
    said = await chat.say(await service.latest_code("priya.sharma"))
    assert said == ["utter_identity_verified", "utter_balance_summary", "utter_anything_else"]
    account = (await service.accounts(chat.sender))["1005"]
    summary = chat.said_with("utter_balance_summary")
    assert summary["due_date"] == day(account["due_date"], "hi")
    assert summary["minimum_due"] == money(account["minimum_due"], "INR")
    assert f"{summary['due_date']} तक" in reads_hindi(chat, "utter_balance_summary")


@pytest.mark.parametrize("forgot", ["याद नहीं", "yaad nahi"])
async def test_a_forgotten_user_id_in_hindi_goes_to_the_card_and_a_hindi_date_of_birth(service, forgot):
    chat = Dialogue(slots=HINDI)
    await chat.say("बैलेंस बताओ", intent="check_balance")
    assert await chat.say(forgot) == ["utter_identity_by_card", "utter_ask_identity_card"]
    assert await chat.say("1005") == ["utter_ask_date_of_birth"]
    assert await chat.say("12 अप्रैल 1990") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert chat.slots["date_of_birth"] == "1990-04-12"
    said = await chat.say(await service.latest_code("priya.sharma"))
    assert said[0] == "utter_identity_verified"


@pytest.mark.parametrize("stop", ["रुकें", "ruko", "रुको जी"])
async def test_stop_in_hindi_ends_the_task(service, stop):
    chat = Dialogue(slots=HINDI)
    await chat.say("बैलेंस बताओ", intent="check_balance")
    await chat.say("priya.sharma")
    assert await chat.say(stop, intent="nlu_fallback", confidence=0.3) == ["utter_task_stopped"]
    assert not chat.form_active


@pytest.mark.parametrize("agent", ["एजेंट", "एजेंट से बात करनी है", "agent se baat karo"])
async def test_agent_in_hindi_hands_over(service, agent):
    chat = Dialogue(slots=HINDI)
    await chat.say("बैलेंस बताओ", intent="check_balance")
    assert await chat.say(agent, intent="nlu_fallback", confidence=0.3) == ["utter_handoff_opened"]
    assert "action_hand_off" in chat.ran and len(service.called("POST", "/handoffs")) == 1


async def test_a_region_button_mid_task_is_named_in_hindi(service):
    for slots, name in ((HINDI, "भारत"), ({}, "India")):
        chat = Dialogue(slots=slots)
        await chat.say("balance", intent="check_balance")
        region = [{"entity": "region", "value": "IN"}]
        said = await chat.say('/inform{"region":"IN"}', entities=region)
        assert said == ["utter_region_noted", "utter_ask_user_id"]
        assert chat.said_with("utter_region_noted")["region_name"] == name


# --- paying the bill ------------------------------------------------------------------------------------
BUTTONS = {
    "en": {
        "amount": ("Statement balance ({statement})", "Minimum due ({minimum})", "Another amount"),
        "date": ("Today", "On {due}"),
        "confirm": ("Yes, pay it", "No"),
    },
    "hi": {
        "amount": ("स्टेटमेंट बैलेंस ({statement})", "न्यूनतम देय राशि ({minimum})", "कोई और रकम"),
        "date": ("आज", "{due} को"),
        "confirm": ("हाँ, भुगतान करें", "नहीं"),
    },
}
ANSWERS = {
    "en": ("pay my bill", "minimum due", "today", "yes"),
    "hi": ("बिल भरना है", "न्यूनतम देय राशि", "आज", "हाँ, भुगतान करें"),
}


@pytest.mark.parametrize("language", ["en", "hi"])
async def test_paying_the_bill_in_each_language(service, language):
    chat = await verified_chat(service, "priya.sharma", {"language": language})
    account = (await service.accounts(chat.sender))["1005"]
    values = {
        "statement": money(account["statement_balance"], "INR"),
        "minimum": money(account["minimum_due"], "INR"),
        "due": day(account["due_date"], language),
    }
    buttons = {step: [title.format(**values) for title in texts] for step, texts in BUTTONS[language].items()}
    request, amount, when, yes = ANSWERS[language]
    assert await chat.say(request, intent="pay_bill") == ["utter_ask_payment_amount"]
    assert titles(chat) == buttons["amount"]
    assert chat.buttons == ["statement balance", "minimum due", "other amount"]
    assert await chat.say(amount) == ["utter_ask_payment_date"]
    assert chat.slots["payment_amount"] == account["minimum_due"]
    assert titles(chat) == buttons["date"] and chat.buttons == ["today", "on the due date"]
    assert chat.said_with("utter_ask_payment_date")["due_date"] == values["due"]
    assert await chat.say(when) == ["utter_ask_payment_confirmed"]
    assert titles(chat) == buttons["confirm"] and chat.buttons == ["/affirm", "/deny"]
    today = (await service.session(chat.sender) or {})["today"]
    assert chat.said_with("utter_ask_payment_confirmed")["when"] == day(today, language)
    if language == "hi":
        reads_hindi(chat, "utter_ask_payment_confirmed")
    assert await chat.say(yes) == ["utter_payment_done"]
    assert len(service.called("POST", "/me/payments")) == 1


@pytest.mark.parametrize(
    ("language", "yes", "email", "by_text", "by_email"),
    [
        ("en", "yes", "email it", "by text message to", "by email to"),
        ("hi", "जी", "ईमेल करें", "एसएमएस से", "ईमेल से"),
    ],
)
async def test_a_fresh_code_for_a_payment_says_how_it_went(service, language, yes, email, by_text, by_email):
    chat = await verified_chat(service, "priya.sharma", {"language": language})
    await service.advance_clock(6 * 60)
    assert await chat.say("pay ₹500 today", intent="pay_bill") == ["utter_ask_payment_confirmed"]
    assert await chat.say(yes) == ["utter_code_sent", "utter_ask_confirm_code"]
    sent = chat.said_with("utter_code_sent")
    assert sent["how"] == by_text and re.search(r"\d", sent["destination"])
    if language == "hi":
        assert f"मैंने एसएमएस से {sent['destination']} पर 6 अंकों" in reads_hindi(chat, "utter_code_sent")
    assert await chat.say(email) == ["utter_code_sent", "utter_ask_confirm_code"]
    assert chat.said_with("utter_code_sent")["how"] == by_email
    said = await chat.say(await service.latest_code("priya.sharma"))
    assert said == ["utter_confirm_code_accepted", "utter_payment_done"]


async def test_autopay_in_hindi(service):
    chat = await verified_chat(service, "priya.sharma")
    said = await chat.say("ऑटोपे चालू करना है", intent="setup_autopay")
    assert said == ["utter_autopay_status_off", "utter_ask_autopay_amount_type"]
    assert await chat.say("न्यूनतम देय राशि") == ["utter_ask_autopay_confirmed"]
    assert chat.said_with("utter_ask_autopay_confirmed")["amount"] == "न्यूनतम देय राशि"
    assert titles(chat) == ["हाँ", "नहीं"] and chat.buttons == ["/affirm", "/deny"]
    reads_hindi(chat, "utter_ask_autopay_confirmed")
    assert await chat.say("हाँ") == ["utter_autopay_set"]
    assert chat.said_with("utter_autopay_set")["amount"] == "न्यूनतम देय राशि"
    [setting] = (await service.me(chat.sender, "/autopay", card="1005"))["autopay"]
    assert setting["enrolled"] and setting["amount_type"] == "minimum_due"


# --- cards ------------------------------------------------------------------------------------------------
async def test_fraud_reported_in_hindi(service):
    chat = await verified_chat(service, "alex.morgan")
    assert await chat.say("कार्ड पर फ़्रॉड हुआ है", intent="report_fraud") == ["utter_ask_card_last_four"]
    assert titles(chat) == ["Gold Card (आखिरी अंक 2002)", "Platinum Card (आखिरी अंक 2010)"]
    assert chat.buttons == ["2002", "2010"]
    assert await chat.say("2002") == ["utter_ask_fraud_transactions"]
    listed = chat.said_with("utter_ask_fraud_transactions")["transactions"].splitlines()
    transactions = (await service.me(chat.sender, "/transactions", card="2002", limit="50"))["transactions"]
    charges = [item for item in transactions if Decimal(item["amount"]) > 0][: len(listed)]
    for number, (line, item) in enumerate(zip(listed, charges, strict=True), start=1):
        assert line.startswith(f"{number}. {short_day(item['posted_on'], 'hi')}: {item['merchant']}, ")
        assert line.endswith(" (पेंडिंग)") == bool(item.get("pending"))
    merchants = {item["merchant"] for item in charges}
    reads_hindi(chat, "utter_ask_fraud_transactions", *merchants)
    assert await chat.say("1 और 3") == ["utter_ask_fraud_confirmed"]
    assert titles(chat) == ["हाँ", "नहीं"]
    assert await chat.say("हाँ") == ["utter_fraud_reported"]
    delivery = chat.said_with("utter_fraud_reported")["delivery"]
    assert any(month in delivery for month in HINDI_MONTHS) and not re.search(r"[A-Za-z]", delivery)


async def test_statements_in_hindi(service):
    chat = await verified_chat(service, "alex.morgan")
    statements = (await service.me(chat.sender, "/statements", card="2002"))["statements"]
    wanted = statements[1]
    year, month = int(wanted["period"][:4]), int(wanted["period"][5:7])
    said = await chat.say(f"कार्ड 2002 का {HINDI_MONTHS[month - 1]} का स्टेटमेंट", intent="view_statements")
    assert said == ["utter_statements_list"]
    shown = chat.said_with("utter_statements_list")
    assert shown["period"] == f"{HINDI_MONTHS[month - 1]} {year}"
    assert f"- {shown['period']}: {money(wanted['balance'])}" in shown["statements"].splitlines()
    reads_hindi(chat, "utter_statements_list")


# --- rewards ----------------------------------------------------------------------------------------------
async def test_points_redeemed_in_hindi(service):
    chat = await verified_chat(service, "priya.sharma")
    rewards = await service.me(chat.sender, "/rewards")
    affordable = [option for option in rewards["options"] if option["points_needed"] <= rewards["points"]]
    assert await chat.say("पॉइंट्स रिडीम करें", intent="rewards") == ["utter_ask_redeem_option"]
    assert titles(chat) == [
        f"{option['name']} ({option['points_needed']:,} पॉइंट्स = {money(option['value'], 'INR')})"
        for option in affordable
    ]
    assert chat.buttons == [option["name"] for option in affordable]
    credit = next(option for option in affordable if option["name"] == "Statement credit")
    assert await chat.say("Statement credit") == ["utter_ask_redeem_points"]
    most = rewards["points"] // credit["points_needed"] * credit["points_needed"]
    assert titles(chat) == [f"ज़्यादा से ज़्यादा ({most:,} पॉइंट्स)"] and chat.buttons == ["all"]
    assert await chat.say("सभी") == ["utter_ask_redemption_confirmed"]
    assert chat.slots["redeem_points"] == str(most) and titles(chat) == ["हाँ", "नहीं"]
    assert await chat.say("हाँ") == ["utter_redemption_done"]
    reads_hindi(chat, "utter_redemption_done")


async def test_the_rewards_summary_in_hindi(service):
    chat = await verified_chat(service, "priya.sharma")
    assert await chat.say("मेरे पॉइंट्स कितने हैं", intent="rewards") == ["utter_rewards_summary"]
    options = chat.said_with("utter_rewards_summary")["options"].splitlines()
    assert options and all(line.endswith(" पॉइंट्स से शुरू") for line in options)
    reads_hindi(chat, "utter_rewards_summary", "Travel")


# --- alerts and details ------------------------------------------------------------------------------------
async def test_alerts_in_hindi(service):
    chat = await verified_chat(service, "priya.sharma")
    said = await chat.say("अलर्ट बदलने हैं", intent="manage_alerts")
    assert said == ["utter_alerts_current", "utter_ask_alert_choice"]
    lines = chat.said_with("utter_alerts_current")["alerts"].splitlines()
    assert lines[0].startswith("- बड़ी खरीदारी: चालू, ₹") and lines[0].endswith(" से ज़्यादा पर")
    assert lines[1:3] == ["- ऑनलाइन ट्रांज़ैक्शन: चालू", "- भुगतान की ड्यू डेट के रिमाइंडर: चालू"]
    reads_hindi(chat, "utter_alerts_current")
    assert await chat.say("ऑनलाइन ट्रांज़ैक्शन") == ["utter_ask_alert_switch"]
    assert chat.said_with("utter_ask_alert_switch")["alert"] == "ऑनलाइन ट्रांज़ैक्शन"
    assert titles(chat) == ["चालू", "बंद"] and chat.buttons == ["on", "off"]
    assert await chat.say("बंद") == ["utter_alerts_changed"]
    assert (await service.me(chat.sender, "/alerts"))["online_transactions"] is False
    assert "- ऑनलाइन ट्रांज़ैक्शन: बंद" in chat.said_with("utter_alerts_changed")["alerts"].splitlines()
    # Back on in Hinglish, then nothing more to change.
    await chat.say("online alert", intent="manage_alerts")
    assert await chat.say("chalu karo") == ["utter_alerts_changed"]
    assert (await service.me(chat.sender, "/alerts"))["online_transactions"] is True
    await chat.say("अलर्ट", intent="manage_alerts")
    assert await chat.say("कुछ नहीं") == ["utter_alerts_unchanged"]


async def test_a_threshold_alert_turned_off_in_hindi(service):
    chat = await verified_chat(service, "priya.sharma")
    await chat.say("अलर्ट बदलने हैं", intent="manage_alerts")
    assert await chat.say("बैलेंस") == ["utter_ask_alert_threshold"]
    assert chat.said_with("utter_ask_alert_threshold")["alert"] == "बैलेंस"
    assert await chat.say("बंद") == ["utter_alerts_changed"]
    assert (await service.me(chat.sender, "/alerts"))["balance_threshold"] is None


async def test_details_changed_in_hindi(service):
    chat = await verified_chat(service, "priya.sharma")
    before = await service.me(chat.sender, "/profile")
    assert await chat.say("ईमेल पता बदलना है", intent="update_personal_details") == ["utter_ask_new_email"]
    assert await chat.say("priya.new@example.org") == ["utter_ask_details_confirmed"]
    assert chat.said_with("utter_ask_details_confirmed")["what"] == "ईमेल पता"
    assert titles(chat) == ["हाँ", "नहीं"]
    reads_hindi(chat, "utter_ask_details_confirmed")
    assert await chat.say("हाँ") == ["utter_details_changed"]
    assert chat.said_with("utter_details_changed")["what"] == "ईमेल पता"
    assert (await service.me(chat.sender, "/profile"))["email"] != before["email"]
    assert await chat.say("डाक का पता बदलना है", intent="update_personal_details") == ["utter_ask_new_address"]
    assert await chat.say("Flat 9, Juhu Road, Mumbai 400049") == ["utter_ask_details_confirmed"]
    assert chat.said_with("utter_ask_details_confirmed")["what"] == "डाक का पता"
    assert await chat.say("नहीं") == ["utter_details_unchanged"]


# --- access and a person ------------------------------------------------------------------------------------
async def test_a_password_reset_in_hindi_says_how_long_the_link_works(service):
    chat = Dialogue(slots=HINDI)
    await chat.say("पासवर्ड रीसेट करना है", intent="reset_password")
    said = await service.pass_identity_check(chat, "priya.sharma")
    assert said == ["utter_identity_verified", "utter_password_reset_sent"]
    assert chat.said_with("utter_password_reset_sent")["lifetime"] == "1 घंटे"
    assert "यह 1 घंटे तक काम करेगा" in reads_hindi(chat, "utter_password_reset_sent")


@pytest.mark.parametrize(
    ("slots", "hours"), [({}, "not staffed at the moment"), (HINDI, "फ़िलहाल किसी भी समय नहीं")]
)
async def test_outside_agent_hours_the_hours_are_in_the_answers_language(service, slots, hours):
    status, _ = await service.call("POST", "/demo/agent-hours", json={"mode": "never"}, token=None)
    assert status == 200
    chat = Dialogue(slots=slots)
    await chat.say("balance", intent="check_balance")
    assert await chat.say("agent", intent="human_handoff") == ["utter_handoff_after_hours"]
    assert chat.said_with("utter_handoff_after_hours")["agent_hours"] == hours
    if slots:
        reads_hindi(chat, "utter_handoff_after_hours")

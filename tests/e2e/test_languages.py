"""Hindi, Hinglish and language switches, end to end through the REST channel: the customer is
understood and answered in the language they wrote (Hinglish in English, see
localization/language.py), issuer values still come from issuer.yml, and the identity check and
a task work in Hindi."""

from __future__ import annotations

from localization.language import HINDI, script_language
from tests.e2e.conftest import Chat, make_room_for_a_code


def in_hindi(text: str) -> bool:
    return script_language(text) == HINDI


def test_a_question_in_devanagari_is_answered_in_hindi_with_the_issuers_values(assistant, chat):
    asked = chat.say("मुझे अपना पासवर्ड रीसेट करना है")
    assert in_hindi(asked), asked
    if "/inform" in " ".join(chat.buttons):  # the region question, in Hindi too
        asked = chat.say('/inform{"region":"IN"}')
        assert in_hindi(asked), asked
    # The reset steps or the identity check for a reset link: either way in Hindi.
    assert "americanexpress.com" in asked or "यूज़र आईडी" in asked or "User ID" in asked, asked


def test_hinglish_is_understood_and_answered_in_english(assistant, chat):
    reply = chat.say("mujhe apna user id yaad nahi aa raha")
    assert not in_hindi(reply) and ("User ID" in reply or "card" in reply), reply


def test_a_switch_changes_the_language_of_the_answers_and_back(assistant, chat):
    switched = chat.say("Hindi mein baat karo")
    assert in_hindi(switched), switched
    # An English question after the switch is answered in Hindi.
    answer = chat.say("how do I download the mobile app")
    assert in_hindi(answer) and "Google Play" in answer, answer
    back = chat.say("English please")
    assert not in_hindi(back) and "English" in back, back
    assert not in_hindi(chat.say("how do I download the mobile app"))


def test_the_identity_check_and_a_balance_in_hindi(assistant):
    chat = Chat(assistant)
    make_room_for_a_code(assistant, "priya.sharma")
    asked = chat.say("मेरा बैलेंस कितना है?")
    assert in_hindi(asked) and ("User ID" in asked or "यूज़र आईडी" in asked), asked
    sent = chat.say("priya.sharma")
    assert in_hindi(sent), sent
    balance = chat.say(assistant.latest_code("priya.sharma"))
    # Her card may have been replaced by earlier tests: any of her cards, in rupees, in Hindi.
    assert in_hindi(balance) and "₹" in balance, balance


def test_a_switch_in_the_middle_of_a_task_asks_the_same_question_in_the_new_language(assistant, chat):
    asked = chat.say("what's my balance")
    assert "User ID" in asked and not in_hindi(asked)
    again = chat.say("हिंदी में")
    assert in_hindi(again), again
    assert "stopped" not in again


def test_a_payment_in_hinglish_with_an_indian_amount_and_kal(assistant, chat):
    """ "5k kal pay kar do": ₹5,000.00 tomorrow, confirmed with "haan", and the service holds
    exactly that payment, for the day the customer was shown."""
    from actions.formatting import day

    reply = chat.verify("5k kal pay kar do", "priya.sharma")
    if "Which card" in reply:  # earlier tests may have given her a replacement card
        reply = chat.say(chat.buttons[0])
    assert "Just to confirm" in reply and "₹5,000.00" in reply, reply
    done = chat.say("haan")
    assert "₹5,000.00" in done and "reference" in done, done
    reference = done.rsplit("reference is", 1)[1].strip(" .")
    cards = [
        a["card_last_four"]
        for a in chat.assistant.service(
            "GET", "/me/accounts", params={"conversation_id": chat.conversation}
        ).json()["accounts"]
    ]
    payments = [
        payment
        for card in cards
        for payment in chat.assistant.service(
            "GET", "/me/payments", params={"conversation_id": chat.conversation, "card": card}
        ).json()["payments"]
    ]
    paid = next(payment for payment in payments if payment["reference"] == reference)
    assert (paid["amount"], paid["currency"], paid["status"]) == ("5000.00", "INR", "scheduled")
    assert day(paid["pay_on"]) in reply

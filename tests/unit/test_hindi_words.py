"""The words the Hindi answers invite are read: a customer told to type "दोबारा भेजें", "रुकें",
"याद नहीं", "सभी", "बंद" or "कुछ नहीं" is understood, in Devanagari and in Hinglish, and so are
the button titles typed instead of pressed. English is read as before."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from actions.account_tasks import wanted_period
from actions.card_tasks import DISPUTE_REASONS, REPLACEMENT_REASONS
from actions.confirmation import read_yes_no
from actions.identity import says_forgot, wants_email, wants_new_code
from actions.parsing import parse_birth_date, parse_choice, parse_date, parse_item_numbers, words
from actions.payment_tasks import AMOUNT_CHOICES, AUTOPAY_ACTIONS, AUTOPAY_AMOUNTS, asks_other_amount
from actions.profile_tasks import ALERTS, UpdatePersonalDetailsForm, on_or_off, says_nothing
from actions.rewards_tasks import ALL_WORDS, wants_redemption

THURSDAY = date(2026, 11, 26)


def test_words_keep_devanagari_folded_and_latin_as_before():
    assert words("रुकें!") == ["रुकें"]
    assert words("हाँ जी") == ["हां", "जी"]  # one spelling of the chandrabindu
    assert words("Send it AGAIN, please") == ["send", "it", "again", "please"]


# --- the identity check ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["याद नहीं", "यूज़र आईडी याद नहीं है", "yaad nahi", "भूल गया", "bhool gayi", "I forgot"]
)
def test_forgot_in_hindi_and_hinglish(text):
    assert says_forgot(text)


@pytest.mark.parametrize("text", ["याद है, alex.morgan", "alex.morgan", "नहीं"])
def test_not_a_forgotten_user_id(text):
    assert not says_forgot(text)


@pytest.mark.parametrize(
    "text", ["दोबारा भेजें", "dobara bhejo", "फिर से भेजो", "कोड नहीं आया", "code nahi mila", "send it again"]
)
def test_a_new_code_asked_for(text):
    assert wants_new_code(text)


@pytest.mark.parametrize("text", ["123456", "हाँ", "ठीक है"])
def test_not_a_new_code(text):
    assert not wants_new_code(text)


@pytest.mark.parametrize("text", ["ईमेल करें", "email karo", "ई-मेल पर भेजो", "email it", "e-mail it"])
def test_the_code_by_email(text):
    assert wants_email(text)


def test_a_date_of_birth_with_a_hindi_month():
    assert parse_birth_date("31 जनवरी 1990") == date(1990, 1, 31)
    assert parse_birth_date("३१ जनवरी १९९०") == date(1990, 1, 31)
    assert parse_birth_date("15 सितम्बर 1985") == date(1985, 9, 15)
    assert parse_birth_date("28 फ़रवरी 1990") == date(1990, 2, 28)


@pytest.mark.parametrize(
    ("text", "day"),
    [("आज", THURSDAY), ("कल", date(2026, 11, 27)), ("aaj", THURSDAY), ("15 दिसंबर", date(2026, 12, 15))],
)
def test_payment_days_in_hindi(text, day):
    assert parse_date(text, THURSDAY, "IN") == day


# --- confirmations: still only an explicit yes -------------------------------------------------------
@pytest.mark.parametrize(
    "text", ["हाँ, भुगतान करें", "आगे बढ़ें", "हाँ, आगे बढ़ें", "पुष्टि करें", "haan pay karo", "aage badho"]
)
def test_the_hindi_yes_button_and_go_ahead_typed(text):
    assert read_yes_no(text) is True


@pytest.mark.parametrize("text", ["रद्द करें", "रद्द कर दो", "radd karo", "नहीं, धन्यवाद"])
def test_a_hindi_cancel_is_a_no(text):
    assert read_yes_no(text) is False


@pytest.mark.parametrize(
    "text", ["भुगतान कैसे करें", "हाँ, पर पहले बैलेंस बताओ", "क्या आगे बढ़ें तो चार्ज लगेगा", "आगे बढ़ें या नहीं"]
)
def test_a_hindi_message_with_a_yes_word_is_not_a_yes(text):
    assert read_yes_no(text) is not True


# --- amounts, autopay -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("न्यूनतम देय राशि", "minimum_due"),
        ("मिनिमम ड्यू", "minimum_due"),
        ("minimum due", "minimum_due"),
        ("स्टेटमेंट बैलेंस", "statement_balance"),
        ("पूरा बिल", "statement_balance"),
        ("statement balance", "statement_balance"),
        ("न्यूनतम या स्टेटमेंट बैलेंस", None),
    ],
)
def test_amount_choices_in_hindi(text, choice):
    assert parse_choice(text, AMOUNT_CHOICES) == choice


@pytest.mark.parametrize("text", ["कोई और रकम", "दूसरी रकम", "alag amount", "other amount"])
def test_another_amount(text):
    assert asks_other_amount(text)


def test_and_alone_is_not_another_amount():
    assert not asks_other_amount("और")


@pytest.mark.parametrize(
    ("text", "choice"),
    [
        ("चालू करें", "enrol"),
        ("ऑटोपे शुरू करो", "enrol"),
        ("रकम बदलें", "change"),
        ("ऑटोपे रद्द करें", "cancel"),
        ("band karo", "cancel"),
        ("जैसा है वैसा रहने दें", "keep"),
        ("kuch nahi", "keep"),
        ("turn it on", "enrol"),
        ("leave it", "keep"),
    ],
)
def test_autopay_answers_in_hindi(text, choice):
    assert parse_choice(text, AUTOPAY_ACTIONS) == choice


def test_a_fixed_autopay_amount_in_hindi():
    assert parse_choice("तय रकम", AUTOPAY_AMOUNTS) == "fixed"
    assert parse_choice("न्यूनतम देय राशि", AUTOPAY_AMOUNTS) == "minimum_due"


# --- cards ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("कार्ड खो गया है", "lost"),
        ("kho gaya", "lost"),
        ("चोरी हो गया", "stolen"),
        ("कार्ड ख़राब हो गया", "damaged"),
        ("कार्ड खराब हो गया", "damaged"),
        ("टूट गया", "damaged"),
        ("it's lost", "lost"),
    ],
)
def test_replacement_reasons_in_hindi(text, reason):
    assert parse_choice(text, REPLACEMENT_REASONS) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [("सामान मिला ही नहीं", "not_received"), ("दो बार चार्ज हुआ", "duplicate"), ("गलत रकम", "wrong_amount")],
)
def test_dispute_reasons_in_hindi(text, reason):
    assert parse_choice(text, DISPUTE_REASONS) == reason


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("1 और 3", [1, 3]),
        ("१ और ३", [1, 3]),
        ("सभी", [1, 2, 3]),
        ("sab", [1, 2, 3]),
        ("पहला", [1]),
        ("आखिरी", [3]),
    ],
)
def test_list_items_in_hindi(text, numbers):
    assert parse_item_numbers(text, 3) == numbers


# --- alerts and details -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "alert"),
    [
        ("बड़ी खरीदारी", "large_purchase_threshold"),
        ("ऑनलाइन ट्रांज़ैक्शन", "online_transactions"),
        ("भुगतान की ड्यू डेट", "payment_due"),
        ("बैलेंस", "balance_threshold"),
    ],
)
def test_alerts_named_in_hindi(text, alert):
    assert parse_choice(text, ALERTS) == alert


@pytest.mark.parametrize(
    ("text", "on"),
    [
        ("चालू", True),
        ("chalu karo", True),
        ("शुरू करें", True),
        ("बंद", False),
        ("band kar do", False),
        ("off", False),
    ],
)
def test_alerts_on_and_off_in_hindi(text, on):
    assert on_or_off(text) is on


def test_on_and_off_at_once_is_neither():
    assert on_or_off("चालू या बंद") is None


@pytest.mark.parametrize("text", ["कुछ नहीं", "कुछ भी नहीं", "kuch nahi", "nothing"])
def test_nothing_to_change(text):
    assert says_nothing(text)


def test_something_else_is_not_nothing():
    assert not says_nothing("कुछ और")


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("ईमेल पता बदलना है", "email"),
        ("डाक का पता", "mailing_address"),
        ("घर का पता बदल गया", "mailing_address"),
        ("फ़ोन नंबर", "phone"),
        ("my email address", "email"),
    ],
)
def test_details_named_in_hindi(text, detail):
    assert UpdatePersonalDetailsForm.choice_in(text) == detail


# --- rewards and statements --------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["पॉइंट्स रिडीम करें", "मुझे पॉइंट्स इस्तेमाल करने हैं", "points redeem karo"])
def test_a_redemption_asked_for_in_hindi(text):
    assert wants_redemption(text)


def test_how_many_points_is_not_a_redemption():
    assert not wants_redemption("मेरे पॉइंट्स कितने हैं")


@pytest.mark.parametrize("text", ["सभी", "सब", "sab", "all"])
def test_all_the_points(text):
    assert set(words(text)) & ALL_WORDS


def test_a_statement_month_named_in_hindi():
    assert wanted_period("अक्टूबर का स्टेटमेंट") == 10
    assert wanted_period("मई का स्टेटमेंट") == 5


# --- buttons: their payloads are read, and so are their Hindi titles typed instead ---------------------
HINDI_BUTTONS = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "locales" / "hi.yml").read_text("utf-8")
)
BUTTON_READERS = {
    "utter_ask_autopay_action": lambda text: parse_choice(text, AUTOPAY_ACTIONS),
    "utter_ask_autopay_amount_type": lambda text: parse_choice(text, AUTOPAY_AMOUNTS),
    "utter_ask_replacement_reason": lambda text: parse_choice(text, REPLACEMENT_REASONS),
    "utter_ask_dispute_reason": lambda text: parse_choice(text, DISPUTE_REASONS),
    "utter_ask_alert_choice": lambda text: parse_choice(text, ALERTS),
    "utter_ask_detail_choice": UpdatePersonalDetailsForm.choice_in,
}
BUTTONS = [
    (name, button["title"], button["payload"])
    for name in BUTTON_READERS
    for variation in HINDI_BUTTONS["responses"][name]
    for button in variation["buttons"]
]


@pytest.mark.parametrize(("name", "title", "payload"), BUTTONS, ids=[f"{n}:{p}" for n, _, p in BUTTONS])
def test_a_button_means_the_same_pressed_or_its_hindi_title_typed(name, title, payload):
    pressed = BUTTON_READERS[name](payload)
    assert pressed is not None, f"the payload {payload!r} is not read"
    assert BUTTON_READERS[name](title) == pressed

"""The values and button titles the actions build read in the answer language: English exactly as
before (the English answers and the end-to-end tests rely on it), Hindi in Devanagari with the
digits and amounts as Indian banks write them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from actions.access_tasks import link_lifetime
from actions.account_tasks import transaction_line
from actions.facts import load_issuer_config
from actions.formatting import day, money, month_name, short_day
from actions.handoff import agent_hours_wording
from actions.identity import clock_time
from actions.payment_tasks import autopay_amount_text
from actions.phrases import PHRASES, phrase
from actions.profile_tasks import alert_lines
from actions.rewards_tasks import option_price
from localization.language import LANGUAGES

DEVANAGARI = re.compile(r"[\u0900-\u097F]")
DEVANAGARI_DIGITS = re.compile(r"[\u0966-\u096F]")
PLACEHOLDER = re.compile(r"{(\w+)}")
HINDI_WEEKDAYS = ("सोमवार", "मंगलवार", "बुधवार", "गुरुवार", "शुक्रवार", "शनिवार", "रविवार")
THIS_YEAR = date.today().year


@pytest.mark.parametrize("key", sorted(PHRASES))
def test_every_phrase_in_every_language_with_the_same_values(key):
    assert set(PHRASES[key]) == set(LANGUAGES)
    english = set(PLACEHOLDER.findall(PHRASES[key]["en"]))
    assert all(set(PLACEHOLDER.findall(text)) == english for text in PHRASES[key].values())
    assert DEVANAGARI.search(PHRASES[key]["hi"]), "not written in Hindi"


def test_a_language_without_the_phrase_gets_english():
    assert phrase("yes", "ta") == "Yes"


# --- dates --------------------------------------------------------------------------------------------
def test_a_day_in_hindi_has_devanagari_names_and_western_digits():
    when = date(THIS_YEAR, 12, 11)
    assert day(when, "hi") == f"{HINDI_WEEKDAYS[when.weekday()]} 11 दिसंबर"
    assert day(date(2019, 2, 1), "hi") == "शुक्रवार 1 फ़रवरी 2019"
    assert not DEVANAGARI_DIGITS.search(day(when, "hi"))


def test_a_day_in_english_is_as_before():
    assert day(date(2019, 2, 1)) == "Friday 1 February 2019"
    assert day("2019-02-01", "en") == "Friday 1 February 2019"
    when = date(THIS_YEAR, 12, 11)
    assert day(when) == f"{when:%A} 11 December"


def test_short_days_and_statement_months():
    assert short_day("2026-11-25T10:00:00Z") == "25 Nov"
    assert short_day("2026-11-25", "hi") == "25 नव॰"
    assert month_name("2026-10") == "2026-10"
    assert month_name("2026-10", "hi") == "अक्टूबर 2026"
    assert month_name("garbage", "hi") == "garbage"


def test_money_is_the_currencys_in_every_language():
    # No language argument on purpose: ₹ with Indian grouping, $ with Western, for everyone.
    assert money("150000", "INR") == "₹1,50,000.00"
    assert money("150000", "USD") == "$150,000.00"


# --- values ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "english", "hindi"),
    [(3600, "1 hour", "1 घंटे"), (7200, "2 hours", "2 घंटे"), (1800, "30 minutes", "30 मिनट")],
)
def test_how_long_a_reset_link_works(seconds, english, hindi):
    assert link_lifetime(seconds, "en") == english
    assert link_lifetime(seconds, "hi") == hindi


def test_a_lock_time_is_the_same_and_an_unknown_one_is_worded():
    assert clock_time("2026-11-26T10:30:00Z", "hi") == "10:30 UTC"
    assert clock_time(None) == "later"
    assert clock_time(None, "hi") == "कुछ देर"


def test_what_autopay_pays():
    assert autopay_amount_text("minimum_due", None) == "the minimum due"
    assert autopay_amount_text("statement_balance", None, "USD", "hi") == "स्टेटमेंट बैलेंस"
    assert autopay_amount_text("minimum_due", None, "INR", "hi") == "न्यूनतम देय राशि"
    assert autopay_amount_text("fixed", "10000.00", "INR", "hi") == "₹10,000.00"


def test_the_alerts_list():
    settings = {
        "large_purchase_threshold": "500.00",
        "online_transactions": True,
        "payment_due": False,
        "balance_threshold": None,
        "currency": "USD",
    }
    assert alert_lines(settings) == [
        "Large purchases: on, above $500.00",
        "Online transactions: on",
        "Payment due reminders: off",
        "Balance above an amount: off",
    ]
    assert alert_lines(settings, "hi") == [
        "बड़ी खरीदारी: चालू, $500.00 से ज़्यादा पर",
        "ऑनलाइन ट्रांज़ैक्शन: चालू",
        "भुगतान की ड्यू डेट के रिमाइंडर: बंद",
        "तय रकम से ज़्यादा बैलेंस: बंद",
    ]
    assert alert_lines({**settings, "channel": "whatsapp"})[-1] == "Alerts go to: WhatsApp"
    assert alert_lines({**settings, "channel": "telegram", "telegram_linked": False}, "hi")[-1] == (
        "अलर्ट यहाँ आते हैं: टेलीग्राम (चैट जोड़ने तक: एसएमएस)"
    )


def test_a_transaction_line():
    item = {"posted_on": "2026-11-25", "merchant": "Coffee House", "amount": "4.50", "currency": "USD"}
    assert transaction_line({**item, "pending": True}) == "25 Nov: Coffee House, $4.50 (pending)"
    assert transaction_line({**item, "pending": True}, "hi") == "25 नव॰: Coffee House, $4.50 (पेंडिंग)"
    assert transaction_line(item, "hi") == "25 नव॰: Coffee House, $4.50"


def test_a_rewards_option_price():
    option = {"name": "Statement credit", "points_needed": 1000, "value": "6.00", "currency": "USD"}
    assert option_price(option) == "1,000 points = $6.00"
    assert option_price(option, "hi") == "1,000 पॉइंट्स = $6.00"


def test_when_the_team_answers_the_chat():
    configured = load_issuer_config()["support"]["agent_hours"]["description"]
    assert agent_hours_wording(configured, "en") == configured
    assert agent_hours_wording(configured, "hi") == "हर दिन 08:00 से 20:00 बजे (UTC) तक"
    assert agent_hours_wording("around the clock", "hi") == "चौबीसों घंटे, हफ़्ते के सातों दिन"
    assert agent_hours_wording(None, "en") == "during opening hours"
    # A description issuer.yml does not translate is not shown in English inside a Hindi sentence.
    assert agent_hours_wording("weekdays 9 to 5", "hi") == "कामकाजी घंटों में"

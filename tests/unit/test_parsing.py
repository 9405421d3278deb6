"""Values read from free text: amounts, days, card endings, User IDs, codes, choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from actions.parsing import (
    Money,
    parse_amount,
    parse_birth_date,
    parse_code,
    parse_date,
    parse_item_numbers,
    parse_last_four,
    parse_money,
    parse_user_id,
)

THURSDAY = date(2026, 11, 26)


def test_the_example_from_the_issue_reads_amount_day_and_card():
    text = "pay $200 next Friday from my card ending 2010"
    assert parse_amount(text) == Decimal("200")
    assert parse_date(text, THURSDAY) == date(2026, 11, 27)
    assert parse_last_four(text) == "2010"


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("200", "200"),
        ("$1,234.56", "1234.56"),
        ("₹5,000", "5000"),
        ("Rs 500 on the 15th", "500"),
        ("pay 75 from the card ending in 2002", "75"),
        ("the minimum", None),
        ("100 or 200", None),
    ],
)
def test_amounts(text, amount):
    assert parse_amount(text) == (Decimal(amount) if amount else None)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        # Indian grouping, and Western grouping for the same numbers
        ("1,00,000", "100000", None),
        ("12,50,000.50", "1250000.50", None),
        ("₹1,23,456.50", "123456.50", "INR"),
        ("100,000", "100000", None),
        ("1,000,000", "1000000", None),
        # scales after digits
        ("1.5 lakh", "150000", None),
        ("2 crore", "20000000", None),
        ("2 lac", "200000", None),
        ("3 lakhs", "300000", None),
        ("2 crore 50 lakh", "25000000", None),
        ("1 lakh 50,000", "150000", None),
        ("5k", "5000", None),
        ("5K", "5000", None),
        ("2.5k", "2500", None),
        ("1.5L", "150000", None),
        # currencies before or after
        ("Rs 500", "500", "INR"),
        ("Rs. 500/-", "500", "INR"),
        ("INR 2500", "2500", "INR"),
        ("₹1.5 lakh", "150000", "INR"),
        ("4,00,000 rupees only", "400000", "INR"),
        ("pay 500.50 rs", "500.50", "INR"),
        ("$1,234.50", "1234.50", "USD"),
        ("USD 20", "20", "USD"),
        ("$5k", "5000", "USD"),
        ("twenty five dollars", "25", "USD"),
        # words
        ("five thousand", "5000", None),
        ("two hundred and fifty", "250", None),
        ("one lakh fifty thousand", "150000", None),
        ("twelve hundred", "1200", None),
        ("a hundred dollars", "100", "USD"),
        ("fifty rupees", "50", "INR"),
        ("a lakh rupees", "100000", "INR"),
        ("50 paise", "0.50", "INR"),
        ("99 cents", "0.99", "USD"),
        ("0 lakh", "0", None),  # zero, for the form to refuse, not one lakh
        # Hinglish and Hindi
        ("paanch hazaar", "5000", None),
        ("5 hazar", "5000", None),
        ("dedh lakh", "150000", None),
        ("do sau", "200", None),
        ("do sau pachaas", "250", None),
        ("saade teen hazaar", "3500", None),
        ("sava lakh", "125000", None),
        ("paune do lakh", "175000", None),
        ("sau rupaye", "100", "INR"),
        ("5000 kar do", "5000", None),
        ("पाँच हज़ार", "5000", None),
        ("पांच हजार", "5000", None),
        ("डेढ़ लाख", "150000", None),
        ("₹५०००", "5000", "INR"),
        ("५,००० रुपये", "5000", "INR"),
        ("२५०० रुपये", "2500", "INR"),
    ],
)
def test_amounts_written_the_indian_and_the_us_way(text, amount, currency):
    assert parse_money(text) == Money(int(Decimal(amount) * 100), currency)
    assert parse_amount(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text",
    [
        "kar do",  # "do" is two only with a scale: here it is "do it"
        "the one ending 2002",
        "ek",
        "ek lakh do lakh",
        "five hundred two hundred",
        "2 lakh 3,00,000",
        "$200 or ₹200",
        "5k or 6000",
        "5 rupees 50 paise",
        "1,0000",  # neither Indian nor Western grouping
        "12.345",  # not a whole number of paise
        "pay 5-6k",
        "pay -500",
        "5%",
        "the 15th",
        "15 tareekh",
        "at 5pm",
        "5 baje",
        "in 3 days",
        "3 din mein",
        "12/05",
        "5 dec",
        "x2",
        "1" * 14,
    ],
)
def test_what_is_not_one_clear_amount(text):
    assert parse_money(text) is None


def test_card_endings_and_dates_are_set_aside_in_any_wording():
    assert parse_amount("pay $200 on Dec 5 from the card ending 2010") == Decimal("200")
    assert parse_amount("last four digits are 2002, pay 300") == Decimal("300")
    assert parse_amount("2002 wala card se 5000 kal") == Decimal("5000")
    assert parse_amount("Rs 500 on 12.05.2026") == Decimal("500")
    assert parse_amount("pay 1,00,000 on 15 tareekh") == Decimal("100000")


def test_money_keeps_minor_units_and_the_text_the_service_takes():
    money = parse_money("₹1.5 lakh")
    assert money == Money(15_000_000, "INR")
    assert money.api_text() == "150000.00"
    assert Money.from_slot_text(money.slot_text()) == money
    assert Money.from_slot_text("20.00") == Money(2000)
    assert money.fits("INR") and not money.fits("USD")
    assert Money(2000).fits("USD")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", THURSDAY),
        ("tomorrow", date(2026, 11, 27)),
        ("on Monday", date(2026, 11, 30)),
        ("Dec 5", date(2026, 12, 5)),
        ("5 December", date(2026, 12, 5)),
        ("the 3rd", date(2026, 12, 3)),
        ("2026-12-10", date(2026, 12, 10)),
        ("in 3 days", date(2026, 11, 29)),
        ("whenever", None),
        ("day after tomorrow", date(2026, 11, 28)),
        ("next Friday", date(2026, 11, 27)),
        ("this Thursday", THURSDAY),
        ("Thursday", date(2026, 12, 3)),
        ("December 5 2027", date(2027, 12, 5)),
        ("the 5th of Dec", date(2026, 12, 5)),
        ("25/12", date(2026, 12, 25)),  # only one reading, whatever the region
        ("today or tomorrow", None),
        ("not today, tomorrow", date(2026, 11, 27)),
    ],
)
def test_days(text, day):
    assert parse_date(text, THURSDAY) == day


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("aaj", THURSDAY),
        ("abhi", THURSDAY),
        ("आज", THURSDAY),
        ("kal", date(2026, 11, 27)),
        ("kal kar do", date(2026, 11, 27)),
        ("कल", date(2026, 11, 27)),
        ("parso", date(2026, 11, 28)),
        ("परसों", date(2026, 11, 28)),
        ("aaj nahi kal", date(2026, 11, 27)),
        ("3 din mein", date(2026, 11, 29)),
        ("shukravar", date(2026, 11, 27)),
        ("is shukravar", date(2026, 11, 27)),
        ("agle guruvar", date(2026, 12, 3)),
        ("शुक्रवार को", date(2026, 11, 27)),
        ("15 tareekh", date(2026, 12, 15)),
        ("15 तारीख को", date(2026, 12, 15)),
        ("15 दिसंबर", date(2026, 12, 15)),
        ("pay ₹1,00,000 kal", date(2026, 11, 27)),
    ],
)
def test_days_in_hindi_and_hinglish(text, day):
    assert parse_date(text, THURSDAY, "IN") == day


@pytest.mark.parametrize(
    ("text", "region", "day"),
    [
        ("12/05", "IN", date(2027, 5, 12)),
        ("12/05", "US", date(2026, 12, 5)),
        ("12/05", None, None),  # May or December: asked again, never guessed
        ("05/12/2026", "IN", date(2026, 12, 5)),
        ("12/05/2026", "US", date(2026, 12, 5)),
        ("१२/०५", "IN", date(2027, 5, 12)),
    ],
)
def test_day_and_month_in_the_order_of_the_region(text, region, day):
    assert parse_date(text, THURSDAY, region) == day


def test_user_ids_with_and_without_a_lead_in():
    assert parse_user_id("alex.morgan") == "alex.morgan"
    assert parse_user_id("My user ID is Priya.Sharma") == "priya.sharma"
    assert parse_user_id("I forgot it") is None
    assert parse_user_id('/inform{"user_id": "alex.morgan"}') is None


def test_codes_are_six_digits_typed_not_sent_as_a_payload():
    assert parse_code("482913") == "482913"
    assert parse_code("my code is 482 913") == "482913"
    assert parse_code("४८२९१३") == "482913"  # Devanagari digits, sent on as ASCII
    assert parse_code("code ४८२ ९१३ hai") == "482913"
    assert parse_code("12345") is None
    assert parse_code("123456 or 654321") is None
    assert parse_code('/inform{"identity_code": "482913"}') is None


def test_dates_of_birth_refuse_a_day_month_mix_up():
    assert parse_birth_date("1985-09-30") == date(1985, 9, 30)
    assert parse_birth_date("30/09/1985") == date(1985, 9, 30)
    assert parse_birth_date("September 30, 1985") == date(1985, 9, 30)
    assert parse_birth_date("05/06/1990") is None
    assert parse_birth_date("30th of September 1985") == date(1985, 9, 30)
    assert parse_birth_date("३०/०९/१९८५") == date(1985, 9, 30)
    assert parse_birth_date("30 सितंबर 1985") == date(1985, 9, 30)
    assert parse_birth_date("05/05/1990") == date(1990, 5, 5)  # the same either way
    assert parse_birth_date("13/13/1990") is None


@pytest.mark.parametrize(
    ("region", "born"),
    [("IN", date(1990, 6, 5)), ("US", date(1990, 5, 6)), (None, None)],
)
def test_an_ambiguous_date_of_birth_is_read_only_in_a_known_regions_order(region, born):
    assert parse_birth_date("05/06/1990", region) == born


def test_card_endings_in_devanagari_digits():
    assert parse_last_four("२०१०", ["2010", "2002"]) == "2010"


def test_choices_from_a_numbered_list():
    assert parse_item_numbers("1 and 3", 5) == [1, 3]
    assert parse_item_numbers("the second one", 5) == [2]
    assert parse_item_numbers("7", 5) is None

"""Values read from free text: amounts, days, card endings, User IDs, codes, choices."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from actions.parsing import (
    parse_amount,
    parse_birth_date,
    parse_code,
    parse_date,
    parse_item_numbers,
    parse_last_four,
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
    ],
)
def test_days(text, day):
    assert parse_date(text, THURSDAY) == day


def test_user_ids_with_and_without_a_lead_in():
    assert parse_user_id("alex.morgan") == "alex.morgan"
    assert parse_user_id("My user ID is Priya.Sharma") == "priya.sharma"
    assert parse_user_id("I forgot it") is None
    assert parse_user_id('/inform{"user_id": "alex.morgan"}') is None


def test_codes_are_six_digits_typed_not_sent_as_a_payload():
    assert parse_code("482913") == "482913"
    assert parse_code("my code is 482 913") == "482913"
    assert parse_code("12345") is None
    assert parse_code("123456 or 654321") is None
    assert parse_code('/inform{"identity_code": "482913"}') is None


def test_dates_of_birth_refuse_a_day_month_mix_up():
    assert parse_birth_date("1985-09-30") == date(1985, 9, 30)
    assert parse_birth_date("30/09/1985") == date(1985, 9, 30)
    assert parse_birth_date("September 30, 1985") == date(1985, 9, 30)
    assert parse_birth_date("05/06/1990") is None


def test_choices_from_a_numbered_list():
    assert parse_item_numbers("1 and 3", 5) == [1, 3]
    assert parse_item_numbers("the second one", 5) == [2]
    assert parse_item_numbers("7", 5) is None

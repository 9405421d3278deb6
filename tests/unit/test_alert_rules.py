"""Which alerts a purchase or a due date asks for (account_service/alert_rules.py)."""

from __future__ import annotations

from datetime import date

import pytest

from account_service.alert_rules import (
    BALANCE,
    FRAUD_CHECK,
    LARGE_PURCHASE,
    ONLINE_PURCHASE,
    PAY_NOW,
    PAYMENT_DUE,
    Alert,
    AlertChoices,
    Purchase,
    payment_due_alert,
    payment_due_key,
    purchase_alerts,
)

ALL_ON = AlertChoices(
    large_purchase_threshold_cents=500_00,
    online_transactions=True,
    payment_due=True,
    balance_threshold_cents=2_000_00,
)
NONE_ON = AlertChoices(None, False, False, None)


@pytest.mark.parametrize(
    ("amount", "online", "expected"),
    [
        (500_00, False, [Alert(LARGE_PURCHASE, FRAUD_CHECK)]),  # at the threshold counts
        (499_99, False, []),
        (20_00, True, [Alert(ONLINE_PURCHASE, FRAUD_CHECK)]),
        # A large online purchase asks once.
        (900_00, True, [Alert(LARGE_PURCHASE, FRAUD_CHECK)]),
        # Payments and credits never alert.
        (-900_00, True, []),
        (0, True, []),
    ],
)
def test_purchase_questions(amount, online, expected):
    assert purchase_alerts(ALL_ON, Purchase(amount, online, balance_before_cents=0)) == expected


def test_nothing_alerts_when_every_alert_is_off():
    assert purchase_alerts(NONE_ON, Purchase(5_000_00, True, 10_000_00)) == []


def test_crossing_the_balance_threshold_is_a_notice_once():
    crossing = purchase_alerts(ALL_ON, Purchase(100_00, False, balance_before_cents=1_950_00))
    assert crossing == [Alert(BALANCE, None)]
    assert purchase_alerts(ALL_ON, Purchase(100_00, False, balance_before_cents=2_050_00)) == []
    # A large purchase across the threshold asks about the purchase and tells about the balance.
    both = purchase_alerts(ALL_ON, Purchase(600_00, False, balance_before_cents=1_900_00))
    assert both == [Alert(LARGE_PURCHASE, FRAUD_CHECK), Alert(BALANCE, None)]


@pytest.mark.parametrize(
    ("days_before", "minimum", "expected"),
    [(3, 35_00, True), (0, 35_00, True), (4, 35_00, False), (-1, 35_00, False), (2, 0, False)],
)
def test_payment_due_reminders_in_the_last_three_days_with_something_due(days_before, minimum, expected):
    due = date(2026, 12, 15)
    today = date.fromordinal(due.toordinal() - days_before)
    found = payment_due_alert(ALL_ON, minimum, due, today)
    assert (found == Alert(PAYMENT_DUE, PAY_NOW)) is expected
    assert payment_due_alert(NONE_ON, minimum, due, today) is None


def test_one_reminder_key_per_account_and_due_date():
    assert payment_due_key(7, date(2026, 12, 15)) == "payment_due:7:2026-12-15"
    assert payment_due_key(7, date(2027, 1, 15)) != payment_due_key(7, date(2026, 12, 15))

"""Which alerts a customer's settings ask for: pure rules, no I/O (tests/unit/test_alert_rules.py).

- A purchase (a positive amount) at or above the large-purchase threshold, or made online while
  online alerts are on, is a fraud check: one question per purchase, whichever rule (or both)
  fired, so a large online purchase asks once.
- A purchase that takes the balance from below the balance threshold to at or above it is a
  notice (nothing asked); it is not repeated while the balance stays above.
- A payment due within REMINDER_DAYS days, with something still due, is a payment-due reminder
  that offers to pay now; one per account and due date (the dedupe key).
Payments and credits (negative amounts) never alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

REMINDER_DAYS = 3

LARGE_PURCHASE, ONLINE_PURCHASE, BALANCE, PAYMENT_DUE = (
    "large_purchase",
    "online_purchase",
    "balance",
    "payment_due",
)
FRAUD_CHECK, PAY_NOW = "fraud_check", "pay_now"


@dataclass(frozen=True)
class AlertChoices:
    """The customer's alert settings, as the rules need them."""

    large_purchase_threshold_cents: int | None
    online_transactions: bool
    payment_due: bool
    balance_threshold_cents: int | None


@dataclass(frozen=True)
class Purchase:
    amount_cents: int
    online: bool
    balance_before_cents: int

    @property
    def balance_after_cents(self) -> int:
        return self.balance_before_cents + self.amount_cents


@dataclass(frozen=True)
class Alert:
    kind: str
    question: str | None  # FRAUD_CHECK, PAY_NOW, or None for a notice


def purchase_alerts(choices: AlertChoices, purchase: Purchase) -> list[Alert]:
    if purchase.amount_cents <= 0:
        return []
    alerts = []
    threshold = choices.large_purchase_threshold_cents
    if threshold is not None and purchase.amount_cents >= threshold:
        alerts.append(Alert(LARGE_PURCHASE, FRAUD_CHECK))
    elif choices.online_transactions and purchase.online:
        alerts.append(Alert(ONLINE_PURCHASE, FRAUD_CHECK))
    balance = choices.balance_threshold_cents
    if balance is not None and purchase.balance_before_cents < balance <= purchase.balance_after_cents:
        alerts.append(Alert(BALANCE, None))
    return alerts


def payment_due_alert(
    choices: AlertChoices, minimum_due_cents: int, due_date: date, today: date
) -> Alert | None:
    if not choices.payment_due or minimum_due_cents <= 0:
        return None
    if not 0 <= (due_date - today).days <= REMINDER_DAYS:
        return None
    return Alert(PAYMENT_DUE, PAY_NOW)


def payment_due_key(account_id: int, due_date: date) -> str:
    """One reminder per account and due date, whichever service instance sends it."""
    return f"payment_due:{account_id}:{due_date.isoformat()}"

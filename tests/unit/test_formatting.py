"""Money as each region's customers write it (babel): rupees with Indian grouping, dollars Western."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actions.formatting import money


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        ("123456.5", "INR", "₹1,23,456.50"),
        ("100000", "INR", "₹1,00,000.00"),
        ("12500000", "INR", "₹1,25,00,000.00"),
        ("1234.5", "USD", "$1,234.50"),
        ("100000", "USD", "$100,000.00"),
        ("-5", "USD", "-$5.00"),
        (Decimal("0"), "INR", "₹0.00"),
        (12.3, "USD", "$12.30"),
    ],
)
def test_money_in_each_currencys_own_format(amount, currency, shown):
    assert money(amount, currency) == shown

"""The hand-written PDF and the delivery-date arithmetic."""

from __future__ import annotations

import re
from datetime import date

from account_service.calendar_days import add_business_days, estimated_delivery, shift_months
from account_service.pdf import LINES_PER_PAGE, build_pdf


def test_the_pdf_cross_reference_table_points_at_every_object() -> None:
    pdf = build_pdf(["American Express - Gold Card", "Balance (due): USD 1,234.50 \\ ok", "Priya ₹ •"])
    assert pdf.startswith(b"%PDF-1.4")
    xref_at = int(re.search(rb"startxref\n(\d+)\n%%EOF", pdf).group(1))
    assert pdf[xref_at:].startswith(b"xref")
    offsets = [int(entry) for entry in re.findall(rb"(\d{10}) 00000 n ", pdf)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(f"{number} 0 obj".encode())
    assert b"(Balance \\(due\\): USD 1,234.50 \\\\ ok)" in pdf
    assert b"INR" in pdf


def test_long_statements_get_more_pages() -> None:
    pdf = build_pdf([f"line {n}" for n in range(LINES_PER_PAGE * 2 + 1)])
    assert b"/Count 3" in pdf


def test_business_days_skip_weekends() -> None:
    friday = date(2026, 11, 27)
    assert add_business_days(friday, 1) == date(2026, 11, 30)
    assert estimated_delivery(friday) == date(2026, 12, 8)
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert shift_months(date(2026, 11, 15), 3) == date(2027, 2, 15)

"""`make report` on a generated month: one HTML file with every plot and the same figures as the
insights page, and a customer's message shown as text."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from analytics.figures import figures
from analytics.report import write_report
from tests.analytics.conftest import MONTH_DAYS, MONTH_START, Month


def test_the_report_holds_the_plots_and_the_figures(month: Month, tmp_path: Path) -> None:
    shown = figures(month.engine, MONTH_START, MONTH_START + timedelta(days=MONTH_DAYS - 1))
    path = write_report(shown, tmp_path)
    html = path.read_text()
    assert html.count("data:image/png;base64,") == 4
    assert f"<strong>{month.tally.total_conversations}</strong>conversations" in html
    assert f"{shown['totals']['containment'] * 100:.1f}%" in html
    assert "email me at [email]" in html and "555" not in html.split("least-understood")[1]
    assert json.loads((tmp_path / "figures.json").read_text()) == shown


def test_a_message_is_shown_as_text(tmp_path: Path) -> None:
    from analytics.presentation import sections

    shown = json.loads(json.dumps(_empty_figures()))
    shown["least_understood"] = [{"text": "<script>alert(1)</script>", "count": 2}]
    html = str(sections(shown))
    assert "<script>" not in html and "&lt;script&gt;" in html


def _empty_figures() -> dict:
    from datetime import date

    from analytics.figures import _assemble

    return _assemble(date(2026, 1, 1), date(2026, 1, 2), [], {}, {}, [], (0, 0), [], [], [], [], [], [], [])

"""`make report`: the figures and plots of a period as one static HTML file under results/.

`python -m analytics.report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--out results/analytics]`
First reads what the tracker store holds that the consumer has not read yet (so the report is
current under `make run` without the consumer running), then writes report.html (plots
embedded) and figures.json (the same numbers) for the period, by default the last 30 days.
`--generated` reports on a generated month instead (scripts/generate_analytics_month.py).
"""

from __future__ import annotations

import argparse
import base64
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from analytics.figures import figures
from analytics.periods import PeriodError, period
from analytics.pipeline import Pipeline
from analytics.plots import PLOTS, TITLES
from analytics.presentation import render
from analytics.sources.tracker_table import TrackerTableSource
from analytics.tables import engine_for
from common.settings import REPO_ROOT, AnalyticsSettings, SettingsError, secret


def write_report(shown: dict[str, Any], out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    images = {name: base64.b64encode(draw(shown)).decode() for name, draw in PLOTS.items()}
    html = render(
        "report.html",
        shown=shown,
        images=images,
        titles=TITLES,
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    )
    (out / "report.html").write_text(html, encoding="utf-8")
    (out / "figures.json").write_text(json.dumps(shown, indent=1, ensure_ascii=False), encoding="utf-8")
    return out / "report.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="start", default="")
    parser.add_argument("--to", dest="end", default="")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "results" / "analytics")
    parser.add_argument(
        "--generated", action="store_true", help="a generated month (var/analytics-generated.db)"
    )
    args = parser.parse_args()
    try:
        settings = AnalyticsSettings.load()
        start, end = period({"from": args.start, "to": args.end}, datetime.now(timezone.utc).date())
    except (SettingsError, PeriodError) as error:
        raise SystemExit(f"report: {error}") from None
    if args.generated:
        engine = engine_for(f"sqlite:///{REPO_ROOT / 'var' / 'analytics-generated.db'}")
        if not args.start:
            start, end = _generated_period(engine, start, end)
    else:
        engine = engine_for(settings.db_url)
        pipeline = Pipeline(engine, secret(settings.analytics_salt))
        source = TrackerTableSource(
            engine_for(settings.tracker_url, "TRACKER_DB_URL"), pipeline, secret(settings.analytics_salt)
        )
        if source.tracker_exists():
            source.drain()
    path = write_report(figures(engine, start, end), args.out)
    print(f"report for {start} to {end}: {path}")


def _generated_period(engine: Any, start: date, end: date) -> tuple[date, date]:
    """The generated month's own days (it was made for some 30 days: show those)."""
    from sqlalchemy import func, select

    from analytics import tables

    with engine.connect() as connection:
        first, last = connection.execute(
            select(func.min(tables.conversations.c.day), func.max(tables.conversations.c.day))
        ).one()
    if first and last:
        return date.fromisoformat(first), date.fromisoformat(last)
    return start, end - timedelta(days=0)


if __name__ == "__main__":
    main()

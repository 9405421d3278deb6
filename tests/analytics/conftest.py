"""A generated month of conversations, run once through the analytics pipeline for this folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

from analytics.tables import engine_for
from scripts.generate_analytics_month import Tally, run_month

SALT = "test-analytics-salt-" + "s" * 20
MONTH_START, MONTH_DAYS = date(2026, 10, 1), 31


@dataclass
class Month:
    engine: Engine
    tracker: Engine
    tally: Tally
    path: Path


@pytest.fixture(scope="package")
def month(tmp_path_factory: pytest.TempPathFactory) -> Month:
    folder = tmp_path_factory.mktemp("analytics")
    engine = engine_for(f"sqlite:///{folder / 'analytics.db'}")
    tracker = create_engine(f"sqlite:///{folder / 'tracker.db'}")
    tally = run_month(engine, tracker, SALT, MONTH_START, MONTH_DAYS, seed=11)
    return Month(engine, tracker, tally, folder / "analytics.db")

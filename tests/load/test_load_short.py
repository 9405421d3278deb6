"""A short load run in the normal suite: 4 simulated customers for 25 seconds hold whole
conversations with the real servers (the session's `assistant`), through scripts/load_test.py
with the tools venv's Locust. Nothing may fail, every reply must arrive exactly once and in order,
and conversations, the identity check among them, must complete."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, Assistant

TOOLS_PYTHON = REPO_ROOT / ".venv-tools" / "bin" / "python"
# The demo service clock moves on an hour first: the code window (15 minutes) and the handoffs per
# address (an hour) then hold nothing of the tests before, whose conversations came from the same
# address as these.
FRESH_WINDOWS_S = 61 * 60


def tools_have_locust() -> bool:
    if not TOOLS_PYTHON.exists():
        return False
    probe = subprocess.run([str(TOOLS_PYTHON), "-c", "import locust"], capture_output=True, check=False)
    return probe.returncode == 0


def failures_table(out: Path) -> str:
    table = out / "locust_failures.csv"
    return table.read_text(encoding="utf-8") if table.exists() else ""


def run_short_load(rasa_url: str, service_url: str, out: Path) -> dict:
    """4 customers for 25 s through scripts/load_test.py; the checks every short run must pass."""
    if not tools_have_locust():
        pytest.skip(".venv-tools has no locust: `make .venv-tools/.installed` builds it (make test does)")
    run = subprocess.run(
        [
            str(TOOLS_PYTHON),
            str(REPO_ROOT / "scripts" / "load_test.py"),
            *("--rasa-url", rasa_url, "--service-url", service_url),
            *("--users", "4", "--spawn-rate", "2", "--time", "25s", "--out", str(out)),
            *("--advance-demo-clock", str(FRESH_WINDOWS_S)),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    report = f"{run.stdout}\n{run.stderr}\n{failures_table(out)}"
    assert run.returncode == 0, report
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["errors"]["total"] == 0, report
    assert summary["exactly_once_violations"]["total"] == 0, summary["exactly_once_violations"]
    assert summary["messages"]["count"] >= 20, summary["messages"]
    conversations = summary["conversations"]
    assert conversations["completed"] >= 4 and conversations["failed"] == 0, conversations
    # The service's 3 codes per customer in 15 minutes allow a few identity checks in this run.
    assert summary["outcomes"].get("verified", 0) >= 1, summary["outcomes"]
    return summary


def test_four_customers_for_25_seconds_without_an_error(assistant: Assistant, tmp_path: Path) -> None:
    assistant.set_fault("pass")
    run_short_load(assistant.rasa_url, assistant.service_url, tmp_path)

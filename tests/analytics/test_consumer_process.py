"""`python -m analytics` as its own process: it starts on the tracker table, answers GET /health
while its reading loop goes round, stops on SIGTERM; the health check turns 503 once the loop
has not gone round for a while."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import requests

from analytics.health import STALE_S, Heartbeat
from tests.analytics.consumer_env import consumer_environment
from tests.conftest import free_port, start, wait_until_healthy


def test_the_consumer_runs_answers_its_health_check_and_stops_on_sigterm(tmp_path: Path) -> None:
    port = free_port()
    env = consumer_environment(f"sqlite:///{tmp_path / 'analytics.db'}", tmp_path / "tracker.db", port)
    log = tmp_path / "analytics.log"
    process = start([sys.executable, "-m", "analytics"], env, log)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", process, 60, log)
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=5).json() == {"status": "ok"}
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            assert process.wait(timeout=20) == 0, log.read_text()
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert (tmp_path / "analytics.db").exists()


def test_the_health_check_turns_503_when_the_loop_stops_going_round() -> None:
    now = [1000.0]
    heartbeat = Heartbeat(clock=lambda: now[0])
    assert heartbeat.healthy()
    now[0] += STALE_S + 1
    assert not heartbeat.healthy()
    heartbeat.beat()
    assert heartbeat.healthy()

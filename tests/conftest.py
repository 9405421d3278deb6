"""Fixtures that start the real servers on free ports and stop them afterwards."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_healthy(url: str, process: subprocess.Popen, timeout_s: float, log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited early:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{url} not healthy after {timeout_s} s:\n{log.read_text()[-3000:]}")


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as log_file:
        return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


class Assistant:
    """A running assistant: Rasa server plus action server, each on its own free port."""

    def __init__(self, rasa_url: str, tracker_db: Path, logs: dict[str, Path]) -> None:
        self.rasa_url = rasa_url
        self.tracker_db = tracker_db
        self.logs = logs

    def send(self, sender: str, message: str, timeout_s: float = 30) -> list[dict]:
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=timeout_s,
        )
        reply.raise_for_status()
        return reply.json()

    def parse(self, text: str) -> dict:
        reply = requests.post(f"{self.rasa_url}/model/parse", json={"text": text}, timeout=30)
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    if not any((REPO_ROOT / "models").glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    workdir = tmp_path_factory.mktemp("assistant")
    rasa_port, action_port = free_port(), free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(workdir / "tracker.db"),
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    logs = {"actions": workdir / "actions.log", "rasa": workdir / "rasa.log"}
    actions = start(
        [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(action_port)],
        env,
        logs["actions"],
    )
    rasa = None
    try:
        wait_until_healthy(f"http://127.0.0.1:{action_port}/health", actions, 60, logs["actions"])
        rasa = start(
            [
                str(VENV_BIN / "rasa"),
                "run",
                "--model",
                "models",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(rasa_port),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                "endpoints.yml",
            ],
            env,
            logs["rasa"],
        )
        wait_until_healthy(f"http://127.0.0.1:{rasa_port}/status", rasa, 240, logs["rasa"])
        yield Assistant(f"http://127.0.0.1:{rasa_port}", workdir / "tracker.db", logs)
    finally:
        if rasa is not None:
            stop(rasa)
        stop(actions)

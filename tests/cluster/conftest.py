"""The production profile as `make cluster` starts it (python -m scripts.cluster), once for the
tests of this folder, stopped afterwards. CLUSTER_RUNNING=1 uses one already running instead
(for working on these tests)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from scripts.cluster.layout import PUBLIC, Layout
from scripts.demo_secrets import existing

REPO = Path(__file__).resolve().parents[2]
ROOT = REPO / "var" / "cluster"
RASA = f"http://127.0.0.1:{PUBLIC['rasa']}"
SERVICE = f"http://127.0.0.1:{PUBLIC['service']}"
START_TIMEOUT_S = 600


def pid_of(name: str) -> int:
    return int((ROOT / f"{name}.pid").read_text())


def kill(name: str, sig: int = signal.SIGKILL) -> None:
    os.kill(pid_of(name), sig)


@dataclass
class Conversation:
    """One customer on the REST channel through the balancer (or one replica), resending a
    message that got no answer with the same message ID, as a client must."""

    url: str = RASA
    sender: str = field(default_factory=lambda: f"cluster-{uuid.uuid4().hex[:10]}")
    sent: int = 0

    def post(self, text: str, message_id: str, url: str | None = None) -> requests.Response:
        body = {"sender": self.sender, "message": text, "message_id": message_id}
        return requests.post(f"{url or self.url}/webhooks/rest/webhook", json=body, timeout=60)

    def say(self, text: str, within_s: float = 10, url: str | None = None) -> tuple[list[dict], float]:
        """The replies and how long until the first answer (a line or the replies) came."""
        self.sent += 1
        message_id = f"m{self.sent}"
        started = time.monotonic()
        first_answer: float | None = None
        deadline = started + 90
        while time.monotonic() < deadline:
            try:
                reply = self.post(text, message_id, url)
            except requests.RequestException:
                time.sleep(1)
                continue
            if first_answer is None:
                first_answer = time.monotonic() - started
            if reply.status_code == 200:
                return reply.json(), first_answer
            assert reply.status_code == 503, reply.text
            assert reply.json()[0]["text"], "a 503 carries a line for the customer"
            time.sleep(float(reply.headers.get("Retry-After", "2")))
        raise AssertionError(f"no answer to {text!r} within 90 s")

    def texts(self, text: str, **kwargs) -> str:
        replies, waited = self.say(text, **kwargs)
        assert waited < 10, f"the first answer took {waited:.1f} s"
        return "\n".join(reply.get("text", "") for reply in replies)


def latest_code(user_id: str) -> str:
    messages = requests.get(f"{SERVICE}/demo/outbox", params={"user_id": user_id}, timeout=10).json()
    return re.findall(r"\b(\d{6})\b", messages[-1]["text"])[0]


def rasa_api_token() -> str:
    from rasa_server.api_token import api_token

    return api_token(existing(REPO / "var" / "secrets.env")["RASA_JWT_SECRET"])


@pytest.fixture(scope="session")
def cluster() -> Iterator[Layout]:
    layout = Layout(ROOT)
    if os.environ.get("CLUSTER_RUNNING") == "1":
        yield layout
        return
    ready = ROOT / "ready"
    ROOT.mkdir(parents=True, exist_ok=True)
    ready.unlink(missing_ok=True)
    log = (ROOT / "launcher.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.cluster", "--ready-file", str(ready)],
        cwd=REPO,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready.exists():
            if process.poll() is not None:
                pytest.fail(f"make cluster stopped: {(ROOT / 'launcher.log').read_text()[-2000:]}")
            assert time.monotonic() < deadline, "the cluster did not start in time"
            time.sleep(1)
        yield layout
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(autouse=True)
def fresh_code_window(cluster: Layout) -> None:
    """The demo customers may be sent 3 codes per 15 minutes (and the cluster's database keeps
    earlier runs' codes): each test starts a quarter of an hour later on the shared demo clock."""
    requests.post(f"{SERVICE}/demo/clock", json={"advance_seconds": 16 * 60}, timeout=10).raise_for_status()

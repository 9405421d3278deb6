"""Fixtures that start the real servers on free ports and stop them afterwards."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import requests

from common.settings import DEMO_SECRETS
from rasa_server.api_token import api_token
from tests.in_app_env import in_app_env
from tests.messaging_env import messaging_env
from tests.platform_standin import running_standin

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


DEMO_TOKEN = "demo-account-service-token"
# The Rasa server's HTTP API is on only with a JWT secret; tests call it with an admin token.
RASA_JWT_SECRET = secrets.token_urlsafe(32)
CONVERSATION_LIMIT = 40  # messages per conversation per minute in the test stack
# The website and another site embedding the widget (tests/browser): their origins must be known
# to the Rasa server, which lets only those pages open the widget's socket.
WEBSITE_PORT, EMBEDDING_SITE_PORT = free_port(), free_port()
WIDGET_ORIGINS = ",".join(
    f"http://{host}:{port}"
    for port in (WEBSITE_PORT, EMBEDDING_SITE_PORT)
    for host in ("127.0.0.1", "localhost")
)
ACTION_SERVER_TOKEN = "e2e-action-server-token-0123456789abcdef"  # Rasa sends it (endpoints.yml)


class Assistant:
    """A running assistant: Rasa server, action server, account service (behind a proxy that
    can be told to fail), each on its own free port."""

    def __init__(
        self, rasa_url: str, service_url: str, proxy_url: str, workdir: Path, logs: dict[str, Path]
    ) -> None:
        self.rasa_url = rasa_url
        self.service_url = service_url
        self.proxy_url = proxy_url
        self.workdir = workdir
        self.tracker_db = workdir / "tracker.db"
        self.account_db = workdir / "account.db"
        self.logs = logs
        self.standin_url = ""

    def stored_bytes(self) -> bytes:
        """Everything the assistant has written down: both databases (with their journals) and
        every log."""
        files = [*self.workdir.glob("tracker.db*"), *self.workdir.glob("account.db*"), *self.logs.values()]
        return b"".join(path.read_bytes() for path in files if path.exists())

    # --- the account service's demo helpers ------------------------------------------------------
    def outbox(self, user_id: str) -> list[dict]:
        reply = requests.get(f"{self.service_url}/demo/outbox", params={"user_id": user_id}, timeout=10)
        reply.raise_for_status()
        return reply.json()

    def latest_code(self, user_id: str) -> str:
        """The code in the newest message sent to the customer (as they would read it)."""
        import re

        texts = [message["text"] for message in self.outbox(user_id)]
        codes = re.findall(r"\b(\d{6})\b", texts[-1]) if texts else []
        assert codes, f"no code in the latest message to {user_id}: {texts[-1:]}"
        return codes[0]

    def advance_clock(self, seconds: int) -> None:
        requests.post(
            f"{self.service_url}/demo/clock", json={"advance_seconds": seconds}, timeout=10
        ).raise_for_status()

    def reset_clock(self) -> None:
        requests.delete(f"{self.service_url}/demo/clock", timeout=10).raise_for_status()

    def set_fault(self, mode: str) -> None:
        requests.post(f"{self.proxy_url}/__fault", json={"mode": mode}, timeout=10).raise_for_status()

    def service(
        self, method: str, path: str, *, caller: str = "ACCOUNT_SERVICE_TOKEN", **kwargs
    ) -> requests.Response:
        """The account service as one of its callers (the action server's token by default;
        caller="AGENT_SERVICE_TOKEN" for the agent console's routes)."""
        headers = {"Authorization": f"Bearer {DEMO_SECRETS[caller]}"}
        return requests.request(method, f"{self.service_url}{path}", headers=headers, timeout=10, **kwargs)

    def send(self, sender: str, message: str, timeout_s: float = 30) -> list[dict]:
        reply = requests.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=timeout_s,
        )
        reply.raise_for_status()
        return reply.json()

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """Rasa's HTTP API, with an admin JWT as a tool in demo mode would use it."""
        headers = {"Authorization": f"Bearer {api_token(RASA_JWT_SECRET)}"}
        return requests.request(method, f"{self.rasa_url}{path}", headers=headers, timeout=30, **kwargs)

    def parse(self, text: str) -> dict:
        reply = self.api("POST", "/model/parse", json={"text": text})
        reply.raise_for_status()
        return reply.json()

    def tracker(self, conversation_id: str) -> dict:
        reply = self.api("GET", f"/conversations/{conversation_id}/tracker")
        reply.raise_for_status()
        return reply.json()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    if not any((REPO_ROOT / "models").glob("*.tar.gz")):
        pytest.fail("no trained model in models/: run `make train` (make test does it)")
    with ExitStack() as stack:
        yield from _assistant(tmp_path_factory, stack)


def _assistant(tmp_path_factory: pytest.TempPathFactory, stack: ExitStack) -> Iterator[Assistant]:
    workdir = tmp_path_factory.mktemp("assistant")
    rasa_port, action_port, service_port, proxy_port = free_port(), free_port(), free_port(), free_port()
    service_url, proxy_url = f"http://127.0.0.1:{service_port}", f"http://127.0.0.1:{proxy_port}"
    standin = stack.enter_context(running_standin(free_port()))
    env = {
        **os.environ,
        # The public demo values, whatever `make test` exported from var/secrets.env: the tests
        # call the service and the relay as each caller would.
        **DEMO_SECRETS,
        "PYTHONPATH": str(REPO_ROOT),
        "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        "TRACKER_DB": str(workdir / "tracker.db"),
        "ACCOUNT_DB_URL": f"sqlite+aiosqlite:///{workdir / 'account.db'}",
        "ACCOUNT_SERVICE_PORT": str(service_port),
        "ACCOUNT_PUBLIC_URL": service_url,
        "ACCOUNT_SERVICE_URL": proxy_url,
        "ACCOUNT_SERVICE_TOKEN": DEMO_TOKEN,
        "ACTION_SERVER_TOKEN": ACTION_SERVER_TOKEN,
        "DEMO_MODE": "1",
        "RASA_HOST": "127.0.0.1",
        "RASA_PORT": str(rasa_port),
        "RASA_JWT_SECRET": RASA_JWT_SECRET,
        # Lower than the default (300 a minute) so that the flood test stays light.
        "CHAT_MESSAGES_PER_CONVERSATION": str(CONVERSATION_LIMIT),
        "WIDGET_ORIGINS": WIDGET_ORIGINS,
        # Agents on the chat whatever the time; tests switch to never with POST /demo/agent-hours.
        "AGENT_HOURS": "always",
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        **messaging_env(standin),
        **in_app_env(),
    }
    logs = {name: workdir / f"{name}.log" for name in ("service", "proxy", "actions", "rasa")}
    processes: list[subprocess.Popen] = []
    try:
        processes.append(start([sys.executable, "-m", "account_service"], env, logs["service"]))
        wait_until_healthy(f"{service_url}/health", processes[-1], 60, logs["service"])
        processes.append(
            start(
                [
                    sys.executable,
                    "-m",
                    "tests.fault_proxy",
                    "--port",
                    str(proxy_port),
                    "--upstream",
                    service_url,
                ],
                env,
                logs["proxy"],
            )
        )
        wait_until_healthy(f"{proxy_url}/__health", processes[-1], 30, logs["proxy"])
        processes.append(
            start([sys.executable, "-m", "actions.server", "--port", str(action_port)], env, logs["actions"])
        )
        wait_until_healthy(f"http://127.0.0.1:{action_port}/health", processes[-1], 60, logs["actions"])
        processes.append(start([sys.executable, "-m", "rasa_server"], env, logs["rasa"]))
        wait_until_healthy(f"http://127.0.0.1:{rasa_port}/", processes[-1], 240, logs["rasa"])
        running = Assistant(f"http://127.0.0.1:{rasa_port}", service_url, proxy_url, workdir, logs)
        running.standin_url = standin  # the messaging platforms' stand-in API
        yield running
    finally:
        for process in reversed(processes):
            stop(process)

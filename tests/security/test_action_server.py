"""The action server as an attacker on the network would meet it: the real `python -m
actions.server` process in front of the real account service, with a conversation verified in
the service. Without its token nothing runs; it listens on loopback; bodies are capped; an
action that fails answers politely without the tracker; outside demo mode it will not start
without its secrets. The last test proves that Rasa sends the token, end to end."""

from __future__ import annotations

import base64
import json
import re
import socket
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.service.process import free_port, start_account_service, stop_account_service

REPO_ROOT = Path(__file__).resolve().parents[2]
ACTION_TOKEN = "sec-action-server-token-" + "a1b2c3d4" * 4
SERVICE_TOKEN = "sec-account-service-token-" + "e5f6a7b8" * 4
SECRET = "SECRET-tracker-value-7731"


@dataclass
class Running:
    action_url: str
    service_url: str
    log: Path
    conversation: str

    def service(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
        return requests.request(method, self.service_url + path, headers=headers, timeout=10, **kwargs)

    def webhook(
        self, body: bytes | dict, headers: dict[str, str] | None = None, **kwargs
    ) -> requests.Response:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        sent = {"Content-Type": "application/json", **(headers or {})}
        return requests.post(f"{self.action_url}/webhook", data=data, headers=sent, timeout=15, **kwargs)


def authorised(token: str = ACTION_TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def action_env(service_url: str, port: int, **overrides: str) -> dict[str, str]:
    import os

    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("DEMO_MODE", "ACTION_SERVER_TOKEN", "ACCOUNT_SERVICE_TOKEN", "ACTION_HOST", "ACTION_PORT")
    }
    env.update(
        {
            "PYTHONPATH": str(REPO_ROOT),
            "ACCOUNT_SERVICE_URL": service_url,
            "ACCOUNT_SERVICE_TOKEN": SERVICE_TOKEN,
            "ACTION_SERVER_TOKEN": ACTION_TOKEN,
            "ACTION_PORT": str(port),
        }
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value != ""}


def wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"action server exited:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/health", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"action server not healthy:\n{log.read_text()[-3000:]}")


def verify(service_url: str, conversation: str, user_id: str) -> None:
    """A conversation verified in the service, as a customer's chat would be."""
    headers = {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    started = requests.post(
        f"{service_url}/identity/challenges",
        json={"conversation_id": conversation, "purpose": "verify", "channel": "sms", "user_id": user_id},
        headers=headers,
        timeout=10,
    )
    assert started.status_code == 201, started.text
    outbox = requests.get(f"{service_url}/demo/outbox", params={"user_id": user_id}, timeout=10).json()
    code = re.findall(r"\b(\d{6})\b", outbox[-1]["text"])[0]
    verified = requests.post(
        f"{service_url}/identity/challenges/{started.json()['challenge_id']}/verify",
        json={"conversation_id": conversation, "code": code, "purpose": "verify"},
        headers=headers,
        timeout=10,
    )
    assert verified.status_code == 200, verified.text


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    workdir = tmp_path_factory.mktemp("action-server")
    service, service_url = start_account_service(
        workdir,
        free_port(),
        {"DEMO_MODE": "1", "ACCOUNT_SERVICE_TOKEN": SERVICE_TOKEN, "AGENT_HOURS": "always"},
    )
    port = free_port()
    log = workdir / "actions.log"
    # Production mode: the secrets are set, nothing falls back to a demo value.
    env = action_env(service_url, port, DEMO_MODE="0")
    with log.open("w") as out:
        actions = subprocess.Popen(
            [sys.executable, "-m", "actions.server"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        action_url = f"http://127.0.0.1:{port}"
        wait_healthy(action_url, actions, log)
        conversation = f"rest:sec-{uuid.uuid4().hex[:12]}"
        verify(service_url, conversation, "alex.morgan")
        yield Running(action_url, service_url, log, conversation)
    finally:
        actions.terminate()
        try:
            actions.wait(timeout=15)
        except subprocess.TimeoutExpired:
            actions.kill()
        stop_account_service(service)


def action_call(action: str, conversation: str, slots: dict | None = None, text: str = "hi") -> dict:
    return {
        "next_action": action,
        "sender_id": conversation,
        "version": "3.6.21",
        "tracker": {
            "sender_id": conversation,
            "slots": {"requested_slot": None, **(slots or {})},
            "latest_message": {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": []},
            "events": [],
            "paused": False,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
    }


def card_status(running: Running, last_four: str) -> str:
    cards = running.service("GET", "/me/cards", params={"conversation_id": running.conversation}).json()[
        "cards"
    ]
    return next(card["status"] for card in cards if card["last_four"] == last_four)


# --- the token ---------------------------------------------------------------------------------
WRONG_AUTHORIZATION = [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer wrong"},
    {"Authorization": f"Bearer {ACTION_TOKEN[:-1]}"},
    {"Authorization": f"Bearer {ACTION_TOKEN}x"},
    {"Authorization": f"Bearer {SERVICE_TOKEN}"},
    {"Authorization": ACTION_TOKEN},
    {"Authorization": f"Token {ACTION_TOKEN}"},
    {"Authorization": "Basic " + base64.b64encode(f"rasa:{ACTION_TOKEN}".encode()).decode()},
    {"X-Action-Token": ACTION_TOKEN},
]


@pytest.mark.parametrize("headers", WRONG_AUTHORIZATION, ids=range(len(WRONG_AUTHORIZATION)))
def test_without_the_token_a_balance_check_runs_nothing(running, headers):
    answer = running.webhook(action_call("action_check_balance", running.conversation), headers)
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized"}
    assert answer.headers.get("WWW-Authenticate") == "Bearer"


def test_the_token_in_the_query_string_is_not_the_token(running):
    answer = running.webhook(
        action_call("action_check_balance", running.conversation), params={"token": ACTION_TOKEN}
    )
    assert answer.status_code == 401


def test_without_the_token_a_freeze_changes_nothing(running):
    call = action_call("action_freeze_card", running.conversation, {"card_last_four": "2002"})
    assert running.webhook(call, {"Authorization": "Bearer nope"}).status_code == 401
    assert card_status(running, "2002") == "active"


def test_with_the_token_the_same_calls_run(running):
    """The control for the tests above: the calls would have worked with the token."""
    answer = running.webhook(action_call("action_check_balance", running.conversation), authorised())
    assert answer.status_code == 200
    assert "utter_balance_summary" in [message["response"] for message in answer.json()["responses"]]
    freeze = action_call("action_freeze_card", running.conversation, {"card_last_four": "2010"})
    assert running.webhook(freeze, authorised()).status_code == 200
    assert card_status(running, "2010") == "frozen"


def test_the_list_of_actions_needs_the_token_and_health_does_not(running):
    assert requests.get(f"{running.action_url}/actions", timeout=5).status_code == 401
    listed = requests.get(f"{running.action_url}/actions", headers=authorised(), timeout=5)
    assert listed.status_code == 200 and {"name": "action_check_balance"} in listed.json()
    assert requests.get(f"{running.action_url}/health", timeout=5).json() == {"status": "ok"}


def test_no_cors_for_any_origin(running):
    origin = {"Origin": "https://evil.example"}
    preflight = requests.options(
        f"{running.action_url}/webhook",
        headers={**origin, "Access-Control-Request-Method": "POST"},
        timeout=5,
    )
    health = requests.get(f"{running.action_url}/health", headers=origin, timeout=5)
    for answer in (preflight, health):
        assert not any(name.lower().startswith("access-control-") for name in answer.headers)


def non_loopback_addresses() -> list[str]:
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(info[4][0])
    except socket.gaierror:
        pass
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outward interface
            found.add(probe.getsockname()[0])
        except OSError:
            pass
    return sorted(address for address in found if not address.startswith("127."))


def test_it_listens_on_loopback_only(running):
    addresses = non_loopback_addresses()
    if not addresses:
        pytest.skip("this machine has no address other than loopback")
    port = int(running.action_url.rsplit(":", 1)[1])
    for address in addresses:
        with socket.socket() as client:
            client.settimeout(2)
            assert client.connect_ex((address, port)) != 0, f"reachable on {address}"


# --- bodies ------------------------------------------------------------------------------------
def test_an_oversized_body_is_refused_before_it_is_read(running):
    big = b'{"next_action": "action_check_balance", "padding": "' + b"x" * (3 * 1024 * 1024) + b'"}'
    assert running.webhook(big, authorised()).status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(48):
            yield b"x" * 65536

    chunked = requests.post(
        f"{running.action_url}/webhook", data=chunks(), headers={**authorised()}, timeout=15
    )
    assert chunked.status_code == 413


def test_a_deflated_body_may_not_grow_past_the_cap(running):
    bomb = zlib.compress(b'{"next_action": "' + b"x" * (20 * 1024 * 1024) + b'"}', 9)
    assert len(bomb) < 100_000
    answer = running.webhook(bomb, {**authorised(), "Content-Encoding": "deflate"})
    assert answer.status_code == 413


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b'{"tracker": {}}', b'{"next_action": 5}', b""])
def test_a_broken_call_is_a_400_without_details(running, body):
    answer = running.webhook(body, authorised())
    assert answer.status_code == 400 and answer.json() == {"error": "bad_request"}


# --- failures ----------------------------------------------------------------------------------
def test_a_failing_action_answers_politely_without_the_tracker(running):
    slots = {
        "requested_slot": "redeem_points",
        "rewards_current": {"points": SECRET, "options": [{"name": "Gift card", "points_needed": 2500}]},
        "redeem_option": "Gift card",
    }
    call = action_call("validate_rewards_form", running.conversation, slots, text="all")
    call["tracker"]["events"] = [{"event": "user", "text": f"my secret is {SECRET}"}]
    call["tracker"]["active_loop"] = {"name": "rewards_form"}
    answer = running.webhook(call, authorised())
    assert answer.status_code == 200
    body = answer.json()
    assert [message["response"] for message in body["responses"]] == ["utter_action_failed"]
    assert {"event": "slot", "timestamp": None, "name": "task_outcome", "value": "error"} in body["events"]
    assert SECRET not in answer.text and running.conversation not in answer.text
    time.sleep(0.5)
    log = running.log.read_text()
    assert "action validate_rewards_form failed: ValueError at actions/rewards_tasks.py:" in log
    assert SECRET not in log and "invalid literal" not in log and running.conversation not in log


def test_an_unknown_action_is_a_404_without_echo(running):
    answer = running.webhook(action_call("action_<script>", running.conversation), authorised())
    assert answer.status_code == 404 and "script" not in answer.text


# --- start-up ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        (
            {"ACTION_SERVER_TOKEN": "", "ACCOUNT_SERVICE_TOKEN": ""},
            ("ACTION_SERVER_TOKEN", "ACCOUNT_SERVICE_TOKEN"),
        ),
        ({"ACTION_SERVER_TOKEN": ""}, ("ACTION_SERVER_TOKEN",)),
        ({"ACTION_SERVER_TOKEN": "short"}, ("ACTION_SERVER_TOKEN",)),
        ({"ACCOUNT_SERVICE_TOKEN": "demo-account-service-token"}, ("ACCOUNT_SERVICE_TOKEN",)),
    ],
)
def test_outside_demo_mode_it_refuses_to_start_without_its_secrets(overrides, named):
    env = action_env("http://127.0.0.1:9", free_port(), **overrides)  # DEMO_MODE unset: production
    started = subprocess.run(
        [sys.executable, "-m", "actions.server"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    for name in named:
        assert name in started.stderr
    assert ACTION_TOKEN not in started.stderr and SERVICE_TOKEN not in started.stderr


# --- end to end: Rasa sends the token ----------------------------------------------------------
def test_rasa_sends_the_token_and_a_caller_without_it_is_refused(assistant):
    """Every action in a chat goes through the action server, which refuses any call without the
    token: a chat that reaches its forms proves that Rasa sends it (endpoints.yml)."""
    sender = f"sec-{uuid.uuid4().hex[:12]}"
    asked = requests.post(
        f"{assistant.rasa_url}/webhooks/rest/webhook",
        json={"sender": sender, "message": "what's my balance"},
        timeout=30,
    ).json()
    assert "User ID" in " ".join(reply.get("text", "") for reply in asked)
    log = assistant.logs["actions"].read_text()
    port = re.search(r"action server on http://[\d.]+:(\d+)", log).group(1)
    refused = requests.post(
        f"http://127.0.0.1:{port}/webhook", json=action_call("action_check_balance", sender), timeout=10
    )
    assert refused.status_code == 401

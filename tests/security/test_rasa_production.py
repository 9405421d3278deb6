"""The Rasa server in production (DEMO_MODE unset): it refuses to start without its secrets, its
HTTP API is off without a JWT secret, the plain REST channel is off, the widget's socket takes no
other site's pages, and one address cannot flood it, whatever X-Forwarded-For claims."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator

import pytest
import requests
import socketio

from channels.guard import SLOW_DOWN
from common.settings import RasaServerSettings
from tests.conftest import REPO_ROOT, free_port, start, stop, wait_until_healthy
from tests.conversations.test_socketio import Browser

RASA_SECRETS = ("ACTION_SERVER_TOKEN", "CHANNELS_SERVICE_TOKEN", "AGENT_RELAY_TOKEN", "WIDGET_SESSION_SECRET")


def production_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in RASA_SECRETS}
    env.pop("DEMO_MODE", None)
    env.pop("RASA_JWT_SECRET", None)
    env.update({"PYTHONPATH": str(REPO_ROOT), "RASA_TELEMETRY_ENABLED": "false", **extra})
    return env


def test_without_its_secrets_the_server_refuses_to_start_and_names_them():
    done = subprocess.run(
        [sys.executable, "-m", "rasa_server"],
        cwd=REPO_ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    for name in RASA_SECRETS:
        assert name in done.stderr
    weak = subprocess.run(
        [sys.executable, "-m", "rasa_server"],
        cwd=REPO_ROOT,
        env=production_env(**{name: "short" for name in RASA_SECRETS}, RASA_JWT_SECRET="x" * 31),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert weak.returncode != 0 and "RASA_JWT_SECRET" in weak.stderr and "short" not in weak.stderr


def test_settings_rest_only_when_asked_for_and_no_widget_origins_by_default():
    strong = {name: secrets.token_urlsafe(32) for name in RASA_SECRETS}
    production = RasaServerSettings.load(strong)
    assert not production.rest_channel_on and production.widget_origin_list == []
    assert RasaServerSettings.load({**strong, "REST_CHANNEL": "1"}).rest_channel_on
    assert RasaServerSettings.load({"DEMO_MODE": "1"}).rest_channel_on


async def warm_up(url: str) -> None:
    """One message, so the model's first (slow) prediction is behind us before the tests time
    anything."""
    browser = Browser(url)
    await browser.open()
    await browser.client.emit("user_uttered", {"message": "/greet", "session_id": browser.session_id})
    await asyncio.wait_for(browser.replies.get(), 120)
    await browser.close()


@pytest.fixture(scope="module")
def production_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    workdir = tmp_path_factory.mktemp("rasa-production")
    port = free_port()
    env = production_env(
        **{name: secrets.token_urlsafe(32) for name in RASA_SECRETS},
        RASA_HOST="127.0.0.1",
        RASA_PORT=str(port),
        CHAT_MESSAGES_PER_ADDRESS="5",
        CHAT_LIMIT_WINDOW_S="120",
        TRACKER_DB=str(workdir / "tracker.db"),
        ACTION_SERVER_URL=f"http://127.0.0.1:{free_port()}/webhook",
        ACCOUNT_SERVICE_URL=f"http://127.0.0.1:{free_port()}",
    )
    log = workdir / "rasa.log"
    process = start([sys.executable, "-m", "rasa_server"], env, log)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/", process, 240, log)
        url = f"http://127.0.0.1:{port}"
        asyncio.run(warm_up(url))
        yield url
    finally:
        stop(process)


def test_without_a_jwt_secret_the_http_api_does_not_exist(production_rasa):
    assert requests.get(production_rasa + "/", timeout=10).status_code == 200
    for method, path in [
        ("GET", "/conversations/rest:x/tracker"),
        ("POST", "/conversations/rest:x/tracker/events"),
        ("POST", "/model/parse"),
        ("PUT", "/model"),
        ("POST", "/model/train"),
        ("GET", "/status"),
    ]:
        assert requests.request(method, production_rasa + path, json={}, timeout=10).status_code == 404


def test_the_plain_rest_channel_is_off(production_rasa):
    answer = requests.post(
        production_rasa + "/webhooks/rest/webhook", json={"sender": "x", "message": "hi"}, timeout=10
    )
    assert answer.status_code == 404 and answer.json() == {"error": "channel_not_configured"}


@pytest.mark.asyncio
async def test_the_widget_socket_takes_no_other_sites_pages(production_rasa):
    stranger = socketio.AsyncClient(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        await stranger.connect(
            production_rasa,
            socketio_path="/socket.io",
            transports=["polling"],
            headers={"Origin": "https://a.example"},
        )


@pytest.mark.asyncio
async def test_one_address_is_limited_whatever_x_forwarded_for_says(production_rasa):
    slow_downs = 0
    for number in range(4):
        # Each connection claims another client; the peer is not a trusted proxy, so it is ignored.
        browser = Browser(production_rasa)
        await browser.open(headers={"X-Forwarded-For": f"203.0.113.{number}"})
        for _ in range(3):
            await browser.client.emit("user_uttered", {"message": "/greet", "session_id": browser.session_id})
        await asyncio.sleep(1.5)
        while not browser.replies.empty():
            slow_downs += (await browser.replies.get()).get("text") == SLOW_DOWN
        await browser.close()
    # 13 messages from one address (the warm-up and these 12), 5 allowed in any 120 s.
    assert slow_downs == 8

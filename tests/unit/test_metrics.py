"""common/metrics.py and its adapters on their own: labels only from fixed sets, 5xx counted as
errors, the token check, gauges added later by name, the Sanic middlewares on a small app, the
Rasa message hooks on stand-ins, and METRICS_TOKEN in every process's settings."""

from __future__ import annotations

import asyncio
import uuid
from http import HTTPStatus

import aiohttp
import pytest
from sanic import Sanic, response
from sanic.request import Request

from common import metrics
from common.metrics import REGISTRY
from common.metrics_sanic import install_metrics
from common.settings import (
    ActionServerSettings,
    RasaServerSettings,
    SettingsError,
    WebSettings,
)
from tests.sanic_serving import serving

TOKEN = "metrics-token-for-the-unit-tests-000001"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def unique_service() -> str:
    """A service label of the test's own, so counts start at zero whatever ran before."""
    return f"test_{uuid.uuid4().hex[:8]}"


# --- the module ----------------------------------------------------------------------------------
def test_a_request_is_counted_timed_and_a_5xx_is_an_error() -> None:
    service = unique_service()
    metrics.observe_request(service, "/things/{id}", "get", 200, 0.03)
    metrics.observe_request(service, "/things/{id}", "GET", 503, 1.5)
    metrics.observe_request(service, "/things/{id}", "BREW", HTTPStatus.NOT_FOUND, 0.01)
    assert (
        sample("http_requests_total", service=service, route="/things/{id}", method="GET", status="200") == 1
    )
    assert (
        sample("http_requests_total", service=service, route="/things/{id}", method="GET", status="503") == 1
    )
    # A made-up method is not a label of its own.
    assert (
        sample("http_requests_total", service=service, route="/things/{id}", method="other", status="404")
        == 1
    )
    assert sample("http_errors_total", service=service, route="/things/{id}") == 1
    assert sample("http_request_duration_seconds_count", service=service, route="/things/{id}") == 3
    assert (
        sample("http_request_duration_seconds_bucket", service=service, route="/things/{id}", le="0.05") == 2
    )


def test_labels_take_only_values_from_their_fixed_set() -> None:
    assert metrics.one_of("verify", metrics.OTP_PURPOSES) == "verify"
    for chosen_by_a_caller in ("alex.morgan", None, 7, "VERIFY"):
        assert metrics.one_of(chosen_by_a_caller, metrics.OTP_PURPOSES) == metrics.OTHER
    assert metrics.method_label("delete") == "DELETE"
    assert metrics.method_label("PROPFIND") == metrics.OTHER


def test_otp_outcomes_map_to_their_counters() -> None:
    before = {
        "sent": sample("otp_sent_total", purpose="confirm"),
        "not_sent": sample("otp_not_sent_total", reason="too_many_codes"),
        "verified": sample("otp_verified_total", purpose="confirm"),
        "failed": sample("otp_failed_total", reason="expired"),
        "odd": sample("otp_failed_total", reason="other"),
    }
    metrics.count_otp("code_sent", "sent", "confirm")
    metrics.count_otp("code_sent", "too_many_codes", "confirm")
    metrics.count_otp("code_checked", "verified", "confirm")
    metrics.count_otp("code_checked", "expired")
    metrics.count_otp("code_checked", "an outcome added later")
    metrics.count_otp("payment_made", "completed")  # not an identity action: not counted here
    assert sample("otp_sent_total", purpose="confirm") == before["sent"] + 1
    assert sample("otp_not_sent_total", reason="too_many_codes") == before["not_sent"] + 1
    assert sample("otp_verified_total", purpose="confirm") == before["verified"] + 1
    assert sample("otp_failed_total", reason="expired") == before["failed"] + 1
    assert sample("otp_failed_total", reason="other") == before["odd"] + 1


def test_a_gauge_added_by_name_is_made_once_and_shows_in_the_exposition() -> None:
    name = f"test_buffered_events_{uuid.uuid4().hex[:6]}"
    buffered = metrics.gauge(name, "Events waiting to be sent.")
    assert metrics.gauge(name, "Events waiting to be sent.") is buffered
    queue = [1, 2, 3]
    buffered.set_function(lambda: len(queue))
    assert f"{name} 3.0" in metrics.exposition().decode()
    with pytest.raises(ValueError):
        metrics.gauge(name, "Events waiting to be sent.", labels=["broker"])


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        (f"Bearer {TOKEN}", True),
        (f"bearer {TOKEN}", True),
        (f"Bearer  {TOKEN} ", True),
        (None, False),
        ("", False),
        (TOKEN, False),
        (f"Basic {TOKEN}", False),
        (f"Bearer {TOKEN[:-1]}", False),
        (f"Bearer {TOKEN}0", False),
        ("Bearer ", False),
    ],
)
def test_the_scrape_needs_exactly_the_bearer_token(header: str | None, allowed: bool) -> None:
    assert metrics.scrape_allowed(header, TOKEN) is allowed


def test_without_a_token_nothing_is_allowed() -> None:
    assert not metrics.scrape_allowed("Bearer ", "")
    assert not metrics.scrape_allowed("Bearer x", "")


# --- the Sanic middlewares on a small app --------------------------------------------------------
@pytest.mark.asyncio
async def test_a_sanic_app_counts_by_route_pattern_and_guards_its_metrics() -> None:
    service = unique_service()
    app = Sanic(f"metrics_test_{uuid.uuid4().hex[:8]}", configure_logging=False)
    install_metrics(app, service, TOKEN)

    @app.get("/customers/<user_id>/cards")
    async def cards(_: Request, user_id: str) -> response.HTTPResponse:
        return response.json({"cards": []})

    @app.get("/broken")
    async def broken(_: Request) -> response.HTTPResponse:
        raise RuntimeError("alex.morgan")

    async with serving(app) as base, aiohttp.ClientSession() as client:
        for path in ("/customers/alex.morgan/cards", "/nothing/alex.morgan", "/broken"):
            async with client.get(base + path):
                pass
        for header in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
            async with client.get(base + "/metrics", headers=header) as refused:
                assert refused.status == 401
                assert "http_requests_total" not in await refused.text()
        async with client.get(base + "/metrics", headers={"Authorization": f"Bearer {TOKEN}"}) as scrape:
            assert scrape.status == 200
            assert scrape.headers["Content-Type"].startswith("text/plain; version=0.0.4")
            text = await scrape.text()
    mine = "\n".join(line for line in text.splitlines() if service in line)
    cards_route = "/customers/<user_id:str>/cards"
    assert f'method="GET",route="{cards_route}",service="{service}",status="200"}} 1.0' in mine
    assert (
        f'http_requests_total{{method="GET",route="<unmatched>",service="{service}",status="404"}} 1.0'
        in mine
    )
    assert f'http_errors_total{{route="/broken",service="{service}"}} 1.0' in mine
    assert "alex.morgan" not in text and "/nothing" not in text


@pytest.mark.asyncio
async def test_without_a_token_a_sanic_app_has_no_metrics_route() -> None:
    app = Sanic(f"metrics_test_{uuid.uuid4().hex[:8]}", configure_logging=False)
    install_metrics(app, unique_service(), "")

    @app.get("/health")
    async def health(_: Request) -> response.HTTPResponse:
        return response.json({"status": "ok"})

    async with serving(app) as base, aiohttp.ClientSession() as client:
        for header in ({}, {"Authorization": "Bearer "}):
            async with client.get(base + "/metrics", headers=header) as reply:
                assert reply.status == 404


# --- the Rasa server's message hooks, on stand-ins -----------------------------------------------
class StandInMessage:
    def __init__(self, sender_id: str, input_channel: str | None) -> None:
        self.sender_id = sender_id
        self.input_channel = input_channel


class StandInProcessor:
    async def handle_message(self, message: StandInMessage) -> list[dict]:
        await asyncio.sleep(0.05)
        if message.sender_id == "breaks":
            raise RuntimeError("the dialogue failed")
        return [{"text": "hello"}]


class StandInAgent:
    """Agent.handle_message's shape: one conversation at a time under its lock."""

    def __init__(self, ready: bool = True) -> None:
        self.processor = StandInProcessor()
        self.ready = ready
        self.lock = asyncio.Lock()

    def is_ready(self) -> bool:
        return self.ready

    async def handle_message(self, message: StandInMessage) -> list[dict] | None:
        if not self.ready:
            return None
        async with self.lock:
            return await self.processor.handle_message(message)


@pytest.mark.asyncio
async def test_messages_are_counted_per_known_channel_with_their_lock_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rasa_server.metrics import measured_agent_handle, measured_processor_handle

    channel = f"chan_{uuid.uuid4().hex[:6]}"
    monkeypatch.setattr(
        StandInAgent, "handle_message", measured_agent_handle(StandInAgent.handle_message, {channel})
    )
    monkeypatch.setattr(
        StandInProcessor, "handle_message", measured_processor_handle(StandInProcessor.handle_message)
    )
    other_before = sample("rasa_messages_total", channel="other", outcome="handled")
    agent = StandInAgent()
    # Two messages of one conversation at once: the second waits for the first's lock.
    await asyncio.gather(
        agent.handle_message(StandInMessage("conv-1", channel)),
        agent.handle_message(StandInMessage("conv-1", channel)),
    )
    with pytest.raises(RuntimeError):
        await agent.handle_message(StandInMessage("breaks", channel))
    # A channel the caller named in the body (the REST channel allows it) is not a label.
    await agent.handle_message(StandInMessage("conv-2", "alex.morgan"))
    await StandInAgent(ready=False).handle_message(StandInMessage("conv-3", channel))

    assert sample("rasa_messages_total", channel=channel, outcome="handled") == 2
    assert sample("rasa_messages_total", channel=channel, outcome="failed") == 1
    assert sample("rasa_messages_total", channel=channel, outcome="not_ready") == 1
    assert sample("rasa_messages_total", channel="other", outcome="handled") == other_before + 1
    assert sample("rasa_message_duration_seconds_count", channel=channel) == 3
    assert sample("rasa_lock_wait_seconds_count", channel=channel) == 3
    # One of the two waited about as long as the other took.
    assert sample("rasa_lock_wait_seconds_sum", channel=channel) >= 0.04
    assert "alex.morgan" not in metrics.exposition().decode()


# --- the action server ----------------------------------------------------------------------------
def test_a_failed_action_is_told_by_the_executor_polite_answer() -> None:
    from actions.safe_executor import FAILED_RESPONSE
    from actions.server import failed

    assert failed({"events": [], "responses": [{"response": FAILED_RESPONSE}]})
    assert not failed({"events": [], "responses": [{"response": "utter_greet"}]})
    assert not failed(None)


# --- settings ------------------------------------------------------------------------------------
PRODUCTION = {
    "DEMO_MODE": "0",
    "ACTION_SERVER_TOKEN": "a" * 40,
    "ACCOUNT_SERVICE_TOKEN": "b" * 40,
    "CHANNELS_SERVICE_TOKEN": "c" * 40,
    "AGENT_RELAY_TOKEN": "d" * 40,
    "WIDGET_SESSION_SECRET": "e" * 40,
}


@pytest.mark.parametrize("settings_class", [ActionServerSettings, RasaServerSettings, WebSettings])
def test_metrics_token_is_optional_but_strong_and_its_own_outside_demo_mode(settings_class: type) -> None:
    assert settings_class.load(PRODUCTION).metrics_token is None
    strong = settings_class.load({**PRODUCTION, "METRICS_TOKEN": TOKEN})
    assert strong.metrics_token.get_secret_value() == TOKEN
    assert TOKEN not in repr(strong) and TOKEN not in str(strong)
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        settings_class.load({**PRODUCTION, "METRICS_TOKEN": "short"})
    # In demo mode a missing one stays missing: /metrics is off, never on a public demo value.
    assert settings_class.load({"DEMO_MODE": "1"}).metrics_token is None


def test_metrics_token_must_differ_from_the_process_other_secrets() -> None:
    with pytest.raises(SettingsError, match="METRICS_TOKEN"):
        ActionServerSettings.load({**PRODUCTION, "METRICS_TOKEN": PRODUCTION["ACTION_SERVER_TOKEN"]})


def test_the_demo_and_its_settings_objects_keep_the_token_private() -> None:
    from actions.settings import read_settings
    from web.settings import Settings as WebsiteSettings

    action = read_settings({"DEMO_MODE": "1", "METRICS_TOKEN": TOKEN})
    website = WebsiteSettings.from_env({"DEMO_MODE": "1", "METRICS_TOKEN": TOKEN})
    assert action.metrics_token == TOKEN and website.metrics_token == TOKEN
    assert TOKEN not in repr(action) and TOKEN not in repr(website)


def test_make_run_generates_a_metrics_token() -> None:
    from scripts import demo_secrets

    assert "METRICS_TOKEN" in demo_secrets.SECRETS

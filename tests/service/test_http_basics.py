"""What any caller meets first: the token, input checks, error bodies, logs, the API description."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from aiohttp import web

from account_service.app import create_app
from account_service.app_keys import API_DOCUMENT
from account_service.settings import Settings
from common.metrics_aiohttp import METRICS_ROUTE
from tests.service.api import Api

pytestmark = pytest.mark.asyncio

CARD_NUMBER = "3782 822463 10005"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic x"}])
async def test_routes_need_the_bearer_token(api: Api, headers: dict[str, str]) -> None:
    for method, path in (("GET", "/me/accounts?conversation_id=c"), ("POST", "/identity/challenges")):
        status, body = await api.call(method, path, auth=False, headers=headers, json={})
        assert status == 401
        assert body["error"] == "unauthorized"


async def test_health_description_download_and_demo_routes_need_no_token(api: Api) -> None:
    status, health = await api.call("GET", "/health", auth=False)
    assert status == 200 and health["status"] == "ok" and health["time"].endswith("Z")
    assert (await api.call("GET", "/openapi.json", auth=False))[0] == 200
    assert (await api.call("GET", "/demo/outbox", params={"user_id": "alex.morgan"}, auth=False))[0] == 200
    status, body = await api.call("GET", "/statements/download/1.2.x", auth=False)
    assert (status, body["error"]) == (404, "no_such_link")


async def test_unknown_routes_and_methods_answer_json(api: Api) -> None:
    status, body = await api.call("GET", "/no/such/route")
    assert (status, body["error"]) == (404, "not_found")
    status, body = await api.call("PATCH", "/health")
    assert (status, body["error"]) == (405, "method_not_allowed")


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b"[1, 2]", b'"text"', b"", b"\xff\xfe", b'{"conversation_id": NaN}'],
)
async def test_a_body_that_is_not_a_json_object_is_400(api: Api, raw: bytes) -> None:
    status, body = await api.call(
        "POST", "/identity/challenges", data=raw, headers={"Content-Type": "application/json"}
    )
    assert status == 400
    assert body["error"] == "bad_request"


async def test_a_huge_body_is_refused_without_reading_it_all(api: Api) -> None:
    raw = b'{"conversation_id": "' + b"x" * 200_000 + b'"}'
    status, body = await api.call(
        "POST", "/identity/challenges", data=raw, headers={"Content-Type": "application/json"}
    )
    assert status == 413
    assert body["error"] == "too_large"
    assert (await api.call("GET", "/health"))[0] == 200


async def test_error_bodies_never_repeat_what_was_sent(api: Api) -> None:
    await api.verify("conv-a")
    attempts = [
        await api.call(
            "POST", "/identity/challenges", json={"conversation_id": CARD_NUMBER * 20, "user_id": "x"}
        ),
        await api.me_post(
            "/payments", card_last_four=CARD_NUMBER, amount="1", pay_on="x", idempotency_key="k"
        ),
        await api.me_post(
            "/payments", card_last_four="2002", amount=CARD_NUMBER, pay_on="x", idempotency_key="k"
        ),
        await api.check("challenge", "123456 " + CARD_NUMBER, "conv-a"),
    ]
    for status, body in attempts:
        assert 400 <= status < 500
        assert set(body) >= {"error", "message"}
        assert "3782" not in str(body) and "10005" not in str(body) and "123456" not in str(body)


async def test_an_internal_error_is_a_plain_500_and_logs_no_exception_text(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, api: Api
) -> None:
    from account_service.routes import accounts

    async def broken(*_args: object) -> None:
        raise RuntimeError(f"customer card {CARD_NUMBER} code 123456")

    monkeypatch.setattr(accounts, "customer_accounts", broken)
    await api.verify("conv-a")
    with caplog.at_level(logging.INFO):
        status, body = await api.me_get("/accounts")
    assert status == 500
    assert body["error"] == "internal"
    assert body["message"]
    assert CARD_NUMBER not in str(body)
    assert "RuntimeError" in caplog.text
    assert CARD_NUMBER not in caplog.text and "123456" not in caplog.text


async def test_one_log_line_per_request_with_the_route_template_only(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="account_service.requests"):
        _, sent = await api.start("conv-secret-name")
        code = await api.latest_code()
        await api.check(sent["challenge_id"], code, "conv-secret-name")
        await api.call("GET", "/access/lock-status", params={"conversation_id": "conv-secret-name"})
        await api.call("GET", "/sessions/conv-secret-name")
    lines = [record.getMessage() for record in caplog.records if record.name == "account_service.requests"]
    assert lines[0].startswith("POST /identity/challenges 201 ")
    assert any(line.startswith("POST /identity/challenges/{challenge_id}/verify 200 ") for line in lines)
    assert any(line.startswith("GET /sessions/{conversation_id} 200 ") for line in lines)
    assert len(lines) == 5
    everything = caplog.text
    for secret in (code, sent["challenge_id"], "alex.morgan", "conv-secret-name", "2002", "example.com"):
        assert secret not in everything


async def test_every_route_is_in_the_openapi_description_and_nothing_else(settings: Settings) -> None:
    # With /metrics on: it is Prometheus' route, not part of the API, so not described.
    app = create_app(dataclasses.replace(settings, metrics_token="m" * 40))
    document = app[API_DOCUMENT]
    documented = {
        (method.upper(), path) for path, operations in document["paths"].items() for method in operations
    }
    registered = set()
    for route in app.router.routes():
        if route.method == "HEAD" or not isinstance(route.resource, web.Resource):
            continue
        if route.name == METRICS_ROUTE:
            continue
        registered.add((route.method, route.resource.canonical))
    assert registered, "no routes registered"
    assert registered == documented
    assert document["openapi"].startswith("3.0")

"""The account service's outer boundary, tried as an attacker would: oversize bodies, no token, a
forged or demo token, and every caller's token on every route outside its scope."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import pytest_asyncio
import requests
from aiohttp.test_utils import TestClient, TestServer

from account_service.app import create_app
from account_service.app_keys import ENDPOINTS
from account_service.endpoints import Endpoint
from account_service.settings import DEMO_TOKENS
from tests.service.api import Api
from tests.service.conftest import PRODUCTION_ENV, STRONG_TOKENS, settings_for

MB = 1024 * 1024


def _raw_exchange(base_url: str, head: bytes, body_part: bytes, timeout_s: float = 5) -> tuple[bytes, float]:
    """Sends a request head and part of its body on a bare socket; the reply's first bytes and
    how long they took."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=timeout_s) as connection:
        started = time.monotonic()
        connection.sendall(head + body_part)
        reply = connection.recv(65536)
        took = time.monotonic() - started
        # The refusal closes the connection: read the rest of the answer up to that.
        while chunk := connection.recv(65536):
            reply += chunk
        return reply, took


def _head(path: str, token: str, **headers: str) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: service", f"Authorization: Bearer {token}"]
    lines += [
        "Content-Type: application/json",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_a_100_mb_body_is_refused_before_it_is_read_and_the_service_stays_responsive(
    production_service: str,
) -> None:
    head = _head("/identity/challenges", STRONG_TOKENS["actions"], Content_Length=str(100 * MB))
    reply, took = _raw_exchange(production_service, head, b'{"conversation_id": "' + b"x" * 4096)
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:200]
    assert b'"too_large"' in reply
    assert took < 2, "the refusal came only after reading the body"
    assert requests.get(f"{production_service}/health", timeout=5).status_code == 200


def test_a_chunked_body_over_64_kb_is_cut_while_read(production_service: str) -> None:
    head = _head("/identity/challenges", STRONG_TOKENS["actions"], Transfer_Encoding="chunked")
    chunk = b"x" * 32 * 1024
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3))  # 96 KB, no end yet
    reply, took = _raw_exchange(production_service, head, body)
    assert reply.startswith(b"HTTP/1.1 413 "), reply[:200]
    assert took < 2
    assert requests.get(f"{production_service}/health", timeout=5).status_code == 200


def test_a_big_body_without_a_token_is_refused_too(production_service: str) -> None:
    head = _head("/me/payments", "not-a-token", Content_Length=str(10 * MB))
    reply, _ = _raw_exchange(production_service, head, b"{")
    assert reply.split(b" ")[1] in (b"401", b"413")


# --- tokens and scopes --------------------------------------------------------------------------


@pytest_asyncio.fixture
async def production_api(tmp_path: Path) -> AsyncIterator[tuple[Api, list[Endpoint]]]:
    app = create_app(settings_for(tmp_path / "account.db", **PRODUCTION_ENV))
    async with TestClient(TestServer(app, access_log=None)) as client:
        yield Api(client, tokens=STRONG_TOKENS), app[ENDPOINTS]


def _concrete(path: str) -> str:
    """A path for the route template: {last4} -> 2002, any other {name} -> 1."""
    return re.sub(r"\{(\w+)\}", lambda found: "2002" if found.group(1) == "last4" else "1", path)


FORGED = [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": f"Bearer {DEMO_TOKENS['actions']}"},
    {"Authorization": f"Bearer {STRONG_TOKENS['actions'][:-1]}"},
    {"Authorization": f"Bearer {STRONG_TOKENS['actions']}x"},
    {"Authorization": f"Bearer {STRONG_TOKENS['actions'].upper()}"},
    {"Authorization": f"Basic {STRONG_TOKENS['actions']}"},
    {"Authorization": STRONG_TOKENS["actions"]},
]


@pytest.mark.asyncio
async def test_every_private_route_refuses_no_token_a_forged_one_and_the_demo_one(
    production_api: tuple[Api, list[Endpoint]],
) -> None:
    api, endpoints = production_api
    private = [endpoint for endpoint in endpoints if not endpoint.public]
    assert len(private) > 30
    for endpoint in private:
        for headers in FORGED:
            status, body = await api.call(
                endpoint.method, _concrete(endpoint.path), json={}, auth=False, headers=headers
            )
            assert (status, body["error"]) == (401, "unauthorized"), (endpoint.path, headers)


@pytest.mark.asyncio
async def test_each_callers_token_works_only_on_the_routes_of_its_scope(
    production_api: tuple[Api, list[Endpoint]],
) -> None:
    api, endpoints = production_api
    for endpoint in endpoints:
        if endpoint.public:
            continue
        for scope in STRONG_TOKENS:
            status, body = await api.call(endpoint.method, _concrete(endpoint.path), json={}, caller=scope)
            refused = status == 403 and isinstance(body, dict) and body.get("error") == "forbidden"
            assert refused == (scope not in endpoint.scopes), (
                endpoint.method,
                endpoint.path,
                scope,
                status,
                body,
            )
            assert status != 401 and status < 500, (endpoint.path, scope, status)


def test_the_scopes_are_as_the_callers_need_them(production_api: tuple[Api, list[Endpoint]]) -> None:
    _, endpoints = production_api
    scopes = {(endpoint.method, endpoint.path): endpoint.scopes for endpoint in endpoints}
    assert scopes[("POST", "/identity/app-sessions")] == {"channels"}
    assert scopes[("POST", "/identity/challenges")] == {"actions"}
    assert scopes[("GET", "/handoffs")] == {"agents", "operators"}
    assert scopes[("POST", "/handoffs/{reference}/take")] == {"agents", "operators"}
    assert scopes[("POST", "/handoffs/active/messages")] == {"channels"}
    assert scopes[("GET", "/handoffs/active")] == {"actions", "channels"}
    assert scopes[("POST", "/alerts/replies")] == {"channels"}
    assert all(scope == {"actions"} for (_, path), scope in scopes.items() if path.startswith("/me/"))


def test_on_the_real_process_a_token_outside_its_scope_is_403_and_a_forged_one_401(
    production_service: str,
) -> None:
    def call(
        method: str, path: str, scope: str | None, token: str | None = None, **kwargs: object
    ) -> requests.Response:
        token = token or (STRONG_TOKENS[scope] if scope else "")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, f"{production_service}{path}", headers=headers, timeout=5, **kwargs)

    me = {"params": {"conversation_id": "socketio:abc"}}
    assert call("GET", "/me/accounts", "channels", **me).status_code == 403
    assert call("GET", "/me/accounts", "agents", **me).status_code == 403
    assert call("GET", "/me/accounts", "actions", **me).json()["error"] == "not_verified"
    assert call("GET", "/handoffs", "actions").status_code == 403
    assert call("GET", "/handoffs", "agents").status_code == 200
    bind = {"json": {"app_token": "x", "sender": "phone-1"}}
    assert call("POST", "/identity/app-sessions", "actions", **bind).status_code == 403
    assert call("POST", "/identity/challenges", "agents", json={}).status_code == 403
    assert call("GET", "/me/accounts", None, token=DEMO_TOKENS["actions"], **me).status_code == 401
    assert call("GET", "/me/accounts", None, **me).status_code == 401
    # Outside demo mode the demo routes do not exist; health and the description are open.
    assert call("GET", "/demo/outbox", None, params={"user_id": "alex.morgan"}).status_code == 404
    assert call("GET", "/health", None).status_code == 200
    assert call("GET", "/openapi.json", None).status_code == 200


def test_error_bodies_and_the_log_name_no_token(
    production_service: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    reply = requests.get(
        f"{production_service}/me/accounts",
        params={"conversation_id": "c"},
        headers={"Authorization": "Bearer guessed-token-value"},
        timeout=5,
    )
    assert reply.status_code == 401 and "guessed-token-value" not in reply.text
    logs = list(tmp_path_factory.getbasetemp().glob("production-service*/account_service.log"))
    text = "".join(path.read_text() for path in logs)
    assert "guessed-token-value" not in text
    for token in STRONG_TOKENS.values():
        assert token not in text

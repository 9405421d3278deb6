"""What the real service process writes to its log after an attacker's and a customer's calls:
no conversation ID (a credential while sessions are bound to it), no code, no card number, no
token, whatever was sent, including requests too malformed to reach a route."""

from __future__ import annotations

import re
import socket
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from account_service.settings import DEMO_TOKENS
from tests.service.api import CODE_IN_TEXT
from tests.service.process import free_port, start_account_service, stop_account_service

HEADERS = {"Authorization": f"Bearer {DEMO_TOKENS['actions']}"}
CARD = "378282246310005"


def test_the_log_names_no_conversation_code_card_or_token(tmp_path: Path) -> None:
    process, base = start_account_service(tmp_path, free_port(), {"DEMO_MODE": "1"})
    conversation = f"socketio:{uuid.uuid4().hex}"
    try:

        def call(method: str, path: str, **kwargs: object) -> requests.Response:
            return requests.request(method, f"{base}{path}", headers=HEADERS, timeout=10, **kwargs)

        sent = call(
            "POST", "/identity/challenges", json={"conversation_id": conversation, "user_id": "alex.morgan"}
        )
        outbox = requests.get(f"{base}/demo/outbox", params={"user_id": "alex.morgan"}, timeout=10).json()
        code = CODE_IN_TEXT.findall(outbox[-1]["text"])[-1]
        challenge = sent.json()["challenge_id"]
        call(
            "POST",
            f"/identity/challenges/{challenge}/verify",
            json={"conversation_id": conversation, "code": "000000"},
        )
        call(
            "POST",
            f"/identity/challenges/{challenge}/verify",
            json={"conversation_id": conversation, "code": code},
        )
        call("GET", f"/sessions/{conversation}")
        call("GET", "/me/accounts", params={"conversation_id": conversation})
        call("GET", "/access/lock-status", params={"conversation_id": conversation})
        call(
            "POST",
            "/me/payments",
            json={"conversation_id": conversation, "card_last_four": CARD, "amount": CARD},
        )
        call("POST", "/handoffs", json={"conversation_id": conversation, "topic": CARD, "transcript": []})
        call("GET", f"/me/cards/{CARD}/decline-check", params={"conversation_id": conversation})
        # Too malformed for any route: aiohttp's own parser refuses it and logs the exception.
        address = urlsplit(base)
        with socket.create_connection((address.hostname, address.port), timeout=5) as raw:
            raw.sendall(f"G\x01T /sessions/{conversation}?card={CARD} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            raw.recv(4096)
        with socket.create_connection((address.hostname, address.port), timeout=5) as raw:
            raw.sendall(
                f"GET /sessions/{conversation} HTTP/1.1\r\nHost: x\r\nContent-Length: {CARD}\r\n\r\n".encode()
            )
            raw.recv(4096)
    finally:
        stop_account_service(process)
    log = (tmp_path / "account_service.log").read_text()
    assert "POST /identity/challenges/{challenge_id}/verify 200" in log
    for secret in (conversation, conversation.split(":")[1], code, challenge, CARD, *DEMO_TOKENS.values()):
        assert secret not in log, secret
    assert not re.search(r"\b\d{6}\b.*is your", log)


@pytest.mark.parametrize("path", ["/sessions/socketio:abc", "/me/accounts?conversation_id=socketio:abc"])
def test_error_bodies_do_not_repeat_the_conversation(demo_service: str, path: str) -> None:
    reply = requests.get(f"{demo_service}{path}", headers=HEADERS, timeout=10)
    assert reply.status_code in (401, 404)
    assert "abc" not in reply.text

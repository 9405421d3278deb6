"""The real `python -m account_service` process (fixture in conftest.py, helper in process.py)."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path


def test_the_real_process_serves_health_and_the_demo_outbox(
    running_account_service: str, tmp_path: Path
) -> None:
    base_url = running_account_service
    with urllib.request.urlopen(f"{base_url}/health", timeout=5) as reply:
        assert json.load(reply)["status"] == "ok"
    request = urllib.request.Request(
        f"{base_url}/identity/challenges",
        data=json.dumps({"conversation_id": "proc-1", "user_id": "priya.sharma"}).encode(),
        headers={"Authorization": "Bearer demo-account-service-token", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        assert reply.status == 201
    with urllib.request.urlopen(f"{base_url}/demo/outbox?user_id=priya.sharma", timeout=5) as reply:
        outbox = json.load(reply)
    assert [(m["channel"], m["to"]) for m in outbox] == [("sms", "+91 98200 41005")]
    log = (tmp_path / "account_service.log").read_text()
    assert "POST /identity/challenges 201" in log
    assert "priya" not in log and "proc-1" not in log

"""Signed links (statement downloads, password resets) as bearer credentials an attacker might
forge, stretch or reuse, and key rotation (ACCOUNT_SERVICE_PREVIOUS_SECRETS)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from account_service import signed_links
from account_service.app import create_app
from account_service.statements import LINK_PURPOSE
from tests.service.api import Api
from tests.service.conftest import settings_for

pytestmark = pytest.mark.asyncio

OLD, NEW, STRANGER = "o" * 40, "n" * 40, "x" * 40


@asynccontextmanager
async def service(db_path: Path, secret: str, previous: str = "") -> AsyncIterator[Api]:
    settings = settings_for(db_path, ACCOUNT_SERVICE_SECRET=secret, ACCOUNT_SERVICE_PREVIOUS_SECRETS=previous)
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client)


async def statement_link(api: Api) -> str:
    await api.verify()
    statement = (await api.me_get("/statements"))[1]["statements"][0]
    _, link = await api.me_post(f"/statements/{statement['id']}/link")
    return "/statements/download/" + link["url"].rsplit("/", 1)[1]


async def test_links_made_before_a_key_rotation_still_open_after_it(db_path: Path) -> None:
    async with service(db_path, OLD) as api:
        path = await statement_link(api)
    async with service(db_path, NEW, previous=f"{STRANGER}, {OLD}") as api:
        assert (await api.call("GET", path, auth=False))[0] == 200
        new_path = await statement_link(api)
    # Once the old key is retired, its links stop working; the new key's links keep working.
    async with service(db_path, NEW) as api:
        assert (await api.call("GET", path, auth=False))[1]["error"] == "no_such_link"
        assert (await api.call("GET", new_path, auth=False))[0] == 200


async def test_a_link_signed_with_a_key_the_service_does_not_have_is_refused(db_path: Path) -> None:
    future = datetime.now(timezone.utc) + timedelta(minutes=5)
    forged = signed_links.sign([STRANGER], LINK_PURPOSE, "1", future)
    async with service(db_path, NEW, previous=OLD) as api:
        status, body = await api.call("GET", f"/statements/download/{forged}", auth=False)
    assert (status, body["error"]) == (404, "no_such_link")


async def test_a_password_reset_token_is_not_a_statement_link(api: Api) -> None:
    await api.verify()
    await api.me_post("/password-reset")
    reset_url = next(m["text"] for m in reversed(await api.outbox()) if "/password-reset/" in m["text"])
    token = reset_url.split("/password-reset/", 1)[1].split()[0]
    status, body = await api.call("GET", f"/statements/download/{token}", auth=False)
    assert (status, body["error"]) == (404, "no_such_link")


async def test_the_expiry_is_signed_and_checked_against_the_given_clock() -> None:
    now = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
    token = signed_links.sign([OLD], "statement", "7", now + timedelta(minutes=10))
    assert signed_links.verify([OLD], "statement", token, now + timedelta(minutes=9)) == "7"
    with pytest.raises(signed_links.LinkExpired):
        signed_links.verify([OLD], "statement", token, now + timedelta(minutes=10))
    with pytest.raises(signed_links.LinkInvalid):
        signed_links.verify([OLD], "password_reset", token, now)

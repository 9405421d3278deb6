"""POST /identity/app-sessions: the mobile app's login stands in for the first code (in-app chat).

The channel passes on the app's own signed login token and the app's sender; the service checks
the token itself (the same IN_APP_JWT_* settings as the channel, tests/in_app_env.py) and binds
the conversation in_app:<hash of the customer and the sender>. A session made this way reads
account data, is never fresh by itself (payments and changes still need a confirm code), ends
after 15 minutes idle like any other, and is refused for unknown customers, for a conversation
whose identity checks are locked and for a login older than IN_APP_MAX_LOGIN_AGE.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from alembic import command
from sqlalchemy.engine import Connection

from account_service.app import create_app
from account_service.clock import iso_instant
from account_service.database import Database, alembic_config
from account_service.settings import SettingsError
from common.app_login import in_app_conversation_id
from tests.in_app.tokens import claims, hs256, resigned_payload, unsigned
from tests.in_app_env import IN_APP_TEST_SECRET, in_app_env
from tests.service.api import Api, other_code
from tests.service.conftest import settings_for

pytestmark = pytest.mark.asyncio

SENDER = "phone-1"
ALEX = in_app_conversation_id("alex.morgan", SENDER)


def login_token(user_id: str = "alex.morgan", *, logged_in_ago_s: float = 180, **fields: Any) -> str:
    return hs256(claims(user_id, logged_in_ago_s=logged_in_ago_s, **fields))


async def bind(api: Api, token: str | None = None, sender: str = SENDER, **fields: Any) -> tuple[int, Any]:
    body = {"app_token": token or login_token(), "sender": sender, **fields}
    return await api.call("POST", "/identity/app-sessions", json=body, caller="channels")


def login_instant(token: str) -> str:
    auth_time = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["auth_time"]
    return iso_instant(datetime.fromtimestamp(auth_time, tz=timezone.utc))


def audit_rows(db: sqlite3.Connection, conversation: str) -> list[tuple[str, str, dict[str, Any]]]:
    rows = db.execute(
        "SELECT action, outcome, details FROM audit_log WHERE conversation_id = ? ORDER BY id",
        (conversation,),
    ).fetchall()
    return [(action, outcome, json.loads(details)) for action, outcome, details in rows]


async def test_an_app_login_verifies_the_conversation_for_reading_without_a_code(api: Api) -> None:
    token = login_token()
    status, body = await bind(api, token)
    assert status == 201
    assert body == {
        "conversation_id": ALEX,
        "verified": True,
        "method": "app_login",
        "fresh": False,
        "outcome": "created",
        "customer": {"user_id": "alex.morgan", "first_name": "Alex", "region": "US"},
        "session_expires_in": 900,
    }
    assert ALEX.startswith("in_app:") and len(ALEX) == len("in_app:") + 64
    status, session = await api.call("GET", f"/sessions/{ALEX}")
    assert status == 200
    assert (session["user_id"], session["method"], session["fresh"]) == ("alex.morgan", "app_login", False)
    assert session["channel"] == "in_app"
    assert session["verified_at"] == login_instant(token)
    assert (await api.me_get("/accounts", ALEX))[0] == 200
    assert await api.outbox() == [], "an app login sends no code"


async def test_the_conversation_is_derived_from_the_token_and_the_sender_only(api: Api) -> None:
    """Whatever else the caller sends, it cannot pick the conversation (or the customer)."""
    status, body = await bind(api, conversation_id="socketio:victim", user_id="priya.sharma")
    assert (status, body["conversation_id"], body["customer"]["user_id"]) == (201, ALEX, "alex.morgan")
    assert (await api.call("GET", "/sessions/socketio:victim"))[0] == 404
    other_sender = (await bind(api, sender="tablet-2"))[1]["conversation_id"]
    priya = (await bind(api, login_token("priya.sharma")))[1]["conversation_id"]
    assert len({ALEX, other_sender, priya}) == 3


async def test_the_user_id_is_matched_without_regard_to_case(api: Api) -> None:
    status, body = await bind(api, login_token("Alex.Morgan"))
    assert (status, body["customer"]["user_id"], body["conversation_id"]) == (201, "alex.morgan", ALEX)


async def test_payments_and_changes_still_need_a_confirm_code_which_makes_it_fresh(api: Api) -> None:
    await bind(api)
    account = await api.account("2002", ALEX)
    payment = {"card_last_four": "2002", "amount": "20.00", "pay_on": account["due_date"]}
    status, body = await api.me_post("/payments", ALEX, **payment, idempotency_key="k-1")
    assert (status, body["error"]) == (403, "fresh_code_needed")
    status, body = await api.me_send("PATCH", "/profile", ALEX, mailing_address="1 Elm St, Boston, MA")
    assert (status, body["error"]) == (403, "fresh_code_needed")

    await api.verify(ALEX, purpose="confirm")  # the code goes to the registered phone
    assert (await api.outbox())[-1]["to"] == "+1 555 010 2002"
    status, session = await api.call("GET", f"/sessions/{ALEX}")
    assert (session["method"], session["fresh"]) == ("code", True)
    # The channel calls again with the next message: the confirmation is not undone.
    status, body = await bind(api)
    assert (status, body["outcome"], body["fresh"]) == (200, "refreshed", True)
    status, body = await api.me_post("/payments", ALEX, **payment, idempotency_key="k-1")
    assert status == 201

    await api.advance(5 * 60 + 1)
    status, body = await api.me_post("/payments", ALEX, **payment, idempotency_key="k-2")
    assert (status, body["error"]) == (403, "fresh_code_needed")


async def test_a_recent_login_is_not_fresh_either(api: Api) -> None:
    status, body = await bind(api, login_token(logged_in_ago_s=5))
    assert (status, body["fresh"]) == (201, False)


async def test_each_message_keeps_the_session_alive_and_it_ends_after_15_idle_minutes(api: Api) -> None:
    await bind(api)
    await api.advance(10 * 60)
    assert (await bind(api))[1]["outcome"] == "refreshed"
    await api.advance(10 * 60)
    assert (await api.call("GET", f"/sessions/{ALEX}"))[0] == 200
    await api.advance(5 * 60 + 1)
    assert (await api.call("GET", f"/sessions/{ALEX}"))[0] == 404
    assert (await api.me_get("/accounts", ALEX))[0] == 401
    status, body = await bind(api)
    assert (status, body["outcome"]) == (201, "created")


async def test_unknown_customers_are_refused_and_nothing_is_bound(api: Api, db: sqlite3.Connection) -> None:
    nobody = in_app_conversation_id("nobody.here", SENDER)
    status, body = await bind(api, login_token("nobody.here"))
    assert (status, body["error"]) == (404, "no_match")
    assert (await api.call("GET", f"/sessions/{nobody}"))[0] == 404
    assert [row[:2] for row in audit_rows(db, nobody)] == [("app_session", "no_match")]


async def test_a_locked_customer_is_refused_and_a_lockout_ends_the_app_session(api: Api) -> None:
    await bind(api)
    _, sent = await api.start(ALEX, purpose="confirm")
    code = await api.latest_code()
    for _ in range(3):
        status, body = await api.check(sent["challenge_id"], other_code(code), ALEX, purpose="confirm")
    assert (status, body["error"]) == (423, "locked")
    assert (await api.call("GET", f"/sessions/{ALEX}"))[0] == 404

    status, body = await bind(api)
    assert (status, body["error"]) == (423, "locked")
    assert (
        body["locked_until"]
        == (await api.call("GET", "/access/lock-status", params={"conversation_id": ALEX}))[1]["locked_until"]
    )
    assert (await api.call("GET", f"/sessions/{ALEX}"))[0] == 404
    await api.advance(30 * 60 + 1)
    assert (await bind(api))[0] == 201


async def test_a_login_older_than_the_maximum_age_is_refused(api: Api) -> None:
    status, body = await bind(api, login_token(logged_in_ago_s=12 * 3600 + 60))
    assert (status, body["error"], body["max_login_age_seconds"]) == (403, "login_too_old", 12 * 3600)
    assert (await api.call("GET", f"/sessions/{ALEX}"))[0] == 404
    assert (await bind(api, login_token(logged_in_ago_s=12 * 3600 - 60)))[0] == 201


@pytest_asyncio.fixture
async def one_hour_api(db_path: Path) -> AsyncIterator[Api]:
    settings = settings_for(db_path, **{**in_app_env(), "IN_APP_MAX_LOGIN_AGE": "1h"})
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client)


async def test_the_maximum_age_comes_from_in_app_max_login_age(one_hour_api: Api) -> None:
    status, body = await bind(one_hour_api, login_token(logged_in_ago_s=61 * 60))
    assert (status, body["error"], body["max_login_age_seconds"]) == (403, "login_too_old", 3600)
    assert (await bind(one_hour_api, login_token(logged_in_ago_s=59 * 60)))[0] == 201


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("43200", 43200), ("12h", 43200), ("12 hours", 43200), ("90m", 5400), ("1d", 86400), ("30s", 30)],
)
async def test_in_app_max_login_age_formats(db_path: Path, value: str, seconds: int) -> None:
    settings = settings_for(db_path, **{**in_app_env(), "IN_APP_MAX_LOGIN_AGE": value})
    assert settings.app_login_max_age_s == seconds


@pytest.mark.parametrize("value", ["0", "-5", "soon", "12 months", "1.5h"])
async def test_a_bad_in_app_max_login_age_stops_the_service(db_path: Path, value: str) -> None:
    with pytest.raises(SettingsError, match="IN_APP_MAX_LOGIN_AGE"):
        settings_for(db_path, **{**in_app_env(), "IN_APP_MAX_LOGIN_AGE": value})


async def test_the_default_maximum_age_is_12_hours(db_path: Path) -> None:
    settings = settings_for(db_path, IN_APP_JWT_SECRET=IN_APP_TEST_SECRET)
    assert settings.app_login_max_age_s == 12 * 3600


async def test_a_login_in_the_future_is_refused(api: Api) -> None:
    status, body = await bind(api, login_token(logged_in_ago_s=-600))
    assert (status, body["error"]) == (401, "invalid_app_token")
    assert "future" in body["reason"]
    # A small clock difference between the app's login server and the service is fine.
    assert (await bind(api, login_token(logged_in_ago_s=-20)))[0] == 201


async def test_the_logged_in_customer_takes_over_a_conversation_verified_as_someone_else(api: Api) -> None:
    await api.verify(ALEX, user_id="priya.sharma")
    status, body = await bind(api)
    assert (status, body["outcome"], body["method"]) == (200, "replaced", "app_login")
    status, session = await api.call("GET", f"/sessions/{ALEX}")
    assert (session["user_id"], session["fresh"]) == ("alex.morgan", False)


FORGED_TOKENS = {
    "no signature (alg none)": lambda: unsigned(claims()),
    "signed with another secret": lambda: hs256(claims(), secret="x" * 40),
    "expired": lambda: hs256(claims(expires_in_s=-120)),
    "another audience": lambda: hs256(claims(audience="someone-else")),
    "another issuer": lambda: hs256(claims(issuer="https://evil.example")),
    "no auth_time": lambda: hs256(claims(drop=("auth_time",))),
    "tampered payload": lambda: resigned_payload(login_token(), claims("priya.sharma")),
    "not a token": lambda: "alex.morgan",
}


@pytest.mark.parametrize("kind", FORGED_TOKENS)
async def test_the_channels_token_alone_binds_nobody_without_a_token_the_login_server_signed(
    api: Api, db: sqlite3.Connection, kind: str
) -> None:
    status, body = await bind(api, FORGED_TOKENS[kind]())
    assert (status, body["error"]) == (401, "invalid_app_token"), kind
    assert body["reason"]
    assert db.execute("SELECT COUNT(*) FROM verified_sessions").fetchone() == (0,)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"sender": SENDER},
        {"app_token": "x"},
        {"app_token": "x", "sender": ""},
        {"app_token": "x", "sender": " phone"},
        {"app_token": "x", "sender": "p" * 129},
        {"app_token": "x", "sender": 5},
        {"app_token": "x", "sender": "line\nbreak"},
        {"app_token": "x" * 8193, "sender": SENDER},
        {"app_token": ["x"], "sender": SENDER},
    ],
)
async def test_bad_requests_are_400_and_bind_nothing(
    api: Api, db: sqlite3.Connection, body: dict[str, object]
) -> None:
    status, answer = await api.call("POST", "/identity/app-sessions", json=body, caller="channels")
    assert (status, answer["error"]) == (400, "bad_request")
    assert answer["message"]
    assert db.execute("SELECT COUNT(*) FROM verified_sessions").fetchone() == (0,)


async def test_the_route_needs_the_channels_token(api: Api) -> None:
    body = {"app_token": login_token(), "sender": SENDER}
    status, answer = await api.call("POST", "/identity/app-sessions", json=body, auth=False)
    assert (status, answer["error"]) == (401, "unauthorized")
    for caller in ("actions", "agents"):
        status, answer = await api.call("POST", "/identity/app-sessions", json=body, caller=caller)
        assert (status, answer["error"]) == (403, "forbidden")
    assert (await api.call("GET", f"/sessions/{ALEX}"))[0] == 404


async def test_without_app_login_settings_the_route_binds_nothing(db_path: Path) -> None:
    async with TestClient(TestServer(create_app(settings_for(db_path)), access_log=None)) as client:
        status, body = await bind(Api(client))
    assert (status, body["error"]) == (404, "not_configured")


async def test_audit_rows_for_a_new_session_a_new_login_and_refusals(
    api: Api, db: sqlite3.Connection
) -> None:
    now = time.time()
    first, second = login_token(logged_in_ago_s=2 * 3600), login_token(logged_in_ago_s=60)
    await bind(api, first)
    await bind(api, first)  # only keeps the session alive: no row
    await bind(api, second)
    await bind(api, login_token(logged_in_ago_s=13 * 3600))
    rows = audit_rows(db, ALEX)
    assert [(action, outcome) for action, outcome, _ in rows] == [
        ("app_session", "created"),
        ("app_session", "refreshed"),
        ("app_session", "login_too_old"),
    ]
    assert rows[0][2]["logged_in_at"] == login_instant(first)
    assert rows[1][2]["logged_in_at"] == login_instant(second)
    assert login_instant(second) <= iso_instant(datetime.fromtimestamp(now, tz=timezone.utc))
    customer_ids = {
        row[0] for row in db.execute("SELECT customer_id FROM audit_log WHERE conversation_id = ?", (ALEX,))
    }
    assert customer_ids == {
        db.execute("SELECT id FROM customers WHERE user_id = 'alex.morgan'").fetchone()[0]
    }


async def test_migration_0002_keeps_existing_sessions_as_code_sessions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"

    database = Database(url)

    async def migrate(target: str, down: bool = False) -> None:
        # On the service's own engine, as at start-up (the command-line path would reconfigure logging).
        def run(connection: Connection) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, target)

        async with database.engine.begin() as connection:
            await connection.run_sync(run)

    try:
        await migrate("0001")
        with sqlite3.connect(path) as connection:
            connection.execute(
                "INSERT INTO customers (id, user_id, first_name, last_name, date_of_birth, region, phone, "
                "email, mailing_address, failed_code_attempts) VALUES (1, 'c', 'C', 'D', '1990-01-01', 'US', "
                "'+1', 'c@example.com', 'x', 0)"
            )
            connection.execute(
                "INSERT INTO verified_sessions (conversation_id, customer_id, verified_at, last_seen_at) "
                "VALUES ('old', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
        await migrate("0002")  # this revision's own change (later ones are tested on their own)
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT method, logged_in_at FROM verified_sessions").fetchall() == [
                ("code", None)
            ]
            assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [("0002",)]
        await migrate("0001", down=True)
        with sqlite3.connect(path) as connection:
            columns = {row[1] for row in connection.execute("PRAGMA table_info(verified_sessions)")}
            assert "method" not in columns and "logged_in_at" not in columns
            assert connection.execute("SELECT conversation_id FROM verified_sessions").fetchall() == [
                ("old",)
            ]
    finally:
        await database.close()

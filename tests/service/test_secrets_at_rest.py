"""What the database keeps: no code in plain digits outside the outbox, an audit row for every
sensitive action, and no secret in the audit log."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from tests.service.api import Api, other_code, utc_today

pytestmark = pytest.mark.asyncio


async def test_codes_are_only_in_the_outbox_never_elsewhere_in_the_database(
    api: Api, db_path: Path, db: sqlite3.Connection
) -> None:
    _, first = await api.start("conv-a")
    wrong = other_code(await api.latest_code())
    await api.check(first["challenge_id"], wrong, "conv-a")
    _, second = await api.start("conv-a")
    code = await api.latest_code()
    assert (await api.check(second["challenge_id"], code, "conv-a"))[0] == 200

    # The challenges table holds hashes only.
    for row in db.execute("SELECT * FROM challenges"):
        assert all(code not in str(value) and wrong not in str(value) for value in row)
    outbox_texts = [row[0] for row in db.execute("SELECT text FROM outbox")]
    assert any(code in text for text in outbox_texts)

    # Remove the outbox (overwriting its pages) and look at every byte left in the file.
    db.execute("PRAGMA secure_delete = ON")
    db.execute("DELETE FROM outbox")
    db.commit()
    db.execute("VACUUM")
    raw = db_path.read_bytes()
    assert code.encode() not in raw
    assert wrong.encode() not in raw
    assert not list(db_path.parent.glob("account.db-*"))  # no journal with older pages either


async def test_sensitive_actions_are_audited_without_secrets(api: Api, db: sqlite3.Connection) -> None:
    _, sent = await api.start("conv-a")
    code = await api.latest_code()
    await api.check(sent["challenge_id"], other_code(code), "conv-a")
    await api.check(sent["challenge_id"], code, "conv-a")
    account = await api.account("2002")
    await api.me_post(
        "/payments", card_last_four="2002", amount="5", pay_on=utc_today().isoformat(), idempotency_key="a-1"
    )
    await api.me_send("PUT", "/autopay", card_last_four="2002", amount_type="minimum_due")
    await api.me_post("/cards/2002/freeze")
    await api.me_post("/replacements", card_last_four="2010", reason="damaged")
    await api.me_send("PATCH", "/profile", mailing_address="9 Main St, Hoboken, NJ 07030")
    await api.me_post("/user-id-reminder")
    await api.me_post("/password-reset")
    statement = (await api.me_get("/statements"))[1]["statements"][0]
    await api.me_post(f"/statements/{statement['id']}/link")
    _, other = await api.start("conv-b", user_id="priya.sharma")
    priya_code = await api.latest_code("priya.sharma")
    for _ in range(3):
        await api.check(other["challenge_id"], other_code(priya_code), "conv-b")

    rows = db.execute(
        "SELECT action, outcome, customer_id, conversation_id, at, details FROM audit_log"
    ).fetchall()
    actions = {(action, outcome) for action, outcome, *_ in rows}
    for expected in [
        ("code_sent", "sent"),
        ("code_checked", "wrong_code"),
        ("code_checked", "verified"),
        ("payment", "completed"),
        ("autopay_change", "enrolled"),
        ("card_status_change", "frozen"),
        ("case_opened", "opened"),
        ("profile_change", "changed"),
        ("user_id_reminder_sent", "sent"),
        ("password_reset_sent", "sent"),
        ("statement_link", "created"),
        ("lockout", "conversation_locked"),
    ]:
        assert expected in actions
    for action, _outcome, customer_id, conversation_id, at, details in rows:
        assert customer_id is not None and conversation_id in ("conv-a", "conv-b") and at, action
        for secret in (code, other_code(code), priya_code, "+1 555 010 2002", "alex.morgan@example.com"):
            assert secret not in details
        json.loads(details)
    assert account["balance"]  # the payment above was real


async def test_download_links_and_reset_links_are_not_stored(api: Api, db_path: Path) -> None:
    await api.verify()
    statement = (await api.me_get("/statements"))[1]["statements"][0]
    _, link = await api.me_post(f"/statements/{statement['id']}/link")
    signature = link["url"].rsplit(".", 1)[1]
    assert signature.encode() not in db_path.read_bytes()
    assert timedelta(seconds=link["expires_in"]) == timedelta(minutes=10)

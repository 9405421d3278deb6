"""The demo customers seeded into an empty database."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from tests.service.api import utc_today


def test_the_demo_data_is_realistic_and_dated_from_the_seeding_day(db: sqlite3.Connection) -> None:
    today = utc_today()
    customers = dict(db.execute("SELECT user_id, region FROM customers"))
    assert customers == {
        "alex.morgan": "US",
        "priya.sharma": "IN",
        "sam.lee": "US",
        "jordan.reyes": "US",
        "taylor.kim": "US",
        "meera.iyer": "IN",
        "noah.fischer": "US",
    }
    cards = db.execute(
        "SELECT c.last_four, c.status, c.fraud_hold, a.id, a.currency, a.due_date, a.balance_cents, "
        "a.credit_limit_cents, a.statement_balance_cents "
        "FROM cards c JOIN card_accounts a ON a.id = c.account_id"
    ).fetchall()
    by_card = {row[0]: row for row in cards}
    assert set(by_card) == {"2002", "2010", "1005", "3005", "3013", "4006", "5007", "6008", "7009"}
    assert by_card["1005"][4] == "INR"
    assert by_card["3005"][1] == "inactive"
    assert by_card["3013"][6] == by_card["3013"][7]  # balance at the limit: available credit 0
    assert by_card["4006"][2] == 1
    assert by_card["2002"][3] != by_card["2010"][3]  # each card its own account

    for last_four in ("2002", "2010", "1005", "3013", "4006"):
        _, _, _, account_id, _, due_date, balance, _, statement_balance = by_card[last_four]
        assert 10 <= (date.fromisoformat(due_date) - today).days <= 20
        recent = db.execute(
            "SELECT COUNT(*), SUM(pending) FROM transactions t JOIN cards c ON c.id = t.card_id "
            "WHERE c.last_four = ? AND t.posted_on >= ?",
            (last_four, (today - timedelta(days=60)).isoformat()),
        ).fetchone()
        assert 15 <= recent[0] <= 25, (last_four, recent)
        assert recent[1] >= 1
        statements = db.execute(
            "SELECT period, balance_cents, due_date FROM statements "
            "WHERE account_id = ? ORDER BY closing_date DESC",
            (account_id,),
        ).fetchall()
        assert len(statements) == 7
        assert statements[0][1] == statement_balance
        assert statements[0][2] == due_date
        assert 0 < statement_balance <= balance
    merchants = {row[0] for row in db.execute("SELECT DISTINCT merchant FROM transactions")}
    assert {"Netflix", "Shell", "Whole Foods Market", "Swiggy"} & merchants

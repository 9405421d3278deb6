"""Account tasks done in chat: balance, transactions, statements (rewards: rewards_tasks.py)."""

from __future__ import annotations

import re
from typing import Any

from actions.cards_on_file import CardChoice, card_hint, match_card
from actions.formatting import bulleted, day, money, month_name, short_day
from actions.parsing import MONTHS, words
from actions.phrases import phrase
from actions.task_form import TaskAction, TaskForm, Turn
from localization.language import ENGLISH

DEFAULT_TRANSACTIONS = 5
MAX_TRANSACTIONS = 20


async def load_accounts(turn: Turn) -> list[dict[str, Any]]:
    reply = await turn.service.me("GET", "/accounts")
    return list(reply.get("accounts") or []) if reply.status == 200 else []


def as_card(account: dict[str, Any]) -> dict[str, Any]:
    return {"last_four": account["card_last_four"], "product": account["product"]}


# --- check_balance -------------------------------------------------------------------------------
class CheckBalanceForm(TaskForm):
    task = "check_balance"
    extra_slots = ("card_filter",)

    async def prefill(self, turn: Turn) -> None:
        turn.set(card_filter=card_hint(turn.text))


class ActionCheckBalance(TaskAction):
    task = "check_balance"
    action_name = "action_check_balance"
    form = CheckBalanceForm
    self_service_response = "utter_check_balance"

    async def perform(self, turn: Turn) -> None:
        accounts = await load_accounts(turn)
        card = match_card(turn.slot("card_filter"), [as_card(a) for a in accounts])
        chosen = [a for a in accounts if a["card_last_four"] == card] or accounts
        for account in chosen:
            currency = account["currency"]
            turn.say(
                "utter_balance_summary",
                product=account["product"],
                card=account["card_last_four"],
                balance=money(account["balance"], currency),
                available=money(account["available_credit"], currency),
                statement_balance=money(account["statement_balance"], currency),
                minimum_due=money(account["minimum_due"], currency),
                due_date=day(account["due_date"], turn.language),
            )
        turn.say("utter_anything_else")


# --- recent_transactions ---------------------------------------------------------------------------
def wanted_count(text: str) -> int:
    match = re.search(
        r"\b(?:last|latest|recent|past)\s+(\d{1,2})\b|\b(\d{1,2})\s+(?:transactions|charges|purchases)",
        text.lower(),
    )
    if not match:
        return DEFAULT_TRANSACTIONS
    return max(1, min(MAX_TRANSACTIONS, int(match.group(1) or match.group(2))))


class RecentTransactionsForm(TaskForm):
    task = "recent_transactions"
    extra_slots = ("card_filter", "transaction_count")

    async def prefill(self, turn: Turn) -> None:
        turn.set(card_filter=card_hint(turn.text), transaction_count=float(wanted_count(turn.text)))


def transaction_line(item: dict[str, Any], language: str = ENGLISH) -> str:
    """ "26 Nov: Coffee House, $4.50 (pending)"; "26 नव॰: Coffee House, $4.50 (पेंडिंग)"."""
    pending = phrase("pending", language) if item.get("pending") else ""
    amount = money(item["amount"], item["currency"])
    return f"{short_day(item['posted_on'], language)}: {item['merchant']}, {amount}{pending}"


class ActionShowRecentTransactions(TaskAction):
    task = "recent_transactions"
    action_name = "action_show_recent_transactions"
    form = RecentTransactionsForm
    self_service_response = "utter_recent_transactions"

    async def perform(self, turn: Turn) -> None:
        count = int(turn.slot("transaction_count") or DEFAULT_TRANSACTIONS)
        accounts = await load_accounts(turn)
        card = turn.slot("card_filter")
        cards = (
            [card]
            if card in [a["card_last_four"] for a in accounts]
            else [a["card_last_four"] for a in accounts]
        )
        for last_four in cards:
            reply = await turn.service.me("GET", "/transactions", card=last_four, limit=count)
            items = reply.get("transactions") or [] if reply.status == 200 else []
            product = next(
                (a["product"] for a in accounts if a["card_last_four"] == last_four),
                phrase("card", turn.language),
            )
            if items:
                turn.say(
                    "utter_transactions_list",
                    product=product,
                    card=last_four,
                    count=len(items),
                    transactions=bulleted([transaction_line(item, turn.language) for item in items]),
                )
            else:
                turn.say("utter_transactions_none", product=product, card=last_four)
        turn.say("utter_transactions_follow_up")


# --- view_statements -----------------------------------------------------------------------------
def wanted_period(text: str) -> int | None:
    """The month named in the request ("my October statement", "अक्टूबर का स्टेटमेंट"), as a
    month number; "may" only beside "statement", since it is far more often a verb."""
    for token in words(text):
        if token in MONTHS and token not in ("may",):
            return MONTHS[token]
    return 5 if re.search(r"\bmay\s+statement\b|\bstatement\s+(?:for|from)\s+may\b", text.lower()) else None


class ViewStatementsForm(CardChoice, TaskForm):
    task = "view_statements"
    task_slots = ("card_last_four",)
    extra_slots = ("card_options", "statement_month")

    async def prefill(self, turn: Turn) -> None:
        month = wanted_period(turn.text)
        turn.set(statement_month=float(month) if month else None)

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        return self.task_slots


class ActionShowStatements(TaskAction):
    task = "view_statements"
    action_name = "action_show_statements"
    form = ViewStatementsForm
    self_service_response = "utter_view_statements"

    async def perform(self, turn: Turn) -> None:
        card = turn.slot("card_last_four")
        reply = await turn.service.me("GET", "/statements", card=card)
        statements = reply.get("statements") or [] if reply.status == 200 else []
        if not statements:
            turn.say("utter_statements_none", card=card)
            return
        month = turn.slot("statement_month")
        chosen = next((s for s in statements if month and int(s["period"][5:7]) == int(month)), statements[0])
        language = turn.language
        lines = [
            f"{month_name(s['period'], language)}: {money(s['balance'], s.get('currency', 'USD'))}"
            for s in statements[:6]
        ]
        link = await turn.service.me("POST", f"/statements/{chosen['id']}/link")
        if link.status not in (200, 201):
            turn.say(
                "utter_statements_list",
                card=card,
                statements=bulleted(lines),
                period=month_name(chosen["period"], language),
                url=phrase("link_unavailable", language),
                minutes=0,
            )
            return
        turn.say(
            "utter_statements_list",
            card=card,
            statements=bulleted(lines),
            period=month_name(chosen["period"], language),
            url=link.get("url"),
            minutes=max(1, int(link.get("expires_in", 600)) // 60),
        )

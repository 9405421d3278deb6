"""A customer in India pays and sets up autopay as they write: ₹1,00,000, 1.5 lakh, 5k, "kal",
a day in digits with the day first, "haan"; and the assistant shows rupees the Indian way
(₹1,50,000.00). Dates of birth and codes are read the same way at the identity check.

Against the real account service in this process (tests/unit/in_process_service.py), with the
demo customers priya.sharma (India, a rupee card ending 1005) and alex.morgan (US). Two things
the usual demo data lacks are set up in this module's own copy of it:
- a day: the data is seeded as of the first of next month and the service's clock is moved
  there, so that the days from "today" to the due date always hold one whose day and month could
  be swapped (2 December is 02/12 or 12/02); from the 13th to the 16th of a month they may hold
  none, and day-first and month-first readings could not be told apart in a payment;
- lakhs owed: Priya's card gets a big month (a statement of ₹1,80,000.00 and ₹2,45,000.00 owed),
  added as purchases the way the seeding adds them, so that 1.5 lakh can be paid.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select

from account_service.clock import Clock
from account_service.database import Database
from account_service.models import Card, CardAccount, Customer, Statement, Transaction
from actions.formatting import day
from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import InProcessService, seed_demo_database

pytestmark = pytest.mark.asyncio

PRIYA = "priya.sharma"
# Priya's big month, in paise: the statement, 2% of it as the minimum (the seeding's rule), and
# the whole balance (the statement and what was bought since it closed).
STATEMENT_PAISE = 180_000_00
MINIMUM_DUE_PAISE = 3_600_00
BALANCE_PAISE = 245_000_00
DEVANAGARI_DIGITS = str.maketrans("0123456789", "०१२३४५६७८९")


# --- this module's demo data ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_day() -> date:
    """The first of next month: "today" for this module's service."""
    today = Clock().today()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


@pytest.fixture(scope="module")
def seeded_account_db(tmp_path_factory: pytest.TempPathFactory, demo_day: date) -> Path:
    """Overrides the run's demo database (tests/unit/conftest.py) for this module only."""
    path = seed_demo_database(tmp_path_factory.mktemp("india") / "account.db", as_of=demo_day)
    asyncio.run(give_priya_a_big_month(path, demo_day))
    return path


async def give_priya_a_big_month(path: Path, today: date) -> None:
    """A large purchase in the period of her latest statement and another since it closed, with
    the statement, the minimum due and the balance raised to match (as seed.py computes them)."""
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with database.sessions() as session, session.begin():
            card = await session.scalar(
                select(Card)
                .join(CardAccount, Card.account_id == CardAccount.id)
                .join(Customer, CardAccount.customer_id == Customer.id)
                .where(Customer.user_id == PRIYA, Card.last_four == "1005")
            )
            assert card is not None
            account = await session.get(CardAccount, card.account_id)
            statement = await session.scalar(
                select(Statement)
                .where(Statement.account_id == card.account_id)
                .order_by(Statement.closing_date.desc())
                .limit(1)
            )
            assert account is not None and statement is not None
            in_statement = STATEMENT_PAISE - statement.balance_cents
            since_closing = BALANCE_PAISE - (account.balance_cents + in_statement)
            assert in_statement > 0 and since_closing > 0, "the demo data changed: pick other figures"
            for posted_on, merchant, paise in (
                (statement.closing_date - timedelta(days=4), "Tanishq Jewellers", in_statement),
                (today - timedelta(days=3), "Croma Electronics", since_closing),
            ):
                session.add(
                    Transaction(
                        card_id=card.id,
                        posted_on=posted_on,
                        merchant=merchant,
                        amount_cents=paise,
                        pending=False,
                        disputed=False,
                    )
                )
            statement.balance_cents = account.statement_balance_cents = STATEMENT_PAISE
            statement.minimum_due_cents = account.minimum_due_cents = MINIMUM_DUE_PAISE
            account.balance_cents = BALANCE_PAISE
    finally:
        await database.close()


@pytest_asyncio.fixture(autouse=True)
async def on_demo_day(service: InProcessService, demo_day: date) -> AsyncIterator[None]:
    await service.move_clock_to(demo_day)
    yield


# --- helpers --------------------------------------------------------------------------------------
async def verified_chat(service: InProcessService, user_id: str = PRIYA) -> Dialogue:
    """A conversation whose customer has just typed the right code (through the service's API)."""
    chat = Dialogue()
    await service.verify(chat.sender, user_id)
    return chat


async def today_and_due(service: InProcessService, chat: Dialogue, card: str) -> tuple[date, date]:
    account = (await service.accounts(chat.sender))[card]
    return await service.today(), date.fromisoformat(account["due_date"])


def days_between(first: date, last: date) -> Iterator[date]:
    return (first + timedelta(days=n) for n in range((last - first).days + 1))


def swappable_day(today: date, due: date) -> date:
    """A day after today, by the due date, whose day and month could each be the month (5/12):
    written in digits it reads as another day in the other order."""
    return next(d for d in days_between(today + timedelta(days=1), due) if d.day <= 12 and d.day != d.month)


def day_first(when: date) -> str:
    return f"{when.day:02d}/{when.month:02d}"


def month_first(when: date) -> str:
    return f"{when.month:02d}/{when.day:02d}"


async def payment_named(service: InProcessService, chat: Dialogue, response: str) -> dict[str, Any]:
    """The payment the service holds under the reference the last turn's `response` gave."""
    reference = chat.said_with(response)["reference"]
    return next(paid for paid in await service.payments(chat.sender) if paid["reference"] == reference)


# --- pay_bill ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("request_text", "sent", "shown"),
    [
        ("pay 1,00,000 kal", "100000.00", "₹1,00,000.00"),
        ("pay ₹1.5 lakh kal", "150000.00", "₹1,50,000.00"),
        ("5k kal pay kar do", "5000.00", "₹5,000.00"),
        ("Rs. 12,500/- kal", "12500.00", "₹12,500.00"),
        ("कल ₹५००० भर दो", "5000.00", "₹5,000.00"),
        ("kal dedh lakh pay karna hai", "150000.00", "₹1,50,000.00"),
    ],
)
async def test_an_amount_and_kal_in_the_request_go_straight_to_the_confirmation(
    service, request_text, sent, shown
):
    chat = await verified_chat(service)
    tomorrow = await service.today() + timedelta(days=1)
    assert await chat.say(request_text, intent="pay_bill") == ["utter_ask_payment_confirmed"]
    question = chat.said_with("utter_ask_payment_confirmed")
    assert question["amount"] == shown and question["when"] == day(tomorrow) and question["card"] == "1005"
    assert not service.changes()
    assert await chat.say("haan") == ["utter_payment_scheduled"]
    assert chat.said_with("utter_payment_scheduled")["amount"] == shown
    [call] = service.called("POST", "/me/payments")
    assert (call.json["amount"], call.json["pay_on"], call.json["card_last_four"]) == (
        sent,
        tomorrow.isoformat(),
        "1005",
    )
    paid = await payment_named(service, chat, "utter_payment_scheduled")
    assert (paid["amount"], paid["currency"], paid["pay_on"], paid["status"]) == (
        sent,
        "INR",
        tomorrow.isoformat(),
        "scheduled",
    )


async def test_the_questions_show_rupees_and_take_answers_in_hinglish(service):
    chat = await verified_chat(service)
    day_after_tomorrow = await service.today() + timedelta(days=2)
    assert await chat.say("mujhe bill pay karna hai", intent="pay_bill") == ["utter_ask_payment_amount"]
    question = chat.said_with("utter_ask_payment_amount")
    assert question["balance"] == "₹2,45,000.00"
    assert [button["title"] for button in question["buttons"]][:2] == [
        "Statement balance (₹1,80,000.00)",
        "Minimum due (₹3,600.00)",
    ]
    assert await chat.say("dedh lakh") == ["utter_ask_payment_date"]
    assert chat.slots["payment_amount"] == "150000.00"
    assert await chat.say("parso") == ["utter_ask_payment_confirmed"]
    assert chat.slots["payment_date"] == day_after_tomorrow.isoformat()
    assert chat.said_with("utter_ask_payment_confirmed")["amount"] == "₹1,50,000.00"
    assert await chat.say("हाँ") == ["utter_payment_scheduled"]
    paid = await payment_named(service, chat, "utter_payment_scheduled")
    assert (paid["amount"], paid["pay_on"]) == ("150000.00", day_after_tomorrow.isoformat())


async def test_more_than_the_balance_is_refused_in_rupees(service):
    chat = await verified_chat(service)
    said = await chat.say("pay 3 lakh kal", intent="pay_bill")
    assert said == ["utter_payment_amount_too_large", "utter_ask_payment_amount"]
    assert chat.said_with("utter_payment_amount_too_large")["balance"] == "₹2,45,000.00"
    assert chat.asks == "payment_amount" and chat.slots.get("payment_amount") is None
    assert not service.changes()


async def test_dollars_for_a_rupee_card_are_asked_again(service):
    chat = await verified_chat(service)
    await chat.say("pay my bill", intent="pay_bill")
    assert chat.asks == "payment_amount"
    said = await chat.say("$200")
    assert said[0] == "utter_hint_payment_amount" and chat.asks == "payment_amount"
    assert chat.slots.get("payment_amount") is None and not service.changes()


@pytest.mark.parametrize(
    ("user_id", "card", "request_text", "written", "yes"),
    [
        (PRIYA, "1005", "pay 500", day_first, "haan"),  # 05/12 is 5 December
        ("alex.morgan", "2002", "pay 500 from my card ending 2002", month_first, "yes"),  # so is 12/05
    ],
)
async def test_a_day_in_digits_reads_in_the_customers_order(
    service, user_id, card, request_text, written, yes
):
    chat = await verified_chat(service, user_id)
    when = swappable_day(*await today_and_due(service, chat, card))
    assert await chat.say(request_text, intent="pay_bill") == ["utter_ask_payment_date"]
    assert await chat.say(written(when)) == ["utter_ask_payment_confirmed"]
    assert chat.slots["payment_date"] == when.isoformat()
    assert await chat.say(yes) == ["utter_payment_scheduled"]
    paid = await payment_named(service, chat, "utter_payment_scheduled")
    assert (paid["amount"], paid["pay_on"], paid["card_last_four"]) == ("500.00", when.isoformat(), card)


async def test_a_day_written_month_first_in_india_is_another_day_after_the_due_date(service):
    chat = await verified_chat(service)
    today, due = await today_and_due(service, chat, "1005")
    # In the US this would be a day before the due date; in India the day comes first: 12/05 is
    # 12 May, months away.
    said = await chat.say(f"pay 500 on {month_first(swappable_day(today, due))}", intent="pay_bill")
    assert said == ["utter_payment_date_after_due", "utter_ask_payment_date"]
    assert chat.said_with("utter_payment_date_after_due")["due_date"] == day(due)
    assert chat.asks == "payment_date" and chat.slots.get("payment_date") is None


# --- setup_autopay ----------------------------------------------------------------------------------
async def test_a_rupee_autopay_is_confirmed_and_reported_in_rupees(service):
    chat = await verified_chat(service)
    said = await chat.say("set up autopay", intent="setup_autopay")
    assert said == ["utter_autopay_status_off", "utter_ask_autopay_amount_type"]
    assert await chat.say("25 hazaar") == ["utter_ask_autopay_confirmed"]
    assert chat.slots["autopay_fixed_amount"] == "25000.00"
    assert chat.said_with("utter_ask_autopay_confirmed")["amount"] == "₹25,000.00"
    assert not service.changes()
    assert await chat.say("ji haan") == ["utter_autopay_set"]
    assert chat.said_with("utter_autopay_set")["amount"] == "₹25,000.00"
    assert service.called("PUT", "/me/autopay")[0].json["fixed_amount"] == "25000.00"
    [setting] = (await service.me(chat.sender, "/autopay", card="1005"))["autopay"]
    assert setting["enrolled"] and setting["amount_type"] == "fixed"
    assert (setting["fixed_amount"], setting["currency"]) == ("25000.00", "INR")


# --- the identity check -----------------------------------------------------------------------------
async def at_date_of_birth(slots: dict[str, Any] | None = None) -> Dialogue:
    chat = Dialogue(slots=slots)
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("I forgot my user id")
    await chat.say("1005")
    assert chat.asks == "date_of_birth", chat.said
    return chat


async def test_an_ambiguous_date_of_birth_is_asked_again_while_the_region_is_unknown(service):
    chat = await at_date_of_birth()
    assert await chat.say("12/04/1990") == ["utter_hint_date_of_birth", "utter_ask_date_of_birth"]
    assert chat.asks == "date_of_birth" and not service.called("POST", "/identity/challenges")
    assert await chat.say("12 April 1990") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert service.called("POST", "/identity/challenges")[-1].json["date_of_birth"] == "1990-04-12"
    said = await chat.say(await service.latest_code(PRIYA))
    assert said[0] == "utter_identity_verified"
    assert chat.said_with("utter_balance_summary")["balance"] == "₹2,45,000.00"


@pytest.mark.parametrize(("region", "born", "codes"), [("IN", "1990-04-12", 1), ("US", "1990-12-04", 0)])
async def test_a_date_of_birth_reads_in_the_order_of_a_named_region(service, region, born, codes):
    chat = await at_date_of_birth({"region_code": region})
    assert await chat.say("12/04/1990") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert service.called("POST", "/identity/challenges")[-1].json["date_of_birth"] == born
    # Priya was born on 12 April: only the day-first reading matches her card and gets a code.
    assert await service.codes_sent(PRIYA) == codes


async def test_a_code_in_devanagari_digits_is_checked_as_digits(service):
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say(PRIYA) == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    code = await service.latest_code(PRIYA)
    said = await chat.say(f"मेरा कोड {code.translate(DEVANAGARI_DIGITS)} है")
    [verify] = [call for call in service.calls if call.path.endswith("/verify")]
    assert verify.json["code"] == code and verify.status == 200
    assert said[0] == "utter_identity_verified"
    assert (await service.session(chat.sender) or {}).get("user_id") == PRIYA


async def test_after_fraud_the_bill_is_paid_on_the_account_not_asked_twice(service):
    """Fraud reported: the old card (frozen) and the new one (not yet active) share one account,
    so there is one bill to pay, shown in rupees, never a choice of two cards or $0.00."""
    chat = await verified_chat(service)
    await chat.say("there are charges I didn't make on my card ending 1005", intent="report_fraud")
    assert await chat.say("1") == ["utter_ask_fraud_confirmed"]
    assert await chat.say("yes") == ["utter_fraud_reported"]
    said = await chat.say("5k kal pay kar do", intent="pay_bill")
    assert said == ["utter_ask_payment_confirmed"], said
    question = chat.said_with("utter_ask_payment_confirmed")
    assert question["amount"] == "₹5,000.00" and question["card"] != "1005"

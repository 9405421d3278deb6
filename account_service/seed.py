"""Demo customers for an empty database (demo mode only).

Everything is dated relative to the seeding day (the service clock), so a fresh demo always has
recent transactions and a due date 10-20 days ahead. Amounts come from a random generator seeded
per card, so the same day gives the same data. The numbers add up: each statement balance is
the purchases of its period (the previous statement was paid in full during it), and the current
balance is the last statement plus the purchases posted since.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from account_service.calendar_days import shift_months
from account_service.models import (
    AlertSetting,
    AutopaySetting,
    Card,
    CardAccount,
    Customer,
    Payment,
    RewardAccount,
    RewardOption,
    Statement,
    Transaction,
)
from account_service.payments import PAYMENT_MERCHANT
from account_service.references import PAYMENT_PREFIX, new_reference

STATEMENTS_PER_ACCOUNT = 7
RECENT_DAYS = 60
DAYS_FROM_CLOSING_TO_DUE = 25
PENDING_DAYS = 2

# (merchant, lowest, highest) in whole currency units; equal bounds are subscriptions.
US_MERCHANTS = [
    ("Whole Foods Market", 28, 185),
    ("Trader Joe's", 22, 120),
    ("Kroger", 35, 160),
    ("Shell", 32, 74),
    ("Chevron", 38, 82),
    ("Netflix", 15.49, 15.49),
    ("Spotify USA", 11.99, 11.99),
    ("Chipotle Mexican Grill", 11, 29),
    ("The Cheesecake Factory", 48, 140),
    ("Starbucks", 5, 14),
    ("Uber", 12, 46),
    ("Amazon.com", 15, 220),
    ("Target", 20, 150),
    ("CVS Pharmacy", 8, 60),
]
US_TRAVEL = [("Delta Air Lines", 180, 640), ("United Airlines", 150, 520), ("Marriott Hotels", 180, 480)]
IN_MERCHANTS = [
    ("BigBasket", 800, 4500),
    ("Reliance Fresh", 500, 3000),
    ("Indian Oil", 1500, 4000),
    ("HP Petrol Pump", 1200, 3800),
    ("Netflix India", 649, 649),
    ("Spotify India", 119, 119),
    ("Swiggy", 250, 1200),
    ("Zomato", 300, 1400),
    ("Barbeque Nation", 1800, 4500),
    ("Amazon.in", 500, 6000),
    ("Uber India", 150, 700),
    ("Apollo Pharmacy", 200, 1500),
]
IN_TRAVEL = [("IndiGo", 4500, 14000), ("Air India", 6000, 18000), ("Taj Hotels", 9000, 22000)]

REWARD_OPTIONS = [
    # region, name, points per unit, value of a unit in cents, currency
    ("US", "Statement credit", 1_000, 600, "USD"),
    ("US", "Gift card", 2_500, 2_500, "USD"),
    ("US", "Travel", 10_000, 10_000, "USD"),
    ("IN", "Statement credit", 1_000, 25_000, "INR"),
    ("IN", "Gift voucher", 4_000, 100_000, "INR"),
    ("IN", "Travel", 18_000, 500_000, "INR"),
]


@dataclass
class CardPlan:
    last_four: str
    product: str
    credit_limit: int  # whole currency units
    status: str = "active"
    fraud_hold: bool = False
    history: bool = True  # False: a brand-new account, nothing spent yet
    travel: bool = True
    fill_to_limit: bool = False  # spend until available credit is exactly zero
    autopay: str | None = None
    extra_pending: list[tuple[str, float]] = field(default_factory=list)


@dataclass
class CustomerPlan:
    user_id: str
    first_name: str
    last_name: str
    date_of_birth: date
    region: str
    phone: str
    email: str
    mailing_address: str
    bank_name: str
    bank_last_four: str
    points: int
    alerts: tuple[int | None, bool, bool, int | None]  # large purchase, online, payment due, balance
    cards: list[CardPlan]
    alert_channel: str = "sms"  # where alerts go: sms, whatsapp, telegram (once linked), email


CUSTOMERS = [
    CustomerPlan(
        user_id="alex.morgan",
        first_name="Alex",
        last_name="Morgan",
        date_of_birth=date(1985, 9, 30),
        region="US",
        phone="+1 555 010 2002",
        email="alex.morgan@example.com",
        mailing_address="350 Park Avenue, Apt 12B, New York, NY 10022",
        bank_name="Chase checking",
        bank_last_four="6789",
        points=48_250,
        alerts=(500_00, True, True, None),
        cards=[
            CardPlan("2002", "Gold Card", 15_000),
            CardPlan("2010", "Platinum Card", 30_000, autopay="statement_balance"),
        ],
    ),
    CustomerPlan(
        user_id="priya.sharma",
        first_name="Priya",
        last_name="Sharma",
        date_of_birth=date(1990, 4, 12),
        region="IN",
        phone="+91 98200 41005",
        email="priya.sharma@example.com",
        mailing_address="Flat 702, Sea Breeze Apartments, Bandra West, Mumbai 400050",
        bank_name="HDFC Bank savings",
        bank_last_four="4821",
        points=12_400,
        alerts=(25_000_00, True, True, 200_000_00),
        cards=[CardPlan("1005", "Membership Rewards Credit Card", 300_000)],
        alert_channel="whatsapp",
    ),
    CustomerPlan(
        user_id="sam.lee",
        first_name="Sam",
        last_name="Lee",
        date_of_birth=date(1979, 2, 14),
        region="US",
        phone="+1 555 010 3005",
        email="sam.lee@example.com",
        mailing_address="1824 Alder Street, Portland, OR 97205",
        bank_name="Wells Fargo checking",
        bank_last_four="3317",
        points=3_150,
        alerts=(None, False, True, None),
        cards=[
            CardPlan("3005", "Blue Cash Everyday Card", 5_000, status="inactive", history=False),
            CardPlan("3013", "Blue Cash Preferred Card", 2_500, travel=False, fill_to_limit=True),
        ],
    ),
    CustomerPlan(
        user_id="jordan.reyes",
        first_name="Jordan",
        last_name="Reyes",
        date_of_birth=date(1992, 7, 8),
        region="US",
        phone="+1 555 010 4006",
        email="jordan.reyes@example.com",
        mailing_address="4410 Cedar Springs Road, Dallas, TX 75219",
        bank_name="Bank of America checking",
        bank_last_four="5540",
        points=22_700,
        alerts=(250_00, True, True, None),
        cards=[
            CardPlan(
                "4006",
                "Green Card",
                8_000,
                fraud_hold=True,
                extra_pending=[("ELECTRONICS HUB ONLINE", 1_249.99), ("ELECTRONICS HUB ONLINE", 899.00)],
            )
        ],
    ),
    # Three customers for trying the two-way alerts (and for their end-to-end tests, which freeze
    # cards): one on SMS, one on WhatsApp, one who will link a Telegram chat.
    CustomerPlan(
        user_id="taylor.kim",
        first_name="Taylor",
        last_name="Kim",
        date_of_birth=date(1988, 3, 21),
        region="US",
        phone="+1 555 010 5007",
        email="taylor.kim@example.com",
        mailing_address="77 Harbor View Drive, Seattle, WA 98121",
        bank_name="US Bank checking",
        bank_last_four="2284",
        points=9_800,
        alerts=(300_00, True, True, None),
        cards=[CardPlan("5007", "Gold Card", 12_000)],
    ),
    CustomerPlan(
        user_id="meera.iyer",
        first_name="Meera",
        last_name="Iyer",
        date_of_birth=date(1994, 11, 3),
        region="IN",
        phone="+91 98200 46008",
        email="meera.iyer@example.com",
        mailing_address="12 Lake View Road, Indiranagar, Bengaluru 560038",
        bank_name="ICICI Bank savings",
        bank_last_four="7310",
        points=6_200,
        alerts=(20_000_00, True, True, None),
        cards=[CardPlan("6008", "Membership Rewards Credit Card", 250_000)],
        alert_channel="whatsapp",
    ),
    CustomerPlan(
        user_id="noah.fischer",
        first_name="Noah",
        last_name="Fischer",
        date_of_birth=date(1983, 6, 17),
        region="US",
        phone="+1 555 010 7009",
        email="noah.fischer@example.com",
        mailing_address="905 Lakeshore Avenue, Chicago, IL 60611",
        bank_name="Citibank checking",
        bank_last_four="4471",
        points=15_300,
        alerts=(400_00, True, True, None),
        cards=[CardPlan("7009", "Platinum Card", 25_000)],
    ),
]


def _cents(rng: random.Random, low: float, high: float) -> int:
    return round(low * 100) if low == high else rng.randint(round(low * 100), round(high * 100))


def _minimum_due(balance_cents: int, currency: str) -> int:
    """2% of the statement balance, at least 35 USD / 500 INR, never more than the balance."""
    floor = 35_00 if currency == "USD" else 500_00
    return min(balance_cents, max(floor, balance_cents * 2 // 100))


async def seed_if_empty(session: AsyncSession, today: date, now: datetime) -> bool:
    """Seeds the demo customers; does nothing (returns False) when any customer exists."""
    if await session.scalar(select(func.count()).select_from(Customer)):
        return False
    for region, name, points_needed, value_cents, currency in REWARD_OPTIONS:
        session.add(
            RewardOption(
                region=region,
                name=name,
                points_needed=points_needed,
                value_cents=value_cents,
                currency=currency,
            )
        )
    for plan in CUSTOMERS:
        await _seed_customer(session, plan, today, now)
    return True


async def _seed_customer(session: AsyncSession, plan: CustomerPlan, today: date, now: datetime) -> None:
    customer = Customer(
        user_id=plan.user_id,
        first_name=plan.first_name,
        last_name=plan.last_name,
        date_of_birth=plan.date_of_birth,
        region=plan.region,
        phone=plan.phone,
        email=plan.email,
        mailing_address=plan.mailing_address,
    )
    session.add(customer)
    await session.flush()
    session.add(RewardAccount(customer_id=customer.id, program="Membership Rewards", points=plan.points))
    large, online, due, balance = plan.alerts
    session.add(
        AlertSetting(
            customer_id=customer.id,
            large_purchase_threshold_cents=large,
            online_transactions=online,
            payment_due=due,
            balance_threshold_cents=balance,
            channel=plan.alert_channel,
        )
    )
    for card_plan in plan.cards:
        await _seed_card(session, customer, plan, card_plan, today, now)


async def _seed_card(
    session: AsyncSession,
    customer: Customer,
    plan: CustomerPlan,
    card_plan: CardPlan,
    today: date,
    now: datetime,
) -> None:
    rng = random.Random(f"{plan.user_id}/{card_plan.last_four}")
    currency = "USD" if plan.region == "US" else "INR"
    due_date = today + timedelta(days=rng.randint(10, 20))
    account = CardAccount(
        customer_id=customer.id,
        product=card_plan.product,
        currency=currency,
        balance_cents=0,
        credit_limit_cents=card_plan.credit_limit * 100,
        statement_balance_cents=0,
        minimum_due_cents=0,
        due_date=due_date if card_plan.history else today + timedelta(days=DAYS_FROM_CLOSING_TO_DUE + 30),
        bank_name=plan.bank_name,
        bank_last_four=plan.bank_last_four,
    )
    session.add(account)
    await session.flush()
    expiry = shift_months(today, rng.randint(14, 44) if card_plan.history else 48)
    card = Card(
        account_id=account.id,
        last_four=card_plan.last_four,
        status=card_plan.status,
        expiry_month=expiry.month,
        expiry_year=expiry.year,
        fraud_hold=card_plan.fraud_hold,
    )
    session.add(card)
    enrolled = card_plan.autopay is not None
    session.add(
        AutopaySetting(
            account_id=account.id,
            enrolled=enrolled,
            amount_type=card_plan.autopay,
            updated_at=now if enrolled else None,
        )
    )
    await session.flush()
    if card_plan.history:
        _seed_history(session, rng, customer, account, card, card_plan, plan.region, today, now)


def _seed_history(
    session: AsyncSession,
    rng: random.Random,
    customer: Customer,
    account: CardAccount,
    card: Card,
    card_plan: CardPlan,
    region: str,
    today: date,
    now: datetime,
) -> None:
    merchants = US_MERCHANTS if region == "US" else IN_MERCHANTS
    if card_plan.travel:
        merchants = merchants + (US_TRAVEL if region == "US" else IN_TRAVEL)

    # Statement periods, oldest first: (opening, closing, due).
    latest_closing = account.due_date - timedelta(days=DAYS_FROM_CLOSING_TO_DUE)
    closings = [shift_months(latest_closing, -k) for k in range(STATEMENTS_PER_ACCOUNT, -1, -1)]
    periods = [
        (
            closings[i - 1] + timedelta(days=1),
            closings[i],
            closings[i] + timedelta(days=DAYS_FROM_CLOSING_TO_DUE),
        )
        for i in range(1, len(closings))
    ]

    # Purchases: 16-21 in the last 60 days (one of them yesterday, still pending), and about one
    # a week before that, back to the oldest statement.
    purchases: list[tuple[date, str, int]] = []
    recent_days = {1, *rng.sample(range(2, RECENT_DAYS), rng.randint(15, 20))}
    day = periods[0][0]
    while day <= today:
        days_ago = (today - day).days
        if days_ago in recent_days or (days_ago >= RECENT_DAYS and rng.random() < 0.15):
            merchant, low, high = rng.choice(merchants)
            purchases.append((day, merchant, _cents(rng, low, high)))
        day += timedelta(days=1)

    statement_balances: list[int] = []
    for opening, closing, due in periods:
        balance = sum(amount for posted, _, amount in purchases if opening <= posted <= closing)
        statement_balances.append(balance)
        session.add(
            Statement(
                account_id=account.id,
                period=closing.strftime("%Y-%m"),
                opening_date=opening,
                closing_date=closing,
                balance_cents=balance,
                minimum_due_cents=_minimum_due(balance, account.currency),
                due_date=due,
            )
        )

    for posted, merchant, amount in purchases:
        # Card swipes of the last two days are still authorisations.
        pending = (today - posted).days < PENDING_DAYS
        session.add(
            Transaction(
                card_id=card.id,
                posted_on=posted,
                merchant=merchant,
                amount_cents=amount,
                pending=pending,
                disputed=False,
            )
        )

    # Each statement but the latest was paid in full three days before its due date.
    for (_, _, due), balance in zip(periods[:-1], statement_balances[:-1], strict=True):
        if balance <= 0:
            continue
        paid_on = due - timedelta(days=3)
        session.add(
            Transaction(
                card_id=card.id,
                posted_on=paid_on,
                merchant=PAYMENT_MERCHANT,
                amount_cents=-balance,
                pending=False,
                disputed=False,
            )
        )
        if (today - paid_on).days <= 90:
            session.add(
                Payment(
                    reference=new_reference(PAYMENT_PREFIX),
                    customer_id=customer.id,
                    account_id=account.id,
                    card_id=card.id,
                    amount_cents=balance,
                    pay_on=paid_on,
                    status="completed",
                    idempotency_key=f"seed-{card.last_four}-{paid_on.isoformat()}",
                    created_at=now,
                )
            )

    latest_closing_day = periods[-1][1]
    posted_since = sum(
        amount
        for posted, _, amount in purchases
        if posted > latest_closing_day and (today - posted).days >= PENDING_DAYS
    )
    account.statement_balance_cents = statement_balances[-1]
    account.minimum_due_cents = _minimum_due(statement_balances[-1], account.currency)
    account.balance_cents = statement_balances[-1] + posted_since

    if card_plan.fill_to_limit:
        # One more purchase takes the card exactly to its limit: available credit 0.
        if account.balance_cents > account.credit_limit_cents - 100_00:
            account.credit_limit_cents = (account.balance_cents // 500_00 + 2) * 500_00
        top_up = account.credit_limit_cents - account.balance_cents
        session.add(
            Transaction(
                card_id=card.id,
                posted_on=today - timedelta(days=3),
                merchant="Best Buy",
                amount_cents=top_up,
                pending=False,
                disputed=False,
            )
        )
        account.balance_cents += top_up

    for merchant, pending_amount in card_plan.extra_pending:
        session.add(
            Transaction(
                card_id=card.id,
                posted_on=today,
                merchant=merchant,
                amount_cents=round(pending_amount * 100),
                pending=True,
                disputed=False,
            )
        )

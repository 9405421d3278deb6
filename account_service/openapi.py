"""OpenAPI 3.0 description of every route, served at GET /openapi.json.

Written out by hand next to the routes (tests check that every registered route is here), with
small helpers so that each operation reads as one entry.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}
INTEGER: Schema = {"type": "integer"}
MONEY: Schema = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "1234.50"}
DATE: Schema = {"type": "string", "format": "date"}
INSTANT: Schema = {"type": "string", "format": "date-time"}
LAST_FOUR: Schema = {"type": "string", "pattern": r"^\d{4}$"}
CONVERSATION: Schema = {"type": "string", "minLength": 1, "maxLength": 128}
AMOUNT_IN: Schema = {"oneOf": [{"type": "string", "example": "125.50"}, {"type": "number"}]}


def obj(properties: dict[str, Schema], required: list[str] | None = None) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def nullable(schema: Schema) -> Schema:
    return {**schema, "nullable": True}


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def error(*codes: str, **fields: Schema) -> Schema:
    return obj({"error": enum(*codes), "message": STRING, **fields}, ["error"])


ACCOUNT = obj(
    {
        "card_last_four": LAST_FOUR,
        "product": STRING,
        "currency": enum("USD", "INR"),
        "balance": MONEY,
        "credit_limit": MONEY,
        "available_credit": MONEY,
        "statement_balance": MONEY,
        "minimum_due": MONEY,
        "due_date": DATE,
        "bank_account": obj({"bank_name": STRING, "masked": STRING}),
    }
)
CARD = obj(
    {
        "last_four": LAST_FOUR,
        "product": STRING,
        "status": enum("active", "inactive", "frozen", "replaced"),
        "expiry": {"type": "string", "example": "09/28"},
        "fraud_hold": BOOLEAN,
    }
)
TRANSACTION = obj(
    {
        "id": INTEGER,
        "card_last_four": LAST_FOUR,
        "posted_on": DATE,
        "merchant": STRING,
        "amount": MONEY,
        "currency": STRING,
        "pending": BOOLEAN,
        "disputed": BOOLEAN,
    }
)
STATEMENT = obj(
    {
        "id": INTEGER,
        "card_last_four": LAST_FOUR,
        "period": {"type": "string", "example": "2026-10"},
        "closing_date": DATE,
        "balance": MONEY,
        "minimum_due": MONEY,
        "due_date": DATE,
        "currency": STRING,
    }
)
PAYMENT = obj(
    {
        "reference": STRING,
        "card_last_four": LAST_FOUR,
        "amount": MONEY,
        "currency": STRING,
        "pay_on": DATE,
        "status": enum("completed", "scheduled"),
        "from_account": STRING,
    }
)
AUTOPAY = obj(
    {
        "card_last_four": LAST_FOUR,
        "enrolled": BOOLEAN,
        "amount_type": nullable(enum("statement_balance", "minimum_due", "fixed")),
        "fixed_amount": nullable(MONEY),
        "currency": STRING,
    }
)
ALERTS = obj(
    {
        "large_purchase_threshold": nullable(MONEY),
        "online_transactions": BOOLEAN,
        "payment_due": BOOLEAN,
        "balance_threshold": nullable(MONEY),
        "currency": STRING,
    }
)
PROFILE = obj({"first_name": STRING, "email": STRING, "phone": STRING, "mailing_address": STRING})
SESSION = obj(
    {
        "verified": BOOLEAN,
        "user_id": STRING,
        "first_name": STRING,
        "region": enum("US", "IN"),
        "verified_at": INSTANT,
        "method": enum("code", "app_login"),
        "fresh": BOOLEAN,
    }
)
APP_SESSION = obj(
    {
        "verified": BOOLEAN,
        "method": enum("app_login", "code"),
        "fresh": BOOLEAN,
        "outcome": enum("created", "refreshed", "replaced"),
        "customer": obj({"user_id": STRING, "first_name": STRING, "region": enum("US", "IN")}),
        "session_expires_in": INTEGER,
    }
)

NOT_VERIFIED = {"401": ("No verified session, or idle for more than 15 minutes", error("not_verified"))}
FRESH_NEEDED = {
    "403": ("The last code is older than 5 minutes: ask for a confirm code", error("fresh_code_needed"))
}
NO_CARD = {"404": ("No such card", error("no_such_card"))}
BAD = {"400": ("Malformed JSON or missing/invalid fields", error("bad_request"))}


def query(name: str, schema: Schema, required: bool = False, description: str = "") -> Schema:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def path(name: str, schema: Schema) -> Schema:
    return {"name": name, "in": "path", "required": True, "schema": schema}


CONVERSATION_QUERY = query(
    "conversation_id", CONVERSATION, True, "The conversation whose verified session acts"
)
CARD_QUERY = query("card", LAST_FOUR, description="Only this card (last four digits)")


def op(
    summary: str,
    responses: dict[str, tuple[str, Schema | None]],
    *,
    tag: str,
    body: Schema | None = None,
    parameters: list[Schema] | None = None,
    public: bool = False,
    content_type: str = "application/json",
) -> Schema:
    operation: Schema = {"summary": summary, "tags": [tag], "responses": {}}
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    if public:
        operation["security"] = []
    for status, (description, schema) in responses.items():
        entry: Schema = {"description": description}
        if schema is not None:
            media = content_type if status.startswith("2") else "application/json"
            entry["content"] = {media: {"schema": schema}}
        operation["responses"][status] = entry
    return operation


HANDOFF_STATUS = enum("waiting", "leave_message", "message_left", "with_agent", "released", "closed")
HANDOFF_CUSTOMER_FIELDS: dict[str, Schema] = {
    "reference": STRING,
    "status": HANDOFF_STATUS,
    "position": nullable(INTEGER),
    "estimated_wait_minutes": nullable(INTEGER),
    "agent": nullable(STRING),
}
HANDOFF_CUSTOMER_VIEW = obj(HANDOFF_CUSTOMER_FIELDS)
HANDOFF_CUSTOMER_VIEW_OPENED = obj(
    {**HANDOFF_CUSTOMER_FIELDS, "agents_available": BOOLEAN, "agent_hours": STRING}
)
HANDOFF_MESSAGE = obj(
    {
        "id": INTEGER,
        "from": enum("customer", "agent", "assistant"),
        "agent": nullable(STRING),
        "text": STRING,
        "at": INSTANT,
    }
)
HANDOFF_AGENT_VIEW = obj(
    {
        "reference": STRING,
        "status": HANDOFF_STATUS,
        "topic": STRING,
        "conversation_id": STRING,
        "verified_customer": BOOLEAN,
        "agent": nullable(STRING),
        "opened_at": INSTANT,
        "waiting_seconds": INTEGER,
        "transcript": array(obj({"from": enum("customer", "assistant"), "text": STRING})),
        "messages": array(HANDOFF_MESSAGE),
    }
)
NO_HANDOFF = {"404": ("The conversation is with the assistant", error("no_active_handoff"))}
NO_SUCH_HANDOFF = {"404": ("No such handoff", error("no_such_handoff"))}
REFERENCE = path("reference", STRING)


def AGENT_ACTION(summary: str, *conflicts: str) -> Schema:  # noqa: N802 (reads like the constants)
    return op(
        summary,
        {
            "200": ("The handoff", HANDOFF_AGENT_VIEW),
            **BAD,
            **NO_SUCH_HANDOFF,
            "409": ("Not possible in its status", error(*conflicts)),
        },
        tag="support",
        parameters=[REFERENCE],
        body=obj({"agent": STRING}, ["agent"]),
    )


def me_body(properties: dict[str, Schema], required: list[str]) -> Schema:
    return obj({"conversation_id": CONVERSATION, **properties}, ["conversation_id", *required])


def _paths() -> dict[str, dict[str, Schema]]:
    card_action = {
        "200": ("The card", CARD),
        **BAD,
        **NOT_VERIFIED,
        **NO_CARD,
        "409": ("Not possible in the card's status", error("wrong_status", status=STRING)),
    }
    return {
        "/health": {
            "get": op("Health check", {"200": ("Healthy", obj({"status": STRING}))}, tag="meta", public=True)
        },
        "/openapi.json": {
            "get": op("This description", {"200": ("OpenAPI 3.0", obj({}))}, tag="meta", public=True)
        },
        "/identity/challenges": {
            "post": op(
                "Send a one-time code (SMS by default) to the customer found by the details",
                {
                    "201": (
                        "Sent",
                        obj(
                            {
                                "challenge_id": STRING,
                                "channel": enum("sms", "email"),
                                "masked_destination": STRING,
                                "expires_in": INTEGER,
                                "purpose": enum("verify", "confirm"),
                            }
                        ),
                    ),
                    **BAD,
                    "401": ("purpose confirm without a verified session", error("not_verified")),
                    "404": ("No customer with those details", error("no_match")),
                    "423": ("Online access locked; nothing sent", error("locked", locked_until=INSTANT)),
                    "429": ("3 codes in 15 minutes already", error("too_many_codes", retry_after=INTEGER)),
                },
                tag="identity",
                body=obj(
                    {
                        "conversation_id": CONVERSATION,
                        "user_id": STRING,
                        "card_last_four": LAST_FOUR,
                        "date_of_birth": DATE,
                        "channel": enum("sms", "email"),
                        "purpose": enum("verify", "confirm"),
                    },
                    ["conversation_id"],
                ),
            )
        },
        "/identity/challenges/{challenge_id}/verify": {
            "post": op(
                "Check the code the customer typed",
                {
                    "200": (
                        "Verified; the conversation's session is bound to the customer",
                        obj(
                            {
                                "verified": BOOLEAN,
                                "customer": obj({"user_id": STRING, "first_name": STRING, "region": STRING}),
                                "session_expires_in": INTEGER,
                            }
                        ),
                    ),
                    "400": (
                        "Wrong code (or bad request)",
                        error("wrong_code", "bad_request", attempts_left=INTEGER),
                    ),
                    "401": ("A confirm code whose session is gone", error("not_verified")),
                    "404": (
                        "Unknown, other conversation's or other purpose's challenge",
                        error("no_challenge"),
                    ),
                    "410": ("Expired, used or ended", error("expired")),
                    "423": ("Locked (third wrong code, or already)", error("locked", locked_until=INSTANT)),
                },
                tag="identity",
                parameters=[path("challenge_id", STRING)],
                body=obj(
                    {"conversation_id": CONVERSATION, "code": STRING, "purpose": enum("verify", "confirm")},
                    ["conversation_id", "code"],
                ),
            )
        },
        "/identity/app-sessions": {
            "post": op(
                "Bind the conversation to the customer logged in to the mobile app (called by the "
                "in-app channel after checking the app's signed token). Never fresh by itself.",
                {
                    "201": ("Session created", APP_SESSION),
                    "200": ("Session refreshed, or taken over from another customer", APP_SESSION),
                    **BAD,
                    "403": (
                        "The login is older than IN_APP_MAX_LOGIN_AGE",
                        error("login_too_old", max_login_age_seconds=INTEGER),
                    ),
                    "404": ("No customer with that User ID", error("no_match")),
                    "423": ("Online access locked", error("locked", locked_until=INSTANT)),
                },
                tag="identity",
                body=obj(
                    {
                        "conversation_id": CONVERSATION,
                        "user_id": {"type": "string", "minLength": 1, "maxLength": 64},
                        "logged_in_at": INSTANT,
                    },
                    ["conversation_id", "user_id", "logged_in_at"],
                ),
            )
        },
        "/sessions/{conversation_id}": {
            "get": op(
                "The conversation's verified session",
                {"200": ("Verified", SESSION), **BAD, "404": ("Not verified", error("not_verified"))},
                tag="identity",
                parameters=[path("conversation_id", CONVERSATION)],
            ),
            "delete": op(
                "End the conversation's verified session",
                {"204": ("Ended (or there was none)", None), **BAD},
                tag="identity",
                parameters=[path("conversation_id", CONVERSATION)],
            ),
        },
        "/access/lock-status": {
            "get": op(
                "Whether a User ID is locked (an unknown one answers unlocked)",
                {"200": ("Status", obj({"locked": BOOLEAN, "locked_until": nullable(INSTANT)})), **BAD},
                tag="access",
                parameters=[query("user_id", STRING, True)],
            )
        },
        "/me/user-id-reminder": {
            "post": op(
                "Email the User ID to the registered address",
                {"200": ("Sent", obj({"sent_to": STRING})), **BAD, **NOT_VERIFIED},
                tag="access",
                body=me_body({}, []),
            )
        },
        "/me/password-reset": {
            "post": op(
                "Email a password-reset link valid for one hour",
                {"200": ("Sent", obj({"sent_to": STRING, "expires_in": INTEGER})), **BAD, **NOT_VERIFIED},
                tag="access",
                body=me_body({}, []),
            )
        },
        "/me/accounts": {
            "get": op(
                "Card accounts",
                {"200": ("Accounts", obj({"accounts": array(ACCOUNT)})), **BAD, **NOT_VERIFIED},
                tag="accounts",
                parameters=[CONVERSATION_QUERY],
            )
        },
        "/me/cards": {
            "get": op(
                "Cards",
                {"200": ("Cards", obj({"cards": array(CARD)})), **BAD, **NOT_VERIFIED},
                tag="cards",
                parameters=[CONVERSATION_QUERY],
            )
        },
        "/me/transactions": {
            "get": op(
                "Transactions, newest first",
                {
                    "200": ("Transactions", obj({"transactions": array(TRANSACTION)})),
                    **BAD,
                    **NOT_VERIFIED,
                    **NO_CARD,
                },
                tag="accounts",
                parameters=[
                    CONVERSATION_QUERY,
                    CARD_QUERY,
                    query("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 5}),
                ],
            )
        },
        "/me/statements": {
            "get": op(
                "Monthly statements, newest first",
                {
                    "200": ("Statements", obj({"statements": array(STATEMENT)})),
                    **BAD,
                    **NOT_VERIFIED,
                    **NO_CARD,
                },
                tag="statements",
                parameters=[CONVERSATION_QUERY, CARD_QUERY],
            )
        },
        "/me/statements/{statement_id}/link": {
            "post": op(
                "A signed download link valid for 10 minutes",
                {
                    "200": ("Link", obj({"url": STRING, "expires_in": INTEGER})),
                    **BAD,
                    **NOT_VERIFIED,
                    "404": ("No such statement", error("no_such_statement")),
                },
                tag="statements",
                parameters=[path("statement_id", INTEGER)],
                body=me_body({}, []),
            )
        },
        "/statements/download/{token}": {
            "get": op(
                "The statement as a PDF (opened by the customer's browser: no bearer token)",
                {
                    "200": ("PDF", {"type": "string", "format": "binary"}),
                    "404": ("Not a valid link", error("no_such_link")),
                    "410": ("The link expired", error("expired")),
                },
                tag="statements",
                parameters=[path("token", STRING)],
                public=True,
                content_type="application/pdf",
            )
        },
        "/me/payments": {
            "post": op(
                "Pay from the bank account on file today (completed) or by the due date (scheduled). Fresh.",
                {
                    "201": ("Paid or scheduled", PAYMENT),
                    "200": ("The same idempotency_key again: the first payment, nothing paid", PAYMENT),
                    **BAD,
                    **NOT_VERIFIED,
                    **FRESH_NEEDED,
                    **NO_CARD,
                    "422": ("Amount or date not allowed", error("invalid_amount", "invalid_date")),
                },
                tag="payments",
                body=me_body(
                    {
                        "card_last_four": LAST_FOUR,
                        "amount": AMOUNT_IN,
                        "pay_on": DATE,
                        "idempotency_key": {"type": "string", "minLength": 1, "maxLength": 128},
                    },
                    ["card_last_four", "amount", "pay_on", "idempotency_key"],
                ),
            ),
            "get": op(
                "Scheduled payments and those of the last 90 days",
                {"200": ("Payments", obj({"payments": array(PAYMENT)})), **BAD, **NOT_VERIFIED, **NO_CARD},
                tag="payments",
                parameters=[CONVERSATION_QUERY, CARD_QUERY],
            ),
        },
        "/me/autopay": {
            "get": op(
                "Autopay settings, one per card account",
                {"200": ("Settings", obj({"autopay": array(AUTOPAY)})), **BAD, **NOT_VERIFIED, **NO_CARD},
                tag="payments",
                parameters=[CONVERSATION_QUERY, CARD_QUERY],
            ),
            "put": op(
                "Enrol in autopay or change it. Fresh.",
                {
                    "200": ("The setting", AUTOPAY),
                    **BAD,
                    **NOT_VERIFIED,
                    **FRESH_NEEDED,
                    **NO_CARD,
                    "422": ("Fixed amount not above zero", error("invalid_amount")),
                },
                tag="payments",
                body=me_body(
                    {
                        "card_last_four": LAST_FOUR,
                        "amount_type": enum("statement_balance", "minimum_due", "fixed"),
                        "fixed_amount": AMOUNT_IN,
                    },
                    ["card_last_four", "amount_type"],
                ),
            ),
            "delete": op(
                "Cancel autopay. Fresh.",
                {
                    "200": ("The setting (enrolled false)", AUTOPAY),
                    **BAD,
                    **NOT_VERIFIED,
                    **FRESH_NEEDED,
                    **NO_CARD,
                },
                tag="payments",
                parameters=[CONVERSATION_QUERY, query("card", LAST_FOUR, True)],
            ),
        },
        "/me/cards/{last4}/activate": {
            "post": op(
                "Activate an inactive card (a replacement retires the card it replaces)",
                card_action,
                tag="cards",
                parameters=[path("last4", LAST_FOUR)],
                body=me_body({}, []),
            )
        },
        "/me/cards/{last4}/freeze": {
            "post": op(
                "Freeze an active card",
                card_action,
                tag="cards",
                parameters=[path("last4", LAST_FOUR)],
                body=me_body({}, []),
            )
        },
        "/me/cards/{last4}/unfreeze": {
            "post": op(
                "Unfreeze a frozen card (not one reported for fraud)",
                card_action,
                tag="cards",
                parameters=[path("last4", LAST_FOUR)],
                body=me_body({}, []),
            )
        },
        "/me/cards/{last4}/decline-check": {
            "get": op(
                "Why a purchase would be declined",
                {
                    "200": (
                        "Reason",
                        obj(
                            {
                                "card_last_four": LAST_FOUR,
                                "reason": enum(
                                    "replaced", "fraud_hold", "frozen", "inactive", "over_limit", "none"
                                ),
                                "available_credit": MONEY,
                                "currency": STRING,
                            }
                        ),
                    ),
                    **BAD,
                    **NOT_VERIFIED,
                    **NO_CARD,
                },
                tag="cards",
                parameters=[path("last4", LAST_FOUR), CONVERSATION_QUERY],
            )
        },
        "/me/fraud-reports": {
            "post": op(
                "Report fraud: freeze, fraud case and replacement in one transaction",
                {
                    "201": (
                        "Reported",
                        obj(
                            {
                                "reference": STRING,
                                "card_frozen": BOOLEAN,
                                "replacement": obj({"reference": STRING, "estimated_delivery": DATE}),
                            }
                        ),
                    ),
                    **BAD,
                    **NOT_VERIFIED,
                    "404": ("No such card or transaction", error("no_such_card", "no_such_transaction")),
                    "409": ("Card already replaced", error("wrong_status", status=STRING)),
                },
                tag="cases",
                body=me_body(
                    {"card_last_four": LAST_FOUR, "transaction_ids": array(INTEGER)},
                    ["card_last_four", "transaction_ids"],
                ),
            )
        },
        "/me/disputes": {
            "post": op(
                "Dispute a charge",
                {
                    "201": ("Opened", obj({"reference": STRING, "transaction": TRANSACTION})),
                    **BAD,
                    **NOT_VERIFIED,
                    "404": ("No such transaction", error("no_such_transaction")),
                    "409": (
                        "Already disputed, or a payment/credit",
                        error("already_disputed", "not_disputable"),
                    ),
                },
                tag="cases",
                body=me_body(
                    {
                        "transaction_id": INTEGER,
                        "reason": enum("not_received", "wrong_amount", "duplicate", "cancelled", "other"),
                    },
                    ["transaction_id", "reason"],
                ),
            )
        },
        "/me/replacements": {
            "post": op(
                "Replace a card: lost/stolen blocks it and issues a new number; damaged reissues the same",
                {
                    "201": (
                        "Ordered",
                        obj(
                            {
                                "reference": STRING,
                                "old_card_status": STRING,
                                "new_card_last_four": nullable(LAST_FOUR),
                                "estimated_delivery": DATE,
                            }
                        ),
                    ),
                    **BAD,
                    **NOT_VERIFIED,
                    **NO_CARD,
                    "409": ("Card already replaced", error("wrong_status", status=STRING)),
                },
                tag="cases",
                body=me_body(
                    {"card_last_four": LAST_FOUR, "reason": enum("lost", "stolen", "damaged")},
                    ["card_last_four", "reason"],
                ),
            )
        },
        "/me/rewards": {
            "get": op(
                "Points and redemption options",
                {
                    "200": (
                        "Rewards",
                        obj(
                            {
                                "program": STRING,
                                "points": INTEGER,
                                "options": array(
                                    obj(
                                        {
                                            "name": STRING,
                                            "points_needed": INTEGER,
                                            "value": MONEY,
                                            "currency": STRING,
                                        }
                                    )
                                ),
                            }
                        ),
                    ),
                    **BAD,
                    **NOT_VERIFIED,
                },
                tag="rewards",
                parameters=[CONVERSATION_QUERY],
            )
        },
        "/me/rewards/redemptions": {
            "post": op(
                "Redeem points (a multiple of the option's points_needed)",
                {
                    "201": (
                        "Redeemed",
                        obj(
                            {"reference": STRING, "points_left": INTEGER, "value": MONEY, "currency": STRING}
                        ),
                    ),
                    **BAD,
                    **NOT_VERIFIED,
                    "404": ("No such option", error("no_such_option")),
                    "422": ("Not enough points", error("not_enough_points", points_available=INTEGER)),
                },
                tag="rewards",
                body=me_body({"option": STRING, "points": INTEGER}, ["option", "points"]),
            )
        },
        "/me/alerts": {
            "get": op(
                "Alert settings",
                {"200": ("Alerts", ALERTS), **BAD, **NOT_VERIFIED},
                tag="profile",
                parameters=[CONVERSATION_QUERY],
            ),
            "put": op(
                "Change any subset of the alert settings",
                {"200": ("Alerts", ALERTS), **BAD, **NOT_VERIFIED},
                tag="profile",
                body=me_body(
                    {
                        "large_purchase_threshold": nullable(AMOUNT_IN),
                        "online_transactions": BOOLEAN,
                        "payment_due": BOOLEAN,
                        "balance_threshold": nullable(AMOUNT_IN),
                    },
                    [],
                ),
            ),
        },
        "/me/profile": {
            "get": op(
                "Contact details (email and phone masked)",
                {"200": ("Profile", PROFILE), **BAD, **NOT_VERIFIED},
                tag="profile",
                parameters=[CONVERSATION_QUERY],
            ),
            "patch": op(
                "Change email and/or mailing address; the old address is told. Fresh.",
                {
                    "200": ("Profile", PROFILE),
                    **BAD,
                    **NOT_VERIFIED,
                    **FRESH_NEEDED,
                    "422": (
                        "Phone sent, or not an email address",
                        error("phone_not_changeable", "invalid_email"),
                    ),
                },
                tag="profile",
                body=me_body({"email": STRING, "mailing_address": STRING}, []),
            ),
        },
        "/handoffs": {
            "post": op(
                "Hand the conversation to a person; estimated wait = position x 3 minutes. Outside "
                "agent hours (agents_available false) the case waits for a message (leave_message)",
                {
                    "201": ("Queued", HANDOFF_CUSTOMER_VIEW_OPENED),
                    **BAD,
                },
                tag="support",
                body=obj(
                    {
                        "conversation_id": CONVERSATION,
                        "topic": STRING,
                        "transcript": array(obj({"from": enum("customer", "assistant"), "text": STRING})),
                    },
                    ["conversation_id", "topic", "transcript"],
                ),
            ),
            "get": op(
                "Agents' queue, oldest first: redacted transcript, topic, waiting time",
                {"200": ("Handoffs", array(HANDOFF_AGENT_VIEW)), **BAD},
                tag="support",
                parameters=[
                    query(
                        "status",
                        STRING,
                        description="Comma-separated (default waiting,message_left,with_agent)",
                    )
                ],
            ),
        },
        "/handoffs/active": {
            "get": op(
                "The conversation's live handoff (waiting, leave_message, with_agent) and queue position",
                {"200": ("Live handoff", HANDOFF_CUSTOMER_VIEW), **BAD, **NO_HANDOFF},
                tag="support",
                parameters=[query("conversation_id", CONVERSATION, True)],
            )
        },
        "/handoffs/active/messages": {
            "post": op(
                "The customer's message into their live handoff (404: the assistant answers); outside "
                "hours the first one is kept for the team (message_left)",
                {
                    "201": ("Stored", obj({**HANDOFF_CUSTOMER_FIELDS, "message_id": INTEGER})),
                    **BAD,
                    **NO_HANDOFF,
                },
                tag="support",
                body=obj({"conversation_id": CONVERSATION, "text": STRING}, ["conversation_id", "text"]),
            )
        },
        "/handoffs/active/cancel": {
            "post": op(
                "The customer leaves the queue (waiting or leave_message): closed, back to the assistant",
                {
                    "200": ("Closed", HANDOFF_CUSTOMER_VIEW),
                    **BAD,
                    "404": ("Nothing waiting", error("nothing_waiting")),
                },
                tag="support",
                body=obj({"conversation_id": CONVERSATION}, ["conversation_id"]),
            )
        },
        "/handoffs/{reference}": {
            "get": op(
                "One handoff with its messages",
                {"200": ("Handoff", HANDOFF_AGENT_VIEW), **NO_SUCH_HANDOFF},
                tag="support",
                parameters=[REFERENCE],
            )
        },
        "/handoffs/{reference}/messages": {
            "get": op(
                "Messages after an ID (0 = all), oldest first",
                {
                    "200": (
                        "Messages",
                        obj(
                            {"status": STRING, "agent": nullable(STRING), "messages": array(HANDOFF_MESSAGE)}
                        ),
                    ),
                    **BAD,
                    **NO_SUCH_HANDOFF,
                },
                tag="support",
                parameters=[REFERENCE, query("after", INTEGER)],
            ),
            "post": op(
                "A line from the agent who has the case, or from the customer; stored redacted",
                {
                    "201": ("Stored", obj({**HANDOFF_MESSAGE["properties"], "conversation_id": STRING})),
                    **BAD,
                    **NO_SUCH_HANDOFF,
                    "409": ("Not this agent's, or not live", error("not_your_conversation", "not_live")),
                },
                tag="support",
                parameters=[REFERENCE],
                body=obj(
                    {"from": enum("agent", "customer"), "agent": STRING, "text": STRING}, ["from", "text"]
                ),
            ),
        },
        "/handoffs/{reference}/take": {
            "post": AGENT_ACTION("An agent takes the conversation", "not_takeable")
        },
        "/handoffs/{reference}/release": {
            "post": AGENT_ACTION(
                "Hand back to the assistant", "already_ended", "another_agent", "not_with_agent"
            )
        },
        "/handoffs/{reference}/close": {
            "post": AGENT_ACTION("Close the handoff", "already_ended", "another_agent")
        },
        "/demo/outbox": {
            "get": op(
                "Demo mode only: what was sent to a customer, oldest first",
                {
                    "200": (
                        "Messages",
                        array(
                            obj(
                                {
                                    "channel": enum("sms", "email"),
                                    "to": STRING,
                                    "text": STRING,
                                    "sent_at": INSTANT,
                                }
                            )
                        ),
                    ),
                    **BAD,
                },
                tag="demo",
                parameters=[query("user_id", STRING, True)],
                public=True,
            )
        },
        "/demo/agent-hours": {
            "post": op(
                "Demo mode only: agents always or never available, or as configured again",
                {"200": ("Switched", obj({"mode": STRING})), **BAD},
                tag="demo",
                body=obj({"mode": enum("always", "never", "configured")}, ["mode"]),
                public=True,
            )
        },
        "/demo/clock": {
            "post": op(
                "Demo mode only: move the service clock forward",
                {"200": ("The service's now", obj({"now": INSTANT})), **BAD},
                tag="demo",
                body=obj({"advance_seconds": {"type": "integer", "minimum": 0}}, ["advance_seconds"]),
                public=True,
            ),
            "delete": op(
                "Demo mode only: reset the service clock",
                {"200": ("The service's now", obj({"now": INSTANT}))},
                tag="demo",
                public=True,
            ),
        },
    }


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Account service",
            "version": "1.0.0",
            "description": "System of record and security boundary of the support assistant. "
            "See docs/account-service.md. Money is a string with two decimals plus a currency.",
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": _paths(),
    }

"""The Prometheus metrics every process exposes on `GET /metrics`, defined in one place.

Each process (each replica) keeps its own numbers in its own registry and Prometheus scrapes
every one; nothing is shared between processes. docs/operations.md lists the metrics and what
to alert on.

Labels hold only values from a fixed set: a route's pattern (`/customers/{user_id}`, never the
path asked for), a known method, a status code, a channel or outcome name from the lists below.
A raw path or a value a caller chose would make the number of series unbounded and would put
user IDs and conversation IDs into the metrics.

The HTTP adapters (common/metrics_aiohttp.py, common/metrics_sanic.py) time requests and serve
the exposition; `scrape_allowed` is their one check of the bearer token.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection, Sequence

from prometheus_client import (
    CONTENT_TYPE_PLAIN_0_0_4,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

# This project's registry, not prometheus_client's global one: what /metrics shows is exactly what
# is defined here (and the process's CPU, memory, file descriptors and garbage collection).
# No `*_created` series: they double the exposition and Prometheus does not need them.
disable_created_metrics()
REGISTRY = CollectorRegistry(auto_describe=True)
ProcessCollector(registry=REGISTRY)
PlatformCollector(registry=REGISTRY)
GCCollector(registry=REGISTRY)

# The classic text format, which every Prometheus version reads (what generate_latest writes).
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4

# --- every HTTP service ----------------------------------------------------------------------------
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# A request no route matched (404, 405): its path is not a label either.
UNMATCHED = "<unmatched>"

HTTP_REQUESTS = Counter(
    "http_requests",
    "HTTP requests answered, by route pattern, method and status.",
    ["service", "route", "method", "status"],
    registry=REGISTRY,
)
HTTP_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time from a request reaching the app to its answer, by route pattern.",
    ["service", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)
HTTP_ERRORS = Counter(
    "http_errors",
    "HTTP answers with a 5xx status (unhandled errors included), by route pattern.",
    ["service", "route"],
    registry=REGISTRY,
)

# --- the Rasa server -----------------------------------------------------------------------------
MESSAGE_OUTCOMES = ("handled", "failed", "not_ready")
# A channel name not among the server's configured channels (the REST channel lets the caller
# name one in its body).
OTHER_CHANNEL = "other"

RASA_MESSAGES = Counter(
    "rasa_messages",
    "Customer messages handled by the dialogue, by input channel and outcome "
    "(handled, failed: an error, not_ready: no model loaded).",
    ["channel", "outcome"],
    registry=REGISTRY,
)
RASA_MESSAGE_DURATION = Histogram(
    "rasa_message_duration_seconds",
    "Time to handle one customer message (lock wait, NLU, actions, tracker save), by input channel.",
    ["channel"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0),
    registry=REGISTRY,
)
RASA_LOCK_WAIT = Histogram(
    "rasa_lock_wait_seconds",
    "Time a message waited for its conversation's lock (another message of the same conversation "
    "being handled), by input channel.",
    ["channel"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)

# --- the action server ---------------------------------------------------------------------------
UNKNOWN_ACTION = "<unknown>"
ACTION_OUTCOMES = ("ran", "rejected", "not_found", "failed")

ACTION_RUNS = Counter(
    "action_runs",
    "Custom actions run, by action name and outcome (ran, rejected, not_found, failed).",
    ["action", "outcome"],
    registry=REGISTRY,
)
ACTION_DURATION = Histogram(
    "action_duration_seconds",
    "Time one custom action took (account-service calls included), by action name.",
    ["action"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0),
    registry=REGISTRY,
)

# --- the account service -------------------------------------------------------------------------
# The audited outcomes of a code request and of a code check (account_service/identity.py).
OTP_SEND_OUTCOMES = ("sent", "no_match", "customer_locked", "too_many_codes", "not_verified")
OTP_CHECK_OUTCOMES = (
    "verified",
    "wrong_code",
    "expired",
    "no_challenge",
    "conversation_locked",
    "session_gone",
)
OTP_PURPOSES = ("verify", "confirm")
OTHER = "other"

OTP_SENT = Counter(
    "otp_sent", "One-time codes sent, by purpose (verify, confirm).", ["purpose"], registry=REGISTRY
)
OTP_NOT_SENT = Counter(
    "otp_not_sent",
    "Code requests answered without sending a code, by reason "
    "(no_match, customer_locked, too_many_codes, not_verified).",
    ["reason"],
    registry=REGISTRY,
)
OTP_VERIFIED = Counter(
    "otp_verified", "Codes checked and right, by purpose (verify, confirm).", ["purpose"], registry=REGISTRY
)
OTP_FAILED = Counter(
    "otp_failed",
    "Code checks that failed, by reason "
    "(wrong_code, expired, no_challenge, conversation_locked, session_gone).",
    ["reason"],
    registry=REGISTRY,
)
HANDOFF_QUEUE = Gauge(
    "handoff_queue_length",
    "Live handoffs agents have to deal with, by status (waiting: for an agent; message_left: the "
    "customer left a message; with_agent: taken). Read from the database at scrape time.",
    ["status"],
    registry=REGISTRY,
)


# --- helpers ---------------------------------------------------------------------------------------
def method_label(method: str) -> str:
    """A method from the fixed set, or OTHER (aiohttp and Sanic accept any token as a method)."""
    upper = method.upper()
    return upper if upper in METHODS else OTHER


def observe_request(service: str, route: str, method: str, status: int, seconds: float) -> None:
    """One answered request. `route` must be a route pattern or UNMATCHED, never request.path."""
    # int(): a framework may hand over an HTTPStatus, whose str() is its name (Rasa does).
    HTTP_REQUESTS.labels(service, route, method_label(method), str(int(status))).inc()
    HTTP_DURATION.labels(service, route).observe(seconds)
    if status >= 500:
        HTTP_ERRORS.labels(service, route).inc()


def one_of(value: object, allowed: Collection[str], other: str = OTHER) -> str:
    """`value` when it is one of `allowed`, else `other`: a label never takes a caller's value."""
    return value if isinstance(value, str) and value in allowed else other


def count_otp(action: str, outcome: str, purpose: object = None) -> None:
    """Counts an audited identity outcome (account_service/audit.py calls it for each entry);
    other audited actions are not counted here."""
    if action == "code_sent":
        if outcome == "sent":
            OTP_SENT.labels(one_of(purpose, OTP_PURPOSES)).inc()
        else:
            OTP_NOT_SENT.labels(one_of(outcome, OTP_SEND_OUTCOMES)).inc()
    elif action == "code_checked":
        if outcome == "verified":
            OTP_VERIFIED.labels(one_of(purpose, OTP_PURPOSES)).inc()
        else:
            OTP_FAILED.labels(one_of(outcome, OTP_CHECK_OUTCOMES)).inc()


def gauge(name: str, documentation: str, labels: Sequence[str] = ()) -> Gauge:
    """A gauge on this project's registry, made once: asking again for the same name returns the
    same gauge (an app factory may run more than once in a process, as in tests).

        EVENTS_BUFFERED = metrics.gauge("event_broker_buffered_events", "Events waiting to be sent.")
        EVENTS_BUFFERED.set(len(buffer))                      # on change, or
        EVENTS_BUFFERED.set_function(lambda: len(buffer))     # read at every scrape

    Labels follow the rule above: values from a fixed set only."""
    existing = _GAUGES.get(name)
    if existing is not None:
        if tuple(labels) != existing[1]:
            raise ValueError(f"gauge {name} already exists with labels {existing[1]}")
        return existing[0]
    made = Gauge(name, documentation, list(labels), registry=REGISTRY)
    _GAUGES[name] = (made, tuple(labels))
    return made


_GAUGES: dict[str, tuple[Gauge, tuple[str, ...]]] = {}


# --- the endpoint ----------------------------------------------------------------------------------
def scrape_allowed(authorization: str | None, token: str) -> bool:
    """Whether an Authorization header is `Bearer <METRICS_TOKEN>` (compared in constant time).
    With no token configured nothing is allowed: the adapters do not even add the route then."""
    if not token or not authorization:
        return False
    scheme, _, given = authorization.partition(" ")
    right = hmac.compare_digest(given.strip().encode(), token.encode())
    return right and scheme.lower() == "bearer"


def exposition() -> bytes:
    """Every metric of this process in Prometheus' text format."""
    return generate_latest(REGISTRY)

"""Locust load test: simulated customers holding whole conversations with the assistant through
the REST channel ({host}/webhooks/rest/webhook), every turn checked (conversation.py).

Run it through scripts/load_test.py (it adds the summary), or by hand from the repository root
with the tools venv:

    .venv-tools/bin/locust -f tests/load/locustfile.py --host http://localhost:5005 \\
        --service-url http://localhost:8081 --headless -u 4 -r 2 -t 30s

The Rasa server and the account service must run in demo mode (the REST channel, the demo
customers, the outbox). One Locust process only: the demo customers are shared in memory
(demo_customers.py). Limits to raise for long or wide runs: tests/load/README.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from locust import HttpUser, between, events
from locust.runners import MasterRunner, WorkerRunner

from tests.load.conversation import Conversation, ConversationFailed
from tests.load.demo_customers import CardDesk, CodeDesk
from tests.load.scenarios import FALLBACK, SCENARIOS, Desks, Scenario
from tests.load.tally import Tally

TALLY = Tally()
DESKS: Desks | None = None


@events.init_command_line_parser.add_listener
def _arguments(parser: Any) -> None:
    group = parser.add_argument_group("conversations (tests/load)")
    group.add_argument(
        "--service-url", default="http://localhost:8081", help="the account service (demo outbox)"
    )
    group.add_argument(
        "--codes-per-customer",
        type=int,
        default=3,
        help="the service's IDENTITY_CODES_PER_CUSTOMER: codes per demo customer in 15 minutes",
    )
    group.add_argument(
        "--think-time", type=float, default=1.0, help="at most this many seconds between turns"
    )
    group.add_argument(
        "--code-wait", type=float, default=10.0, help="seconds to wait for a code in the outbox"
    )
    group.add_argument("--tally-out", default="results/load/tally.json", help="where the run's tally goes")


@events.init.add_listener
def _set_up(environment: Any, **_: Any) -> None:
    if isinstance(environment.runner, MasterRunner | WorkerRunner):
        raise SystemExit("run the load test in one Locust process: the demo customers are shared in memory")
    options = environment.parsed_options
    global DESKS
    DESKS = Desks(
        codes=CodeDesk(
            options.service_url, codes_per_customer=options.codes_per_customer, wait_s=options.code_wait
        ),
        cards=CardDesk(),
    )


def _figures(entry: Any) -> dict[str, Any]:
    return {
        "count": entry.num_requests,
        "failures": entry.num_failures,
        "per_s": round(entry.total_rps, 3),
        "p50_ms": entry.get_response_time_percentile(0.50),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "average_ms": round(entry.avg_response_time, 1),
        "max_ms": round(entry.max_response_time or 0, 1),
    }


@events.quitting.add_listener
def _write_tally(environment: Any, **_: Any) -> None:
    """The tally with Locust's final request statistics: every user has stopped by now, whereas
    the CSV files are rewritten once a second and may miss the last answers."""
    stats = environment.stats
    TALLY.requests = {
        "total": _figures(stats.total),
        "steps": {
            entry.name: _figures(entry) for entry in sorted(stats.entries.values(), key=lambda e: e.name)
        },
    }
    TALLY.write(Path(environment.parsed_options.tally_out))


def _task(scenario: Scenario) -> Any:
    def converse(user: ChatCustomer) -> None:
        user.converse(scenario)

    converse.__name__ = scenario.name.replace(" ", "_")
    return converse


class ChatCustomer(HttpUser):
    """One customer after another: each task is a whole new conversation."""

    wait_time = between(0.5, 2.0)
    tasks = {_task(scenario): scenario.weight for scenario in SCENARIOS}

    def converse(self, scenario: Scenario) -> None:
        assert DESKS is not None
        customer = None
        if scenario.needs_identity:
            customer = DESKS.codes.take()
            if customer is None:
                # Every demo customer has had the codes the service allows in 15 minutes.
                TALLY.outcomes[f"{scenario.name} ran as {FALLBACK.name}: no code allowed yet"] += 1
                scenario = FALLBACK
        conversation = Conversation(
            self.client, scenario.name, TALLY, self.environment.parsed_options.think_time
        )
        TALLY.started[scenario.name] += 1
        try:
            scenario.run(conversation, DESKS, customer)
        except ConversationFailed:
            TALLY.failed[scenario.name] += 1
        else:
            TALLY.completed[scenario.name] += 1

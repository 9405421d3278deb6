"""Runs the Locust load test (tests/load) headless against a running assistant and summarises it.

    .venv-tools/bin/python scripts/load_test.py --rasa-url http://localhost:5005 \\
        --service-url http://localhost:8081 --users 20 --spawn-rate 5 --time 120s --plot

Simulated customers hold whole conversations through the REST channel (FAQ questions, the
identity check with a code from the demo outbox, balance, a bill payment, freezing and unfreezing
a card, a handoff), every turn checked. Locust writes its CSV files (<out>/locust_*.csv), the
locustfile its tally with Locust's final statistics (<out>/tally.json); they become
<out>/summary.json: messages and messages per second, latency p50/p95/p99 (ms), errors by cause,
conversations started/completed/failed, exactly-once violations by kind. With --plot,
scripts/plot_load.py (matplotlib, in the main .venv) draws <out>/load.png.

Exit status: 0 when the run stayed within the thresholds (--max-error-rate, --max-violations)
and completed at least one conversation, 1 when it did not, 2 when it could not run at all.

Standard library only (no Rasa imports): it runs with the tools venv's Python 3.11, where Locust
is; `run_load_test` is the function for other scripts (make bench).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
LOCUSTFILE = REPO_ROOT / "tests" / "load" / "locustfile.py"
TOOLS_LOCUST = REPO_ROOT / ".venv-tools" / "bin" / "locust"
MAIN_PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
DEFAULT_OUT = REPO_ROOT / "results" / "load"
CSV_PREFIX = "locust"


class CannotRun(Exception):
    """The load test could not start or left no statistics."""


@dataclass
class LoadTestConfig:
    rasa_url: str
    service_url: str
    users: int = 4
    spawn_rate: float = 2.0
    run_time: str = "30s"  # Locust's -t: 30s, 2m, 1h30m
    out: Path = DEFAULT_OUT
    # The service's IDENTITY_CODES_PER_CUSTOMER (3 unless the stack was started with more).
    codes_per_customer: int = 3
    think_time_s: float = 1.0  # at most this long between a customer's turns
    # Seconds Locust lets a conversation in progress finish when the time is up.
    stop_timeout_s: int = 30
    # Moves the demo service clock on first (POST /demo/clock), so that the limits' windows
    # (codes: 15 minutes, handoffs per address: 1 hour) hold nothing of earlier tests.
    advance_demo_clock_s: int = 0
    # One unmeasured conversation first: the model's first answers take seconds (TensorFlow builds
    # its graphs), which is start-up, not load; see warm_up.
    warm_up: bool = True
    max_error_rate: float = 0.0  # errors / messages
    max_violations: int = 0
    locust: Path = TOOLS_LOCUST
    extra_args: list[str] = field(default_factory=list)


# --- before the run ---------------------------------------------------------------------------------
def _http(method: str, url: str, body: dict | None = None, timeout_s: float = 10) -> bytes:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310 (our own URLs)
        return response.read()


def check_servers(config: LoadTestConfig) -> None:
    for name, url in (("Rasa server", config.rasa_url), ("account service", f"{config.service_url}/health")):
        try:
            _http("GET", url)
        except (urllib.error.URLError, OSError) as error:
            raise CannotRun(f"the {name} does not answer at {url}: {error}") from None
    try:
        _http("GET", f"{config.service_url}/demo/outbox?user_id=alex.morgan")
    except (urllib.error.URLError, OSError):
        raise CannotRun("the account service has no demo outbox: start it with DEMO_MODE=1") from None


WARM_UP_MESSAGES = ("hi", "what's my balance?", "stop", "how do I register for online access?")


def warm_up(config: LoadTestConfig) -> None:
    """One conversation, unmeasured and unchecked, through NLU, an action and the service. The
    model's first parses take seconds (TensorFlow builds its graphs) and block Rasa meanwhile: that
    is start-up, which `make bench` measures on its own, not what a load run measures. (In one cold
    start an action call made during that time failed: Rasa could not write its body to the action
    server, so the customer got "didn't catch that". --no-warm-up shows such start-up effects.)"""
    sender = f"load-warm-up-{int(time.time())}"
    for message in WARM_UP_MESSAGES:
        try:
            _http(
                "POST",
                f"{config.rasa_url}/webhooks/rest/webhook",
                {"sender": sender, "message": message},
                120,
            )
        except (urllib.error.URLError, OSError) as error:
            print(f"warm-up message failed ({error}); going on", file=sys.stderr)


def locust_command(config: LoadTestConfig) -> list[str]:
    prefix = config.out / CSV_PREFIX
    return [
        str(config.locust),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--only-summary",
        "-u",
        str(config.users),
        "-r",
        str(config.spawn_rate),
        "-t",
        config.run_time,
        "--stop-timeout",
        str(config.stop_timeout_s),
        "--host",
        config.rasa_url.rstrip("/"),
        "--service-url",
        config.service_url.rstrip("/"),
        "--codes-per-customer",
        str(config.codes_per_customer),
        "--think-time",
        str(config.think_time_s),
        "--tally-out",
        str(config.out / "tally.json"),
        "--csv",
        str(prefix),
        "--loglevel",
        "WARNING",
        *config.extra_args,
    ]


# --- after the run ----------------------------------------------------------------------------------
def read_tally(path: Path) -> dict[str, Any]:
    """The locustfile's tally: conversations, errors, violations, and Locust's final request
    statistics (written when Locust quits, after every user stopped)."""
    if not path.exists():
        raise CannotRun(f"the locustfile wrote no tally ({path} is missing): it did not start or was killed")
    tally = json.loads(path.read_text(encoding="utf-8"))
    if not tally.get("requests"):
        raise CannotRun(f"{path} has no request statistics")
    return tally


def summarise(config: LoadTestConfig, wall_s: float, exit_code: int, started_at: str) -> dict[str, Any]:
    tally = read_tally(config.out / "tally.json")
    total = tally["requests"]["total"]
    messages, failed_messages = total["count"], total["failures"]
    turn_errors, conversation_errors = tally["turn_errors"], tally["conversation_errors"]
    # Every failed turn is a Locust failure; failures outside a turn are counted by the tally only.
    errors = max(failed_messages, sum(turn_errors.values())) + sum(conversation_errors.values())
    violations = tally["exactly_once_violations"]
    summary: dict[str, Any] = {
        "run": {
            "started_at": started_at,
            "rasa_url": config.rasa_url,
            "service_url": config.service_url,
            "users": config.users,
            "spawn_rate": config.spawn_rate,
            "run_time": config.run_time,
            "think_time_s": config.think_time_s,
            "codes_per_customer": config.codes_per_customer,
            "wall_s": round(wall_s, 1),
            "locust_exit_code": exit_code,
        },
        "messages": {"count": messages, "failed": failed_messages, "per_s": round(total["per_s"], 2)},
        "latency_ms": {key: total[f"{key}_ms"] for key in ("p50", "p95", "p99", "average", "max")},
        "conversations": tally["conversations"],
        "errors": {
            "total": errors,
            "rate": round(errors / messages, 4) if messages else 0.0,
            "failed_messages": failed_messages,
            "turn_errors": turn_errors,
            "conversation_errors": conversation_errors,
        },
        "exactly_once_violations": {"total": sum(violations.values()), "by_kind": violations},
        "outcomes": tally["outcomes"],
        "steps": tally["requests"]["steps"],
        "files": {
            "csv": str(config.out / f"{CSV_PREFIX}_stats.csv"),
            "history_csv": str(config.out / f"{CSV_PREFIX}_stats_history.csv"),
            "log": str(config.out / "locust.log"),
        },
    }
    problems = judge(summary, config)
    summary["thresholds"] = {"max_error_rate": config.max_error_rate, "max_violations": config.max_violations}
    summary["passed"] = not problems
    summary["problems"] = problems
    return summary


def judge(summary: dict[str, Any], config: LoadTestConfig) -> list[str]:
    """What makes the run a failure, in words; empty when it passed."""
    problems = []
    if summary["errors"]["rate"] > config.max_error_rate:
        problems.append(
            f"{summary['errors']['total']} errors in {summary['messages']['count']} messages "
            f"(rate {summary['errors']['rate']} > {config.max_error_rate})"
        )
    violations = summary["exactly_once_violations"]["total"]
    if violations > config.max_violations:
        problems.append(f"{violations} exactly-once violations (> {config.max_violations})")
    if not summary["conversations"].get("completed"):
        problems.append("no conversation completed")
    return problems


# --- the run ---------------------------------------------------------------------------------------
def run_load_test(config: LoadTestConfig) -> dict[str, Any]:
    """Runs Locust as configured and returns the summary (also written to <out>/summary.json).
    Raises CannotRun when the servers are not there or Locust left no statistics."""
    if not config.locust.exists():
        raise CannotRun(f"{config.locust} is missing: make .venv-tools/.installed builds it")
    check_servers(config)
    config.out.mkdir(parents=True, exist_ok=True)
    for stale in (*config.out.glob(f"{CSV_PREFIX}_*.csv"), config.out / "tally.json"):
        stale.unlink(missing_ok=True)
    if config.advance_demo_clock_s:
        _http("POST", f"{config.service_url}/demo/clock", {"advance_seconds": config.advance_demo_clock_s})
    if config.warm_up:
        warm_up(config)
    started_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    log = config.out / "locust.log"
    began = time.monotonic()
    with log.open("w", encoding="utf-8") as output:
        finished = subprocess.run(
            locust_command(config),
            cwd=REPO_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            check=False,
        )
    wall_s = time.monotonic() - began
    if finished.returncode not in (0, 1):  # 1: the run had failures, which the summary counts
        raise CannotRun(f"Locust exited with {finished.returncode}; see {log}:\n{log.read_text()[-2000:]}")
    summary = summarise(config, wall_s, finished.returncode, started_at)
    (config.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def plot(out: Path) -> None:
    """The plots, drawn by the main venv's Python, which has matplotlib."""
    if not MAIN_PYTHON.exists():
        print(f"no plots: {MAIN_PYTHON} is missing", file=sys.stderr)
        return
    subprocess.run(
        [str(MAIN_PYTHON), str(REPO_ROOT / "scripts" / "plot_load.py"), "--out", str(out)], check=True
    )


def describe(summary: dict[str, Any]) -> str:
    latency, conversations = summary["latency_ms"], summary["conversations"]
    return (
        f"{summary['messages']['count']} messages, {summary['messages']['per_s']} msg/s; "
        f"latency p50 {latency['p50']} ms, p95 {latency['p95']} ms, p99 {latency['p99']} ms; "
        f"conversations {conversations.get('completed', 0)} completed, "
        f"{conversations.get('failed', 0)} failed, {conversations.get('interrupted', 0)} interrupted; "
        f"errors {summary['errors']['total']}; "
        f"exactly-once violations {summary['exactly_once_violations']['total']}"
    )


def parse_args(argv: list[str] | None) -> tuple[LoadTestConfig, bool]:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rasa-url", default="http://localhost:5005")
    parser.add_argument("--service-url", default="http://localhost:8081")
    parser.add_argument("--users", "-u", type=int, default=4)
    parser.add_argument("--spawn-rate", "-r", type=float, default=2.0)
    parser.add_argument("--time", "-t", dest="run_time", default="30s", help="30s, 2m, …")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--codes-per-customer", type=int, default=3, help="the service's IDENTITY_CODES_PER_CUSTOMER"
    )
    parser.add_argument(
        "--think-time", type=float, default=1.0, help="at most this many seconds between turns"
    )
    parser.add_argument(
        "--stop-timeout", type=int, default=30, help="seconds to finish conversations at the end"
    )
    parser.add_argument(
        "--advance-demo-clock",
        type=int,
        default=0,
        metavar="SECONDS",
        help="move the demo service clock on first",
    )
    parser.add_argument("--no-warm-up", action="store_true", help="measure from a cold start")
    parser.add_argument("--max-error-rate", type=float, default=0.0)
    parser.add_argument("--max-violations", type=int, default=0)
    parser.add_argument("--locust", type=Path, default=TOOLS_LOCUST)
    parser.add_argument(
        "--plot", action="store_true", help="draw <out>/load.png (needs .venv with matplotlib)"
    )
    args = parser.parse_args(argv)
    config = LoadTestConfig(
        rasa_url=args.rasa_url.rstrip("/"),
        service_url=args.service_url.rstrip("/"),
        users=args.users,
        spawn_rate=args.spawn_rate,
        run_time=args.run_time,
        out=args.out,
        codes_per_customer=args.codes_per_customer,
        think_time_s=args.think_time,
        stop_timeout_s=args.stop_timeout,
        advance_demo_clock_s=args.advance_demo_clock,
        warm_up=not args.no_warm_up,
        max_error_rate=args.max_error_rate,
        max_violations=args.max_violations,
        locust=args.locust,
    )
    return config, args.plot


def main(argv: list[str] | None = None) -> int:
    config, want_plot = parse_args(argv)
    try:
        summary = run_load_test(config)
    except CannotRun as error:
        print(f"load test not run: {error}", file=sys.stderr)
        return 2
    if want_plot:
        plot(config.out)
    print(describe(summary))
    print(f"summary: {config.out / 'summary.json'}")
    for problem in summary["problems"]:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 0 if summary["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())

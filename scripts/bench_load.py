"""The load part of `make bench`: the Locust conversations (tests/load) against `make run` (one
replica of each part, SQLite) and against `make cluster` (two of each, PostgreSQL, Redis,
RabbitMQ, HAProxy), one after the other on this machine; a table, the plots and a model of N
replicas on N machines appended to docs/benchmarks.md.

    .venv/bin/python scripts/bench_load.py [--users 20] [--time 90s]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
TOOLS_PYTHON = REPO / ".venv-tools" / "bin" / "python"
RESULTS = REPO / "results" / "load"
SECTION = "\n## Load: whole conversations, one replica and the cluster\n"
# Raised for the run only: every simulated customer shares the two demo customers.
LOAD_LIMITS = {"IDENTITY_CODES_PER_CUSTOMER": "100000", "IDENTITY_ATTEMPTS_PER_CLIENT": "100000"}


def wait_ready(ready: Callable[[], bool], process: subprocess.Popen[bytes], timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the services stopped before they were ready")
        if ready():
            return
        time.sleep(2)
    raise RuntimeError(f"not ready in {timeout_s:.0f} s")


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def start(profile: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **LOAD_LIMITS}
    log = (RESULTS / f"{profile}-services.log").open("wb")
    ready_file = RESULTS / "cluster.ready"
    ready_file.unlink(missing_ok=True)
    if profile == "single":
        # run_services.sh starts the website last, once the others answer.
        command = ["bash", "scripts/run_services.sh"]
        ready: Callable[[], bool] = lambda: answers("http://127.0.0.1:8080/health")  # noqa: E731
    else:
        command = [
            str(REPO / ".venv" / "bin" / "python"),
            "-m",
            "scripts.cluster",
            "--ready-file",
            str(ready_file),
        ]
        ready = ready_file.exists
    process = subprocess.Popen(
        command, cwd=REPO, env=environment, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    wait_ready(ready, process, 600)
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def load(profile: str, users: int, run_time: str) -> dict:
    out = RESULTS / profile
    out.mkdir(parents=True, exist_ok=True)
    command = [
        str(TOOLS_PYTHON),
        "scripts/load_test.py",
        *("--rasa-url", "http://127.0.0.1:5005", "--service-url", "http://127.0.0.1:8081"),
        *("--users", str(users), "--spawn-rate", "5", "--time", run_time, "--out", str(out)),
        *("--codes-per-customer", LOAD_LIMITS["IDENTITY_CODES_PER_CUSTOMER"], "--advance-demo-clock", "3660"),
        "--plot",
    ]
    subprocess.run(command, cwd=REPO, check=False)
    # The plot goes next to the table (results/ is not kept).
    if (out / "load.png").exists():
        shutil.copyfile(out / "load.png", REPO / "docs" / f"benchmarks-load-{profile}.png")
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def row(name: str, summary: dict) -> str:
    latency = summary["latency_ms"]
    conversations = summary["conversations"]
    return (
        f"| {name} | {summary['messages']['count']} | {summary['messages']['per_s']:.2f} | "
        f"{latency['p50']:.0f} | {latency['p95']:.0f} | {latency['p99']:.0f} | "
        f"{summary['errors']['total']} | "
        f"{summary['exactly_once_violations']['total']} | {conversations['completed']} |"
    )


def reading(single: dict, cluster: dict, gain: float) -> list[str]:
    if gain >= 1.2:
        return [
            f"Two replicas on these 2 cores served {gain:.2f}x the messages of one: a Rasa process",
            "does most of its work on one core (one asyncio thread), so a second replica uses the",
            "second core, even with PostgreSQL, Redis, RabbitMQ and the balancer on the same cores.",
        ]
    p50_cluster, p50_single = cluster["latency_ms"]["p50"], single["latency_ms"]["p50"]
    latency = (
        f"servers. The cluster's lower latency (p50 {p50_cluster} ms against {p50_single} ms) shows the"
        " room it had left."
        if p50_cluster < 0.9 * p50_single
        else f"servers (p50 {p50_cluster} ms on the cluster, {p50_single} ms on one replica)."
    )
    return [
        f"Both served about the same number of messages ({gain:.2f}x): at this load the simulated",
        "customers' own pace sets the rate (a second of thought between messages, and one identity",
        "check at a time per demo customer, since the code is read from the shared outbox), not the",
        latency,
    ]


def capacity_model(ceiling: float | None) -> list[str]:
    """What N machines would serve, from one replica's ceiling (the 20-client row of the table
    above, measured by scripts/bench.py just before)."""
    if ceiling is None:
        return []
    return [
        "",
        f"One replica's ceiling is the 20-client row of the first table: about {ceiling:.1f} msg/s",
        f"on 2 cores. On N machines of this kind with one replica each, about {ceiling:.1f} × N msg/s",
        "(a customer sends about one message every 10-20 s: some "
        f"{ceiling * 10:.0f}-{ceiling * 20:.0f} concurrent conversations per replica). Rasa is the",
        "limit by far (NLU and the policies for every message). A model, not measured here: the",
        "next limit is the account service's PostgreSQL (a few indexed reads and writes per account",
        "turn, so hundreds of turns a second per database core before it saturates), then Redis",
        "(three or four small commands per message, against tens of thousands a second).",
    ]


def measured_ceiling(benchmarks: str) -> float | None:
    """Our messages per second at 20 clients, from the table scripts/bench.py wrote."""
    for line in benchmarks.splitlines():
        if line.startswith("| messages per second, 20 clients |"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            try:
                return float(cells[2])
            except (IndexError, ValueError):
                return None
    return None


def section(single: dict, cluster: dict, users: int, run_time: str, ceiling: float | None = None) -> str:
    per_replica = single["messages"]["per_s"]
    gain = cluster["messages"]["per_s"] / per_replica if per_replica else 0.0
    lines = [
        SECTION,
        f"{users} simulated customers for {run_time} each (scripts/load_test.py: FAQ, the identity",
        "check with the code from the demo outbox, balance, a payment, freeze and unfreeze, a handoff;",
        "every reply checked for its kind and for arriving exactly once and in order), first against",
        "`make run`,",
        "then against `make cluster`, on the same 2 cores.",
        "",
        "| profile | messages | msg/s | p50 (ms) | p95 (ms) | p99 (ms) | errors | "
        "exactly-once violations | conversations |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("`make run` (1 replica, SQLite)", single),
        row("`make cluster` (2 replicas, PostgreSQL, Redis, RabbitMQ)", cluster),
        "",
        "![one replica](benchmarks-load-single.png) ![cluster](benchmarks-load-cluster.png)",
        "",
        *reading(single, cluster, gain),
        *capacity_model(ceiling),
    ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--time", default="90s")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    parser.add_argument("--reuse", action="store_true", help="keep a profile's results/load summary")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    summaries = {}
    for profile in ("single", "cluster"):
        kept = RESULTS / profile / "summary.json"
        if args.reuse and kept.exists():
            summaries[profile] = json.loads(kept.read_text(encoding="utf-8"))
            continue
        process = start(profile)
        try:
            summaries[profile] = load(profile, args.users, args.time)
        finally:
            stop(process)
    text = args.out.read_text(encoding="utf-8") if args.out.exists() else "# Benchmarks\n"
    text = text.split(SECTION)[0].rstrip("\n") + "\n"
    ceiling = measured_ceiling(text)
    written = section(summaries["single"], summaries["cluster"], args.users, args.time, ceiling)
    args.out.write_text(text + written)
    print(written)
    return 0


if __name__ == "__main__":
    sys.exit(main())

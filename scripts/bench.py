"""Benchmarks this assistant against a stock `rasa init` assistant on the same machine.

Trains both from scratch, serves both, and measures start-up time, resident memory and REST
reply latency for 1 client and for 20 concurrent clients. Prints the table and writes it,
with the machine and date, to docs/benchmarks.md. Only localhost is ever contacted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import aiohttp

REPO_ROOT = Path(__file__).resolve().parent.parent
RASA = str(Path(sys.executable).parent / "rasa")
MESSAGES = [
    "hi",
    "I forgot my password",
    "how do I register for online access",
    "my account is locked",
    "what's my balance",
    "how can I pay my bill",
    "I lost my card",
    "there's a charge I don't recognise",
    "thanks",
    "bye",
]


@dataclass
class Result:
    name: str
    train_s: float = 0.0
    startup_s: float = 0.0
    rss_mb: float = 0.0
    latency_1: list[float] = field(default_factory=list)
    latency_20: list[float] = field(default_factory=list)
    throughput_20: float = 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total_kb = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
    return total_kb / 1024


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


def timed_run(command: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(
        command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    return time.monotonic() - started


def wait_for(url: str, timeout_s: float) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout_s} s")


async def chat(
    session: aiohttp.ClientSession, url: str, sender: str, rounds: int, start: int = 0
) -> list[float]:
    latencies = []
    for index in range(start, start + rounds):
        started = time.monotonic()
        async with session.post(
            url, json={"sender": sender, "message": MESSAGES[index % len(MESSAGES)]}
        ) as reply:
            await reply.read()
            reply.raise_for_status()
        latencies.append(time.monotonic() - started)
    return latencies


async def timed_clients(
    url: str, senders: list[str], rounds: int, start: int = 0
) -> tuple[list[float], float]:
    """Each sender sends `rounds` messages in turn, all senders at once: (latencies, seconds)."""
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        started = time.monotonic()
        per_client = await asyncio.gather(*(chat(session, url, sender, rounds, start) for sender in senders))
        elapsed = time.monotonic() - started
    return [value for client in per_client for value in client], elapsed


def measure_side_by_side(stock: Served, ours: Served) -> None:
    """Both assistants serve at once and take turns, chunk by chunk: a change in the host's speed
    during the run (these machines are shared) falls on both alike, not on whichever ran second.
    1 client: one conversation of 100 messages each, in 10 chunks of 10. 20 clients: two chunks of
    10 messages per client each, every client a conversation of its own."""
    for served in (stock, ours):
        asyncio.run(timed_clients(served.url, ["warm-up"], len(MESSAGES)))
    for chunk in range(10):
        for served in (stock, ours):
            latencies, _ = asyncio.run(timed_clients(served.url, ["bench-1"], 10, start=chunk * 10))
            served.result.latency_1 += latencies
    elapsed = {id(stock): 0.0, id(ours): 0.0}
    for chunk in range(2):
        for served in (stock, ours):
            senders = [f"bench-20-{n}" for n in range(20)]
            latencies, seconds = asyncio.run(timed_clients(served.url, senders, 10, start=chunk * 10))
            served.result.latency_20 += latencies
            elapsed[id(served)] += seconds
    for served in (stock, ours):
        served.result.throughput_20 = len(served.result.latency_20) / elapsed[id(served)]


@contextmanager
def running(command: list[str], cwd: Path, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """A quiet server process, stopped when the block ends."""
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


@dataclass
class Served:
    result: Result
    url: str
    pids: list[int]


@contextmanager
def serving(
    result: Result, project: Path, command: list[str], env: dict[str, str], port: int
) -> Iterator[Served]:
    """Starts the server and times it until it answers GET / (Rasa answers only once the model is
    loaded); serves while the block runs."""
    started = time.monotonic()
    with running(command, project, env) as server:
        wait_for(f"http://127.0.0.1:{port}/", 300)
        result.startup_s = time.monotonic() - started
        yield Served(result, f"http://127.0.0.1:{port}/webhooks/rest/webhook", [server.pid])


@contextmanager
def stock_assistant(workdir: Path, env: dict[str, str]) -> Iterator[Served]:
    result = Result("stock `rasa init`")
    project = workdir / "stock"
    project.mkdir()
    subprocess.run(
        [RASA, "init", "--no-prompt", "--init-dir", str(project)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    result.train_s = timed_run([RASA, "train", "--force", "--out", "bench-models"], project, env)
    port = free_port()
    # Only the REST channel and `GET /` are measured: the HTTP API stays off (no token-less API).
    command = [RASA, "run", "--model", str(project / "bench-models"), "--port", str(port)]
    with serving(result, project, [*command, "--interface", "127.0.0.1"], env, port) as served:
        yield served


@contextmanager
def our_assistant(workdir: Path, env: dict[str, str]) -> Iterator[Served]:
    result = Result("this assistant")
    models = workdir / "ours-models"
    result.train_s = timed_run(
        [
            RASA,
            "train",
            "--domain",
            "domain",
            "--data",
            "data",
            "--config",
            "config.yml",
            "--out",
            str(models),
            "--force",
        ],
        REPO_ROOT,
        env,
    )
    action_port, service_port = free_port(), free_port()
    env = {
        **env,
        "ACCOUNT_DB_URL": f"sqlite+aiosqlite:///{workdir / 'account.db'}",
        "ACCOUNT_SERVICE_PORT": str(service_port),
        "ACCOUNT_SERVICE_URL": f"http://127.0.0.1:{service_port}",
        "DEMO_MODE": "1",
    }
    service_command = [sys.executable, "-m", "account_service"]
    command = [sys.executable, "-m", "actions.server", "--port", str(action_port)]
    with running(service_command, REPO_ROOT, env) as service, running(command, REPO_ROOT, env) as actions:
        wait_for(f"http://127.0.0.1:{service_port}/health", 60)
        wait_for(f"http://127.0.0.1:{action_port}/health", 60)
        rasa_port = free_port()
        served_env = {
            **env,
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
            "TRACKER_DB": str(workdir / "tracker.db"),
            "RASA_HOST": "127.0.0.1",
            "RASA_PORT": str(rasa_port),
            "RASA_MODEL": str(models),
        }
        # As `make run` serves it: our launcher (settings checked, API behind a JWT, limits on).
        launcher = [sys.executable, "-m", "rasa_server"]
        with serving(result, REPO_ROOT, launcher, served_env, rasa_port) as served:
            served.pids += [actions.pid, service.pid]
            yield served


def table(stock: Result, ours: Result) -> str:
    rows = [
        ("full training (s)", stock.train_s, ours.train_s),
        ("start-up until serving (s)", stock.startup_s, ours.startup_s),
        ("resident memory (MB)", stock.rss_mb, ours.rss_mb),
        ("latency p50, 1 client (ms)", percentile(stock.latency_1, 0.5), percentile(ours.latency_1, 0.5)),
        ("latency p95, 1 client (ms)", percentile(stock.latency_1, 0.95), percentile(ours.latency_1, 0.95)),
        ("latency p50, 20 clients (ms)", percentile(stock.latency_20, 0.5), percentile(ours.latency_20, 0.5)),
        (
            "latency p95, 20 clients (ms)",
            percentile(stock.latency_20, 0.95),
            percentile(ours.latency_20, 0.95),
        ),
        ("messages per second, 20 clients", stock.throughput_20, ours.throughput_20),
    ]
    lines = [f"| measure | {stock.name} | {ours.name} | ratio |", "| --- | ---: | ---: | ---: |"]
    for label, theirs, mine in rows:
        lines.append(
            f"| {label} | {theirs:.1f} | {mine:.1f} | {mine / theirs if theirs else float('nan'):.2f}x |"
        )
    return "\n".join(lines)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {memory_gb:.0f} GiB, Python {platform.python_version()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        with stock_assistant(workdir, env) as stock, our_assistant(workdir, env) as ours:
            measure_side_by_side(stock, ours)
            for served in (stock, ours):
                served.result.rss_mb = sum(rss_mb(pid) for pid in served.pids)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result_table = table(stock.result, ours.result)
    print(result_table)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    args.out.parent.mkdir(exist_ok=True)
    # Sections after this table (the load runs, what each speed-up bought) are kept.
    previous = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    kept = previous[previous.index("\n## ") :] if "\n## " in previous else ""
    args.out.write_text(
        "# Benchmarks\n\n"
        "Measured by `make bench` (scripts/bench.py): both assistants trained from scratch and served\n"
        "on localhost (the stock one with `rasa run`, ours as `make run` serves it: `python -m\n"
        "rasa_server` in demo mode with its limits on, the action server behind its token); REST\n"
        "messages cycle through ten typical customer messages. Both serve at once and take turns\n"
        "chunk by chunk, so a change in the host's speed falls on both alike: 1 client sends 100\n"
        "messages in turn, 20 clients send 20 each at once. Our memory counts the\n"
        "Rasa server, the action server and the account service. Aims: training under 3 minutes on\n"
        "2 cores, p50 with 1 client within 1.5x and messages per second at 20 clients at least 0.6x of the\n"
        "stock assistant's, all three processes under 1.5 GB.\n\n"
        f"Machine: {machine()}. Date: {when}.\n\n{result_table}\n{kept}",
        encoding="utf-8",
    )
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Draws a load run (scripts/load_test.py) as one PNG: users and messages per second, latency
p50/p95/p99 and failures over time, from Locust's <out>/locust_stats_history.csv, titled with
the run's summary (<out>/summary.json).

Runs with the main .venv's Python (matplotlib is there, not in the tools venv):

    .venv/bin/python scripts/plot_load.py --out results/load
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


def _value(row: dict[str, str], column: str) -> float | None:
    try:
        return float(row[column])
    except (KeyError, ValueError):
        return None  # "N/A" before the first answer


def history(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]


def draw(rows: list[dict[str, str]], summary: dict[str, Any], target: Path) -> None:
    start = float(rows[0]["Timestamp"])
    seconds = [float(row["Timestamp"]) - start for row in rows]
    figure, (load, latency, failures) = plt.subplots(3, 1, figsize=(9, 9), sharex=True)

    load.plot(seconds, [_value(row, "Requests/s") for row in rows], label="messages/s")
    load.set_ylabel("messages per second")
    users = load.twinx()
    users.plot(
        seconds, [_value(row, "User Count") for row in rows], color="grey", linestyle="--", label="users"
    )
    users.set_ylabel("users")
    load.legend(loc="upper left")
    users.legend(loc="upper right")

    for column in ("50%", "95%", "99%"):
        latency.plot(seconds, [_value(row, column) for row in rows], label=f"p{column.rstrip('%')}")
    latency.set_ylabel("latency (ms, recent)")
    latency.legend(loc="upper left")

    failures.plot(seconds, [_value(row, "Failures/s") for row in rows], color="tab:red")
    failures.set_ylabel("failures per second")
    failures.set_xlabel("seconds since start")

    if summary:
        lat, conv = summary["latency_ms"], summary["conversations"]
        figure.suptitle(
            f"{summary['run']['users']} users: {summary['messages']['per_s']} msg/s, p50 {lat['p50']} ms, "
            f"p95 {lat['p95']} ms, p99 {lat['p99']} ms\n{conv.get('completed', 0)} conversations completed, "
            f"{summary['errors']['total']} errors, "
            f"{summary['exactly_once_violations']['total']} exactly-once violations"
        )
    figure.tight_layout()
    figure.savefig(target, dpi=100)
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("results/load"))
    args = parser.parse_args()
    rows = history(args.out / "locust_stats_history.csv")
    summary_path = args.out / "summary.json"
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    if len(rows) < 2:
        raise SystemExit("too short a run to plot")
    draw(rows, summary, args.out / "load.png")
    print(f"plot: {args.out / 'load.png'}")


if __name__ == "__main__":
    main()

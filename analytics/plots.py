"""The plots of the figures (analytics/figures.py) as PNG images, drawn with matplotlib's
object API (no pyplot state, so the website can draw them in a worker thread). The insights page
serves them as images and `make report` embeds them: the same pictures in both."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

COLOURS = ("#2563eb", "#16a34a", "#f59e0b", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#4b5563")
SIZE = (8.0, 3.4)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    return buffer.getvalue()


def _empty(axes: Any, what: str) -> None:
    axes.text(0.5, 0.5, f"No {what} in this period", ha="center", va="center", color="#6b7280")
    axes.set_axis_off()


def conversations_per_day(shown: dict[str, Any]) -> bytes:
    figure = Figure(figsize=SIZE)
    axes = figure.add_subplot()
    days = shown["per_day"]["days"]
    labels = [day[5:] for day in days]
    bottom = [0] * len(days)
    for index, (channel, counts) in enumerate(sorted(shown["per_day"]["channels"].items())):
        axes.bar(labels, counts, bottom=bottom, label=channel, color=COLOURS[index % len(COLOURS)], width=0.8)
        bottom = [below + count for below, count in zip(bottom, counts, strict=True)]
    if not any(bottom):
        _empty(axes, "conversations")
        return _png(figure)
    axes.plot(labels, shown["per_day"]["handed_off"], color="#111827", marker=".", label="handed to a person")
    axes.set_ylabel("conversations")
    axes.set_ylim(0, max(bottom) * 1.3)  # room for the legend above the bars
    axes.legend(fontsize=7, ncol=5, loc="upper left")
    step = max(1, len(labels) // 12)
    axes.set_xticks(range(0, len(labels), step))
    axes.set_xticklabels(labels[::step], fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def top_topics(shown: dict[str, Any]) -> bytes:
    figure = Figure(figsize=SIZE)
    axes = figure.add_subplot()
    topics = list(reversed(shown["top_topics"]))
    if not topics:
        _empty(axes, "topics")
        return _png(figure)
    axes.barh([entry["topic"] for entry in topics], [entry["count"] for entry in topics], color=COLOURS[0])
    axes.set_xlabel("customer messages")
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def task_outcomes(shown: dict[str, Any]) -> bytes:
    """Per task: completed, and abandoned by reason, stacked."""
    figure = Figure(figsize=SIZE)
    axes = figure.add_subplot()
    tasks = list(reversed(shown["funnel"][:10]))
    if not tasks:
        _empty(axes, "tasks")
        return _png(figure)
    names = [entry["task"] for entry in tasks]
    reasons = sorted({reason for entry in tasks for reason in entry["abandoned_because"]})
    left = [entry["completed"] for entry in tasks]
    axes.barh(names, left, color=COLOURS[1], label="completed")
    for index, reason in enumerate(reasons):
        counts = [entry["abandoned_because"].get(reason, 0) for entry in tasks]
        axes.barh(
            names, counts, left=left, color=COLOURS[(index + 2) % len(COLOURS)], label=f"abandoned: {reason}"
        )
        left = [before + count for before, count in zip(left, counts, strict=True)]
    axes.set_xlabel("tasks started")
    axes.tick_params(axis="y", labelsize=8)
    axes.legend(fontsize=7, loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def handoff_waits(shown: dict[str, Any]) -> bytes:
    figure = Figure(figsize=SIZE)
    axes = figure.add_subplot()
    buckets = shown["handoffs"]["wait_buckets"]
    if not shown["handoffs"]["taken"]:
        _empty(axes, "handoffs taken by an agent")
        return _png(figure)
    axes.bar(
        [bucket["label"] for bucket in buckets], [bucket["count"] for bucket in buckets], color=COLOURS[4]
    )
    axes.set_ylabel("handoffs")
    axes.set_xlabel("waiting time until an agent took the conversation")
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


PLOTS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "conversations": conversations_per_day,
    "topics": top_topics,
    "tasks": task_outcomes,
    "waits": handoff_waits,
}
TITLES = {
    "conversations": "Conversations per day and channel",
    "topics": "Top topics",
    "tasks": "Tasks: completed and abandoned",
    "waits": "Waiting time for a person",
}

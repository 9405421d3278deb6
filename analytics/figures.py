"""The figures for a period, from the analytics tables: what the insights page draws and
`make report` prints. One function, one JSON-ready dict, so the two never disagree.

Counts are grouped in SQL by day; a conversation counts from the day it started and only when
the customer said something. Containment is the share of those conversations that ended without
a person (no handoff opened or message left for the team). Percentiles are computed here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Integer, and_, func, select
from sqlalchemy.engine import Engine

from analytics import tables

# Not topics a customer brings: small talk, answers to questions, and what was not understood
# (counted as fallbacks instead).
NOT_TOPICS = frozenset(
    {"greet", "goodbye", "thank_you", "affirm", "deny", "inform", "stop", "help", "bot_challenge"}
    | {"nlu_fallback", "out_of_scope", "unknown"}
)
TOP_TOPICS = 12
LEAST_UNDERSTOOD = 15
WAIT_BUCKETS = ((0, 60, "under 1 min"), (60, 180, "1-3 min"), (180, 300, "3-5 min"), (300, 600, "5-10 min"))
LONGEST_PERIOD_DAYS = 366


def days_between(start: date, end: date) -> list[str]:
    return [(start + timedelta(days=offset)).isoformat() for offset in range((end - start).days + 1)]


def percentile(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile (share in 0..1) of whole numbers, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))  # ceil
    return int(ordered[int(rank) - 1])


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(engine: Engine, start: date, end: date) -> dict[str, Any]:
    first, last = start.isoformat(), end.isoformat()
    with engine.connect() as connection:

        def rows(statement: Any) -> list[Any]:
            return list(connection.execute(statement).all())

        c, t, k = tables.conversations, tables.turns, tables.tasks
        in_period = and_(c.c.day >= first, c.c.day <= last, c.c.turns > 0)
        by_day_channel = rows(
            select(c.c.day, c.c.channel, func.count(), func.sum(c.c.handed_off.cast(Integer)))
            .where(in_period)
            .group_by(c.c.day, c.c.channel)
        )
        languages = dict(rows(select(c.c.language, func.count()).where(in_period).group_by(c.c.language)))
        regions = dict(
            rows(
                select(func.coalesce(c.c.region, "unknown"), func.count())
                .where(in_period)
                .group_by(c.c.region)
            )
        )
        turn_period = and_(t.c.day >= first, t.c.day <= last)
        topic_counts = rows(
            select(t.c.topic, func.count())
            .where(turn_period)
            .group_by(t.c.topic)
            .order_by(func.count().desc())
        )
        turn_totals = rows(select(func.count(), func.sum(t.c.fallback.cast(Integer))).where(turn_period))[0]
        latencies = [
            value for (value,) in rows(select(t.c.latency_ms).where(turn_period, t.c.latency_ms.isnot(None)))
        ]
        unclear = rows(
            select(t.c.text, func.count())
            .where(turn_period, t.c.text.isnot(None))
            .group_by(t.c.text)
            .order_by(func.count().desc(), t.c.text)
            .limit(LEAST_UNDERSTOOD)
        )
        task_rows = rows(
            select(k.c.task, k.c.outcome, k.c.reason, func.count())
            .where(k.c.day >= first, k.c.day <= last)
            .group_by(k.c.task, k.c.outcome, k.c.reason)
        )
        q = tables.task_questions
        question_rows = rows(
            select(k.c.task, q.c.question, func.count(), func.avg(q.c.position))
            .select_from(q.join(k, k.c.key == q.c.task_key))
            .where(k.c.day >= first, k.c.day <= last)
            .group_by(k.c.task, q.c.question)
        )
        i = tables.identity_checks
        identity_rows = rows(
            select(i.c.purpose, i.c.step, func.count())
            .where(i.c.day >= first, i.c.day <= last)
            .group_by(i.c.purpose, i.c.step)
        )
        h = tables.handoffs
        handoff_rows = rows(
            select(h.c.outcome, func.count()).where(h.c.day >= first, h.c.day <= last).group_by(h.c.outcome)
        )
        waits = [
            int(value)
            for (value,) in rows(
                select(h.c.waited_s).where(h.c.day >= first, h.c.day <= last, h.c.waited_s.isnot(None))
            )
        ]
    return _assemble(
        start,
        end,
        by_day_channel,
        languages,
        regions,
        topic_counts,
        turn_totals,
        latencies,
        unclear,
        task_rows,
        question_rows,
        identity_rows,
        handoff_rows,
        waits,
    )


def _assemble(
    start: date,
    end: date,
    by_day_channel: list[Any],
    languages: dict[str, int],
    regions: dict[str, int],
    topic_counts: list[Any],
    turn_totals: Any,
    latencies: list[int],
    unclear: list[Any],
    task_rows: list[Any],
    question_rows: list[Any],
    identity_rows: list[Any],
    handoff_rows: list[Any],
    waits: list[int],
) -> dict[str, Any]:
    days = days_between(start, end)
    channels = sorted({channel for _, channel, _, _ in by_day_channel})
    per_channel = {channel: [0] * len(days) for channel in channels}
    handed_off_per_day = [0] * len(days)
    position = {day: index for index, day in enumerate(days)}
    for day, channel, count, handed in by_day_channel:
        per_channel[channel][position[day]] += int(count)
        handed_off_per_day[position[day]] += int(handed or 0)
    conversations = sum(sum(counts) for counts in per_channel.values())
    handed_off = sum(handed_off_per_day)
    total_turns, fallback_turns = int(turn_totals[0] or 0), int(turn_totals[1] or 0)
    handoffs = {str(outcome): int(count) for outcome, count in handoff_rows}
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(), "days": len(days)},
        "totals": {
            "conversations": conversations,
            "messages": total_turns,
            "contained": conversations - handed_off,
            "containment": ratio(conversations - handed_off, conversations),
            "fallbacks": fallback_turns,
            "fallback_rate": ratio(fallback_turns, total_turns),
            "handed_off": handed_off,
            "handoff_rate": ratio(handed_off, conversations),
            "latency_ms_p50": percentile(latencies, 0.5),
            "latency_ms_p90": percentile(latencies, 0.9),
        },
        "per_day": {
            "days": days,
            "channels": per_channel,
            "handed_off": handed_off_per_day,
        },
        "channels": {channel: sum(counts) for channel, counts in per_channel.items()},
        "languages": {str(key): int(value) for key, value in languages.items()},
        "regions": {str(key): int(value) for key, value in regions.items()},
        "top_topics": [
            {"topic": str(topic), "count": int(count)}
            for topic, count in topic_counts
            if topic not in NOT_TOPICS
        ][:TOP_TOPICS],
        "funnel": _funnel(task_rows, question_rows),
        "identity": _identity(identity_rows),
        "handoffs": {
            "requested": sum(handoffs.values()),
            "by_outcome": handoffs,
            "taken": len(waits),
            "wait_s_p50": percentile(waits, 0.5),
            "wait_s_p90": percentile(waits, 0.9),
            "wait_buckets": _buckets(waits),
        },
        "least_understood": [{"text": str(text), "count": int(count)} for text, count in unclear],
    }


def _funnel(task_rows: list[Any], question_rows: list[Any]) -> list[dict[str, Any]]:
    tasks: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"started": 0, "completed": 0, "abandoned": 0, "open": 0, "reasons": defaultdict(int)}
    )
    for task, outcome, reason, count in task_rows:
        entry = tasks[task]
        entry["started"] += int(count)
        entry[outcome if outcome in ("completed", "abandoned") else "open"] += int(count)
        if outcome == "abandoned":
            entry["reasons"][reason or "unknown"] += int(count)
    steps: dict[str, list[tuple[float, str, int]]] = defaultdict(list)
    for task, question, count, average_position in question_rows:
        steps[task].append((float(average_position or 0), str(question), int(count)))
    shown = []
    for task, entry in sorted(tasks.items(), key=lambda item: -item[1]["started"]):
        ordered = sorted(steps.get(task, []))
        shown.append(
            {
                "task": task,
                "started": entry["started"],
                "completed": entry["completed"],
                "abandoned": entry["abandoned"],
                "open": entry["open"],
                "completion_rate": ratio(entry["completed"], entry["started"]),
                "steps": [{"question": question, "reached": count} for _, question, count in ordered],
                "abandoned_because": dict(sorted(entry["reasons"].items(), key=lambda item: -item[1])),
            }
        )
    return shown


def _identity(identity_rows: list[Any]) -> dict[str, dict[str, int]]:
    found: dict[str, dict[str, int]] = {
        purpose: dict.fromkeys(("sent", "verified", "failed", "expired", "locked", "too_many"), 0)
        for purpose in ("verify", "confirm")
    }
    for purpose, step, count in identity_rows:
        found.setdefault(str(purpose), {})[str(step)] = int(count)
    return found


def _buckets(waits: list[int]) -> list[dict[str, Any]]:
    buckets = [
        {"label": label, "count": sum(low <= wait < high for wait in waits)}
        for low, high, label in WAIT_BUCKETS
    ]
    buckets.append({"label": "10 min or more", "count": sum(wait >= WAIT_BUCKETS[-1][1] for wait in waits)})
    return buckets

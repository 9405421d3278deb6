"""The figures of a generated month (scripts/generate_analytics_month.py) are exactly what the
generator planned: every count, per day and channel, per task and question, per step of the
identity check, and the handoffs' waits."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from analytics.figures import NOT_TOPICS, figures, percentile
from tests.analytics.conftest import MONTH_DAYS, MONTH_START, Month

END = MONTH_START + timedelta(days=MONTH_DAYS - 1)


def test_conversations_per_day_and_channel_are_the_planned_ones(month: Month) -> None:
    shown = figures(month.engine, MONTH_START, END)
    per_day = shown["per_day"]
    assert per_day["days"][0] == "2026-10-01" and per_day["days"][-1] == "2026-10-31"
    counted = Counter()
    for channel, counts in per_day["channels"].items():
        for day, count in zip(per_day["days"], counts, strict=True):
            if count:
                counted[(day, channel)] = count
    assert counted == month.tally.conversations
    # Spread over every day of the month, busier on weekdays.
    totals = [sum(counts[index] for counts in per_day["channels"].values()) for index in range(MONTH_DAYS)]
    assert min(totals) > 0
    weekdays = [
        total for offset, total in enumerate(totals) if (MONTH_START + timedelta(offset)).weekday() < 5
    ]
    weekends = [
        total for offset, total in enumerate(totals) if (MONTH_START + timedelta(offset)).weekday() >= 5
    ]
    assert sum(weekdays) / len(weekdays) > sum(weekends) / len(weekends)


def test_containment_fallbacks_and_languages(month: Month) -> None:
    tally = month.tally
    totals = figures(month.engine, MONTH_START, END)["totals"]
    assert totals["conversations"] == tally.total_conversations
    assert totals["messages"] == tally.turns
    assert totals["handed_off"] == tally.handed_off
    assert totals["contained"] == tally.total_conversations - tally.handed_off
    assert totals["containment"] == round(1 - tally.handed_off / tally.total_conversations, 4)
    assert totals["fallbacks"] == tally.fallbacks
    assert totals["fallback_rate"] == round(tally.fallbacks / tally.turns, 4)
    assert figures(month.engine, MONTH_START, END)["languages"] == dict(month.tally.languages)
    assert month.tally.languages["hi"] > 100  # Hindi conversations are part of the month


def test_top_topics(month: Month) -> None:
    expected = Counter({topic: n for topic, n in month.tally.topics.items() if topic not in NOT_TOPICS})
    shown = figures(month.engine, MONTH_START, END)["top_topics"]
    assert len(shown) == min(12, len(expected))
    assert all(expected[entry["topic"]] == entry["count"] for entry in shown)
    counts = [entry["count"] for entry in shown]
    assert counts == sorted(counts, reverse=True)
    left_out = [n for topic, n in expected.items() if topic not in {entry["topic"] for entry in shown}]
    assert all(n <= counts[-1] for n in left_out)


def test_task_funnel_per_task_and_question(month: Month) -> None:
    tally = month.tally
    funnel = {entry["task"]: entry for entry in figures(month.engine, MONTH_START, END)["funnel"]}
    assert set(funnel) == set(tally.tasks_started)
    for task, entry in funnel.items():
        assert entry["started"] == tally.tasks_started[task]
        assert entry["completed"] == tally.tasks_completed[task]
        assert entry["abandoned"] == tally.tasks_started[task] - tally.tasks_completed[task]
        assert entry["open"] == 0  # the quiet ones were swept: the customer left
        reached = {step["question"]: step["reached"] for step in entry["steps"]}
        assert reached == {q: n for (t, q), n in tally.questions_reached.items() if t == task}
        # A funnel: the identity questions first, and never more reach a later question.
        counts = [step["reached"] for step in entry["steps"]]
        assert entry["steps"][0]["question"] == "user_id" and counts == sorted(counts, reverse=True)
        assert set(entry["abandoned_because"]) <= {"left", "stopped", "handoff", "gave_up"}


def test_identity_checks_and_handoffs(month: Month) -> None:
    tally = month.tally
    shown = figures(month.engine, MONTH_START, END)
    for (purpose, step), count in tally.identity.items():
        assert shown["identity"][purpose][step] == count, (purpose, step)
    handoffs = shown["handoffs"]
    assert handoffs["by_outcome"] == dict(tally.handoffs)
    assert handoffs["taken"] == len(tally.waits)
    assert handoffs["wait_s_p50"] == percentile(tally.waits, 0.5)
    assert handoffs["wait_s_p90"] == percentile(tally.waits, 0.9)
    assert sum(bucket["count"] for bucket in handoffs["wait_buckets"]) == len(tally.waits)


def test_least_understood_messages_are_masked(month: Month) -> None:
    shown = figures(month.engine, MONTH_START, END)["least_understood"]
    texts = {entry["text"]: entry["count"] for entry in shown}
    for text, count in texts.items():
        assert month.tally.not_understood[text] == count
    assert "call me on [number] please" in texts and "email me at [email]" in texts
    assert not any("555" in text or "@" in text for text in texts)


def test_a_shorter_period_counts_only_its_days(month: Month) -> None:
    first_week = figures(month.engine, MONTH_START, MONTH_START + timedelta(days=6))
    planned = sum(n for (day, _), n in month.tally.conversations.items() if day <= "2026-10-07")
    assert first_week["totals"]["conversations"] == planned
    assert figures(month.engine, date(2027, 1, 1), date(2027, 1, 31))["totals"]["conversations"] == 0

"""Writes facts to the analytics tables within the caller's transaction.

Within one batch an insert and the later changes of the same row become one insert, and
changes to rows already stored are grouped into one statement per table and set of columns:
a month of events is a few thousand statements, not one per event."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Connection

from analytics import tables
from analytics.facts import Fact, HandoffTaken, Insert, Update

TABLES = {table.name: table for table in tables.metadata.sorted_tables}


def write_facts(connection: Connection, facts: Iterable[Fact]) -> None:
    inserts: dict[tuple[str, str], dict[str, Any]] = {}
    plain_inserts: list[Insert] = []  # rows without a single key (task_questions)
    updates: dict[tuple[str, str], dict[str, Any]] = {}
    taken: list[HandoffTaken] = []
    for fact in facts:
        if isinstance(fact, Insert):
            if "key" in fact.row:
                inserts[(fact.table, fact.row["key"])] = dict(fact.row)
            else:
                plain_inserts.append(fact)
        elif isinstance(fact, Update):
            pending = inserts.get((fact.table, fact.key))
            if pending is not None:
                pending.update(fact.values)
            else:
                updates.setdefault((fact.table, fact.key), {}).update(fact.values)
        else:
            taken.append(fact)
    by_table: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (table, _), row in inserts.items():
        by_table[table].append(row)
    for fact in plain_inserts:
        by_table[fact.table].append(fact.row)
    for table in tables.metadata.sorted_tables:
        rows = by_table.get(table.name)
        if rows:
            connection.execute(table.insert(), rows)
    _apply_updates(connection, updates)
    for fact in taken:
        connection.execute(
            update(tables.handoffs)
            .where(tables.handoffs.c.reference_hash == fact.reference_hash)
            .where(tables.handoffs.c.waited_s.is_(None))
            .values(waited_s=fact.waited_s)
        )


def _apply_updates(connection: Connection, updates: dict[tuple[str, str], dict[str, Any]]) -> None:
    grouped: dict[tuple[str, tuple[str, ...]], list[dict[str, Any]]] = defaultdict(list)
    for (table, key), values in updates.items():
        columns = tuple(sorted(values))
        grouped[(table, columns)].append(
            {"row_key": key, **{f"new_{name}": values[name] for name in columns}}
        )
    for (table_name, columns), rows in grouped.items():
        table = TABLES[table_name]
        statement = (
            update(table)
            .where(table.c.key == bindparam("row_key"))
            .values({name: bindparam(f"new_{name}") for name in columns})
        )
        connection.execute(statement, rows)

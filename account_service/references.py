"""Human-readable references (FR-7K3Q9P) and random tokens."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

# No 0/O or 1/I: a customer reads the reference out over the phone.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

CASE_PREFIXES = {"fraud": "FR", "dispute": "DP", "replacement": "RP", "handoff": "HO"}
PAYMENT_PREFIX = "PM"
REDEMPTION_PREFIX = "RW"


def new_reference(prefix: str) -> str:
    return f"{prefix}-{''.join(secrets.choice(_ALPHABET) for _ in range(6))}"


async def unique_reference(session: AsyncSession, model: Any, prefix: str) -> str:
    """A reference not yet used in model.reference (32^6 choices: a clash is rare, but possible)."""
    while True:
        reference = new_reference(prefix)
        taken = await session.scalar(select(model.id).where(model.reference == reference))
        if taken is None:
            return reference

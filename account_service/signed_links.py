"""Links that carry their own proof: a payload and its expiry, signed with itsdangerous.

Used for statement downloads (opened by the customer's browser, so no bearer token) and for
password-reset links. The purpose is the signature's salt, so one kind cannot pass as another.
Keys rotate: the newest key (ACCOUNT_SERVICE_SECRET) signs; older ones
(ACCOUNT_SERVICE_PREVIOUS_SECRETS) still verify links signed before the rotation. The expiry is
inside the signed payload and checked against the service's clock (which demo mode can move).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer


class LinkInvalid(Exception):
    pass


class LinkExpired(Exception):
    pass


def _serializer(keys: Sequence[str], purpose: str) -> URLSafeSerializer:
    """keys oldest first: itsdangerous signs with the last one and verifies with any."""
    if not keys:
        raise ValueError("no signing key")
    return URLSafeSerializer(list(keys), salt=f"account-service/{purpose}")


def sign(keys: Sequence[str], purpose: str, payload: str, expires_at: datetime) -> str:
    """The token for a link; its payload is readable by whoever holds the link."""
    return _serializer(keys, purpose).dumps({"p": payload, "e": int(expires_at.timestamp())})


def verify(keys: Sequence[str], purpose: str, token: str, now: datetime) -> str:
    """The payload of a genuine, unexpired token."""
    try:
        data: Any = _serializer(keys, purpose).loads(token)
    except BadSignature:
        raise LinkInvalid from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), str) or not isinstance(data.get("e"), int):
        raise LinkInvalid
    if now.timestamp() >= data["e"]:
        raise LinkExpired
    return data["p"]

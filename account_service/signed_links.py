"""Links that carry their own proof: HMAC-signed payload plus expiry, no database row needed.

Used for statement downloads (opened by the customer's browser, so no bearer token) and for
password-reset links. The purpose is part of the signature, so one kind cannot pass as another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime


class LinkInvalid(Exception):
    pass


class LinkExpired(Exception):
    pass


def _signature(secret_key: str, purpose: str, payload: str, expires: int) -> str:
    message = f"{purpose}|{payload}|{expires}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def sign(secret_key: str, purpose: str, payload: str, expires_at: datetime) -> str:
    """payload must not contain '.'; it is readable by whoever holds the link."""
    if "." in payload or "|" in payload:
        raise ValueError("payload may not contain . or |")
    expires = int(expires_at.timestamp())
    return f"{payload}.{expires}.{_signature(secret_key, purpose, payload, expires)}"


def verify(secret_key: str, purpose: str, token: str, now: datetime) -> str:
    """The payload of a genuine, unexpired token."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        raise LinkInvalid
    payload, expires_text, signature = parts
    expected = _signature(secret_key, purpose, payload, int(expires_text))
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise LinkInvalid
    if now.timestamp() >= int(expires_text):
        raise LinkExpired
    return payload

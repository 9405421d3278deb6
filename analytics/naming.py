"""How a conversation is named in analytics: a salted hash of its ID, and the channel its ID says.

The same HMAC as storage/event_broker.py uses for the events it publishes, so a conversation read
from the tracker table (`make run`) and one read from RabbitMQ (production) get the same name.
Kept here rather than imported, so this process does not load Rasa; tests/analytics checks that
the two agree.
"""

from __future__ import annotations

import hashlib
import hmac

HASH_LENGTH = 32


def conversation_hash(salt: str, conversation_id: str) -> str:
    return hmac.new(salt.encode(), conversation_id.encode(), hashlib.sha256).hexdigest()[:HASH_LENGTH]


def channel_of(conversation_id: str) -> str | None:
    """The channel prefix of a namespaced conversation ID (channels/conversations.py)."""
    prefix, separator, _ = conversation_id.partition(":")
    return prefix if separator and prefix.isidentifier() else None


def reference_hash(salt: str, reference: str) -> str:
    """A handoff's case reference, hashed with the same salt: the reference leads to a customer
    in the account service, so analytics keeps only this."""
    return conversation_hash(salt, f"handoff:{reference}")

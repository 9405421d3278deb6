"""The conversation lock store, chosen by the environment.

REDIS_URL set (several Rasa replicas): the atomic Redis lock store (storage/redis_lock_store.py),
so one conversation is processed by one replica at a time. Unset (`make run`, one replica):
Rasa's in-memory lock. endpoints.yml names this class either way:

    lock_store:
      type: storage.lock_store.EnvironmentLockStore
      lock_lifetime: 15
      max_wait: 30
"""

from __future__ import annotations

import os
from typing import Any

from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.utils.endpoints import EndpointConfig

from storage.redis_lock_store import AtomicRedisLockStore


class EnvironmentLockStore(LockStore):
    # Rasa builds lock stores by calling the configured class, so the choice happens in __new__
    # and returns the chosen store itself (nothing in between on every message).
    def __new__(cls, endpoint_config: EndpointConfig | None = None, **_: Any) -> LockStore:  # type: ignore[misc]
        url = (os.environ.get("REDIS_URL") or "").strip()
        if url:
            return AtomicRedisLockStore(endpoint_config, url=url)
        return InMemoryLockStore()

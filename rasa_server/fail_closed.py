"""The tracker store fails closed.

Rasa wraps every tracker store in FailSafeTrackerStore: when the database cannot be read it
starts the conversation over on an empty tracker, and when it cannot be written it keeps the
conversation in this process's memory. With PostgreSQL restarting, a customer half-way through
an identity check or a payment was greeted as new, and with several replicas the in-memory copy
is seen by one of them only. Here the error goes on instead: the turn fails, nothing is saved,
the channel answers "please send it again" (channels/rest.py), and the conversation continues
from the database once it is back.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def install() -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore

    def failing(name: str) -> Any:
        async def call(self: FailSafeTrackerStore, *args: Any) -> Any:
            try:
                return await getattr(self._tracker_store, name)(*args)
            except Exception as error:
                logger.error("tracker store %s failed (%s): turn not taken", name, type(error).__name__)
                raise

        return call

    for name in ("retrieve", "retrieve_full_tracker", "save"):
        setattr(FailSafeTrackerStore, name, failing(name))

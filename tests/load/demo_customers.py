"""The demo customers every simulated user shares, and the rules that make sharing them safe.

Each conversation is its own customer session (a unique sender), but the identity check needs a
real customer, and only the demo ones exist (/work/shared/contracts.md). The account service
limits what may happen to one customer, so the simulated users coordinate in this process:
- codes: the service sends at most IDENTITY_CODES_PER_CUSTOMER (3) verification codes per customer
  in 15 minutes and, past that, silently none (a 429 would tell that the customer exists). `take`
  gives a customer only while the window has room, counting what the outbox already shows;
- which code is mine: the outbox does not say which conversation a code was for, so one
  conversation at a time per customer asks for a code and reads it: the newest SMS with 6 digits
  that arrived after its request. Typing another conversation's code would count as a wrong code
  (10 lock the customer's code checks for 30 minutes);
- cards: freezing and unfreezing change shared state, so one conversation at a time per customer
  does them, and leaves the cards as it found them.

Only one Locust process may run these (no --processes, no workers): the coordination is in memory.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import gevent
import requests
from gevent.lock import BoundedSemaphore

CODE = re.compile(r"\b(\d{6})\b")
SEND_WINDOW_S = 15 * 60
HTTP_TIMEOUT_S = 10


@dataclass(frozen=True)
class DemoCustomer:
    user_id: str
    first_name: str
    cards: tuple[str, ...]  # last four digits as seeded (a replaced card may add another)


# From /work/shared/contracts.md: present in every demo database.
DEMO_CUSTOMERS = (
    DemoCustomer("alex.morgan", "Alex", ("2002", "2010")),
    DemoCustomer("priya.sharma", "Priya", ("1005",)),
)


class CodeNotDelivered(Exception):
    """No new code reached the demo outbox in time."""


def _instant(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class CodeDesk:
    def __init__(
        self,
        service_url: str,
        customers: tuple[DemoCustomer, ...] = DEMO_CUSTOMERS,
        codes_per_customer: int = 3,
        wait_s: float = 10.0,
    ) -> None:
        self.service_url = service_url.rstrip("/")
        self.customers = customers
        self.codes_per_customer = codes_per_customer
        self.wait_s = wait_s
        self._taking = BoundedSemaphore()
        self._asking = {customer.user_id: BoundedSemaphore() for customer in customers}
        # Per customer: when codes were sent (this process's monotonic clock), once read.
        self._sent: dict[str, list[float]] = {}

    # --- the service's demo outbox ----------------------------------------------------------------
    def outbox(self, user_id: str) -> list[dict]:
        reply = requests.get(
            f"{self.service_url}/demo/outbox", params={"user_id": user_id}, timeout=HTTP_TIMEOUT_S
        )
        reply.raise_for_status()
        return reply.json()

    def _service_now(self) -> float:
        reply = requests.get(f"{self.service_url}/health", timeout=HTTP_TIMEOUT_S)
        reply.raise_for_status()
        return _instant(reply.json()["time"])

    def _codes_in_window(self, user_id: str) -> list[float]:
        """The codes the service counts now, as read from the outbox once, on this clock. Every
        message with a code counts (confirm codes too): over-counting only holds a code back."""
        if user_id not in self._sent:
            service_now, local_now = self._service_now(), time.monotonic()
            self._sent[user_id] = [
                local_now - (service_now - _instant(message["sent_at"]))
                for message in self.outbox(user_id)
                if CODE.search(message["text"]) and service_now - _instant(message["sent_at"]) < SEND_WINDOW_S
            ]
        cutoff = time.monotonic() - SEND_WINDOW_S
        self._sent[user_id] = [sent for sent in self._sent[user_id] if sent > cutoff]
        return self._sent[user_id]

    # --- for conversations ------------------------------------------------------------------------
    def take(self) -> DemoCustomer | None:
        """A customer with room for one more code in the service's window, that room reserved; None
        when every one is at the limit."""
        with self._taking:
            for customer in random.sample(self.customers, len(self.customers)):
                sent = self._codes_in_window(customer.user_id)
                if len(sent) < self.codes_per_customer:
                    sent.append(time.monotonic())
                    return customer
        return None

    @contextmanager
    def asking(self, customer: DemoCustomer) -> Iterator[CodeReader]:
        """While held, this conversation alone asks for the customer's code and reads it."""
        with self._asking[customer.user_id]:
            yield CodeReader(self, customer.user_id, len(self.outbox(customer.user_id)))


class CodeReader:
    def __init__(self, desk: CodeDesk, user_id: str, seen: int) -> None:
        self.desk, self.user_id, self.seen = desk, user_id, seen

    def code(self) -> str:
        """The code in the newest SMS that arrived after the request (the outbox is oldest first)."""
        deadline = time.monotonic() + self.desk.wait_s
        while True:
            new = self.desk.outbox(self.user_id)[self.seen :]
            codes = [CODE.search(m["text"]) for m in new if m["channel"] == "sms"]
            found = [match.group(1) for match in codes if match]
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise CodeNotDelivered(f"no new code for {self.user_id} in {self.desk.wait_s:.0f} s")
            gevent.sleep(0.2)


class CardDesk:
    """One conversation at a time per customer changes the cards' state."""

    def __init__(self, customers: tuple[DemoCustomer, ...] = DEMO_CUSTOMERS, wait_s: float = 120.0) -> None:
        self.wait_s = wait_s
        self._changing = {customer.user_id: BoundedSemaphore() for customer in customers}

    @contextmanager
    def changing(self, customer: DemoCustomer) -> Iterator[None]:
        lock = self._changing[customer.user_id]
        if not lock.acquire(timeout=self.wait_s):
            raise TimeoutError(f"{customer.user_id}'s cards were busy for {self.wait_s:.0f} s")
        try:
            yield
        finally:
            lock.release()

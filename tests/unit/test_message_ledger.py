"""The message ledger's rules on its in-memory store (the Redis store: tests/storage)."""

from __future__ import annotations

import asyncio

import pytest

from channels import message_ledger
from channels.message_ledger import MemoryStore, MessageLedger, ledger_key


@pytest.mark.asyncio
async def test_first_copy_is_new_then_resends_get_its_replies() -> None:
    ledger = MessageLedger(MemoryStore())
    assert (await ledger.claim("rest:a", "m1")).state == "new"
    await ledger.answered("rest:a", "m1", [{"text": "hi"}])
    again = await ledger.claim("rest:a", "m1")
    assert (again.state, again.replies) == ("answered", [{"text": "hi"}])
    assert (await ledger.claim("rest:b", "m1")).state == "new"


@pytest.mark.asyncio
async def test_a_resend_waits_for_the_first_copy_then_is_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(message_ledger, "WAIT_FOR_FIRST_S", 0.5)
    ledger = MessageLedger(MemoryStore())
    assert (await ledger.claim("rest:a", "m1")).state == "new"
    assert (await ledger.claim("rest:a", "m1")).state == "busy"

    async def answer_soon() -> None:
        await asyncio.sleep(0.2)
        await ledger.answered("rest:a", "m1", [{"text": "done"}])

    claim, _ = await asyncio.gather(ledger.claim("rest:a", "m1"), answer_soon())
    assert claim.state == "answered"


@pytest.mark.asyncio
async def test_a_released_claim_lets_the_resend_through() -> None:
    ledger = MessageLedger(MemoryStore())
    await ledger.claim("rest:a", "m1")
    await ledger.release("rest:a", "m1")
    assert (await ledger.claim("rest:a", "m1")).state == "new"


def test_keys_hold_neither_the_conversation_nor_the_id() -> None:
    key = ledger_key("twilio:+15550102002", "order-77")
    assert "15550102002" not in key and "order-77" not in key


@pytest.mark.asyncio
async def test_kept_replies_are_masked_like_the_tracker_store() -> None:
    ledger = MessageLedger(MemoryStore())
    await ledger.claim("rest:a", "m1")
    link = "Download it here: http://localhost:8081/statements/download/abc.def.ghi"
    await ledger.answered("rest:a", "m1", [{"text": "Your code is 123456"}, {"text": link}])
    kept = (await ledger.claim("rest:a", "m1")).replies or []
    assert "123456" not in str(kept)


@pytest.mark.asyncio
async def test_a_resend_is_answered_to_the_same_recipient_whatever_digits_it_holds() -> None:
    # A client's conversation ID with six digits in a row was masked like a code, so the replayed
    # replies named another recipient (a fresh-clone run caught it).
    ledger = MessageLedger(MemoryStore())
    await ledger.claim("rest:ids-d625543f43be", "m1")
    replies = [{"recipient_id": "ids-d625543f43be", "text": "Your code is 123456"}]
    await ledger.answered("rest:ids-d625543f43be", "m1", replies)
    kept = (await ledger.claim("rest:ids-d625543f43be", "m1")).replies or []
    assert kept[0]["recipient_id"] == "ids-d625543f43be"
    assert "123456" not in kept[0]["text"]

"""A message resent with the same ID is processed at most once (channels/message_ledger.py),
against the real Rasa server: the resend gets the first copy's replies, and the conversation
holds the message once."""

from __future__ import annotations

import uuid

import requests


def post(assistant, body: dict) -> requests.Response:
    return requests.post(f"{assistant.rasa_url}/webhooks/rest/webhook", json=body, timeout=30)


def test_a_resent_message_is_answered_again_but_processed_once(assistant) -> None:
    sender = f"ids-{uuid.uuid4().hex[:12]}"
    body = {"sender": sender, "message": "how do I reset my password", "message_id": "m-1"}
    first = post(assistant, body)
    again = post(assistant, body)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json() and first.json()
    assert again.headers.get("X-Replayed") == "1" and "X-Replayed" not in first.headers

    # Another ID is another message, even with the same text.
    third = post(assistant, {**body, "message_id": "m-2"})
    assert third.status_code == 200 and "X-Replayed" not in third.headers

    events = assistant.tracker(f"rest:{sender}")["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    assert said.count("how do I reset my password") == 2, said


def test_the_same_id_in_another_conversation_is_another_message(assistant) -> None:
    body = {"message": "hello there", "message_id": "same-id"}
    one = post(assistant, {**body, "sender": f"ids-{uuid.uuid4().hex[:12]}"})
    other = post(assistant, {**body, "sender": f"ids-{uuid.uuid4().hex[:12]}"})
    assert "X-Replayed" not in one.headers and "X-Replayed" not in other.headers
    assert other.json()[0]["recipient_id"] != one.json()[0]["recipient_id"]


def test_a_malformed_message_id_is_a_clear_400(assistant) -> None:
    for bad in ("x" * 65, 12, "", "tab\there"):
        reply = post(assistant, {"sender": "ids-bad", "message": "hi", "message_id": bad})
        assert reply.status_code == 400 and "message_id" in reply.json()["reason"]

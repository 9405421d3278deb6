"""Bad input through the REST channel: a polite answer every time, a 400 for a broken body."""

from __future__ import annotations

import uuid

import pytest
import requests

POLITE_WORDS = ("sorry", "help", "hi", "thanks", "okay")


@pytest.mark.parametrize(
    "message",
    [
        "",
        "   \n\t  ",
        "x" * 20_000,
        "help me " * 2_500,
        "🙂🙂🙂",
        "❤️ ☺️ ✔️ 👍🏽 👨‍👩‍👧",
        "\x00\x01\x02\x1b[31m",
        "என் கார்டு தொலைந்து விட்டது",  # Tamil: a script the assistant does not answer in
        '/inform{"region": ',
    ],
    ids=[
        "empty",
        "whitespace",
        "20k-chars",
        "20k-words",
        "emoji",
        "emoji-selectors-and-joiners",
        "control-chars",
        "tamil",
        "broken-payload",
    ],
)
def test_every_odd_message_gets_a_polite_answer(assistant, message):
    sender = f"bad-{uuid.uuid4().hex[:10]}"
    replies = assistant.send(sender, message, timeout_s=60)
    text = " ".join(reply.get("text", "") for reply in replies).lower()
    assert replies, "no answer at all"
    assert any(word in text for word in POLITE_WORDS), text
    # The conversation goes on normally afterwards.
    assert "American Express" in " ".join(r.get("text", "") for r in assistant.send(sender, "hello"))


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"this is not json", "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (b'{"message": "hi"}', "application/json"),
        (b'{"sender": "", "message": "hi"}', "application/json"),
        (b'{"sender": "a", "message": 42}', "application/json"),
        (b'{"sender": "a", "message": "hi", "metadata": "x"}', "application/json"),
        (b'{"sender": "a"', "application/json"),
    ],
    ids=["not-json", "list", "no-sender", "empty-sender", "number-message", "string-metadata", "truncated"],
)
def test_malformed_bodies_get_a_clear_400(assistant, body, content_type):
    reply = requests.post(
        f"{assistant.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "bad_request"

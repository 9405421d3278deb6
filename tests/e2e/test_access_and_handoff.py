"""Access tasks and the handoff to a person, end to end."""

from __future__ import annotations


def test_a_password_reset_link_is_emailed_and_lasts_an_hour(assistant, chat):
    sent = chat.verify("I forgot my password", "sam.lee")
    assert "password reset link" in sent and "1 hour" in sent and "s••" in sent
    email = assistant.outbox("sam.lee")[-1]
    assert email["channel"] == "email" and "http" in email["text"]


def test_a_locked_account_is_answered_at_once_without_a_user_id(assistant, chat):
    sent_before = len(assistant.outbox("jordan.reyes"))
    answered = chat.say("I'm locked out of my account")
    assert "What's your User ID" not in answered and "can't reach" not in answered
    assert "unlocks by itself" in answered and "resetting your password" in answered
    assert "back of your card" in answered
    assert "identity check in this chat" not in answered
    assert len(assistant.outbox("jordan.reyes")) == sent_before


def test_a_person_takes_over_with_a_reference_and_a_redacted_transcript(assistant, chat):
    chat.say("hi")
    chat.say("my card 4111 1111 1111 1111 isn't working")
    handed = chat.say("I want to talk to a human")
    assert "reference is HO-" in handed and "minutes" in handed
    # The handoff case keeps the transcript, with the card number cut to its last four.
    stored = assistant.stored_bytes()
    assert b"4111 1111 1111 1111" not in stored and b"4111111111111111" not in stored
    assert b"card ending 1111" in stored


def test_asking_again_for_a_person_keeps_the_same_handoff(assistant, chat):
    first = chat.say("I want to talk to a human")
    reference = next(word.strip(".,") for word in first.split() if word.startswith("HO-"))
    # While waiting, REST is a live channel: asking again goes to the team with the queue place,
    # and no second case opens.
    again = chat.say("agent please")
    assert "in the queue" in again
    active = assistant.service("GET", "/handoffs/active", params={"conversation_id": chat.conversation})
    assert active.json()["reference"] == reference


def test_a_person_is_offered_in_the_middle_of_a_task(assistant, chat):
    chat.say("pay my bill")
    handed = chat.say("agent please")
    assert "reference is HO-" in handed

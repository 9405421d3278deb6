"""The website's socket.io channel against the real Rasa server: replies reach the browser's
room, a reload (new connection, same session) continues the conversation, input is screened."""

from __future__ import annotations

import asyncio

import pytest
import socketio

pytestmark = pytest.mark.asyncio


class Browser:
    """What the widget does: connect, ask for a session, send, collect the replies."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: asyncio.Queue = asyncio.Queue()
        self.session_id: str | None = None
        self.session_secret: str | None = None
        self.errors: asyncio.Queue = asyncio.Queue()
        self.client.on("bot_uttered", self.replies.put)
        self.client.on("session_error", self.errors.put)

    async def open(
        self, session_id: str | None = None, session_secret: str | None = None, headers: dict | None = None
    ) -> str:
        """Connects and asks for a session (a new one, or the given one with its secret)."""
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda data: confirmed.done() or confirmed.set_result(data))
        await self.client.connect(
            self.url, socketio_path="/socket.io", transports=["polling"], headers=headers or {}
        )
        request = {"session_id": session_id, "session_secret": session_secret}
        await self.client.emit("session_request", request)
        session = await asyncio.wait_for(confirmed, 10)
        self.session_id, self.session_secret = session["session_id"], session["session_secret"]
        return self.session_id

    @property
    def conversation(self) -> str:
        """The conversation ID the tracker and the account service know."""
        return f"socketio:{self.session_id}"

    async def say(self, text: str, quiet_s: float = 1.5) -> list[dict]:
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session_id})
        replies = [await asyncio.wait_for(self.replies.get(), 30)]
        while True:
            try:
                replies.append(await asyncio.wait_for(self.replies.get(), quiet_s))
            except asyncio.TimeoutError:
                return replies

    async def close(self) -> None:
        # Abort instead of a polite close: a polite one waits out the pending long-poll (25 s).
        await self.client.eio.disconnect(abort=True)


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


async def test_a_reply_reaches_the_browser_and_a_reload_continues_the_conversation(assistant):
    first = Browser(assistant.rasa_url)
    session_id = await first.open()
    assert "User ID" in texts(await first.say("what's my balance"))
    await first.close()
    # A reload: a new connection with the session and its secret kept in the page's storage.
    second = Browser(assistant.rasa_url)
    assert await second.open(session_id, first.session_secret) == session_id
    answered = texts(await second.say("what are the password requirements?"))
    assert "12 characters" in answered and "User ID" in answered  # still inside the balance check
    await second.close()


async def test_a_session_named_without_its_secret_gets_a_new_empty_conversation(assistant):
    owner = Browser(assistant.rasa_url)
    session_id = await owner.open()
    assert "User ID" in texts(await owner.say("what's my balance"))
    # The first character changed (the last one carries padding bits: base64 of a 20-byte HMAC,
    # so a few other last characters decode to the same bytes, which is not a forgery).
    real = owner.session_secret
    altered = ("B" if real[0] == "A" else "A") + real[1:]
    for forged_secret in (None, "", "x" * 27, altered):
        intruder = Browser(assistant.rasa_url)
        given = await intruder.open(session_id, forged_secret)
        assert given != session_id and len(given) >= 16
        # The intruder's message goes to its own new conversation, not the owner's form.
        assert "User ID" not in texts(await intruder.say("what are the password requirements?"))
        await intruder.close()
    # Naming another session in a message does not move it there either.
    intruder = Browser(assistant.rasa_url)
    await intruder.open()
    await intruder.client.emit("user_uttered", {"message": "alex.morgan", "session_id": session_id})
    refused = await asyncio.wait_for(intruder.errors.get(), 10)
    assert refused == {"reason": "request a session first"}
    await intruder.close()
    events = assistant.tracker(owner.conversation)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["what's my balance"]
    await owner.close()


async def test_a_card_number_is_warned_about_first(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    replies = await browser.say("my card is 4111 1111 1111 1111")
    assert "don't type your full card number" in replies[0]["text"]
    await browser.close()
    assert b"4111 1111 1111 1111" not in assistant.stored_bytes()


async def test_a_message_sent_again_with_its_id_is_answered_again_but_processed_once(assistant):
    """What the widget does after a reconnect: the unanswered message again, with the same ID."""
    browser = Browser(assistant.rasa_url)
    await browser.open()
    try:
        sent = {
            "message": "how do I reset my password",
            "session_id": browser.session_id,
            "message_id": "w-1",
        }
        await browser.client.emit("user_uttered", sent)
        first = [await asyncio.wait_for(browser.replies.get(), 30)]
        await asyncio.sleep(1.5)
        while not browser.replies.empty():
            first.append(browser.replies.get_nowait())
        await browser.client.emit("user_uttered", sent)
        again = [await asyncio.wait_for(browser.replies.get(), 30)]
        await asyncio.sleep(1.5)
        while not browser.replies.empty():
            again.append(browser.replies.get_nowait())
        assert again == first and texts(first)
    finally:
        await browser.close()
    events = assistant.tracker(browser.conversation)["events"]
    said = [event["text"] for event in events if event["event"] == "user"]
    assert said.count("how do I reset my password") == 1, said

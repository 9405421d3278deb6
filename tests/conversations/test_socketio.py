"""The website's socket.io channel against the real Rasa server: replies reach the browser's
room, a reload (new connection, same session) continues the conversation, input is screened."""

from __future__ import annotations

import asyncio
import uuid

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
        self.client.on("bot_uttered", self.replies.put)

    async def open(self, session_id: str | None = None) -> str:
        confirmed: asyncio.Future = asyncio.get_running_loop().create_future()
        self.client.on("session_confirm", lambda sid: confirmed.done() or confirmed.set_result(sid))
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["polling"])
        await self.client.emit("session_request", {"session_id": session_id})
        self.session_id = await asyncio.wait_for(confirmed, 10)
        return self.session_id

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
    session_id = await first.open(uuid.uuid4().hex)
    assert "User ID" in texts(await first.say("what's my balance"))
    await first.close()
    # A reload: a new connection with the session kept in the page's storage.
    second = Browser(assistant.rasa_url)
    assert await second.open(session_id) == session_id
    answered = texts(await second.say("what are the password requirements?"))
    assert "12 characters" in answered and "User ID" in answered  # still inside the balance check
    await second.close()


async def test_a_guessable_session_id_is_replaced_by_a_random_one(assistant):
    browser = Browser(assistant.rasa_url)
    given = await browser.open("1")
    assert given != "1" and len(given) >= 16
    await browser.close()


async def test_a_card_number_is_warned_about_first(assistant):
    browser = Browser(assistant.rasa_url)
    await browser.open()
    replies = await browser.say("my card is 4111 1111 1111 1111")
    assert "don't type your full card number" in replies[0]["text"]
    await browser.close()
    assert b"4111 1111 1111 1111" not in assistant.stored_bytes()

"""Conversation IDs namespaced by channel: `<channel>:<the platform's own ID>`.

The conversation ID is what the tracker, the identity check and a live handoff are keyed on. If a
channel took it as given, a REST client could send `+15550102002` and speak in the SMS
conversation of that customer. Each channel therefore prefixes the ID it trusts (a signed chat
ID, a server-issued widget session) with its own name, so no channel can ever name another
channel's conversation. Replies still go to the platform's own ID: `NamespacedOutput` takes the
prefix off before the channel's output sends anything.

In logs a conversation ID is a credential-like handle: `log_id` shows a short hash instead.
"""

from __future__ import annotations

import hashlib
from typing import Any

from rasa.core.channels.channel import OutputChannel

SEPARATOR = ":"


def namespaced(channel: str, platform_id: str) -> str:
    return f"{channel}{SEPARATOR}{platform_id}"


def platform_id(conversation_id: str, channel: str) -> str | None:
    """The platform's own ID inside a conversation ID of `channel` (None for another channel's)."""
    prefix = f"{channel}{SEPARATOR}"
    return conversation_id[len(prefix) :] if conversation_id.startswith(prefix) else None


def log_id(conversation_id: str) -> str:
    """What logs show of a conversation: its channel and a short hash, never the ID itself."""
    channel, _, _ = conversation_id.partition(SEPARATOR)
    digest = hashlib.sha256(conversation_id.encode()).hexdigest()[:12]
    return f"{channel}:#{digest}" if channel != conversation_id else f"#{digest}"


class NamespacedOutput(OutputChannel):
    """An output channel that receives namespaced recipient IDs and hands the platform's own ID
    to the wrapped channel."""

    def __init__(self, inner: OutputChannel, channel: str) -> None:
        self.inner = inner
        self.channel = channel

    def name(self) -> str:  # type: ignore[override]
        return self.inner.name()

    def _platform(self, recipient_id: str) -> str:
        return platform_id(recipient_id, self.channel) or recipient_id

    def __getattr__(self, attribute: str) -> Any:
        # e.g. CollectingOutputChannel.messages
        return getattr(self.inner, attribute)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self.inner.send_response(self._platform(recipient_id), message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.inner.send_text_message(self._platform(recipient_id), text, **kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.inner.send_image_url(self._platform(recipient_id), image, **kwargs)

    async def send_attachment(self, recipient_id: str, attachment: str, **kwargs: Any) -> None:
        await self.inner.send_attachment(self._platform(recipient_id), attachment, **kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.inner.send_text_with_buttons(self._platform(recipient_id), text, buttons, **kwargs)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.inner.send_quick_replies(self._platform(recipient_id), text, quick_replies, **kwargs)

    async def send_elements(self, recipient_id: str, elements: Any, **kwargs: Any) -> None:
        await self.inner.send_elements(self._platform(recipient_id), elements, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        await self.inner.send_custom_json(self._platform(recipient_id), json_message, **kwargs)

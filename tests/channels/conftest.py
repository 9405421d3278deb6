"""Customers on the messaging platforms, as the platforms' webhooks carry them to the real Rasa
server; their replies are read back from the platform stand-in (tests/platform_standin.py)."""

from __future__ import annotations

import json
import random
import time
import uuid
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from tests import messaging_env as creds
from tests.channels.signing import facebook_signature, slack_headers, twilio_signature
from tests.conftest import Assistant

_update_ids = iter(range(random.randrange(10**6, 10**7), 10**8))


class Standin:
    def __init__(self, url: str) -> None:
        self.url = url

    def calls(self, **filters: str) -> list[dict[str, Any]]:
        reply = requests.get(f"{self.url}/__calls", params=filters, timeout=10)
        reply.raise_for_status()
        return reply.json()


class Customer:
    """One customer on one platform. `say` and `press` return the replies the assistant sent
    through the platform's API (stand-in calls, with `text` and `buttons`)."""

    platform = ""
    webhook = ""
    reply_api = ""
    # Slack runs the assistant after answering the webhook: its replies need a moment.
    settle_s = 0.2

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.standin = Standin(assistant.standin_url)
        self.to = ""  # where the platform delivers the replies
        self.conversation_id = ""  # the conversation Rasa sees: "<channel>:<the platform's ID>"

    @property
    def url(self) -> str:
        return f"{self.assistant.rasa_url}/webhooks/{self.platform}/webhook"

    def replies_so_far(self) -> list[dict[str, Any]]:
        return self.standin.calls(platform=self.platform, to=self.to, api=self.reply_api)

    def post_text(self, text: str, **kwargs: Any) -> requests.Response:
        raise NotImplementedError

    def post_press(self, payload: str, **kwargs: Any) -> requests.Response:
        raise NotImplementedError

    def post_forged(self, text: str) -> requests.Response:
        """Signed with a wrong secret."""
        raise NotImplementedError

    def post_unsigned(self, text: str) -> requests.Response:
        raise NotImplementedError

    def say(self, text: str) -> list[dict[str, Any]]:
        return self._exchange(lambda: self.post_text(text))

    def press(self, payload: str) -> list[dict[str, Any]]:
        return self._exchange(lambda: self.post_press(payload))

    def _exchange(self, post) -> list[dict[str, Any]]:
        before = len(self.replies_so_far())
        answer = post()
        assert answer.status_code == 200, answer.text
        return self.wait_for_replies(before)

    def wait_for_replies(self, before: int, timeout_s: float = 45) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout_s
        seen, stable_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            calls = self.replies_so_far()
            if len(calls) != seen:
                seen, stable_since = len(calls), time.monotonic()
            elif seen > before and time.monotonic() - stable_since >= self.settle_s:
                return calls[before:]
            time.sleep(0.1)
        raise AssertionError(f"no reply on {self.platform} to {self.to} within {timeout_s} s")

    def nothing_sent_after(self, before: int) -> bool:
        time.sleep(max(self.settle_s, 0.2) + 1.0)
        return len(self.replies_so_far()) == before and not self.standin.calls(
            platform=self.platform, to=self.to
        )

    def user_texts(self) -> list[str]:
        """What the assistant recorded the customer as saying (the tracker's user events)."""
        tracker = self.assistant.tracker(self.conversation_id)
        return [event.get("text") for event in tracker["events"] if event["event"] == "user"]


def texts(replies: list[dict[str, Any]]) -> str:
    return "\n".join(reply.get("text") or "" for reply in replies)


def buttons(replies: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [button for reply in replies for button in reply.get("buttons") or []]


# --- Telegram: https://core.telegram.org/bots/api#update ---------------------------------------------
class TelegramCustomer(Customer):
    platform, reply_api = "telegram", "sendMessage"

    def __init__(self, assistant: Assistant, chat_type: str = "private") -> None:
        super().__init__(assistant)
        self.user_id = random.randrange(10**8, 10**10)
        self.chat_id = self.user_id if chat_type == "private" else -random.randrange(10**9, 10**12)
        self.chat_type = chat_type
        self.to = str(self.chat_id)
        self.conversation_id = f"telegram:{self.chat_id}"

    def _user(self) -> dict[str, Any]:
        return {"id": self.user_id, "is_bot": False, "first_name": "Alex", "language_code": "en"}

    def _chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.chat_id, "type": self.chat_type}
        if self.chat_type == "private":
            chat["first_name"] = "Alex"
        else:
            chat["title"] = "Family"
        return chat

    def text_update(self, text: str) -> dict[str, Any]:
        update_id = next(_update_ids)
        message = {
            "message_id": update_id % 100000,
            "from": self._user(),
            "chat": self._chat(),
            "date": int(time.time()),
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"offset": 0, "length": len(text.split()[0]), "type": "bot_command"}]
        return {"update_id": update_id, "message": message}

    def button_update(self, payload: str) -> dict[str, Any]:
        update_id = next(_update_ids)
        bot = {
            "id": int(creds.TELEGRAM_ACCESS_TOKEN.split(":")[0]),
            "is_bot": True,
            "first_name": "Card Help",
        }
        shown = {"message_id": 1, "from": bot, "chat": self._chat(), "date": int(time.time()), "text": "…"}
        query = {
            "id": str(update_id),
            "from": self._user(),
            "message": shown,
            "chat_instance": "-4917262917436781231",
            "data": payload,
        }
        return {"update_id": update_id, "callback_query": query}

    def post(
        self, update: dict[str, Any], secret: str | None = creds.TELEGRAM_SECRET_TOKEN
    ) -> requests.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        return requests.post(self.url, json=update, headers=headers, timeout=60)

    def post_text(self, text: str, **kwargs: Any) -> requests.Response:
        return self.post(self.text_update(text), **kwargs)

    def post_press(self, payload: str, **kwargs: Any) -> requests.Response:
        return self.post(self.button_update(payload), **kwargs)

    def post_forged(self, text: str) -> requests.Response:
        return self.post_text(text, secret="not-the-webhook-secret")

    def post_unsigned(self, text: str) -> requests.Response:
        return self.post_text(text, secret=None)


# --- Slack: Events API https://api.slack.com/apis/events-api, interactivity block_actions -----------
class SlackCustomer(Customer):
    platform, reply_api = "slack", "chat.postMessage"
    settle_s = 1.5

    def __init__(self, assistant: Assistant, channel_type: str = "im") -> None:
        super().__init__(assistant)
        self.user_id = "U" + uuid.uuid4().hex[:10].upper()
        prefix = "D" if channel_type == "im" else "C"
        self.channel = prefix + uuid.uuid4().hex[:10].upper()
        self.channel_type = channel_type
        self.to = self.channel
        self.conversation_id = f"slack:{self.user_id}"

    def event(self, text: str, event_type: str = "message") -> dict[str, Any]:
        ts = f"{time.time():.6f}"
        return {
            "token": "ZZZZZZWSxiZZZ2yIvs3peJ",
            "team_id": "T061EG9R6",
            "api_app_id": "A0MDYCDME",
            "event": {
                "type": event_type,
                "channel": self.channel,
                "user": self.user_id,
                "text": text,
                "ts": ts,
                "event_ts": ts,
                "channel_type": self.channel_type,
            },
            "type": "event_callback",
            "authorizations": [{"team_id": "T061EG9R6", "user_id": "UBOTTEST01", "is_bot": True}],
            "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
        }

    def post_json(self, payload: dict[str, Any], secret: str = creds.SLACK_SIGNING_SECRET, **sign: Any):
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", **slack_headers(body, secret, **sign)}
        return requests.post(self.url, data=body, headers=headers, timeout=60)

    def post_text(self, text: str, **kwargs: Any) -> requests.Response:
        return self.post_json(self.event(text), **kwargs)

    def post_forged(self, text: str) -> requests.Response:
        return self.post_text(text, secret="not-the-signing-secret")

    def post_unsigned(self, text: str) -> requests.Response:
        body = json.dumps(self.event(text)).encode()
        return requests.post(self.url, data=body, headers={"Content-Type": "application/json"}, timeout=60)

    def post_press(self, payload: str, secret: str = creds.SLACK_SIGNING_SECRET) -> requests.Response:
        action = {
            "type": "block_actions",
            "user": {"id": self.user_id, "username": "alex", "team_id": "T061EG9R6"},
            "api_app_id": "A0MDYCDME",
            "container": {"type": "message", "channel_id": self.channel},
            "channel": {"id": self.channel, "name": "directmessage"},
            "message": {"type": "message", "ts": f"{time.time():.6f}", "bot_id": "B0TEST"},
            "actions": [
                {
                    "type": "button",
                    "action_id": "a1",
                    "block_id": "b1",
                    "text": {"type": "plain_text", "text": payload},
                    "value": payload,
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(action)}).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **slack_headers(body, secret)}
        return requests.post(self.url, data=body, headers=headers, timeout=60)


# --- Twilio: https://www.twilio.com/docs/messaging/guides/webhook-request ---------------------------
class TwilioCustomer(Customer):
    platform, reply_api = "twilio", "Messages.create"

    def __init__(self, assistant: Assistant, whatsapp: bool = False) -> None:
        super().__init__(assistant)
        phone = f"+1555{random.randrange(10**6, 10**7)}"
        self.whatsapp = whatsapp
        self.to = f"whatsapp:{phone}" if whatsapp else phone
        self.conversation_id = f"twilio:{self.to}"

    def params(self, text: str) -> dict[str, str]:
        sid = "SM" + uuid.uuid4().hex
        params = {
            "ToCountry": "US",
            "SmsMessageSid": sid,
            "NumMedia": "0",
            "SmsSid": sid,
            "SmsStatus": "received",
            "Body": text,
            "To": creds.TWILIO_WHATSAPP_NUMBER if self.whatsapp else creds.TWILIO_NUMBER,
            "NumSegments": "1",
            "MessageSid": sid,
            "AccountSid": creds.TWILIO_ACCOUNT_SID,
            "From": self.to,
            "ApiVersion": "2010-04-01",
        }
        if self.whatsapp:
            params.update(
                {"ProfileName": "Alex", "WaId": self.to.removeprefix("whatsapp:+"), "MessageType": "text"}
            )
        return params

    def post_text(
        self,
        text: str,
        token: str = creds.TWILIO_AUTH_TOKEN,
        signed_url: str = creds.TWILIO_WEBHOOK_URL,
        signature: str | None = "",
    ) -> requests.Response:
        params = self.params(text)
        if signature == "":
            signature = twilio_signature(signed_url, params, token)
        headers = {"X-Twilio-Signature": signature} if signature is not None else {}
        return requests.post(self.url, data=params, headers=headers, timeout=60)

    def post_forged(self, text: str) -> requests.Response:
        return self.post_text(text, token="not-the-auth-token")

    def post_unsigned(self, text: str) -> requests.Response:
        return self.post_text(text, signature=None)


# --- Messenger: https://developers.facebook.com/docs/messenger-platform/webhooks --------------------
PAGE_ID = "106000000000001"


class FacebookCustomer(Customer):
    platform, reply_api = "facebook", "message"

    def __init__(self, assistant: Assistant) -> None:
        super().__init__(assistant)
        self.to = str(random.randrange(10**15, 10**16))
        self.conversation_id = f"facebook:{self.to}"

    def event(self, message: dict[str, Any] | None = None, postback: dict[str, Any] | None = None) -> dict:
        event: dict[str, Any] = {
            "sender": {"id": self.to},
            "recipient": {"id": PAGE_ID},
            "timestamp": int(time.time() * 1000),
        }
        if message is not None:
            event["message"] = {"mid": "m_" + uuid.uuid4().hex, **message}
        if postback is not None:
            event["postback"] = postback
        return event

    @staticmethod
    def batch(*events: dict[str, Any]) -> dict[str, Any]:
        return {
            "object": "page",
            "entry": [{"id": PAGE_ID, "time": int(time.time() * 1000), "messaging": list(events)}],
        }

    def post_body(
        self, body: dict[str, Any], secret: str = creds.FACEBOOK_APP_SECRET, headers: dict | None = None
    ) -> requests.Response:
        raw = json.dumps(body).encode()
        if headers is None:
            headers = {"X-Hub-Signature-256": facebook_signature(raw, secret)}
        return requests.post(
            self.url, data=raw, headers={"Content-Type": "application/json", **headers}, timeout=60
        )

    def post_text(self, text: str, **kwargs: Any) -> requests.Response:
        return self.post_body(self.batch(self.event({"text": text})), **kwargs)

    def post_press(self, payload: str, **kwargs: Any) -> requests.Response:
        message = {"text": "Check my balance", "quick_reply": {"payload": payload}}
        return self.post_body(self.batch(self.event(message)), **kwargs)

    def post_forged(self, text: str) -> requests.Response:
        return self.post_text(text, secret="not-the-app-secret")

    def post_unsigned(self, text: str) -> requests.Response:
        return self.post_text(text, headers={})


CUSTOMERS = {
    "telegram": TelegramCustomer,
    "slack": SlackCustomer,
    "sms": TwilioCustomer,
    "whatsapp": lambda assistant: TwilioCustomer(assistant, whatsapp=True),
    "facebook": FacebookCustomer,
}


@pytest.fixture(params=sorted(CUSTOMERS))
def customer(request: pytest.FixtureRequest, assistant: Assistant) -> Customer:
    """A new customer on each platform in turn."""
    assistant.set_fault("pass")
    return CUSTOMERS[request.param](assistant)

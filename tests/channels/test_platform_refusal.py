"""A platform that refuses an agent's line: the Twilio (SMS, WhatsApp) and Messenger relays answer
502 not_delivered instead of "sent", so the console can tell the agent the customer did not get
it. The real relay route (served by Sanic in this loop) sends through the real output clients to
the platform stand-in, which refuses one recipient the way each platform does."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
import pytest_asyncio
from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, Sanic

from channels.agent_relay import PlatformRelay, add_relay_route
from channels.facebook import FacebookSettings, MessengerReplies
from channels.twilio import TwilioReplies, TwilioSettings
from tests import messaging_env as creds
from tests.platform_standin import running_standin
from tests.sanic_serving import free_port, serving

pytestmark = pytest.mark.asyncio
TOKEN = "relay-token-for-the-refusal-tests-0123456789"


@pytest.fixture(scope="module")
def standin() -> Iterator[str]:
    with running_standin(free_port()) as url:
        yield url


def sender_of(output: OutputChannel) -> Callable[[str], OutputChannel]:
    return lambda _: output


@pytest_asyncio.fixture
async def rasa(standin: str) -> AsyncIterator[str]:
    twilio = TwilioSettings(
        account_sid=creds.TWILIO_ACCOUNT_SID,
        auth_token=creds.TWILIO_AUTH_TOKEN,
        webhook_url=creds.TWILIO_WEBHOOK_URL,
        sms_number=creds.TWILIO_NUMBER,
        api_url=standin,
    )
    facebook = FacebookSettings(
        verify_token=creds.FACEBOOK_VERIFY_TOKEN,
        app_secret=creds.FACEBOOK_APP_SECRET,
        page_access_token=creds.FACEBOOK_PAGE_ACCESS_TOKEN,
        api_url=standin,
        api_version=creds.FACEBOOK_API_VERSION,
    )
    sms, messenger = TwilioReplies(twilio, creds.TWILIO_NUMBER), MessengerReplies(facebook)
    app = Sanic(f"refusal_{uuid.uuid4().hex[:8]}")
    for channel, output in (("twilio", sms), ("facebook", messenger)):
        webhook = Blueprint(f"{channel}_webhook", url_prefix=f"/webhooks/{channel}")
        add_relay_route(webhook, channel, PlatformRelay(sender_of(output)), TOKEN)
        app.blueprint(webhook)
    async with serving(app) as url:
        yield url


async def relay(rasa: str, channel: str, conversation: str) -> tuple[int, dict]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{rasa}/webhooks/{channel}/agent_message",
            json={"conversation_id": conversation, "text": "Your card is unblocked now.", "agent": "Priya"},
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as reply,
    ):
        return reply.status, await reply.json()


async def refuse(standin: str, platform: str, to: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{standin}/__refuse", json={"platform": platform, "to": to}) as reply,
    ):
        assert reply.status == 200


@pytest.mark.parametrize(
    ("channel", "platform", "recipient"),
    [("twilio", "twilio", "+15550123456"), ("facebook", "facebook", "2900100200300")],
)
async def test_a_refused_line_is_not_delivered_and_an_accepted_one_is_sent(
    rasa: str, standin: str, channel: str, platform: str, recipient: str
) -> None:
    assert await relay(rasa, channel, f"{channel}:{recipient}") == (200, {"status": "sent"})
    await refuse(standin, platform, recipient)
    assert await relay(rasa, channel, f"{channel}:{recipient}") == (502, {"error": "not_delivered"})
    # Another customer on the same platform still gets their line.
    assert await relay(rasa, channel, f"{channel}:+15550999999") == (200, {"status": "sent"})


# --- WhatsApp's 24-hour window --------------------------------------------------------------------
WINDOWS: dict[str, bool | None] = {}


async def window_of(conversation: str) -> bool | None:
    return WINDOWS.get(conversation)


@asynccontextmanager
async def whatsapp_relay(standin: str, templates: dict[str, str]) -> AsyncIterator[str]:
    settings = TwilioSettings(
        account_sid=creds.TWILIO_ACCOUNT_SID,
        auth_token=creds.TWILIO_AUTH_TOKEN,
        webhook_url=creds.TWILIO_WEBHOOK_URL,
        whatsapp_number=creds.TWILIO_WHATSAPP_NUMBER,
        api_url=standin,
        whatsapp_templates=templates,
    )
    output = TwilioReplies(settings, creds.TWILIO_WHATSAPP_NUMBER, window_of)
    app = Sanic(f"whatsapp_{uuid.uuid4().hex[:8]}")
    webhook = Blueprint("twilio_webhook", url_prefix="/webhooks/twilio")
    add_relay_route(webhook, "twilio", PlatformRelay(sender_of(output)), TOKEN)
    app.blueprint(webhook)
    async with serving(app) as url:
        yield url


async def sent_to(standin: str, to: str) -> list[dict]:
    async with aiohttp.ClientSession() as http, http.get(f"{standin}/__calls", params={"to": to}) as reply:
        return list(await reply.json())


async def test_whatsapp_outside_the_window_gets_the_approved_template(standin: str) -> None:
    templates = {"support_reply": "HX0000000000000000000000000000reply", "support_update": "HXupdate"}
    late, recent = "whatsapp:+919820041101", "whatsapp:+919820041102"
    WINDOWS.update({f"twilio:{late}": False, f"twilio:{recent}": True})
    async with whatsapp_relay(standin, templates) as rasa:
        assert await relay(rasa, "twilio", f"twilio:{recent}") == (200, {"status": "sent"})
        assert await relay(rasa, "twilio", f"twilio:{late}") == (200, {"status": "sent"})
    [free_text] = await sent_to(standin, recent)
    assert free_text["text"] == "Priya: Your card is unblocked now." and "ContentSid" not in free_text["body"]
    [template] = await sent_to(standin, late)
    assert template["text"] is None and template["body"]["ContentSid"] == templates["support_reply"]
    assert json.loads(template["body"]["ContentVariables"]) == {
        "1": "Priya",
        "2": "Your card is unblocked now.",
    }


async def test_whatsapp_outside_the_window_without_a_template_is_not_delivered(standin: str) -> None:
    late = "whatsapp:+919820041103"
    WINDOWS[f"twilio:{late}"] = False
    async with whatsapp_relay(standin, {}) as rasa:
        assert await relay(rasa, "twilio", f"twilio:{late}") == (502, {"error": "not_delivered"})
    assert await sent_to(standin, late) == []

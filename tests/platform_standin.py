"""A local stand-in for the messaging platforms' APIs; started before the test assistant.

It answers the calls the channels make the way each platform does, with the platform's
credentials check (the test values of tests/messaging_env.py), and records every call:
- Telegram Bot API: `POST /bot<token>/<method>` (getMe, setWebhook, sendMessage, answerCallbackQuery …)
- Slack Web API: `POST /api/chat.postMessage` (bearer token)
- Twilio REST API: `POST /2010-04-01/Accounts/<sid>/Messages.json` (basic auth)
- Graph API Send API: `POST /v<version>/me/messages?access_token=…&appsecret_proof=…`

`GET /__calls` lists the recorded calls (filter with `?platform=` and `?to=`), `DELETE /__calls`
forgets them (and the refusals). `POST /__refuse` with `{"platform", "to"}` makes the platform
refuse every later message to that recipient as it does for real (Twilio: 400, code 21610, an
unsubscribed number; Messenger: 400, code 551, the person is not available). A call is
`{"platform", "api", "to", "text", "buttons", "authorized", "body"}`, with `buttons` as
`[{"title", "payload"}]` whatever the platform's own shape.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.utils import formatdate
from typing import Any

from aiohttp import BasicAuth, web

from tests import messaging_env as creds

CALLS = web.AppKey("calls", list)
REFUSED = web.AppKey("refused", set)  # (platform, recipient) pairs the platform turns away
_ids = itertools.count(1000)


def _record(request: web.Request, call: dict[str, Any]) -> None:
    request.app[CALLS].append({"at": time.time(), "buttons": [], "text": None, "to": None, **call})


async def _fields(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        body = await request.json()
        return body if isinstance(body, dict) else {}
    form = await request.post()
    return {key: form.getone(key) if len(form.getall(key)) == 1 else form.getall(key) for key in form}


# --- Telegram Bot API -----------------------------------------------------------------------------
async def telegram(request: web.Request) -> web.Response:
    token, method = request.match_info["token"], request.match_info["method"]
    fields = {key: str(value) for key, value in (await _fields(request)).items()}
    markup = json.loads(fields.get("reply_markup") or "{}")
    buttons = [
        {"title": button.get("text"), "payload": button.get("callback_data")}
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]
    authorized = token == creds.TELEGRAM_ACCESS_TOKEN
    _record(
        request,
        {
            "platform": "telegram",
            "api": method,
            "to": fields.get("chat_id"),
            "text": fields.get("text"),
            "buttons": buttons,
            "authorized": authorized,
            "body": fields,
        },
    )
    if not authorized:
        return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
    result: Any = True
    if method.lower() == "getme":
        result = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Card Help",
            "username": creds.TELEGRAM_BOT_NAME,
        }
    elif method.lower() == "sendmessage":
        chat_id = int(fields.get("chat_id") or 0)
        result = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Card Help"},
            "text": fields.get("text", ""),
        }
    return web.json_response({"ok": True, "result": result})


# --- Slack Web API --------------------------------------------------------------------------------
async def slack(request: web.Request) -> web.Response:
    method = request.match_info["method"]
    fields = await _fields(request)
    authorized = request.headers.get("Authorization") == f"Bearer {creds.SLACK_BOT_TOKEN}"
    buttons = [
        {"title": element["text"]["text"], "payload": element.get("value")}
        for block in fields.get("blocks") or []
        if block.get("type") == "actions"
        for element in block.get("elements", [])
    ]
    _record(
        request,
        {
            "platform": "slack",
            "api": method,
            "to": fields.get("channel"),
            "text": fields.get("text"),
            "buttons": buttons,
            "authorized": authorized,
            "body": fields,
        },
    )
    if not authorized:
        return web.json_response({"ok": False, "error": "invalid_auth"})
    if method != "chat.postMessage":
        return web.json_response({"ok": True})
    ts = f"{time.time():.6f}"
    message = {"type": "message", "text": fields.get("text"), "ts": ts, "bot_id": "B0TEST"}
    return web.json_response({"ok": True, "channel": fields.get("channel"), "ts": ts, "message": message})


# --- Twilio REST API ------------------------------------------------------------------------------
async def twilio(request: web.Request) -> web.Response:
    sid = request.match_info["sid"]
    fields = {key: str(value) for key, value in (await _fields(request)).items()}
    try:
        auth = BasicAuth.decode(request.headers.get("Authorization", ""))
        authorized = (auth.login, auth.password) == (creds.TWILIO_ACCOUNT_SID, creds.TWILIO_AUTH_TOKEN)
    except ValueError:
        authorized = False
    authorized = authorized and sid == creds.TWILIO_ACCOUNT_SID
    _record(
        request,
        {
            "platform": "twilio",
            "api": "Messages.create",
            "to": fields.get("To"),
            "text": fields.get("Body"),
            "from": fields.get("From"),
            "authorized": authorized,
            "body": fields,
        },
    )
    if not authorized:
        error = {
            "code": 20003,
            "message": "Authenticate",
            "more_info": "https://www.twilio.com/docs/errors/20003",
        }
        return web.json_response({**error, "status": 401}, status=401)
    if ("twilio", fields.get("To")) in request.app[REFUSED]:
        error = {
            "code": 21610,
            "message": "Attempt to send to unsubscribed recipient",
            "more_info": "https://www.twilio.com/docs/errors/21610",
        }
        return web.json_response({**error, "status": 400}, status=400)
    message_sid = f"SM{next(_ids):032x}"
    now = formatdate(usegmt=True)
    return web.json_response(
        {
            "sid": message_sid,
            "account_sid": sid,
            "to": fields.get("To"),
            "from": fields.get("From"),
            "body": fields.get("Body"),
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "api_version": "2010-04-01",
            "date_created": now,
            "date_updated": now,
            "date_sent": None,
            "price": None,
            "price_unit": "USD",
            "error_code": None,
            "error_message": None,
            "messaging_service_sid": None,
            "uri": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}.json",
            "subresource_uris": {"media": f"/2010-04-01/Accounts/{sid}/Messages/{message_sid}/Media.json"},
        },
        status=201,
    )


# --- Graph API (Messenger Send API) ---------------------------------------------------------------
async def graph(request: web.Request) -> web.Response:
    fields = await _fields(request)
    token = request.query.get("access_token", "")
    proof = hmac.new(creds.FACEBOOK_APP_SECRET.encode(), token.encode(), hashlib.sha256).hexdigest()
    authorized = token == creds.FACEBOOK_PAGE_ACCESS_TOKEN and hmac.compare_digest(
        request.query.get("appsecret_proof", ""), proof
    )
    message = fields.get("message") or {}
    recipient = str((fields.get("recipient") or {}).get("id") or "")
    _record(
        request,
        {
            "platform": "facebook",
            "api": "sender_action" if "sender_action" in fields else "message",
            "version": request.match_info["version"],
            "to": recipient,
            "text": message.get("text"),
            "buttons": [
                {"title": reply.get("title"), "payload": reply.get("payload")}
                for reply in message.get("quick_replies") or []
            ],
            "authorized": authorized,
            "body": fields,
        },
    )
    if not authorized:
        error = {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}
        return web.json_response({"error": error}, status=400)
    if ("facebook", recipient) in request.app[REFUSED]:
        error = {
            "message": "(#551) This person isn't available right now.",
            "type": "OAuthException",
            "code": 551,
        }
        return web.json_response({"error": error}, status=400)
    if "sender_action" in fields:
        return web.json_response({"recipient_id": recipient})
    return web.json_response({"recipient_id": recipient, "message_id": f"m_{next(_ids)}"})


# --- what the tests read --------------------------------------------------------------------------
async def list_calls(request: web.Request) -> web.Response:
    calls = request.app[CALLS]
    for key in ("platform", "to", "api"):
        if key in request.query:
            calls = [call for call in calls if str(call.get(key)) == request.query[key]]
    return web.json_response(calls)


async def forget_calls(request: web.Request) -> web.Response:
    request.app[CALLS].clear()
    request.app[REFUSED].clear()
    return web.json_response({"ok": True})


async def refuse(request: web.Request) -> web.Response:
    fields = await _fields(request)
    request.app[REFUSED].add((str(fields.get("platform")), str(fields.get("to"))))
    return web.json_response({"ok": True})


def make_app() -> web.Application:
    app = web.Application()
    app[CALLS] = []
    app[REFUSED] = set()
    app.router.add_post(r"/bot{token}/{method}", telegram)
    app.router.add_post(r"/api/{method}", slack)
    app.router.add_post(r"/2010-04-01/Accounts/{sid}/Messages.json", twilio)
    app.router.add_post(r"/v{version}/me/messages", graph)
    app.router.add_get("/__calls", list_calls)
    app.router.add_delete("/__calls", forget_calls)
    app.router.add_post("/__refuse", refuse)
    return app


@contextmanager
def running_standin(port: int) -> Iterator[str]:
    """Yields the stand-in's base URL while it runs in a background thread."""
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(make_app(), access_log=None)
    started = threading.Event()
    failed: list[BaseException] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        except BaseException as error:  # noqa: BLE001 - reported to the caller below
            failed.append(error)
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="platform-standin", daemon=True)
    thread.start()
    if not started.wait(10) or failed:
        raise RuntimeError(f"the platform stand-in did not start: {failed}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

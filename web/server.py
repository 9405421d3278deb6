"""The website demo: the issuer's support page with the chat widget, on port 8080.

`python -m web.server`. Serves the page, the bundled widget (web/dist, built by make), `/health`,
`/metrics` for Prometheus (with METRICS_TOKEN), the agent console under `/agent` (web/agent_console.py),
and in demo mode `/demo/outbox?user_id=`, a read-only proxy to the account service's outbox for
the page's "demo phone". The widget itself talks to Rasa's socket.io channel directly (RASA_URL).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import aiohttp
from aiohttp import web

from common.metrics_aiohttp import add_metrics_route, metrics_middleware
from web.agent_console import add_console
from web.agent_sessions import SessionStore
from web.settings import DEMO_CUSTOMERS, Settings, SettingsError
from web.templating import TEMPLATES, environment, render

logger = logging.getLogger("web")

WEB_DIR = Path(__file__).resolve().parent
DIST = WEB_DIR / "dist"
# Every request body on every route: nothing the website takes is larger (a reply is 2,000
# characters), and a larger one is refused before it is read.
MAX_BODY = 64 * 1024
USER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
OUTBOX_FIELDS = ("channel", "to", "text", "sent_at")

SETTINGS = web.AppKey("settings", Settings)
CLIENT = web.AppKey("client", aiohttp.ClientSession)
PAGE = web.AppKey("page", str)


def content_security_policy(settings: Settings) -> str:
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: https:",
            "connect-src 'self' " + " ".join(settings.socket_origins()),
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def page_config(settings: Settings) -> dict:
    """What the page's script needs; nothing secret (the page is public)."""
    regions = {
        code: {
            "name": region.get("name", code),
            "site": region.get("site", ""),
            "phone": region.get("support_phone", ""),
        }
        for code, region in settings.issuer.get("regions", {}).items()
    }
    return {
        "socketUrl": settings.rasa_url,
        "issuerName": settings.issuer_name,
        "regions": regions,
        "demoMode": settings.demo_mode,
        "demoCustomers": list(DEMO_CUSTOMERS) if settings.demo_mode else [],
    }


def render_page(app: web.Application, settings: Settings) -> str:
    return render(
        app,
        "index.html",
        issuer_name=settings.issuer_name,
        config=page_config(settings),
        widget_built=(DIST / "widget.js").exists(),
    )


@web.middleware
async def limit_body(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """413 for a body over MAX_BODY: a declared length is refused before a byte is read; a
    chunked body is read (by aiohttp, up to client_max_size) only until it passes the limit."""
    declared = request.content_length
    if declared is not None and declared > MAX_BODY:
        raise too_large(declared)
    if declared is None and request.body_exists:  # chunked: no length to go by
        try:
            await request.read()  # aiohttp keeps it for the handler
        except web.HTTPRequestEntityTooLarge:
            raise too_large(-1) from None
    return await handler(request)


def too_large(declared: int) -> web.HTTPRequestEntityTooLarge:
    error = web.HTTPRequestEntityTooLarge(
        max_size=MAX_BODY, actual_size=declared, text=f"Request bodies are limited to {MAX_BODY} bytes."
    )
    # Close the connection rather than drain the rest of a body nobody wants.
    error.force_close()
    return error


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as error:
        add_security_headers(request, error)
        raise
    add_security_headers(request, response)
    return response


def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    settings = request.app[SETTINGS]
    response.headers["Content-Security-Policy"] = content_security_policy(settings)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-cache"
        # The widget is meant to be embedded on other sites with a script tag.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        response.headers["Access-Control-Allow-Origin"] = "*"


async def index(request: web.Request) -> web.Response:
    response = web.Response(text=request.app[PAGE], content_type="text/html")
    response.headers["Cache-Control"] = "no-cache"
    return response


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok", "widget_built": (DIST / "widget.js").exists()})


async def demo_outbox(request: web.Request) -> web.Response:
    """The chosen demo customer's texts and emails, newest last, for the page's demo phone."""
    settings = request.app[SETTINGS]
    if not settings.demo_mode:
        raise web.HTTPNotFound()
    user_id = request.query.get("user_id", "")
    if not USER_ID.match(user_id):
        return web.json_response({"error": "bad_request", "reason": "user_id"}, status=400)
    url = f"{settings.account_service_url}/demo/outbox"
    try:
        async with request.app[CLIENT].get(
            url,
            params={"user_id": user_id},
            timeout=aiohttp.ClientTimeout(total=settings.outbox_timeout_s),
        ) as upstream:
            if upstream.status != 200:
                logger.warning("demo outbox: account service answered %s", upstream.status)
                return web.json_response({"error": "unavailable"}, status=502)
            messages = await upstream.json()
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
        logger.warning("demo outbox: account service unreachable (%s)", type(error).__name__)
        return web.json_response({"error": "unavailable"}, status=502)
    if not isinstance(messages, list):
        return web.json_response({"error": "unavailable"}, status=502)
    cleaned = [
        {field: str(message.get(field, "")) for field in OUTBOX_FIELDS}
        for message in messages
        if isinstance(message, dict)
    ]
    return web.json_response(cleaned, headers={"Cache-Control": "no-store"})


async def client_session(app: web.Application) -> AsyncIterator[None]:
    async with aiohttp.ClientSession() as session:
        app[CLIENT] = session
        yield


def create_app(settings: Settings, *, agent_sessions: SessionStore | None = None) -> web.Application:
    app = web.Application(
        middlewares=[metrics_middleware("web"), security_headers, limit_body], client_max_size=MAX_BODY
    )
    app[SETTINGS] = settings
    app[TEMPLATES] = environment()
    app[PAGE] = render_page(app, settings)
    app.cleanup_ctx.append(client_session)
    app.router.add_get("/", index)
    app.router.add_get("/health", health)
    app.router.add_get("/demo/outbox", demo_outbox)
    add_console(app, settings, agent_sessions)
    add_metrics_route(app, settings.metrics_token)
    DIST.mkdir(exist_ok=True)
    app.router.add_static("/static/", DIST, show_index=False, follow_symlinks=False)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise SystemExit(f"web: {error}") from error
    if not (DIST / "widget.js").exists():
        logger.warning("web/dist/widget.js is missing: run `make setup` to build the widget")
    logger.info(
        "website on http://%s:%s (widget talks to %s)", settings.host, settings.port, settings.rasa_url
    )
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()

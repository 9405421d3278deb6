"""A pass-through proxy in front of the real account service that can be told to fail.

The action server talks to the account service through it in the end-to-end tests, so a test
can make the service look down, slow or broken without stopping it:
`POST /__fault {"mode": "pass" | "down" | "slow" | "error"}`.
Run: python -m tests.fault_proxy --port P --upstream http://127.0.0.1:Q
"""

from __future__ import annotations

import argparse
import asyncio

import aiohttp
from aiohttp import web

SLOW_S = 8.0
MODE = web.AppKey("mode", dict)
CLIENT = web.AppKey("client", aiohttp.ClientSession)


async def set_fault(request: web.Request) -> web.Response:
    mode = (await request.json()).get("mode")
    if mode not in ("pass", "down", "slow", "error"):
        return web.json_response({"error": "bad mode"}, status=400)
    request.app[MODE]["mode"] = mode
    return web.json_response({"mode": mode})


async def forward(request: web.Request) -> web.StreamResponse:
    mode = request.app[MODE]["mode"]
    if mode == "down":
        # As if nothing listened: the connection closes without an answer.
        request.transport.close()
        raise web.HTTPServiceUnavailable()
    if mode == "slow":
        await asyncio.sleep(SLOW_S)
    if mode == "error":
        return web.json_response({"error": "internal", "message": "injected failure"}, status=500)
    upstream = request.app["upstream"] + request.path_qs
    headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "content-type")}
    async with request.app[CLIENT].request(
        request.method, upstream, headers=headers, data=await request.read()
    ) as reply:
        body = await reply.read()
        return web.Response(status=reply.status, body=body, content_type=reply.content_type)


async def client_context(app: web.Application):
    app[CLIENT] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    yield
    await app[CLIENT].close()


def make_app(upstream: str) -> web.Application:
    app = web.Application()
    app["upstream"] = upstream.rstrip("/")
    app[MODE] = {"mode": "pass"}
    app.cleanup_ctx.append(client_context)
    app.router.add_post("/__fault", set_fault)
    app.router.add_get("/__health", lambda _: web.json_response({"status": "ok"}))
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    arguments = parser.parse_args()
    web.run_app(make_app(arguments.upstream), host="127.0.0.1", port=arguments.port, print=None)

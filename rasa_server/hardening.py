"""What Rasa's own HTTP API app lacks, added when Rasa creates it.

A token whose algorithm is not ours (e.g. `alg: none`) makes the JWT library raise where
sanic-jwt expects a plain "not valid", and Rasa answered 500 with a traceback in its log: such a
token now gets the same 401 as any other bad token, and nothing is logged about it.
"""

from __future__ import annotations

from typing import Any

import jwt
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

NOT_AUTHENTICATED = {
    "version": "",
    "status": "failure",
    "message": "User is not authenticated.",
    "reason": "NotAuthenticated",
    "code": 401,
}


def harden(app: Sanic) -> Sanic:
    @app.exception(jwt.exceptions.PyJWTError)
    async def bad_token(request: Request, exception: Exception) -> HTTPResponse:
        return response.json(NOT_AUTHENTICATED, status=401)

    return app


def patch_rasa() -> None:
    """Rasa builds its app in rasa.server.create_app; wrap it so every app it makes is hardened."""
    import rasa.server

    create_app = rasa.server.create_app

    def hardened_create_app(*args: Any, **kwargs: Any) -> Sanic:
        return harden(create_app(*args, **kwargs))

    rasa.server.create_app = hardened_create_app

"""Tokens for Rasa's HTTP API (/conversations, /model …), which needs a JWT signed with
RASA_JWT_SECRET. Rasa lets role "admin" call every route and role "user" only the conversation
named in `username`.

    python -m rasa_server.api_token [--days 1] [--conversation ID]

prints a token; `make run` writes one to var/rasa-api-token for tools that need the API.
"""

from __future__ import annotations

import argparse
import sys
import time

import jwt

from common.settings import RasaServerSettings, SettingsError, secret


def api_token(jwt_secret: str, *, lifetime_s: int = 86400, conversation_id: str | None = None) -> str:
    if conversation_id:
        user = {"username": conversation_id, "role": "user"}
    else:
        user = {"username": "tools", "role": "admin"}
    now = int(time.time())
    return jwt.encode({"user": user, "iat": now, "exp": now + lifetime_s}, jwt_secret, algorithm="HS256")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print a JWT for the Rasa server's HTTP API.")
    parser.add_argument("--days", type=float, default=1.0, help="how long the token is valid (default 1)")
    parser.add_argument("--conversation", help="a token for this conversation only (role user)")
    args = parser.parse_args(argv)
    try:
        settings = RasaServerSettings.load()
    except SettingsError as error:
        print(f"no token: {error}", file=sys.stderr)
        return 2
    if settings.jwt_secret is None:
        print("no token: RASA_JWT_SECRET is not set (the HTTP API is off)", file=sys.stderr)
        return 2
    lifetime_s = int(args.days * 86400)
    print(api_token(secret(settings.jwt_secret), lifetime_s=lifetime_s, conversation_id=args.conversation))
    return 0


if __name__ == "__main__":
    sys.exit(main())

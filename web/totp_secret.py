"""A new TOTP secret for an agent: `python -m web.totp_secret NAME [ISSUER]`.

Prints the base32 secret (for AGENT_TOTP_SECRETS="NAME:SECRET,…") and the otpauth:// URI an
authenticator app reads (as a QR code, or typed in). Nothing is stored; give both to the agent
over a channel you trust, then restart the website with the new setting (the agent's open
sessions end, since their TOTP secret changed).
"""

from __future__ import annotations

import sys

import pyotp

from web.settings import parse_agent_users


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    name = argv[0]
    parse_agent_users(f"{name}:x")  # the same rules for names as AGENT_USERS
    secret = pyotp.random_base32()  # 32 characters: 160 bits
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=name, issuer_name=argv[1] if len(argv) > 1 else "Agent console"
    )
    print(f"AGENT_TOTP_SECRETS entry: {name}:{secret}")
    print(f"authenticator app URI:    {uri}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""Tokens as the mobile app's login server would make them, and broken ones."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.in_app_env import IN_APP_TEST_AUDIENCE, IN_APP_TEST_ISSUER, IN_APP_TEST_SECRET


def claims(
    user_id: str = "alex.morgan",
    *,
    logged_in_ago_s: float = 600,
    expires_in_s: float = 900,
    issuer: str | None = IN_APP_TEST_ISSUER,
    audience: str | None = IN_APP_TEST_AUDIENCE,
    drop: tuple[str, ...] = (),
    **extra: Any,
) -> dict[str, Any]:
    now = int(time.time())
    payload: dict[str, Any] = {
        "sub": user_id,
        "auth_time": int(now - logged_in_ago_s),
        "iat": now,
        "exp": int(now + expires_in_s),
    }
    if issuer is not None:
        payload["iss"] = issuer
    if audience is not None:
        payload["aud"] = audience
    payload.update(extra)
    for name in drop:
        payload.pop(name, None)
    return payload


def hs256(payload: dict[str, Any] | None = None, secret: str = IN_APP_TEST_SECRET) -> str:
    return jwt.encode(payload if payload is not None else claims(), secret, algorithm="HS256")


def rs256(private_key: rsa.RSAPrivateKey, payload: dict[str, Any] | None = None) -> str:
    return jwt.encode(payload if payload is not None else claims(), private_key, algorithm="RS256")


def _segment(data: dict[str, Any] | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unsigned(payload: dict[str, Any] | None = None, alg: str = "none") -> str:
    """`alg: none` and no signature, as an attacker would send it."""
    return f"{_segment({'alg': alg, 'typ': 'JWT'})}.{_segment(payload or claims())}."


def with_header_alg(token: str, alg: str) -> str:
    """The token with its header's alg replaced and the signature kept."""
    _, payload, signature = token.split(".")
    return f"{_segment({'alg': alg, 'typ': 'JWT'})}.{payload}.{signature}"


def resigned_payload(token: str, payload: dict[str, Any]) -> str:
    """Another payload under the original header and signature (a tampered token)."""
    header, _, signature = token.split(".")
    return f"{header}.{_segment(payload)}.{signature}"


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def public_pem(private_key: rsa.RSAPrivateKey) -> str:
    return (
        private_key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def hs256_raw(payload: dict[str, Any], key: bytes) -> str:
    """HS256 signed by hand with any bytes as the secret (PyJWT refuses a PEM key as an HMAC
    secret when encoding: the algorithm-confusion attack has to be built like this)."""
    import hashlib
    import hmac

    signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT'})}.{_segment(payload)}"
    signature = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"

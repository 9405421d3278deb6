"""The mobile app's login token, checked the same way by the in-app channel and the account service.

The app's login server signs a short-lived JWT that names the customer (`sub` = User ID) and the
login time (`auth_time`). The in-app channel checks it before a message reaches the assistant;
the account service checks it again before it binds the conversation to that customer
(`POST /identity/app-sessions`), so no bearer token alone can bind any customer.

Settings (environment): IN_APP_JWT_SECRET (HS256, 32+ characters) or IN_APP_JWT_PUBLIC_KEY (RS256,
PEM text or a file path, 2048+ bits); optional IN_APP_JWT_ISSUER, IN_APP_JWT_AUDIENCE; and
IN_APP_MAX_LOGIN_AGE (default 12 hours). Only the configured algorithm is accepted: the token's
own header never picks it.

The conversation ID of an app chat is `in_app:` + SHA-256 of the customer and the app's sender,
domain-separated. It needs no secret key: only the in-app channel creates `in_app:`
conversations (no other channel can name one), and it does so only for a verified token.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_public_key

HS256 = "HS256"
RS256 = "RS256"
MIN_SECRET_CHARS = 32
MIN_RSA_BITS = 2048
DEFAULT_MAX_LOGIN_AGE_S = 12 * 3600
# Clock difference tolerated between the app's login server and this one (exp, iat, auth_time).
LEEWAY_S = 30
MAX_TOKEN_CHARS = 8192
MAX_USER_ID_CHARS = 64
REQUIRED_CLAIMS = ["sub", "auth_time", "exp", "iat"]
IN_APP_PREFIX = "in_app:"
_CONVERSATION_DOMAIN = b"support-assistant/in_app-conversation/v1\0"


class ConfigurationError(Exception):
    """The IN_APP_* settings cannot describe an app login that may be checked."""


class Unauthorized(Exception):
    """The token is refused; `reason` is a short sentence for the app's developers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LoginTooOld(Unauthorized):
    """A valid token whose login is older than IN_APP_MAX_LOGIN_AGE."""


@dataclass(frozen=True)
class AppLoginSettings:
    algorithm: str
    key: str | RSAPublicKey
    issuer: str | None
    audience: str | None
    max_login_age_s: int


@dataclass(frozen=True)
class AppLogin:
    """What a valid token says: who is logged in to the app, and since when."""

    user_id: str
    logged_in_at: datetime


# --- settings -------------------------------------------------------------------------------------


def load_app_login_settings(environ: Mapping[str, str]) -> AppLoginSettings | None:
    """The app-login settings, or None when neither a secret nor a public key is configured."""
    secret = environ.get("IN_APP_JWT_SECRET") or ""
    public_key = (environ.get("IN_APP_JWT_PUBLIC_KEY") or "").strip()
    if not secret and not public_key:
        return None
    if secret and public_key:
        raise ConfigurationError("set IN_APP_JWT_SECRET (HS256) or IN_APP_JWT_PUBLIC_KEY (RS256), not both")
    key: str | RSAPublicKey
    if secret:
        if len(secret) < MIN_SECRET_CHARS:
            raise ConfigurationError(f"IN_APP_JWT_SECRET must be at least {MIN_SECRET_CHARS} characters")
        algorithm, key = HS256, secret
    else:
        algorithm, key = RS256, rsa_public_key(public_key)
    return AppLoginSettings(
        algorithm=algorithm,
        key=key,
        issuer=(environ.get("IN_APP_JWT_ISSUER") or "").strip() or None,
        audience=(environ.get("IN_APP_JWT_AUDIENCE") or "").strip() or None,
        max_login_age_s=duration_s("IN_APP_MAX_LOGIN_AGE", environ.get("IN_APP_MAX_LOGIN_AGE") or ""),
    )


def rsa_public_key(value: str) -> RSAPublicKey:
    """An RSA public key from PEM text (literal "\\n" accepted, as env files write it) or a file."""
    if "-----BEGIN" in value:
        pem = value.replace("\\n", "\n")
    else:
        try:
            pem = Path(value).expanduser().read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigurationError(
                f"IN_APP_JWT_PUBLIC_KEY: cannot read the key file ({type(error).__name__})"
            ) from None
    try:
        key = load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError, TypeError):
        raise ConfigurationError("IN_APP_JWT_PUBLIC_KEY is not a PEM public key") from None
    if not isinstance(key, RSAPublicKey):
        raise ConfigurationError("IN_APP_JWT_PUBLIC_KEY must be an RSA public key (RS256)")
    if key.key_size < MIN_RSA_BITS:
        raise ConfigurationError(f"IN_APP_JWT_PUBLIC_KEY must be at least {MIN_RSA_BITS} bits")
    return key


_DURATION = re.compile(r"^\s*(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)?\s*$", re.I)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def duration_s(name: str, value: str, default: int = DEFAULT_MAX_LOGIN_AGE_S) -> int:
    """Seconds from "43200", "720m", "12h", "12 hours" or "1d"; empty means the default."""
    if not value.strip():
        return default
    found = _DURATION.match(value)
    seconds = int(found.group(1)) * _UNIT_SECONDS[(found.group(2) or "s")[0].lower()] if found else 0
    if seconds <= 0:
        raise ConfigurationError(f'{name} must be a positive duration such as "12h", "90m" or "43200"')
    return seconds


# --- the token ------------------------------------------------------------------------------------


def is_user_id(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_USER_ID_CHARS
        and value.isprintable()
        and not any(char.isspace() for char in value)
    )


def verify_app_token(
    settings: AppLoginSettings, token: str | None, now: float | None = None, *, check_login_age: bool = True
) -> AppLogin:
    """The login a token vouches for; Unauthorized with the reason otherwise (LoginTooOld for a
    login older than the maximum age, unless check_login_age is False: the caller checks it)."""
    if not token:
        raise Unauthorized("an 'Authorization: Bearer <token>' header is needed")
    if len(token) > MAX_TOKEN_CHARS:
        raise Unauthorized("the token is malformed")
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is malformed") from None
    # Checked before the signature, and the signature is checked with the configured algorithm
    # only: a token cannot choose "none", or HS256 with the RS256 public key as its secret.
    if header.get("alg") != settings.algorithm:
        raise Unauthorized(f"only {settings.algorithm} tokens are accepted")
    try:
        claims = jwt.decode(
            token,
            settings.key,
            algorithms=[settings.algorithm],
            issuer=settings.issuer,
            audience=settings.audience,
            leeway=LEEWAY_S,
            options={"require": REQUIRED_CLAIMS + (["iss"] if settings.issuer else [])},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("the token has expired") from None
    except jwt.InvalidSignatureError:
        raise Unauthorized("the token's signature is not valid") from None
    except jwt.MissingRequiredClaimError as missing:
        raise Unauthorized(f"the token has no '{missing.claim}' claim") from None
    except jwt.InvalidIssuerError:
        raise Unauthorized("the token is from another issuer") from None
    except jwt.InvalidAudienceError:
        raise Unauthorized("the token is for another audience") from None
    except jwt.ImmatureSignatureError:
        raise Unauthorized("the token is not valid yet") from None
    except jwt.InvalidAlgorithmError:
        raise Unauthorized(f"only {settings.algorithm} tokens are accepted") from None
    except jwt.InvalidTokenError:
        raise Unauthorized("the token is malformed") from None

    user_id, auth_time = claims["sub"], claims["auth_time"]
    if not is_user_id(user_id):
        raise Unauthorized("the token's 'sub' must be the customer's User ID")
    if isinstance(auth_time, bool) or not isinstance(auth_time, (int, float)):
        raise Unauthorized("the token's 'auth_time' must be the login time in seconds since 1970")
    now = time.time() if now is None else now
    if auth_time > now + LEEWAY_S:
        raise Unauthorized("the token's 'auth_time' is in the future")
    if check_login_age and now - auth_time > settings.max_login_age_s:
        raise LoginTooOld("the login is too old: the customer must log in to the app again")
    return AppLogin(user_id=user_id, logged_in_at=datetime.fromtimestamp(auth_time, tz=timezone.utc))


def in_app_conversation_id(user_id: str, sender: str) -> str:
    """The conversation of this customer's `sender`: the same customer and sender always give the
    same ID (User IDs match without regard to case), another customer or sender never does. The
    two are hashed as a JSON pair under a fixed domain, so no other pair can collide with them."""
    pair = json.dumps([user_id.lower(), sender], ensure_ascii=False, separators=(",", ":")).encode()
    return IN_APP_PREFIX + hashlib.sha256(_CONVERSATION_DOMAIN + pair).hexdigest()

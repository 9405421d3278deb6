"""One-time codes: generation through pyotp, storage only as a keyed hash.

A code is HOTP (RFC 4226, counter 0) over a fresh random secret, so it is as unpredictable as
the secret; the secret is dropped at once because nothing ever needs to regenerate the code.
What is stored is HMAC-SHA256(service secret, challenge ID + code): useless without the
service secret, and different for the same code in two challenges.
"""

from __future__ import annotations

import hashlib
import hmac
import re

import pyotp

CODE_DIGITS = 6
_SPACES = re.compile(r"\s+")


def generate_code(secret: str, counter: int = 0, digits: int = CODE_DIGITS) -> str:
    """HOTP value of a base32 secret at a counter (RFC 4226; TOTP is counter = time // 30)."""
    return pyotp.HOTP(secret, digits=digits).at(counter)


def new_challenge_code() -> str:
    """A fresh 6-digit code; the secret it came from is not kept anywhere."""
    return generate_code(pyotp.random_base32())


def hash_code(secret_key: str, challenge_id: str, code: str) -> str:
    message = f"{challenge_id}:{code}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def code_matches(secret_key: str, challenge_id: str, code: str, stored_hash: str) -> bool:
    """Constant-time, so the time taken says nothing about how close a guess was."""
    return hmac.compare_digest(hash_code(secret_key, challenge_id, code), stored_hash)


def normalize_code(text: str) -> str:
    """The customer's text without spaces, in ASCII digits ("123 456" and "१२३४५६" are codes too)."""
    return "".join(str(int(char)) if char.isdecimal() else char for char in _SPACES.sub("", text))

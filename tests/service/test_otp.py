"""One-time codes: the published test vectors and how codes are stored."""

from __future__ import annotations

import base64

import pytest

from account_service.otp import code_matches, generate_code, hash_code, new_challenge_code, normalize_code

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()

RFC4226_HOTP = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
]

RFC6238_TOTP_SHA1 = [
    (59, "94287082"),
    (1111111109, "07081804"),
    (1111111111, "14050471"),
    (1234567890, "89005924"),
    (2000000000, "69279037"),
    (20000000000, "65353130"),
]


@pytest.mark.parametrize(("counter", "expected"), list(enumerate(RFC4226_HOTP)))
def test_rfc4226_appendix_d_hotp_values(counter: int, expected: str) -> None:
    assert generate_code(RFC_SECRET, counter) == expected


@pytest.mark.parametrize(("unix_time", "expected"), RFC6238_TOTP_SHA1)
def test_rfc6238_appendix_b_sha1_totp_values_through_the_same_code_path(
    unix_time: int, expected: str
) -> None:
    assert generate_code(RFC_SECRET, counter=unix_time // 30, digits=8) == expected


def test_a_challenge_code_is_six_digits_and_fresh_each_time() -> None:
    codes = [new_challenge_code() for _ in range(30)]
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(set(codes)) > 20


def test_the_stored_hash_depends_on_the_service_secret_and_the_challenge() -> None:
    stored = hash_code("service-secret", "challenge-1", "123456")
    assert "123456" not in stored
    assert stored != hash_code("service-secret", "challenge-2", "123456")
    assert stored != hash_code("other-secret", "challenge-1", "123456")
    assert code_matches("service-secret", "challenge-1", "123456", stored)
    assert not code_matches("service-secret", "challenge-1", "123457", stored)


def test_spaces_in_what_the_customer_typed_are_ignored() -> None:
    assert normalize_code(" 123 456\n") == "123456"

"""The in-app channel's settings and token check, without a server: HS256 and RS256, every way a
token can be wrong, and how conversation IDs are derived."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from channels.in_app import (
    DEFAULT_MAX_LOGIN_AGE_S,
    HS256,
    RS256,
    ConfigurationError,
    InAppSettings,
    Unauthorized,
    conversation_id,
    load_settings,
    verify_token,
)
from tests.in_app.tokens import (
    claims,
    hs256,
    hs256_raw,
    new_rsa_key,
    public_pem,
    resigned_payload,
    rs256,
    unsigned,
    with_header_alg,
)
from tests.in_app_env import IN_APP_TEST_SECRET, in_app_env


@pytest.fixture(scope="module")
def rsa_key():
    return new_rsa_key()


@pytest.fixture
def hs_settings() -> InAppSettings:
    settings = load_settings(in_app_env())
    assert settings is not None
    return settings


@pytest.fixture
def rs_settings(rsa_key) -> InAppSettings:
    settings = load_settings({"IN_APP_JWT_PUBLIC_KEY": public_pem(rsa_key)})
    assert settings is not None
    return settings


def refusal(settings: InAppSettings, token: str | None) -> str:
    with pytest.raises(Unauthorized) as refused:
        verify_token(settings, token)
    return refused.value.reason


# --- settings ---------------------------------------------------------------------------------------


def test_off_unless_a_secret_or_a_public_key_is_set() -> None:
    assert load_settings({}) is None
    assert load_settings({"IN_APP_JWT_SECRET": "", "IN_APP_JWT_PUBLIC_KEY": "  "}) is None


def test_the_test_stack_uses_hs256_with_issuer_audience_and_12_hours(hs_settings: InAppSettings) -> None:
    assert hs_settings.algorithm == HS256
    assert hs_settings.issuer and hs_settings.audience
    assert hs_settings.max_login_age_s == DEFAULT_MAX_LOGIN_AGE_S == 12 * 3600


def test_a_public_key_means_rs256_as_pem_text_with_escaped_newlines_or_a_file(
    rsa_key, tmp_path: Path
) -> None:
    pem = public_pem(rsa_key)
    key_file = tmp_path / "app-login.pub.pem"
    key_file.write_text(pem)
    for value in (pem, pem.replace("\n", "\\n"), str(key_file)):
        settings = load_settings({"IN_APP_JWT_PUBLIC_KEY": value})
        assert settings is not None and settings.algorithm == RS256
        assert (
            verify_token(settings, rs256(rsa_key, claims(issuer=None, audience=None))).user_id
            == "alex.morgan"
        )


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"IN_APP_JWT_SECRET": IN_APP_TEST_SECRET, "IN_APP_JWT_PUBLIC_KEY": "x"}, "not both"),
        ({"IN_APP_JWT_SECRET": "short"}, "at least 32"),
        ({"IN_APP_JWT_PUBLIC_KEY": "/no/such/key.pem"}, "cannot read"),
        (
            {"IN_APP_JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----\nnonsense\n-----END PUBLIC KEY-----"},
            "not a PEM",
        ),
        ({"IN_APP_JWT_SECRET": IN_APP_TEST_SECRET, "IN_APP_MAX_LOGIN_AGE": "soon"}, "IN_APP_MAX_LOGIN_AGE"),
        ({"IN_APP_JWT_SECRET": IN_APP_TEST_SECRET, "IN_APP_MAX_LOGIN_AGE": "0"}, "IN_APP_MAX_LOGIN_AGE"),
    ],
)
def test_a_bad_configuration_stops_the_server_with_a_plain_reason(env: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        load_settings(env)


def test_only_rsa_keys_of_2048_bits_or_more(tmp_path: Path) -> None:
    ec_pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    with pytest.raises(ConfigurationError, match="RSA"):
        load_settings({"IN_APP_JWT_PUBLIC_KEY": ec_pem})
    with pytest.raises(ConfigurationError, match="2048"):
        load_settings({"IN_APP_JWT_PUBLIC_KEY": public_pem(new_rsa_key(1024))})


@pytest.mark.parametrize(
    ("value", "seconds"), [("43200", 43200), ("12h", 43200), ("90 minutes", 5400), ("1d", 86400)]
)
def test_in_app_max_login_age_formats(value: str, seconds: int) -> None:
    settings = load_settings({"IN_APP_JWT_SECRET": IN_APP_TEST_SECRET, "IN_APP_MAX_LOGIN_AGE": value})
    assert settings is not None and settings.max_login_age_s == seconds


def test_the_service_call_waits_at_most_2_seconds() -> None:
    for value, expected in (("4", 2.0), ("1", 1.0), ("60", 2.0), ("0", 0.5)):
        settings = load_settings({"IN_APP_JWT_SECRET": IN_APP_TEST_SECRET, "ACCOUNT_SERVICE_TIMEOUT": value})
        assert settings is not None and settings.service_timeout_s == expected


# --- HS256 ------------------------------------------------------------------------------------------


def test_a_valid_token_names_the_customer_and_the_login_time(hs_settings: InAppSettings) -> None:
    payload = claims("alex.morgan", logged_in_ago_s=3600)
    login = verify_token(hs_settings, hs256(payload))
    assert login.user_id == "alex.morgan"
    assert int(login.logged_in_at.timestamp()) == payload["auth_time"]
    assert login.logged_in_at.utcoffset() is not None


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: None, "Authorization: Bearer"),
        (lambda: "", "Authorization: Bearer"),
        (lambda: "garbage", "malformed"),
        (lambda: "a.b.c", "malformed"),
        (lambda: "x" * 9000, "malformed"),
        (lambda: hs256(secret="another-secret-of-at-least-32-characters"), "signature is not valid"),
        (lambda: resigned_payload(hs256(), claims("priya.sharma")), "signature is not valid"),
        (lambda: hs256(claims(expires_in_s=-120)), "expired"),
        (lambda: unsigned(), "only HS256"),
        (lambda: unsigned(alg="None"), "only HS256"),
        (lambda: with_header_alg(hs256(), "HS512"), "only HS256"),
        (lambda: hs256(claims(drop=("sub",))), "'sub'"),
        (lambda: hs256(claims(drop=("auth_time",))), "'auth_time'"),
        (lambda: hs256(claims(drop=("exp",))), "'exp'"),
        (lambda: hs256(claims(drop=("iat",))), "'iat'"),
        (lambda: hs256(claims(drop=("iss",))), "'iss'"),
        (lambda: hs256(claims(drop=("aud",))), "'aud'"),
        (lambda: hs256(claims(issuer="https://evil.example")), "another issuer"),
        (lambda: hs256(claims(audience="another-app")), "another audience"),
        (lambda: hs256(claims(iat=int(time.time()) + 3600)), "not valid yet"),
        (lambda: hs256(claims(nbf=int(time.time()) + 3600)), "not valid yet"),
        (lambda: hs256(claims(logged_in_ago_s=12 * 3600 + 60)), "too old"),
        (lambda: hs256(claims(logged_in_ago_s=-3600)), "in the future"),
        (lambda: hs256(claims(auth_time="yesterday")), "'auth_time'"),
        (lambda: hs256(claims(auth_time=True)), "'auth_time'"),
        (lambda: hs256(claims("alex morgan")), "'sub'"),
        (lambda: hs256(claims("a" * 65)), "'sub'"),
        (lambda: hs256(claims("")), "'sub'"),
    ],
)
def test_every_kind_of_bad_token_is_refused_with_a_reason(
    hs_settings: InAppSettings, make, reason: str
) -> None:
    assert reason in refusal(hs_settings, make())


def test_a_few_seconds_of_clock_difference_are_tolerated(hs_settings: InAppSettings) -> None:
    assert verify_token(hs_settings, hs256(claims(iat=int(time.time()) + 10, logged_in_ago_s=-10)))


def test_tokens_with_issuer_and_audience_are_refused_where_none_is_configured() -> None:
    settings = load_settings({"IN_APP_JWT_SECRET": IN_APP_TEST_SECRET})
    assert settings is not None
    assert verify_token(settings, hs256(claims(issuer=None, audience=None)))
    assert "another audience" in refusal(settings, hs256(claims(issuer=None)))


# --- RS256 ------------------------------------------------------------------------------------------


def test_rs256_accepts_a_token_signed_with_the_private_key(rs_settings: InAppSettings, rsa_key) -> None:
    login = verify_token(rs_settings, rs256(rsa_key, claims("priya.sharma", issuer=None, audience=None)))
    assert login.user_id == "priya.sharma"


def test_rs256_refuses_hs256_even_signed_with_the_public_key_as_secret(
    rs_settings: InAppSettings, rsa_key
) -> None:
    payload = claims(issuer=None, audience=None)
    assert "only RS256" in refusal(rs_settings, hs256(payload))
    # The classic algorithm confusion: HS256 keyed with the (public) PEM text of the RS256 key.
    assert "only RS256" in refusal(rs_settings, hs256_raw(payload, public_pem(rsa_key).encode()))
    assert "only RS256" in refusal(rs_settings, unsigned(payload))


def test_rs256_refuses_another_key_and_tampering(rs_settings: InAppSettings, rsa_key) -> None:
    payload = claims(issuer=None, audience=None)
    assert "signature is not valid" in refusal(rs_settings, rs256(new_rsa_key(), payload))
    assert "signature is not valid" in refusal(
        rs_settings,
        resigned_payload(rs256(rsa_key, payload), claims("priya.sharma", issuer=None, audience=None)),
    )
    assert "expired" in refusal(
        rs_settings, rs256(rsa_key, claims(issuer=None, audience=None, expires_in_s=-60))
    )


def test_hs256_refuses_an_rs256_token(hs_settings: InAppSettings, rsa_key) -> None:
    assert "only HS256" in refusal(hs_settings, rs256(rsa_key))


# --- conversation IDs -------------------------------------------------------------------------------


def test_the_conversation_id_is_bound_to_the_customer_and_the_sender(hs_settings: InAppSettings) -> None:
    alex = conversation_id(hs_settings, "alex.morgan", "phone-1")
    assert alex == conversation_id(hs_settings, "Alex.Morgan", "phone-1")
    # in_app: + a hash: only this channel (behind the app's token) makes in_app: conversations.
    assert alex.startswith("in_app:") and len(alex) == len("in_app:") + 64
    assert "alex" not in alex and "phone-1" not in alex
    assert conversation_id(hs_settings, "priya.sharma", "phone-1") != alex
    assert conversation_id(hs_settings, "alex.morgan", "phone-2") != alex

"""common/app_login.py: the in-app conversation ID and the token check the channel and the account
service share."""

from __future__ import annotations

import pytest

from channels.in_app import conversation_id, load_settings
from common.app_login import (
    LoginTooOld,
    Unauthorized,
    in_app_conversation_id,
    load_app_login_settings,
    verify_app_token,
)
from tests.in_app.tokens import claims, hs256
from tests.in_app_env import in_app_env


def test_the_in_app_conversation_id_is_namespaced_stable_and_per_customer_and_sender() -> None:
    alex = in_app_conversation_id("alex.morgan", "phone-1")
    assert alex.startswith("in_app:") and len(alex) == len("in_app:") + 64
    assert alex == in_app_conversation_id("Alex.Morgan", "phone-1")
    assert alex != in_app_conversation_id("priya.sharma", "phone-1")
    assert alex != in_app_conversation_id("alex.morgan", "phone-2")
    assert alex != in_app_conversation_id("alex.morgan", "Phone-1")


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("alex.morgan\nx", "y"), ("alex.morgan", "x\ny")),
        (("alex", ".morgan"), ("alex.", "morgan")),
        (('a","b', "c"), ("a", 'b","c')),
    ],
)
def test_no_two_pairs_share_an_id(first: tuple[str, str], second: tuple[str, str]) -> None:
    assert in_app_conversation_id(*first) != in_app_conversation_id(*second)


def test_the_channel_and_the_service_derive_the_same_id() -> None:
    settings = load_settings({**in_app_env(), "DEMO_MODE": "1"})
    assert conversation_id(settings, "alex.morgan", "phone-1") == in_app_conversation_id(
        "alex.morgan", "phone-1"
    )


def test_the_token_check_names_an_old_login_apart_and_can_leave_the_age_to_the_caller() -> None:
    settings = load_app_login_settings(in_app_env())
    assert settings is not None
    old = hs256(claims(logged_in_ago_s=13 * 3600))
    with pytest.raises(LoginTooOld):
        verify_app_token(settings, old)
    assert verify_app_token(settings, old, check_login_age=False).user_id == "alex.morgan"
    with pytest.raises(Unauthorized):
        verify_app_token(settings, hs256(claims(), secret="z" * 40))


def test_outside_demo_mode_the_channel_has_no_demo_service_token() -> None:
    assert load_settings(in_app_env()).service_token is None
    assert (
        load_settings({**in_app_env(), "DEMO_MODE": "1"}).service_token
        == "demo-account-service-token-channels-0001"
    )
    configured = load_settings({**in_app_env(), "CHANNELS_SERVICE_TOKEN": "c" * 40})
    assert configured.service_token == "c" * 40


def test_the_in_app_channel_refuses_to_start_outside_demo_mode_without_its_service_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from channels.in_app import ConfigurationError, InAppChannel

    for name, value in in_app_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CHANNELS_SERVICE_TOKEN", raising=False)
    monkeypatch.setenv("DEMO_MODE", "0")
    with pytest.raises(ConfigurationError, match="CHANNELS_SERVICE_TOKEN"):
        InAppChannel.from_credentials(None)
    monkeypatch.setenv("CHANNELS_SERVICE_TOKEN", "c" * 40)
    assert InAppChannel.from_credentials(None).settings.service_token == "c" * 40

"""The action server's settings: production by default, secrets required outside demo mode."""

from __future__ import annotations

import pytest

from actions.settings import (
    DEMO_ACTION_SERVER_TOKEN,
    DEMO_SERVICE_TOKEN,
    SettingsError,
    read_settings,
)

STRONG = "s" * 32
OTHER_STRONG = "t" * 40


def test_production_is_the_default_and_names_every_missing_secret():
    with pytest.raises(SettingsError) as refused:
        read_settings({})
    assert "ACTION_SERVER_TOKEN" in str(refused.value) and "ACCOUNT_SERVICE_TOKEN" in str(refused.value)


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({"ACTION_SERVER_TOKEN": STRONG}, "ACCOUNT_SERVICE_TOKEN"),
        ({"ACCOUNT_SERVICE_TOKEN": STRONG}, "ACTION_SERVER_TOKEN"),
        ({"ACTION_SERVER_TOKEN": "short", "ACCOUNT_SERVICE_TOKEN": STRONG}, "ACTION_SERVER_TOKEN"),
        (
            {"ACTION_SERVER_TOKEN": STRONG, "ACCOUNT_SERVICE_TOKEN": DEMO_SERVICE_TOKEN},
            "ACCOUNT_SERVICE_TOKEN",
        ),
        (
            {"ACTION_SERVER_TOKEN": DEMO_ACTION_SERVER_TOKEN, "ACCOUNT_SERVICE_TOKEN": STRONG},
            "ACTION_SERVER_TOKEN",
        ),
        ({"DEMO_MODE": "0", "ACTION_SERVER_TOKEN": STRONG}, "ACCOUNT_SERVICE_TOKEN"),
    ],
)
def test_outside_demo_mode_a_missing_short_or_demo_secret_stops_the_start(env, missing):
    with pytest.raises(SettingsError) as refused:
        read_settings(env)
    assert missing in str(refused.value)
    assert STRONG not in str(refused.value)


def test_production_with_both_secrets_starts_on_loopback():
    settings = read_settings({"ACTION_SERVER_TOKEN": STRONG, "ACCOUNT_SERVICE_TOKEN": OTHER_STRONG})
    assert (settings.demo_mode, settings.host, settings.port) == (False, "127.0.0.1", 5055)
    assert (settings.server_token, settings.service_token) == (STRONG, OTHER_STRONG)
    assert STRONG not in repr(settings) and OTHER_STRONG not in repr(settings)


def test_demo_mode_uses_a_demo_value_only_for_what_is_unset():
    settings = read_settings({"DEMO_MODE": "1"})
    assert (settings.server_token, settings.service_token) == (DEMO_ACTION_SERVER_TOKEN, DEMO_SERVICE_TOKEN)
    settings = read_settings({"DEMO_MODE": "true", "ACTION_SERVER_TOKEN": "mine"})
    assert settings.server_token == "mine"


@pytest.mark.parametrize(
    ("value", "on"), [("1", True), ("true", True), ("Yes", True), ("0", False), ("", False)]
)
def test_demo_mode_is_read_the_same_way_everywhere(value, on):
    secrets = {"ACTION_SERVER_TOKEN": STRONG, "ACCOUNT_SERVICE_TOKEN": OTHER_STRONG}
    assert read_settings({**secrets, "DEMO_MODE": value}).demo_mode is on


def test_a_demo_mode_nobody_can_read_stops_the_start():
    with pytest.raises(SettingsError):
        read_settings({"DEMO_MODE": "maybe"})


@pytest.mark.parametrize(("value", "seconds"), [("", 4.0), ("2", 2.0), ("60", 5.0), ("0", 0.5)])
def test_the_service_timeout_is_at_most_5_seconds(value, seconds):
    assert read_settings({"DEMO_MODE": "1", "ACCOUNT_SERVICE_TIMEOUT": value}).timeout_s == seconds


@pytest.mark.parametrize(("name", "value"), [("ACCOUNT_SERVICE_TIMEOUT", "soon"), ("ACTION_PORT", "99999")])
def test_a_bad_number_stops_the_start(name, value):
    with pytest.raises(SettingsError):
        read_settings({"DEMO_MODE": "1", name: value})


def test_host_and_port_can_be_changed():
    settings = read_settings({"DEMO_MODE": "1", "ACTION_HOST": "0.0.0.0", "ACTION_PORT": "6055"})
    assert (settings.host, settings.port) == ("0.0.0.0", 6055)

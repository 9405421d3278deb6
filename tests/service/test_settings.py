"""Settings: demo defaults, and refusal to run a real deployment on demo secrets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from account_service.settings import DEMO_SECRET, DEMO_TOKEN, DEMO_TOKENS, REPO_ROOT, Settings, SettingsError
from tests.service.conftest import PRODUCTION_ENV, STRONG_TOKENS
from tests.service.process import service_env


def test_production_is_the_default_and_names_every_missing_secret_at_once() -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({})
    for variable in (
        "ACCOUNT_SERVICE_TOKEN",
        "CHANNELS_SERVICE_TOKEN",
        "AGENT_SERVICE_TOKEN",
        "ACCOUNT_SERVICE_SECRET",
    ):
        assert variable in str(refused.value)
    assert "OPERATOR_SERVICE_TOKEN" not in str(refused.value)  # optional


def test_demo_mode_defaults_are_the_demo_values_on_localhost() -> None:
    settings = Settings.from_env({"DEMO_MODE": "1"})
    assert settings.host == "127.0.0.1"
    assert settings.port == 8081
    assert settings.tokens == DEMO_TOKENS
    assert settings.tokens["actions"] == DEMO_TOKEN
    assert settings.demo_mode is True
    assert settings.public_url == "http://localhost:8081"
    assert settings.db_url == f"sqlite+aiosqlite:///{REPO_ROOT / 'var' / 'account.db'}"
    assert settings.issuer_name == "American Express"


def test_the_issuer_name_comes_from_the_issuer_configuration(tmp_path: Path) -> None:
    config = tmp_path / "issuer.yml"
    config.write_text("issuer:\n  name: Example Bank\n")
    assert Settings.from_env({"DEMO_MODE": "1", "ISSUER_CONFIG": str(config)}).issuer_name == "Example Bank"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("ACCOUNT_SERVICE_TOKEN", DEMO_TOKEN),
        ("CHANNELS_SERVICE_TOKEN", DEMO_TOKENS["channels"]),
        ("AGENT_SERVICE_TOKEN", DEMO_TOKENS["agents"]),
        ("ACCOUNT_SERVICE_SECRET", DEMO_SECRET),
        ("ACCOUNT_SERVICE_TOKEN", ""),
        ("CHANNELS_SERVICE_TOKEN", ""),
        ("AGENT_SERVICE_TOKEN", ""),
        ("ACCOUNT_SERVICE_SECRET", ""),
        ("ACCOUNT_SERVICE_TOKEN", "short-token"),
        ("ACCOUNT_SERVICE_SECRET", "x" * 31),
        ("OPERATOR_SERVICE_TOKEN", "x" * 31),
        ("ACCOUNT_SERVICE_PREVIOUS_SECRETS", "x" * 31),
    ],
)
def test_outside_demo_mode_a_demo_empty_or_short_token_or_secret_is_refused(
    variable: str, value: str
) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({**PRODUCTION_ENV, variable: value})
    assert variable in str(refused.value)


@pytest.mark.parametrize("demo_mode", ["0", "1"])
def test_no_two_callers_share_a_token(demo_mode: str) -> None:
    env = {
        **PRODUCTION_ENV,
        "DEMO_MODE": demo_mode,
        "AGENT_SERVICE_TOKEN": PRODUCTION_ENV["CHANNELS_SERVICE_TOKEN"],
    }
    with pytest.raises(SettingsError, match="CHANNELS_SERVICE_TOKEN and AGENT_SERVICE_TOKEN must differ"):
        Settings.from_env(env)
    with pytest.raises(SettingsError, match="must differ"):
        Settings.from_env(
            {**PRODUCTION_ENV, "ACCOUNT_SERVICE_SECRET": PRODUCTION_ENV["ACCOUNT_SERVICE_TOKEN"]}
        )


def test_outside_demo_mode_private_values_are_accepted_and_the_operator_token_is_optional() -> None:
    settings = Settings.from_env(PRODUCTION_ENV)
    assert settings.demo_mode is False
    assert settings.tokens == STRONG_TOKENS
    without_operators = {
        key: value for key, value in PRODUCTION_ENV.items() if key != "OPERATOR_SERVICE_TOKEN"
    }
    assert "operators" not in Settings.from_env(without_operators).tokens


def test_in_demo_mode_a_set_token_is_used_and_only_unset_ones_get_demo_values() -> None:
    settings = Settings.from_env({"DEMO_MODE": "1", "AGENT_SERVICE_TOKEN": "a" * 40})
    assert settings.tokens["agents"] == "a" * 40
    assert settings.tokens["actions"] == DEMO_TOKEN


def test_identity_limits_come_from_the_environment() -> None:
    assert Settings.from_env({"DEMO_MODE": "1"}).identity_limits.codes_per_customer == 3
    raised = Settings.from_env(
        {"DEMO_MODE": "1", "IDENTITY_CODES_PER_CUSTOMER": "500", "IDENTITY_ATTEMPTS_PER_CLIENT": "5000"}
    ).identity_limits
    assert (raised.codes_per_customer, raised.per_client) == (500, 5000)
    with pytest.raises(SettingsError, match="IDENTITY_CODES_PER_CUSTOMER"):
        Settings.from_env({"DEMO_MODE": "1", "IDENTITY_CODES_PER_CUSTOMER": "0"})


def test_nonsense_values_are_refused_with_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="ACCOUNT_SERVICE_PORT"):
        Settings.from_env({"DEMO_MODE": "1", "ACCOUNT_SERVICE_PORT": "http"})
    with pytest.raises(SettingsError, match="DEMO_MODE"):
        Settings.from_env({"DEMO_MODE": "maybe"})


def test_the_process_refuses_to_start_without_its_secrets_when_demo_mode_is_off(tmp_path: Path) -> None:
    env = service_env(tmp_path, 1, {"DEMO_MODE": "0"})
    result = subprocess.run(
        [sys.executable, "-m", "account_service"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode != 0
    for variable in (
        "ACCOUNT_SERVICE_TOKEN",
        "CHANNELS_SERVICE_TOKEN",
        "AGENT_SERVICE_TOKEN",
        "ACCOUNT_SERVICE_SECRET",
    ):
        assert variable in result.stderr
    assert not (tmp_path / "account.db").exists()

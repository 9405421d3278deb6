"""Settings: demo defaults, and refusal to run a real deployment on demo secrets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from account_service.settings import DEMO_SECRET, DEMO_TOKEN, REPO_ROOT, Settings, SettingsError
from tests.service.conftest import STRONG_SECRET, STRONG_TOKEN
from tests.service.process import service_env


def test_defaults_are_the_demo_values_on_localhost() -> None:
    settings = Settings.from_env({})
    assert settings.host == "127.0.0.1"
    assert settings.port == 8081
    assert settings.token == DEMO_TOKEN
    assert settings.demo_mode is True
    assert settings.public_url == "http://localhost:8081"
    assert settings.db_url == f"sqlite+aiosqlite:///{REPO_ROOT / 'var' / 'account.db'}"
    assert settings.issuer_name == "American Express"


def test_the_issuer_name_comes_from_the_issuer_configuration(tmp_path: Path) -> None:
    config = tmp_path / "issuer.yml"
    config.write_text("issuer:\n  name: Example Bank\n")
    assert Settings.from_env({"ISSUER_CONFIG": str(config)}).issuer_name == "Example Bank"


@pytest.mark.parametrize(
    ("token", "secret"),
    [
        (DEMO_TOKEN, STRONG_SECRET),
        (STRONG_TOKEN, DEMO_SECRET),
        ("", STRONG_SECRET),
        ("short-token", STRONG_SECRET),
        (STRONG_TOKEN, "x" * 31),
    ],
)
def test_outside_demo_mode_a_demo_empty_or_short_token_or_secret_is_refused(token: str, secret: str) -> None:
    env = {"DEMO_MODE": "0", "ACCOUNT_SERVICE_TOKEN": token, "ACCOUNT_SERVICE_SECRET": secret}
    with pytest.raises(SettingsError):
        Settings.from_env(env)


def test_outside_demo_mode_private_values_are_accepted() -> None:
    env = {"DEMO_MODE": "0", "ACCOUNT_SERVICE_TOKEN": STRONG_TOKEN, "ACCOUNT_SERVICE_SECRET": STRONG_SECRET}
    assert Settings.from_env(env).demo_mode is False


def test_nonsense_values_are_refused_with_a_clear_error() -> None:
    with pytest.raises(SettingsError, match="ACCOUNT_SERVICE_PORT"):
        Settings.from_env({"ACCOUNT_SERVICE_PORT": "http"})
    with pytest.raises(SettingsError, match="DEMO_MODE"):
        Settings.from_env({"DEMO_MODE": "maybe"})


def test_the_process_refuses_to_start_with_the_demo_token_when_demo_mode_is_off(tmp_path: Path) -> None:
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
    assert "ACCOUNT_SERVICE_TOKEN" in result.stderr
    assert not (tmp_path / "account.db").exists()

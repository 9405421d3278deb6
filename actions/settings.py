"""The action server's settings, read once from the environment through common/settings.py.

Production is the default: without DEMO_MODE=1 the server refuses to start unless its own
token (ACTION_SERVER_TOKEN, what Rasa must present) and the account-service token are set to
private values; in demo mode each falls back to a fixed demo value only when it is unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from common.account_client import AccountClient, clamp_timeout
from common.settings import DEMO_SECRETS, ActionServerSettings, secret
from common.settings import SettingsError as CommonSettingsError

DEMO_SERVICE_TOKEN = DEMO_SECRETS["ACCOUNT_SERVICE_TOKEN"]
DEMO_ACTION_SERVER_TOKEN = DEMO_SECRETS["ACTION_SERVER_TOKEN"]


class SettingsError(Exception):
    """The environment does not describe an action server that may start."""


@dataclass(frozen=True)
class ActionSettings:
    demo_mode: bool
    service_url: str
    service_token: str
    timeout_s: float
    server_token: str
    host: str
    port: int
    metrics_token: str = ""  # GET /metrics (Bearer); "": no /metrics

    def __repr__(self) -> str:  # never the tokens
        return (
            f"ActionSettings(demo_mode={self.demo_mode}, service_url={self.service_url!r}, "
            f"timeout_s={self.timeout_s}, host={self.host!r}, port={self.port})"
        )

    def account_client(self) -> AccountClient:
        return AccountClient(self.service_url, self.service_token, self.timeout_s)


def read_settings(environ: Mapping[str, str] | None = None) -> ActionSettings:
    """The settings in `environ` (default: the process's), as common/settings.py reads them;
    SettingsError names what is wrong (never a value)."""
    try:
        env = ActionServerSettings.load(environ)
    except CommonSettingsError as error:
        raise SettingsError(str(error)) from None
    return ActionSettings(
        demo_mode=env.demo_mode,
        service_url=env.account_service_url.rstrip("/"),
        service_token=secret(env.account_service_token),
        timeout_s=clamp_timeout(env.service_timeout_s),
        server_token=secret(env.action_server_token),
        host=env.host,
        port=env.port,
        metrics_token=secret(env.metrics_token),
    )


@lru_cache(maxsize=1)
def load_settings() -> ActionSettings:
    """The process's settings, read once."""
    return read_settings()

"""The service's settings: the variables as common/settings.py reads them, checked by the service's own
rules (one token per caller, all different) into one frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from account_service.agent_hours import AgentHours, AgentHoursError
from account_service.alert_delivery import AlertPlatforms
from common.app_login import (
    DEFAULT_MAX_LOGIN_AGE_S as DEFAULT_APP_LOGIN_MAX_AGE_S,
)
from common.app_login import (
    AppLoginSettings,
    ConfigurationError,
    duration_s,
    load_app_login_settings,
)
from common.db_urls import DatabaseUrlError, async_database_url
from common.settings import DEMO_SECRETS, REPO_ROOT, AccountServiceSettings, secret, secrets_list
from common.settings import SettingsError as CommonSettingsError

# Scope -> the environment variable holding that caller's bearer token. Each caller has its own
# token and may call only the routes of its scope (endpoints.py; 403 otherwise).
TOKEN_VARIABLES = {
    "actions": "ACCOUNT_SERVICE_TOKEN",  # the action server
    "channels": "CHANNELS_SERVICE_TOKEN",  # the Rasa server's channels (relay, in-app binder)
    "agents": "AGENT_SERVICE_TOKEN",  # the website's agent console
    "operators": "OPERATOR_SERVICE_TOKEN",  # optional: operators' tools
}
OPTIONAL_TOKENS = frozenset({"operators"})
# Public values for demo mode only, used when the variable is unset; outside demo mode they
# are refused. The same values as common/settings.py's DEMO_SECRETS (every process of a demo
# agrees on them). Operators have none: without OPERATOR_SERVICE_TOKEN there is no such caller.
DEMO_TOKENS = {scope: DEMO_SECRETS[TOKEN_VARIABLES[scope]] for scope in ("actions", "channels", "agents")}
DEMO_TOKEN = DEMO_TOKENS["actions"]
DEMO_SECRET = DEMO_SECRETS["ACCOUNT_SERVICE_SECRET"]
# Shorter secrets are guessable enough that a real deployment must not run on them.
MIN_SECRET_LENGTH = 32


class SettingsError(Exception):
    """The environment does not describe a service that may start."""


@dataclass(frozen=True)
class IdentityLimits:
    """Limits on identity attempts (code requests, whatever their outcome). They may answer 429
    because they say nothing about customers. Per client address they must let one machine (a
    load test, the demo) carry 20 conversations at once."""

    per_conversation: int = 5
    per_client: int = 60
    window_s: int = 15 * 60
    # Codes sent per customer per 15 minutes (identity.SEND_WINDOW); confirm codes per conversation.
    codes_per_customer: int = 3
    # Every verify-purpose code request takes at least this long, match or not (no timing oracle).
    min_answer_ms: int = 300


@dataclass(frozen=True)
class Settings:
    # repr=False on what may hold a secret: a logged or printed Settings shows none.
    db_url: str = field(repr=False)
    host: str
    port: int
    # scope -> token, for every caller that has one
    tokens: Mapping[str, str] = field(repr=False)
    # signs statement and reset links (and keys code hashes); previous ones still verify links
    secret: str = field(repr=False)
    public_url: str
    demo_mode: bool
    issuer_name: str
    previous_secrets: tuple[str, ...] = field(default=(), repr=False)
    # How the mobile app's login token is checked (IN_APP_JWT_*); None: app logins are off.
    app_login: AppLoginSettings | None = None
    identity_limits: IdentityLimits = IdentityLimits()
    agent_hours: AgentHours = AgentHours()
    # GET /metrics needs it as a bearer token; "" (unset): no /metrics at all.
    metrics_token: str = field(default="", repr=False)
    # Where alerts are delivered (the messaging platforms' own variables); none: outbox only.
    alert_platforms: AlertPlatforms = field(default=AlertPlatforms(), repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """The service's settings: the variables as common/settings.py reads them (demo values for
        unset secrets in demo mode), then the service's own rules in `check`."""
        try:
            env = AccountServiceSettings.load(environ, check_secrets=False)
        except CommonSettingsError as error:
            raise SettingsError(str(error)) from None
        tokens = {
            "actions": secret(env.account_service_token),
            "channels": secret(env.channels_service_token),
            "agents": secret(env.agent_service_token),
            "operators": secret(env.operator_service_token),
        }
        try:
            db_url = async_database_url(env.db_url or f"sqlite:///{REPO_ROOT / 'var' / 'account.db'}")
        except DatabaseUrlError as error:
            raise SettingsError(str(error)) from None
        settings = cls(
            db_url=db_url,
            host=env.host,
            port=env.port,
            tokens={scope: token for scope, token in tokens.items() if token},
            secret=secret(env.account_service_secret),
            previous_secrets=tuple(secrets_list(env.account_service_previous_secrets)),
            public_url=(env.public_url or f"http://localhost:{env.port}").rstrip("/"),
            demo_mode=env.demo_mode,
            issuer_name=_issuer_name(env.issuer_config),
            app_login=_app_login(env.app_login_variables()),
            identity_limits=_identity_limits(env),
            agent_hours=_agent_hours(env.issuer_config, env.agent_hours),
            metrics_token=secret(env.metrics_token),
            alert_platforms=AlertPlatforms.from_env(environ),
        )
        settings.check()
        return settings

    @property
    def link_keys(self) -> tuple[str, ...]:
        """Keys for signed links, oldest first: the current secret signs, the previous ones still
        verify links made before a rotation."""
        return (*self.previous_secrets, self.secret)

    @property
    def app_login_max_age_s(self) -> int:
        """How old an app login may be to stand in for the first code (IN_APP_MAX_LOGIN_AGE)."""
        return self.app_login.max_login_age_s if self.app_login else DEFAULT_APP_LOGIN_MAX_AGE_S

    def check(self) -> None:
        """Every caller's token differs from the others (a token names its caller). Outside demo
        mode each required token, the secret and METRICS_TOKEN (when set) must be a private value
        of 32+ characters, not a demo value; one message names every variable that is not."""
        named = {TOKEN_VARIABLES[scope]: token for scope, token in self.tokens.items()}
        named["ACCOUNT_SERVICE_SECRET"] = self.secret
        if self.metrics_token:  # optional; when set, as private and as strong as the others
            named["METRICS_TOKEN"] = self.metrics_token
        seen: dict[str, str] = {}
        for variable, value in named.items():
            if value and value in seen:
                raise SettingsError(f"{seen[value]} and {variable} must differ: each has its own job")
            seen[value] = variable
        if self.demo_mode:
            return
        demo_values = {*DEMO_TOKENS.values(), DEMO_SECRET}
        required = [TOKEN_VARIABLES[scope] for scope in TOKEN_VARIABLES if scope not in OPTIONAL_TOKENS]
        required.append("ACCOUNT_SERVICE_SECRET")
        given = {
            **named,
            **{f"ACCOUNT_SERVICE_PREVIOUS_SECRETS[{n}]": v for n, v in enumerate(self.previous_secrets)},
        }
        missing = [variable for variable in required if not given.get(variable)]
        weak = [
            variable
            for variable, value in given.items()
            if value and (len(value) < MIN_SECRET_LENGTH or value in demo_values)
        ]
        if missing or weak:
            problems = []
            if missing:
                problems.append(f"not set: {', '.join(missing)}")
            if weak:
                problems.append(
                    f"shorter than {MIN_SECRET_LENGTH} characters or a demo value: {', '.join(weak)}"
                )
            raise SettingsError(
                "DEMO_MODE is off, so every caller's token and the service secret must be private values "
                f"of at least {MIN_SECRET_LENGTH} characters ({'; '.join(problems)})"
            )


def _identity_limits(env: AccountServiceSettings) -> IdentityLimits:
    try:
        window_s = duration_s(
            "IDENTITY_ATTEMPTS_WINDOW", env.identity_attempts_window, IdentityLimits.window_s
        )
    except ConfigurationError as error:
        raise SettingsError(str(error)) from None
    return IdentityLimits(
        per_conversation=env.identity_attempts_per_conversation,
        per_client=env.identity_attempts_per_client,
        window_s=window_s,
        min_answer_ms=env.identity_min_answer_ms,
        codes_per_customer=env.identity_codes_per_customer,
    )


def _app_login(env: Mapping[str, str]) -> AppLoginSettings | None:
    try:
        return load_app_login_settings(env)
    except ConfigurationError as error:
        raise SettingsError(str(error)) from None


def _issuer_name(path: Path) -> str:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise SettingsError(f"cannot read the issuer configuration {path}: {type(error).__name__}") from None
    name = (config.get("issuer") or {}).get("name") if isinstance(config, dict) else None
    if not isinstance(name, str) or not name.strip():
        raise SettingsError(f"{path} has no issuer.name")
    return name.strip()


def _agent_hours(path: Path, override: str) -> AgentHours:
    config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    support = config.get("support") if isinstance(config, dict) else None
    try:
        return AgentHours.parse((support or {}).get("agent_hours"), override)
    except AgentHoursError as error:
        raise SettingsError(f"{path}: {error}") from None

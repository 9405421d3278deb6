"""Start the real account service (`python -m account_service`) as a process, for any test.

    process, base_url = start_account_service(tmp_path, port, {"DEMO_MODE": "1"})
    ...
    stop_account_service(process)

The database is a SQLite file in tmp_path and the log is tmp_path / "account_service.log".
Account-service variables of the calling environment are not inherited, so a test gets the
same service wherever it runs; pass what it needs in env_overrides.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_OWN_VARIABLES = (
    "ACCOUNT_DB_URL",
    "ACCOUNT_SERVICE_HOST",
    "ACCOUNT_SERVICE_PORT",
    "ACCOUNT_SERVICE_TOKEN",
    "CHANNELS_SERVICE_TOKEN",
    "AGENT_SERVICE_TOKEN",
    "OPERATOR_SERVICE_TOKEN",
    "ACCOUNT_SERVICE_SECRET",
    "ACCOUNT_SERVICE_PREVIOUS_SECRETS",
    "ACCOUNT_PUBLIC_URL",
    "IN_APP_JWT_SECRET",
    "IN_APP_JWT_PUBLIC_KEY",
    "IN_APP_JWT_ISSUER",
    "IN_APP_JWT_AUDIENCE",
    "IN_APP_MAX_LOGIN_AGE",
    "DEMO_MODE",
    "ISSUER_CONFIG",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def service_env(tmp_path: Path, port: int, env_overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in _OWN_VARIABLES}
    env.update(
        {
            "PYTHONPATH": str(REPO_ROOT),
            "ACCOUNT_SERVICE_HOST": "127.0.0.1",
            "ACCOUNT_SERVICE_PORT": str(port),
            "ACCOUNT_DB_URL": f"sqlite+aiosqlite:///{tmp_path / 'account.db'}",
            "DEMO_MODE": "1",
        }
    )
    env.update(env_overrides or {})
    return env


def start_account_service(
    tmp_path: Path, port: int, env_overrides: Mapping[str, str] | None = None, timeout_s: float = 30
) -> tuple[subprocess.Popen[bytes], str]:
    """Starts the service and waits until GET /health answers 200; returns (process, base URL)."""
    log_path = tmp_path / "account_service.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "account_service"],
            cwd=REPO_ROOT,
            env=service_env(tmp_path, port, env_overrides),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"account service exited early:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2) as reply:
                if reply.status == 200:
                    return process, base_url
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    stop_account_service(process)
    raise RuntimeError(f"account service not healthy after {timeout_s} s:\n{log_path.read_text()[-3000:]}")


def stop_account_service(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

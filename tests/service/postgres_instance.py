"""A throw-away PostgreSQL server for the tests that must run on PostgreSQL too.

    url, stop = start_postgres()   # postgresql+asyncpg://postgres@127.0.0.1:<free port>/postgres
    ...
    stop()

Uses the machine's `initdb` and `pg_ctl` (Debian: `apt-get install -y postgresql`). PostgreSQL
refuses to run as root, so as root the server runs as the `postgres` user. Its data directory
lives in a fresh temporary directory that is removed afterwards; fsync is off (nothing here
needs to survive a crash).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from tests.service.process import free_port


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries here, or they could not start a server."""


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root without runuser to switch to the postgres user")
    return [runuser, "-u", "postgres", "--", *command]


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise PostgresUnavailable(f"{name} not found (apt-get install -y postgresql)")
    return found


def start_postgres(timeout_s: int = 60) -> tuple[str, Callable[[], None]]:
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    workdir = Path(tempfile.mkdtemp(prefix="account-test-pg-"))
    data, log = workdir / "data", workdir / "server.log"
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(workdir, ignore_errors=True)
            raise PostgresUnavailable("no postgres user to run the server as") from None
        os.chown(workdir, server_user.pw_uid, server_user.pw_gid)
    port = free_port()
    try:
        subprocess.run(
            _as_server_user([initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"]),
            check=True,
            capture_output=True,
            timeout=timeout_s,
        )
        options = f"-p {port} -k {workdir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        subprocess.run(
            _as_server_user(
                [pg_ctl, "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", str(timeout_s), "start"]
            ),
            check=True,
            capture_output=True,
            timeout=timeout_s + 10,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        raise PostgresUnavailable(f"could not start PostgreSQL: {type(error).__name__}") from None

    def stop() -> None:
        subprocess.run(
            _as_server_user([pg_ctl, "-D", str(data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(workdir, ignore_errors=True)

    return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/postgres", stop

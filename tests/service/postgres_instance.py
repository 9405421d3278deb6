"""A throw-away PostgreSQL server for the tests that must run on PostgreSQL too.

    url, stop = start_postgres()   # postgresql+asyncpg://postgres@127.0.0.1:<free port>/postgres
    ...
    stop()

The server is scripts/cluster/postgres.py's (as the `postgres` user when run as root), in a
fresh temporary directory removed afterwards, with fsync off (nothing here must survive a crash).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from scripts.cluster.postgres import PostgresServer, PostgresUnavailable
from tests.service.process import free_port

__all__ = ["PostgresUnavailable", "start_postgres"]


def start_postgres(timeout_s: int = 60) -> tuple[str, Callable[[], None]]:
    workdir = Path(tempfile.mkdtemp(prefix="account-test-pg-"))
    server = PostgresServer(workdir, free_port())
    try:
        server.initialise(timeout_s)
        server.start(timeout_s, fsync=False)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError, PostgresUnavailable) as error:
        shutil.rmtree(server.workdir, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
        if isinstance(error, PostgresUnavailable):
            raise
        raise PostgresUnavailable(f"could not start PostgreSQL: {type(error).__name__}") from None

    def stop() -> None:
        server.stop()
        shutil.rmtree(server.workdir, ignore_errors=True)  # outside workdir when that was private
        shutil.rmtree(workdir, ignore_errors=True)

    return server.url().replace("postgresql://", "postgresql+asyncpg://", 1), stop

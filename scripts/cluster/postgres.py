"""A PostgreSQL server of our own from Debian's binaries, for `make cluster` and the tests.

PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, on a data
directory that user owns. Loopback only, trust authentication (nothing else can reach it).
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(Exception):
    """No PostgreSQL binaries here, or they could not start a server."""


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        raise PostgresUnavailable("running as root without runuser to switch to the postgres user")
    return [runuser, "-u", "postgres", "--", *command]


def binary(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
            return str(candidate)
        raise PostgresUnavailable(f"{name} not found (apt-get install -y postgresql)")
    return found


def give_to_server_user(path: Path) -> None:
    if os.geteuid() == 0:
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("no postgres user to run the server as") from None
        os.chown(path, server_user.pw_uid, server_user.pw_gid)


def reachable_by_server_user(path: Path) -> bool:
    """As root, whether the postgres user can reach `path` (a checkout under a private directory,
    such as one from `mktemp -d`, is not reachable, and PostgreSQL would not start there)."""
    if os.geteuid() != 0:
        return True
    probe = path
    while not probe.exists():
        probe = probe.parent
    reached = subprocess.run(as_server_user(["test", "-x", str(probe)]), capture_output=True)
    return reached.returncode == 0


def outside_home(workdir: Path) -> Path:
    """A directory of this workdir's own that the postgres user can reach (the temporary one)."""
    digest = hashlib.sha256(str(workdir.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"assistant-postgres-{digest}"


class PostgresServer:
    """`workdir` holds data/ and server.log; the socket goes there too."""

    def __init__(self, workdir: Path, port: int) -> None:
        self.port = port
        self.workdir = workdir if reachable_by_server_user(workdir) else outside_home(workdir)
        self.data = self.workdir / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def initialise(self, timeout_s: int = 60) -> None:
        """A new cluster unless workdir already has one (data survives `make cluster` restarts)."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        give_to_server_user(self.workdir)
        if (self.data / "PG_VERSION").exists():
            return
        subprocess.run(
            as_server_user(
                [binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync"]
            ),
            check=True,
            capture_output=True,
            timeout=timeout_s,
        )

    def start(self, timeout_s: int = 60, *, fsync: bool = True) -> None:
        options = f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not fsync:
            options += " -c fsync=off"
        log = self.workdir / "server.log"
        subprocess.run(
            as_server_user(
                [
                    binary("pg_ctl"),
                    "-D",
                    str(self.data),
                    "-o",
                    options,
                    "-l",
                    str(log),
                    "-w",
                    "-t",
                    str(timeout_s),
                    "start",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=timeout_s + 10,
        )

    @property
    def pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self, timeout_s: int = 60) -> None:
        subprocess.run(
            as_server_user([binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            capture_output=True,
            timeout=timeout_s,
        )

    def create_databases(self, *names: str) -> None:
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                for name in names:
                    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                    if cursor.fetchone() is None:
                        cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

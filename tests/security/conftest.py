"""The account service as an attacker on the network meets it: the real process, in production
mode (every caller's own token, no demo routes) and in demo mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.conftest import (  # noqa: F401 (the in-process service fixtures, here too)
    PRODUCTION_ENV,
    api,
    db,
    db_path,
    seeded_template,
    settings,
)
from tests.service.process import free_port, start_account_service, stop_account_service


@pytest.fixture(scope="module")
def production_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m account_service` with DEMO_MODE=0 and private tokens; yields its base URL."""
    workdir: Path = tmp_path_factory.mktemp("production-service")
    process, base_url = start_account_service(workdir, free_port(), PRODUCTION_ENV)
    try:
        yield base_url
    finally:
        stop_account_service(process)


@pytest.fixture(scope="module")
def demo_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`python -m account_service` with DEMO_MODE=1 (demo customers, demo tokens); its base URL."""
    workdir: Path = tmp_path_factory.mktemp("demo-service")
    process, base_url = start_account_service(workdir, free_port(), {"DEMO_MODE": "1"})
    try:
        yield base_url
    finally:
        stop_account_service(process)

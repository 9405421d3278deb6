"""The dialogue tests' fixtures. The real account service is imported only when a test asks for
it, so the other unit tests start as fast as before."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import pytest_asyncio

if TYPE_CHECKING:
    from tests.unit.in_process_service import InProcessService


@pytest.fixture(scope="session")
def seeded_account_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.unit.in_process_service import seed_demo_database

    return seed_demo_database(tmp_path_factory.mktemp("seeded") / "account.db")


@pytest_asyncio.fixture
async def service(
    seeded_account_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[InProcessService]:
    """The real account service in this process, on a fresh copy of the demo customers, with the
    action server's settings pointing at it (tests/unit/in_process_service.py)."""
    from tests.unit.in_process_service import running_service

    async with running_service(seeded_account_db, tmp_path, monkeypatch) as running:
        yield running

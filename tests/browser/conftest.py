"""Browser tests: Debian's chromium driven by Playwright against the website (web/server.py on a
free port) in front of the real assistant (the session's `assistant` fixture).

A browser is never downloaded: `make test` installs Debian's chromium when it runs as root; where
chromium is missing these tests are skipped and say how to install it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from common.settings import DEMO_SECRETS
from tests.conftest import REPO_ROOT, WEBSITE_PORT, Assistant, start, stop, wait_until_healthy

SCREENSHOTS = REPO_ROOT / "results" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="package")
def browser() -> Iterator:
    executable = chromium_path()
    if not executable:
        pytest.skip(
            "chromium is not installed: `sudo apt-get install -y chromium` (make test does it as root), "
            "or set CHROMIUM_PATH"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def website(assistant: Assistant, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The support page, its widget pointed at the test Rasa server, its demo phone at the test
    account service."""
    if not (REPO_ROOT / "web" / "dist" / "widget.js").exists():
        pytest.fail("the chat widget is not built (web/dist): run `make setup` (make test does it)")
    port = WEBSITE_PORT  # an origin the Rasa server lets open the widget's socket
    log = tmp_path_factory.mktemp("website") / "web.log"
    env = {
        **os.environ,
        **DEMO_SECRETS,
        "PYTHONPATH": str(REPO_ROOT),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
        "RASA_URL": assistant.rasa_url,
        "ACCOUNT_SERVICE_URL": assistant.service_url,
        "DEMO_MODE": "1",
    }
    process: subprocess.Popen = start([sys.executable, "-m", "web.server"], env, log)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_healthy(f"{url}/health", process, 30, log)
        yield url
    finally:
        stop(process)


@pytest.fixture
def new_page(browser, request: pytest.FixtureRequest):
    """Opens a page in a fresh browser profile (own localStorage) at a viewport size; a failing
    test leaves a screenshot of each of its pages in results/screenshots/."""
    contexts = []

    def open_page(viewport: dict = DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    failed = getattr(request.node, "failed_call", False)
    for number, context in enumerate(contexts):
        if failed:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            for page in context.pages:
                page.screenshot(path=str(SCREENSHOTS / f"failed-{request.node.name}-{number}.png"))
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    if call.when == "call" and outcome.get_result().failed:
        item.failed_call = True


def screenshot(page, name: str) -> Path:
    """Saves a test artifact under results/screenshots/ (good ones are copied to docs/ by hand)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path

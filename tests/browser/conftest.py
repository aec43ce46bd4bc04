"""Playwright in headless Chromium against real Streamlit servers on this machine.

A server holds its database file for writing, so a test computes the numbers it expects
*before* starting the server (or opens a copy). `start_server` gives a freshly started
server, as the role-boundary tests need; Debian's chromium is used, never a download.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from impact import config, db
from tests.conftest import GOOD_ENGAGEMENT_FILES, STAFF_PASSWORD, load_fixture_files

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@dataclass
class Server:
    url: str
    db_path: Path
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def launch(db_path: Path, log_dir: Path, env: dict[str, str] | None = None) -> Server:
    """Start `streamlit run app.py` on a free loopback port and wait until it answers."""
    db.close(db_path)  # the server must be the only process holding the file
    port = _free_port()
    log = log_dir / f"streamlit-{port}.log"
    full_env = {**os.environ, "IMPACT_DB": str(db_path), **(env or {})}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=config.PROJECT_ROOT,
        env=full_env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return Server(url, db_path, process, log)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not answer within 90 s:\n{log.read_text()}")


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    """A factory of freshly started servers; each is stopped after the test."""
    servers: list[Server] = []

    def start(db_path: Path, env: dict[str, str] | None = None) -> Server:
        server = launch(db_path, tmp_path, env)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def build_fixture_db(path: Path) -> Path:
    """Partners, events and the good engagements fixtures, loaded and then released."""
    db.connection(path)
    load_fixture_files(path, ["partners.csv", "events.csv", *GOOD_ENGAGEMENT_FILES])
    db.close(path)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies, no storage)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the page's script."""
    page.wait_for_selector("[data-testid='stApp']")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && document.querySelector('[data-testid=\"stMain\"]')",
        timeout=60_000,
    )
    page.wait_for_timeout(300)


def sign_in(page: Page, base_url: str, name: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the sign-in page's form (accounts from the `accounts` fixture)."""
    page.goto(base_url + "/signin")
    wait_for_app(page)
    page.get_by_role("textbox", name="Account name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text(f"Signed in as {name}").wait_for()
    wait_for_app(page)

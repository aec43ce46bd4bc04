"""Playwright in headless Chromium against real Streamlit servers on this machine.

A server holds its database file for writing, so the numbers a test expects come from another
copy of the same database (`reference_db`), or are computed before the server starts.
`reading_server` is one server per module, on its own copy of the session's fixture database,
for tests that only read; `start_server` gives a freshly started server, for tests that write or
that are about a fresh server. Tests wait on state (the script run over, a text or element
drawn), never on a fixed sleep. Debian's chromium is used, never a download. Each person in a
test gets a browser of their own (`person`, `page`): a profile on disk whose caches outlast the
test, with nothing else from earlier tests.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, sync_playwright

from impact import config, db, users
from tests.conftest import STAFF_PASSWORD, copy_database

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


def _worker_ports() -> range:
    """This test process's own few loopback ports: a block that the run draws at random (so that two
    runs at once seldom meet), one part of it per xdist worker."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getpid())
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    number = int(worker[2:]) if worker[2:].isdigit() else 0
    first = 20000 + 256 * (zlib.crc32(run.encode()) % 64) + 8 * (number % 32)
    return range(first, first + 8)


_PORTS_GIVEN: set[int] = set()  # every port _free_port handed out in this process (their storage is cleared)


def _free_port() -> int:
    """A free loopback port: the first free one of this process's own, else any.

    Chromium keeps Streamlit's scripts, and the code it compiled from them, per address; servers that
    reuse a few ports let every test's browser profile (`profiles`) draw them from its cache.
    """
    for wanted in (*_worker_ports(), 0):
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds it
            try:
                sock.bind(("127.0.0.1", wanted))
            except OSError:
                continue
            port = sock.getsockname()[1]
        _PORTS_GIVEN.add(port)
        return port
    raise RuntimeError("no free loopback port")


def launch(db_path: Path, log_dir: Path, env: dict[str, str | None] | None = None) -> Server:
    """Start `streamlit run app.py` on a free loopback port and wait until it answers.

    The server gets this process's environment, IMPACT_DB and `env` (where None unsets a variable).
    """
    db.close(db_path)  # the server must be the only process holding the file
    merged = {**os.environ, "IMPACT_DB": str(db_path), **(env or {})}
    full_env = {name: value for name, value in merged.items() if value is not None}
    for _attempt in range(3):  # another process may take a free port before the server binds it
        server = _start(db_path, log_dir, full_env)
        if server is not None:
            return server
    raise RuntimeError("streamlit found no free port in three tries")


def _start(db_path: Path, log_dir: Path, full_env: dict[str, str]) -> Server | None:
    """One `streamlit run` on a free port, once it answers; None if the port was taken meanwhile."""
    port = _free_port()
    log = log_dir / f"streamlit-{port}.log"
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
    while time.monotonic() < deadline:  # polls the health endpoint until it answers
        if process.poll() is not None:
            if f"Port {port} is not available" in log.read_text():
                return None
            raise RuntimeError(f"streamlit exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return Server(url, db_path, process, log)
        except OSError:
            time.sleep(0.1)
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


_SESSION_FIXTURE_DB: list[Path] = []  # set by _session_fixture_db, read by build_fixture_db


@pytest.fixture(scope="session", autouse=True)
def _session_fixture_db(built_fixture_db: Path) -> None:
    """Lets the plain function build_fixture_db copy the session's fixture database."""
    _SESSION_FIXTURE_DB[:] = [built_fixture_db]


def build_fixture_db(path: Path) -> Path:
    """Partners, events and the good engagements fixtures at `path`, released: a copy of the
    session's fixture database (built once from the CSV files), with its pseudonymisation key."""
    return copy_database(_SESSION_FIXTURE_DB[0], path)


@dataclass
class Staff:
    """One local account per staff role (role -> account name) and the server settings that use them."""

    names: dict[str, str]
    env: dict[str, str | None]


def staff_accounts(folder: Path) -> Staff:
    """The accounts the `accounts` fixture makes (same names and password), in a users file under `folder`."""
    store = users.UserStore(folder / "users.json")
    rounds, users.BCRYPT_ROUNDS = users.BCRYPT_ROUNDS, 4  # quick hashes; same algorithm
    try:
        names = {role: f"test-{role}" for role in users.ACCOUNT_ROLES}
        for role, name in names.items():
            store.add(name, role, STAFF_PASSWORD)
    finally:
        users.BCRYPT_ROUNDS = rounds
    env: dict[str, str | None] = {
        "IMPACT_USERS_FILE": str(store.path),
        "IMPACT_COOKIE_KEY_FILE": str(folder / "cookie.secret"),
        "IMPACT_LOGIN_BASE_DELAY": "0",
        "IMPACT_KEY_FILE": None,  # the key sits beside each copy of the database
    }
    return Staff(names, env)


@pytest.fixture(scope="module")
def staff(tmp_path_factory: pytest.TempPathFactory) -> Staff:
    """Staff accounts for this module's reading server: `staff.names[role]` signs in with STAFF_PASSWORD."""
    return staff_accounts(tmp_path_factory.mktemp("staff"))


@pytest.fixture(scope="module")
def reading_server(tmp_path_factory: pytest.TempPathFactory, staff: Staff) -> Iterator[Server]:
    """One server for this module's tests that only read, on its own copy of the fixture database.

    Tests share it, so none may change what it stores; each test still opens its pages in a
    fresh browser (the `page` fixture).
    """
    folder = tmp_path_factory.mktemp("reading_server")
    server = launch(build_fixture_db(folder / "coalition.duckdb"), folder, staff.env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def reference_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Another copy of the fixture database, which this process reads for the numbers a page
    should show (a running server holds its own copy); tests must not write to it."""
    path = build_fixture_db(tmp_path_factory.mktemp("reference") / "coalition.duckdb")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        yield path
    db.close(path)


VIEWPORT = {"width": 1400, "height": 1000}

# What a browser keeps for a site, apart from its caches (DevTools protocol's Storage.clearDataForOrigin).
_SITE_DATA = "cookies,local_storage,indexeddb,websql,service_workers,cache_storage,file_systems,shared_storage"


class Profiles:
    """Chromium browsers with a profile on disk, one person each, lent to one test at a time.

    A fresh browser context holds no cache, so every page in it compiles Streamlit's and plotly's
    scripts again (about 2 of the 5 CPU-seconds a dashboard's first load takes here). A profile on
    disk keeps the scripts and the compiled code between tests; what a person leaves behind (cookies,
    storage, open tabs) is removed before the next test borrows the profile. Its contexts are all
    1400 x 1000, en-US, and accept downloads; a test that needs other settings makes its own context.
    """

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._playwright = sync_playwright().start()
        self._made: list[BrowserContext] = []
        self._free: list[BrowserContext] = []

    def borrow(self) -> BrowserContext:
        """A profile no test holds: cleared when it was given back, or new."""
        return self._free.pop() if self._free else self._launch()

    def give_back(self, context: BrowserContext) -> None:
        self._forget(context)
        self._free.append(context)

    def first_browser(self) -> Browser:
        """The browser of a profile, for contexts of its own (`browser.new_context()`), without a cache."""
        if not self._made:
            self._free.append(self._launch())
        browser = self._made[0].browser
        assert browser is not None
        return browser

    def close(self) -> None:
        for context in self._made:
            context.close()
        self._playwright.stop()

    def _launch(self) -> BrowserContext:
        context = self._playwright.chromium.launch_persistent_context(
            self._folder / f"profile-{len(self._made)}",
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,
            locale="en-US",
            accept_downloads=True,
        )
        self._made.append(context)
        return context

    @staticmethod
    def _forget(context: BrowserContext) -> None:
        """Close every tab but a blank one and remove cookies and every site's stored data."""
        keeper, *others = context.pages or [context.new_page()]
        for tab in others:
            tab.close()
        keeper.goto("about:blank")
        context.clear_cookies()
        context.clear_permissions()
        devtools = context.new_cdp_session(keeper)
        for port in sorted(_PORTS_GIVEN):
            devtools.send(
                "Storage.clearDataForOrigin", {"origin": f"http://127.0.0.1:{port}", "storageTypes": _SITE_DATA}
            )
        devtools.detach()


@pytest.fixture(scope="session")
def profiles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Profiles]:
    made = Profiles(tmp_path_factory.mktemp("chromium"))
    yield made
    made.close()


@pytest.fixture(scope="session")
def browser(profiles: Profiles) -> Browser:
    """A Chromium for tests that make their own contexts (other sizes, a phone, routes); no cache is shared."""
    return profiles.first_browser()


@pytest.fixture
def person(profiles: Profiles) -> Iterator[Callable[[], Page]]:
    """Opens a tab in the browser of a new person for this test: no cookies or storage from
    anyone else (each person has a profile of their own; only the caches outlast a test)."""
    borrowed: list[BrowserContext] = []

    def open_tab() -> Page:
        context = profiles.borrow()
        borrowed.append(context)
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        return tab

    yield open_tab
    for context in borrowed:
        profiles.give_back(context)


@pytest.fixture
def page(person: Callable[[], Page]) -> Page:
    """A page in a fresh browser: no cookies, no storage (a profile's caches only)."""
    return person()


@pytest.fixture(scope="module")
def director_cookies(browser: Browser, reading_server: Server, staff: Staff) -> list:
    """The cookies of a director signed in once, through the sign-in form, on this module's reading server."""
    context = browser.new_context(viewport=VIEWPORT, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, reading_server.url, staff.names["director"])
    cookies = context.cookies()
    context.close()
    return cookies


@pytest.fixture
def director_page(person: Callable[[], Page], director_cookies: list) -> Page:
    """A page in a fresh browser that holds only a signed-in director's cookie (as a director who
    signed in earlier and comes back with a link); the sign-in form itself is tested elsewhere."""
    page = person()
    page.context.add_cookies(director_cookies)
    return page


# The script run is over and the page is connected and drawn, with no "Running..." widget (the
# attributes are Streamlit's own; its e2e suite waits on them). Before the first run the state
# is "initial", so after a page load this waits for that page's run.
APP_SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return app !== null
    && app.getAttribute("data-test-script-state") === "notRunning"
    && app.getAttribute("data-test-connection-state") === "CONNECTED"
    && document.querySelector("[data-testid='stMain']") !== null
    && document.querySelector("[data-testid='stStatusWidget']") === null;
}"""


def wait_for_app(page: Page) -> None:
    """Wait until Streamlit has finished running the page's script (after a page load or a rerun
    that has begun; after a click, also wait for what the click should show)."""
    page.wait_for_function(APP_SETTLED, timeout=60_000, polling=100)


# Counts the script runs that start on this page from now on (the attribute turns "running").
_COUNT_RUNS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  window.__impactRunsStarted = 0;
  window.__impactRunWatcher?.disconnect();
  window.__impactRunWatcher = new MutationObserver(() => {
    if (app.getAttribute("data-test-script-state") === "running") window.__impactRunsStarted += 1;
  });
  window.__impactRunWatcher.observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
}"""


def rerun_after(page: Page, action: Callable[[], object]) -> None:
    """Do `action` (a click that reruns the script) and wait until the run it starts is over.

    After a click the page still says "notRunning" until the server starts the run, so waiting
    for "notRunning" alone could return before the click has done anything.
    """
    page.evaluate(_COUNT_RUNS)
    action()
    page.wait_for_function("() => window.__impactRunsStarted > 0", timeout=60_000)
    wait_for_app(page)


def wait_for_chart_text(chart: Locator, text: str) -> list[str]:
    """Wait until plotly has drawn `text` in the chart's svg; every text the chart draws, stripped."""
    chart.locator("svg text").filter(has_text=text).first.wait_for()
    return [t.strip() for t in chart.locator("svg text").all_text_contents()]


def sign_in(page: Page, base_url: str, name: str, password: str = STAFF_PASSWORD) -> None:
    """Sign in through the sign-in page's form (accounts from the `accounts` fixture)."""
    page.goto(base_url + "/signin")
    wait_for_app(page)
    page.get_by_role("textbox", name="Account name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    # signed in, the sign-in page sends the person to their role's first page: wait for that page,
    # or a click could land on the sign-in page's last drawing, between its run and the next
    page.wait_for_url(lambda url: "/signin" not in url)
    page.get_by_text(f"Signed in as {name}").wait_for()
    page.wait_for_function("() => document.cookie.includes('impact_session=')")  # stored by the page's script
    wait_for_app(page)

"""Roles in a real browser: every page URL as every role on a freshly started server, sign-in that
survives a refresh, sign-out, lockout, and forged cookies."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Page

from impact import users
from impact.web import ui
from tests.browser.conftest import Server, build_fixture_db, launch, rerun_after, sign_in, wait_for_app
from tests.conftest import STAFF_PASSWORD

ROLES = ("public", "analyst", "director", "admin")
ACCOUNTS = {role: f"browser-{role}" for role in ROLES[1:]}
REFUSALS = ("for coalition staff", "may not see this page")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One freshly started server for this module, with an account per staff role."""
    folder = tmp_path_factory.mktemp("roles")
    path = build_fixture_db(folder / "coalition.duckdb")
    store = users.UserStore(folder / "users.json")
    rounds, users.BCRYPT_ROUNDS = users.BCRYPT_ROUNDS, 4
    try:
        for role, name in ACCOUNTS.items():
            store.add(name, role, STAFF_PASSWORD)
    finally:
        users.BCRYPT_ROUNDS = rounds
    env = {
        "IMPACT_USERS_FILE": str(store.path),
        "IMPACT_COOKIE_KEY_FILE": str(folder / "cookie.secret"),
        "IMPACT_LOGIN_BASE_DELAY": "60",  # after the free failures, a wait of a minute (the longest there is)
        "IMPACT_LOGIN_FREE_FAILURES": "2",
        "IMPACT_LOGIN_ANSWER_SECONDS": "0.2",
    }
    started = launch(path, folder, env)
    yield started
    started.stop()


@pytest.fixture
def fresh(page: Page) -> Page:
    """A page in a fresh browser: no cookies from other tests."""
    return page


def _open(page: Page, url: str) -> str:
    """Open a URL and wait until the page and its sidebar (drawn by page_setup) are complete."""
    page.goto(url)
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    page.locator("[data-testid='stSidebar'] a").first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]')"
        " && !document.querySelector('[data-testid=\"stStatusWidget\"]')",
        timeout=60_000,
        polling=100,
    )
    return page.locator("[data-testid='stMain']").inner_text()


def _data_elements(page: Page) -> int:
    return page.locator(
        "[data-testid='stMain'] :is([data-testid='stMetric'], [data-testid='stTable'], "
        "[data-testid='stDataFrame'], .js-plotly-plot)"
    ).count()


def _navigation(page: Page) -> set[str]:
    hrefs = page.locator("[data-testid='stSidebar'] a").evaluate_all("links => links.map(a => a.pathname)")
    return {href.strip("/") for href in hrefs} - {"signin"}


def test_a_direct_staff_url_on_a_fresh_server_asks_the_public_to_sign_in_and_shows_no_data(
    server: Server, fresh: Page
) -> None:
    """The very first request of the server is /overview, by an anonymous visitor."""
    text = _open(fresh, server.url + "/overview")
    assert "for coalition staff" in text
    assert _data_elements(fresh) == 0
    assert fresh.get_by_role("textbox", name="Password").count() == 1


@pytest.mark.parametrize("role", ROLES)
def test_every_page_url_opened_as_each_role_shows_only_what_the_role_may_see(
    server: Server, fresh: Page, role: str
) -> None:
    """Direct URLs: refused pages draw a refusal and no data; allowed pages draw; navigation matches.

    Every role opens every page it may not see. The admin, who may see every page, opens them all;
    the analyst and the director open their first page besides (AppTest opens every page as every
    role, tests/test_auth.py; the dashboards' own browser tests open theirs as a director).
    """
    if role != "public":
        sign_in(fresh, server.url, ACCOUNTS[role])
    allowed = {p.id for p in ui.PAGES if role in p.audience and p.in_navigation}
    pages = [p for p in ui.PAGES if p.id != "signin"]
    if role not in ("public", "admin"):
        first_allowed = next(p for p in pages if role in p.audience)
        pages = [p for p in pages if role not in p.audience or p is first_allowed]
    for page in pages:
        text = _open(fresh, f"{server.url}/{page.id}")
        refused = any(r in text for r in REFUSALS)
        assert refused == (role not in page.audience), (role, page.id, text[:200])
        if refused:
            assert _data_elements(fresh) == 0, (role, page.id)
        assert _navigation(fresh) == allowed, (role, page.id)


def test_a_sign_in_survives_a_refresh_and_a_new_tab_and_sign_out_ends_it(server: Server, fresh: Page) -> None:
    """The signed cookie keeps the director signed in; signing out removes it and the pages close."""
    sign_in(fresh, server.url, ACCOUNTS["director"])
    assert {c["name"] for c in fresh.context.cookies()} >= {"impact_session"}
    fresh.reload()
    wait_for_app(fresh)
    fresh.get_by_text(f"Signed in as {ACCOUNTS['director']}").wait_for()
    other_tab = fresh.context.new_page()
    text = _open(other_tab, server.url + "/share_links")
    assert not any(r in text for r in REFUSALS)
    other_tab.close()
    fresh.get_by_role("button", name="Sign out").click()
    fresh.get_by_role("link", name="Staff sign-in").wait_for()
    assert "impact_session" not in {c["name"] for c in fresh.context.cookies()}
    fresh.reload()
    text = _open(fresh, server.url + "/overview")
    assert "for coalition staff" in text and _data_elements(fresh) == 0


def test_a_stolen_cookie_stops_working_after_sign_out(server: Server, fresh: Page, person: Callable[[], Page]) -> None:
    """Sign-out ends the account's sessions on the server, not only in this browser."""
    sign_in(fresh, server.url, ACCOUNTS["admin"])
    stolen = [c for c in fresh.context.cookies() if c["name"] == "impact_session"]
    fresh.get_by_role("button", name="Sign out").click()
    fresh.get_by_role("link", name="Staff sign-in").wait_for()
    thief = person()
    thief.context.add_cookies(stolen)
    text = _open(thief, server.url + "/data")
    assert "for coalition staff" in text and _data_elements(thief) == 0


def test_a_forged_cookie_is_ignored(server: Server, fresh: Page) -> None:
    """A cookie not signed with the server's key gives the public audience."""
    host = server.url.split("//")[1].split(":")[0]
    forged = {"name": "impact_session", "value": "eyJ1IjoiYWRtaW4ifQ.forged", "domain": host, "path": "/"}
    fresh.context.add_cookies([forged])
    text = _open(fresh, server.url + "/upload")
    assert "for coalition staff" in text and _data_elements(fresh) == 0


def test_repeated_wrong_passwords_make_the_account_wait(server: Server, fresh: Page) -> None:
    """After three failures (two free, this server's setting) the analyst's account waits: even the right password
    gets the same refusal, and nothing says whether the name exists."""
    fresh.goto(server.url + "/signin")
    wait_for_app(fresh)
    sign_in_button = fresh.get_by_role("button", name="Sign in", exact=True)
    for attempt in range(3):
        fresh.get_by_role("textbox", name="Account name").fill(ACCOUNTS["analyst"])
        fresh.get_by_role("textbox", name="Password").fill(f"wrong password {attempt}")
        rerun_after(fresh, sign_in_button.click)
        fresh.locator("[data-testid='stAlert']").first.wait_for()
    refusal = fresh.locator("[data-testid='stAlert']").first.inner_text()
    assert "never more than a minute" in refusal
    fresh.get_by_role("textbox", name="Account name").fill(ACCOUNTS["analyst"])
    fresh.get_by_role("textbox", name="Password").fill(STAFF_PASSWORD)
    rerun_after(fresh, sign_in_button.click)
    assert fresh.locator("[data-testid='stAlert']").first.inner_text() == refusal
    assert fresh.get_by_text(f"Signed in as {ACCOUNTS['analyst']}").count() == 0

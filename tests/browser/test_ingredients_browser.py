"""/ingredients in a real browser, as the first request of a freshly started server: the public gets
the sign-in form and no data; a director gets the six ingredients with their charts drawn.

One server per role, as each must be the server's first run of the page. The analyst and the admin
pass the same audience check as the director (tests/test_ingredients_page.py opens the page as
every role in AppTest; tests/browser/test_roles_browser.py opens it directly as the admin)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from impact import ingredients
from tests.browser.conftest import Server, build_fixture_db, sign_in, staff_accounts, wait_for_app

DATA = (
    "[data-testid='stMain'] :is([data-testid='stMetric'], [data-testid='stTable'], "
    "[data-testid='stDataFrame'], .js-plotly-plot)"
)


@pytest.mark.parametrize("role", ["public", "director"])
def test_ingredients_opened_first_on_a_fresh_server_shows_data_to_staff_only(
    start_server: Callable[..., Server], page: Page, tmp_path: Path, role: str
) -> None:
    """The server's first page run is /ingredients: no data and a sign-in form for the public, the six sections for staff."""
    staff = staff_accounts(tmp_path)
    server = start_server(build_fixture_db(tmp_path / "coalition.duckdb"), staff.env)
    page.set_default_timeout(60_000)
    if role != "public":
        sign_in(page, server.url, staff.names[role])  # the sign-in page runs first; /ingredients next
    page.goto(server.url + "/ingredients")
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1").first.wait_for()
    main = page.locator("[data-testid='stMain']")
    if role == "public":
        page.get_by_role("textbox", name="Password").wait_for()  # drawn after the title
        wait_for_app(page)
        assert "for coalition staff" in main.inner_text()
        assert page.get_by_role("textbox", name="Password").count() == 1
        assert page.locator(DATA).count() == 0
    else:
        for ingredient in ingredients.INGREDIENTS:
            page.get_by_role("heading", name=ingredient.title, exact=True).wait_for()
        page.locator(".js-plotly-plot").first.wait_for()
        assert "for coalition staff" not in main.inner_text()

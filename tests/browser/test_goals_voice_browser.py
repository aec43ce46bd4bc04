"""The Goals and Community voice pages in a real browser: opened directly as the very first request of a
freshly started server, the public gets a sign-in form and no data; staff get the pages drawn."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Server, sign_in, staff_accounts, wait_for_app, wait_for_chart_text
from tests.conftest import copy_database

DATA = (
    "[data-testid='stMain'] :is([data-testid='stMetric'], [data-testid='stTable'], "
    "[data-testid='stDataFrame'], .js-plotly-plot)"
)


def _outcomes_db(built_outcomes_db: Path, folder: Path) -> Path:
    """A copy of the fixture database with targets, milestones and survey responses (tests/conftest.py), released."""
    return copy_database(built_outcomes_db, folder / "coalition.duckdb")


@pytest.mark.parametrize("page_id", ["goals", "voice"])
def test_the_page_opened_first_on_a_fresh_server_by_the_public_shows_no_data(
    page_id: str,
    start_server: Callable[..., Server],
    page: Page,
    tmp_path: Path,
    built_outcomes_db: Path,
) -> None:
    """The server's very first request is the page's URL, by an anonymous visitor: a sign-in form, nothing else."""
    staff = staff_accounts(tmp_path)
    server = start_server(_outcomes_db(built_outcomes_db, tmp_path), staff.env)
    page.goto(f"{server.url}/{page_id}")
    wait_for_app(page)
    page.get_by_text("This page is for coalition staff").wait_for()
    page.get_by_role("textbox", name="Password").wait_for()  # the sign-in form, drawn after the refusal
    wait_for_app(page)
    assert page.locator(DATA).count() == 0
    text = page.locator("[data-testid='stMain']").inner_text()
    assert "target" not in text.lower() and "comment" not in text.lower()


def test_staff_see_the_goals_and_the_community_voice(
    start_server: Callable[..., Server], page: Page, tmp_path: Path, built_outcomes_db: Path
) -> None:
    """A director: the targets' progress and the table to change them; the answers and the comments."""
    staff = staff_accounts(tmp_path)
    server = start_server(_outcomes_db(built_outcomes_db, tmp_path), staff.env)
    sign_in(page, server.url, staff.names["director"])
    page.goto(f"{server.url}/goals")
    wait_for_app(page)
    chart = page.locator(".js-plotly-plot").first
    texts = wait_for_chart_text(chart, "Foundation 2024")
    assert any("of 2,400" in t for t in texts)
    page.get_by_role("button", name="Save the targets").wait_for()
    page.goto(f"{server.url}/voice")
    wait_for_app(page)
    page.get_by_text("What people answered").wait_for()
    wait_for_chart_text(page.locator(".js-plotly-plot").nth(1), "Cantonese")
    assert page.get_by_text("Comments", exact=True).count() == 1

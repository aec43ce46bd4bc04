"""What only a browser shows of the public impact page: how it reads on a 390 px phone (a handful of
headline figures, then charts, "<11" explained where it first appears) and that a chart downloads as
a PNG from its toolbar."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.conftest import Server, build_fixture_db, launch, wait_for_app, wait_for_chart_text

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module (the tests only read): the fixture coalition, its report stored."""
    folder = tmp_path_factory.mktemp("impact_browser")
    running = launch(build_fixture_db(folder / "coalition.duckdb"), folder)
    yield running
    running.stop()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A 390 px wide phone, in a fresh browser context that accepts downloads."""
    context = browser.new_context(viewport=PHONE, locale="en-US", accept_downloads=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def test_on_a_phone_six_headline_figures_come_before_the_first_chart_within_two_screens(
    server: Server, phone: Page
) -> None:
    """390 px: six figures, two to a row, and the trend chart starts within two screens of the top;
    no part of the page is wider than the screen."""
    phone.goto(server.url + "/impact")
    wait_for_app(phone)
    chart = phone.locator(".stPlotlyChart").first
    wait_for_chart_text(chart, "People reached, year by year")
    phone.locator("[data-testid='stMetricValue']").nth(5).wait_for()  # every figure drawn
    metrics = phone.locator("[data-testid='stMetric']")
    assert metrics.count() == 6
    first, second = metrics.nth(0).bounding_box(), metrics.nth(1).bounding_box()
    assert first and second and abs(first["y"] - second["y"]) < 2  # side by side
    top = phone.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY", chart.element_handle())
    assert top < 2 * PHONE["height"], top
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_small_numbers_are_explained_right_under_the_figures_that_show_them(server: Server, phone: Page) -> None:
    """The fixture's latest year has a "<11" among its figures: the explanation is drawn below them, before
    the first chart."""
    phone.goto(server.url + "/impact")
    wait_for_app(phone)
    phone.locator("[data-testid='stMetricValue']").nth(5).wait_for()  # every figure drawn
    small = phone.locator("[data-testid='stMetricValue']").filter(has_text=re.compile(r"^\s*<11\s*$"))
    assert small.count() >= 1
    note = phone.get_by_text("'<11' means from 1 to 10").first
    note.wait_for()
    assert note.bounding_box()["y"] > small.first.bounding_box()["y"]
    chart_top = phone.locator(".stPlotlyChart").first.bounding_box()["y"]
    assert note.bounding_box()["y"] < chart_top


def test_a_chart_downloads_as_a_png_named_after_it(server: Server, page: Page, tmp_path: Path) -> None:
    """The toolbar's camera saves the trend as coalition-impact-years.png, a real PNG."""
    page.goto(server.url + "/impact")
    wait_for_app(page)
    chart = page.locator(".stPlotlyChart").first
    wait_for_chart_text(chart, "People reached, year by year")
    chart.hover()
    button = chart.locator(".modebar-btn[data-title='Download plot as a PNG']")
    with page.expect_download() as download:
        button.click()
    assert download.value.suggested_filename == "coalition-impact-years.png"
    saved = tmp_path / "chart.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

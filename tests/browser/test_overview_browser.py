"""The overview in a real browser: KPIs and the monthly chart from the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from playwright.sync_api import Page

from impact import db
from tests.browser.conftest import Server, Staff, sign_in, wait_for_app


def test_overview_shows_kpis_and_monthly_chart_in_a_browser(
    reading_server: Server, reference_db: Path, page: Page, staff: Staff
) -> None:
    """Opening the app shows the unique-people count an independent SQL count gives, and the chart."""
    cur = db.cursor(reference_db)
    last = cur.execute(
        "select max(d) from (select engaged_on as d from engagements union all select event_date from events)"
    ).fetchone()[0]
    expected = cur.execute(
        "select count(distinct participant_key) from engagements where engaged_on between $s and $e",
        {"s": last - timedelta(days=364), "e": last},
    ).fetchone()[0]
    cur.close()
    sign_in(page, reading_server.url, staff.names["director"])
    page.goto(reading_server.url + "/")
    wait_for_app(page)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Unique people reached")
    metric.wait_for()
    assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == f"{expected:,}"
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator(".js-plotly-plot").count() >= 1

"""The overview in a real browser: KPIs and the monthly chart from the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from impact import db
from tests.browser.conftest import build_fixture_db, sign_in, wait_for_app


def test_overview_shows_kpis_and_monthly_chart_in_a_browser(tmp_path: Path, start_server, page, accounts) -> None:
    """Opening the app shows the unique-people count an independent SQL count gives, and the chart."""
    path = build_fixture_db(tmp_path / "coalition.duckdb")
    cur = db.cursor(path)
    last = cur.execute(
        "select max(d) from (select engaged_on as d from engagements union all select event_date from events)"
    ).fetchone()[0]
    expected = cur.execute(
        "select count(distinct participant_key) from engagements where engaged_on between $s and $e",
        {"s": last - timedelta(days=364), "e": last},
    ).fetchone()[0]
    cur.close()
    server = start_server(path)
    sign_in(page, server.url, accounts["director"])
    page.goto(server.url + "/")
    wait_for_app(page)
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Unique people reached")
    metric.wait_for()
    assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == f"{expected:,}"
    page.locator(".js-plotly-plot").first.wait_for()
    assert page.locator(".js-plotly-plot").count() >= 1

"""The overview in a real browser: KPIs and the monthly chart from the database, and a month under
way drawn as one ("to date"), as a director pasting the chart into a board deck sees it."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from impact import db, periods
from tests.browser.conftest import Server, wait_for_app


def _last_day(path: Path):
    cur = db.cursor(path)
    try:
        return cur.execute(
            "select max(d) from (select engaged_on as d from engagements union all select event_date from events)"
        ).fetchone()[0]
    finally:
        cur.close()


def test_overview_shows_kpis_and_monthly_chart_in_a_browser(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """Opening the app shows the unique-people count of the last 12 complete months by an independent SQL count."""
    period = periods.resolve(periods.DEFAULT, _last_day(reference_db), _last_day(reference_db))
    cur = db.cursor(reference_db)
    expected = cur.execute(
        "select count(distinct participant_key) from engagements where engaged_on between $s and $e",
        {"s": period.start, "e": period.end},
    ).fetchone()[0]
    cur.close()
    director_page.goto(reading_server.url + "/")
    wait_for_app(director_page)
    metric = director_page.locator("[data-testid='stMetric']").filter(has_text="Unique people reached")
    metric.wait_for()
    assert metric.locator("[data-testid='stMetricValue']").inner_text().strip() == f"{expected:,}"
    director_page.locator(".js-plotly-plot").first.wait_for()
    assert director_page.locator(".js-plotly-plot").count() >= 1


def test_the_month_under_way_reads_to_date_on_the_drawn_chart(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """Year to date ends on the data's last day (Dec 28): December's tick and band say 'to date (Dec 28)'."""
    last = _last_day(reference_db)
    assert last.day != periods.month_end(last).day  # the fixture ends inside a month
    director_page.goto(reading_server.url + "/overview?period=this-year")
    wait_for_app(director_page)
    chart = director_page.locator(".js-plotly-plot").filter(has_text="Unique people and contacts by month")
    chart.locator("svg text").filter(has_text="to date").first.wait_for(state="attached")  # drawn by plotly
    texts = [t.strip() for t in chart.locator("svg text").all_text_contents()]
    note = f"to date ({last:%b} {last.day})"
    assert note in texts, texts  # above the month's shaded band
    assert f"{last:%b %Y}{note}" in texts, texts  # the tick: the month's name, then the note on a second line
    assert sum("to date" in t for t in texts) == 2

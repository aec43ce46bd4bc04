"""The four dashboards in a real browser: each opened by its URL with filters in the query
string shows the filtered numbers (computed from another copy of the server's database).

The tests only read, so they share one server (`reading_server`), each in a fresh browser context."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from impact import db, periods
from tests.browser.conftest import Server, wait_for_app, wait_for_chart_text


def count(path: Path, statement: str, params: list | None = None) -> int:
    cur = db.cursor(path)
    try:
        return cur.execute(statement, params or []).fetchone()[0]
    finally:
        cur.close()


def metric(page: Page, label: str) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    card.wait_for()
    return card.locator("[data-testid='stMetricValue']").inner_text().strip()


def open_dashboard(page: Page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    page.locator("[data-testid='stSidebar']").get_by_text("Filters", exact=True).wait_for()


def test_overview_opened_by_a_link_counts_only_the_linked_partners(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """/overview?period=all-time&partners=HYC&partners=CLA shows their unique people and keeps the link."""
    path = reference_db
    people = count(path, "select count(distinct participant_key) from engagements where partner_id in ('HYC', 'CLA')")
    server = reading_server
    open_dashboard(director_page, server.url + "/overview?period=all-time&partners=HYC&partners=CLA")
    assert metric(director_page, "Unique people reached") == f"{people:,}"
    sidebar = director_page.locator("[data-testid='stSidebar']")
    assert sidebar.get_by_text("Harbor Youth Center").count() >= 1
    url = director_page.url
    assert "partners=HYC" in url and "partners=CLA" in url and "period=all-time" in url
    director_page.locator(".js-plotly-plot").nth(1).wait_for()  # the monthly charts


def test_reach_opened_by_a_link_counts_one_language_in_one_year(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """/reach?period=last-year&languages=Spanish shows 2023's Spanish-speaking people and contacts."""
    path = reference_db
    where = "language = 'Spanish' and engaged_on between '2023-01-01' and '2023-12-31'"
    people = count(path, f"select count(distinct participant_key) from engagements where {where}")
    contacts = count(path, f"select count(*) from engagements where {where}")
    server = reading_server
    open_dashboard(director_page, server.url + "/reach?period=last-year&languages=Spanish")
    assert metric(director_page, "Unique people reached") == f"{people:,}"
    assert metric(director_page, "Total contacts") == f"{contacts:,}"
    channel_title = director_page.get_by_text("Unique people and contacts by channel")
    channel_title.first.wait_for()  # plotly draws the charts' text after the page's run is over
    assert channel_title.count() == 1


def test_languages_opened_by_a_link_gives_the_share_not_in_english_for_a_neighborhood(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """/languages?period=all-time&neighborhoods=Chinatown shows that neighborhood's share not in English."""
    path = reference_db
    total = count(path, "select count(*) from engagements where neighborhood = 'Chinatown'")
    english = count(path, "select count(*) from engagements where neighborhood = 'Chinatown' and language = 'English'")
    spanish = count(
        path,
        "select count(distinct participant_key) from engagements where neighborhood = 'Chinatown'"
        " and language = 'Spanish'",
    )
    server = reading_server
    open_dashboard(director_page, server.url + "/languages?period=all-time&neighborhoods=Chinatown")
    assert metric(director_page, "Contacts not in English") == f"{(total - english) / total:.1%}"
    people_chart = director_page.locator(".js-plotly-plot").filter(has_text="Unique people by language")
    texts = wait_for_chart_text(people_chart, "Spanish")  # plotly draws its text after the page's run
    assert "Spanish" in texts and f"{spanish:,}" in texts  # the bar's label and the number beside it


def test_partners_opened_by_a_link_shows_one_partners_events_and_downloads_its_freshness(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """/partners?period=all-time&partners=SSE counts its events; the freshness CSV holds only its row."""
    path = reference_db
    events = count(
        path,
        "select count(*) from events where host_partner_id = 'SSE' or list_contains(co_host_partner_ids, 'SSE')",
    )
    server = reading_server
    open_dashboard(director_page, server.url + "/partners?period=all-time&partners=SSE")
    assert metric(director_page, "Events held") == f"{events:,}"
    director_page.get_by_text("Each partner's last upload, contact, event and activity").click()
    with director_page.expect_download() as download:
        director_page.get_by_role("button", name="Download CSV").first.click()
    text = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Partner,Last upload (UTC),Last contact")
    assert len(lines) == 2 and lines[1].startswith("Sunset Senior Exchange,")


def test_filters_follow_the_reader_through_the_sidebar_links(
    reading_server: Server, reference_db: Path, director_page: Page
) -> None:
    """A partner chosen on the overview is still chosen, and in the URL, on the reach page."""
    path = reference_db
    last = count(
        path, "select max(d) from (select engaged_on as d from engagements union all select event_date from events)"
    )
    period = periods.resolve(periods.DEFAULT, last, last)  # the last 12 complete months
    people = count(
        path,
        "select count(distinct participant_key) from engagements where partner_id = 'RBA'"
        " and engaged_on between ? and ?",
        [period.start, period.end],
    )
    server = reading_server
    open_dashboard(director_page, server.url + "/overview?partners=RBA")
    director_page.locator("[data-testid='stSidebar']").get_by_role("link", name="Outreach reach").click()
    director_page.wait_for_url("**/reach**")
    reach_title = director_page.locator("[data-testid='stMain'] h1").filter(has_text="Outreach reach")
    reach_title.wait_for()  # the reach page's run
    wait_for_app(director_page)
    assert metric(director_page, "Unique people reached") == f"{people:,}"
    director_page.wait_for_function("() => window.location.search.includes('partners=RBA')")

"""Upload, load and undo in a real browser, with the overview's numbers before, after and after undo."""

from __future__ import annotations

import shutil
from pathlib import Path

from playwright.sync_api import Page

from impact import config, db, ingest, metrics
from tests.browser.conftest import sign_in, wait_for_app
from tests.conftest import FIXTURES, GOOD_ENGAGEMENT_FILES, load_fixture_files

UPLOADED = "engagements_valid.csv"
KPI_LABELS = {key: metrics.KPI_BY_KEY[key].label for key in ("unique_people", "contacts")}


def expected_kpis(path: Path) -> dict[str, str]:
    """Unique people and total contacts over all the data, counted independently of the app."""
    cur = db.cursor(path)
    try:
        people, contacts = cur.execute(
            """select
                (select count(distinct participant_key) from engagements),
                (select count(*) from engagements)
                + (select coalesce(sum(attendance), 0) from events e
                   where e.event_date <= current_date
                   and not exists (select 1 from engagements g where g.event_id = e.event_id))"""
        ).fetchone()
    finally:
        cur.close()
    return {"unique_people": f"{people:,}", "contacts": f"{contacts:,}"}


def overview_kpis(page: Page, base_url: str) -> dict[str, str]:
    """The two headline numbers the overview shows for all time."""
    page.goto(base_url + "/overview?period=all-time")
    wait_for_app(page)
    shown = {}
    for key, label in KPI_LABELS.items():
        metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
        metric.wait_for()
        shown[key] = metric.locator("[data-testid='stMetricValue']").inner_text().strip()
    return shown


# Every st.dataframe shown (not one in a closed expander) has drawn its accessible table, which
# holds the text the canvas draws; right after a run it may not have yet.
TABLES_DRAWN = """() => {
  const shown = [...document.querySelectorAll("[data-testid='stDataFrame']")].filter((t) => t.offsetHeight > 0);
  return shown.length > 0 && shown.every((table) => table.querySelector("td") !== null);
}"""


def cell_texts(page: Page) -> list[str]:
    """Every cell of every st.dataframe, once each one shown has drawn its cells."""
    page.wait_for_function(TABLES_DRAWN)
    return page.locator("[data-testid='stDataFrame'] td").all_text_contents()


def test_a_file_is_previewed_loaded_counted_on_the_overview_and_undone(
    tmp_path: Path, start_server, page: Page, accounts
) -> None:
    """Load changes the overview's people and contacts to what the database then holds; undo restores them."""
    path = tmp_path / "coalition.duckdb"
    db.connection(path)
    load_fixture_files(path, ["partners.csv", "events.csv", *(f for f in GOOD_ENGAGEMENT_FILES if f != UPLOADED)])
    before = expected_kpis(path)
    db.close(path)
    # The same database with the file loaded (same pseudonymisation key), for the numbers to expect after.
    after_path = tmp_path / "after" / "coalition.duckdb"
    after_path.parent.mkdir()
    shutil.copy(path, after_path)
    if config.key_path(path) != config.key_path(after_path):
        shutil.copy(config.key_path(path), config.key_path(after_path))
    assert ingest.process(FIXTURES / UPLOADED, database=after_path, by="test", store=True).ok
    after = expected_kpis(after_path)
    db.close(after_path)
    assert after != before

    server = start_server(path)
    sign_in(page, server.url, accounts["analyst"])
    assert overview_kpis(page, server.url) == before

    page.goto(server.url + "/upload")
    wait_for_app(page)
    page.locator("input[type=file]").set_input_files(str(FIXTURES / UPLOADED))
    page.get_by_text("500 rows ready; no problems").first.wait_for()
    wait_for_app(page)
    page.get_by_text("the first rows as they will be stored").wait_for()
    cells = cell_texts(page)
    assert "pseudonymised" in cells and "person-127" not in cells  # the first row's raw participant id
    page.get_by_role("button", name="Load 500 rows").click()
    page.get_by_text("Loaded 500 rows. The dashboards show them now.").wait_for()
    assert overview_kpis(page, server.url) == after

    page.goto(server.url + "/data")
    wait_for_app(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Upload to undo").click()
    page.get_by_role("option", name=f"500 Engagements (contacts) rows from {UPLOADED}", exact=False).click()
    wait_for_app(page)
    page.get_by_text(f"This removes 500 rows (Engagements (contacts)): all of {UPLOADED}").wait_for()
    page.get_by_text("Yes, remove these 500 rows").click()
    wait_for_app(page)
    page.get_by_role("button", name="Undo batch").click()
    page.get_by_text("rows removed. The dashboards no longer count them.").wait_for()
    assert overview_kpis(page, server.url) == before


def test_rejected_big5_and_bom_files_preview_readable_chinese(
    tmp_path: Path, start_server, page: Page, accounts
) -> None:
    """A Big5 partners file and a UTF-8-with-BOM events file, both rejected, show their Chinese text as written."""
    path = tmp_path / "coalition.duckdb"
    db.connection(path)
    db.close(path)
    big5 = tmp_path / "partners_big5.csv"
    big5.write_bytes(
        "機構編號,機構名稱,中文名稱,加入日期\nCLA,Chinatown Legal Aid,華埠法律援助,2015-02-30\n".encode("big5")
    )
    bom = tmp_path / "events_bom.csv"
    bom.write_bytes(
        "活動編號,活動日期,主辦機構,活動類型,活動名稱\nEV1,2024-03-09,NOPE,工作坊,長者防騙講座\n".encode("utf-8-sig")
    )
    server = start_server(path)
    sign_in(page, server.url, accounts["analyst"])
    page.goto(server.url + "/upload")
    wait_for_app(page)
    page.locator("input[type=file]").set_input_files([str(big5), str(bom)])
    page.get_by_text("2 rows ready; 2 problems").wait_for()
    wait_for_app(page)
    cells = cell_texts(page)
    assert "華埠法律援助" in cells  # the Big5 name, in the preview
    assert "長者防騙講座" in cells  # the BOM file's event title, in the preview
    assert "Workshop" in cells and "workshop" not in cells  # 工作坊 normalised, shown by its label
    assert "is not a known partner (load the partners file first, or check the spelling)" in cells
    assert page.get_by_text("Encoding: Big5").count() == 1
    assert page.get_by_text("Encoding: UTF-8 (with BOM)").count() == 1
    assert page.get_by_role("button", name="Load 2 rows").is_disabled()

"""The Upload page with Excel workbooks, in Streamlit's AppTest: fixture twins, a choice per sheet, damaged files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, contract, ingest, upload
from tests import builders
from tests.conftest import EXPECTED, FIXTURES, sign_in_as, sql
from tests.workbooks import fixture_workbook, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = list(builders.ENGAGEMENT_HEADER)


def open_page(accounts: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, accounts["analyst"])
    at.switch_page("pages/6_upload.py").run()
    assert not at.exception, at.exception
    return at


def drop(at: AppTest, files: dict[str, bytes]) -> AppTest:
    for name, data in files.items():
        at.file_uploader[0].upload(name, data, XLSX)
    at.run()
    assert not at.exception, at.exception
    return at


def problem_tables(at: AppTest) -> list[pd.DataFrame]:
    columns = upload.problem_columns()
    return [df.value for df in at.dataframe if list(df.value.columns) == columns]


def prepare(path: Path, name: str) -> None:
    """Load what a fixture file refers to (as tests/test_fixture_files.py does)."""
    for base in ("partners.csv", "events.csv"):
        if base == name:
            break
        ingest.process(FIXTURES / base, database=path, by="fixture", store=True)


def stored_batches(path: Path) -> list[tuple]:
    return sql(path, "select file_name, sheet, kind, row_count, loaded_by from batches order by batch_id")


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_each_fixture_file_dropped_as_a_workbook_gives_the_outcome_of_its_csv_twin(
    empty_db: Path, accounts: dict[str, str], case: dict
) -> None:
    """Accepted twins load as one batch of their sheet; rejected ones list the expected problem first and store nothing."""
    prepare(empty_db, case["file"])
    before = stored_batches(empty_db)
    name = case["file"].replace(".csv", ".xlsx")
    at = drop(open_page(accounts), {name: fixture_workbook(case["file"], as_typed=True)})
    load = at.button(key="upload_load")
    if case["expect"] == "ok":
        rows = case["rows"]
        assert [s.value for s in at.success] == [f"{rows:,} rows ready; no problems"]
        facts = f"Kind: **{upload.kind_label(case['kind'])}** · Sheet: **Sheet1** · Rows: **{rows:,}**"
        assert facts in [m.value for m in at.markdown]
        assert (load.label, load.disabled) == (f"Load {rows:,} rows", False)
        load.click().run()
        assert not at.exception, at.exception
        assert stored_batches(empty_db)[len(before) :] == [(name, "Sheet1", case["kind"], rows, accounts["analyst"])]
        return
    assert load.disabled
    [table] = problem_tables(at)
    line, column = table.columns[:2]
    first = table.iloc[0]
    assert (None if pd.isna(first[line]) else int(first[line])) == case["expect"]["line"]
    assert (None if pd.isna(first[column]) else first[column]) == case["expect"]["column"]
    assert stored_batches(empty_db) == before


def _book() -> bytes:
    return workbook_bytes(
        {
            "Read me": [["Partners and contacts of the second quarter."]],
            "Partners": [builders.PARTNERS[0], *builders.PARTNERS[1:]],
            "Q2 contacts": [HEADER, [*builders.engagement(1)], [*builders.engagement(2, partner="CLA")]],
        }
    )


def test_a_workbook_with_two_sheets_of_data_offers_a_choice_per_sheet_and_loads_each_as_a_batch(
    empty_db: Path, accounts: dict[str, str]
) -> None:
    """The partners and contacts sheets are ticked (the note sheet is not offered); Load stores two batches, partners first."""
    at = drop(open_page(accounts), {"q2.xlsx": _book()})
    assert [c.label for c in at.checkbox if c.key and c.key.startswith("upload_sheet_")] == [
        "Sheet 'Partners': Partners",
        "Sheet 'Q2 contacts': Engagements (contacts)",
    ]
    titles = [s.value.replace("\\", "") for s in at.subheader]  # file names are shown escaped as Markdown
    assert titles[:3] == ["q2.xlsx", "q2.xlsx · Partners", "q2.xlsx · Q2 contacts"]
    assert "5 rows ready; no problems" in [s.value for s in at.subheader]
    at.button(key="upload_load").click().run()
    assert not at.exception, at.exception
    assert stored_batches(empty_db) == [
        ("q2.xlsx", "Partners", "partners", 3, accounts["analyst"]),
        ("q2.xlsx", "Q2 contacts", "engagements", 2, accounts["analyst"]),
    ]


def test_an_unticked_sheet_is_neither_checked_nor_loaded(empty_db: Path, accounts: dict[str, str]) -> None:
    """Unticking the contacts loads the partners alone; unticking both asks for a sheet and offers no Load."""
    at = drop(open_page(accounts), {"q2.xlsx": _book()})

    def sheet_box(index: int):  # read again after each run: a run draws new elements
        return [c for c in at.checkbox if c.key and c.key.startswith("upload_sheet_")][index]

    sheet_box(1).uncheck().run()
    assert "3 rows ready; no problems" in [s.value for s in at.subheader]
    sheet_box(0).uncheck().run()
    assert "Tick at least one sheet to check." in [i.value for i in at.info]
    assert not [b for b in at.button if b.key == "upload_load"]
    sheet_box(0).check().run()
    at.button(key="upload_load").click().run()
    assert stored_batches(empty_db) == [("q2.xlsx", "Partners", "partners", 3, accounts["analyst"])]


def test_problems_of_two_sheets_are_listed_per_sheet_with_the_workbooks_rows(empty_db: Path, accounts: dict) -> None:
    """An impossible date at row 5 of one sheet and an error cell in another: each sheet's table, each its download."""
    prepare(empty_db, "engagements_valid.csv")
    good = [*builders.engagement(1, partner="CLA")]
    bad_date = [*builders.engagement(2, partner="CLA")]
    bad_date[1] = "2024-02-30"
    book = workbook_bytes(
        {
            "Q1 contacts": [["Contacts, first quarter"], [], [], HEADER, bad_date],
            "Q2 contacts": [HEADER, good, [*builders.engagement(3, partner="CLA")]],
        },
        cells={"Q2 contacts": {"E3": "#REF!"}},
    )
    at = drop(open_page(accounts), {"contacts.xlsx": book})
    first, second = problem_tables(at)
    assert first.iloc[0].tolist()[:3] == [5, "engaged_on", "2024-02-30"]
    assert second.iloc[0].tolist()[:3] == [3, "language", "#REF!"]
    assert second.iloc[0].tolist()[4].startswith("Correct the formula in this cell")
    downloads = [b.key for b in at.download_button if b.key and b.key.startswith("upload_problems_")]
    assert len(downloads) == len(set(downloads)) == 2
    assert at.button(key="upload_load").disabled


@pytest.mark.parametrize(
    ("name", "data"),
    [("cut.xlsx", fixture_workbook("partners.csv")[:300]), ("renamed.xlsx", b"partner_id,name\nP1,One\n")],
    ids=["cut short", "text named .xlsx"],
)
def test_a_damaged_workbook_is_one_problem_with_what_to_do(
    empty_db: Path, accounts: dict[str, str], name: str, data: bytes
) -> None:
    """No traceback and no kind to choose: one sentence, how to fix it, and Load disabled."""
    at = drop(open_page(accounts), {name: data})
    [table] = problem_tables(at)
    assert len(table) == 1
    assert table.iloc[0].tolist()[3].startswith("the file cannot be read as an Excel workbook")
    assert table.iloc[0].tolist()[4].startswith("Open the file in Excel and save it again")
    assert not [s for s in at.selectbox if s.key and s.key.startswith("upload_kind_")]
    assert at.button(key="upload_load").disabled


def test_the_templates_are_offered_as_workbooks_too_and_load_in_order(empty_db: Path, accounts: dict[str, str]) -> None:
    """An Excel template per kind next to the CSV one; loaded in order, each stores its two example rows."""
    at = open_page(accounts)
    assert [b.label for b in at.download_button if b.key and b.key.startswith("upload_template_xlsx_")] == [
        f"{upload.kind_label(kind)} template (Excel)" for kind in contract.KINDS
    ]
    for kind in ("partners", "events", "engagements"):
        report = ingest.process(upload.template_xlsx(kind), f"{kind}_template.xlsx", store=True, database=empty_db)
        assert (report.ok, report.kind, report.row_count) == (True, kind, 2), [str(p) for p in report.problems]
    assert sql(empty_db, "select event_date, attendance from events order by 1") == [
        (pd.Timestamp("2024-03-09").date(), 35),
        (pd.Timestamp("2024-04-18").date(), 12),
    ]


def test_the_data_page_shows_the_sheet_of_each_batch(empty_db: Path, accounts: dict[str, str]) -> None:
    """A workbook's batches name their sheet in the upload history; a CSV file's shows a dash."""
    ingest.process(FIXTURES / "partners.csv", database=empty_db, by="fixture", store=True)
    book = fixture_workbook("events.csv", as_typed=True, sheet="Events 2024")
    assert ingest.process(book, "events.xlsx", database=empty_db, by="fixture", store=True).ok
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, accounts["analyst"])
    at.switch_page("pages/7_data.py").run()
    assert not at.exception, at.exception
    [history] = [df.value for df in at.dataframe if "SHA-256" in df.value.columns]
    assert dict(zip(history["File name"], history["Sheet"], strict=True)) == {
        "events.xlsx": "Events 2024",
        "partners.csv": upload.MISSING,
    }

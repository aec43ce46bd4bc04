"""The Data page: upload history, undo by role, and data-quality figures checked against hand counts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db, i18n, ingest, markup, upload
from impact.web import auth
from tests.conftest import FIXTURES, sql

# A small coalition whose flaws are known by construction (see each comment).
PARTNERS = """partner_id,name,joined_on
AAA,Alpha Aid,2024-01-01
BBB,Beta Bridge,
CCC,Gamma Care,2024-02-01
"""
EVENTS = """event_id,event_date,host_partner_id,event_type,languages,neighborhood
E1,2024-02-15,AAA,workshop,Cantonese;Elvish,Chinatown
"""
_BBB_WEEKLY = "\n".join(
    f"B{i},{date(2024, 1, 3) + timedelta(days=7 * i):%Y-%m-%d},BBB,p{10 + i},English,Tenderloin" for i in range(12)
)
ENGAGEMENTS = f"""engagement_id,engaged_on,partner_id,participant_id,language,neighborhood
A1,2024-01-05,AAA,p1,Cantonese,Chinatown
A2,2024-01-05,AAA,p1,Cantonese,Chinatown
A3,2024-01-05,AAA,p1,Cantonese,Chinatown
A4,2024-01-20,AAA,p2,Klingon,Chinatown
A5,2024-04-02,AAA,p3,Mandarin,Atlantis
A6,2023-12-15,AAA,p4,English,Chinatown
{_BBB_WEEKLY}
B90,2024-01-05,BBB,p1,Cantonese,Chinatown
B91,2019-05-05,BBB,p5,English,Chinatown
B92,1999-07-01,BBB,p6,English,Chinatown
"""
# A2, A3: the same person with the same partner on the same day as A1 (B90 is another partner).
# A4 Klingon, A5 Atlantis and E1's Elvish are unknown values.
# A6 is before AAA joined; B91 is years before BBB's other dates; B92 is before 2000.
# Gaps: AAA from 2024-01 (joined) misses 2024-03; BBB from 2019-05 misses 2019-06..2023-12 and
# 2024-04 (the data ends in 2024-04); CCC (joined 2024-02, no data) misses 2024-02..2024-04.
EXPECTED_GAPS = (
    [("AAA", "2024-03")]
    + [("BBB", f"{m:%Y-%m}") for m in pd.date_range("2019-06-01", "2023-12-01", freq="MS")]
    + [("BBB", "2024-04"), ("CCC", "2024-02"), ("CCC", "2024-03"), ("CCC", "2024-04")]
)


@pytest.fixture
def flawed_db(empty_db: Path) -> Path:
    for name, text in (("p.csv", PARTNERS), ("e.csv", EVENTS), ("c.csv", ENGAGEMENTS)):
        report = ingest.process(text.encode(), name, database=empty_db, by="fixture", store=True)
        assert report.ok, [str(p) for p in report.problems]
    return empty_db


def as_user(monkeypatch: pytest.MonkeyPatch, role: str) -> auth.User:
    user = auth.User({"analyst": "ana", "director": "dora", "admin": "adam"}[role], role)
    monkeypatch.setattr(auth, "current_user", lambda: user)
    return user


def open_page() -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/7_data.py").run()
    assert not at.exception, at.exception
    return at


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    [frame] = [df.value for df in at.dataframe if column in df.value.columns]
    return frame


# ----------------------------------------------------------------------- the queries


def test_data_quality_counts_match_the_flaws_built_into_the_data(flawed_db: Path) -> None:
    """Rows received, unknown values and possible duplicates per partner and month, as constructed."""
    frame = db.run_query("data_quality", db=flawed_db, **upload.quality_params())
    quality = frame.set_index(["partner_id", "month"])
    january = quality.loc[("AAA", pd.Timestamp("2024-01-01"))]
    assert (january["contacts"], january["possible_duplicates"], january["people_with_repeats"]) == (4, 2, 1)
    assert january["rows_with_unknown_values"] == 1  # Klingon
    assert quality.loc[("AAA", pd.Timestamp("2024-02-01")), "events"] == 1
    assert quality["rows_with_unknown_values"].sum() == 3  # Klingon, Atlantis, the event with Elvish
    assert quality["possible_duplicates"].sum() == 2
    assert quality["contacts"].sum() == 6 + 12 + 3
    assert list(frame.columns) == [
        "partner_id",
        "partner_name",
        "month",
        "contacts",
        "events",
        "co_hosted_events",
        "rows_with_unknown_values",
        "possible_duplicates",
        "people_with_repeats",
    ]


def test_months_with_no_data_are_listed_per_partner(flawed_db: Path) -> None:
    """Every gap between a partner's first month (or joining) and the last month of data, nothing else."""
    gaps = db.run_query("data_gaps", db=flawed_db, **upload.quality_params())
    assert list(gaps.columns) == ["partner_id", "partner_name", "month"]
    assert list(zip(gaps["partner_id"], pd.to_datetime(gaps["month"]).dt.strftime("%Y-%m"), strict=True)) == (
        EXPECTED_GAPS
    )


def test_dates_far_outside_the_usual_range_are_flagged_with_their_reason(flawed_db: Path) -> None:
    """Before 2000, before the partner joined, and years before the partner's other dates; nothing else."""
    outliers = db.run_query("date_outliers", db=flawed_db, **upload.quality_params())
    assert list(outliers.columns) == [
        "partner_id",
        "record_kind",
        "record_id",
        "day",
        "reason",
        "joined_on",
        "batch_id",
    ]
    assert sorted(zip(outliers["record_id"], outliers["reason"], strict=True)) == [
        ("A6", "before_joined"),
        ("B91", "far_before"),
        ("B92", "before_earliest"),
    ]


def test_unknown_values_are_listed_with_their_rows_and_partners(flawed_db: Path) -> None:
    """Klingon, Atlantis and Elvish, one row each, all from AAA."""
    unknown = db.run_query("unknown_values", db=flawed_db, **upload.quality_params())
    assert sorted(zip(unknown["column_name"], unknown["value"], unknown["rows"], unknown["partners"], strict=True)) == [
        ("language", "Elvish", 1, "AAA"),
        ("language", "Klingon", 1, "AAA"),
        ("neighborhood", "Atlantis", 1, "AAA"),
    ]


def test_quality_queries_are_empty_on_an_empty_database(empty_db: Path) -> None:
    """No data, no rows, no errors."""
    for name in ("data_quality", "data_gaps", "date_outliers", "unknown_values"):
        assert db.run_query(name, db=empty_db, **upload.quality_params()).empty, name


def test_rows_received_grid_has_a_row_of_zeros_for_a_month_nobody_sent_anything() -> None:
    """A month missing from the query result appears in the grid with zeros."""
    quality = pd.DataFrame(
        {
            "partner_id": ["AAA", "BBB", "AAA"],
            "month": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-03-01"]),
            "contacts": [3, 4, 5],
            "events": [1, 0, 0],
        }
    )
    grid = upload.received_by_month(quality)
    assert list(grid.index) == ["Mar 2024", "Feb 2024", "Jan 2024"]
    assert grid.loc["Feb 2024"].tolist() == [0, 0]
    assert grid.loc["Jan 2024"].tolist() == [4, 4]


# ----------------------------------------------------------------------- the page


def test_the_quality_figures_on_the_page_match_the_hand_counts(flawed_db: Path, monkeypatch) -> None:
    """Months with no data 61, unknown values 3, possible duplicates 2, dates out of range 3."""
    as_user(monkeypatch, "director")
    at = open_page()
    figures = {m.label: m.value for m in at.metric}
    assert figures == {
        "Months with no data": str(len(EXPECTED_GAPS)),
        "Rows with unknown values": "3",
        "Possible duplicate contacts": "2",
        "Dates far outside the usual range": "3",
    }
    assert set(table_with(at, "Why it stands out")["Why it stands out"]) == {
        "before 2000",
        "before the partner joined the coalition",
        "more than a year before the partner's usual range",
    }
    assert sorted(table_with(at, "Value as written")["Value as written"]) == ["Atlantis", "Elvish", "Klingon"]
    assert set(table_with(at, "Value as written")["Partners"]) == {"Alpha Aid"}  # names, never the id AAA
    assert set(table_with(at, "Why it stands out")["Partner"]) == {"Alpha Aid", "Beta Bridge"}
    assert all(len(h.help or "") > 40 for h in at.metric), "each figure explains how it is defined"


def test_every_partner_and_month_in_detail_is_drawn_once_opened(flawed_db: Path, monkeypatch) -> None:
    """The detail table is drawn when its expander is opened, with the contacts of each partner and month."""
    as_user(monkeypatch, "director")
    at = open_page()
    assert not [df for df in at.dataframe if "Events co-hosted" in df.value.columns]
    at.session_state["data.details"] = True
    at.run()
    detail = table_with(at, "Events co-hosted")
    assert detail["Contacts"].sum() == 6 + 12 + 3
    assert detail["Possible duplicate contacts"].sum() == 2


def test_upload_history_shows_who_loaded_what_with_its_sha256(fixture_db: Path, monkeypatch) -> None:
    """Each batch: file name, kind, rows, who, status, and the SHA-256 of the file's bytes."""
    as_user(monkeypatch, "analyst")
    history = table_with(open_page(), "SHA-256")
    assert len(history) == sql(fixture_db, "select count(*) from batches")[0][0]
    partners = history[history["File name"] == "partners.csv"].iloc[0]
    assert partners["SHA-256"] == ingest.sha256_of((FIXTURES / "partners.csv").read_bytes())
    assert (partners["Kind"], partners["Rows"], partners["Loaded by"], partners["Status"]) == (
        "Partners",
        6,
        "fixture",
        "Loaded",
    )
    # Not undone: a dash, never None or NaT; the time in the reader's format (the header says UTC).
    assert (partners["Undone at (UTC)"], partners["Undone by"]) == ("–", "–")
    loaded_at = sql(fixture_db, "select loaded_at from batches where file_name = 'partners.csv'")[0][0]
    assert partners["Loaded at (UTC)"] == i18n.format_moment(loaded_at)


def test_a_director_sees_the_history_read_only(fixture_db: Path, monkeypatch) -> None:
    """No batch choice, no confirmation, no undo button; the server refuses a director's undo too."""
    director = as_user(monkeypatch, "director")
    at = open_page()
    assert "SHA-256" in table_with(at, "SHA-256").columns
    assert [s.key for s in at.selectbox if s.key == "data_undo_batch"] == []
    assert [b.key for b in at.button if b.key == "data_undo"] == []
    assert len(at.checkbox) == 0
    assert any("read-only" in c.value for c in at.caption)
    with pytest.raises(upload.NotAllowed):
        upload.undo(1, director, database=fixture_db)
    assert sql(fixture_db, "select count(*) from batches where status = 'undone'")[0][0] == 0


def _batch_of(path: Path, file_name: str) -> tuple[int, int]:
    return sql(path, "select batch_id, row_count from batches where file_name = $f", {"f": file_name})[0]


def test_an_analyst_undoes_a_batch_after_a_confirmation_naming_it(fixture_db: Path, monkeypatch) -> None:
    """The warning names the file and rows; the button waits for the tick; then the rows are gone."""
    as_user(monkeypatch, "analyst")
    batch, rows = _batch_of(fixture_db, "engagements_big5.csv")
    before = sql(fixture_db, "select count(*) from engagements")[0][0]
    at = open_page()
    at.selectbox(key="data_undo_batch").select(batch).run()
    assert at.warning[0].value.startswith(
        f"This removes {rows} rows (Engagements (contacts)): all of {markup.text('engagements_big5.csv')}"
    )  # a file's name is shown as text: escaped for Markdown
    assert at.button(key="data_undo").disabled
    at.checkbox(key=f"data_undo_confirm_{batch}").check().run()
    at.button(key="data_undo").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith(
        f"Batch {batch} ({markup.text('engagements_big5.csv')}) is undone: {rows} rows removed"
    )
    assert sql(fixture_db, "select count(*) from engagements")[0][0] == before - rows
    assert sql(fixture_db, "select status, undone_by from batches where batch_id = $b", {"b": batch}) == [
        ("undone", "ana")
    ]
    undone = table_with(at, "SHA-256").set_index("Batch").loc[batch]
    assert (undone["Status"], undone["Undone by"]) == ("Undone", "ana")


def test_an_undo_that_others_depend_on_is_refused_with_a_reason(fixture_db: Path, monkeypatch) -> None:
    """The partners batch cannot go while events and contacts refer to it; nothing changes."""
    as_user(monkeypatch, "admin")
    batch, _rows = _batch_of(fixture_db, "partners.csv")
    at = open_page()
    at.selectbox(key="data_undo_batch").select(batch).run()
    at.checkbox(key=f"data_undo_confirm_{batch}").check().run()
    at.button(key="data_undo").click().run()
    assert at.error[0].value.startswith(f"Not undone: batch {batch} (partners.csv) cannot be undone")
    assert sql(fixture_db, "select count(*) from partners")[0][0] == 6
    assert sql(fixture_db, "select count(*) from batches where status = 'undone'")[0][0] == 0


def test_an_empty_database_says_there_is_nothing_yet(empty_db: Path, monkeypatch) -> None:
    """No history and no quality figures: sentences, not errors."""
    as_user(monkeypatch, "analyst")
    at = open_page()
    assert [i.value for i in at.info] == [
        "Nothing has been loaded yet. Analysts load files on the Upload page.",
        "No data yet: there is nothing to check.",
    ]

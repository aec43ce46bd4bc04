"""impact/upload.py and the engine's multi-file check: templates, dictionary, problem tables, load, undo."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import contract, i18n, ingest, labels, upload, vocab
from impact.web import auth
from tests.conftest import EXPECTED, FIXTURES, sql

ANALYST = auth.User("ana", "analyst")
DIRECTOR = auth.User("dora", "director")


def _upload(name: str, **choices) -> ingest.Upload:
    return ingest.Upload((FIXTURES / name).read_bytes(), name, **choices)


def _rows(path: Path, table: str) -> int:
    return sql(path, f"select count(*) from {table}")[0][0]


# ----------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", contract.KINDS)
def test_each_template_has_the_contracts_headers_in_order_and_two_example_rows(kind: str) -> None:
    """A template's header row is the contract's column names; two rows follow."""
    frame = pd.read_csv(io.BytesIO(upload.template_csv(kind)), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(frame.columns) == [c.name for c in contract.COLUMNS[kind]]
    assert len(frame) == 2


def test_every_template_loads_in_order_into_an_empty_database(empty_db: Path) -> None:
    """The examples are valid: the engine accepts every kind's template (recognised from its header), two rows each."""
    uploads = [ingest.Upload(upload.template_csv(k), f"{k}_template.csv") for k in reversed(contract.KINDS)]
    reports = upload.check(uploads, database=empty_db)
    assert [(r.kind, r.ok, r.row_count, r.warnings) for r in reports] == [
        (kind, True, 2, []) for kind in reversed(contract.KINDS)
    ]
    outcome = upload.load(uploads, ANALYST, database=empty_db)
    assert [r.kind for r in outcome.loaded] == list(contract.KINDS)
    assert [_rows(empty_db, kind) for kind in contract.KINDS] == [2] * len(contract.KINDS)


# ----------------------------------------------------------------- data dictionary


@pytest.mark.parametrize("kind", contract.KINDS)
def test_the_data_dictionary_lists_every_column_with_its_rules_and_headers(kind: str) -> None:
    """One row per contract column; required ones say so; every alias is an accepted header."""
    table = upload.data_dictionary(kind)
    assert list(table["Column"]) == [c.name for c in contract.COLUMNS[kind]]
    for col, (_, row) in zip(contract.COLUMNS[kind], table.iterrows(), strict=True):
        assert row["Required"] == ("yes" if col.required else "no")
        assert row["Rules"].startswith("required" if col.required else "optional")
        assert all(alias in row["Headers accepted"] for alias in col.aliases)


def test_the_data_dictionary_shows_accepted_values_and_their_other_spellings() -> None:
    """Closed lists show every value by its label (a spelling files may use), never a code; 廣東話 is
    listed as a spelling of Cantonese; in 繁體中文 a value reads 面對面 (In person)."""
    events = upload.data_dictionary("events").set_index("Column")
    assert events.loc["event_type", "Accepted values"] == ", ".join(labels.EVENT_TYPE[v] for v in vocab.EVENT_TYPES)
    assert all(vocab.EVENT_TYPE_LOOKUP[vocab.norm_key(labels.EVENT_TYPE[v])] == v for v in vocab.EVENT_TYPES)
    contacts = upload.data_dictionary("engagements").set_index("Column")
    assert "廣東話" in contacts.loc["language", "Other spellings accepted"]
    assert "Cantonese" in contacts.loc["language", "Accepted values"]
    assert (
        "in_person"
        not in contacts.loc["channel", "Accepted values"] + contacts.loc["channel", "Other spellings accepted"]
    )
    assert contacts.loc["participant_id", "Accepted values"] == ""
    with i18n.using("zh_Hant"):
        chinese = upload.data_dictionary("engagements").set_index(i18n._("Column"))
        accepted = chinese.loc["channel", i18n._("Accepted values")]
    assert accepted.startswith("面對面（In person）, 電話（Phone）")


# ------------------------------------------------------------------ problem tables


def test_summary_reads_like_the_issue_says() -> None:
    """'1,204 rows ready; 3 problems', singular forms, and 'no problems'."""
    assert upload.summary(1204, 3) == "1,204 rows ready; 3 problems"
    assert upload.summary(1, 1) == "1 row ready; 1 problem"
    assert upload.summary(40, 0) == "40 rows ready; no problems"


REJECTED = [c for c in EXPECTED if c["expect"] != "ok"]


@pytest.mark.parametrize("case", REJECTED, ids=[c["file"] for c in REJECTED])
def test_every_rejected_fixture_gets_a_problem_table_with_a_specific_fix(empty_db: Path, case: dict) -> None:
    """line, column, value, problem, how to fix; the first row is the expected one; no generic advice."""
    base = [_upload("partners.csv"), _upload("events.csv")]
    reports = upload.check([*base, _upload(case["file"])], database=empty_db)
    table = upload.problems_frame(reports[-1].problems, reports[-1].kind)
    assert list(table.columns) == ["Line", "Column", "Value", "Problem", "How to fix"]
    first = table.iloc[0]
    expected_line = case["expect"]["line"]
    assert (None if pd.isna(first["Line"]) else first["Line"]) == expected_line
    assert (None if pd.isna(first["Column"]) else first["Column"]) == case["expect"]["column"]
    generic = upload.how_to_fix(ingest.Problem(None, None, None, "something new"), None)
    assert generic not in set(table["How to fix"])
    assert _rows(empty_db, "batches") == 0


def test_problem_download_neutralises_spreadsheet_formulas(empty_db: Path) -> None:
    """A value like =HYPERLINK(...) in the problems CSV cannot run in Excel."""
    partners = b'partner_id,name,joined_on\nCLA,Chinatown Legal Aid,=HYPERLINK("x")\n'
    report = upload.check([ingest.Upload(partners, "p.csv")], database=empty_db)[0]
    assert report.problem_count == 1
    frame = pd.read_csv(io.BytesIO(upload.problems_csv(report)), encoding="utf-8-sig", dtype=str)
    assert frame.loc[0, "Value"] == '\'=HYPERLINK("x")'
    assert frame.loc[0, "How to fix"].startswith("Write the date as YYYY-MM-DD")


def test_dates_the_engine_writes_into_a_problem_read_in_the_readers_format(empty_db: Path) -> None:
    """A contact dated after today: "after today (Dec 2, 2026)", 2026年12月2日 in 繁體中文, never 2026-12-02;
    the value as written in the file stays as written."""
    today = date(2026, 12, 2)
    text = b"engagement_id,engaged_on,partner_id,participant_id,language\nF1,2027-01-05,CLA,p-1,Cantonese\n"
    reports = upload.check([_upload("partners.csv"), ingest.Upload(text, "c.csv")], database=empty_db, today=today)
    [problem] = reports[1].problems
    assert "after today (Dec 2, 2026)" in upload.problem_text(problem)
    with i18n.using("zh_Hant"):
        assert "2026年12月2日" in upload.problem_text(problem)
    assert upload.problems_frame([problem], "engagements").loc[0, "Value"] == "2027-01-05"


def test_warnings_are_kept_apart_from_problems(empty_db: Path) -> None:
    """An unknown neighborhood and an extra column are warnings: the file stays loadable."""
    text = "event_id,event_date,host_partner_id,event_type,neighborhood,notes\nE1,2024-01-05,CLA,workshop,Atlantis,x\n"
    reports = upload.check([_upload("partners.csv"), ingest.Upload(text.encode(), "e.csv")], database=empty_db)
    events = reports[1]
    assert events.ok
    table = upload.warnings_frame(events.warnings)
    assert set(table["Column"]) == {"notes", "neighborhood"}
    assert "Atlantis" in set(table["Value"].dropna())


# ------------------------------------------------------------ checking and loading


def test_files_of_one_upload_are_checked_together_and_nothing_is_stored(empty_db: Path) -> None:
    """Contacts naming partners of the same upload pass, given in any order; the database stays empty."""
    uploads = [_upload("engagements_valid.csv"), _upload("events.csv"), _upload("partners.csv")]
    reports = upload.check(uploads, database=empty_db)
    assert [(r.file_name, r.ok, r.batch_id) for r in reports] == [
        ("engagements_valid.csv", True, None),
        ("events.csv", True, None),
        ("partners.csv", True, None),
    ]
    assert [r.row_count for r in reports] == [500, 30, 6]
    assert (_rows(empty_db, "batches"), _rows(empty_db, "partners"), _rows(empty_db, "engagements")) == (0, 0, 0)


def test_the_preview_shows_stored_values_and_never_a_participant_id(empty_db: Path) -> None:
    """Big5 廣東話 previews as Cantonese (粤语 in 简体中文); participant ids read 'pseudonymised'; 20 rows
    at most; headers are words, dates the reader's, and no cell reads None."""
    reports = upload.check([_upload("partners.csv"), _upload("engagements_big5.csv")], database=empty_db)
    preview = upload.preview_frame(reports[1])
    assert len(preview) == upload.PREVIEW_ROWS
    assert set(preview["Participant ID"]) == {"pseudonymised"}
    raw = (FIXTURES / "engagements_big5.csv").read_bytes().decode("cp950").splitlines()[1].split(",")
    assert raw[4] == "廣東話" and preview.iloc[0]["Language"] == "Cantonese"
    assert preview.iloc[0]["Contact date"] == i18n.format_date(date.fromisoformat(raw[1])) == "Jul 19, 2023"
    assert not preview.drop(columns="Line").isna().any().any()
    with i18n.using("zh_Hans"):
        chinese = upload.preview_frame(reports[1])
        assert chinese.iloc[0][i18n._("Language")] == "粤语"
        assert set(chinese[i18n._("Participant ID")]) == {"已假名化"}


def test_a_column_match_can_be_corrected(empty_db: Path) -> None:
    """A header the contract does not know ('lang') can be matched to 'language' by hand."""
    text = (FIXTURES / "engagements_valid.csv").read_text().replace(",language,", ",lang,", 1).encode()
    base = _upload("partners.csv"), _upload("events.csv")
    unmatched = upload.check([*base, ingest.Upload(text, "c.csv")], database=empty_db)[2]
    assert [p.column for p in unmatched.problems] == ["language"]
    matched = upload.check([*base, ingest.Upload(text, "c.csv", overrides={"lang": "language"})], database=empty_db)[2]
    assert matched.ok and matched.row_count == 500


def test_a_director_cannot_load_or_undo_even_by_calling_the_functions(empty_db: Path) -> None:
    """The role check is on the server: nothing is stored, nothing is removed."""
    with pytest.raises(upload.NotAllowed):
        upload.load([_upload("partners.csv")], DIRECTOR, database=empty_db)
    assert _rows(empty_db, "batches") == 0
    batch = upload.load([_upload("partners.csv")], ANALYST, database=empty_db).loaded[0].batch_id
    with pytest.raises(upload.NotAllowed):
        upload.undo(batch, DIRECTOR, database=empty_db)
    assert _rows(empty_db, "partners") == 6


def test_load_stores_each_file_as_its_own_batch_by_the_person_loading(empty_db: Path) -> None:
    """Three files, three batches in dependency order, each loaded_by the analyst; undo removes one."""
    outcome = upload.load(
        [_upload("engagements_valid.csv"), _upload("partners.csv"), _upload("events.csv")], ANALYST, database=empty_db
    )
    assert outcome.rejected is None and outcome.rows == 536
    assert sql(empty_db, "select kind, row_count, loaded_by from batches order by batch_id") == [
        ("partners", 6, "ana"),
        ("events", 30, "ana"),
        ("engagements", 500, "ana"),
    ]
    result = upload.undo(outcome.loaded[2].batch_id, ANALYST, database=empty_db)
    assert (result.rows_removed, _rows(empty_db, "engagements")) == (500, 0)
    assert sql(empty_db, "select undone_by from batches where status = 'undone'") == [("ana",)]


def test_load_stops_at_the_first_rejected_file(empty_db: Path) -> None:
    """A rejected file stores nothing, and the files after it are not tried."""
    outcome = upload.load(
        [_upload("partners.csv"), _upload("engagements_bad_date.csv"), _upload("events.csv")],
        ANALYST,
        database=empty_db,
    )
    assert [r.file_name for r in outcome.loaded] == ["partners.csv", "events.csv"]
    assert outcome.rejected.file_name == "engagements_bad_date.csv"
    assert outcome.not_tried == []
    outcome = upload.load(
        [_upload("engagements_unknown_partner.csv"), _upload("engagements_valid.csv")], ANALYST, database=empty_db
    )
    assert outcome.loaded == []
    assert outcome.rejected.file_name == "engagements_unknown_partner.csv"
    assert outcome.not_tried == ["engagements_valid.csv"]
    assert _rows(empty_db, "engagements") == 0


def test_the_data_version_changes_when_a_batch_is_loaded_or_undone(empty_db: Path) -> None:
    """A check made before another upload or an undo is not reused."""
    empty = upload.data_version(empty_db)
    batch = upload.load([_upload("partners.csv")], ANALYST, database=empty_db).loaded[0].batch_id
    loaded = upload.data_version(empty_db)
    upload.undo(batch, ANALYST, database=empty_db)
    assert len({empty, loaded, upload.data_version(empty_db)}) == 3

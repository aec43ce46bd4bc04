"""The Upload page in Streamlit's AppTest: every fixture file through st.file_uploader, and the controls."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, contract, ingest, upload
from impact.web import auth
from tests.conftest import EXPECTED, FIXTURES, sql

PROBLEM_COLUMNS = ["Line", "Column", "Value", "Problem", "How to fix"]


@pytest.fixture
def analyst(monkeypatch: pytest.MonkeyPatch) -> auth.User:
    user = auth.User("ana", "analyst")
    monkeypatch.setattr(auth, "current_user", lambda: user)
    return user


def open_page() -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/6_upload.py").run()
    assert not at.exception, at.exception
    return at


def upload_files(at: AppTest, *names: str, contents: dict[str, bytes] | None = None) -> AppTest:
    for name in names:
        data = (contents or {}).get(name) or (FIXTURES / name).read_bytes()
        at.file_uploader[0].upload(name, data, "text/csv")
    at.run()
    assert not at.exception, at.exception
    return at


def problem_tables(at: AppTest) -> list[pd.DataFrame]:
    return [df.value for df in at.dataframe if list(df.value.columns) == PROBLEM_COLUMNS]


def counts(path: Path) -> tuple[int, ...]:
    return tuple(sql(path, f"select count(*) from {t}")[0][0] for t in ("batches", "partners", "events", "engagements"))


def prepare(path: Path, name: str) -> None:
    """Load what a fixture file refers to (as tests/test_fixture_files.py does)."""
    for base in ("partners.csv", "events.csv"):
        if base == name:
            break
        ingest.process(FIXTURES / base, database=path, by="fixture", store=True)


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_each_fixture_file_uploaded_on_the_page_gives_its_expected_outcome(
    empty_db: Path, analyst: auth.User, case: dict
) -> None:
    """Accepted files load with their row count; rejected ones list the expected problem first and store nothing."""
    prepare(empty_db, case["file"])
    before = counts(empty_db)
    at = upload_files(open_page(), case["file"])
    load = at.button(key="upload_load")
    if case["expect"] == "ok":
        rows = case["rows"]
        assert [s.value for s in at.success] == [f"{rows:,} rows ready; no problems"]
        assert (load.label, load.disabled) == (f"Load {rows:,} rows", False)
        assert problem_tables(at) == []
        load.click().run()
        assert not at.exception, at.exception
        assert at.success[0].value == f"Loaded {rows:,} rows. The dashboards show them now."
        stored = sql(empty_db, "select kind, row_count, loaded_by, batch_id from batches order by batch_id desc")[0]
        assert stored[:3] == (case["kind"], rows, "ana")
        assert sql(empty_db, f"select count(*) from {case['kind']} where batch_id = $b", {"b": stored[3]})[0][0] == rows
        return
    assert load.disabled
    [table] = problem_tables(at)
    first = table.iloc[0]
    assert (None if pd.isna(first["Line"]) else int(first["Line"])) == case["expect"]["line"]
    assert (None if pd.isna(first["Column"]) else first["Column"]) == case["expect"]["column"]
    assert table["How to fix"].str.len().min() > 0
    assert at.error[0].value.endswith(("1 problem", "problems"))
    assert [b.label for b in at.download_button if b.key and b.key.startswith("upload_problems_")] == [
        "Download the problems (CSV)"
    ]
    at.run()
    assert counts(empty_db) == before, "a rejected file must store nothing"


def test_several_files_are_checked_together_and_loaded_in_dependency_order(empty_db: Path, analyst: auth.User) -> None:
    """Contacts, events and partners dropped at once: 536 rows ready, then three batches, partners first."""
    at = upload_files(open_page(), "engagements_valid.csv", "events.csv", "partners.csv")
    summaries = [s.value for s in at.subheader]
    assert "536 rows ready; no problems" in summaries
    at.button(key="upload_load").click().run()
    assert sql(empty_db, "select file_name, row_count from batches order by batch_id") == [
        ("partners.csv", 6),
        ("events.csv", 30),
        ("engagements_valid.csv", 500),
    ]
    assert len(at.file_uploader) == 1 and at.file_uploader[0].value == []


def test_a_file_is_shown_with_its_encoding_delimiter_kind_and_pseudonymised_preview(
    empty_db: Path, analyst: auth.User
) -> None:
    """The Big5 contacts file reads as Big5, comma, Engagements; ids in the preview read 'pseudonymised'."""
    prepare(empty_db, "engagements_big5.csv")
    at = upload_files(open_page(), "engagements_big5.csv")
    assert "Kind: **Engagements (contacts)** · Encoding: **Big5** · Delimiter: **comma** · Rows: **40**" in [
        m.value for m in at.markdown
    ]
    [preview] = [df.value for df in at.dataframe if "Participant ID" in df.value.columns]
    assert len(preview) == upload.PREVIEW_ROWS
    assert set(preview["Participant ID"]) == {"pseudonymised"}
    assert set(preview["Language"]) <= {"Cantonese", "Mandarin", "English"}
    sha = ingest.sha256_of((FIXTURES / "engagements_big5.csv").read_bytes())
    assert at.selectbox(key=f"upload_kind_{sha}").value == "engagements"


@pytest.mark.parametrize("encoding", ["big5", "utf-8-sig"])
def test_a_rejected_chinese_file_still_previews_readable_chinese(
    empty_db: Path, analyst: auth.User, encoding: str
) -> None:
    """A Big5 or UTF-8-with-BOM partners file with an impossible date shows its Chinese names, not mojibake."""
    text = "機構編號,機構名稱,中文名稱,加入日期\nCLA,Chinatown Legal Aid,華埠法律援助,2015-02-30\nSSE,Sunset Senior Exchange,日落區長者交流,2018-09-15\n"
    at = upload_files(open_page(), "partners.csv", contents={"partners.csv": text.encode(encoding)})
    label = "Big5" if encoding == "big5" else "UTF-8 (with BOM)"
    assert any(f"Encoding: **{label}**" in m.value for m in at.markdown)
    [preview] = [df.value for df in at.dataframe if "Chinese name" in df.value.columns]
    assert list(preview["Chinese name"]) == ["華埠法律援助", "日落區長者交流"]
    [table] = problem_tables(at)
    assert (int(table.iloc[0]["Line"]), table.iloc[0]["Column"]) == (2, "joined_on")
    assert at.button(key="upload_load").disabled
    assert counts(empty_db) == (0, 0, 0, 0)


def test_a_column_match_corrected_on_the_page_makes_the_file_loadable(empty_db: Path, analyst: auth.User) -> None:
    """'lang' is not a contract header: the file is blocked until 'lang' is matched to 'language'."""
    prepare(empty_db, "engagements_valid.csv")
    data = (FIXTURES / "engagements_valid.csv").read_text().replace(",language,", ",lang,", 1).encode()
    at = upload_files(open_page(), "contacts.csv", contents={"contacts.csv": data})
    [table] = problem_tables(at)
    assert list(table["Column"]) == ["language"]
    position = (FIXTURES / "engagements_valid.csv").read_text().splitlines()[0].split(",").index("language")
    choice = at.selectbox(key=f"upload_col_{ingest.sha256_of(data)}_engagements_{position}")
    assert (choice.label, choice.value) == ("lang", "")
    choice.select("language").run()
    assert problem_tables(at) == []
    load = at.button(key="upload_load")
    assert (load.label, load.disabled) == ("Load 500 rows", False)
    load.click().run()
    assert sql(empty_db, "select count(*) from engagements where language is not null")[0][0] == 500


def test_the_kind_can_be_changed_and_the_file_is_checked_as_that_kind(empty_db: Path, analyst: auth.User) -> None:
    """Partners checked as events miss the event columns; back as partners, it is ready again."""
    at = upload_files(open_page(), "partners.csv")
    kind = at.selectbox(key=f"upload_kind_{ingest.sha256_of((FIXTURES / 'partners.csv').read_bytes())}")
    assert kind.value == "partners"
    kind.select("events").run()
    [table] = problem_tables(at)
    assert {"event_id", "event_date", "event_type"} <= set(table["Column"])
    assert at.button(key="upload_load").disabled
    at.selectbox(key=kind.key).select("partners").run()
    assert not at.button(key="upload_load").disabled


def test_reruns_reuse_the_check_instead_of_validating_again(
    empty_db: Path, analyst: auth.User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Clicking around the page does not check the same files again."""
    calls = []
    real_check = upload.check
    monkeypatch.setattr(upload, "check", lambda *a, **k: calls.append(1) or real_check(*a, **k))
    at = upload_files(open_page(), "partners.csv")
    at.run()
    at.run()
    assert len(calls) == 1


def test_templates_and_the_data_dictionary_are_on_the_page(empty_db: Path, analyst: auth.User) -> None:
    """A template download per kind, and a dictionary table per kind naming every contract column."""
    at = open_page()
    assert [b.label for b in at.download_button if b.label.endswith(" template")] == [
        f"{upload.kind_label(kind)} template" for kind in contract.KINDS
    ]
    dictionaries = [df.value for df in at.dataframe if "Headers accepted" in df.value.columns]
    assert [list(d["Column"]) for d in dictionaries] == [
        list(upload.data_dictionary(k)["Column"]) for k in contract.KINDS
    ]


def test_a_director_does_not_get_the_upload_page(empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The audience check runs on the server: no uploader is drawn for a director."""
    monkeypatch.setattr(auth, "current_user", lambda: auth.User("dora", "director"))
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page("pages/6_upload.py").run()
    assert len(at.file_uploader) == 0
    assert len(at.warning) == 1

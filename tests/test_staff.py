"""The staff kind: recognised from its header (or --kind staff), every rule named by line and column (in a
Big5 file with Chinese headers too), staff ids stored only as keys, a reload a conflict, undo."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact import cli, config, contract, ingest, pseudonym
from tests import builders
from tests.conftest import FIXTURES, sql

HEADER = ("staff_id", "partner_id", "languages", "role", "started_on", "ended_on", "fte")
CHINESE_HEADER = ("員工編號", "機構編號", "語言", "職位", "入職日期", "離職日期", "fte")
GOOD = [
    ("HYC-1", "HYC", "Cantonese;English", "outreach", "2019-03-04", "", "1"),
    ("HYC-2", "HYC", "Mandarin", "case manager", "2020-01-06", "2023-06-30", "0.5"),
    ("CLA-1", "CLA", "Toisanese;Cantonese", "", "2018-09-10", "", "50%"),
    ("SSE-1", "SSE", "Vietnamese", "director", "2022-02-01", "", ""),
]
RAW_IDS = [row[0] for row in GOOD]


def _process(database: Path, rows: list, *, header=HEADER, encoding: str = "utf-8", name: str = "staff.csv", **kw):
    data = builders.csv_bytes([header, *rows], encoding=encoding)
    return ingest.process(data, name, database=database, by="test", store=True, **kw)


def _every_stored_text(path: Path) -> str:
    """Every value of every column of every table, as text: where a raw id would show if it were stored."""
    tables = [t for (t,) in sql(path, "select table_name from duckdb_tables() where schema_name = 'main'")]
    parts = []
    for table in tables:
        columns = [c for (c,) in sql(path, f"select column_name from duckdb_columns() where table_name = '{table}'")]
        for column in columns:
            parts += [str(v) for (v,) in sql(path, f'select distinct "{column}"::varchar from {table}')]
    return "\n".join(parts)


def test_a_staff_file_is_recognised_and_stored_with_normalised_values(base_db: Path) -> None:
    """The header says staff; languages, role and fte are stored as the contract's values."""
    report = _process(base_db, GOOD)
    assert report.ok and report.kind == "staff" and report.row_count == 4, [str(p) for p in report.problems]
    stored = sql(
        base_db,
        """select partner_id, languages, role, started_on::varchar, ended_on::varchar, fte
        from staff order by partner_id, started_on""",
    )
    assert stored == [
        ("CLA", ["Toisanese", "Cantonese"], None, "2018-09-10", None, 0.5),
        ("HYC", ["Cantonese", "English"], "outreach", "2019-03-04", None, 1.0),
        ("HYC", ["Mandarin"], "case_management", "2020-01-06", "2023-06-30", 0.5),
        ("SSE", ["Vietnamese"], "leadership", "2022-02-01", None, None),
    ]


def test_staff_ids_are_stored_only_as_keys_made_with_the_coalitions_key(base_db: Path) -> None:
    """No column of any table holds a raw staff id; each staff_key is the keyed hash of its id."""
    assert _process(base_db, GOOD).ok
    stored = _every_stored_text(base_db)
    for raw in RAW_IDS:
        assert raw not in stored
    key = pseudonym.load_or_create_key(config.key_path(base_db))
    expected = sorted((row[1], pseudonym.participant_key(key, row[0])) for row in GOOD)
    assert sorted(sql(base_db, "select partner_id, staff_key from staff")) == expected


def test_the_preview_shows_no_staff_id(base_db: Path) -> None:
    """The rows shown before loading say 'pseudonymised' where the id was."""
    report = _process(base_db, GOOD, preview_rows=5)
    assert set(report.preview["staff_id"]) == {"pseudonymised"}


# (rows, line, column, value, the start of the English reason)
RULES = [
    pytest.param(
        [("X1", "NOPE", "English", "", "2020-01-01", "", "")],
        2,
        "partner_id",
        "NOPE",
        "is not a known partner",
        id="partner",
    ),
    pytest.param(
        [GOOD[0], ("X1", "HYC", "English", "", "2021-05-03", "2021-04-30", "")],
        3,
        "ended_on",
        "2021-04-30",
        "is before started_on (2021-05-03)",
        id="ended-before-started",
    ),
    pytest.param(
        [("X1", "HYC", "English", "", "2020-01-01", "", "0")], 2, "fte", "0", "must be more than 0", id="fte-0"
    ),
    pytest.param(
        [("X1", "HYC", "English", "", "2020-01-01", "", "1.5")],
        2,
        "fte",
        "1.5",
        "must be more than 0",
        id="fte-above-1",
    ),
    pytest.param(
        [("X1", "HYC", "English", "", "2020-01-01", "", "full")], 2, "fte", "full", "is not a number", id="fte-text"
    ),
    pytest.param(
        [("X1", "HYC", "English", "janitor", "2020-01-01", "", "")], 2, "role", "janitor", "is not one of", id="role"
    ),
    pytest.param(
        [("X1", "HYC", "English", "", "2020-02-30", "", "")],
        2,
        "started_on",
        "2020-02-30",
        "is not a real date",
        id="date",
    ),
    pytest.param(
        [("X1", "HYC", "", "", "2020-01-01", "", "")], 2, "languages", None, "a value is required", id="languages"
    ),
    pytest.param(
        [("X1", "HYC", " ; ", "", "2020-01-01", "", "")],
        2,
        "languages",
        ";",
        "lists no value (only separators)",
        id="languages-separators-only",
    ),
    pytest.param(
        [("", "HYC", "English", "", "2020-01-01", "", "")], 2, "staff_id", None, "a value is required", id="id"
    ),
    pytest.param(
        [GOOD[0], GOOD[1], GOOD[0]],
        4,
        "staff_id",
        None,
        "appears more than once for this partner in the file (first on line 2)",
        id="twice",
    ),
]


@pytest.mark.parametrize(("rows", "line", "column", "value", "reason"), RULES)
def test_each_staff_rule_names_its_line_and_column_and_stores_nothing(
    base_db: Path, rows: list, line: int, column: str, value: str | None, reason: str
) -> None:
    """One bad value rejects the file; the problem names the line, the column and (not for an id) the value."""
    report = _process(base_db, rows)
    assert not report.ok
    assert [(p.line, p.column, p.value) for p in report.problems] == [(line, column, value)]
    assert report.problems[0].reason.startswith(reason)
    assert str(report.problems[0]).startswith(f"line {line}, column {column}: ")
    assert sql(base_db, "select count(*) from staff") == [(0,)]


@pytest.mark.parametrize(("rows", "line", "column", "value", "reason"), RULES)
def test_the_same_rules_hold_for_a_big5_file_with_chinese_headers(
    base_db: Path, rows: list, line: int, column: str, value: str | None, reason: str
) -> None:
    """A Big5 file whose header is 員工編號, 機構編號, 語言...: read as staff, the same problem at the same place."""
    report = _process(base_db, rows, header=CHINESE_HEADER, encoding="big5")
    assert report.encoding == "Big5" and report.kind == "staff"
    assert [(p.line, p.column, p.value) for p in report.problems] == [(line, column, value)]
    assert report.problems[0].reason.startswith(reason)


def test_a_big5_file_with_chinese_headers_and_values_is_stored_as_contract_values(base_db: Path) -> None:
    """廣東話;英語 and 外展員 are stored as Cantonese, English and outreach."""
    rows = [("HYC-9", "HYC", "廣東話;英語", "外展員", "2019-03-04", "", "1")]
    report = _process(base_db, rows, header=CHINESE_HEADER, encoding="big5")
    assert report.ok, [str(p) for p in report.problems]
    assert sql(base_db, "select languages, role from staff") == [(["Cantonese", "English"], "outreach")]


def test_the_big5_fixture_file_is_rejected_at_its_end_date(base_db: Path) -> None:
    """tests/fixtures/csv/staff_big5.csv: Big5, Chinese headers, one end before its start on line 4."""
    report = ingest.process(FIXTURES / "staff_big5.csv", database=base_db, store=True)
    assert (report.encoding, report.kind) == ("Big5", "staff")
    assert [str(p) for p in report.problems] == [
        "line 4, column ended_on: value '2021-04-30' - is before started_on (2021-05-03); "
        "a staff member leaves on or after the day they started"
    ]


def test_an_unknown_language_is_kept_with_a_warning_naming_line_and_column(base_db: Path) -> None:
    """Languages are read like contacts' language: a language off the list is stored as written, with a warning."""
    report = _process(base_db, [("X1", "HYC", "Cantonese;Hmong", "", "2020-01-01", "", "")])
    assert report.ok
    assert [(w.line, w.column, w.value) for w in report.warnings] == [(2, "languages", "Cantonese;Hmong")]
    assert "'Hmong' is not a known language; kept as written (1 row)" in report.warnings[0].reason
    assert sql(base_db, "select languages from staff") == [(["Cantonese", "Hmong"],)]


def test_a_later_file_with_a_stored_staff_member_is_a_conflict_until_undone(base_db: Path) -> None:
    """The same partner and id again: rejected naming the batch; after an undo the corrected file loads."""
    first = _process(base_db, GOOD)
    corrected = [("HYC-1", "HYC", "Cantonese;English;Mandarin", "outreach", "2019-03-04", "", "1")]
    again = _process(base_db, corrected, name="staff-corrected.csv")
    assert not again.ok
    assert [str(p) for p in again.problems] == [
        f"line 2, column staff_id: is already stored for partner HYC (batch {first.batch_id}); "
        "to correct it, undo that batch and load the corrected file"
    ]
    # the same id at another partner is another staff member
    assert _process(base_db, [("HYC-1", "CLA", "English", "", "2020-01-01", "", "")], name="cla.csv").ok
    result = ingest.undo_batch(first.batch_id, database=base_db)
    assert (result.kind, result.rows_removed) == ("staff", 4)
    assert _process(base_db, corrected, name="staff-corrected.csv").ok
    assert sql(base_db, "select partner_id, languages from staff order by partner_id") == [
        ("CLA", ["English"]),
        ("HYC", ["Cantonese", "English", "Mandarin"]),
    ]


def test_a_partners_batch_cannot_be_undone_under_its_staff(base_db: Path) -> None:
    """Undoing the partners waits for the staff batch, which it names."""
    staff = _process(base_db, GOOD)
    partners_batch = sql(base_db, "select batch_id from batches where kind = 'partners'")[0][0]
    with pytest.raises(ingest.UndoRefused, match=rf"batch {staff.batch_id} \(staff\)"):
        ingest.undo_batch(partners_batch, database=base_db)


def test_the_command_line_loads_a_staff_file_named_by_kind(
    base_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m impact ingest --kind staff` reads a file whose header the engine could not place."""
    path = tmp_path / "team.csv"
    header = ("employee id", "partner", "languages spoken", "job", "hired", "left", "full time equivalent")
    path.write_bytes(builders.csv_bytes([header, *GOOD]))
    assert "staff" in contract.KINDS
    code = cli.main(["ingest", str(path), "--kind", "staff", "--db", str(base_db), "--by", "ana"])
    out = capsys.readouterr().out
    assert code == 0 and "4 staff rows" in out
    assert sql(base_db, "select count(*) from staff") == [(4,)]


def test_the_fixture_database_holds_the_fixture_staff(fixture_db: Path) -> None:
    """tests/fixtures/csv/staff.csv is loaded into the fixture database: 21 staff of six partners."""
    assert sql(fixture_db, "select count(*), count(distinct partner_id) from staff") == [(21, 6)]
    assert "HYC-01" not in _every_stored_text(fixture_db)


def test_a_gb18030_file_with_simplified_chinese_headers_loads(base_db: Path) -> None:
    """员工编号, 机构编号, 语言, 职位, 入职日期, 离职日期 in a GB18030 file: read as staff, values normalised."""
    header = ("员工编号", "机构编号", "语言", "职位", "入职日期", "离职日期", "fte")
    rows = [("HYC-8", "HYC", "普通话;粤语", "个案管理", "2020/3/2", "2022/12/30", "0.8")]
    report = _process(base_db, rows, header=header, encoding="gb18030")
    assert (report.encoding, report.kind, report.ok) == ("GB18030/GBK", "staff", True), [
        str(p) for p in report.problems
    ]
    assert sql(base_db, "select languages, role, started_on::varchar, ended_on::varchar, fte from staff") == [
        (["Mandarin", "Cantonese"], "case_management", "2020-03-02", "2022-12-30", 0.8)
    ]


def test_the_staff_templates_load_after_the_partners_template(empty_db: Path) -> None:
    """The Upload page's staff templates (CSV and Excel, fte a number there) load after its partners template."""
    from impact import upload

    assert ingest.process(upload.template_csv("partners"), "partners_template.csv", database=empty_db, store=True).ok
    for data, name in ((upload.template_xlsx("staff"), "staff_template.xlsx"), (upload.template_csv("staff"), "s.csv")):
        report = ingest.process(data, name, database=empty_db, store=True)
        assert (report.ok, report.kind, report.row_count) == (True, "staff", 2), [str(p) for p in report.problems]
        stored = sql(
            empty_db,
            "select role, ended_on::varchar, fte from staff where batch_id = $b order by 1",
            {"b": report.batch_id},
        )
        assert stored == [("case_management", None, 1.0), ("outreach", "2023-06-30", 0.5)]
        ingest.undo_batch(report.batch_id, database=empty_db)


def test_the_upload_pages_preview_shows_labels_and_no_staff_id(base_db: Path) -> None:
    """The preview table reads Staff ID 'pseudonymised', roles and languages as labels, fte as a share of full time."""
    from impact import upload

    data = builders.csv_bytes([HEADER, *GOOD])
    (report,) = upload.check([ingest.Upload(data, "staff.csv")], database=base_db)
    shown = upload.preview_frame(report)
    assert set(shown["Staff ID"]) == {"pseudonymised"}
    assert list(shown["Role"]) == ["Outreach", "Case management", "–", "Leadership"]
    assert list(shown["Languages"])[:2] == ["Cantonese; English", "Mandarin"]
    assert list(shown["FTE"]) == ["100%", "50%", "50%", "–"]
    for raw in RAW_IDS:
        assert raw not in shown.to_string()


def test_an_optional_list_of_separators_only_is_stored_as_no_value(base_db: Path) -> None:
    """A milestone whose partners cell is '; ;' has no partners (null), not a list holding an empty name."""
    from tests.goal_builders import MILESTONES

    header, first, *_ = MILESTONES
    row = (*first[:4], "; ;", *first[5:])
    report = ingest.process(builders.csv_bytes([header, row]), "m.csv", database=base_db, store=True)
    assert report.ok, [str(p) for p in report.problems]
    assert sql(base_db, "select partner_ids from milestones") == [(None,)]

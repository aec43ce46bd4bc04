"""Excel workbooks go through the same engine as CSV files: fixture twins, sheets, cells, damaged files."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from impact import cli, contract, ingest
from impact.ingest import workbook
from tests import builders
from tests.conftest import EXPECTED, FIXTURES, sql
from tests.workbooks import fixture_rows, fixture_workbook, workbook_bytes

TODAY = date(2025, 6, 30)
HEADER = list(builders.ENGAGEMENT_HEADER)


def _prepare(path: Path, name: str) -> None:
    """Load what a fixture file refers to (partners, then events), as tests/test_fixture_files.py does."""
    for base in ("partners.csv", "events.csv"):
        if base == name:
            break
        ingest.process(FIXTURES / base, database=path, by="fixture", store=True)


def _outcome(report: ingest.FileReport) -> tuple:
    """What a person reads of a report: kind, rows, every problem and warning (the sheet aside)."""
    where = [(p.line, p.column, p.value, p.reason) for p in report.problems]
    notes = [(w.line, w.column, w.value, w.reason) for w in report.warnings]
    return report.kind, report.row_count, report.problem_count, where, notes


def _load_partners_and_events(path: Path) -> None:
    for name in ("partners.csv", "events.csv"):
        assert ingest.process(FIXTURES / name, database=path, by="fixture", store=True).ok


def _engagements(
    *rows: tuple[object, ...], above: list[list[object]] | None = None, sheet: str = "Q2 contacts"
) -> bytes:
    return workbook_bytes({sheet: [*(above or []), HEADER, *rows]})


def _row(number: int, **changes: object) -> list[object]:
    row: list[object] = list(builders.engagement(number, partner="HYC"))
    for name, value in changes.items():
        row[HEADER.index(name)] = value
    return row


# ------------------------------------------------------------------ fixture twins


@pytest.mark.parametrize("as_typed", [False, True], ids=["text cells", "typed cells"])
@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_each_fixture_file_written_as_a_workbook_gives_the_outcome_of_its_csv_twin(
    empty_db: Path, case: dict, as_typed: bool
) -> None:
    """Kind, rows, every problem and warning equal the CSV file's, and expected.json holds for both."""
    _prepare(empty_db, case["file"])
    twin = ingest.process(FIXTURES / case["file"], database=empty_db, by="t")
    name = case["file"].replace(".csv", ".xlsx")
    report = ingest.process(fixture_workbook(case["file"], as_typed=as_typed), name, database=empty_db, by="t")
    assert _outcome(report) == _outcome(twin)
    assert report.sheet == (None if case["file"] == "empty.csv" else "Sheet1")
    if case["expect"] == "ok":
        assert (report.ok, report.kind, report.row_count) == (True, case["kind"], case["rows"])
        return
    first = report.problems[0]
    assert (first.line, first.column) == (case["expect"]["line"], case["expect"]["column"])
    if first.line is not None:
        assert str(first).startswith(f"sheet 'Sheet1', line {first.line}, column {first.column}: ")


def test_a_workbook_stores_exactly_the_rows_of_its_csv_twin(empty_db: Path, tmp_path: Path) -> None:
    """The valid contacts loaded from a typed workbook and from the CSV file are the same rows, key for key."""
    _load_partners_and_events(empty_db)
    from_book = ingest.process(
        fixture_workbook("engagements_valid.csv", as_typed=True), "valid.xlsx", database=empty_db, by="t", store=True
    )
    assert from_book.ok and from_book.row_count == 500
    columns = "engagement_id, engaged_on, partner_id, participant_key, language, event_id, neighborhood, age_group"
    stored = sql(empty_db, f"select {columns} from engagements order by all")
    ingest.undo_batch(from_book.batch_id, database=empty_db)
    from_csv = ingest.process(FIXTURES / "engagements_valid.csv", database=empty_db, by="t", store=True)
    assert from_csv.ok
    assert sql(empty_db, f"select {columns} from engagements order by all") == stored
    batch = sql(empty_db, "select file_name, sheet, encoding, delimiter from batches where batch_id = $b", {"b": 3})
    assert batch == [("valid.xlsx", "Sheet1", None, None)]


# ------------------------------------------------------------------------- rows


def test_title_rows_above_a_recognised_header_are_skipped_and_lines_are_the_workbooks_rows(empty_db: Path) -> None:
    """Two note rows and an empty row above the header: the header is row 4, an impossible date in row 5 says so."""
    _load_partners_and_events(empty_db)
    data = _engagements(
        _row(1, engaged_on="2024-02-30"),
        _row(2),
        above=[["Contacts, second quarter"], ["Exported by the partner's system"], []],
    )
    report = ingest.process(data, "q2.xlsx", database=empty_db, today=TODAY)
    assert [str(p) for p in report.problems] == [
        "sheet 'Q2 contacts', line 5, column engaged_on: value '2024-02-30' - is not a real date: 2024-02 has no day 30"
    ]
    assert report.problems[0].sheet == "Q2 contacts"
    assert report.row_count == 2


def test_rows_above_a_header_that_is_not_recognised_are_not_skipped(empty_db: Path) -> None:
    """An unknown header under a title is not guessed at: the title row is the header, and the kind is unclear."""
    data = workbook_bytes({"Data": [["Our contacts"], ["who", "when"], ["a", "2024-01-01"]]})
    report = ingest.process(data, "book.xlsx", database=empty_db)
    assert [str(p) for p in report.problems] == [
        "sheet 'Data', line 1: cannot tell which kind of file this is from its header (the kinds are: "
        f"{', '.join(contract.KINDS)}); check the column names or choose the kind"
    ]


def test_data_that_starts_below_and_right_of_a1_keeps_its_rows_and_columns(empty_db: Path) -> None:
    """A table at C3: python-calamine's rows start at row 1 and its cells at column C; rows and labels stay right."""
    _load_partners_and_events(empty_db)
    rows = [[None, None, *HEADER, "note"], [None, None, *_row(1)], [None, None, *_row(2, language="")]]
    data = workbook_bytes({"Q2 contacts": [[], [], *rows]})
    report = ingest.process(data, "q2.xlsx", database=empty_db, today=TODAY)
    assert [str(p) for p in report.problems] == ["sheet 'Q2 contacts', line 5, column language: a value is required"]
    assert [str(w) for w in report.warnings] == [
        "sheet 'Q2 contacts', line 3, column note: is not a column of the contract; it is ignored"
    ]


def test_empty_rows_between_data_are_skipped_with_a_warning_and_trailing_ones_silently(empty_db: Path) -> None:
    """As in a CSV file, an empty row between rows is counted; empty rows after the data are no rows at all."""
    _load_partners_and_events(empty_db)
    data = workbook_bytes(
        {"Q2 contacts": [HEADER, _row(1), [], _row(2)]},
        cells={"Q2 contacts": {"A9": "  ", "L12": ""}},  # blank cells further down and right
    )
    report = ingest.process(data, "q2.xlsx", database=empty_db, today=TODAY)
    assert report.ok, [str(p) for p in report.problems]
    assert report.row_count == 2
    assert [str(w) for w in report.warnings] == ["sheet 'Q2 contacts': skipped 1 row with every cell empty"]


def test_merged_cells_and_empty_columns_create_no_problems(empty_db: Path) -> None:
    """A merged title, a date merged down over three rows and an empty column: loaded, nothing to warn about."""
    _load_partners_and_events(empty_db)
    rows = [_row(n, engaged_on=date(2024, 3, 1) if n == 1 else None) for n in (1, 2, 3)]
    title = ["Contacts in March", *[None] * (len(HEADER) - 1)]
    data = workbook_bytes(
        {"March": [title, [*HEADER, None, None], *[[*r, None, None] for r in rows]]},
        merged={"March": ["A1:J1", "B3:B5"]},
    )
    report = ingest.process(data, "march.xlsx", database=empty_db, store=True, today=TODAY)
    assert report.ok, [str(p) for p in report.problems]
    assert report.warnings == []
    assert sql(empty_db, "select distinct engaged_on from engagements") == [(date(2024, 3, 1),)]


def test_blank_cells_far_to_the_right_do_not_widen_the_table(empty_db: Path) -> None:
    """A space in column XFD and an empty text in Z are no columns; a note in AB is an ignored column, as in CSV."""
    data = workbook_bytes(
        {"Partners": [builders.PARTNERS[0], *builders.PARTNERS[1:]]},
        cells={"Partners": {"XFD3": " ", "Z1": "", "AB2": "see notes"}},
    )
    assert len(workbook.sheets(data)[0].header) == len(workbook.read(data).header) == 28
    report = ingest.process(data, "p.xlsx", database=empty_db, store=True)
    assert report.ok, [str(p) for p in report.problems]
    assert [str(w) for w in report.warnings] == [
        "sheet 'Partners', line 1, column (column 28 has no name): is not a column of the contract; it is ignored"
    ]


# ------------------------------------------------------------------------ cells


def test_cell_text_is_what_a_person_sees_in_the_cell() -> None:
    """Whole numbers lose Excel's .0, dates are ISO, times of day stay visible, booleans read TRUE/FALSE."""
    assert workbook.cell_text(9000.0) == "9000"
    assert workbook.cell_text(9000) == "9000"
    assert workbook.cell_text(12.5) == "12.5"
    assert workbook.cell_text(0.1 + 0.2) == "0.3"
    assert workbook.cell_text(1e20) == "100000000000000000000"
    assert workbook.cell_text(True) == "TRUE"
    assert workbook.cell_text(date(2024, 3, 15)) == "2024-03-15"
    assert workbook.cell_text(datetime(2024, 3, 15)) == "2024-03-15"
    assert workbook.cell_text(datetime(2024, 3, 15, 10, 30)) == "2024-03-15 10:30"
    assert workbook.cell_text("0100") == "0100"


def test_numbers_typed_into_id_columns_are_kept_as_written(empty_db: Path) -> None:
    """Partner 9000, contact 12 and participant 555 typed as numbers are stored as '9000', '12', the key of '555'."""
    partners = workbook_bytes({"Partners": [["partner_id", "name"], [9000, "Numbered Partner"]]})
    assert ingest.process(partners, "p.xlsx", database=empty_db, store=True).ok
    contacts = _engagements(
        _row(12, engagement_id=12, partner_id=9000, participant_id=555, engaged_on=date(2024, 5, 1))
    )
    report = ingest.process(contacts, "c.xlsx", database=empty_db, store=True, today=TODAY)
    assert report.ok, [str(p) for p in report.problems]
    assert sql(empty_db, "select partner_id from partners") == [("9000",)]
    assert sql(empty_db, "select engagement_id, partner_id from engagements") == [("12", "9000")]
    # the same person typed as text in a CSV file is the same key
    csv_rows = [HEADER, [str(v) for v in _row(13, partner_id="9000", participant_id="555")]]
    assert ingest.process(builders.csv_bytes(csv_rows), "c.csv", database=empty_db, store=True, today=TODAY).ok
    assert sql(empty_db, "select count(distinct participant_key) from engagements") == [(1,)]


def test_real_excel_dates_are_dates_and_text_dates_follow_the_contract(empty_db: Path) -> None:
    """A date cell, 3/15/2024 and 2024/3/16 typed as text load; 15/03/2024 as text is refused as in a CSV file."""
    _load_partners_and_events(empty_db)
    rows = [
        _row(1, engaged_on=date(2024, 3, 14)),
        _row(2, engaged_on="3/15/2024"),
        _row(3, engaged_on="2024/3/16"),
        _row(4, engaged_on="15/03/2024"),
        _row(5, engaged_on=datetime(2024, 3, 17, 9, 45)),
    ]
    report = ingest.process(_engagements(*rows), "dates.xlsx", database=empty_db, today=TODAY)
    assert [str(p) for p in report.problems] == [
        "sheet 'Q2 contacts', line 5, column engaged_on: value '15/03/2024' - is not a real date: there is no month 15",
        "sheet 'Q2 contacts', line 6, column engaged_on: value '2024-03-17 09:45' - is not a date; write dates as "
        "YYYY-MM-DD (2024-03-15), YYYY/M/D or M/D/YYYY",
    ]
    fixed = ingest.process(_engagements(*rows[:3]), "dates.xlsx", database=empty_db, store=True, today=TODAY)
    assert fixed.ok
    assert sql(empty_db, "select engaged_on from engagements order by 1") == [
        (date(2024, 3, 14),),
        (date(2024, 3, 15),),
        (date(2024, 3, 16),),
    ]


def test_formulas_contribute_their_cached_values(empty_db: Path) -> None:
    """A formula copying a text id keeps its leading zero; a computed date and attendance are their results."""
    partners = workbook_bytes(
        {"Partners": [["partner_id", "name"], ["0100", None]]},
        formulas={"Partners": {"B2": ('"Partner "&A2', "Partner 0100")}},
    )
    report = ingest.process(partners, "p.xlsx", database=empty_db, store=True)
    assert report.ok, [str(p) for p in report.problems]
    assert sql(empty_db, "select partner_id, name from partners") == [("0100", "Partner 0100")]
    events = workbook_bytes(
        {"Events": [["event_id", "event_date", "host_partner_id", "event_type", "attendance"], ["E1", "2024-01-05"]]},
        formulas={"Events": {"C2": ("Partners!A2", "0100"), "D2": ('"work"&"shop"', "workshop"), "E2": ("20+5", 25)}},
    )
    report = ingest.process(events, "e.xlsx", database=empty_db, store=True)
    assert report.ok, [str(p) for p in report.problems]
    assert sql(empty_db, "select host_partner_id, event_type, attendance from events") == [("0100", "workshop", 25)]


def test_a_formula_date_cached_as_a_number_is_not_a_date(empty_db: Path) -> None:
    """joined_on holding the serial number 43832 (a date formula's value in a cell without date format) is refused."""
    partners = workbook_bytes(
        {"Partners": [["partner_id", "name", "joined_on"], ["P1", "One", None]]},
        formulas={"Partners": {"C2": ("DATE(2020,1,2)", 43832)}},
    )
    report = ingest.process(partners, "p.xlsx", database=empty_db)
    assert [(p.line, p.column, p.value) for p in report.problems] == [(2, "joined_on", "43832")]


def test_an_error_cell_is_one_problem_naming_its_row_and_column(empty_db: Path) -> None:
    """#REF! in a required date, #N/A in an optional column: one problem each; an error in an ignored column is not read."""
    _load_partners_and_events(empty_db)
    data = workbook_bytes(
        {"Q2 contacts": [[*HEADER, "notes"], _row(1), _row(2), _row(3)]},
        cells={"Q2 contacts": {"B3": "#REF!", "G4": "#N/A", "K2": "#DIV/0!"}},
    )
    report = ingest.process(data, "q2.xlsx", database=empty_db, today=TODAY)
    assert [str(p) for p in report.problems] == [
        "sheet 'Q2 contacts', line 3, column engaged_on: value '#REF!' - is an error value, not data "
        "(a formula that failed); correct the cell in the workbook",
        "sheet 'Q2 contacts', line 4, column neighborhood: value '#N/A' - is an error value, not data "
        "(a formula that failed); correct the cell in the workbook",
    ]
    assert report.problem_count == 2
    assert report.problems[0].template == ingest.CELL_ERROR


def test_an_error_cell_in_the_header_row_is_a_problem_of_the_header(empty_db: Path) -> None:
    """A header cell holding #NAME? is named by its position on the header's row."""
    _load_partners_and_events(empty_db)
    data = workbook_bytes({"Q2 contacts": [[*HEADER, None], _row(1)]}, cells={"Q2 contacts": {"K1": "#NAME?"}})
    report = ingest.process(data, "q2.xlsx", database=empty_db, today=TODAY)
    assert [(p.line, p.column, p.value) for p in report.problems] == [(1, "(column 11 has no name)", "#NAME?")]


# ----------------------------------------------------------------------- sheets


def _two_sheets() -> bytes:
    return workbook_bytes(
        {
            "Read me": [["This workbook holds the partners and the contacts of Q2."]],
            "Partners": [builders.PARTNERS[0], *builders.PARTNERS[1:]],
            "Q2 contacts": [HEADER, [*builders.engagement(1)], [*builders.engagement(2, partner="CLA")]],
            "Lists": [["language"], ["Cantonese"]],
        },
        hidden=["Lists"],
    )


def test_the_sheets_of_a_workbook_are_offered_by_their_header_row() -> None:
    """A note sheet is listed but not offered; the partners and contacts sheets are, with their kinds; hidden ones never."""
    sheets = workbook.sheets(_two_sheets())
    assert [(s.name, s.kind, s.header_line) for s in sheets] == [
        ("Read me", None, 1),
        ("Partners", "partners", 1),
        ("Q2 contacts", "engagements", 1),
    ]
    assert [s.name for s in workbook.offered(sheets)] == ["Partners", "Q2 contacts"]


def test_a_workbook_with_one_sheet_of_data_loads_that_sheet_whatever_its_header(empty_db: Path) -> None:
    """Empty sheets beside it do not count; an unrecognised header is read with the kind given."""
    data = workbook_bytes({"Sheet1": [], "Export": [["code", "org"], ["P1", "One"]], "Sheet3": []})
    assert [s.name for s in workbook.offered(workbook.sheets(data))] == ["Export"]
    report = ingest.process(
        data, "export.xlsx", database=empty_db, kind="partners", overrides={"code": "partner_id", "org": "name"}
    )
    assert (report.ok, report.sheet, report.row_count) == (True, "Export", 1)


def test_several_sheets_load_the_first_recognised_unless_a_sheet_is_named(empty_db: Path) -> None:
    """Without --sheet the partners sheet is read; naming 'Q2 contacts' reads the contacts (after the partners)."""
    data = _two_sheets()
    first = ingest.process(data, "book.xlsx", database=empty_db, store=True, today=TODAY)
    assert (first.ok, first.sheet, first.kind, first.row_count) == (True, "Partners", "partners", 3)
    named = ingest.process(data, "book.xlsx", sheet="Q2 contacts", database=empty_db, store=True, today=TODAY)
    assert (named.ok, named.sheet, named.kind, named.row_count) == (True, "Q2 contacts", "engagements", 2)
    assert sql(empty_db, "select batch_id, sheet from batches order by 1") == [(1, "Partners"), (2, "Q2 contacts")]
    # a kind picks the first sheet of that kind
    kind_only = ingest.process(data, "book.xlsx", kind="engagements", database=empty_db, today=TODAY)
    assert kind_only.sheet == "Q2 contacts"


def test_the_same_sheet_of_the_same_file_is_refused_but_another_sheet_is_not(empty_db: Path) -> None:
    """The same bytes and sheet are 'already loaded'; after an undo the sheet loads again."""
    data = _two_sheets()
    loaded = ingest.process(data, "book.xlsx", sheet="Partners", database=empty_db, store=True)
    again = ingest.process(data, "book.xlsx", sheet="Partners", database=empty_db, store=True)
    assert [p.template for p in again.problems] == [ingest.ALREADY_LOADED]
    assert str(again.problems[0]).startswith(
        f"sheet 'Partners': this exact file was already loaded as batch {loaded.batch_id}"
    )
    assert ingest.process(data, "book.xlsx", sheet="Q2 contacts", database=empty_db, store=True, today=TODAY).ok
    ingest.undo_batch(2, database=empty_db)
    ingest.undo_batch(1, database=empty_db)
    assert ingest.process(data, "book.xlsx", sheet="Partners", database=empty_db, store=True).ok


def test_a_sheet_name_that_does_not_exist_lists_the_sheets(empty_db: Path) -> None:
    """--sheet 'Q3' in a workbook without it: the problem names every sheet, hidden ones included."""
    report = ingest.process(_two_sheets(), "book.xlsx", sheet="Q3", database=empty_db)
    assert [str(p) for p in report.problems] == [
        "the workbook has no sheet named 'Q3'; its sheets are: 'Read me', 'Partners', 'Q2 contacts', 'Lists'"
    ]


def test_several_sheets_none_recognised_is_one_problem_listing_them(empty_db: Path) -> None:
    """Two sheets of data, neither header a known kind: nothing is guessed, the sheets are named."""
    data = workbook_bytes({"A": [["x", "y"], [1, 2]], "B": [["p", "q"], [3, 4]]})
    report = ingest.process(data, "book.xlsx", database=empty_db)
    assert [str(p) for p in report.problems] == [
        "none of the workbook's sheets has the header row of a file of the contract ('A', 'B'; the kinds are: "
        f"{', '.join(contract.KINDS)}); check the column names, or name the sheet to read"
    ]
    assert report.sheet is None


# ------------------------------------------------------------ damaged and other files


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


GOOD = fixture_workbook("partners.csv")


@pytest.mark.parametrize(
    ("name", "data", "template"),
    [
        ("cut.xlsx", GOOD[: len(GOOD) // 2], ingest.NOT_A_WORKBOOK),
        ("garbled.xlsx", GOOD[:200] + bytes(range(256)) * 20 + GOOD[-200:], ingest.NOT_A_WORKBOOK),
        ("text.xlsx", b"partner_id,name\nP1,One\n", ingest.NOT_A_WORKBOOK),
        ("archive.zip", _zip({"partners.csv": b"partner_id,name\nP1,One\n"}), ingest.NOT_A_SPREADSHEET),
        ("book.xlsx", _zip({"xl/workbook.xml": b"<workbook", "[Content_Types].xml": b"<"}), ingest.NOT_A_WORKBOOK),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), ingest.OLD_OR_PROTECTED_WORKBOOK),
        ("binary.xlsb", _zip({"xl/workbook.bin": b"\x00"}), ingest.OTHER_SPREADSHEET),
        (
            "sheet.ods",
            _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<"}),
            ingest.OTHER_SPREADSHEET,
        ),
    ],
    ids=["cut short", "garbled", "text named .xlsx", "zip of csv", "broken xml", "xls or password", "xlsb", "ods"],
)
def test_a_file_that_is_not_a_readable_workbook_gets_a_sentence(
    empty_db: Path, name: str, data: bytes, template: str
) -> None:
    """Damaged, renamed, old or other spreadsheets are refused with one sentence and nothing stored, never a traceback."""
    report = ingest.process(data, name, database=empty_db, store=True)
    assert [p.template for p in report.problems] == [template]
    assert report.problems[0].line is None and report.batch_id is None
    assert sql(empty_db, "select count(*) from batches") == [(0,)]


def test_the_size_limit_of_csv_files_holds_for_workbooks(empty_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A workbook over $IMPACT_MAX_UPLOAD_MB is refused before it is read, and so is one that unpacks to far more."""
    data = fixture_workbook("engagements_valid.csv")
    monkeypatch.setenv("IMPACT_MAX_UPLOAD_MB", str(len(data) / 2**20 / 2))
    report = ingest.process(data, "big.xlsx", database=empty_db)
    assert [p.template for p in report.problems] == [ingest.FILE_TOO_LARGE]
    # within the limit, but unpacking to more than UNPACKED_LIMIT_FACTOR times it (here: once)
    monkeypatch.setenv("IMPACT_MAX_UPLOAD_MB", str(len(data) * 1.5 / 2**20))
    monkeypatch.setattr(workbook, "UNPACKED_LIMIT_FACTOR", 1)
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist()) > len(data) * 1.5
    report = ingest.process(data, "big.xlsx", database=empty_db)
    assert [p.template for p in report.problems] == [ingest.WORKBOOK_TOO_LARGE]


def test_a_fixture_workbook_holds_the_rows_of_its_csv_file() -> None:
    """The twin is a faithful copy: the same rows, cell for cell (guards the twin tests themselves)."""
    data = fixture_workbook("engagements_big5.csv")
    table = workbook.read(data)
    rows = [line.split(",")[:-1] for line in table.text.splitlines()[1:]]
    assert [table.header, *rows] == fixture_rows("engagements_big5.csv")
    assert table.text.splitlines()[1].endswith(",2")  # each row carries its workbook row


# ------------------------------------------------------------------ command line


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_loads_a_workbooks_sheets(empty_db: Path, tmp_path: Path, capsys) -> None:
    """ingest book.xlsx reads the first recognised sheet, --sheet another; each line names its sheet."""
    book = tmp_path / "book.xlsx"
    book.write_bytes(_two_sheets())
    assert _cli(capsys, "ingest", str(book), "--db", str(empty_db), "--by", "ana") == (
        0,
        "book.xlsx (sheet 'Partners'): loaded as batch 1, 3 partners rows\n",
        "",
    )
    code, out, err = _cli(capsys, "ingest", str(book), "--sheet", "Q2 contacts", "--db", str(empty_db), "--dry-run")
    assert (code, out, err) == (
        0,
        "book.xlsx (sheet 'Q2 contacts'): ok, 2 engagements rows would be loaded (dry run)\n",
        "",
    )
    code, out, _err = _cli(capsys, "batches", "--db", str(empty_db))
    assert out.splitlines()[1].endswith("  book.xlsx (sheet 'Partners')")


def test_the_command_line_lists_a_workbooks_problems_with_sheet_and_row(empty_db: Path, tmp_path: Path, capsys) -> None:
    """An impossible text date at row 5 of 'Q2 contacts' is printed as that sheet's line 5; nothing is stored."""
    _load_partners_and_events(empty_db)
    book = tmp_path / "q2.xlsx"
    book.write_bytes(_engagements(_row(1, engaged_on="2024-02-30"), above=[["Q2"], [], []]))
    code, out, err = _cli(capsys, "ingest", str(book), "--db", str(empty_db))
    assert (code, out) == (1, "")
    assert err == (
        "q2.xlsx: rejected, nothing stored (1 problem)\n"
        "  sheet 'Q2 contacts', line 5, column engaged_on: value '2024-02-30' - is not a real date: 2024-02 has no day 30\n"
    )
    assert sql(empty_db, "select count(*) from engagements") == [(0,)]


def test_the_command_line_names_the_sheets_when_none_is_recognised(empty_db: Path, tmp_path: Path, capsys) -> None:
    """Two unknown sheets: exit 1, and the message lists them."""
    book = tmp_path / "odd.xlsx"
    book.write_bytes(workbook_bytes({"A": [["x", "y"], [1, 2]], "B": [["p", "q"], [3, 4]]}))
    code, _out, err = _cli(capsys, "ingest", str(book), "--db", str(empty_db))
    assert code == 1
    assert (
        "none of the workbook's sheets has the header row of a file of the contract ('A', 'B'; the kinds are: "
        "partners, events, engagements, targets, milestones, surveys" in err
    )


def test_the_command_line_orders_workbooks_and_csv_files_by_kind(empty_db: Path, tmp_path: Path, capsys) -> None:
    """Contacts as a workbook given before the partners CSV still load after the partners."""
    (tmp_path / "partners.csv").write_bytes((FIXTURES / "partners.csv").read_bytes())
    (tmp_path / "events.xlsx").write_bytes(fixture_workbook("events.csv", as_typed=True))
    (tmp_path / "contacts.xlsx").write_bytes(fixture_workbook("engagements_valid.csv", sheet="Contacts"))
    code, out, err = _cli(
        capsys,
        "ingest",
        *(str(tmp_path / n) for n in ("contacts.xlsx", "events.xlsx", "partners.csv")),
        "--db",
        str(empty_db),
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "partners.csv: loaded as batch 1, 6 partners rows",
        "events.xlsx (sheet 'Sheet1'): loaded as batch 2, 30 events rows",
        "contacts.xlsx (sheet 'Contacts'): loaded as batch 3, 500 engagements rows",
    ]

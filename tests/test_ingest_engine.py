"""Rules of the ingest engine that the shared fixture files do not exercise."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest

from impact import config, contract, db, ingest, pseudonym, vocab
from tests import builders
from tests.conftest import sql

TODAY = date(2025, 3, 14)
HEADER = builders.ENGAGEMENT_HEADER


def _load(database: Path, rows: list, name: str = "e.csv", **options) -> ingest.FileReport:
    options.setdefault("today", TODAY)
    return ingest.process(builders.csv_bytes(rows), name, database=database, by="tester", store=True, **options)


def _problems(report: ingest.FileReport) -> list[tuple[int | None, str | None, str | None]]:
    return [(p.line, p.column, p.value) for p in report.problems]


def _batches(database: Path) -> int:
    return sql(database, "select count(*) from batches")[0][0]


# ------------------------------------------------------------------------- headers


@pytest.mark.parametrize(
    ("kind", "column", "header"),
    [(kind, col.name, header) for kind, cols in contract.COLUMNS.items() for col in cols for header in col.headers],
)
def test_every_header_alias_names_its_column(kind: str, column: str, header: str) -> None:
    """Each alias of the contract (Chinese ones too) matches its column, in any spelling."""
    for spelling in (header, header.upper(), f"  {header.replace(' ', '_')} ", header.replace(" ", "-") + ":"):
        matches = ingest.match_columns([spelling], kind)
        assert matches[0].column == column, spelling


def test_a_file_with_only_chinese_headers_loads_with_the_right_columns(base_db: Path) -> None:
    """記錄編號, 服務日期, 機構編號, 參加者編號, 語言, 社區 ... are read as the contract columns."""
    header = (
        "記錄編號",
        "服務日期",
        "機構編號",
        "參加者編號",
        "語言",
        "活動編號",
        "社區",
        "年齡組",
        "聯絡方式",
        "服務類型",
    )
    row = ("Z1", "2024/5/6", "CLA", "陳大文", "粵語", "EV1", "華埠", "長者", "微信", "法律諮詢")
    report = _load(base_db, [header, row])
    assert report.ok, [str(p) for p in report.problems]
    assert report.kind == "engagements"
    stored = sql(
        base_db,
        """select engagement_id, engaged_on, partner_id, language, event_id, neighborhood, age_group, channel,
        service_type from engagements""",
    )
    assert stored == [
        ("Z1", date(2024, 5, 6), "CLA", "Cantonese", "EV1", "Chinatown", "65+", "wechat", "法律諮詢"),
    ]


def test_an_unknown_extra_column_is_ignored_with_a_warning(base_db: Path) -> None:
    """A column the contract does not know is left out and named in a warning."""
    rows = [(*HEADER, "case worker"), (*builders.engagement(1), "Ms Wong")]
    report = _load(base_db, rows)
    assert report.ok
    assert [(w.line, w.column) for w in report.warnings] == [(1, "case worker")]


def test_two_headers_meaning_the_same_column_are_a_problem(base_db: Path) -> None:
    """'date' and 'contact date' both mean engaged_on: the file is refused, naming both."""
    header = ("engagement_id", "date", "contact date", "partner_id", "participant_id", "language")
    report = _load(base_db, [header, ("E1", "2024-01-01", "2024-01-01", "HYC", "p1", "English")])
    assert not report.ok
    assert "'date'" in report.problems[0].reason and report.problems[0].column == "contact date"


def test_a_missing_required_column_names_its_accepted_headers(base_db: Path) -> None:
    """Without a participant column the problem lists the headers that would have worked."""
    header = ("engagement_id", "engaged_on", "partner_id", "language")
    report = _load(base_db, [header, ("E1", "2024-01-01", "HYC", "English")])
    assert (report.problems[0].line, report.problems[0].column) == (None, "participant_id")
    assert "參加者編號" in report.problems[0].reason
    assert _batches(base_db) == 2


def test_overrides_map_an_unrecognised_header_and_drop_another(base_db: Path) -> None:
    """A person's column choices (header -> column or None) win over the aliases."""
    header = ("ref", "when", "partner_id", "participant_id", "language", "notes")
    rows = [header, ("R1", "2024-01-01", "HYC", "p1", "English", "private note")]
    report = _load(base_db, rows, overrides={"ref": "engagement_id", "when": "engaged_on", "notes": None})
    assert report.ok, [str(p) for p in report.problems]
    assert sql(base_db, "select engagement_id, engaged_on from engagements") == [("R1", date(2024, 1, 1))]


# ------------------------------------------------------------------ normalisation

VOCABULARIES = {
    "language": (vocab.LANGUAGES, vocab.LANGUAGE_ALIASES),
    "neighborhood": (vocab.NEIGHBORHOODS, vocab.NEIGHBORHOOD_ALIASES),
    "age_group": (vocab.AGE_GROUPS, vocab.AGE_GROUP_ALIASES),
    "channel": (vocab.CHANNELS, vocab.CHANNEL_ALIASES),
}


def _spellings(canonical: tuple[str, ...], aliases: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    """(as written, stored) for every value and alias, with case and spacing varied."""
    pairs = []
    for value in canonical:
        pairs += [(value, value), (value.upper(), value), (f"  {value.lower()} ", value)]
        pairs.append((value.replace("_", " "), value))
    for value, names in aliases.items():
        pairs += [(name, value) for name in names]
    return pairs


@pytest.mark.parametrize("column", list(VOCABULARIES))
def test_every_value_and_alias_of_an_engagement_vocabulary_is_stored_canonical(base_db: Path, column: str) -> None:
    """Each canonical value and alias (廣東話, 華埠, 長者, 微信 ...) is stored as the contract value."""
    pairs = _spellings(*VOCABULARIES[column])
    position = HEADER.index(column)
    rows = [HEADER]
    for number, (written, _stored) in enumerate(pairs):
        row = list(builders.engagement(number))
        row[position] = written
        rows.append(tuple(row))
    report = _load(base_db, rows)
    assert report.ok, [str(p) for p in report.problems[:5]]
    assert report.warnings == []
    stored = dict(sql(base_db, f"select engagement_id, {column} from engagements"))
    assert {f"E{n}": value for n, (_written, value) in enumerate(pairs)} == stored


def test_every_event_type_and_alias_is_stored_canonical(base_db: Path) -> None:
    """Event types are normalised: 'Town Hall', 'townhall' and 市民大會 are all town_hall."""
    pairs = _spellings(vocab.EVENT_TYPES, vocab.EVENT_TYPE_ALIASES)
    rows = [("event_id", "event_date", "host_partner_id", "event_type")]
    rows += [(f"T{n}", "2024-01-01", "HYC", written) for n, (written, _stored) in enumerate(pairs)]
    report = _load(base_db, rows, name="events.csv")
    assert report.ok, [str(p) for p in report.problems[:5]]
    stored = dict(sql(base_db, "select event_id, event_type from events where event_id like 'T%'"))
    assert stored == {f"T{n}": value for n, (_written, value) in enumerate(pairs)}


def test_an_unknown_language_or_neighborhood_is_kept_as_written_with_a_warning(base_db: Path) -> None:
    """Open lists keep an unrecognised value (spacing tidied) and warn once per value with its row count."""
    rows = [
        HEADER,
        builders.engagement(1, language="Klingon", neighborhood="Daly  City"),
        builders.engagement(2, language="Klingon"),
    ]
    report = _load(base_db, rows)
    assert report.ok
    assert sorted((w.line, w.column, w.value) for w in report.warnings) == [
        (2, "language", "Klingon"),
        (2, "neighborhood", "Daly  City"),
    ]
    assert "(2 rows)" in next(w.reason for w in report.warnings if w.column == "language")
    assert sql(base_db, "select distinct neighborhood from engagements where engagement_id = 'E1'") == [("Daly City",)]


@pytest.mark.parametrize("value", ["pigeon", "65-plus", "walk"])
def test_an_unknown_value_of_a_closed_list_is_refused_listing_the_choices(base_db: Path, value: str) -> None:
    """Channel and age group are closed lists: an unknown value is a problem naming the choices."""
    rows = [HEADER, builders.engagement(1, channel=value, age_group=value)]
    report = _load(base_db, rows)
    assert sorted(_problems(report)) == [(2, "age_group", value), (2, "channel", value)]
    assert "in_person" in next(p.reason for p in report.problems if p.column == "channel")


@pytest.mark.parametrize("marker", ["", "NA", "n/a", "N/A", "null", "NULL", "-", "  na  "])
def test_empty_markers_mean_no_value_in_optional_columns(base_db: Path, marker: str) -> None:
    """NA, N/A, null, '-' and blanks store NULL in optional columns."""
    row = builders.engagement(1, event=marker, neighborhood=marker, age_group=marker, channel=marker, service=marker)
    report = _load(base_db, [HEADER, row])
    assert report.ok, [str(p) for p in report.problems]
    assert sql(base_db, "select event_id, neighborhood, age_group, channel, service_type from engagements") == [
        (None, None, None, None, None)
    ]


@pytest.mark.parametrize("marker", ["", "NA", "N/A", "null", "-"])
def test_empty_markers_are_an_error_in_required_columns(base_db: Path, marker: str) -> None:
    """A required cell holding an empty marker is 'a value is required' at its line and column."""
    rows = [HEADER, builders.engagement(1), builders.engagement(2, language=marker, person=marker)]
    report = _load(base_db, rows)
    assert sorted(_problems(report)) == [(3, "language", None), (3, "participant_id", None)]
    assert all(p.reason == "a value is required" for p in report.problems)


def test_attendance_accepts_thousands_separators_and_whole_decimals(base_db: Path) -> None:
    """'1,234' and '12.0' are whole numbers; '-3' and '12.5' are refused."""
    header = ("event_id", "event_date", "host_partner_id", "event_type", "attendance")
    good = [header, ("A1", "2024-01-01", "HYC", "workshop", "1,234"), ("A2", "2024-01-01", "HYC", "workshop", "12.0")]
    assert _load(base_db, good, name="ev.csv").ok
    assert sql(base_db, "select event_id, attendance from events where event_id like 'A%' order by 1") == [
        ("A1", 1234),
        ("A2", 12),
    ]
    bad = [header, ("B1", "2024-01-01", "HYC", "workshop", "-3"), ("B2", "2024-01-01", "HYC", "workshop", "12.5")]
    report = _load(base_db, bad, name="ev2.csv")
    assert _problems(report) == [(2, "attendance", "-3"), (3, "attendance", "12.5")]


@pytest.mark.parametrize("partner_id", ["HYC 1", "a" * 33, "機構", "x/y"])
def test_a_partner_id_outside_the_allowed_characters_is_refused(empty_db: Path, partner_id: str) -> None:
    """Partner ids are 1-32 letters, digits, '_' or '-'."""
    report = _load(empty_db, [("partner_id", "name"), (partner_id, "Somewhere")], name="p.csv")
    assert _problems(report) == [(2, "partner_id", partner_id)]


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("2024-03-15", date(2024, 3, 15)),
        ("2024-3-5", date(2024, 3, 5)),
        ("2024/3/15", date(2024, 3, 15)),
        ("3/15/2024", date(2024, 3, 15)),
        ("03/05/2024", date(2024, 3, 5)),
        ("2/29/2024", date(2024, 2, 29)),
        (TODAY.isoformat(), TODAY),
    ],
)
def test_each_contract_date_format_is_read(base_db: Path, written: str, stored: date) -> None:
    """YYYY-MM-DD, YYYY/M/D and US M/D/YYYY are read as the same calendar day."""
    row = list(builders.engagement(1))
    row[1] = written
    assert _load(base_db, [HEADER, row]).ok
    assert sql(base_db, "select engaged_on from engagements") == [(stored,)]


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("2024-02-30", "2024-02 has no day 30"),
        ("2023-02-29", "2023-02 has no day 29"),
        ("2/30/2024", "2024-02 has no day 30"),
        ("15/3/2024", "no month 15"),
        ("2024-13-01", "no month 13"),
        ("20240315", "is not a date"),
        ("March 15, 2024", "is not a date"),
        ("15.03.2024", "is not a date"),
        ("2024-03-15T10:00", "is not a date"),
    ],
)
def test_an_impossible_or_unknown_date_is_refused_at_its_line(base_db: Path, written: str, reason: str) -> None:
    """2024-02-30, day-first dates and other formats are problems naming the line and column."""
    bad = list(builders.engagement(3))
    bad[1] = written
    report = _load(base_db, [HEADER, builders.engagement(1), builders.engagement(2), bad])
    assert _problems(report) == [(4, "engaged_on", written)]
    assert reason in report.problems[0].reason


def test_a_contact_after_today_is_refused_but_today_is_fine(base_db: Path) -> None:
    """A contact dated tomorrow is in the future; one dated today is accepted."""
    rows = [HEADER, builders.engagement(1, day=TODAY), builders.engagement(2, day=TODAY + timedelta(days=1))]
    report = _load(base_db, rows)
    assert _problems(report) == [(3, "engaged_on", (TODAY + timedelta(days=1)).isoformat())]
    assert "after today" in report.problems[0].reason


def test_an_event_may_be_planned_in_the_future(base_db: Path) -> None:
    """The contract limits contact dates, not event dates: a planned event loads."""
    rows = [("event_id", "event_date", "host_partner_id", "event_type"), ("F1", "2099-01-01", "HYC", "workshop")]
    assert _load(base_db, rows, name="future.csv").ok


# ------------------------------------------------------------ duplicates, references


def test_an_engagement_id_twice_for_one_partner_in_a_file_is_refused(base_db: Path) -> None:
    """The second row with the same (partner, id) is a problem pointing at the first."""
    rows = [HEADER, builders.engagement(1), builders.engagement(2), builders.engagement(1, person="other")]
    report = _load(base_db, rows)
    assert _problems(report) == [(4, "engagement_id", "E1")]
    assert "first on line 2" in report.problems[0].reason


def test_the_same_engagement_id_at_two_partners_is_fine(base_db: Path) -> None:
    """Engagement ids are unique within their partner only."""
    assert _load(base_db, [HEADER, builders.engagement(1), builders.engagement(1, partner="CLA")]).ok


def test_an_engagement_already_stored_is_a_conflict_naming_its_batch(base_db: Path) -> None:
    """A row whose (partner, id) is stored by an earlier batch makes the file a conflict."""
    first = _load(base_db, [HEADER, builders.engagement(1), builders.engagement(2)])
    again = _load(base_db, [HEADER, builders.engagement(3), builders.engagement(2, person="x")], name="again.csv")
    assert _problems(again) == [(3, "engagement_id", "E2")]
    assert f"batch {first.batch_id}" in again.problems[0].reason
    assert sql(base_db, "select count(*) from engagements") == [(2,)]


@pytest.mark.parametrize(
    ("kind", "rows", "column"),
    [
        ("partners", [("partner_id", "name"), ("NEW", "a"), ("NEW", "b")], "partner_id"),
        (
            "events",
            [("event_id", "event_date", "host_partner_id", "event_type")] + [("X", "2024-01-01", "HYC", "other")] * 2,
            "event_id",
        ),
    ],
)
def test_partner_and_event_ids_twice_in_a_file_are_refused(base_db: Path, kind: str, rows: list, column: str) -> None:
    """Partner ids and event ids are unique in their file."""
    assert _problems(_load(base_db, rows, name=f"{kind}.csv")) == [(3, column, rows[2][0])]


def test_partner_and_event_ids_already_stored_are_conflicts(base_db: Path) -> None:
    """Loading a stored partner or event id again is refused with how to correct it."""
    partners = _load(base_db, [("partner_id", "name"), ("HYC", "Again")], name="p2.csv")
    events = _load(
        base_db,
        [("event_id", "event_date", "host_partner_id", "event_type"), ("EV1", "2024-01-01", "HYC", "other")],
        name="e2.csv",
    )
    assert _problems(partners) == [(2, "partner_id", "HYC")]
    assert _problems(events) == [(2, "event_id", "EV1")]
    assert "undo that batch" in partners.problems[0].reason


def test_references_to_unknown_partners_and_events_are_refused(base_db: Path) -> None:
    """An engagement's partner and event must be stored already."""
    rows = [HEADER, builders.engagement(1, partner="NOPE"), builders.engagement(2, event="EV404")]
    assert sorted(_problems(_load(base_db, rows))) == [(2, "partner_id", "NOPE"), (3, "event_id", "EV404")]


@pytest.mark.parametrize(
    ("row", "column", "value"),
    [
        (builders.engagement(5, person="someone else"), "engagement_id", "E5"),  # twice in the file
        (builders.engagement(2, person="someone else"), "engagement_id", "E2"),  # stored by the first batch
        (builders.engagement(7, partner="NOPE"), "partner_id", "NOPE"),
        (builders.engagement(7, event="EV404"), "event_id", "EV404"),
        ((*builders.engagement(7), "NOPE"), "referred_by_partner_id", "NOPE"),
    ],
)
def test_the_engine_guards_the_contacts_table_which_has_no_keys(
    base_db: Path, row: tuple[str, ...], column: str, value: str
) -> None:
    """`engagements` holds no primary, unique or foreign key (schema.sql): a contact twice for its partner in
    the file or already stored for it, an unknown partner, event or referring partner is refused by the
    engine, by line and column, and nothing of the file is stored."""
    kinds = sql(base_db, "select distinct constraint_type from duckdb_constraints() where table_name = 'engagements'")
    assert {kind for (kind,) in kinds} == {"NOT NULL", "CHECK"}
    header = (*HEADER, "referred_by_partner_id")
    first = _load(base_db, [header, (*builders.engagement(1), ""), (*builders.engagement(2), "")])
    assert first.ok, _problems(first)
    report = _load(base_db, [header, (*builders.engagement(5), ""), row if len(row) == len(header) else (*row, "")])
    assert _problems(report) == [(3, column, value)] and report.batch_id is None
    assert sql(base_db, "select partner_id, engagement_id, batch_id from engagements order by all") == [
        ("HYC", "E1", first.batch_id),
        ("HYC", "E2", first.batch_id),
    ]
    assert _batches(base_db) == 3


def test_an_event_host_and_co_hosts_must_be_known_and_a_co_host_is_not_the_host(base_db: Path) -> None:
    """Unknown host, unknown co-host and the host listed as its own co-host are each a problem."""
    header = ("event_id", "event_date", "host_partner_id", "co_host_partner_ids", "event_type")
    rows = [
        header,
        ("H1", "2024-01-01", "ZZZ", "", "workshop"),
        ("H2", "2024-01-01", "HYC", "CLA;GHOST", "workshop"),
        ("H3", "2024-01-01", "HYC", "HYC", "workshop"),
    ]
    report = _load(base_db, rows, name="hosts.csv")
    assert _problems(report) == [
        (2, "host_partner_id", "ZZZ"),
        (3, "co_host_partner_ids", "GHOST"),
        (4, "co_host_partner_ids", "HYC"),
    ]
    assert "is the host" in report.problems[2].reason


def test_co_hosts_are_stored_as_a_list_and_one_row_each(base_db: Path) -> None:
    """'CLA; SSE' (either semicolon, spaces allowed) becomes two co-host rows of the event."""
    header = ("event_id", "event_date", "host_partner_id", "co_host_partner_ids", "event_type")
    assert _load(base_db, [header, ("C1", "2024-01-01", "HYC", "CLA； SSE ;", "workshop")], name="c.csv").ok
    assert sql(base_db, "select co_host_partner_ids from events where event_id = 'C1'") == [(["CLA", "SSE"],)]
    assert sql(base_db, "select partner_id from event_cohosts where event_id = 'C1' order by 1") == [
        ("CLA",),
        ("SSE",),
    ]


def test_an_events_file_without_a_co_host_column_loads(base_db: Path) -> None:
    """The optional list column may be left out entirely (this used to crash the engine)."""
    rows = [("event_id", "event_date", "host_partner_id", "event_type"), ("N1", "2024-01-01", "HYC", "outreach")]
    assert _load(base_db, rows, name="n.csv").ok
    assert sql(base_db, "select co_host_partner_ids, languages from events where event_id = 'N1'") == [(None, None)]


# ----------------------------------------------------------------- file as a whole


def test_every_problem_is_counted_and_at_least_200_listed(base_db: Path) -> None:
    """A file with 250 bad dates lists the first 200 and counts all 250."""
    rows = [HEADER]
    for number in range(250):
        row = list(builders.engagement(number))
        row[1] = "someday"
        rows.append(tuple(row))
    report = _load(base_db, rows)
    assert (report.problem_count, len(report.problems)) == (250, ingest.MAX_LISTED_PROBLEMS)
    assert report.problems[0].line == 2 and report.problems[-1].line == 201


def test_a_rejected_file_stores_nothing(base_db: Path) -> None:
    """One bad row among good ones: no rows, no batch."""
    rows = [HEADER, *[builders.engagement(n) for n in range(50)], builders.engagement(99, partner="NOPE")]
    report = _load(base_db, rows)
    assert not report.ok and report.batch_id is None
    assert sql(base_db, "select count(*) from engagements") == [(0,)]
    assert _batches(base_db) == 2


def test_an_identical_file_is_refused_until_its_batch_is_undone(base_db: Path) -> None:
    """Same SHA-256 as a loaded batch: refused, naming the batch; after undo it loads again."""
    rows = [HEADER, builders.engagement(1)]
    first = _load(base_db, rows)
    again = _load(base_db, rows, name="renamed.csv")
    assert not again.ok
    assert f"already loaded as batch {first.batch_id}" in again.problems[0].reason
    ingest.undo_batch(first.batch_id, database=base_db, by="tester")
    assert _load(base_db, rows).ok


def test_each_accepted_file_is_one_batch_with_its_facts(base_db: Path) -> None:
    """The batch row holds kind, file name, SHA-256, row count, who, encoding and delimiter."""
    data = builders.csv_bytes([HEADER, builders.engagement(1), builders.engagement(2)], ";", "gb18030")
    report = ingest.process(data, "contacts.csv", database=base_db, by="Ana", store=True, today=TODAY)
    row = sql(
        base_db,
        "select kind, file_name, sha256, row_count, loaded_by, encoding, delimiter, status from batches "
        "where batch_id = $b",
        {"b": report.batch_id},
    )
    assert row == [
        ("engagements", "contacts.csv", hashlib.sha256(data).hexdigest(), 2, "Ana", "UTF-8", "semicolon", "loaded")
    ]
    assert sql(base_db, "select distinct batch_id from engagements") == [(report.batch_id,)]


def test_a_dry_run_checks_everything_and_stores_nothing(base_db: Path) -> None:
    """store=False reports the rows it would load and leaves the database as it was."""
    report = ingest.process(builders.csv_bytes([HEADER, builders.engagement(1)]), "d.csv", database=base_db)
    assert (report.ok, report.row_count, report.batch_id) == (True, 1, None)
    assert sql(base_db, "select count(*) from engagements") == [(0,)] and _batches(base_db) == 2


def test_mixed_line_breaks_and_rows_of_empty_cells_are_read(base_db: Path) -> None:
    """CRLF and LF in one file are fine, and ',,,,' rows Excel leaves behind are skipped with a warning."""
    text = builders.csv_text([HEADER, builders.engagement(1)]).replace("\n", "\r\n")
    text += builders.csv_text([builders.engagement(2)]) + ",,,,,,,,,\n"
    report = ingest.process(text.encode(), "mixed.csv", database=base_db, store=True, today=TODAY)
    assert (report.ok, report.row_count) == (True, 2), [str(p) for p in report.problems]
    assert [str(w) for w in report.warnings] == ["skipped 1 row with every cell empty"]


def test_a_row_with_too_many_fields_is_listed_once_with_advice(base_db: Path) -> None:
    """Broken structure is reported per line, once, before any value is checked."""
    text = builders.csv_text([HEADER, builders.engagement(1)]) + "E2,2024-01-01,HYC,p,English,,,,,x,y,z\n"
    report = ingest.process(text.encode(), "broken.csv", database=base_db, store=True, today=TODAY)
    assert report.problem_count == 1
    assert report.problems[0].line == 3 and "more than the header's 10 fields" in report.problems[0].reason


def test_the_size_limit_refuses_a_larger_file_with_a_plain_message(
    base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With IMPACT_MAX_UPLOAD_MB=1 a 1.5 MB file is refused, saying both sizes and what to do."""
    monkeypatch.setenv("IMPACT_MAX_UPLOAD_MB", "1")
    path = tmp_path / "big.csv"
    path.write_bytes(b"x" * (3 * 2**19))
    report = ingest.process(path, database=base_db, store=True)
    assert [p.reason for p in report.problems] == [
        "the file is 1.5 MB; the limit is 1 MB. Split it (by year or by partner) and load the parts."
    ]
    assert _batches(base_db) == 2


def test_the_default_size_limit_is_200_mb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without IMPACT_MAX_UPLOAD_MB the limit is 200 MB."""
    monkeypatch.delenv("IMPACT_MAX_UPLOAD_MB", raising=False)
    assert config.max_upload_bytes() == 200 * 2**20


# ---------------------------------------------------------------------------- undo


def test_undo_removes_the_batch_rows_and_marks_it_undone(base_db: Path) -> None:
    """Undo deletes exactly the batch's rows and records who undid it."""
    keep = _load(base_db, [HEADER, builders.engagement(1)], name="keep.csv")
    drop = _load(base_db, [HEADER, builders.engagement(2), builders.engagement(3)], name="drop.csv")
    result = ingest.undo_batch(drop.batch_id, database=base_db, by="Ana")
    assert (result.rows_removed, result.kind) == (2, "engagements")
    assert sql(base_db, "select batch_id, count(*) from engagements group by 1") == [(keep.batch_id, 1)]
    assert sql(base_db, "select status, undone_by from batches where batch_id = $b", {"b": drop.batch_id}) == [
        ("undone", "Ana")
    ]


def test_undo_of_events_removes_their_co_hosts(base_db: Path) -> None:
    """Undoing an events batch also removes its co-host rows."""
    events_batch = sql(base_db, "select batch_id from batches where kind = 'events'")[0][0]
    assert sql(base_db, "select count(*) from event_cohosts") == [(3,)]
    ingest.undo_batch(events_batch, database=base_db)
    assert sql(base_db, "select count(*) from events") == [(0,)]
    assert sql(base_db, "select count(*) from event_cohosts") == [(0,)]


def test_undo_is_refused_while_other_batches_depend_on_it(base_db: Path) -> None:
    """Partners with events, and events with contacts, name the dependent batches to undo first."""
    contacts = _load(base_db, [HEADER, builders.engagement(1, event="EV1")])
    events_batch = sql(base_db, "select batch_id from batches where kind = 'events'")[0][0]
    with pytest.raises(ingest.UndoRefused, match=f"batch {contacts.batch_id} \\(engagements\\)"):
        ingest.undo_batch(events_batch, database=base_db)
    with pytest.raises(ingest.UndoRefused, match="Undo those first"):
        ingest.undo_batch(1, database=base_db)
    assert sql(base_db, "select count(*) from events") == [(3,)]


def test_undo_twice_or_of_an_unknown_batch_is_refused(base_db: Path) -> None:
    """A batch can be undone once; a batch number that does not exist is named."""
    report = _load(base_db, [HEADER, builders.engagement(1)])
    ingest.undo_batch(report.batch_id, database=base_db)
    with pytest.raises(ingest.UndoRefused, match="already undone"):
        ingest.undo_batch(report.batch_id, database=base_db)
    with pytest.raises(ingest.UndoRefused, match="there is no batch 999"):
        ingest.undo_batch(999, database=base_db)


# ------------------------------------------------------------------ pseudonymisation


def test_the_key_file_is_created_on_first_use_readable_by_the_owner_only(empty_db: Path) -> None:
    """The key lives beside the database (not in it) with mode 0600, and is reused afterwards."""
    key_file = config.key_path(empty_db)
    assert not key_file.exists()
    builders.load_base(empty_db)
    assert key_file.parent == empty_db.parent and key_file != empty_db
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    before = key_file.read_bytes()
    _load(empty_db, [HEADER, builders.engagement(1)])
    assert key_file.read_bytes() == before


def test_the_key_file_is_ignored_by_git() -> None:
    """The default key file (data/coalition.pseudonym.key) can never be committed."""
    if not (config.PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    default_key = config.key_path(config.DEFAULT_DB).relative_to(config.PROJECT_ROOT)
    checked = subprocess.run(["git", "check-ignore", "-q", str(default_key)], cwd=config.PROJECT_ROOT, check=False)
    assert checked.returncode == 0


def test_participant_keys_are_the_hmac_of_the_ids_and_match_across_files(base_db: Path) -> None:
    """The stored key is the first 64 bits of HMAC-SHA256(key file, raw id); the same person matches."""
    _load(base_db, [HEADER, builders.engagement(1, person="陳大文-001")])
    _load(base_db, [HEADER, builders.engagement(1, person="陳大文-001", partner="CLA")], name="second.csv")
    key = bytes.fromhex(config.key_path(base_db).read_text().strip())
    expected = int.from_bytes(hmac.new(key, "陳大文-001".encode(), hashlib.sha256).digest()[:8], "big")
    assert sql(base_db, "select distinct participant_key from engagements") == [(expected,)]
    assert pseudonym.participant_key(key, "陳大文-001") == expected


def test_raw_participant_ids_are_nowhere_in_the_database_file(base_db: Path) -> None:
    """The bytes of the database file hold the service text of each row but no raw participant id."""
    people = [f"RAW-ID-{n:04d}-7f3a" for n in range(300)]
    rows = [HEADER] + [
        builders.engagement(n, person=person, service=f"CONTROL-TEXT-{n:04d}") for n, person in enumerate(people)
    ]
    assert _load(base_db, rows).ok
    db.close(base_db)  # checkpoint: everything is in the file itself
    stored = base_db.read_bytes()
    wal = Path(f"{base_db}.wal")
    if wal.exists():
        stored += wal.read_bytes()
    assert b"CONTROL-TEXT-0123" in stored  # the check can see stored text
    assert b"RAW-ID-" not in stored
    assert "RAW-ID-".encode("utf-16-le") not in stored


def test_a_damaged_key_file_is_refused_rather_than_replaced(empty_db: Path) -> None:
    """A key of the wrong length stops the load with a message; it is never silently recreated."""
    key_file = config.key_path(empty_db)
    key_file.write_text("abcd\n")
    os.chmod(key_file, 0o600)
    with pytest.raises(ValueError, match="damaged"):
        builders.load_base(empty_db)
    assert key_file.read_text() == "abcd\n"


@pytest.mark.parametrize(
    "raw", ["p1", "陳大文-001", "x,y;\"z'", " spaced ", "Ñandú", "a" * 200, "😀", "line\nbreak", "0"]
)
def test_the_sql_keyed_hash_equals_python_hmac(empty_db: Path, raw: str) -> None:
    """The engine hashes ids in SQL; for any text it gives the first 64 bits of HMAC-SHA256, as Python does."""
    key = bytes(range(32))
    statement = f"select {pseudonym.sql_expression('$raw')} as k"
    stored = db.run_sql(statement, {"raw": raw, **pseudonym.sql_parameters(key)}, db=empty_db)["k"][0]
    assert int(stored) == pseudonym.participant_key(key, raw)
    assert int(stored) == int.from_bytes(hmac.new(key, raw.encode(), hashlib.sha256).digest()[:8], "big")


def test_two_first_loads_at_once_share_one_key(tmp_path: Path) -> None:
    """Eight threads creating the key file at the same moment all get the same, whole key."""
    path = tmp_path / "race.pseudonym.key"
    start = threading.Barrier(8)

    def create(_: int) -> bytes:
        start.wait()
        return pseudonym.load_or_create_key(path)

    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(create, range(8)))
    assert keys == {bytes.fromhex(path.read_text().strip())}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no drafts left behind

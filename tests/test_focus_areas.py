"""partners.focus_areas: read against the contract's controlled list (vocab.FOCUS_AREAS) and its aliases;
a field off the list is kept as written, with a warning naming the line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact import ingest, labels, upload, vocab
from tests import builders
from tests.conftest import sql

HEADER = ("partner_id", "name", "focus_areas")


def _load(database: Path, rows: list, header=HEADER, encoding: str = "utf-8"):
    data = builders.csv_bytes([header, *rows], encoding=encoding)
    return ingest.process(data, "partners.csv", database=database, by="test", store=True)


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("youth safety; mentoring; School Safety", ["youth"]),
        ("Seniors;scam prevention;wellness checks", ["elders", "scam_prevention", "health"]),
        ("hate incident reporting; Stop Asian Hate", ["anti_hate"]),
        ("victim support;crisis response", ["victim_services", "crisis_response"]),
        ("tenant rights; legal aid", ["housing", "legal_services"]),
        ("know your rights；newcomer services；language access", ["immigrant_rights", "language_access"]),
        ("merchant safety;neighborhood safety;family safety", ["small_business", "community_safety", "families"]),
        ("長者;防騙;青少年;反仇恨", ["elders", "scam_prevention", "youth", "anti_hate"]),
        (
            "Civic Engagement;economic justice;violence prevention",
            ["civic_engagement", "economic_justice", "violence_prevention"],
        ),
    ],
)
def test_focus_areas_are_stored_as_the_contracts_fields(empty_db: Path, written: str, stored: list[str]) -> None:
    """Partners' own words (English or Chinese, any case, either semicolon) become the list's fields, once each."""
    report = _load(empty_db, [("P1", "Partner One", written)])
    assert report.ok and report.warnings == [], [str(w) for w in report.warnings]
    assert sql(empty_db, "select focus_areas from partners") == [(stored,)]


def test_a_field_off_the_list_is_kept_as_written_with_a_warning(empty_db: Path) -> None:
    """'Bridge  building' is stored as 'Bridge building'; the warning names its line, column and rows."""
    report = _load(
        empty_db,
        [("P1", "One", "youth"), ("P2", "Two", "elders;Bridge  building"), ("P3", "Three", "elders;Bridge  building")],
    )
    assert report.ok
    assert [(w.line, w.column, w.value) for w in report.warnings] == [(3, "focus_areas", "elders;Bridge  building")]
    assert (
        report.warnings[0].reason
        == "'Bridge  building' is not one of the contract's focus areas; kept as written (2 rows)"
    )
    assert sql(empty_db, "select partner_id, focus_areas from partners order by 1") == [
        ("P1", ["youth"]),
        ("P2", ["elders", "Bridge building"]),
        ("P3", ["elders", "Bridge building"]),
    ]


def test_chinese_headers_in_a_big5_file_read_the_focus_areas(empty_db: Path) -> None:
    """服務範疇 in a Big5 file: the areas are read as the list's fields."""
    report = _load(
        empty_db,
        [("P1", "海港青年中心", "青年;暴力預防")],
        header=("機構編號", "機構名稱", "服務範疇"),
        encoding="big5",
    )
    assert report.encoding == "Big5" and report.ok
    assert sql(empty_db, "select focus_areas from partners") == [(["youth", "violence_prevention"],)]


def test_every_field_has_a_label_and_no_alias_names_two_fields() -> None:
    """Each field of the list reads as a label; an alias (spelling-blind) means one field only."""
    assert set(labels.FOCUS_AREA) == set(vocab.FOCUS_AREAS)
    assert set(vocab.FOCUS_AREA_ALIASES) <= set(vocab.FOCUS_AREAS)
    meaning: dict[str, set[str]] = {}
    for field in vocab.FOCUS_AREAS:
        meaning.setdefault(vocab.norm_key(field), set()).add(field)
        for alias in vocab.FOCUS_AREA_ALIASES.get(field, ()):
            meaning.setdefault(vocab.norm_key(alias), set()).add(field)
    assert {key: fields for key, fields in meaning.items() if len(fields) > 1} == {}


def test_the_data_dictionary_lists_the_fields_and_their_other_spellings() -> None:
    """The Upload page's dictionary row for focus_areas names every field and the aliases read as them."""
    row = upload.data_dictionary("partners").set_index("Column").loc["focus_areas"]
    for field in vocab.FOCUS_AREAS:
        assert labels.english_label("focus_area", field) in row["Accepted values"]
    assert "hate incident reporting" in row["Other spellings accepted"]


def test_the_fixture_partners_focus_areas_are_all_on_the_list(fixture_db: Path) -> None:
    """tests/fixtures/csv/partners.csv: every partner's words are read as fields of the list (the fixture files
    load without warnings); Chinatown Legal Aid's three words are three fields."""
    stored = dict(sql(fixture_db, "select partner_id, focus_areas from partners"))
    assert stored["CLA"] == ["legal_services", "immigrant_rights", "housing"]
    assert stored["RBA"] == ["civic_engagement", "language_access", "immigrant_rights"]
    assert {a for areas in stored.values() for a in areas} <= set(vocab.FOCUS_AREAS)


@pytest.mark.parametrize(
    ("kind", "lookup"), [("focus_area", vocab.FOCUS_AREA_LOOKUP), ("staff_role", vocab.STAFF_ROLE_LOOKUP)]
)
def test_each_english_label_is_read_as_its_value(kind: str, lookup: dict[str, str]) -> None:
    """The data dictionary shows labels (Anti-hate response, Case management); a file may write them."""
    values = labels.KINDS[kind][0]
    assert all(lookup[vocab.norm_key(labels.english_label(kind, v))] == v for v in values)

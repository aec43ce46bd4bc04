"""Every sample file in tests/fixtures/csv gives the outcome its expected.json states."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact import ingest
from tests.conftest import EXPECTED, FIXTURES, sql

BASE = ["partners.csv", "events.csv"]


def _prepare(path: Path, name: str) -> None:
    for base in BASE:
        if base != name:
            ingest.process(FIXTURES / base, database=path, by="fixture", store=True)


@pytest.mark.parametrize("case", EXPECTED, ids=[c["file"] for c in EXPECTED])
def test_each_fixture_file_gives_its_expected_outcome(empty_db: Path, case: dict) -> None:
    """A fixture file is loaded with its row count, or rejected naming its line and column."""
    if case["file"] == "events.csv":
        ingest.process(FIXTURES / "partners.csv", database=empty_db, by="fixture", store=True)
    elif case["file"] != "partners.csv":
        _prepare(empty_db, case["file"])
    before = sql(empty_db, "select count(*) from batches")[0][0]
    report = ingest.process(FIXTURES / case["file"], database=empty_db, by="fixture", store=True)
    expect = case["expect"]
    if expect == "ok":
        assert report.ok, [str(p) for p in report.problems]
        assert report.kind == case["kind"]
        assert report.row_count == case["rows"]
        stored = sql(empty_db, f"select count(*) from {case['kind']} where batch_id = $b", {"b": report.batch_id})
        assert stored[0][0] == case["rows"]
        return
    assert not report.ok
    assert report.batch_id is None
    assert sql(empty_db, "select count(*) from batches")[0][0] == before, "a rejected file must store nothing"
    if case["kind"]:
        assert report.kind == case["kind"]
    first = report.problems[0]
    assert first.line == expect["line"]
    assert first.column == expect["column"]
    assert str(first).startswith(
        f"line {expect['line']}" if expect["line"] else (f"column {expect['column']}" if expect["column"] else "")
    )


def test_big5_file_is_stored_as_readable_chinese_normalised_to_contract_values(empty_db: Path) -> None:
    """Big5 bytes are detected, and 廣東話 / 華埠 are stored as Cantonese / Chinatown."""
    _prepare(empty_db, "engagements_big5.csv")
    report = ingest.process(FIXTURES / "engagements_big5.csv", database=empty_db, by="t", store=True)
    assert report.encoding == "Big5"
    rows = dict(sql(empty_db, "select language, count(*) from engagements group by 1"))
    assert set(rows) == {"Cantonese", "Mandarin", "English"}
    assert sql(empty_db, "select distinct neighborhood from engagements") == [("Chinatown",)]


def test_semicolon_and_bom_files_are_detected(empty_db: Path) -> None:
    """The semicolon file and the UTF-8-with-BOM file are read with the right settings."""
    _prepare(empty_db, "x")
    semi = ingest.process(FIXTURES / "engagements_semicolon.csv", database=empty_db, by="t")
    bom = ingest.process(FIXTURES / "engagements_utf8_bom.csv", database=empty_db, by="t")
    assert (semi.delimiter, semi.ok) == (";", True)
    assert (bom.encoding, bom.ok) == ("UTF-8 (with BOM)", True)
    assert bom.columns[0].column == "engagement_id"

"""Findings 7 and 8 (stored names): a column limit before any work per column, the header read
whole, and no control characters in stored values."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from impact import config, contract, ingest, upload
from impact.ingest.messages import CONTROL_CHARACTER, TOO_MANY_COLUMNS
from tests import builders
from tests.conftest import sign_in_as, sql

WIDE_COLUMNS = 10_000


def wide_file(columns: int = WIDE_COLUMNS) -> bytes:
    """A partners file with thousands of extra columns (about 129 KB at 10,000: its header alone is longer
    than 65,536 characters)."""
    header = ["partner_id", "name", *(f"extra column {n}" for n in range(columns - 2))]
    row = ["P1", "Partner", *("" for _ in range(columns - 2))]
    return builders.csv_bytes([header, row])


def test_a_header_wider_than_the_limit_is_refused_quickly_and_names_its_true_width(empty_db: Path) -> None:
    """10,000 columns: one problem naming 10,000 (the header was cut at 65,536 characters) within seconds
    (the check took 82 s)."""
    data = wide_file()
    assert len(data) > 65_536
    started = time.perf_counter()
    report = ingest.process(data, "wide.csv", database=empty_db)
    elapsed = time.perf_counter() - started
    assert not report.ok and report.problem_count == 1
    (problem,) = report.problems
    assert problem.template == TOO_MANY_COLUMNS and problem.line == 1
    assert "has 10,000 columns" in problem.reason and f"at most {contract.MAX_COLUMNS}" in problem.reason
    assert elapsed < 5, elapsed


def test_a_header_longer_than_65536_characters_is_read_whole() -> None:
    """Every cell of a long header row is read, so a file of up to 500 columns is checked as it is."""
    header = ["partner_id", "name", *(f"a long explanatory column heading number {n:04d}" for n in range(480))]
    text = builders.csv_text([header, ["P1", "Partner", *([""] * 480)]])
    assert len(text.splitlines()[0]) > 20_000
    assert upload.read_header(text.encode("utf-8")) == header
    long_cells = ["partner_id", "name", *("x" * 200 + str(n) for n in range(400))]
    assert upload.read_header(builders.csv_bytes([long_cells, ["P1", "N", *([""] * 400)]])) == long_cells


def test_a_file_at_the_limit_is_still_checked(empty_db: Path) -> None:
    """500 columns pass the limit; the extra ones are ignored with warnings, as before."""
    report = ingest.process(wide_file(contract.MAX_COLUMNS), "w.csv", database=empty_db)
    assert report.ok and report.row_count == 1
    assert len(report.warnings) == contract.MAX_COLUMNS - 2


def test_the_upload_page_draws_no_selector_per_column_for_a_too_wide_file(empty_db: Path, accounts: dict) -> None:
    """It says the file is too wide instead of drawing thousands of column choices (6,060 before)."""
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=120)
    sign_in_as(at, accounts["analyst"])
    at.run()
    at.switch_page("pages/6_upload.py").run()
    uploader = at.file_uploader[0]
    uploader.upload("wide.csv", wide_file(), "text/csv")
    started = time.perf_counter()
    at.run()
    assert time.perf_counter() - started < 30
    assert not at.exception
    assert len(at.selectbox) < 10
    shown = " ".join(e.value for e in at.error) + " ".join(frame.value.to_csv() for frame in at.dataframe)
    assert "10,000 columns" in shown


@pytest.mark.parametrize(
    ("name", "character"),
    [("NUL", "\x00"), ("escape", "\x1b"), ("bell", "\x07"), ("right-to-left override", "\u202e"), ("tab", "\t")],
)
def test_a_name_with_a_control_character_is_refused_with_its_line_and_column(
    empty_db: Path, name: str, character: str
) -> None:
    """NUL, escape, direction marks and tabs never reach a stored partner name: the file is refused."""
    rows = [("partner_id", "name"), ("P1", "Good name"), ("P2", f"Bad{character}name")]
    report = ingest.process(builders.csv_bytes(rows), "p.csv", database=empty_db, store=True)
    assert not report.ok, name
    problem = next(p for p in report.problems if p.template == CONTROL_CHARACTER)
    assert (problem.line, problem.column, problem.value) == (3, "name", "Bad\ufffdname")
    assert "control character" in problem.message.translated()
    assert sql(empty_db, "select count(*) from partners") == [(0,)]


def test_free_text_that_is_never_shown_may_keep_tabs_and_line_breaks_but_no_nul(base_db: Path) -> None:
    """An event title may span lines (as before); a NUL in it is refused."""
    header = ("event_id", "event_date", "host_partner_id", "event_type", "title")
    good = [header, ("EV9", "2024-05-01", "HYC", "workshop", "Line one\nline two\twith a tab")]
    assert ingest.process(builders.csv_bytes(good), "e.csv", database=base_db, store=True).ok
    bad = [header, ("EV10", "2024-05-01", "HYC", "workshop", "Title\x00")]
    report = ingest.process(builders.csv_bytes(bad), "e2.csv", database=base_db, store=True)
    assert [(p.line, p.column) for p in report.problems if p.template == CONTROL_CHARACTER] == [(2, "title")]


def test_a_participant_id_with_a_control_character_is_reported_without_its_value(base_db: Path) -> None:
    """Participant ids are never shown, not even in a problem."""
    rows = [builders.ENGAGEMENT_HEADER, builders.engagement(1, person="P\x00-1")]
    report = ingest.process(builders.csv_bytes(rows), "g.csv", database=base_db)
    problem = next(p for p in report.problems if p.template == CONTROL_CHARACTER)
    assert (problem.column, problem.value) == ("participant_id", None)


def test_a_survey_comment_may_span_lines_but_a_milestone_title_may_not(empty_db: Path) -> None:
    """Which columns are prose depends on the kind: a community member's comment written over two
    lines loads as written; a milestone's title (drawn on the public page's charts) with a line
    break is refused, naming its line and column, while its description may span lines."""
    from tests.goal_builders import MILESTONES, SURVEY_HEADER, survey

    builders.load_base(empty_db)
    comment = "The workshop helped.\nPlease hold it\tin Toisanese too."
    report = ingest.process(
        builders.csv_bytes([SURVEY_HEADER, survey(1, comment=comment)]), "s.csv", database=empty_db, store=True
    )
    assert report.ok, [p.reason for p in report.problems]
    assert sql(empty_db, "select comment from surveys") == [(comment,)]

    header, first, *_ = MILESTONES
    described = (*first[:5], "Testimony by elders\nand youth", *first[6:])
    assert ingest.process(builders.csv_bytes([header, described]), "m.csv", database=empty_db, store=True).ok
    titled = ("M9", "2024-04-01", "Budget hearing\nsecond day", *first[3:])
    report = ingest.process(builders.csv_bytes([header, titled]), "m2.csv", database=empty_db, store=True)
    assert [(p.line, p.column) for p in report.problems if p.template == CONTROL_CHARACTER] == [(2, "title")]

"""The surveys kind: one row per response, answers on a 1-5 scale or yes/no, languages read like contacts',
participant ids pseudonymised with the contacts' key, comments stored as written; every rule names
its line and column, and a file without an answer column is rejected whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact import ingest
from tests import builders
from tests.conftest import sql
from tests.goal_builders import SURVEY_HEADER, load, problems, survey


def test_a_surveys_file_is_stored_as_the_contract_says(base_db: Path) -> None:
    """Languages and neighborhoods normalised, yes/no as BOOLEAN, 1-5 as numbers, the comment as written."""
    comment = '  Staff spoke Toisanese, "thank you" 多謝!  '
    report = load(
        base_db,
        [
            SURVEY_HEADER,
            survey(1, language="廣東話", neighborhood="華埠", age_group="長者", comment=comment),
            survey(2, language="Putonghua", knows_help="否", recommend="", felt_safer="", event="EV1"),
        ],
    )
    assert report.ok and report.kind == "surveys", problems(report)
    rows = sql(
        base_db,
        """select response_id, language, neighborhood, age_group, felt_safer, knows_where_to_get_help,
            would_recommend, event_id, comment from surveys order by 1""",
    )
    assert rows == [
        ("R1", "Cantonese", "Chinatown", "65+", 4, True, True, None, comment.strip()),
        ("R2", "Mandarin", "Chinatown", "65+", None, False, None, "EV1", None),
    ]
    assert sql(base_db, "select typeof(would_recommend), typeof(felt_safer) from surveys limit 1") == [
        ("BOOLEAN", "TINYINT")
    ]


def test_a_participant_id_is_pseudonymised_with_the_contacts_key_and_never_stored(base_db: Path) -> None:
    """The same raw id gives the same participant_key as in engagements; the raw id is nowhere."""
    contacts = ingest.process(
        builders.csv_bytes([builders.ENGAGEMENT_HEADER, builders.engagement(1, person="P-777")]),
        "contacts.csv",
        database=base_db,
        by="test",
        store=True,
    )
    assert contacts.ok
    report = load(base_db, [SURVEY_HEADER, survey(1, person="P-777"), survey(2, person="")])
    assert report.ok, problems(report)
    assert sql(base_db, "select participant_key from surveys order by response_id") == [
        *sql(base_db, "select participant_key from engagements"),
        (None,),
    ]
    columns = [row[0] for row in sql(base_db, "select column_name from duckdb_columns() where table_name = 'surveys'")]
    assert "participant_id" not in columns and "participant_key" in columns


def test_every_rule_of_a_response_names_its_line_and_column(base_db: Path) -> None:
    """Answers outside 1-5, words that are not yes or no, a future date, unknown partner and event, a repeat."""
    report = load(
        base_db,
        [
            SURVEY_HEADER,
            survey(1, felt_safer="6", trusts="0", satisfied="4.5"),
            survey(2, knows_help="maybe", recommend="perhaps"),
            survey(3, day="2025-07-01", partner="NOPE", event="EV9"),
            survey(1),
        ],
    )
    assert problems(report) == [
        "line 2, column felt_safer: value '6' - is not a whole number from 1 to 5",
        "line 2, column satisfied: value '4.5' - is not a whole number from 1 to 5",
        "line 2, column trusts_organization: value '0' - is not a whole number from 1 to 5",
        "line 3, column knows_where_to_get_help: value 'maybe' - is not yes or no (write yes, no, y, n, true, false, "
        "1, 0, 是 or 否)",
        "line 3, column would_recommend: value 'perhaps' - is not yes or no (write yes, no, y, n, true, false, 1, 0, "
        "是 or 否)",
        "line 4, column event_id: value 'EV9' - is not a known event (load the events file first, or check the id)",
        "line 4, column partner_id: value 'NOPE' - is not a known partner (load the partners file first, or check "
        "the spelling)",
        "line 4, column responded_on: value '2025-07-01' - is after today (2025-06-30); a response cannot be in the "
        "future",
        "line 5, column response_id: value 'R1' - appears more than once in the file (first on line 2)",
    ]
    assert sql(base_db, "select count(*) from surveys") == [(0,)]


def test_a_response_without_any_answer_is_an_error_of_its_line(base_db: Path) -> None:
    """A row must answer something: a comment alone is an answer, nothing at all is not."""
    no_answer = survey(2, felt_safer="", knows_help="", trusts="", satisfied="", recommend="", comment="")
    comment_only = survey(3, felt_safer="", knows_help="NA", trusts="", satisfied="", recommend="", comment="ok")
    report = load(base_db, [SURVEY_HEADER, survey(1), no_answer, comment_only])
    assert problems(report) == [
        "line 3: the row has no answer; fill in at least one of: felt_safer, knows_where_to_get_help, "
        "trusts_organization, satisfied, would_recommend, comment"
    ]


def test_a_file_without_an_answer_column_is_rejected_whole_naming_the_columns_it_needs(base_db: Path) -> None:
    """One problem for the file, not one per row."""
    report = load(
        base_db,
        [("response_id", "responded_on", "partner_id", "language"), ("R1", "2024-01-01", "HYC", "English")],
        kind="surveys",
    )
    assert problems(report) == [
        "the file has none of the answer columns; it needs at least one of: felt_safer, knows_where_to_get_help, "
        "trusts_organization, satisfied, would_recommend, comment"
    ]


def test_chinese_headers_and_a_big5_file_load(base_db: Path) -> None:
    """A Traditional Chinese export in Big5, with Chinese headers and answers."""
    rows = [
        ("回應編號", "日期", "機構編號", "語言", "感到更安全", "知道去哪裡求助", "滿意", "意見"),
        ("Q1", "2024/3/5", "CLA", "台山話", "5", "是", "4", "工作人員說台山話，很親切"),
    ]
    report = ingest.process(
        builders.csv_bytes(rows, encoding="big5"), "問卷.csv", database=base_db, by="test", store=True
    )
    assert report.ok and report.kind == "surveys", problems(report)
    assert report.encoding == "Big5"
    assert sql(base_db, "select language, felt_safer, knows_where_to_get_help, satisfied, comment from surveys") == [
        ("Toisanese", 5, True, 4, "工作人員說台山話，很親切")
    ]


def test_events_and_partners_with_responses_are_undone_after_them(base_db: Path) -> None:
    """An events batch is blocked by responses at its events; the responses can always be undone."""
    report = load(base_db, [SURVEY_HEADER, survey(1, event="EV2", partner="CLA")])
    with pytest.raises(ingest.UndoRefused, match=f"batch {report.batch_id} \\(surveys\\)"):
        ingest.undo_batch(2, database=base_db)
    ingest.undo_batch(report.batch_id, database=base_db)
    ingest.undo_batch(2, database=base_db)

"""The community's voice in the core: answers broken down with their number of responses, small groups
never broken down, and what the public impact page may read (aggregates only, never a comment)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import db, goals, metrics, voice
from tests.conftest import sql
from tests.goal_builders import load_outcomes

YEAR = metrics.Scope(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def outcomes_db(fixture_db: Path) -> Path:
    load_outcomes(fixture_db)
    return fixture_db


def test_each_questions_answers_per_group_equal_sql_counts(outcomes_db: Path) -> None:
    """felt_safer by language: every count is the SQL count; n is the responses that answered."""
    table = voice.breakdown(voice.answers(YEAR), "felt_safer", "language", small=10)
    expected = sql(
        outcomes_db,
        """select language, felt_safer, count(*) from surveys
        where felt_safer is not null and responded_on between '2024-01-01' and '2024-12-31'
        group by all""",
    )
    shown = table[table["shown"] & (table["dimension"] == "language")].set_index("group_value")
    for language, answer, count in expected:
        if language in shown.index:
            assert shown.loc[language, f"count_{answer}"] == count
    totals = dict(sql(outcomes_db, "select language, count(felt_safer) from surveys group by language"))
    groups = table[table["dimension"] == "language"]
    assert dict(zip(groups["group_value"], groups["responses"].astype(int), strict=True)) == totals
    everyone = table.iloc[0]
    assert everyone["dimension"] == "all" and everyone["responses"] == sum(totals.values())


def test_a_group_with_as_few_responses_as_the_threshold_is_not_broken_down(outcomes_db: Path) -> None:
    """The one Vietnamese response keeps its number but not its answers; a narrow scope hides all."""
    table = voice.breakdown(voice.answers(YEAR), "would_recommend", "language", small=10)
    vietnamese = table[table["group_value"] == "Vietnamese"].iloc[0]
    assert vietnamese["responses"] == 1 and not vietnamese["shown"]
    assert pd.isna(vietnamese["count_yes"]) and pd.isna(vietnamese["share_yes"])
    narrow = voice.breakdown(voice.answers(metrics.Scope(date(2024, 1, 1), date(2024, 1, 20))), "satisfied", "partner")
    assert not narrow["shown"].any()


def _public_answers(start: date = date(2000, 1, 1), end: date = date(2100, 1, 1)) -> pd.DataFrame:
    """What the public page's report reads of the surveys (queries/public_survey_answers.sql)."""
    return db.run_query("public_survey_answers", start=start, end=end, partners=None)


def test_the_public_answers_are_the_coalitions_counts_per_year_question_and_answer(outcomes_db: Path) -> None:
    """The public page's survey answers equal SQL, and hold only year, question, answer, count."""
    found = _public_answers()
    assert list(found.columns) == ["year", "question", "answer", "responses"]
    scale = sql(
        outcomes_db,
        "select year(responded_on), trusts_organization::varchar, count(*) from surveys "
        "where trusts_organization is not null group by all",
    )
    by_key = {(y, q, a): n for y, q, a, n in found.itertuples(index=False)}
    assert {(y, "trusts_organization", a): n for y, a, n in scale} == {
        k: v for k, v in by_key.items() if k[1] == "trusts_organization"
    }
    yes = sql(outcomes_db, "select count(*) from surveys where would_recommend")[0][0]
    assert by_key[(2024, "would_recommend", "yes")] == yes
    assert set(found["question"]) == {q.key for q in voice.QUESTIONS}
    assert _public_answers(date(2023, 1, 1), date(2023, 12, 31)).empty


def test_nothing_the_public_page_reads_holds_a_comment_or_a_single_response(outcomes_db: Path) -> None:
    """No comment, description or id in the public functions' results; answers are counts of many."""
    comments = [c for (c,) in sql(outcomes_db, "select comment from surveys where comment is not null")]
    assert comments
    public = [_public_answers(), goals.public_milestones(date(2000, 1, 1), date(2100, 1, 1))]
    text = " ".join(str(v) for frame in public for v in frame.to_numpy().ravel())
    assert not any(comment in text for comment in comments)
    assert "Testimony by elders" not in text  # a milestone's description
    assert not any(f"R{n}" in text.split() for n in range(1, 200))  # no response id
    answers = public[0]
    assert (answers["responses"] > 0).all() and answers["responses"].dtype.kind == "i"
    total = sql(outcomes_db, "select count(*) from surveys where felt_safer is not null")[0][0]
    assert answers.loc[answers["question"] == "felt_safer", "responses"].sum() == total

"""The demo's targets, milestones and survey responses: deterministic, inside the contract, loaded by the
engine, and showing what they promise (targets for every year, some met and some behind; a dozen
milestones, a few public; a few thousand responses whose answers differ by language and partner)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import db, demo, goals, ingest

ROWS = 20_000
TODAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return demo.write_demo_csvs(tmp_path_factory.mktemp("demo"), engagements=ROWS, seed=7, today=TODAY, outcomes=True)


@pytest.fixture(scope="module")
def loaded(written: list[Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("demo_db") / "demo.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        reports = ingest.load_files(written, database=path, by="demo", today=TODAY)
        assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]
        yield path
    db.close(path)


def _read(paths: list[Path], name: str) -> pd.DataFrame:
    return pd.read_csv(next(p for p in paths if p.name == name), dtype=str, keep_default_na=False)


def test_the_outcome_files_come_last_and_leave_the_other_files_unchanged(written: list[Path], tmp_path: Path) -> None:
    """targets, milestones and surveys follow the engagements; without them the files are byte-identical."""
    assert [p.name for p in written[-3:]] == ["targets.csv", "milestones.csv", "surveys.csv"]
    plain = demo.write_demo_csvs(tmp_path / "plain", engagements=ROWS, seed=7, today=TODAY)
    assert [p.read_bytes() for p in plain] == [p.read_bytes() for p in written[:-3]]
    again = demo.write_demo_csvs(tmp_path / "again", engagements=ROWS, seed=7, today=TODAY, outcomes=True)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in written]


def test_every_year_has_targets_and_some_are_met_some_missed_some_behind(loaded: Path) -> None:
    """The coalition's targets for each of the five years, and partners' for the last two."""
    run = lambda name, **params: db.run_query(name, db=loaded, **params)  # noqa: E731
    found = goals.progress_frame(goals.progress(run, today=TODAY))
    years = found.assign(year=[d.year for d in found["period_start"]])
    assert set(years["year"]) == set(range(2021, 2026))
    assert years[years["partner_id"].notna()]["year"].min() == 2024
    past = years[years["year"] < 2025]["status"]
    assert {goals.MET, goals.MISSED} <= set(past)
    current = set(years[years["year"] == 2025]["status"])
    assert goals.BEHIND in current or goals.ON_TRACK in current


def test_a_dozen_milestones_over_five_years_a_few_public(written: list[Path]) -> None:
    """Twelve milestones, every kind but other among them, a few public, none after today."""
    milestones = _read(written, "milestones.csv")
    assert len(milestones) == 12
    assert milestones["date"].str[:4].nunique() == 5
    assert 2 <= (milestones["public"] == "yes").sum() <= 6
    assert milestones["date"].max() <= TODAY.isoformat()


def test_survey_answers_vary_by_language_and_partner(written: list[Path]) -> None:
    """A few thousand responses; Toisanese and Cantonese speakers feel safer than English speakers, MTEC's
    respondents than JKSA's; some give their participant id, some a comment."""
    surveys = _read(written, "surveys.csv")
    assert 2_000 <= len(surveys) <= 5_000
    answered = surveys[surveys["felt_safer"] != ""].assign(score=lambda f: f["felt_safer"].astype(int))
    by_language = answered.groupby("language")["score"].mean()
    by_partner = answered.groupby("partner_id")["score"].mean()
    assert by_language["Cantonese"] > by_language["English"] + 0.2
    assert by_partner["MTEC"] > by_partner["JKSA"] + 0.3
    assert 0.2 < (surveys["participant_id"] != "").mean() < 0.5
    assert 0.05 < (surveys["comment"] != "").mean() < 0.2
    assert surveys["responded_on"].max() <= TODAY.isoformat()
    assert surveys["response_id"].is_unique

"""The demo's targets, milestones, survey responses and staff: deterministic, inside the contract, loaded by
the engine, and showing what they promise (targets for every year, some met and some behind; a dozen
milestones, a few public; a few thousand responses whose answers differ by language and partner; staff at
every partner who speak its people's languages, coming and going over the years, none the rare language's;
referrals along the partners' relationships)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import db, demo, goals, ingest, vocab
from tests.conftest import sql

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
        assert [str(w) for r in reports for w in r.warnings] == []  # focus areas and languages all on the lists
        yield path
    db.close(path)


def _read(paths: list[Path], name: str) -> pd.DataFrame:
    return pd.read_csv(next(p for p in paths if p.name == name), dtype=str, keep_default_na=False)


def test_the_outcome_files_come_last_and_leave_the_other_files_unchanged(written: list[Path], tmp_path: Path) -> None:
    """targets, milestones, surveys and staff follow the engagements; without them the files are byte-identical."""
    assert [p.name for p in written[-4:]] == ["targets.csv", "milestones.csv", "surveys.csv", "staff.csv"]
    plain = demo.write_demo_csvs(tmp_path / "plain", engagements=ROWS, seed=7, today=TODAY)
    assert [p.read_bytes() for p in plain] == [p.read_bytes() for p in written[:-4]]
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


def test_every_partner_has_staff_today_and_most_staff_are_bilingual(loaded: Path) -> None:
    """Each of the six partners has staff on its team today; nine in ten staff speak two languages or more."""
    on_staff = sql(loaded, "select partner_id, count(*) from staff where ended_on is null group by 1 order by 1")
    assert [p for p, n in on_staff if n >= 3] == sorted(demo.DEMO_PARTNER_IDS)
    (bilingual,) = sql(loaded, "select avg((len(languages) >= 2)::int) from staff")[0]
    assert bilingual >= 0.9
    assert sql(loaded, "select count(*) from staff where started_on > $t or ended_on > $t", {"t": TODAY}) == [(0,)]


def test_staff_speak_the_languages_of_the_people_each_partner_serves(loaded: Path) -> None:
    """Each partner's staff speak its two most common contact languages (among those the partner's staff
    speak at all, over the years)."""
    top_two = sql(
        loaded,
        """select partner_id, list(language order by n desc)[1:2] from (
            select partner_id, language, count(*) as n from engagements group by all
        ) group by partner_id""",
    )
    spoken = dict(sql(loaded, "select partner_id, list(distinct l) from staff, unnest(languages) as u(l) group by 1"))
    for partner_id, languages in top_two:
        assert set(languages) <= set(spoken[partner_id]), (partner_id, languages, spoken[partner_id])


def test_the_rare_language_has_contacts_and_no_staff_and_another_has_staff_at_one_partner_only(loaded: Path) -> None:
    """Nobody on staff speaks the rare language its speakers come in; Vietnamese is spoken at one partner
    while others see Vietnamese speakers (demand without capacity, as the ingredients page flags)."""
    staff_languages = {lang for (lang,) in sql(loaded, "select distinct unnest(languages) from staff")}
    assert demo.RARE_LANGUAGE not in staff_languages
    assert sql(loaded, "select count(*) > 0 from engagements where language = $l", {"l": demo.RARE_LANGUAGE}) == [
        (True,)
    ]
    vietnamese_staff = sql(loaded, "select distinct partner_id from staff where list_contains(languages, 'Vietnamese')")
    assert vietnamese_staff == [("JKSA",)]
    without = sql(
        loaded,
        """select count(distinct partner_id) from engagements
        where language = 'Vietnamese' and partner_id <> 'JKSA'""",
    )
    assert without[0][0] >= 4


def test_staff_come_and_go_over_the_years(loaded: Path) -> None:
    """People leave in most years and are replaced; some have stayed more than five years, some under two."""
    leaving_years = sql(loaded, "select count(distinct year(ended_on)) from staff where ended_on is not null")[0][0]
    assert leaving_years >= 5
    tenure = [days for (days,) in sql(loaded, "select coalesce(ended_on, $t) - started_on from staff", {"t": TODAY})]
    assert any(d > 5 * 365 for d in tenure) and any(d < 2 * 365 for d in tenure)
    assert {r for (r,) in sql(loaded, "select distinct role from staff")} == set(vocab.STAFF_ROLES)


def test_referrals_follow_the_partners_relationships_and_the_referrer_knew_the_person(loaded: Path) -> None:
    """Every referral is a person's first contact with a partner, sent by a partner that had seen them before,
    along a tie of demo.REFERRALS; the strongest ties carry the most referrals."""
    pairs = dict(
        ((sender, receiver), n)
        for sender, receiver, n in sql(
            loaded,
            """select referred_by_partner_id, partner_id, count(*) from engagements
            where referred_by_partner_id is not null group by all""",
        )
    )
    assert sum(pairs.values()) >= 30
    assert set(pairs) <= set(demo.REFERRALS)
    assert pairs.get(("CBNN", "MTEC"), 0) > pairs.get(("BLNS", "JKSA"), 0)
    untrue = sql(
        loaded,
        """with referred as (
            select participant_key, partner_id, referred_by_partner_id, engaged_on, engagement_id
            from engagements where referred_by_partner_id is not null
        )
        select count(*) from referred r
        where exists (  -- an earlier contact with the same partner: not the first
            select 1 from engagements e
            where e.participant_key = r.participant_key and e.partner_id = r.partner_id
                and (e.engaged_on < r.engaged_on)
        )
        or not exists (  -- the referring partner never saw the person before
            select 1 from engagements e
            where e.participant_key = r.participant_key and e.partner_id = r.referred_by_partner_id
                and e.engaged_on < r.engaged_on
        )""",
    )
    assert untrue == [(0,)]


def test_the_demo_partners_focus_areas_are_the_contracts_fields(loaded: Path) -> None:
    """Each partner's own words are read as two or three fields of the list; language access is shared."""
    areas = dict(sql(loaded, "select partner_id, focus_areas from partners"))
    assert all(2 <= len(a) <= 3 and set(a) <= set(vocab.FOCUS_AREAS) for a in areas.values()), areas
    assert [p for p, a in sorted(areas.items()) if "language_access" in a] == ["BLNS", "FFRH"]

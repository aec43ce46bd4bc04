"""The essential ingredients' measures (impact/ingredients.py) equal independent SQL counts on the
fixture coalition (its referrals) with surveys, milestones, staff and contacts recorded at an event;
the years are labelled honestly."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import db, ingredients, metrics, vocab
from tests.conftest import sql
from tests.dashboards import build_coalition
from tests.goal_builders import load, load_outcomes, problems

PERIOD = metrics.Scope(date(2023, 12, 1), date(2024, 11, 30))  # the default: the last 12 complete months
# Staff of the fixture partners, as a staff file gives them. Nobody speaks Spanish, which the contacts
# use; one staff member left in 2023 and one in 2024.
STAFF = (
    ("staff_id", "partner_id", "languages", "role", "started_on", "ended_on", "fte"),
    ("H-11", "HYC", "Cantonese;English", "outreach", "2014-05-01", "", "1"),
    ("H-12", "HYC", "Mandarin", "case_management", "2023-06-01", "2024-03-01", "0.5"),
    ("C-21", "CLA", "Cantonese;Toisanese", "leadership", "2020-01-06", "", ""),
    ("S-31", "SSE", "Mandarin;Cantonese", "organizing", "2024-02-01", "", "1"),
    ("T-41", "TSN", "Vietnamese", "outreach", "2010-01-01", "2023-06-30", "1"),
    ("V-51", "VVF", "English;Cantonese", "other", "2022-09-01", "", "0.8"),
)
# Contacts recorded at EV0 (in Chinatown, 2024-01-15): people from Chinatown and from elsewhere.
EVENT_CONTACTS = (
    ("engagement_id", "engaged_on", "partner_id", "participant_id", "language", "event_id", "neighborhood", "channel"),
    *(
        (
            f"EV0-{i}",
            "2024-01-15",
            "HYC",
            f"person-{i}",
            "Cantonese",
            "EV0",
            ("Chinatown", "Tenderloin", "")[i % 3],
            "in_person",
        )
        for i in range(12)
    ),
)


def add_staff_and_event_contacts(path: Path) -> None:
    """A staff file and contacts recorded at an event, loaded through the ingest engine (the shared
    fixture files give referrals but neither of these), and a partner with a focus area outside the
    contract's list (kept as written, with a warning)."""
    for rows, kind in ((STAFF, "staff"), (EVENT_CONTACTS, "engagements")):
        report = load(path, rows, kind=kind)
        assert report.ok, problems(report)
    report = load(path, (("partner_id", "name", "focus_areas"), ("NHR", "New Harbor Relief", "youth;harm reduction")))
    assert report.ok and report.warnings, problems(report)


@pytest.fixture(scope="module")
def coalition(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    path = build_coalition(built_coalition_db, tmp_path_factory.mktemp("ingredients") / "coalition.duckdb")
    load_outcomes(path)
    add_staff_and_event_contacts(path)
    yield path
    db.close(path)


@pytest.fixture
def run(coalition: Path) -> metrics.Runner:
    return functools.partial(db.run_query, db=coalition)


@pytest.fixture
def trend(run: metrics.Runner) -> metrics.Scope:
    return ingredients.trend_scope(PERIOD, run)


def as_dict(frame: pd.DataFrame, keys: list[str], value: str) -> dict:
    return {tuple(row[k] for k in keys) if len(keys) > 1 else row[keys[0]]: row[value] for _, row in frame.iterrows()}


def test_trends_run_from_the_first_year_of_data_and_name_the_year_the_period_cuts_short(
    coalition: Path, trend: metrics.Scope
) -> None:
    """The first contact is in 2023: trends start on January 1, 2023 and end with the period; 2024 says to Nov 30."""
    first = sql(coalition, "select min(engaged_on) from engagements")[0][0]
    assert trend.start == date(first.year, 1, 1) == date(2023, 1, 1) and trend.end == PERIOD.end
    assert ingredients.year_label(2023, trend) == "2023"
    assert ingredients.year_label(2024, trend) == "2024 (to Nov 30)"
    assert ingredients.is_partial(2024, trend) and not ingredients.is_partial(2023, trend)
    whole = metrics.Scope(date(2023, 1, 1), date(2024, 12, 31))
    assert ingredients.year_label(2024, whole) == "2024" and not ingredients.is_partial(2024, whole)


def test_survey_answers_by_year_equal_sql_and_few_answers_give_no_share(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Responses and the share who felt safer (4 or 5) per year; a year of few answers has counts only."""
    found = ingredients.voice_by_year(trend, run).set_index("year")
    expected = sql(
        coalition,
        """select year(responded_on), count(*), sum(case when felt_safer in (4, 5) then 1 else 0 end),
            sum(case when felt_safer is null then 0 else 1 end)
        from surveys where responded_on between $start and $end group by 1""",
        {"start": trend.start, "end": trend.end},
    )
    assert expected and found.loc[2023, "responses"] == 0 and pd.isna(found.loc[2023, "felt_safer_share"])
    for year, responses, high, answered in expected:
        assert found.loc[year, "responses"] == responses
        assert found.loc[year, "felt_safer_high"] == high
        assert found.loc[year, "felt_safer_share"] == pytest.approx(high / answered)
    monkeypatch.setenv("IMPACT_SUPPRESSION_THRESHOLD", str(expected[0][3]))
    assert ingredients.voice_by_year(trend, run)["felt_safer_share"].isna().all()


def test_community_meetings_town_halls_and_attendance_by_year_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """Each gathering counted once per year and type; attendance is the headcount."""
    found = as_dict(ingredients.gatherings_by_year(trend, run), ["year", "event_type"], "events")
    attended = as_dict(ingredients.gatherings_by_year(trend, run), ["year", "event_type"], "attendance")
    expected = sql(
        coalition,
        """select year(event_date), event_type, count(*), sum(attendance) from events
        where event_type in ('town_hall', 'community_meeting', 'cultural_event') and event_date between $s and $e
        group by all""",
        {"s": trend.start, "e": trend.end},
    )
    assert expected
    assert found == {(y, t): n for y, t, n, _ in expected}
    assert attended == {(y, t): a for y, t, _, a in expected}


def test_contacts_by_channel_language_and_neighborhood_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """Contacts per channel and year; not in English; at an event in the person's own neighborhood."""
    channels = as_dict(ingredients.contacts_by_channel_year(trend, run), ["year", "channel"], "contacts")
    rows = sql(
        coalition,
        "select year(engaged_on), channel, count(*) from engagements where engaged_on between $s and $e group by all",
        {"s": trend.start, "e": trend.end},
    )
    assert channels == {(y, c): n for y, c, n in rows}
    places = ingredients.where_people_are_by_year(trend, run).set_index("year")
    for year in (2023, 2024):
        english, total, placed, own = sql(
            coalition,
            """select count(*) filter (where g.language = 'English'), count(*),
                count(*) filter (where g.neighborhood is not null and v.neighborhood is not null),
                count(*) filter (where g.neighborhood is not distinct from v.neighborhood and v.neighborhood is not null)
            from engagements as g left join events as v on v.event_id = g.event_id
            where g.engaged_on between $s and $e and year(g.engaged_on) = $y""",
            {"s": trend.start, "e": trend.end, "y": year},
        )[0]
        assert places.loc[year, "contacts"] == total
        assert places.loc[year, "not_in_english"] == total - english
        assert places.loc[year, "at_placed_events"] == placed and places.loc[year, "in_own_neighborhood"] == own
    assert places["at_placed_events"].sum() > places["in_own_neighborhood"].sum() > 0


def test_events_held_together_by_year_equal_sql(coalition: Path, run: metrics.Runner, trend: metrics.Scope) -> None:
    """Events with a co-host, each once, per year; a year without events has zeros."""
    found = ingredients.cohosted_events_by_year(trend, run).set_index("year")
    together = sql(
        coalition,
        "select count(distinct event_id) from event_cohosts join events using (event_id) where event_date <= $e",
        {"e": trend.end},
    )[0][0]
    events = sql(coalition, "select count(*) from events where event_date <= $e", {"e": trend.end})[0][0]
    assert found.loc[2024, "cohosted_events"] == together > 0 and found.loc[2024, "events"] == events
    assert found.loc[2023, "events"] == 0 and pd.isna(found.loc[2023, "cohosted_share"])


def _partners_of_events(coalition: Path, end: date) -> dict[str, set[str]]:
    rows = sql(
        coalition,
        """select event_id, host_partner_id from events where event_date <= $e
        union all select c.event_id, c.partner_id from event_cohosts as c join events using (event_id)
        where event_date <= $e""",
        {"e": end},
    )
    partners: dict[str, set[str]] = {}
    for event, partner in rows:
        partners.setdefault(event, set()).add(partner)
    return partners


def test_network_density_and_each_partners_degree_equal_a_count_of_pairs(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """Density: linked pairs of all pairs of the year's active partners; degree: partners linked to each."""
    links = ingredients.partner_links_by_year(trend, run)
    active = ingredients.partner_years(trend, run)
    pairs = {
        pair
        for members in _partners_of_events(coalition, trend.end).values()
        for pair in itertools.combinations(sorted(members), 2)
    }
    active_2024 = {
        p
        for (p,) in sql(
            coalition,
            """select partner_id from engagements where year(engaged_on) = 2024 and engaged_on <= $e
            union select host_partner_id from events where year(event_date) = 2024 and event_date <= $e
            union select c.partner_id from event_cohosts as c join events using (event_id)
            where year(event_date) = 2024 and event_date <= $e""",
            {"e": trend.end},
        )
    }
    network = ingredients.network_by_year(links, active, trend).set_index("year")
    possible = len(active_2024) * (len(active_2024) - 1) // 2
    assert network.loc[2024, "links"] == len(pairs) > 0
    assert network.loc[2024, "possible_links"] == possible
    assert network.loc[2024, "density"] == pytest.approx(len(pairs) / possible)
    assert network.loc[2023, "links"] == 0 and network.loc[2023, "density"] == 0
    degrees = ingredients.degree_by_year(links, active, trend)
    degree_2024 = as_dict(degrees[degrees["year"] == 2024], ["partner_id"], "degree")
    assert degree_2024 == {p: sum(p in pair for pair in pairs) for p in active_2024}


def test_referrals_between_partners_by_year_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """Contacts and people referred, per year, referring and receiving partner; a partner filter keeps both sides."""
    found = as_dict(
        ingredients.referrals_by_year(trend, run), ["year", "from_partner_id", "to_partner_id"], "unique_people"
    )
    rows = sql(
        coalition,
        """select year(engaged_on), referred_by_partner_id, partner_id, count(distinct participant_key)
        from engagements where referred_by_partner_id is not null and engaged_on between $s and $e group by all""",
        {"s": trend.start, "e": trend.end},
    )
    assert rows and found == {(y, f, t): n for y, f, t, n in rows}
    only = ingredients.referrals_by_year(metrics.Scope(trend.start, trend.end, partners=("CLA",)), run)
    assert set(only["from_partner_id"]) | set(only["to_partner_id"]) >= {"CLA", "HYC"}
    assert ((only["from_partner_id"] == "CLA") | (only["to_partner_id"] == "CLA")).all()


@pytest.mark.parametrize("partners", [None, ("HYC", "CLA")])
def test_people_served_by_two_or_more_partners_in_a_year_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope, partners: tuple[str, ...] | None
) -> None:
    """Counted on participant keys, per year, among the chosen partners' contacts."""
    scope = metrics.Scope(trend.start, trend.end, partners=partners)
    found = ingredients.shared_people_by_year(scope, run).set_index("year")
    chosen = list(partners) if partners else None
    for year in (2023, 2024):
        expected = sql(
            coalition,
            """select count(*) from (select participant_key from engagements
                where year(engaged_on) = $y and engaged_on <= $e and ($p::varchar[] is null or list_contains($p, partner_id))
                group by participant_key having count(distinct partner_id) > 1)""",
            {"y": year, "e": trend.end, "p": chosen},
        )[0][0]
        assert found.loc[year, "shared_people"] == expected
    assert found["shared_people"].sum() > 0


def test_focus_areas_events_by_type_and_trainings_held_with_others_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """The focus matrix is the partners' lists; events per partner and type count host and co-hosts."""
    areas = ingredients.focus_areas(PERIOD, run)
    stored = sql(coalition, "select partner_id, unnest(focus_areas) from partners")
    assert sorted(zip(areas["partner_id"], areas["focus_area"], strict=True)) == sorted(stored)
    kept = sql(
        coalition,
        "select distinct a from (select unnest(focus_areas) as a from partners) where not list_contains($listed, a)",
        {"listed": list(vocab.FOCUS_AREAS)},
    )
    assert (
        ingredients.unlisted_focus_areas(areas) == sorted(a for (a,) in kept) != []
    )  # the fixture keeps one as written
    by_type = ingredients.events_by_type_year(trend, run)
    partners = _partners_of_events(coalition, trend.end)
    types = dict(sql(coalition, "select event_id, event_type from events"))
    expected: dict[tuple[str, str], int] = {}
    joint: dict[str, int] = {}
    for event, members in partners.items():
        for p in members:
            expected[(p, types[event])] = expected.get((p, types[event]), 0) + 1
            if len(members) > 1 and types[event] in ingredients.SHARING_TYPES:
                joint[p] = joint.get(p, 0) + 1
    assert as_dict(by_type, ["partner_id", "event_type"], "events") == expected
    trainings = ingredients.shared_trainings_by_year(by_type)
    assert {p: n for p, n in as_dict(trainings, ["partner_id"], "joint_trainings").items() if n} == joint


def test_staff_by_language_demand_beside_capacity_and_tenure_equal_sql(coalition: Path, run: metrics.Runner) -> None:
    """Staff at work in the period per partner and language; a language with contacts and no staff is flagged."""
    staff = ingredients.staff_by_language(PERIOD, run)
    expected = sql(
        coalition,
        """select partner_id, language, count(*) from (
            select partner_id, unnest(languages) as language from staff
            where started_on <= $e and coalesce(ended_on, $e) >= $s) group by all""",
        {"s": PERIOD.start, "e": PERIOD.end},
    )
    assert as_dict(staff, ["partner_id", "language"], "staff") == {(p, lang): n for p, lang, n in expected}
    spanish = metrics.Scope(PERIOD.start, PERIOD.end, languages=("Spanish",))
    assert ingredients.staff_by_language(spanish, run).empty and ingredients.has_staff(spanish, run)
    assert not ingredients.has_staff(
        metrics.Scope(PERIOD.start, PERIOD.end, partners=("RBA",)), run
    )  # no staff file row
    demand = ingredients.language_demand(PERIOD, run).set_index("language")
    contacts = dict(
        sql(
            coalition,
            "select language, count(*) from engagements where engaged_on between $s and $e group by all",
            {"s": PERIOD.start, "e": PERIOD.end},
        )
    )
    speakers: dict[str, int] = {}
    for _p, language, n in expected:
        speakers[language] = speakers.get(language, 0) + n
    for language, n in contacts.items():
        assert demand.loc[language, "contacts"] == n
        assert demand.loc[language, "staff"] == speakers.get(language, 0)
        assert bool(demand.loc[language, "no_staff"]) == (language not in speakers)
    assert demand.loc["Spanish", "no_staff"] and pd.isna(demand.loc["Spanish", "contacts_per_staff"])
    assert demand.loc["Cantonese", "contacts_per_staff"] == pytest.approx(contacts["Cantonese"] / speakers["Cantonese"])
    tenure = as_dict(ingredients.staff_tenure(PERIOD, run), ["tenure"], "staff")
    # at work on 2024-11-30: HYC 11 (10+ years), CLA 21 (4.9), SSE 31 (0.8), VVF 51 (2.2)
    assert tenure == {"under_1": 1, "1_to_2": 0, "2_to_5": 2, "5_to_10": 0, "10_or_more": 1}
    assert (
        sum(tenure.values())
        == sql(
            coalition,
            "select count(*) from staff where started_on <= $e and coalesce(ended_on, $e) >= $e",
            {"e": PERIOD.end},
        )[0][0]
    )


def test_staff_continuity_by_year_equals_sql(coalition: Path, run: metrics.Runner, trend: metrics.Scope) -> None:
    """Staff during each year, who started, who left, and who stayed from January 1 to the year's end."""
    found = ingredients.staff_by_year(trend, run).set_index("year")
    for year in (2023, 2024):
        first, last = date(year, 1, 1), min(date(year, 12, 31), trend.end)
        during, started, left, on_first, stayed = sql(
            coalition,
            """select
                count(*) filter (where started_on <= $l and coalesce(ended_on, $l) >= $f),
                count(*) filter (where started_on between $f and $l),
                count(*) filter (where ended_on between $f and $l),
                count(*) filter (where started_on <= $f and coalesce(ended_on, $f) >= $f),
                count(*) filter (where started_on <= $f and coalesce(ended_on, $l) >= $l)
            from staff""",
            {"f": first, "l": last},
        )[0]
        row = found.loc[year]
        assert (row["staff"], row["started"], row["left_staff"], row["on_first_day"], row["stayed"]) == (
            during,
            started,
            left,
            on_first,
            stayed,
        )
    assert found.loc[2023, "stayed_share"] == pytest.approx(3 / 4)  # of HYC 11, CLA 21, TSN 41, VVF 51, TSN 41 left


def test_meetings_with_officials_town_halls_and_public_milestones_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """Meetings each partner took part in; those hosted add up to the meetings held; the period's town halls."""
    meetings = ingredients.officials_meetings_by_year(trend, run)
    partners = _partners_of_events(coalition, trend.end)
    types = dict(sql(coalition, "select event_id, event_type from events"))
    expected: dict[str, int] = {}
    for event, members in partners.items():
        if types[event] == "stakeholder_meeting":
            for p in members:
                expected[p] = expected.get(p, 0) + 1
    assert as_dict(meetings, ["partner_id"], "meetings") == expected
    totals = ingredients.officials_meetings_totals(meetings, trend).set_index("year")
    held = sql(
        coalition,
        "select count(*) from events where event_type = 'stakeholder_meeting' and event_date <= $e",
        {"e": trend.end},
    )
    assert totals.loc[2024, "meetings"] == held[0][0] > 0
    listed = ingredients.community_events(PERIOD, run)
    town_halls = sql(
        coalition,
        """select count(*), sum(attendance) from events
        where event_type in ('town_hall', 'community_meeting', 'cultural_event') and event_date between $s and $e""",
        {"s": PERIOD.start, "e": PERIOD.end},
    )[0]
    assert (len(listed), listed["attendance"].sum()) == town_halls


def test_years_active_reach_and_people_returning_in_a_later_year_equal_sql(
    coalition: Path, run: metrics.Runner, trend: metrics.Scope
) -> None:
    """Years with contacts or events per partner; unique and new people per year; returns by first year."""
    active = ingredients.years_active(ingredients.partner_years(trend, run))
    years = sql(
        coalition,
        """select partner_id, count(distinct y) from (
            select partner_id, year(engaged_on) as y from engagements where engaged_on <= $e
            union select host_partner_id, year(event_date) from events where event_date <= $e) group by all""",
        {"e": trend.end},
    )
    assert as_dict(active, ["partner_id"], "years_active") == dict(years)
    reach = ingredients.reach_by_year(trend, run).set_index("year")
    for year in (2023, 2024):
        people, new = sql(
            coalition,
            """select count(distinct participant_key),
                count(distinct participant_key) filter (where participant_key not in (
                    select participant_key from engagements where year(engaged_on) < $y))
            from engagements where year(engaged_on) = $y and engaged_on <= $e""",
            {"y": year, "e": trend.end},
        )[0]
        assert (reach.loc[year, "unique_people"], reach.loc[year, "new_people"]) == (people, new)
    back = ingredients.returning_by_first_year(trend, run).set_index("first_year")
    first_2023, came_back = sql(
        coalition,
        """select count(*), count(*) filter (where later) from (
            select participant_key, bool_or(year(engaged_on) > 2023) as later from engagements
            where engaged_on <= $e group by participant_key having min(year(engaged_on)) = 2023)""",
        {"e": trend.end},
    )[0]
    assert (back.loc[2023, "people"], back.loc[2023, "returned_later"]) == (first_2023, came_back)
    assert back.loc[2023, "complete"] and not back.loc[2024, "complete"]


def test_year_charts_name_years_as_categories_count_in_whole_numbers_and_draw_a_cut_year_pale(
    run: metrics.Runner, trend: metrics.Scope
) -> None:
    """2023 and '2024 (to Nov 30)' are categories (never 2023.5); small counts tick by one; the cut year is pale."""
    from impact import charts

    together = ingredients.cohosted_events_by_year(trend, run)
    bars = charts.year_bars(together, [("events", "Events"), ("cohosted_events", "Together")], "t", "Events")
    assert bars.layout.xaxis.type == "category"
    assert list(bars.layout.xaxis.categoryarray) == ["2023", "2024 (to Nov 30)"]
    assert list(bars.data[0].marker.opacity) == [1.0, 0.45]
    few = charts.year_bars(together.assign(events=[0, 3]), [("events", "Events")], "t", "Events")
    assert few.layout.yaxis.dtick == 1 and few.layout.yaxis.tickformat == ",d"
    shares = charts.year_shares(ingredients.shared_people_by_year(trend, run), [("shared_share", "Shared")], "t", "")
    assert list(shares.data[0].marker.symbol) == ["circle", "circle-open"] and shares.layout.yaxis.tickformat == ".0%"
    grid = charts.matrix(
        pd.DataFrame({"x": ["a", "b", "a"], "y": ["P", "P", "Q"], "z": [1, 0, 1]}), "x", "y", "z", "t", blank_zeros=True
    )
    assert grid.layout.xaxis.side == "bottom" and [list(r) for r in grid.data[0].text] == [["1", ""], ["1", ""]]

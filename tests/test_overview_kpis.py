"""The overview's KPI numbers equal independent SQL counts on the fixture data.

The expected numbers come from hand-written SQL below, each KPI computed on its own from
the stored tables (not from queries/kpis.sql), following the definitions in
impact.metrics.KPIS. The page's period and filters are whatever the page asked for: the
test records the page's `kpis` query with db.recording() and recomputes that scope.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from impact import config, db, metrics
from impact.i18n import _
from impact.web import auth
from tests.conftest import sql

# Hand-written scope conditions; $lists are NULL for "all".
ENGAGEMENTS = """
    from engagements as e
    where e.engaged_on >= $start::date and e.engaged_on <= $end::date
      and ($partners::varchar[] is null or e.partner_id in (select unnest($partners::varchar[])))
      and ($languages::varchar[] is null or e.language in (select unnest($languages::varchar[])))
      and ($neighborhoods::varchar[] is null or e.neighborhood in (select unnest($neighborhoods::varchar[])))
"""
EVENTS = """
    from events as v
    where v.event_date >= $start::date and v.event_date <= $end::date
      and ($partners::varchar[] is null
           or v.host_partner_id in (select unnest($partners::varchar[]))
           or v.event_id in (select c.event_id from event_cohosts as c
                             where c.partner_id in (select unnest($partners::varchar[]))))
      and ($languages::varchar[] is null
           or exists (select 1 from (select unnest(v.languages) as l) where l in (select unnest($languages::varchar[]))))
      and ($neighborhoods::varchar[] is null or v.neighborhood in (select unnest($neighborhoods::varchar[])))
"""
RECORDED = "v.event_id in (select event_id from engagements where event_id is not null)"

INDEPENDENT_SQL = {
    "unique_people": f"select count(*) from (select distinct e.participant_key {ENGAGEMENTS})",
    "contacts": f"""select (select count(*) {ENGAGEMENTS})
        + (select coalesce(sum(v.attendance), 0) {EVENTS} and not {RECORDED})""",
    "events_held": f"select count(*) {EVENTS}",
    "event_attendance": f"""select coalesce(sum(coalesce(v.attendance,
        (select count(*) from engagements as g where g.event_id = v.event_id))), 0) {EVENTS}""",
    "languages_served": f"""select count(*) from (
        select e.language as language {ENGAGEMENTS}
        union select unnest(v.languages) {EVENTS})""",
    "neighborhoods_reached": f"""select count(*) from (
        select e.neighborhood as n {ENGAGEMENTS} and e.neighborhood is not null
        union select v.neighborhood {EVENTS} and v.neighborhood is not null)""",
    "active_partners": f"""select count(*) from (
        select e.partner_id as p {ENGAGEMENTS}
        union select v.host_partner_id {EVENTS}
        union select c.partner_id from event_cohosts as c where c.event_id in (select v.event_id {EVENTS})
    ) where $partners::varchar[] is null or p in (select unnest($partners::varchar[]))""",
    "officials_meetings": f"select count(*) {EVENTS} and v.event_type = 'stakeholder_meeting'",
}


def independent_kpis(path: Path, scope: metrics.Scope) -> dict[str, int]:
    """Each KPI of the scope, counted by its own hand-written statement."""
    params = scope.params()
    return {key: int(sql(path, statement, params)[0][0]) for key, statement in INDEPENDENT_SQL.items()}


def test_the_independent_sql_covers_every_kpi() -> None:
    """Every KPI the page shows has a hand-written check here."""
    assert [k.key for k in metrics.KPIS] == list(INDEPENDENT_SQL)


@pytest.mark.parametrize(
    "scope",
    [
        metrics.Scope(date(2000, 1, 1), date(2030, 12, 31)),
        metrics.Scope(date(2024, 1, 1), date(2024, 12, 31)),
        metrics.Scope(date(2023, 7, 1), date(2024, 6, 30), partners=("HYC", "CLA")),
        metrics.Scope(date(2023, 1, 1), date(2024, 12, 31), languages=("Cantonese", "Toisanese")),
        metrics.Scope(date(2023, 1, 1), date(2024, 12, 31), neighborhoods=("Chinatown",)),
        metrics.Scope(date(2024, 1, 1), date(2024, 3, 31), ("SSE",), ("English",), ("Sunset/Parkside", "Tenderloin")),
        metrics.Scope(date(1990, 1, 1), date(1990, 12, 31)),
    ],
    ids=["all-time", "2024", "two-partners", "two-languages", "chinatown", "all-filters", "empty"],
)
def test_kpis_for_a_scope_equal_independent_sql_counts(fixture_db: Path, scope: metrics.Scope) -> None:
    """metrics.kpis (queries/kpis.sql) gives the same numbers as the hand-written SQL for periods and filters."""
    assert metrics.kpis(scope) == independent_kpis(fixture_db, scope)


def test_the_fixture_data_makes_every_kpi_count_something(fixture_db: Path) -> None:
    """Over all time each KPI is above zero, so the comparisons above compare real numbers."""
    counts = independent_kpis(fixture_db, metrics.Scope(date(2000, 1, 1), date(2030, 12, 31)))
    assert all(value > 0 for value in counts.values()), counts


def _number(text: str) -> int:
    digits = re.sub(r"[^\d-]", "", text)
    assert digits, f"not a number: {text!r}"
    return int(digits)


@pytest.fixture
def director(monkeypatch: pytest.MonkeyPatch) -> auth.User:
    user = auth.User("dora", "director")
    monkeypatch.setattr(auth, "current_user", lambda: user)
    return user


def _open_overview() -> tuple[AppTest, list[db.RecordedQuery]]:
    st.cache_data.clear()  # every query of the page runs (and is recorded) this time
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    with db.recording() as calls:
        at.switch_page("pages/1_overview.py").run()
    assert not at.exception, at.exception
    return at, calls


def _scope_of(params: dict[str, Any]) -> metrics.Scope:
    def as_tuple(values: Any) -> tuple[str, ...] | None:
        return tuple(values) if values else None

    return metrics.Scope(
        start=params["start"],
        end=params["end"],
        partners=as_tuple(params.get("partners")),
        languages=as_tuple(params.get("languages")),
        neighborhoods=as_tuple(params.get("neighborhoods")),
    )


def test_overview_cards_show_the_independent_counts_for_the_period_it_shows(
    fixture_db: Path, director: auth.User
) -> None:
    """Each KPI card's number equals the hand-written SQL count for the page's own period and filters."""
    at, calls = _open_overview()
    kpi_calls = [call for call in calls if call.name == "kpis"]
    assert kpi_calls, f"the overview ran no kpis query; it ran {[c.name for c in calls]}"
    scope = _scope_of(kpi_calls[0].params)
    expected = independent_kpis(fixture_db, scope)
    assert any(expected.values()), f"the page's period {scope} holds no fixture data, so nothing is compared"
    shown = {m.label: m.value for m in at.metric}
    for kpi in metrics.KPIS:
        label = _(kpi.label)
        assert label in shown, f"no card labelled {label!r}; cards: {list(shown)}"
        assert _number(shown[label]) == expected[kpi.key], f"{label}: page shows {shown[label]}"


def test_overview_cards_follow_a_narrower_period_from_the_url(fixture_db: Path, director: auth.User) -> None:
    """With the first half of 2024 asked for in the URL, the cards show that period's counts."""
    at, _calls = _open_overview()
    at.query_params.update({"period": "custom", "start": "2024-01-01", "end": "2024-06-30"})
    st.cache_data.clear()
    with db.recording() as calls:
        at.run()
    assert not at.exception, at.exception
    kpi_calls = [call for call in calls if call.name == "kpis"]
    if not kpi_calls or kpi_calls[0].params["start"] != date(2024, 1, 1):
        pytest.skip("this overview does not read its period from the URL")
    expected = independent_kpis(fixture_db, _scope_of(kpi_calls[0].params))
    shown = {m.label: m.value for m in at.metric}
    assert {k.key: _number(shown[_(k.label)]) for k in metrics.KPIS} == expected

"""The shared sidebar filters: periods counted from the data, the URL as the filters' memory,
and a filter change that re-runs only what depends on it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from impact import db, filters, markup, metrics
from impact.web import ui
from tests import dashboards
from tests.dashboards import DEFAULT_END, DEFAULT_START, PAGES, metric_values, open_page, url_values

coalition_db, as_director = dashboards.coalition_db, dashboards.as_director  # fixtures

SPAN = filters.DataSpan(first_day=date(2021, 3, 4), last_day=date(2024, 6, 30))
OPTIONS = metrics.FilterOptions(
    partners={"CLA": "Chinatown Legal Aid", "HYC": "Harbor Youth Center"},
    languages=("Cantonese", "English", "Toisanese"),
    neighborhoods=("Chinatown", "Sunset/Parkside"),
)


def _range(period: str) -> tuple[date, date]:
    return filters.period_range(filters.FilterState(period=period), SPAN)


def test_the_last_12_complete_months_end_with_the_last_month_the_data_completes() -> None:
    """The default period is the 12 calendar months up to the data's last complete month, not up to today."""
    assert _range("last-12-months") == (date(2023, 7, 1), date(2024, 6, 30))  # the data runs to June 30
    mid_month = filters.DataSpan(date(2021, 3, 4), date(2024, 6, 29))
    assert filters.period_range(filters.FilterState(), mid_month) == (date(2023, 6, 1), date(2024, 5, 31))


def test_this_year_last_year_and_all_time_count_from_the_latest_day_with_data() -> None:
    """Calendar years are those of the data's last day; all time starts on its first day."""
    assert _range("this-year") == (date(2024, 1, 1), date(2024, 6, 30))
    assert _range("last-year") == (date(2023, 1, 1), date(2023, 12, 31))
    assert _range("all-time") == (date(2021, 3, 1), date(2024, 6, 30))  # from the first month of data


def test_the_latest_day_is_never_after_today() -> None:
    """An event planned for next month does not move the periods into the future."""
    extent = {"first_day": date(2024, 1, 1), "last_day": date(2024, 9, 1)}
    assert filters.data_span(extent, today=date(2024, 8, 15)) == filters.DataSpan(date(2024, 1, 1), date(2024, 8, 15))
    assert filters.data_span({"first_day": None, "last_day": None}) is None


def test_defaults_leave_the_url_without_filter_parameters() -> None:
    """The last 12 months with everything chosen is the plain page URL."""
    assert filters.to_query(filters.FilterState()) == {}


def test_a_filter_state_survives_the_trip_through_the_url() -> None:
    """Whatever the sidebar chooses, the link it writes opens the same choice."""
    state = filters.FilterState(
        period="custom",
        start=date(2023, 2, 1),
        end=date(2023, 8, 31),
        partners=("HYC", "CLA"),
        languages=("Toisanese",),
        neighborhoods=("Sunset/Parkside",),
    )
    query = filters.to_query(state)
    assert query == {
        "period": ["custom"],
        "start": ["2023-02-01"],
        "end": ["2023-08-31"],
        "partners": ["HYC", "CLA"],
        "languages": ["Toisanese"],
        "neighborhoods": ["Sunset/Parkside"],
    }
    parsed = filters.parse_query(query, OPTIONS)
    assert parsed.state == state
    assert parsed.problems == []


def test_values_the_data_does_not_hold_are_left_out_and_reported() -> None:
    """A link naming an unknown partner or language keeps the rest and says what it dropped."""
    parsed = filters.parse_query({"partners": ["HYC", "NOPE"], "languages": ["Klingon"]}, OPTIONS)
    assert parsed.state.partners == ("HYC",)
    assert parsed.state.languages == ()
    assert len(parsed.problems) == 2
    assert "'NOPE'" in parsed.problems[0]
    assert "'Klingon'" in parsed.problems[1]


def test_unreadable_dates_fall_back_to_the_last_12_months_with_a_message() -> None:
    """period=custom with a date that is not YYYY-MM-DD gives the default period and a problem."""
    parsed = filters.parse_query({"period": ["custom"], "start": ["31/12/2023"], "end": ["2024-01-31"]}, OPTIONS)
    assert parsed.state.period == "last-12-months"
    assert "31/12/2023" in parsed.problems[0]
    unknown = filters.parse_query({"period": ["fortnight"]}, OPTIONS)
    assert unknown.state.period == "last-12-months"
    assert "fortnight" in unknown.problems[0]


def test_dates_alone_mean_a_custom_period_and_reversed_dates_are_put_in_order() -> None:
    """?start=...&end=... without a period is a custom range; start after end is swapped."""
    parsed = filters.parse_query({"start": ["2024-03-31"], "end": ["2024-01-01"]}, OPTIONS)
    assert parsed.state.period == "custom"
    assert (parsed.state.start, parsed.state.end) == (date(2024, 1, 1), date(2024, 3, 31))


def test_the_scope_lists_its_filters_sorted_and_empty_means_all() -> None:
    """Two orders of the same choice make one scope (one cache entry); nothing chosen is None."""
    one = filters.to_scope(filters.FilterState(partners=("HYC", "CLA")), SPAN)
    other = filters.to_scope(filters.FilterState(partners=("CLA", "HYC")), SPAN)
    assert one == other
    assert one.partners == ("CLA", "HYC")
    assert one.languages is None and one.neighborhoods is None


# --- in the app ---------------------------------------------------------------------------


def _unique_people(path: Path, start: date, end: date, partners: list[str] | None = None) -> int:
    cur = db.cursor(path)
    try:
        return cur.execute(
            "select count(distinct participant_key) from engagements where engaged_on between ? and ?"
            " and (? is null or list_contains(?, partner_id))",
            [start, end, partners, partners],
        ).fetchone()[0]
    finally:
        cur.close()


def test_a_link_with_filters_opens_the_page_with_those_filters_chosen(as_director: Path) -> None:
    """?period=last-year&partners=HYC&partners=CLA selects them in the sidebar and counts only them."""
    at = open_page("overview", {"period": "last-year", "partners": ["HYC", "CLA"]})
    assert at.selectbox(key="filters.period").value == "last-year"
    assert at.multiselect(key="filters.partners").value == ["HYC", "CLA"]
    expected = _unique_people(as_director, date(2023, 1, 1), date(2023, 12, 31), ["HYC", "CLA"])
    assert metric_values(at)["Unique people reached"] == f"{expected:,}"


def test_changing_a_filter_writes_it_into_the_url(as_director: Path) -> None:
    """Choosing a partner and a language puts them in the query string (a copied link keeps them)."""
    at = open_page("reach")
    at.multiselect(key="filters.partners").set_value(["SSE"]).run()
    at.multiselect(key="filters.languages").set_value(["Spanish"]).run()
    assert url_values(at, "partners") == ["SSE"]
    assert url_values(at, "languages") == ["Spanish"]
    assert "period" not in at.query_params  # the default period stays out of the link


def test_choosing_custom_dates_starts_from_the_period_on_screen_and_goes_into_the_url(as_director: Path) -> None:
    """Switching to custom dates shows the range that was on screen; the link then carries it."""
    at = open_page("overview", {"period": "this-year"})
    at.selectbox(key="filters.period").set_value("custom").run()
    assert at.date_input(key="filters.dates").value == (date(2024, 1, 1), date(2024, 12, 28))
    at.date_input(key="filters.dates").set_value((date(2024, 3, 1), date(2024, 3, 31))).run()
    assert url_values(at, "period") == ["custom"]
    assert url_values(at, "start") == ["2024-03-01"]
    assert url_values(at, "end") == ["2024-03-31"]
    expected = _unique_people(as_director, date(2024, 3, 1), date(2024, 3, 31))
    assert metric_values(at)["Unique people reached"] == f"{expected:,}"


def test_filters_follow_the_reader_to_another_page(as_director: Path) -> None:
    """The sidebar's page links drop the filters from the URL; the next page restores them."""
    at = open_page("overview")
    at.multiselect(key="filters.partners").set_value(["VVF"]).run()
    at.query_params.pop("partners")  # what a page link does: only ?lang= survives
    at.switch_page(PAGES["reach"]).run()
    assert not at.exception
    assert at.multiselect(key="filters.partners").value == ["VVF"]
    assert url_values(at, "partners") == ["VVF"]


def test_a_bad_link_says_at_the_top_of_the_page_what_was_left_out_and_what_is_shown(as_director: Path) -> None:
    """An unknown partner in the link is named in a warning in the page itself (a phone hides the sidebar)."""
    at = open_page("languages", {"partners": ["HYC", "GONE"]})
    assert not at.sidebar.warning
    warnings = [w.value for w in at.main.warning]
    # URL values are shown as text (escaped for Markdown), so the warning reads 'GONE' and cannot become markup
    assert any(markup.text("'GONE'") in w and "showing the others you asked for" in w for w in warnings), warnings
    assert at.multiselect(key="filters.partners").value == ["HYC"]


def test_clear_filters_returns_to_the_defaults(as_director: Path) -> None:
    """The sidebar's Clear filters button empties every list and goes back to the last 12 months."""
    at = open_page("overview", {"period": "all-time", "languages": ["English"]})
    at.sidebar.button(key="filters.clear").click().run()
    assert at.selectbox(key="filters.period").value == "last-12-months"
    assert at.multiselect(key="filters.languages").value == []
    expected = _unique_people(as_director, DEFAULT_START, DEFAULT_END)
    assert metric_values(at)["Unique people reached"] == f"{expected:,}"


def test_changing_a_filter_runs_only_the_queries_that_depend_on_it(
    as_director: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lists of partners, languages and neighborhoods and the data's extent are not queried again."""
    ui.data_changed()
    ran: list[str] = []
    real = db.run_query

    def counting(name: str, **params: object):
        ran.append(name)
        return real(name, **params)

    monkeypatch.setattr(db, "run_query", counting)
    at = open_page("overview")
    assert {"filter_options", "data_extent", "kpis"} <= set(ran)
    ran.clear()
    at.multiselect(key="filters.neighborhoods").set_value(["Chinatown"]).run()
    assert "filter_options" not in ran and "data_extent" not in ran
    assert "kpis" in ran
    ran.clear()
    at.multiselect(key="filters.neighborhoods").set_value([]).run()
    assert ran == []  # back to a combination already seen: every result comes from the cache

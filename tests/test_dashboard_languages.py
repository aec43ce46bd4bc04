"""The languages page: every language keeps its own bar (one Korean speaker included), shares,
the partner-by-language heat map, events per language, and colours that mean the same everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from impact import charts, db, ingest, labels
from impact.web import auth
from tests import builders, dashboards
from tests.dashboards import (
    DEFAULT_END,
    DEFAULT_START,
    between,
    by_label,
    engagements,
    events,
    figures,
    metric_values,
    open_numbers,
    open_page,
    plotly_values,
    trace,
)

KOREAN_DAYS = (date(2024, 5, 6), date(2024, 5, 20))


@pytest.fixture(scope="module")
def coalition_db(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    """The fixture coalition plus one Korean speaker seen twice by Harbor Youth Center in May 2024."""
    path = dashboards.build_coalition(built_coalition_db, tmp_path_factory.mktemp("languages") / "coalition.duckdb")
    rows = [builders.ENGAGEMENT_HEADER] + [
        builders.engagement(900 + i, day=day, partner="HYC", person="person-korean", language="Korean")
        for i, day in enumerate(KOREAN_DAYS)
    ]
    report = ingest.process(builders.csv_bytes(rows), "korean.csv", database=path, by="test", store=True)
    assert report.ok, [str(p) for p in report.problems]
    yield path
    db.close(path)


@pytest.fixture
def as_director(coalition_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IMPACT_DB", str(coalition_db))
    monkeypatch.setattr(auth, "current_user", lambda: dashboards.DIRECTOR)
    return coalition_db


def in_period(path: Path):
    return between(engagements(path), "engaged_on", DEFAULT_START, DEFAULT_END)


def test_people_and_contacts_by_language_match_independent_counts(as_director: Path) -> None:
    """Each language's bar is its distinct people; the contacts bar is its contacts and share."""
    shown = figures(open_page("languages"))
    people = by_label(shown["Unique people by language"])
    contacts = by_label(shown["Contacts by language, with their share of all contacts"])
    recorded = in_period(as_director)
    for language, rows in recorded.groupby("language"):
        name = labels.label("language", language)
        assert people[name] == rows["participant_key"].nunique()
        assert contacts[name] == len(rows)
    text = dict(
        zip(
            plotly_values(trace(shown["Contacts by language, with their share of all contacts"])["y"]),
            trace(shown["Contacts by language, with their share of all contacts"])["text"],
            strict=True,
        )
    )
    spanish = (recorded["language"] == "Spanish").sum()
    assert text["Spanish"] == f"{spanish:,} ({spanish / len(recorded):.1%})"


def test_a_language_with_one_speaker_keeps_its_own_bar_and_row(as_director: Path) -> None:
    """Korean (one person, two contacts) is shown as itself, never folded into "Other"."""
    at = open_numbers(open_page("languages"))
    people = by_label(figures(at)["Unique people by language"])
    assert people["Korean"] == 1
    assert "Other" not in people
    table = next(t.value for t in at.dataframe if "Language" in t.value.columns and "Share of contacts (%)" in t.value)
    korean = table.set_index("Language").loc["Korean"]
    assert (korean["Unique people"], korean["Contacts"]) == (1, 2)


def test_the_share_of_contacts_not_in_english_matches_a_count(as_director: Path) -> None:
    """The card is the share of individual contacts whose language is not English, one decimal."""
    recorded = in_period(as_director)
    share = (recorded["language"] != "English").mean()
    assert metric_values(open_page("languages"))["Contacts not in English"] == f"{share:.1%}"


def test_each_months_language_shares_add_up_to_the_whole(as_director: Path) -> None:
    """The trend's lines are shares of each month's contacts; in May 2024 Korean has its two."""
    chart = figures(open_page("languages"))["Each language's share of the month's contacts"]
    may = {}
    for line in chart["data"]:
        months = [dashboards.month_key(m) for m in plotly_values(line["x"])]
        may[line["name"]] = dict(zip(months, plotly_values(line["y"]), strict=True))["2024-05"]
    assert sum(may.values()) == pytest.approx(1.0)
    recorded = in_period(as_director)
    in_may = recorded[recorded["engaged_on"].dt.strftime("%Y-%m") == "2024-05"]
    assert may["Korean"] == pytest.approx(2 / len(in_may))


def test_the_heat_map_shows_each_partners_contacts_in_each_language(as_director: Path) -> None:
    """A cell's label is the partner's contacts in the language; darker means a larger share of them."""
    chart = figures(open_page("languages"))[
        "Contacts by partner and language (darker: a larger share of the partner's contacts)"
    ]
    grid = trace(chart)
    partners, languages = plotly_values(grid["y"]), plotly_values(grid["x"])
    cell = grid["text"][partners.index("Harbor Youth Center")][languages.index("Korean")]
    assert cell == "2"
    recorded = in_period(as_director)
    hyc = recorded[recorded["partner_id"] == "HYC"]
    spanish = grid["text"][partners.index("Harbor Youth Center")][languages.index("Spanish")]
    assert spanish == f"{(hyc['language'] == 'Spanish').sum():,}"
    shares = plotly_values(grid["z"])[partners.index("Harbor Youth Center")]
    assert sum(shares) == pytest.approx(1.0)


def test_events_offered_in_each_language_count_every_language_of_an_event(as_director: Path) -> None:
    """An event in Cantonese and English counts once in each."""
    chart = figures(open_page("languages"))["Events offered in each language"]
    held = between(events(as_director), "event_date", DEFAULT_START, DEFAULT_END)
    counted = by_label(chart)
    for language in ("Cantonese", "English"):
        assert counted[language] == sum(language in langs for langs in held["languages"])


def test_a_language_has_one_colour_on_every_chart(as_director: Path) -> None:
    """Korean's bars and trend line share one colour, the one the palette gives it on every page."""
    shown = figures(open_page("languages"))
    korean = charts.language_colors(["Korean"])["Korean"]
    for title in ("Unique people by language", "Contacts by language, with their share of all contacts"):
        bars = trace(shown[title])
        colours = dict(zip(plotly_values(bars["y"]), bars["marker"]["color"], strict=True))
        assert colours["Korean"] == korean
    line = trace(shown["Each language's share of the month's contacts"], "Korean")
    assert line["line"]["color"] == korean


def test_colours_do_not_depend_on_what_a_chart_shows() -> None:
    """A partner's or language's colour comes from the whole list, so filtering never repaints."""
    everyone = charts.partner_colors(["RBA", "HYC", "CLA", "SSE"])
    assert charts.partner_colors(["SSE", "CLA", "HYC", "RBA"]) == everyone
    assert len(set(everyone.values())) == 4
    assert (
        charts.language_colors(["Cantonese"])["Cantonese"] == charts.language_colors(["Zulu", "Cantonese"])["Cantonese"]
    )
    known = charts.language_colors([])
    assert len(set(known.values())) == len(known) == 12  # every language of the contract its own colour


def test_choosing_a_language_narrows_the_page_to_it(as_director: Path) -> None:
    """?languages=Korean leaves one language served and a single bar."""
    at = open_page("languages", {"languages": ["Korean"]})
    assert metric_values(at)["Languages served"] == "1"
    assert by_label(figures(at)["Unique people by language"]) == {"Korean": 1}

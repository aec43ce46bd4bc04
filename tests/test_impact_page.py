"""The public impact page: figures equal independent counts, small groups never leave the server,
no differencing across the page's views recovers them, and share links lock the scope."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, ingest, public, shares
from impact.web import public_page
from tests.conftest import sql

SECRET_SERVICE = "confidential-intake-note"
# Small groups on top of the shared fixtures: 3 Tagalog speakers in Glen Park (2023), and a
# year (2022) with 4 people only. Their service type stands for staff's free text.
SMALL_GROUPS = (
    "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,age_group,channel,service_type\n"
    + "".join(
        f"SG{i},{day},RBA,small-{i},{language},{hood},65+,phone,{SECRET_SERVICE}\n"
        for i, (day, language, hood) in enumerate(
            [(f"2023-03-0{i + 1}", "Tagalog", "Glen Park") for i in range(3)]
            + [(f"2022-05-1{i}", "Cantonese", "Chinatown") for i in range(4)]
        )
    )
)


@pytest.fixture
def small_groups_db(fixture_db: Path, tmp_path: Path) -> Path:
    """The fixture database plus small groups (see SMALL_GROUPS)."""
    path = tmp_path / "small_groups.csv"
    path.write_text(SMALL_GROUPS, encoding="utf-8")
    [report] = ingest.load_files([path], database=fixture_db, by="fixture")
    assert report.ok, [str(p) for p in report.problems]
    return fixture_db


def _app(share: str | None = None, **params: str) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=90)
    if share is not None:
        at.query_params[shares.URL_PARAM] = share
    for key, value in params.items():
        at.query_params[key] = value
    return at


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def sent(at: AppTest) -> str:
    """Everything the page sent to the browser: every element's message, tables decoded."""
    parts = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(str(proto))
        if type(node).__name__ in ("Table", "Dataframe"):
            parts.append(node.value.to_csv())
    return "\n".join(parts)


def open_numbers(at: AppTest) -> AppTest:
    """Run the page and open every "The numbers behind this chart", as a person clicks each one: the
    tables are drawn only then."""
    at.run()
    for key in [k for k in at.session_state if str(k).startswith(public_page.NUMBERS_KEY)]:
        at.session_state[key] = True
    at.run()
    return at


def _select(at: AppTest, year: int) -> AppTest:
    at.selectbox(key="impact_year").select(year).run()
    return at


def _metric(at: AppTest, label: str) -> str:
    [value] = [m.value for m in at.metric if m.label == label]
    return value


def _tables(at: AppTest) -> dict[str, pd.DataFrame]:
    """The opened tables by their first column's name (Year, Main language, Main neighborhood, ...)."""
    return {t.value.index.name: t.value for t in at.table}


def _all_years(at: AppTest) -> str:
    [sentence] = [m.value for m in at.markdown if m.value.startswith("All years")]
    return sentence


def test_anonymous_visitors_get_the_headline_that_an_independent_count_gives(small_groups_db: Path) -> None:
    """The latest year's and all years' unique people and contacts equal SQL counts."""
    people = sql(
        small_groups_db,
        "select count(distinct participant_key) from engagements where engaged_on between '2022-01-01' and '2024-12-31'",
    )[0][0]
    engaged = sql(small_groups_db, "select count(*) from engagements where engaged_on <= '2024-12-31'")[0][0]
    headcount = sql(
        small_groups_db,
        "select coalesce(sum(attendance), 0) from events where event_id not in "
        "(select event_id from engagements where event_id is not null)",
    )[0][0]
    people_2024 = sql(
        small_groups_db,
        "select count(distinct participant_key) from engagements where engaged_on between '2024-01-01' and '2024-12-31'",
    )[0][0]
    at = _app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Our shared impact"
    assert _metric(at, "Unique people reached") == f"{people_2024:,}"
    assert f"{people:,} unique people reached, {engaged + headcount:,} contacts" in _all_years(at)
    assert any("Figures to December 31, 2024." in c.value for c in at.caption)
    assert 4 <= len(at.metric) <= 6


def test_small_groups_are_shown_as_under_eleven_and_no_record_reaches_the_browser(small_groups_db: Path) -> None:
    """Tagalog (3 people) reads "<11"; no participant key, service type or event title is sent."""
    at = _select(open_numbers(_app()), 2023)
    assert not at.exception
    languages = _tables(at)["Main language"]
    assert languages.loc["Tagalog", "People"] == "\\<11"
    hoods = _tables(at)["Main neighborhood"]
    assert "Glen Park" not in hoods.index  # three people: among 'Other neighborhoods', not singled out
    assert "Other neighborhoods" in hoods.index
    text = sent(at)
    keys = [str(k) for (k,) in sql(small_groups_db, "select distinct participant_key from engagements")]
    assert not [k for k in keys if re.search(rf"\b{k}\b", text)]
    assert SECRET_SERVICE not in text
    titles = [t for (t,) in sql(small_groups_db, "select title from events")]
    assert not [t for t in titles if re.search(rf"\b{re.escape(t)}\b", text)]


def test_a_year_with_fewer_than_eleven_people_is_not_broken_down(small_groups_db: Path) -> None:
    """2022 has 4 people: its headline reads "<11" and its language and neighborhood tables are not drawn."""
    at = open_numbers(_app())
    _select(at, 2022)
    assert _metric(at, "Unique people reached") == "<11"
    assert any("not broken down" in i.value for i in at.info)
    assert not {"Main language", "Main neighborhood"} & set(_tables(at))


def _range(hidden_sum: int, labels: list[str], limit: int = 10) -> list[tuple[int, int]]:
    """For each "<11" cell among `labels` (the hidden cells of one sum), the least and greatest
    value an attacker can give it: the others take their extremes ("<11": 1..10, "—": 11 and up)."""
    out = []
    for i, label in enumerate(labels):
        if label != "<11":
            continue
        others = labels[:i] + labels[i + 1 :]
        others_min = sum(1 if o == "<11" else limit + 1 for o in others)
        others_max = None if "—" in others else sum(limit for _ in others)
        low = 1 if others_max is None else max(1, hidden_sum - others_max)
        high = min(limit, hidden_sum - others_min)
        out.append((low, high))
    return out


def _number(label: str) -> int | None:
    return int(label.replace(",", "")) if re.fullmatch(r"[\d,]+", label) else None


def _cells(table: pd.DataFrame, column: str) -> list[str]:
    """A table's cells as the reader reads them (st.table cells are escaped Markdown: "\\<11" reads "<11")."""
    return [str(v).replace("\\", "") for v in table[column]]


def test_no_small_count_can_be_worked_out_from_the_page_by_differencing(small_groups_db: Path) -> None:
    """The attack a careful reader would try, on what the page shows for every selectable year:
    totals minus shown cells, across the trend's years and all years, the headlines and both
    breakdown tables."""
    at = open_numbers(_app())
    years = list(at.selectbox(key="impact_year").options)
    trend = next(t.value for t in at.table if "Contacts" in t.value.columns)  # the years' table
    for column in ("Contacts", "Events", "Meetings with officials"):
        cells = _cells(trend, column)
        total, cells = cells[-1], cells[:-1]  # the last row is all years
        hidden = [c for c in cells if _number(c) is None]
        if _number(total) is not None and hidden:
            hidden_sum = _number(total) - sum(_number(c) for c in cells if _number(c) is not None)
            for low, high in _range(hidden_sum, hidden):
                assert (low, high) == (1, 10), (column, cells, total)
        if total == "—":
            assert hidden, f"{column}: a hidden total would follow from the years"
    checked = 0
    for year in years:
        _select(at, year)
        year_people = _metric(at, "Unique people reached")
        for name in ("Main language", "Main neighborhood"):
            if name not in _tables(at):
                continue
            cells = _cells(_tables(at)[name], "People")
            hidden = [c for c in cells if _number(c) is None]
            if _number(year_people) is None:
                assert hidden, f"{year}: the hidden year total would be the sum of its rows"
                continue
            hidden_sum = _number(year_people) - sum(_number(c) for c in cells if _number(c) is not None)
            for low, high in _range(hidden_sum, hidden):
                assert (low, high) == (1, 10), (year, name, cells, year_people)
                checked += 1
    assert checked, "no small count on the page: the attack proves nothing"


def test_the_report_publishes_no_count_from_one_to_ten(small_groups_db: Path) -> None:
    """Every published number of every view is 0 or above the threshold."""
    from impact import db

    scope = public.public_scope(date(2022, 1, 1), date(2024, 12, 28), date(2026, 1, 1))
    report = public.build_report(scope, lambda name, **p: db.run_query(name, db=small_groups_db, **p))
    numbers = [v for c in report.figures.columns if c.endswith("_value") for v in report.figures[c] if v is not None]
    for frame in [*report.languages.values(), *report.neighborhoods.values()]:
        numbers += [v for v in frame["people_value"] if v is not None]
    numbers += [v for v in report.pairs["events_value"] if v is not None]
    assert numbers and not [n for n in numbers if 1 <= n <= 10]
    assert report.suppressed > 0


def test_a_share_link_shows_exactly_its_scope_and_the_url_cannot_widen_it(small_groups_db: Path) -> None:
    """HYC in 2024: the headline equals an independent count for HYC in 2024, whatever else the URL says."""
    _link, token = shares.create(
        "2024 report",
        ["HYC"],
        date(2024, 1, 1),
        date(2024, 12, 31),
        date.today(),
        "dir",
        small_groups_db,
        recipient="Harbor Fund",
    )
    expected = sql(
        small_groups_db,
        "select count(distinct participant_key) from engagements "
        "where partner_id = 'HYC' and engaged_on between '2024-01-01' and '2024-12-31'",
    )[0][0]
    at = _app(token, partners="HYC,CLA,SSE,VVF,TSN,RBA", start="2020-01-01", end="2030-12-31", year="2023")
    at.run()
    assert not at.exception
    assert _metric(at, "Unique people reached") == f"{expected:,}"  # the link's year once, whatever ?year= says
    assert not [s for s in at.selectbox if s.key == "impact_year"]
    # the data ends on Dec 28: a link reaching beyond it ends with the data's last complete month
    assert [h.value for h in at.subheader if h.value.startswith(("In ", "2024", "All years"))] == ["In 2024"]
    assert [h.value for h in at.subheader if h.value.startswith("Prepared for")] == ["Prepared for Harbor Fund"]
    assert any(c.value.startswith("Partners: Harbor Youth Center.") for c in at.caption)
    assert "2024 report" not in sent(at)  # the label is the director's, not the recipient's
    assert sql(small_groups_db, "select times_opened from share_links")[0][0] == 1
    at.run()  # a rerun in the same session is not a new visit
    assert sql(small_groups_db, "select times_opened from share_links")[0][0] == 1


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown"])
def test_revoked_expired_and_unknown_links_show_a_polite_message_and_no_data(small_groups_db: Path, state: str) -> None:
    """No metric, table or chart; no label of the link either."""
    link, token = shares.create(
        "Harbor Fund", ["HYC"], date(2024, 1, 1), date(2024, 12, 31), date.today(), "dir", small_groups_db
    )
    if state == "revoked":
        shares.revoke(link.link_id, "dir", small_groups_db)
    elif state == "expired":
        sql(small_groups_db, "update share_links set expires_on = $d", {"d": date.today() - timedelta(days=1)})
    else:
        token = token[::-1]
    at = _app(token)
    at.run()
    assert not at.exception
    assert len(at.metric) + len(at.table) + len(at.get("plotly_chart")) == 0
    message = at.info[0].value
    assert {"revoked": "no longer active", "expired": "has expired", "unknown": "not valid"}[state] in message
    assert "Harbor Fund" not in sent(at)


def test_the_page_prints_without_the_sidebar(small_groups_db: Path) -> None:
    """A print stylesheet hides the sidebar and toolbar."""
    at = _app()
    at.run()
    styles = " ".join(h.proto.body for h in at.get("html"))
    assert "@media print" in styles and "stSidebar" in styles


def test_the_method_note_states_the_threshold_in_force(small_groups_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With IMPACT_SUPPRESSION_THRESHOLD=20, counts up to 20 read "<21", and the page says so."""
    monkeypatch.setenv("IMPACT_SUPPRESSION_THRESHOLD", "20")
    at = _select(open_numbers(_app()), 2023)
    assert "'\\<21'" in " ".join(m.value for m in at.markdown)
    assert "<21" in _cells(_tables(at)["Main language"], "People")


def test_small_numbers_are_explained_under_the_first_figure_that_shows_one(small_groups_db: Path) -> None:
    """2022's people read "<11": the caption right under the headline figures says what "<11" and "—" mean."""
    at = _app()
    at.run()
    _select(at, 2022)
    captions = [c.value.replace("\\", "") for c in at.caption]
    explained = [i for i, c in enumerate(captions) if c.startswith("'<11' means from 1 to 10")]
    assert len(explained) == 1
    assert captions.index(next(c for c in captions if c.startswith("Figures to"))) < explained[0]


def test_rankings_run_from_the_largest_published_number_and_suppressed_counts_come_last(
    small_groups_db: Path,
) -> None:
    """Languages, neighborhoods and partner pairs by size; "<11" and "—" after every shown number, in
    name order (their order says nothing of their size); 'Other neighborhoods' last."""
    at = _select(open_numbers(_app()), 2023)
    for name, column in (
        ("Main language", "People"),
        ("Main neighborhood", "People"),
        ("Partners", "Events held together"),
    ):
        table = _tables(at)[name]
        if name == "Main neighborhood":
            assert table.index[-1] == "Other neighborhoods"
            table = table.iloc[:-1]
        cells = _cells(table, column)
        shown = [_number(c) for c in cells if _number(c) is not None]
        assert shown == sorted(shown, reverse=True), name
        first_hidden = next((i for i, c in enumerate(cells) if _number(c) is None), len(cells))
        assert all(_number(c) is None for c in cells[first_hidden:]), name
        hidden_names = [str(n) for n in table.index[first_hidden:]]
        assert hidden_names == sorted(hidden_names), name

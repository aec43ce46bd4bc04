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


def _metric(at: AppTest, label: str, index: int) -> str:
    return [m.value for m in at.metric if m.label == label][index]


def _tables(at: AppTest) -> list[pd.DataFrame]:
    return [t.value for t in at.table]


def test_anonymous_visitors_get_the_headline_that_an_independent_count_gives(small_groups_db: Path) -> None:
    """All-years unique people and contacts equal SQL counts over the complete years."""
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
    at = _app()
    at.run()
    assert not at.exception
    assert at.title[0].value == "Our shared impact"
    assert _metric(at, "Unique people reached", 1) == f"{people:,}"
    assert _metric(at, "Contacts", 1) == f"{engaged + headcount:,}"
    assert any("Figures as of Dec 31, 2024." in c.value for c in at.caption)


def test_small_groups_are_shown_as_under_eleven_and_no_record_reaches_the_browser(small_groups_db: Path) -> None:
    """Tagalog (3 people) reads "<11"; no participant key, service type or event title is sent."""
    at = _app()
    at.run()
    at.selectbox(key="impact_year").select(2023).run()
    assert not at.exception
    languages = _tables(at)[1]
    assert languages.loc["Tagalog", "People"] == "<11"
    hoods = _tables(at)[2]
    assert hoods.loc["Glen Park", "People"] in ("<11", "—")
    text = sent(at)
    keys = [str(k) for (k,) in sql(small_groups_db, "select distinct participant_key from engagements")]
    assert not [k for k in keys if re.search(rf"\b{k}\b", text)]
    assert SECRET_SERVICE not in text
    titles = [t for (t,) in sql(small_groups_db, "select title from events")]
    assert not [t for t in titles if re.search(rf"\b{re.escape(t)}\b", text)]


def test_a_year_with_fewer_than_eleven_people_is_not_broken_down(small_groups_db: Path) -> None:
    """2022 has 4 people: its headline reads "<11" and its language and neighborhood tables are not drawn."""
    at = _app()
    at.run()
    at.selectbox(key="impact_year").select(2022).run()
    assert _metric(at, "Unique people reached", 0) == "<11"
    assert any("not broken down" in i.value for i in at.info)
    assert all("Main language" not in t.index.name for t in _tables(at) if t.index.name)


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


def test_no_small_count_can_be_worked_out_from_the_page_by_differencing(small_groups_db: Path) -> None:
    """The attack a careful reader would try, on what the page shows for every selectable year:
    totals minus shown cells, across the trend, the headlines and both breakdown tables."""
    at = _app()
    at.run()
    years = list(at.selectbox(key="impact_year").options)
    trend = _tables(at)[0]
    measures = {"Contacts": "Contacts", "Events": "Events", "Meetings with officials": "Meetings with officials"}
    for label, column in measures.items():
        total = _metric(at, label, 1)
        cells = trend[column].tolist()
        hidden = [c for c in cells if _number(c) is None]
        if _number(total) is not None and hidden:
            hidden_sum = _number(total) - sum(_number(c) for c in cells if _number(c) is not None)
            for low, high in _range(hidden_sum, hidden):
                assert (low, high) == (1, 10), (label, cells, total)
        if _number(total) is None and total == "—":
            assert hidden, f"{label}: a hidden total would follow from the years"
    for year in years:
        at.selectbox(key="impact_year").select(year).run()
        year_people = _metric(at, "Unique people reached", 0)
        for table in _tables(at)[1:3]:
            if table.index.name not in ("Main language", "Main neighborhood"):
                continue
            cells = table["People"].tolist()
            hidden = [c for c in cells if _number(c) is None]
            if _number(year_people) is None:
                assert hidden, f"{year}: the hidden year total would be the sum of its rows"
                continue
            hidden_sum = _number(year_people) - sum(_number(c) for c in cells if _number(c) is not None)
            for low, high in _range(hidden_sum, hidden):
                assert (low, high) == (1, 10), (year, table.index.name, cells, year_people)


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
    assert _metric(at, "Unique people reached", 1) == f"{expected:,}"
    options = list(at.selectbox(key="impact_year").options)
    assert len(options) == 1 and options[0].startswith("2024")  # the link's year only, whatever ?year= says
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
    """With IMPACT_SUPPRESSION_THRESHOLD=20, counts up to 20 read "<21"."""
    monkeypatch.setenv("IMPACT_SUPPRESSION_THRESHOLD", "20")
    at = _app()
    at.run()
    at.selectbox(key="impact_year").select(2023).run()
    assert "'<21'" in " ".join(m.value for m in at.markdown)
    assert "<21" in _tables(at)[1]["People"].tolist()


def test_tables_are_in_name_order_so_suppressed_counts_are_not_ranked(small_groups_db: Path) -> None:
    """An order by count would tell which "<11" is bigger; rows are alphabetical instead."""
    at = _app()
    at.run()
    at.selectbox(key="impact_year").select(2023).run()
    for table in _tables(at)[1:]:
        names = [str(n) for n in table.index]
        assert names == sorted(names), table.index.name

"""The How we work together page (/ingredients): six sections in the coalition's order, its charts'
numbers equal SQL counts, the filters apply, thin data is said in words (never an empty chart), and
the page opened directly shows the public and signed-out visitors nothing but the sign-in form."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db, ingredients
from impact.web import auth
from tests.conftest import sign_in_as, sql
from tests.dashboards import DEFAULT_END, build_coalition, figures, plotly_values
from tests.goal_builders import load_outcomes
from tests.test_ingredients import add_staff_and_event_contacts

PAGE = "pages/13_ingredients.py"
DIRECTOR = auth.User("test-director", "director", "local")
TITLES = [
    "Community accountability",
    "Trust among partners",
    "Breadth of expertise",
    "Multilingual capacity",
    "Political and community recognition",
    "Commitment to long-term change",
]


@pytest.fixture(scope="module")
def full_db(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    """The fixture coalition with surveys, milestones, staff, referrals and contacts at events."""
    path = build_coalition(built_coalition_db, tmp_path_factory.mktemp("ingredients_page") / "coalition.duckdb")
    load_outcomes(path)
    add_staff_and_event_contacts(path)
    yield path
    db.close(path)


@pytest.fixture(scope="module")
def thin_db(tmp_path_factory: pytest.TempPathFactory, built_coalition_db: Path) -> Iterator[Path]:
    """The fixture coalition's partners, events and contacts, without surveys, staff, referrals or milestones."""
    path = build_coalition(built_coalition_db, tmp_path_factory.mktemp("ingredients_thin") / "coalition.duckdb")
    cur = db.cursor(path)
    try:
        cur.execute("delete from staff")
        cur.execute("update engagements set referred_by_partner_id = null")
    finally:
        cur.close()
    yield path
    db.close(path)


def _open(path: Path, monkeypatch: pytest.MonkeyPatch, query: dict | None = None) -> AppTest:
    monkeypatch.setenv("IMPACT_DB", str(path))
    monkeypatch.setattr(auth, "current_user", lambda: DIRECTOR)
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.switch_page(PAGE).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _by_year(figure: dict, name: str) -> dict[str, float]:
    traces = [t for t in figure["data"] if t.get("name") == name]
    assert len(traces) == 1, [t.get("name") for t in figure["data"]]
    return dict(zip(plotly_values(traces[0]["x"]), plotly_values(traces[0]["y"]), strict=True))


def test_the_six_ingredients_are_sections_in_the_coalitions_order_each_with_its_definition(
    full_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Headers in order; each definition is written under its header; every chart has its numbers to download."""
    at = _open(full_db, monkeypatch)
    assert [h.value for h in at.header] == TITLES
    written = " ".join(m.value for m in at.markdown)
    for ingredient in ingredients.INGREDIENTS:
        assert ingredient.definition in written
    charts = at.get("plotly_chart")
    behind = [e for e in at.expander if e.label == "The numbers behind this chart"]
    assert len(charts) >= 18 and len(behind) == len(charts)
    captions = " ".join(c.value for c in at.caption).replace("\u2060", "")  # markup.text keeps ':' from an emoji code
    assert (
        "Not in the contract's list of focus areas, shown as the partners file wrote them: harm reduction." in captions
    )


def test_the_charts_numbers_equal_sql_counts(full_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Events held together, people served by two partners, the reach by year and the language flag."""
    at = _open(full_db, monkeypatch)
    drawn = figures(at)
    together = _by_year(drawn["Events held together, by year"], "Held by two or more partners")
    cohosted = sql(
        full_db,
        "select count(distinct event_id) from event_cohosts join events using (event_id) where event_date <= $e",
        {"e": DEFAULT_END},
    )[0][0]
    assert together == {"2023": 0, "2024 (to Nov 30)": cohosted}
    shared = _by_year(drawn["People served by two or more partners in the same year"], "Served by two or more partners")
    for label, year in (("2023", 2023), ("2024 (to Nov 30)", 2024)):
        expected = sql(
            full_db,
            """select count(*) from (select participant_key from engagements
            where year(engaged_on) = $y and engaged_on <= $e group by 1 having count(distinct partner_id) > 1)""",
            {"y": year, "e": DEFAULT_END},
        )[0][0]
        assert shared[label] == expected
    people = _by_year(drawn["People reached and new people, by year"], "Unique people")
    assert (
        people["2023"]
        == sql(full_db, "select count(distinct participant_key) from engagements where year(engaged_on) = 2023")[0][0]
    )
    density = _by_year(drawn["Network density, by year"], "Density")
    assert density["2024 (to Nov 30)"] == pytest.approx(2 / 15)  # HYC-CLA and VVF-TSN of the 6 partners' 15 pairs
    flagged = " ".join(w.value for w in at.warning)
    spanish = sql(
        full_db,
        "select count(*) from engagements where language = 'Spanish' and engaged_on between '2023-12-01' and $e",
        {"e": DEFAULT_END},
    )[0][0]
    assert f"Spanish: {spanish:,} contacts" in flagged and "Cantonese" not in flagged


def test_the_partner_filter_applies_to_every_section(full_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With HYC and CLA chosen, meetings with officials and staff by language show those partners only."""
    at = _open(full_db, monkeypatch, {"partners": ["HYC", "CLA"]})
    drawn = figures(at)
    rows = set(plotly_values(drawn["Meetings with officials each partner took part in"]["data"][0]["y"]))
    assert rows == {"Harbor Youth Center", "Chinatown Legal Aid"}
    staff_rows = set(plotly_values(drawn["Staff who speak each language, by partner"]["data"][0]["y"]))
    assert staff_rows == {"Harbor Youth Center", "Chinatown Legal Aid"}
    trainings = drawn["Trainings and workshops held with another partner, by year"]
    assert {t["name"] for t in trainings["data"]} == {"Harbor Youth Center", "Chinatown Legal Aid"}


def test_thin_data_is_said_in_words_and_no_empty_chart_is_drawn(thin_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without surveys, staff, referrals and milestones, each of those says what is missing instead of a chart."""
    at = _open(thin_db, monkeypatch)
    said = " ".join(i.value for i in at.info)
    assert "No survey responses for these filters" in said
    assert "No referrals are recorded" in said
    assert "No staff are recorded for these partners in this period" in said
    assert "staff continuity cannot be shown" in said
    assert "No public milestones in this period" in said
    titles = set(figures(at))
    assert "What survey respondents said, by year" not in titles
    assert "Staff who speak each language, by partner" not in titles
    assert "Contacts referred by another partner, by year" not in titles
    assert not any(t.startswith("Of the staff at work") for t in titles)
    assert "Events held together, by year" in titles  # what the files do give is still drawn
    for element in at.get("plotly_chart"):
        assert json.loads(element.proto.spec)["data"], "a chart without data"


@pytest.mark.parametrize("role", ["public", "analyst", "director", "admin"])
def test_the_page_opened_directly_shows_data_to_staff_only(fixture_db: Path, accounts: dict, role: str) -> None:
    """A direct open of the page file (a fresh server's /ingredients): the public gets the sign-in form and no data."""
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=120)
    if role != "public":
        sign_in_as(at, accounts[role])
    at.switch_page(PAGE).run()  # the first run of the session is the page's URL
    assert not at.exception, [e.value for e in at.exception]
    shown = len(at.metric) + len(at.dataframe) + len(at.get("plotly_chart")) + len(at.get("download_button"))
    if role == "public":
        assert "for coalition staff" in " ".join(w.value for w in at.warning)
        assert shown == 0 and len(at.text_input) == 2 and not at.header
    else:
        assert [h.value for h in at.header] == TITLES and shown > 0


def test_the_language_filter_narrows_contacts_and_the_staff_beside_them(
    full_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With Spanish chosen: contacts by channel count Spanish contacts only, and Spanish is flagged as spoken by no staff."""
    at = _open(full_db, monkeypatch, {"languages": ["Spanish"]})
    drawn = figures(at)["Contacts by channel, by year"]
    per_year: dict[str, float] = {}
    for trace in drawn["data"]:
        for label, value in zip(plotly_values(trace["x"]), plotly_values(trace["y"]), strict=True):
            per_year[label] = per_year.get(label, 0) + value
    expected = dict(
        sql(
            full_db,
            """select case year(engaged_on) when 2024 then '2024 (to Nov 30)' else year(engaged_on)::varchar end, count(*)
            from engagements where language = 'Spanish' and engaged_on <= $e group by 1""",
            {"e": DEFAULT_END},
        )
    )
    assert per_year == expected and sum(expected.values()) > 0
    flagged = " ".join(w.value for w in at.warning)
    assert "Spanish" in flagged and "Cantonese" not in flagged
    assert "Staff who speak each language, by partner" not in figures(at)  # nobody on staff speaks Spanish

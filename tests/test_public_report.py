"""The public impact page's stored report: rebuilt after each load and undo, read (never computed)
by a visit, current (the year so far), protected as one set, ranked by size in every language,
limited to a share link's partners, and nothing in the page's payload that should not be there."""

from __future__ import annotations

import json
import logging
import re
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from impact import db, ingest, privacy, public, public_view, shares
from tests.conftest import sql
from tests.goal_builders import load_outcomes
from tests.test_impact_page import _app, open_numbers, sent

LIMIT = 10


def _run(path: Path):
    return lambda name, **params: db.run_query(name, db=path, **params)


def _engagements(path: Path, rows: list[tuple[str, str, str, str, str]], name: str) -> ingest.FileReport:
    """Load engagements (id, day, partner, person, language) as one batch."""
    text = "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,age_group,channel\n" + "".join(
        f"{i},{day},{partner},{person},{language},Chinatown,65+,phone\n" for i, day, partner, person, language in rows
    )
    file = path.parent / name
    file.write_text(text, encoding="utf-8")
    [report] = ingest.load_files([file], database=path, by="test")
    assert report.ok, [str(p) for p in report.problems]
    return report


def _stored(path: Path) -> list[tuple[str, str, str]]:
    return sql(path, "select scope_key, data_version, report from public_reports order by scope_key")


# --- stored when the data changes --------------------------------------------------------------


def test_the_report_is_rebuilt_after_a_load_and_after_an_undo(fixture_db: Path, reports_follow_changes: None) -> None:
    """A load stores a report of the new data (its people equal SQL's count); its undo stores one
    of the data before, and each time the data version changes."""
    public.refresh_reports(fixture_db)
    [(key, before_version, before)] = _stored(fixture_db)
    people = json.loads(before)["figures"]["unique_people_value"][-1]
    report = _engagements(
        fixture_db,
        [(f"NEW{i}", "2024-06-0" + str(1 + i % 9), "HYC", f"new-person-{i}", "Cantonese") for i in range(30)],
        "more.csv",
    )
    [(key_after, loaded_version, loaded)] = _stored(fixture_db)
    expected = sql(
        fixture_db,
        "select count(distinct participant_key) from engagements where engaged_on between '2023-01-01' and '2024-12-31'",
    )[0][0]
    assert key_after == key and loaded_version != before_version
    assert loaded_version == public.data_version(_run(fixture_db))
    assert json.loads(loaded)["figures"]["unique_people_value"][-1] == expected == people + 30
    ingest.undo_batch(report.batch_id, database=fixture_db, by="test")
    [(_key, undone_version, undone)] = _stored(fixture_db)
    assert undone_version not in (before_version, loaded_version)
    assert json.loads(undone)["figures"]["unique_people_value"][-1] == people


def test_the_demo_command_stores_the_open_pages_report(tmp_path: Path, reports_follow_changes: None) -> None:
    """`python -m impact demo` ends with the public page's report stored for the data it built."""
    from impact import cli

    path = tmp_path / "demo.duckdb"
    assert cli.main(["demo", "--db", str(path), "--engagements", "1500", "--seed", "3"]) == 0
    stored = sql(path, "select scope_key, data_version from public_reports")
    assert len(stored) == 1 and stored[0][1] == public.data_version(_run(path))
    assert not json.loads(stored[0][0])["shared"]
    db.close(path)


def test_a_report_is_stored_for_the_open_page_and_each_active_share_link(fixture_db: Path) -> None:
    """Two active links and a revoked one: three reports (open page and the two links)."""
    for label in ("A", "B", "C"):
        link, _token = shares.create(
            label, ["HYC"], date(2024, 1, 1), date(2024, 6, 30), date.today(), "dir", fixture_db
        )
    shares.revoke(link.link_id, "dir", fixture_db)
    assert public.refresh_reports(fixture_db) == 2  # links A and B share one scope: one report for both
    scopes = [json.loads(key) for key, _v, _r in _stored(fixture_db)]
    assert sorted((s["partners"] or [], s["shared"]) for s in scopes) == [([], False), (["HYC"], True)]


def test_a_new_link_gets_its_report_and_the_others_are_kept_as_they_were(fixture_db: Path) -> None:
    """After a link is made, refreshing builds that link's report only; the open page's stays as built."""
    public.refresh_reports(fixture_db)
    [(open_key, _built_at)] = sql(fixture_db, "select scope_key, built_at from public_reports")
    before = dict(sql(fixture_db, "select scope_key, built_at from public_reports"))
    shares.create("New", ["CLA"], date(2024, 1, 1), date(2024, 12, 31), date.today(), "dir", fixture_db)
    assert public.refresh_reports(fixture_db) == 2
    after = dict(sql(fixture_db, "select scope_key, built_at from public_reports"))
    assert after[open_key] == before[open_key] and len(after) == 2
    assert public.refresh_reports(fixture_db, force=True) == 2
    assert dict(sql(fixture_db, "select scope_key, built_at from public_reports"))[open_key] > before[open_key]


def test_the_stored_report_reads_back_as_it_was_built(outcomes_db: Path) -> None:
    """JSON there and back: the same published labels and numbers, partners by id with both names."""
    scope = public.open_scope(outcomes_db)
    built = public.build_report(scope, _run(outcomes_db), LIMIT)
    stored = public.from_json(public.to_json(built))
    pd.testing.assert_frame_equal(stored.figures, built.figures)
    pd.testing.assert_frame_equal(stored.survey, built.survey)
    assert stored.languages.keys() == built.languages.keys()
    assert {"partner_id", "name", "name_zh"} <= set(stored.partners.columns)
    assert "pickle" not in public.to_json(built) and public.to_json(built).startswith("{")


def test_an_old_database_gets_its_report_built_once_on_the_first_visit_and_says_so(
    fixture_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No stored report (a database from before): the visit builds and stores it, and logs that."""
    sql(fixture_db, "delete from public_reports")
    with caplog.at_level(logging.WARNING, logger="impact.public"):
        at = _app()
        at.run()
    assert not at.exception
    assert any("building it now" in r.getMessage() for r in caplog.records)
    assert len(_stored(fixture_db)) == 1


def test_a_visit_runs_no_suppression_solver(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With the report stored, /impact draws every figure while impact.privacy.protect would fail."""
    public.refresh_reports(fixture_db)

    def refuse(*args, **kwargs):
        raise AssertionError("a visit ran the suppression solver")

    monkeypatch.setattr(privacy, "protect", refuse)
    monkeypatch.setattr(public.privacy, "protect", refuse)
    at = _app()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    people = sql(
        fixture_db,
        "select count(distinct participant_key) from engagements where engaged_on between '2024-01-01' and '2024-12-31'",
    )[0][0]
    assert [m.value for m in at.metric if m.label == "Unique people reached"] == [f"{people:,}"]


def test_a_visit_queries_no_figure_and_scans_no_contact(fixture_db: Path) -> None:
    """With the report stored, a visit asks the database for the data version only: no figure's query,
    and not even the data's first and last day (stored with the report)."""
    public.refresh_reports(fixture_db)
    at = _app()
    with db.recording() as calls:
        at.run()
    assert not at.exception
    asked = {call.name for call in calls}
    assert asked == {"public_data_version"}, asked
    first, last = sql(
        fixture_db,
        "select min(d), max(d) from (select engaged_on d from engagements union all select event_date from events)",
    )[0]
    assert public.data_extent(fixture_db) == {"first_day": first, "last_day": last}


def test_a_report_stored_before_the_extent_was_recorded_does_not_hide_the_data(fixture_db: Path) -> None:
    """A stored row without first and last day (made before they were recorded): the extent is queried."""
    public.refresh_reports(fixture_db)
    sql(fixture_db, "update public_reports set first_day = null, last_day = null")
    assert (
        public.data_extent(fixture_db)["last_day"] == sql(fixture_db, "select max(engaged_on) from engagements")[0][0]
    )
    at = _app()
    at.run()
    assert not at.exception and at.metric


def test_the_warm_up_stores_the_open_pages_report_and_never_makes_a_database(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a fresh server warms after its first page run: the stored report (built if the data changed
    without one) and its page in every language; with no database file, nothing is made."""
    from impact.web import public_page

    sql(fixture_db, "delete from public_reports")
    public_page._warm()
    assert len(_stored(fixture_db)) == 1
    missing = tmp_path / "none" / "coalition.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(missing))
    public_page._warm()
    assert not missing.exists() and not missing.parent.exists()


# --- current: the year so far ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_day", "today", "end"),
    [
        (date(2026, 11, 30), date(2026, 12, 1), date(2026, 11, 30)),  # data to the end of November
        (date(2026, 12, 1), date(2026, 12, 2), date(2026, 11, 30)),  # December is not over
        (date(2026, 11, 28), date(2026, 12, 2), date(2026, 11, 30)),  # a quiet last few days
        (date(2026, 7, 14), date(2026, 12, 2), date(2026, 7, 31)),  # the data stops in July
        (date(2026, 1, 20), date(2026, 1, 25), date(2025, 12, 31)),  # January: last year only
    ],
)
def test_the_open_page_runs_to_the_end_of_the_last_complete_month(last_day: date, today: date, end: date) -> None:
    """ "2026 so far, to November 30": the last month that has ended and that the data reaches."""
    scope = public.public_scope(date(2022, 3, 1), last_day, today)
    assert scope is not None and scope.start == date(2022, 1, 1) and scope.end == end


def test_the_year_so_far_is_labelled_with_its_last_day() -> None:
    """The year under way reads "2026 so far, to Nov 30"; a whole year reads as itself."""
    scope = public.PublicScope(date(2024, 1, 1), date(2026, 11, 30))
    from impact import i18n

    with i18n.using("en"):
        assert public_view.year_label(scope, 2026) == "2026 so far, to Nov 30"
        assert public_view.year_label(scope, 2025) == "2025"


def _year_so_far_db(fixture_db: Path) -> Path:
    """The fixture's 2023-2024 plus, in the first half of 2025, 40 people and 3 Tagalog speakers."""
    rows = [(f"Y{i}", f"2025-0{1 + i % 5}-1{i % 9}", "CLA", f"ytd-{i}", "Cantonese") for i in range(40)]
    rows += [(f"T{i}", "2025-03-0" + str(i + 1), "RBA", f"tagalog-{i}", "Tagalog") for i in range(3)]
    _engagements(fixture_db, rows, "year_so_far.csv")
    return fixture_db


def test_the_year_so_far_is_part_of_the_all_years_totals_and_equals_sql(fixture_db: Path) -> None:
    """A scope to June 30, 2025: 2025's people and contacts equal SQL's counts to that day, and the
    all-years contacts are the years' sum with 2025 in it."""
    path = _year_so_far_db(fixture_db)
    scope = public.PublicScope(date(2023, 1, 1), date(2025, 6, 30))
    report = public.build_report(scope, _run(path), LIMIT)
    row = report.period("2025")
    people, contacts = sql(
        path,
        "select count(distinct participant_key), count(*) from engagements "
        "where engaged_on between '2025-01-01' and '2025-06-30'",
    )[0]
    assert (row["unique_people_value"], row["contacts_value"]) == (people, contacts)
    years = report.figures[report.figures["period"] != public.ALL]
    assert report.period(public.ALL)["contacts_value"] == sum(years["contacts_value"])
    assert report.languages[2025].set_index("language").loc["Tagalog", "people"] == "<11"


def _attack(total: str, cells: list[str]) -> list[tuple[int, int]]:
    """What a reader can work out of each "<11" among `cells` whose sum is `total` (all as shown):
    the least and greatest value it can have, the other hidden cells at their extremes."""
    number = {c: int(c.replace(",", "")) for c in [total, *cells] if re.fullmatch(r"[\d,]+", c)}
    if total not in number:
        return []
    hidden = [c for c in cells if c not in number]
    rest = number[total] - sum(number[c] for c in cells if c in number)
    ranges = []
    for i, cell in enumerate(hidden):
        if cell != "<11":
            continue
        others = hidden[:i] + hidden[i + 1 :]
        low_others = sum(1 if o == "<11" else LIMIT + 1 for o in others)
        high_others = None if privacy.HIDDEN_LABEL in others else LIMIT * len(others)
        low = 1 if high_others is None else max(1, rest - high_others)
        ranges.append((low, min(LIMIT, rest - low_others)))
    return ranges


def test_no_small_count_of_the_year_so_far_can_be_worked_out_by_differencing(fixture_db: Path) -> None:
    """Every sum a reader can take - the years against all years, a year's languages and
    neighborhoods against its people, a question's answers against its responses - leaves each
    "<11" anywhere from 1 to 10, the year so far included."""
    path = _year_so_far_db(fixture_db)
    load_outcomes(path)
    scope = public.PublicScope(date(2023, 1, 1), date(2025, 6, 30))
    report = public.build_report(scope, _run(path), LIMIT)
    years = report.figures[report.figures["period"] != public.ALL]
    total = report.period(public.ALL)
    checked = 0
    for measure in ("contacts", "events", "officials_meetings"):
        for found in _attack(total[measure], list(years[measure])):
            assert found == (1, LIMIT), (measure, list(years[measure]), total[measure])
            checked += 1
    for year in scope.years():
        people = report.period(str(year))["unique_people"]
        for frame in (report.languages[year], report.neighborhoods[year]):
            for found in _attack(people, list(frame["people"])):
                assert found == (1, LIMIT), (year, list(frame["people"]), people)
                checked += 1
    for row in report.survey_totals.itertuples():
        answers = report.survey[(report.survey["year"] == row.year) & (report.survey["question"] == row.question)]
        for found in _attack(row.responses, list(answers["responses"])):
            assert found == (1, LIMIT), (row.year, row.question)
            checked += 1
    assert checked > 0, "no small count to attack: the test would prove nothing"


def test_the_report_publishes_no_count_from_one_to_ten_with_the_year_so_far(fixture_db: Path) -> None:
    """Every published number of every view, the year so far and the survey included, is 0 or above 10."""
    path = _year_so_far_db(fixture_db)
    load_outcomes(path)
    report = public.build_report(public.PublicScope(date(2023, 1, 1), date(2025, 6, 30)), _run(path), LIMIT)
    numbers = [v for c in report.figures.columns if c.endswith("_value") for v in report.figures[c]]
    for frame in [*report.languages.values(), *report.neighborhoods.values()]:
        numbers += list(frame["people_value"])
    numbers += list(report.pairs["events_value"]) + list(report.survey["responses_value"])
    numbers += list(report.survey_totals["responses_value"])
    numbers = [n for n in numbers if n is not None]
    assert numbers and not [n for n in numbers if 1 <= n <= LIMIT]


# --- share links: their partners only ----------------------------------------------------------


def test_a_share_links_collaboration_names_only_pairs_of_its_own_partners(fixture_db: Path) -> None:
    """A link for CLA and HYC: its pairs are CLA with HYC only, their events equal SQL's count of
    events both held; the open page has pairs with other partners."""
    scope = public.shared_scope(date(2023, 1, 1), date(2024, 12, 31), ("CLA", "HYC"), None)
    report = public.build_report(scope, _run(fixture_db), LIMIT)
    assert set(zip(report.pairs["partner_a"], report.pairs["partner_b"], strict=True)) <= {("CLA", "HYC")}
    together = sql(
        fixture_db,
        """with held as (
            select event_id, host_partner_id as partner_id from events
            union select event_id, partner_id from event_cohosts
        )
        select count(distinct a.event_id) from held a join held b on a.event_id = b.event_id
        where a.partner_id = 'CLA' and b.partner_id = 'HYC'""",
    )[0][0]
    if together:
        shown = report.pairs["events_value"].iloc[0]
        assert shown in (together, None)
    whole = public.build_report(public.open_scope(fixture_db), _run(fixture_db), LIMIT)
    assert set(whole.pairs["partner_a"]) | set(whole.pairs["partner_b"]) - {"CLA", "HYC"}
    assert set(report.partners["partner_id"]) <= {"CLA", "HYC"}


def test_a_one_year_share_link_shows_its_year_once_and_no_other_partner(outcomes_db: Path) -> None:
    """HYC and CLA in 2024: one set of headline figures, no year to choose, no all-years sentence, the
    year's public milestone, and no partner outside the link named anywhere on the page."""
    _link, token = shares.create(
        "2024", ["HYC", "CLA"], date(2024, 1, 1), date(2024, 12, 31), date.today(), "d", outcomes_db
    )
    public.refresh_reports(outcomes_db)
    at = open_numbers(_app(token))
    assert not at.exception
    assert len([m for m in at.metric if m.label == "Unique people reached"]) == 1
    assert not [s for s in at.selectbox if s.key == "impact_year"]
    assert not any("All years" in m.value for m in at.markdown)
    text = sent(at)
    assert "language access funded" in text  # its public milestone (M1), though there is no trend to mark it on
    others = [name for (name,) in sql(outcomes_db, "select name from partners where partner_id not in ('HYC', 'CLA')")]
    assert others and not [n for n in others if n in text]


# --- the page: payload and order ---------------------------------------------------------------


def _figure_numbers(at) -> list[float]:
    """The counts the page's charts draw: bar lengths and the numbers written on bars."""
    found = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec["data"]:
            if trace.get("type") != "bar":
                continue
            axis = "x" if trace.get("orientation") == "h" else "y"
            values = trace.get(axis) or []
            if isinstance(values, dict):  # plotly's typed arrays: not used for these small figures
                continue
            found += [v for v in values if isinstance(v, int | float) and float(v).is_integer()]
            found += [int(t.replace(",", "")) for t in trace.get("text") or [] if re.fullmatch(r"[\d,]+", str(t))]
    return found


def test_the_pages_payload_holds_no_comment_and_no_count_from_one_to_ten(outcomes_db: Path) -> None:
    """With surveys and comments stored: no comment, description or participant key anywhere in what
    the page sends (every element, every figure, every table opened), and no count from 1 to 10 in its
    figures, tables or charts."""
    public.refresh_reports(outcomes_db)
    at = open_numbers(_app())
    assert not at.exception
    text = sent(at)
    comments = [c for (c,) in sql(outcomes_db, "select comment from surveys where comment is not null")]
    assert comments and not [c for c in comments if c in text or c.split(":")[0] in text]
    assert "Testimony by elders" not in text and "Attack on an elder" not in text  # description; a private one
    keys = [str(k) for (k,) in sql(outcomes_db, "select distinct participant_key from engagements")]
    assert not [k for k in keys if re.search(rf"\b{k}\b", text)]
    counts = [m.value for m in at.metric]
    for table in at.table:
        counts += [str(v) for v in table.value.to_numpy().ravel()]
    small = [c for c in counts if re.fullmatch(r"[\d,]+", c) and 1 <= int(c.replace(",", "")) <= LIMIT]
    assert small == []  # the counts of categories (languages served, neighborhoods) too
    assert not [n for n in _figure_numbers(at) if 1 <= n <= LIMIT]
    assert "Budget hearing: language access funded" in text  # the public milestone is there


def test_rankings_are_by_size_in_traditional_chinese_too(fixture_db: Path) -> None:
    """On the zh-Hant page, languages and neighborhoods run from the largest published number down,
    the suppressed ones after them."""
    public.refresh_reports(fixture_db)
    at = open_numbers(_app(lang="zh-Hant"))
    assert not at.exception
    ranked = [t.value for t in at.table if t.value.index.name in ("主要語言", "主要社區")]
    assert len(ranked) == 2
    for table in ranked:
        shown = list(table.iloc[:, 0])
        numbers = [int(v.replace(",", "")) for v in shown if re.fullmatch(r"[\d,]+", v)]
        assert numbers == sorted(numbers, reverse=True)
        first_suppressed = next((i for i, v in enumerate(shown) if not re.fullmatch(r"[\d,]+", v)), len(shown))
        assert all(not re.fullmatch(r"[\d,]+", v) for v in shown[first_suppressed:])


def test_every_public_chart_has_its_png_download_named_after_the_page() -> None:
    """The toolbar is on and its image button downloads a PNG with the chart's own file name."""
    from impact.web import public_page

    chart = public_view.Chart("languages", "t", None, pd.DataFrame(), "coalition-impact-languages-2025")
    config = public_page.chart_config(chart)
    assert config["displayModeBar"] is True
    assert config["toImageButtonOptions"] == {
        "format": "png",
        "filename": "coalition-impact-languages-2025",
        "scale": 2,
    }


def test_the_year_so_far_is_offered_first_on_the_page(fixture_db: Path) -> None:
    """With data in this year's past months, the page opens on "<this year> so far, to <day>"."""
    today = date.today()
    if today.month == 1:
        pytest.skip("in January no month of this year has ended")
    day = date(today.year, 1, 15)
    _engagements(
        fixture_db, [(f"NOW{i}", day.isoformat(), "HYC", f"now-{i}", "Cantonese") for i in range(20)], "now.csv"
    )
    at = _app()
    at.run()
    assert not at.exception
    options = at.selectbox(key="impact_year").options
    end = date(today.year, today.month, 1) - timedelta(days=1)
    assert options[0].startswith(f"{today.year} so far, to ")
    assert next(h.value for h in at.subheader) == options[0]
    assert [m.value for m in at.metric if m.label == "Unique people reached"] == ["20"]
    assert end.year == today.year


def test_an_empty_database_says_when_figures_will_appear_and_stores_nothing(empty_db: Path) -> None:
    """No data yet: a sentence instead of figures, no report built or stored, no error."""
    at = _app()
    at.run()
    assert not at.exception and not at.metric
    assert any("once the coalition has a full month of data" in i.value for i in at.info)
    assert _stored(empty_db) == [] and public.refresh_reports(empty_db) == 0

"""Every page, in every language, shows people labels: no None, NaN or NaT, no raw category code
(in_person, stakeholder_meeting...), partners by name (their Chinese name on Chinese pages),
neighborhoods in the reader's language, dates in the reader's format (never ISO in a table).

The fixture coalition is extended so that every value has a chance to show: a contact in each of
the 41 neighborhoods, with every channel and age group; an event of each type, co-hosted; a
partner without a Chinese name; an upload that was undone; a share link.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db, i18n, ingest, labels, shares, vocab
from impact.web import auth, ui
from tests.conftest import GOOD_ENGAGEMENT_FILES, load_fixture_files, sql

ADMIN = auth.User("test-admin", "admin")
PUBLIC = auth.User("", "public")
# A partner whose file gave no Chinese name: Chinese pages show its name.
NO_CHINESE_NAME = ("NYW", "Northside Youth Works")
EXTRA_PARTNERS = f"partner_id,name,name_zh,joined_on\n{NO_CHINESE_NAME[0]},{NO_CHINESE_NAME[1]},,2024-01-01\n"
# One contact in each neighborhood, cycling through every channel, age group and language, in June 2024.
EXTRA_CONTACTS = (
    "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,age_group,channel\n"
    + "".join(
        f"R{i},2024-06-{1 + i % 28:02d},{'NYW' if i % 3 == 0 else 'HYC'},readable-{i},"
        f"{vocab.LANGUAGES[i % len(vocab.LANGUAGES)]},{place},"
        f"{vocab.AGE_GROUPS[i % len(vocab.AGE_GROUPS)]},{vocab.CHANNELS[i % len(vocab.CHANNELS)]}\n"
        for i, place in enumerate(vocab.NEIGHBORHOODS)
    )
)
# An event of each type, co-hosted by the partner without a Chinese name.
EXTRA_EVENTS = (
    "event_id,event_date,host_partner_id,co_host_partner_ids,event_type,neighborhood,languages,attendance\n"
    + (
        "".join(
            f"RE{i},2024-07-{1 + i:02d},CLA,NYW,{kind},{vocab.NEIGHBORHOODS[i]},Cantonese;Mandarin,{10 + i}\n"
            for i, kind in enumerate(vocab.EVENT_TYPES)
        )
    )
)
UNDONE_FILE = "engagement_id,engaged_on,partner_id,participant_id,language\nU1,2024-05-02,HYC,undone-1,Cantonese\n"

# Codes that differ from their label: a word-like code (phone) may only be a whole cell; a code
# with _ or - (in_person, 0-17) may appear nowhere. "65+" is its own label's spelling and fine.
CODES = {value for values, english in labels.KINDS.values() for value in values if english[value] != value}
CODE_IN_TEXT = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(c) for c in CODES if re.search(r"[_-]", c)) + r")(?![\w-])"
)
MISSING_VALUE = re.compile(r"\b(None|nan|NaN|NaT)\b|<NA>")
ISO_DATE = re.compile(r"\b(19|20)\d\d-[01]\d(-[0-3]\d)?\b")


@pytest.fixture(scope="module")
def coalition_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture coalition with the extra data above, built once for the module, with an audit log
    of its own (the session's holds what other test files did, in whatever order they ran)."""
    folder = tmp_path_factory.mktemp("readable")
    path = folder / "coalition.duckdb"
    patch = pytest.MonkeyPatch()
    patch.setenv("IMPACT_AUDIT_FILE", str(_audit_file(path)))
    db.connection(path)
    load_fixture_files(path, ["partners.csv", "events.csv", *GOOD_ENGAGEMENT_FILES])
    for name, text in (
        ("partners_more.csv", EXTRA_PARTNERS),
        ("events_more.csv", EXTRA_EVENTS),
        ("contacts_more.csv", EXTRA_CONTACTS),
        ("contacts_undone.csv", UNDONE_FILE),
    ):
        report = ingest.process(text.encode(), name, database=path, by="fixture", store=True)
        assert report.ok, [str(p) for p in report.problems]
    ingest.undo_batch(report.batch_id, database=path, by="fixture")
    shares.create(
        "Bay Area Safety Fund",
        ["CLA", "NYW"],
        date(2024, 1, 1),
        date(2024, 12, 31),
        date.today() + timedelta(days=30),
        by="fixture",
        database=path,
    )
    patch.undo()
    yield path
    db.close(path)


def _audit_file(database: Path) -> Path:
    return database.with_name("audit.jsonl")


@pytest.fixture
def as_viewer(coalition_db: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Path:
    monkeypatch.setenv("IMPACT_DB", str(coalition_db))
    monkeypatch.setenv("IMPACT_AUDIT_FILE", str(_audit_file(coalition_db)))
    monkeypatch.setattr(auth, "current_user", lambda: getattr(request, "param", ADMIN))
    return coalition_db


def open_page(page: ui.PageSpec, language: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=90)
    at.query_params.update({"lang": i18n.URL_CODES[language], **query})
    at.switch_page(page.file).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# --- what a page shows, as text -------------------------------------------------------------


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


_TEXT_ELEMENTS = {"Markdown", "Caption", "Title", "Header", "Subheader", "Text", "Info", "Warning", "Success", "Error"}
# Plotly keys whose strings a reader sees (names, categories, labels, titles, ticks, hovers).
_CHART_KEYS = {"name", "text", "x", "y", "labels", "customdata", "hovertext", "ticktext", "title"}


def _chart_strings(value: object, key: str | None = None, seen: bool = False) -> Iterator[str]:
    if isinstance(value, str):
        if seen:
            yield value
    elif isinstance(value, dict):
        if "bdata" in value:  # numbers, as a typed array
            return
        for k, v in value.items():
            if k != "template":
                yield from _chart_strings(v, k, seen or k in _CHART_KEYS)
    elif isinstance(value, list):
        for v in value:
            yield from _chart_strings(v, key, seen)


def texts(at: AppTest) -> list[str]:
    """Every string the page shows: texts, alerts, metrics, options, chart texts (not table cells)."""
    found = []
    for node in _walk(at._tree):
        kind = type(node).__name__
        if kind in _TEXT_ELEMENTS:
            found.append(str(node.value))
        elif kind == "Metric":
            found += [node.label, node.value]
        elif kind in ("Selectbox", "Multiselect", "Radio"):
            found += [str(o) for o in node.options]
        elif kind == "Expander" or kind == "Tab":
            found.append(str(node.label))
        elif getattr(getattr(node, "proto", None), "spec", None) and getattr(node, "type", "") == "plotly_chart":
            found += list(_chart_strings(json.loads(node.proto.spec)))
    return found


def tables(at: AppTest) -> list[pd.DataFrame]:
    return [t.value for t in [*at.dataframe, *at.table]]


def cells(frame: pd.DataFrame) -> list[object]:
    """A table's cells, headers and index as people see them."""
    shown = [c for c in frame.columns] + ([] if isinstance(frame.index, pd.RangeIndex) else list(frame.index))
    return shown + [v for column in frame.columns for v in frame[column].tolist()]


def problems_with(at: AppTest) -> list[str]:
    """What a person should never read on the page, each with where it is."""
    found = []
    for text in texts(at):
        if MISSING_VALUE.search(text) or CODE_IN_TEXT.search(text) or text in CODES:
            found.append(f"text: {text[:120]!r}")
    for frame in tables(at):
        for value in cells(frame):
            if value is None or (not isinstance(value, str | list | tuple) and pd.isna(value)):
                found.append(f"cell without a value in a table with {list(frame.columns)}")
            elif isinstance(value, str) and (
                value in CODES or CODE_IN_TEXT.search(value) or MISSING_VALUE.fullmatch(value) or ISO_DATE.search(value)
            ):
                found.append(f"cell {value[:80]!r} in a table with {list(frame.columns)}")
    return found


# --- every page, every language ------------------------------------------------------------

PAGES = [page for page in ui.PAGES if page.id != "signin"]
CASES = [(page.id, language) for page in PAGES for language in i18n.LANGUAGES]


@pytest.mark.parametrize(("page_id", "language"), CASES, ids=[f"{p}-{lang}" for p, lang in CASES])
def test_no_page_shows_none_nan_or_a_raw_code_in_any_language(as_viewer: Path, page_id: str, language: str) -> None:
    """An administrator reads labels everywhere: no None, NaN, NaT, in_person or ISO date in a table."""
    at = open_page(ui.PAGE_BY_ID[page_id], language)
    assert not problems_with(at), problems_with(at)


@pytest.mark.parametrize("as_viewer", [PUBLIC], indirect=True)
@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_the_public_page_shows_labels_to_a_visitor_without_an_account(as_viewer: Path, language: str) -> None:
    """The impact page, opened with no account, in each language: labels only."""
    at = open_page(ui.PAGE_BY_ID["impact"], language)
    assert at.metric, "the visitor sees the figures"
    assert not problems_with(at), problems_with(at)


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_an_upload_preview_and_its_problems_name_values_by_their_labels(
    as_viewer: Path, language: str, tmp_path: Path
) -> None:
    """A contacts file with a channel the contract does not know: the preview shows In person, not
    in_person, and None nowhere; the problem lists the channels by label, never by code."""
    text = (
        "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,age_group,channel\n"
        "P1,2024-06-03,HYC,preview-1,廣東話,華埠,65+,in_person\n"
        "P2,2024-06-04,HYC,preview-2,Mandarin,,,social_media\n"
        "P3,2024-06-05,HYC,preview-3,English,Tenderloin,18-24,carrier pigeon\n"
    )
    at = open_page(ui.PAGE_BY_ID["upload"], language)
    at.file_uploader[0].upload("contacts.csv", text.encode(), "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with i18n.using(language):
        in_person, channel = labels.label("channel", "in_person"), i18n._("Channel")
        problem = i18n._("Problem")
    [preview] = [t for t in tables(at) if channel in t.columns and problem not in t.columns]
    assert preview[channel].iloc[0] == in_person
    [problems] = [t for t in tables(at) if problem in t.columns]
    assert in_person in problems[problem].iloc[0]
    assert not problems_with(at), problems_with(at)


# --- names in the reader's language -----------------------------------------------------------


def _partner_names(path: Path) -> dict[str, tuple[str, str | None]]:
    return {pid: (name, zh) for pid, name, zh in sql(path, "select partner_id, name, name_zh from partners")}


@pytest.mark.parametrize("language", ["zh_Hant", "zh_Hans"])
def test_the_impact_page_in_chinese_shows_chinatown_as_hua_bu_and_partners_by_their_chinese_names(
    as_viewer: Path, language: str
) -> None:
    """/impact?lang=zh-Hant: 華埠 (华埠 in 简体中文), each partner of the pairs by its name_zh, no English
    neighborhood and no English name of a partner that has a Chinese one."""
    at = open_page(ui.PAGE_BY_ID["impact"], language)
    for key in [k for k in at.session_state if str(k).startswith("impact_numbers.")]:
        at.session_state[key] = True  # the numbers behind each chart, opened
    at.run()
    shown = "\n".join(texts(at) + [str(c) for t in tables(at) for c in cells(t)])
    assert {"zh_Hant": "華埠", "zh_Hans": "华埠"}[language] in shown
    assert not [n for n in vocab.NEIGHBORHOODS if n in shown]
    names = _partner_names(as_viewer)
    with i18n.using(language):
        together, partners = i18n._("Events held together"), i18n._("Partners")
    [pairs] = [t for t in tables(at) if together in t.columns and t.index.name == partners]
    in_pairs = " | ".join(str(p) for p in pairs.index)  # each row names two partners
    assert "華埠法律援助" in in_pairs and NO_CHINESE_NAME[1] in in_pairs  # CLA by its Chinese name, NYW by its name
    assert not [name for name, zh in names.values() if zh and name in shown]


def test_the_reach_page_in_traditional_chinese_shows_no_english_neighborhood_name(as_viewer: Path) -> None:
    """/reach?lang=zh-Hant with contacts in all 41 neighborhoods: every one in Chinese (11 were English)."""
    at = open_page(ui.PAGE_BY_ID["reach"], "zh_Hant")
    shown = "\n".join(texts(at) + [str(c) for t in tables(at) for c in cells(t)])
    with i18n.using("zh_Hant"):
        chinese = {n: labels.label("neighborhood", n) for n in vocab.NEIGHBORHOODS}
    assert all(name in shown for name in chinese.values()), [n for n, zh in chinese.items() if zh not in shown]
    assert [n for n in vocab.NEIGHBORHOODS if n in shown] == []
    assert "華埠" in shown and "北岸" in shown and "教會區" in shown


@pytest.mark.parametrize("page_id", ["overview", "reach", "languages", "partners", "data", "share_links"])
def test_chinese_pages_name_partners_by_their_chinese_name_everywhere(as_viewer: Path, page_id: str) -> None:
    """Filters, captions, charts and tables: 華埠法律援助, never Chinatown Legal Aid; a partner without a
    Chinese name keeps its name."""
    at = open_page(ui.PAGE_BY_ID[page_id], "zh_Hant", period="all-time")
    shown = "\n".join(texts(at) + [str(c) for t in tables(at) for c in cells(t)])
    names = _partner_names(as_viewer)
    assert not [name for name, zh in names.values() if zh and name in shown]
    assert [zh for name, zh in names.values() if zh and zh in shown], "partners are named on the page"


def test_the_sidebar_offers_partners_by_their_chinese_names(as_viewer: Path) -> None:
    """The partner filter's options, in 繁體中文: name_zh, or the name where there is none; the URL keeps
    the partner's id, and the page's caption names the chosen partner in Chinese."""
    at = open_page(ui.PAGE_BY_ID["overview"], "zh_Hant", partners="CLA")
    [partners] = [m for m in at.multiselect if m.key == "filters.partners"]
    names = _partner_names(as_viewer)
    assert sorted(partners.options) == sorted(zh or name for name, zh in names.values())
    assert at.query_params["partners"] in ("CLA", ["CLA"])
    assert any("華埠法律援助" in c.value for c in at.caption)


# --- dates and numbers as the reader reads them ---------------------------------------------------


@pytest.mark.parametrize("language", list(i18n.LANGUAGES))
def test_the_data_page_history_reads_in_the_readers_date_format_and_says_utc_once(
    as_viewer: Path, language: str
) -> None:
    """Loaded at: the reader's date and time, UTC in the header; an upload not undone shows a dash."""
    at = open_page(ui.PAGE_BY_ID["data"], language)
    [history] = [t for t in tables(at) if "SHA-256" in t.columns]
    with i18n.using(language):
        loaded_at, undone_by = i18n._("Loaded at (UTC)"), i18n._("Undone by")
        loaded = sql(as_viewer, "select loaded_at from batches order by batch_id desc")
        assert list(history[loaded_at]) == [i18n.format_moment(moment) for (moment,) in loaded]
    assert "UTC" not in "".join(history[loaded_at])
    assert set(history[undone_by]) == {"–", "fixture"}


@pytest.mark.parametrize("page_id", ["data", "overview", "reach", "languages", "partners"])
def test_whole_numbers_in_tables_are_drawn_with_thousands_separators(as_viewer: Path, page_id: str) -> None:
    """Every whole-number column of a table is sent with the format %,d (the browser draws 1,234)."""
    at = open_page(ui.PAGE_BY_ID[page_id], "en", period="all-time")
    for table in at.dataframe:
        formats = {name: config.get("type_config", {}) for name, config in json.loads(table.proto.columns).items()}
        counts = [str(c) for c, dtype in table.value.dtypes.items() if pd.api.types.is_integer_dtype(dtype)]
        unformatted = [c for c in counts if c != "Batch" and formats.get(c, {}).get("format") != "%,d"]
        assert not unformatted, (list(table.value.columns), unformatted)


def test_dates_read_the_same_way_on_every_page_in_each_language() -> None:
    """The one format per language: a day, a month, and a time to the minute."""
    moment = pd.Timestamp(2025, 12, 2, 18, 58).to_pydatetime()
    expected = {
        "en": ("Dec 2, 2025", "Dec 2025"),
        "zh_Hant": ("2025年12月2日", "2025年12月"),
        "zh_Hans": ("2025年12月2日", "2025年12月"),
        "es": ("2 dic 2025", "dic 2025"),
    }
    for language, (day, month) in expected.items():
        with i18n.using(language):
            assert i18n.format_date(moment.date()) == day
            assert i18n.format_date(moment.date(), "month_short") == month
            assert i18n.format_moment(moment).startswith(day)

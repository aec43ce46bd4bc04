"""The synthetic demo data: deterministic, inside the contract, and showing the patterns it promises."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import demo, vocab
from impact.demo import DEMO_PARTNER_IDS, LATE_PARTNER_ID, RARE_LANGUAGE, write_demo_csvs

ROWS = 20_000
TODAY = date(2025, 3, 14)


@pytest.fixture(scope="module")
def demo_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_demo_csvs(tmp_path_factory.mktemp("demo"), engagements=ROWS, seed=7, today=TODAY)


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def partners(demo_paths: list[Path]) -> pd.DataFrame:
    return _read(demo_paths[0])


@pytest.fixture(scope="module")
def events(demo_paths: list[Path]) -> pd.DataFrame:
    return _read(demo_paths[1])


@pytest.fixture(scope="module")
def engagements(demo_paths: list[Path]) -> pd.DataFrame:
    return pd.concat([_read(p) for p in demo_paths[2:]], ignore_index=True)


def test_files_come_back_in_load_order_with_one_engagement_file_per_year(demo_paths: list[Path]) -> None:
    """Partners, events, then engagements for each of the five calendar years up to today."""
    assert [p.name for p in demo_paths] == [
        "partners.csv",
        "events.csv",
        *(f"engagements_{year}.csv" for year in range(2021, 2026)),
    ]


def test_files_are_utf8_without_bom_and_use_the_canonical_headers(demo_paths: list[Path]) -> None:
    """Each file starts with the contract's column names, comma-separated, no byte-order mark."""
    headers = {
        "partners": "partner_id,name,name_zh,focus_areas,joined_on",
        "events": "event_id,event_date,host_partner_id,co_host_partner_ids,event_type,title,neighborhood,"
        "languages,attendance",
        "engagements": "engagement_id,engaged_on,partner_id,participant_id,language,neighborhood,age_group,"
        "channel,service_type,event_id,referred_by_partner_id",
    }
    for path in demo_paths:
        first_line = path.read_bytes().split(b"\n", 1)[0].decode("utf-8")
        assert first_line == headers[path.stem.split("_")[0]]


def test_two_runs_with_the_same_inputs_write_byte_identical_files(demo_paths: list[Path], tmp_path: Path) -> None:
    """Same engagements, seed and today give the same bytes; another seed gives other data."""
    again = write_demo_csvs(tmp_path / "again", engagements=ROWS, seed=7, today=TODAY)
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in demo_paths]
    other = write_demo_csvs(tmp_path / "other", engagements=ROWS, seed=8, today=TODAY)
    assert other[-1].read_bytes() != demo_paths[-1].read_bytes()


def test_the_engagement_files_hold_exactly_the_requested_number_of_rows(engagements: pd.DataFrame) -> None:
    """The row count across the yearly files equals the engagements argument."""
    assert len(engagements) == ROWS


def test_no_date_is_after_today(partners: pd.DataFrame, events: pd.DataFrame, engagements: pd.DataFrame) -> None:
    """Contacts, events and joining dates all fall on or before today; data starts five years back."""
    today = TODAY.isoformat()
    assert engagements.engaged_on.max() <= today
    assert events.event_date.max() <= today
    assert partners.joined_on.max() <= today
    assert engagements.engaged_on.min() >= "2021-01-01"


def test_each_yearly_file_holds_only_its_own_year(demo_paths: list[Path]) -> None:
    """engagements_2023.csv holds only contacts dated 2023."""
    for path in demo_paths[2:]:
        year = path.stem.split("_")[1]
        assert _read(path).engaged_on.str[:4].eq(year).all()


def test_the_six_partners_are_the_demo_partners_with_chinese_names(partners: pd.DataFrame) -> None:
    """partners.csv lists the six fictional partners, each with a Chinese name and focus areas."""
    assert tuple(partners.partner_id) == DEMO_PARTNER_IDS
    assert partners.name_zh.str.len().gt(0).all()
    assert partners.focus_areas.str.contains(";").all()


def test_the_late_partner_joined_about_two_years_ago_and_has_nothing_before(
    partners: pd.DataFrame, events: pd.DataFrame, engagements: pd.DataFrame
) -> None:
    """The late partner's joining date is ~2 years back; it hosts, co-hosts and serves nobody earlier."""
    joined_on = partners.set_index("partner_id").joined_on[LATE_PARTNER_ID]
    assert 700 <= (TODAY - date.fromisoformat(joined_on)).days <= 760
    ours = engagements[engagements.partner_id == LATE_PARTNER_ID]
    assert len(ours) > 0
    assert ours.engaged_on.min() >= joined_on
    involved = (events.host_partner_id == LATE_PARTNER_ID) | events.co_host_partner_ids.str.split(";").apply(
        lambda ids: LATE_PARTNER_ID in ids
    )
    assert involved.any()
    assert events[involved].event_date.min() >= joined_on


def test_the_rare_language_is_spoken_by_between_five_and_fifteen_people(engagements: pd.DataFrame) -> None:
    """A handful of people, small but present, speak the rare language."""
    speakers = engagements.loc[engagements.language == RARE_LANGUAGE, "participant_id"].nunique()
    assert 5 <= speakers <= 15


def test_a_co_host_is_never_the_host_and_had_joined_by_the_event(partners: pd.DataFrame, events: pd.DataFrame) -> None:
    """Co-hosts are known partners other than the host, already members on the day; ~20% are co-hosted."""
    joined = partners.set_index("partner_id").joined_on
    co_hosted = events[events.co_host_partner_ids != ""]
    for _, event in co_hosted.iterrows():
        co_hosts = event.co_host_partner_ids.split(";")
        assert event.host_partner_id not in co_hosts
        assert len(set(co_hosts)) == len(co_hosts) <= 2
        assert all(joined[c] <= event.event_date for c in co_hosts)
    assert 0.1 <= len(co_hosted) / len(events) <= 0.3


def test_every_engagement_event_id_names_an_event_of_that_partner_on_that_day(
    events: pd.DataFrame, engagements: pd.DataFrame
) -> None:
    """An engagement's event exists, is on the contact's date, and is hosted or co-hosted by its partner."""
    assert events.event_id.is_unique
    at_events = engagements[engagements.event_id != ""]
    assert 0.10 <= len(at_events) / len(engagements) <= 0.20
    by_id = events.set_index("event_id")
    assert at_events.event_id.isin(by_id.index).all()
    assert (at_events.engaged_on.to_numpy() == by_id.event_date[at_events.event_id].to_numpy()).all()
    hosts = by_id.host_partner_id[at_events.event_id].to_numpy()
    co_hosts = by_id.co_host_partner_ids[at_events.event_id].str.split(";").to_numpy()
    for partner, host, others in zip(at_events.partner_id, hosts, co_hosts, strict=True):
        assert partner == host or partner in others


def test_cantonese_is_the_most_common_language_and_mandarin_the_second(engagements: pd.DataFrame) -> None:
    """Cantonese leads (~45%), Mandarin follows (~25%)."""
    shares = engagements.language.value_counts(normalize=True)
    assert list(shares.index[:2]) == ["Cantonese", "Mandarin"]
    assert 0.38 <= shares["Cantonese"] <= 0.55
    assert 0.18 <= shares["Mandarin"] <= 0.32


def test_a_share_of_participants_return(engagements: pd.DataFrame) -> None:
    """Between 40% and 60% of people have more than one contact, some very many; some see several partners."""
    contacts = engagements.participant_id.value_counts()
    assert 0.40 <= (contacts > 1).mean() <= 0.60
    assert contacts.max() >= 20
    assert (engagements.groupby("participant_id").partner_id.nunique() > 1).any()


def test_a_person_keeps_their_language_neighborhood_and_age_group(engagements: pd.DataFrame) -> None:
    """Every contact with the same participant id carries the same language, home neighborhood and age group."""
    per_person = engagements.groupby("participant_id")[["language", "neighborhood", "age_group"]].nunique()
    assert (per_person == 1).all().all()
    assert engagements.participant_id.str.fullmatch(r"P\d{7}").all()


def test_engagement_ids_are_unique_within_their_partner(engagements: pd.DataFrame) -> None:
    """engagement_id is unique per partner and starts with the partner's code."""
    assert not engagements.duplicated(["partner_id", "engagement_id"]).any()
    assert (engagements.engagement_id.str.split("-").str[0] == engagements.partner_id).all()


def test_every_value_is_a_canonical_contract_value(events: pd.DataFrame, engagements: pd.DataFrame) -> None:
    """Categories, languages and neighborhoods are spelled as the contract spells them; all event types occur."""
    assert set(events.event_type) == set(vocab.EVENT_TYPES)
    assert set(engagements.channel) == set(vocab.CHANNELS)
    assert set(engagements.age_group) == set(vocab.AGE_GROUPS)
    assert set(engagements.language) <= set(vocab.LANGUAGES)
    assert set(engagements.neighborhood) | set(events.neighborhood) <= set(vocab.NEIGHBORHOODS)
    event_languages = set(events.languages.str.split(";").explode())
    assert event_languages <= set(vocab.LANGUAGES)
    assert set(engagements.partner_id) == set(DEMO_PARTNER_IDS)


def test_most_events_have_a_whole_number_attendance_and_some_are_blank(events: pd.DataFrame) -> None:
    """Attendance is a whole number for most events and left empty for a few."""
    blank = events.attendance == ""
    assert 0 < blank.mean() < 0.25
    assert events.attendance[~blank].str.fullmatch(r"\d+").all()
    assert 150 <= len(events) <= 600


def test_officials_are_met_regularly(events: pd.DataFrame) -> None:
    """There is a stakeholder meeting in most quarters of the five years."""
    meetings = events[events.event_type == "stakeholder_meeting"]
    quarters = pd.PeriodIndex(pd.to_datetime(meetings.event_date), freq="Q").nunique()
    assert quarters >= 15


def test_outreach_peaks_around_lunar_new_year_and_dips_in_summer(engagements: pd.DataFrame) -> None:
    """Contacts per day in February beat those in July, year after year."""
    month = pd.to_datetime(engagements.engaged_on).dt.to_period("M")
    per_month = month.value_counts()
    for year in (2021, 2022, 2023, 2024):
        assert per_month[pd.Period(f"{year}-02", "M")] / 28 > per_month[pd.Period(f"{year}-07", "M")] / 31


def test_contacts_grow_from_year_to_year(engagements: pd.DataFrame) -> None:
    """The last full year has clearly more contacts than the first."""
    per_year = engagements.engaged_on.str[:4].value_counts()
    assert per_year["2024"] > 1.25 * per_year["2021"]


def test_a_large_year_is_split_into_parts_under_the_upload_limit(tmp_path, monkeypatch):
    """A year with more contacts than MAX_ROWS_PER_FILE is written as parts that together hold every row."""
    monkeypatch.setattr(demo, "MAX_ROWS_PER_FILE", 3_000)
    paths = demo.write_demo_csvs(tmp_path, engagements=20_000, seed=3, today=TODAY)
    parts = [p for p in paths if "_part" in p.name]
    assert parts, "expected at least one year to be split"
    frames = {p.name: pd.read_csv(p, usecols=["engaged_on"]) for p in paths[2:]}
    assert sum(len(f) for f in frames.values()) == 20_000
    assert all(len(f) <= 3_000 for f in frames.values())
    for name, frame in frames.items():
        year = name.split("_")[1].split(".")[0]
        assert frame["engaged_on"].str.startswith(year).all(), name


def test_recent_months_are_not_crowded_by_a_few_frequent_visitors(tmp_path):
    """In every month, contacts per person stay modest (no pile-up of heavy visitors at the end)."""
    paths = demo.write_demo_csvs(tmp_path, engagements=20_000, seed=7, today=TODAY)
    contacts = pd.concat(pd.read_csv(p, usecols=["engaged_on", "participant_id"]) for p in paths[2:])
    by_month = contacts.assign(month=contacts["engaged_on"].str[:7]).groupby("month")["participant_id"]
    ratio = by_month.size() / by_month.nunique()
    assert ratio.max() < 2.5, ratio.sort_values().tail(3).to_dict()

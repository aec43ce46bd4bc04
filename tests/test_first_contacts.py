"""Each person's stored first contact (`first_contacts`) equals what all stored contacts give, after
every load and undo, and new and returning people are counted from it as from every contact ever."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from impact import ingest, metrics
from tests import builders
from tests.conftest import sql

PERIODS = ((date(2023, 1, 1), date(2024, 12, 31)), (date(2024, 3, 1), date(2024, 5, 31)))
FILTERS = (
    {},
    {"partners": ("HYC",)},
    {"partners": ("CLA", "VVF")},
    {"languages": ("English",)},
    {"neighborhoods": ("Chinatown",)},
)


def stored(path: Path) -> list[tuple]:
    return sql(path, "select participant_key, first_engaged_on from first_contacts order by all")


def recomputed(path: Path) -> list[tuple]:
    """Each person's earliest contact, from the stored contacts themselves."""
    return sql(path, "select participant_key, min(engaged_on) from engagements group by participant_key order by all")


def raw_contacts(path: Path) -> pd.DataFrame:
    """Every stored contact: its person, day (a Timestamp) and the columns the filters read."""
    contacts = pd.DataFrame(
        sql(path, "select participant_key, engaged_on, partner_id, language, neighborhood from engagements"),
        columns=["participant_key", "engaged_on", "partner_id", "language", "neighborhood"],
    )
    return contacts.assign(engaged_on=pd.to_datetime(contacts["engaged_on"]))


def in_filters(contacts: pd.DataFrame, scope: metrics.Scope) -> pd.DataFrame:
    """The contacts with a chosen partner, in a chosen language, in a chosen neighborhood."""
    for column, chosen in (("partner_id", scope.partners), ("language", scope.languages),
                           ("neighborhood", scope.neighborhoods)):  # fmt: skip
        if chosen:
            contacts = contacts[contacts[column].isin(chosen)]
    return contacts


def months_of(scope: metrics.Scope) -> pd.DatetimeIndex:
    return pd.date_range(pd.Timestamp(scope.start).to_period("M").to_timestamp(), pd.Timestamp(scope.end), freq="MS")


def independent_new_and_returning(path: Path, scope: metrics.Scope) -> pd.DataFrame:
    """New and returning people by month in pandas, from the raw contacts: a person seen in scope in a
    month is new when their first contact ever (any partner, all time) falls in that month."""
    contacts = raw_contacts(path)
    contacts["month"] = contacts["engaged_on"].dt.to_period("M").dt.to_timestamp()
    first_month = contacts.groupby("participant_key")["month"].min()
    seen = contacts[
        (contacts["engaged_on"] >= pd.Timestamp(scope.start)) & (contacts["engaged_on"] <= pd.Timestamp(scope.end))
    ]
    seen = in_filters(seen, scope)
    people = seen[["month", "participant_key"]].drop_duplicates()
    people = people.assign(new=people["participant_key"].map(first_month) == people["month"])
    months = months_of(scope)
    counts = people.groupby("month")["new"].agg(new_people="sum", seen="count")
    counts = counts.reindex(months, fill_value=0)
    return pd.DataFrame(
        {
            "month": months,
            "new_people": counts["new_people"].to_numpy(),
            "returning_people": (counts["seen"] - counts["new_people"]).to_numpy(),
        }
    )


@pytest.mark.parametrize("period", PERIODS, ids=["two years", "three months"])
@pytest.mark.parametrize("chosen", FILTERS, ids=["everything", "HYC", "CLA and VVF", "English", "Chinatown"])
def test_new_and_returning_people_match_every_contact_ever(fixture_db: Path, period: tuple, chosen: dict) -> None:
    """The overview's new and returning people by month equal a pandas count over all raw contacts."""
    scope = metrics.Scope(*period, **chosen)
    shown = metrics.new_vs_returning_by_month(scope).astype({"new_people": int, "returning_people": int})
    expected = independent_new_and_returning(fixture_db, scope)
    assert shown["month"].dt.date.tolist() == expected["month"].dt.date.tolist()
    assert shown["new_people"].tolist() == expected["new_people"].tolist()
    assert shown["returning_people"].tolist() == expected["returning_people"].tolist()
    if not chosen and period == PERIODS[0]:
        assert shown["new_people"].sum() > 0 and shown["returning_people"].sum() > 0  # both kinds are there


def independent_return_within_90_days(path: Path, scope: metrics.Scope) -> pd.DataFrame:
    """Per month of first contact: the people first seen (any partner, all time) in that month of the
    scope through a first-day contact that passes the filters, and how many of them had a contact (any
    partner) on a later day at most 90 days after, in pandas from the raw contacts."""
    contacts = raw_contacts(path)
    contacts["first_day"] = contacts.groupby("participant_key")["engaged_on"].transform("min")
    on_first_day = in_filters(
        contacts[
            (contacts["engaged_on"] == contacts["first_day"])
            & (contacts["first_day"] >= pd.Timestamp(scope.start))
            & (contacts["first_day"] <= pd.Timestamp(scope.end))
        ],
        scope,
    )
    cohort = on_first_day[["participant_key", "first_day"]].drop_duplicates()
    later = contacts[
        (contacts["engaged_on"] > contacts["first_day"])
        & (contacts["engaged_on"] <= contacts["first_day"] + pd.Timedelta(days=90))
    ]
    cohort = cohort.assign(
        month=cohort["first_day"].dt.to_period("M").dt.to_timestamp(),
        back=cohort["participant_key"].isin(set(later["participant_key"])),
    )
    months = months_of(scope)
    counts = cohort.groupby("month")["back"].agg(new_people="size", returned="sum").reindex(months, fill_value=0)
    return pd.DataFrame(
        {
            "month": months,
            "new_people": counts["new_people"].to_numpy(),
            "returned_within_90_days": counts["returned"].to_numpy(),
        }
    )


@pytest.mark.parametrize("period", PERIODS, ids=["two years", "three months"])
@pytest.mark.parametrize("chosen", FILTERS, ids=["everything", "HYC", "CLA and VVF", "English", "Chinatown"])
def test_return_within_90_days_follows_each_persons_first_contact_ever(
    fixture_db: Path, period: tuple, chosen: dict
) -> None:
    """The reach page's people first seen in each month and those back within 90 days (read through the
    stored first contacts) equal a pandas count over all raw contacts."""
    scope = metrics.Scope(*period, **chosen)
    shown = metrics.return_within_90_days(scope)
    expected = independent_return_within_90_days(fixture_db, scope)
    assert pd.to_datetime(shown["month"]).dt.date.tolist() == expected["month"].dt.date.tolist()
    assert shown["new_people"].astype(int).tolist() == expected["new_people"].tolist()
    assert shown["returned_within_90_days"].astype(int).tolist() == expected["returned_within_90_days"].tolist()
    if not chosen and period == PERIODS[0]:
        assert expected["new_people"].sum() > expected["returned_within_90_days"].sum() > 0  # both kinds are there


def test_the_stored_first_contacts_equal_the_contacts_after_loads(fixture_db: Path) -> None:
    """After the fixture files' loads (several engagements files, people in more than one), one row per person."""
    first = stored(fixture_db)
    assert first == recomputed(fixture_db)
    assert len(first) == sql(fixture_db, "select count(distinct participant_key) from engagements")[0][0] > 0


def _contacts(rows: list[tuple[int, str, date]]) -> bytes:
    """An engagements file: (contact number, person, day) each."""
    lines = [builders.engagement(n, person=person, day=day) for n, person, day in rows]
    return builders.csv_bytes([builders.ENGAGEMENT_HEADER, *lines])


# The earlier batch meets people a, b, c; the later one meets a before the earlier did, b after, and d.
EARLIER = [(1, "a", date(2024, 2, 10)), (2, "a", date(2024, 5, 1)), (3, "b", date(2024, 2, 12)),
           (4, "c", date(2024, 3, 1))]  # fmt: skip
LATER = [(5, "a", date(2024, 1, 20)), (6, "b", date(2024, 6, 1)), (7, "d", date(2024, 7, 4)),
         (8, "d", date(2024, 7, 1))]  # fmt: skip


def _load(path: Path, name: str, rows: list[tuple[int, str, date]]) -> int:
    report = ingest.process(_contacts(rows), name, database=path, by="test", store=True)
    assert report.ok, [str(p) for p in report.problems]
    return report.batch_id


def _first_days(path: Path) -> list[date]:
    return [day for _key, day in stored(path)]


def test_a_later_load_moves_a_first_contact_earlier_and_adds_new_people(base_db: Path) -> None:
    """A person met again on an earlier day takes that day; one met later keeps theirs; a new one is added."""
    _load(base_db, "earlier.csv", EARLIER)
    assert sorted(_first_days(base_db)) == [date(2024, 2, 10), date(2024, 2, 12), date(2024, 3, 1)]
    _load(base_db, "later.csv", LATER)
    assert stored(base_db) == recomputed(base_db)
    assert sorted(_first_days(base_db)) == [date(2024, 1, 20), date(2024, 2, 12), date(2024, 3, 1), date(2024, 7, 1)]


@pytest.mark.parametrize(
    ("undone", "left"),
    [
        ("later", [date(2024, 2, 10), date(2024, 2, 12), date(2024, 3, 1)]),  # a goes back to Feb, d goes
        ("earlier", [date(2024, 1, 20), date(2024, 6, 1), date(2024, 7, 1)]),  # b moves later, c goes
    ],
)
def test_an_undo_moves_first_contacts_later_or_removes_them(base_db: Path, undone: str, left: list[date]) -> None:
    """Undoing either batch leaves each remaining person's earliest remaining contact, and no one without contacts."""
    batches = {"earlier": _load(base_db, "earlier.csv", EARLIER), "later": _load(base_db, "later.csv", LATER)}
    ingest.undo_batch(batches[undone], database=base_db)
    assert stored(base_db) == recomputed(base_db)
    assert sorted(_first_days(base_db)) == left
    other = "earlier" if undone == "later" else "later"
    ingest.undo_batch(batches[other], database=base_db)
    assert stored(base_db) == recomputed(base_db) == []


def test_a_refused_file_and_a_dry_run_leave_the_first_contacts_as_they_were(base_db: Path) -> None:
    """Nothing of a file with a problem is stored, its people's first contacts included; a check alone stores nothing."""
    _load(base_db, "earlier.csv", EARLIER)
    before = stored(base_db)
    bad = [builders.engagement(9, person="e", day=date(2024, 1, 1)), builders.engagement(10, partner="NOPE")]
    refused = ingest.process(builders.csv_bytes([builders.ENGAGEMENT_HEADER, *bad]), "bad.csv", database=base_db,
                             store=True)  # fmt: skip
    assert not refused.ok
    # several files are checked in one transaction, each stored for the next to see, then rolled back
    uploads = [
        ingest.Upload(_contacts(LATER), "later.csv"),
        ingest.Upload(_contacts([(11, "f", date(2024, 8, 1))]), "f.csv"),
    ]
    checked = ingest.check_uploads(uploads, database=base_db)
    assert [report.ok for report in checked] == [True, True]
    assert stored(base_db) == before

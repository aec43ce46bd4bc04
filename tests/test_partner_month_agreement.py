"""Partner activity and Data quality agree partner-month by partner-month, or say why they differ.

They differed by one (1,113 against 1,112) where a partner co-hosted an event: Partner activity
counts an event for its host and each co-host (queries/partner_activity_by_month.sql, through the
event_partners macro); Data quality counts the rows each partner's files sent, so an event once,
for its host (queries/data_quality.sql). Data quality now gives the co-hosted events apart, and
both pages say so beside their figures.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db, upload
from impact.web import auth
from tests.conftest import sql

DIRECTOR = auth.User("test-director", "director")


def _activity(path: Path) -> pd.DataFrame:
    """Partner activity's partner-months with any data, over every month of the data."""
    first, last = sql(path, "select min(engaged_on), max(engaged_on) from engagements")[0]
    frame = db.run_query("partner_activity_by_month", db=path, start=date(first.year, 1, 1), end=last, partners=None)
    frame = frame[(frame["contacts"] > 0) | (frame["events"] > 0)]
    return frame.assign(month=pd.to_datetime(frame["month"])).set_index(["partner_id", "month"])


def _quality(path: Path) -> pd.DataFrame:
    frame = db.run_query("data_quality", db=path, **upload.quality_params())
    return frame.assign(month=pd.to_datetime(frame["month"])).set_index(["partner_id", "month"])


def test_partner_activity_and_data_quality_count_the_same_contacts_and_events_per_partner_month(
    fixture_db: Path,
) -> None:
    """Every partner-month: the same contacts; Partner activity's events are Data quality's hosted
    events plus its co-hosted events, and those are what the raw tables hold."""
    activity, quality = _activity(fixture_db), _quality(fixture_db)
    assert set(activity.index) == set(quality.index)
    both = activity.merge(quality, left_index=True, right_index=True, suffixes=("_activity", "_quality"))
    assert (both["contacts_activity"] == both["contacts_quality"]).all()
    assert (both["events_activity"] == both["events_quality"] + both["co_hosted_events"]).all()
    hosted = sql(
        fixture_db,
        "select host_partner_id, date_trunc('month', event_date)::date, count(*) from events group by all",
    )
    co_hosted = sql(
        fixture_db,
        "select c.partner_id, date_trunc('month', e.event_date)::date, count(*)"
        " from event_cohosts as c join events as e using (event_id) group by all",
    )
    for rows, column in ((hosted, "events"), (co_hosted, "co_hosted_events")):
        for partner, month, count in rows:
            assert quality.loc[(partner, pd.Timestamp(month)), column] == count, (partner, month, column)
    differing = both[both["events_activity"] != both["events_quality"]]
    # The case of the issue: partner-months where the two pages' totals differ, by the co-hosted events.
    assert len(differing) > 0 and (differing["co_hosted_events"] > 0).all()


@pytest.mark.parametrize(
    ("page", "phrase"),
    [("pages/4_partners.py", "counts for its host only"), ("pages/7_data.py", "Partner activity also counts it")],
)
def test_both_pages_say_why_their_event_counts_differ(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, phrase: str
) -> None:
    """A note beside the figures: an event counts for each co-host on one page, for its host on the other."""
    monkeypatch.setattr(auth, "current_user", lambda: DIRECTOR)
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(phrase in c.value for c in at.caption), [c.value for c in at.caption]


def test_the_data_page_lists_co_hosted_events_beside_the_hosted_ones(fixture_db: Path) -> None:
    """The detail table has both columns, so a reader can add them up to Partner activity's figure."""
    detail = upload.partner_month_frame(_quality(fixture_db).reset_index())
    assert {"Events hosted", "Events co-hosted"} <= set(detail.columns)
    assert detail["Events co-hosted"].sum() == sql(fixture_db, "select count(*) from event_cohosts")[0][0]

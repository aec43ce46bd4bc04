"""Small CSV files written from Python values, for the engine, CLI and property tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from impact import ingest

PARTNERS = (
    ("partner_id", "name", "name_zh", "focus_areas", "joined_on"),
    ("HYC", "Harbor Youth Center", "海港青年中心", "youth;safety", "2015-03-01"),
    ("CLA", "Chinatown Legal Aid", "華埠法律援助", "legal aid", "2016-05-01"),
    ("SSE", "Sunset Senior Exchange", "日落區長者交流", "elders", "2018-09-15"),
)
PARTNER_IDS = tuple(row[0] for row in PARTNERS[1:])

EVENTS = (
    ("event_id", "event_date", "host_partner_id", "co_host_partner_ids", "event_type", "title", "attendance"),
    ("EV1", "2024-01-15", "HYC", "CLA", "workshop", "Scam prevention", "25"),
    ("EV2", "2024-03-02", "CLA", "", "stakeholder_meeting", "Meeting with Supervisor", "8"),
    ("EV3", "2024-06-20", "SSE", "HYC;CLA", "town_hall", "Elder safety town hall", ""),
)
EVENT_IDS = tuple(row[0] for row in EVENTS[1:])

ENGAGEMENT_HEADER = (
    "engagement_id",
    "engaged_on",
    "partner_id",
    "participant_id",
    "language",
    "event_id",
    "neighborhood",
    "age_group",
    "channel",
    "service_type",
)


def csv_text(rows: Iterable[Sequence[object]], delimiter: str = ",") -> str:
    """Rows (the header first) as CSV text, quoting only where a value needs it."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue()


def csv_bytes(rows: Iterable[Sequence[object]], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    return csv_text(rows, delimiter).encode(encoding)


def engagement(
    number: int,
    *,
    day: date = date(2024, 2, 1),
    partner: str = "HYC",
    person: str | None = None,
    language: str = "Cantonese",
    event: str = "",
    neighborhood: str = "Chinatown",
    age_group: str = "65+",
    channel: str = "in_person",
    service: str = "safety workshop",
) -> tuple[str, ...]:
    """One valid engagements row, in ENGAGEMENT_HEADER order."""
    return (
        f"E{number}",
        day.isoformat(),
        partner,
        f"person-{number}" if person is None else person,
        language,
        event,
        neighborhood,
        age_group,
        channel,
        service,
    )


def engagements(count: int, start: date = date(2023, 1, 1), prefix: str = "E") -> list[tuple[str, ...]]:
    """`count` valid rows over the partners and days from `start`, people repeating."""
    rows = []
    for i in range(count):
        row = list(engagement(i, day=start + timedelta(days=i % 500), partner=PARTNER_IDS[i % len(PARTNER_IDS)]))
        row[0] = f"{prefix}{i}"
        row[3] = f"person-{i % 997}"
        rows.append(tuple(row))
    return rows


def load_base(database: Path) -> None:
    """Store the partners and events every engagements file refers to."""
    for name, rows in (("partners.csv", PARTNERS), ("events.csv", EVENTS)):
        report = ingest.process(csv_bytes(rows), name, database=database, by="builder", store=True)
        assert report.ok, [str(p) for p in report.problems]

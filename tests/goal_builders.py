"""Small targets, milestones and surveys files written from Python values (tests/builders.py style),
on top of builders.PARTNERS and builders.EVENTS (partners HYC, CLA, SSE; events EV1-EV3 of 2024)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from impact import ingest
from tests.builders import csv_bytes

TODAY = date(2025, 6, 30)

TARGETS = (
    ("metric", "period_start", "period_end", "target", "partner_id", "label"),
    ("unique_people", "2024-01-01", "2024-12-31", "20", "", "City grant 2024"),
    ("contacts", "2024-01-01", "2024-12-31", "100", "HYC", ""),
    ("events", "2024-01-01", "2024-12-31", "2", "", ""),
    ("contacts", "2024-01-01", "2024-12-31", "2400", "", "Foundation 2024"),
)

MILESTONES = (
    ("milestone_id", "date", "title", "kind", "partner_ids", "description", "public"),
    ("M1", "2024-03-12", "Budget hearing: language access funded", "policy", "HYC;CLA", "Testimony by elders", "yes"),
    ("M2", "2024-05-20", "Attack on an elder in Chinatown", "crisis", "SSE", "", ""),
    ("M3", "2024-05-28", "Walk audit with the supervisor", "meeting_with_officials", "", "", "no"),
)

SURVEY_HEADER = (
    "response_id",
    "responded_on",
    "partner_id",
    "language",
    "participant_id",
    "event_id",
    "neighborhood",
    "age_group",
    "felt_safer",
    "knows_where_to_get_help",
    "trusts_organization",
    "satisfied",
    "would_recommend",
    "comment",
)


def survey(
    number: int,
    *,
    day: str = "2024-02-01",
    partner: str = "HYC",
    language: str = "Cantonese",
    person: str = "",
    event: str = "",
    neighborhood: str = "Chinatown",
    age_group: str = "65+",
    felt_safer: str = "4",
    knows_help: str = "yes",
    trusts: str = "5",
    satisfied: str = "4",
    recommend: str = "yes",
    comment: str = "",
) -> tuple[str, ...]:
    """One valid surveys row, in SURVEY_HEADER order."""
    return (
        f"R{number}",
        day,
        partner,
        language,
        person,
        event,
        neighborhood,
        age_group,
        felt_safer,
        knows_help,
        trusts,
        satisfied,
        recommend,
        comment,
    )


def load(
    database: Path, rows: Sequence[Sequence[object]], kind: str | None = None, name: str = "file.csv"
) -> ingest.FileReport:
    """Check and store one small file (stored only when it has no problem)."""
    return ingest.process(csv_bytes(rows), name, kind=kind, database=database, by="test", store=True, today=TODAY)


def problems(report: ingest.FileReport) -> list[str]:
    return [str(p) for p in report.problems]


SURVEY_LANGUAGES = ("Cantonese", "Mandarin", "English", "Toisanese")


def surveys(count: int, start: date = date(2024, 1, 3)) -> list[tuple[str, ...]]:
    """`count` valid responses over 2024: answers that differ by language and partner (Cantonese and
    CLA highest), a comment on every fifth, and one Vietnamese response (a group too small to show)."""
    from datetime import timedelta

    partners = ("HYC", "CLA", "SSE")
    rows = []
    for i in range(count):
        language = SURVEY_LANGUAGES[i % len(SURVEY_LANGUAGES)] if i else "Vietnamese"
        partner = partners[(i // 2) % len(partners)]
        lean = {"Cantonese": 1, "Mandarin": 0, "English": -1, "Toisanese": 0, "Vietnamese": 0}[language]
        lean += 1 if partner == "CLA" else 0
        score = str(max(1, min(5, 3 + lean + (i % 3) - 1)))
        rows.append(
            survey(
                i + 1,
                day=(start + timedelta(days=(i * 5) % 340)).isoformat(),
                partner=partner,
                language=language,
                person=f"person-{i % 40}" if i % 2 else "",
                event="EV1" if i % 7 == 0 else "",
                neighborhood=("Chinatown", "Sunset/Parkside", "Tenderloin")[i % 3],
                age_group=("65+", "25-44", "0-17")[i % 3],
                felt_safer=score,
                knows_help="yes" if (i + lean) % 4 else "no",
                trusts=score,
                satisfied=str(max(1, min(5, int(score) + (1 if i % 5 == 0 else 0)))),
                recommend="no" if i % 6 == 5 else "yes",
                comment=f"Comment {i}: thank you <b>staff</b> [link](http://x.example)" if i % 5 == 0 else "",
            )
        )
    return rows


def load_outcomes(database: Path, responses: int = 120) -> None:
    """Targets, milestones and survey responses for the fixture coalition (tests/fixtures/csv)."""
    for rows in (TARGETS, MILESTONES, [SURVEY_HEADER, *surveys(responses)]):
        report = load(database, rows)
        assert report.ok, problems(report)

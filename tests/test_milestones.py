"""The milestones kind: columns and aliases, yes/no for `public` (stored as BOOLEAN, empty is no), and
its rules, each problem naming its line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from impact import ingest
from tests.conftest import sql
from tests.goal_builders import MILESTONES, load, problems


def test_a_milestones_file_is_stored_with_its_partners_and_public_as_a_boolean(base_db: Path) -> None:
    """Each column as the contract says: partner_ids a list, public true, false or (empty) false."""
    report = load(base_db, MILESTONES)
    assert report.ok and report.kind == "milestones", problems(report)
    assert sql(base_db, "select milestone_id, date::varchar, kind, partner_ids, public from milestones order by 1") == [
        ("M1", "2024-03-12", "policy", ["HYC", "CLA"], True),
        ("M2", "2024-05-20", "crisis", ["SSE"], False),
        ("M3", "2024-05-28", "meeting_with_officials", None, False),
    ]
    assert sql(base_db, "select typeof(public) from milestones limit 1") == [("BOOLEAN",)]


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        ("1", True),
        ("是", True),
        ("sí", True),
        ("no", False),
        ("n", False),
        ("False", False),
        ("0", False),
        ("否", False),
        ("", False),
        ("NA", False),
    ],
)
def test_public_reads_every_spelling_of_yes_and_no(base_db: Path, written: str, stored: bool) -> None:
    """yes/no, y/n, true/false, 1/0, 是/否, sí; an empty cell means no."""
    report = load(
        base_db, [("id", "日期", "標題", "type", "公開"), ("M9", "2024-01-02", "Press conference", "media", written)]
    )
    assert report.ok, problems(report)
    assert sql(base_db, "select public from milestones") == [(stored,)]


def test_every_rule_of_a_milestone_names_its_line_and_column(base_db: Path) -> None:
    """Unknown kind, an unknown partner in the list, a word that is not yes or no, a missing title, a bad date."""
    report = load(
        base_db,
        [
            MILESTONES[0],
            ("M1", "2024-03-12", "Budget hearing", "policy", "HYC", "", "yes"),
            ("M2", "2024-03-13", "Rally", "rally", "HYC;NOPE", "", "maybe"),
            ("M3", "2024-13-01", "", "media", "", "", ""),
            ("M1", "2024-03-14", "Again", "other", "", "", ""),
        ],
    )
    assert not report.ok
    found = problems(report)
    assert "line 3, column kind: value 'rally' - is not one of: " in found[0]
    assert found[1:] == [
        "line 3, column partner_ids: value 'NOPE' - is not a known partner (load the partners file first, or check "
        "the spelling)",
        "line 3, column public: value 'maybe' - is not yes or no (write yes, no, y, n, true, false, 1, 0, 是 or 否)",
        "line 4, column date: value '2024-13-01' - is not a real date: there is no month 13",
        "line 4, column title: a value is required",
        "line 5, column milestone_id: value 'M1' - appears more than once in the file (first on line 2)",
    ]
    assert sql(base_db, "select count(*) from milestones") == [(0,)]


def test_a_stored_milestone_id_is_a_conflict_and_its_partners_wait_for_it(base_db: Path) -> None:
    """The same id again is refused; a partners batch cannot be undone while a milestone names its partner."""
    first = load(base_db, MILESTONES)
    again = load(base_db, [MILESTONES[0], ("M2", "2024-06-01", "Other", "other", "", "", "")])
    assert problems(again) == [
        f"line 2, column milestone_id: value 'M2' - is already stored (batch {first.batch_id}); to correct it, "
        "undo that batch and load the corrected file"
    ]
    with pytest.raises(ingest.UndoRefused, match=f"batch {first.batch_id} \\(milestones\\)"):
        ingest.undo_batch(1, database=base_db)
    ingest.undo_batch(first.batch_id, database=base_db)
    assert sql(base_db, "select count(*) from milestones") == [(0,)]

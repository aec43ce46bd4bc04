"""The targets kind: its columns and aliases, its rules (each problem names its line and column), and
a save of the whole set that replaces the current targets and is undone like any batch."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from impact import ingest
from impact.ingest import targets as saved
from tests import builders
from tests.conftest import sql
from tests.goal_builders import TARGETS, load, problems


def _current(path: Path) -> list[tuple]:
    return sql(
        path,
        """select metric, period_start::varchar, period_end::varchar, target, partner_id, label
        from targets where superseded_by is null order by metric, partner_id nulls first""",
    )


def test_a_targets_file_with_other_headers_and_the_kpi_label_loads(base_db: Path) -> None:
    """Aliases (English and Chinese), the KPI's English label as the metric, 5,000, an empty partner."""
    report = load(
        base_db,
        [
            ("指標", "開始", "結束", "目標", "機構編號", "grant"),
            ("Unique people reached", "2024-01-01", "2024/12/31", "5,000", "", "City grant 2024"),
            ("Meetings with officials", "1/1/2024", "2024-06-30", "12", "CLA", ""),
        ],
    )
    assert report.ok, problems(report)
    assert report.kind == "targets"
    assert _current(base_db) == [
        ("officials_meetings", "2024-01-01", "2024-06-30", 12, "CLA", None),
        ("unique_people", "2024-01-01", "2024-12-31", 5000, None, "City grant 2024"),
    ]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (("metric", "start", "end", "goal"), "targets"),
        (("measure", "from", "to", "target value", "organization", "name"), "targets"),
        (("id", "date", "title", "type", "partners", "notes", "公開"), "milestones"),
        (("response_id", "日期", "partner", "felt_safer", "comment"), "surveys"),
        # the first three kinds keep their recognition, whatever the new kinds' aliases say
        (("id", "date", "host", "type", "notes", "public"), "events"),
        (("id", "date", "partner", "participant", "language", "comment"), "engagements"),
        (("partner_id", "name"), "partners"),
    ],
)
def test_the_kind_is_recognised_from_the_header(header: tuple[str, ...], kind: str) -> None:
    """Each new kind is recognised from its columns; a valid file of the first three kinds stays what it was."""
    assert ingest.detect_kind(header) == kind


def test_every_rule_of_a_target_names_its_line_and_column(base_db: Path) -> None:
    """Unknown metric, period_end before period_start, a negative or broken number, an unknown partner, a gap."""
    report = load(
        base_db,
        [
            TARGETS[0],
            ("people", "2024-01-01", "2024-12-31", "10", "", ""),
            ("contacts", "2024-07-01", "2024-06-30", "10", "", ""),
            ("contacts", "2024-01-01", "2024-12-31", "-3", "", ""),
            ("events", "2024-01-01", "2024-12-31", "about 20", "", ""),
            ("events", "2024-01-01", "2024-02-30", "20", "ZZZ", ""),
            ("events", "", "2024-12-31", "20", "", ""),
        ],
        kind="targets",
    )
    found = problems(report)
    assert not report.ok and report.batch_id is None
    assert "line 2, column metric: value 'people' - is not one of: " in found[0]
    assert found[1:] == [
        "line 3, column period_end: value '2024-06-30' - is before period_start (2024-07-01); "
        "a period ends on or after the day it starts",
        "line 4, column target: value '-3' - must be 0 or more",
        "line 5, column target: value 'about 20' - is not a whole number",
        "line 6, column partner_id: value 'ZZZ' - is not a known partner (load the partners file first, or check "
        "the spelling)",
        "line 6, column period_end: value '2024-02-30' - is not a real date: 2024-02 has no day 30",
        "line 7, column period_start: a value is required",
    ]
    assert sql(base_db, "select count(*) from targets") == [(0,)]


def test_the_same_metric_partner_and_period_twice_in_a_file_names_the_later_line(base_db: Path) -> None:
    """The whole coalition and one partner are different targets; the same one twice is an error."""
    report = load(
        base_db,
        [
            TARGETS[0],
            ("contacts", "2024-01-01", "2024-12-31", "100", "", ""),
            ("contacts", "2024-01-01", "2024-12-31", "50", "HYC", ""),
            ("Total contacts", "2024-01-01", "2024-12-31", "120", "", "again"),
        ],
    )
    assert problems(report) == [
        "line 4, column metric: value 'contacts' - this metric, partner and period appear more than once in "
        "the file (first on line 2)"
    ]


def test_a_target_already_stored_is_a_conflict_that_names_its_batch(base_db: Path) -> None:
    """Loading the same metric, partner and period again is refused, as a stored id is."""
    first = load(base_db, TARGETS)
    assert first.ok, problems(first)
    again = load(base_db, [TARGETS[0], ("contacts", "2024-01-01", "2024-12-31", "150", "HYC", "raised")])
    assert problems(again) == [
        f"line 2, column metric: value 'contacts' - a target for this metric, partner and period is already stored "
        f"(batch {first.batch_id}); change it on the Goals page, or undo that batch and load the corrected file"
    ]
    other_period = load(base_db, [TARGETS[0], ("contacts", "2025-01-01", "2025-12-31", "150", "HYC", "")])
    assert other_period.ok, problems(other_period)


def _rows(*changes: dict) -> list[dict]:
    return [
        {"metric": "unique_people", "period_start": date(2024, 1, 1), "period_end": date(2024, 12, 31), "target": 25},
        *changes,
    ]


def test_a_save_replaces_the_whole_set_and_an_undo_brings_the_earlier_set_back(base_db: Path) -> None:
    """The save is one batch; the rows it replaced are kept, marked, and come back when it is undone."""
    upload = load(base_db, TARGETS)
    before = _current(base_db)
    report = saved.replace_targets(
        _rows({"metric": "events", "period_start": "2024-01-01", "period_end": "2024-12-31", "target": 3}),
        by="director",
        expected_version=saved.version(base_db),
        database=base_db,
    )
    assert report.ok and report.batch_id == upload.batch_id + 1, problems(report)
    assert _current(base_db) == [
        ("events", "2024-01-01", "2024-12-31", 3, None, None),
        ("unique_people", "2024-01-01", "2024-12-31", 25, None, None),
    ]
    assert sql(base_db, "select count(*) from targets where superseded_by = ?", [report.batch_id]) == [
        (len(TARGETS) - 1,)
    ]
    assert sql(base_db, "select kind, row_count, loaded_by from batches where batch_id = ?", [report.batch_id]) == [
        ("targets", 2, "director")
    ]
    with pytest.raises(ingest.UndoRefused, match=f"batch {report.batch_id} \\(targets\\). Undo those first"):
        ingest.undo_batch(upload.batch_id, database=base_db)
    ingest.undo_batch(report.batch_id, database=base_db)
    assert _current(base_db) == before


def test_a_save_may_bring_back_an_earlier_set_and_the_history_stays(base_db: Path) -> None:
    """Saving A, then B, then A again: the third save holds the first's bytes and is still loaded."""
    first_set = _rows()
    second_set = _rows({"metric": "contacts", "period_start": "2024-01-01", "period_end": "2024-06-30", "target": 9})
    batches = []
    for rows in (first_set, second_set, first_set):
        report = saved.replace_targets(rows, by="d", expected_version=saved.version(base_db), database=base_db)
        assert report.ok, problems(report)
        batches.append(report.batch_id)
    assert _current(base_db) == [("unique_people", "2024-01-01", "2024-12-31", 25, None, None)]
    assert sql(base_db, "select count(*) from targets") == [(4,)]
    # the newest save is undone first; an older one waits for the saves after it
    with pytest.raises(ingest.UndoRefused):
        ingest.undo_batch(batches[1], database=base_db)
    ingest.undo_batch(batches[2], database=base_db)
    assert len(_current(base_db)) == 2


def test_a_save_with_a_problem_stores_nothing_and_names_the_row(base_db: Path) -> None:
    """The table's second row is line 3 of the file the save builds; nothing is replaced."""
    load(base_db, TARGETS)
    before = _current(base_db)
    report = saved.replace_targets(
        _rows({"metric": "contacts", "period_start": "2024-05-01", "period_end": "2024-04-01", "target": 9}),
        by="d",
        expected_version=saved.version(base_db),
        database=base_db,
    )
    assert [(p.line, p.column) for p in report.problems] == [(3, "period_end")]
    assert report.batch_id is None
    assert _current(base_db) == before
    assert sql(base_db, "select count(*) from batches where kind = 'targets'") == [(1,)]


def test_a_save_is_refused_when_the_targets_changed_since_the_table_was_opened(base_db: Path) -> None:
    """Two directors saving at once: the second learns of the first instead of overwriting it."""
    opened = saved.version(base_db)
    load(base_db, TARGETS)
    with pytest.raises(saved.SaveRefused, match="changed by someone else"):
        saved.replace_targets(_rows(), by="d", expected_version=opened, database=base_db)
    with pytest.raises(saved.SaveRefused, match="at least one target"):
        saved.replace_targets([], by="d", expected_version=saved.version(base_db), database=base_db)
    assert len(_current(base_db)) == len(TARGETS) - 1


def test_a_partner_with_targets_cannot_be_undone_before_them(base_db: Path) -> None:
    """A partners batch is blocked by the targets of its partners, as by their contacts."""
    targets = load(base_db, TARGETS)
    with pytest.raises(ingest.UndoRefused, match=f"batch {targets.batch_id} \\(targets\\)"):
        ingest.undo_batch(1, database=base_db)


def test_the_command_line_loads_a_targets_file_recognised_or_named(base_db: Path, tmp_path: Path, capsys) -> None:
    """`python -m impact ingest` recognises a targets file from its header, and takes --kind targets."""
    from impact import cli

    path = tmp_path / "goals.csv"
    path.write_bytes(builders.csv_bytes(TARGETS))
    assert cli.main(["ingest", str(path), "--db", str(base_db), "--dry-run"]) == 0
    assert f"ok, {len(TARGETS) - 1} targets rows would be loaded (dry run)" in capsys.readouterr().out
    assert cli.main(["ingest", str(path), "--db", str(base_db), "--kind", "targets"]) == 0
    assert f"{len(TARGETS) - 1} targets rows" in capsys.readouterr().out

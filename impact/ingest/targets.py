"""A save of the targets (the Goals page's table): the whole new set, loaded as one batch that
replaces the current targets.

The set is written as a targets file in the contract's own columns and goes through the engine
like any upload: every value checked, stored in full or not at all, one batch on the Data page.
The targets it replaces are not deleted but marked with the new batch (`superseded_by`), so
undoing the save brings them back exactly as they were, and the history of every set stays in
the database. Two people saving at once cannot overwrite each other unseen: a save names the
version of the targets it started from, and is refused when that is no longer the current one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from impact import contract, db
from impact.i18n import N_, Message
from impact.ingest import batches, engine
from impact.ingest.messages import FileReport

COLUMNS = tuple(c.name for c in contract.COLUMNS["targets"])
PAGE_SAVE_PREFIX = "targets saved on the Goals page"  # the batch's file name (the ledger names every batch)
CHANGED_SINCE = N_(
    "The targets were changed by someone else (a save, an upload or an undo) since this table was opened; "
    "nothing was saved. Reload the page, then make your changes again."
)
EMPTY_SET = N_(
    "A save keeps at least one target. To remove every target, undo the batches that loaded them on the Data page."
)


class SaveRefused(ValueError):
    """The save was refused before any row was checked; `message` says why, translatably."""

    def __init__(self, message: Message):
        super().__init__(message.english())
        self.message = message


def is_page_save(kind: str, file_name: str) -> bool:
    """Whether a batch is a save of the Goals page's table (not a file someone uploaded)."""
    return kind == "targets" and file_name.startswith(PAGE_SAVE_PREFIX)


def version(database: Path | str | None = None, cur: db.Connection | None = None) -> str:
    """Which targets batches exist and whether each is loaded: any load, save or undo changes it."""
    sql = """select coalesce(string_agg(batch_id::varchar || ':' || status, ',' order by batch_id), '') as version
        from batches where kind = 'targets'"""
    if cur is not None:
        return cur.execute(sql).fetchone()[0]
    return str(db.run_sql(sql, db=database).iloc[0, 0])


def targets_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    """The rows as a targets file: the contract's columns, UTF-8, dates as YYYY-MM-DD."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in COLUMNS])
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def replace_targets(
    rows: Sequence[Mapping[str, Any]],
    *,
    by: str,
    expected_version: str,
    database: Path | str | None = None,
    today: date | None = None,
) -> FileReport:
    """Load `rows` as the whole new set of targets, in one transaction, as one batch.

    Returns the engine's report: with a batch id when stored, with its problems (line N is the
    table's row N - 1, as in a file) when not, and then nothing changed. Raises SaveRefused
    when the set is empty or the targets changed since `expected_version`.
    """
    if not rows:
        raise SaveRefused(Message(EMPTY_SET))
    data = targets_csv(rows)
    name = f"{PAGE_SAVE_PREFIX} {datetime.now(UTC):%Y-%m-%d %H.%M.%S} UTC.csv"
    with db.transaction(database) as cur:
        if version(cur=cur) != expected_version:
            raise SaveRefused(Message(CHANGED_SINCE))
        # the engine stores only a clean file, last: a report with problems has written nothing
        report = engine.process(
            data,
            name,
            kind="targets",
            database=database,
            by=by,
            store=True,
            today=today,
            cursor=cur,
            replace_targets=True,
        )
    if report.batch_id is not None:
        batches.changed(database)  # committed: what is built from the data is built again
    return report

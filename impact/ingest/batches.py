"""Batches and undo: every load is one batch; undo removes a batch in one transaction unless other data refers to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from impact import config, db
from impact.i18n import N_, Enumeration, Message
from impact.ingest import first_contacts


@dataclass(frozen=True)
class UndoResult:
    batch_id: int
    kind: str
    file_name: str
    rows_removed: int


class UndoRefused(ValueError):
    """Undo is not possible; str() is the English reason, `message` the translatable one."""

    def __init__(self, message: Message):
        super().__init__(message.english())
        self.message = message


# a batch another one depends on, by what it holds
_DEPENDENT_BATCH = {
    "partners": N_("batch {batch} (partners)"),
    "events": N_("batch {batch} (events)"),
    "engagements": N_("batch {batch} (engagements)"),
    "targets": N_("batch {batch} (targets)"),
    "milestones": N_("batch {batch} (milestones)"),
    "surveys": N_("batch {batch} (surveys)"),
    "staff": N_("batch {batch} (staff)"),
}


def undo_batch(batch_id: int, *, database: Path | str | None = None, by: str = "unknown") -> UndoResult:
    """Remove every row of one batch, in one transaction, and mark the batch undone.

    Refused while rows of other batches still depend on it (events of a partner, contacts
    at an event, targets a later save replaced): those batches are named so they can be undone
    first. Undoing a save of the targets (ingest.targets) brings back the targets it replaced.
    """
    with db.transaction(database) as cur:
        found = cur.execute(
            "select kind, file_name, status from batches where batch_id = $id", {"id": batch_id}
        ).fetchone()
        if found is None:
            raise UndoRefused(Message(N_("there is no batch {batch}"), {"batch": str(batch_id)}))
        kind, file_name, status = found
        batch = {"batch": str(batch_id), "file": file_name}
        if status != "loaded":
            raise UndoRefused(Message(N_("batch {batch} ({file}) was already undone"), batch))
        dependents = cur.execute(_dependents_sql(kind), {"id": batch_id}).fetchall()
        if dependents:
            listed = Enumeration(tuple(Message(_DEPENDENT_BATCH[k], {"batch": str(b)}) for b, k in dependents))
            refused = N_(
                "batch {batch} ({file}) cannot be undone while other data refers to it: {batches}. Undo those first."
            )
            raise UndoRefused(Message(refused, {**batch, "batches": listed}))
        rows = cur.execute(f"select count(*) from {kind} where batch_id = $id", {"id": batch_id}).fetchone()[0]
        if kind == "engagements":  # while the batch's rows still name its people
            first_contacts.remove_batch(cur, batch_id)
        if kind == "events":
            cur.execute("delete from event_cohosts where batch_id = $id", {"id": batch_id})
        cur.execute(f"delete from {kind} where batch_id = $id", {"id": batch_id})
        if kind == "targets":  # the targets this batch replaced are current again
            cur.execute("update targets set superseded_by = null where superseded_by = $id", {"id": batch_id})
        cur.execute(
            "update batches set status = 'undone', undone_at = $at, undone_by = $by where batch_id = $id",
            {"id": batch_id, "at": datetime.now(UTC).replace(tzinfo=None), "by": by},
        )
        result = UndoResult(batch_id, kind, file_name, rows)
    changed(database)  # committed: what is built from the data is built again
    return result


def _dependents_sql(kind: str) -> str:
    """Batches (other than this one) whose rows refer to this batch's rows."""
    if kind == "partners":
        return """
            select distinct b.batch_id, b.kind from (
                select e.batch_id from events e join partners p on p.partner_id = e.host_partner_id where p.batch_id = $id
                union select c.batch_id from event_cohosts c join partners p using (partner_id) where p.batch_id = $id
                union select g.batch_id from engagements g join partners p using (partner_id) where p.batch_id = $id
                union select t.batch_id from targets t join partners p using (partner_id) where p.batch_id = $id
                union select m.batch_id from milestones m join partners p on list_contains(m.partner_ids, p.partner_id)
                    where p.batch_id = $id
                union select s.batch_id from surveys s join partners p using (partner_id) where p.batch_id = $id
                union select g.batch_id from engagements g join partners p on p.partner_id = g.referred_by_partner_id
                    where p.batch_id = $id
                union select s.batch_id from staff s join partners p using (partner_id) where p.batch_id = $id
            ) d join batches b using (batch_id) order by b.batch_id"""
    if kind == "events":
        return """
            select distinct b.batch_id, b.kind from (
                select g.batch_id from engagements g join events e using (event_id) where e.batch_id = $id
                union select s.batch_id from surveys s join events e using (event_id) where e.batch_id = $id
            ) d join batches b using (batch_id) order by b.batch_id"""
    if kind == "targets":
        # the save that replaced this batch's targets; and, when this batch replaced targets itself,
        # every later targets batch (bringing the replaced targets back could clash with theirs)
        return """
            select distinct b.batch_id, b.kind from batches b
            where b.batch_id in (select superseded_by from targets where batch_id = $id)
                or (
                    exists (select 1 from targets where superseded_by = $id)
                    and b.kind = 'targets' and b.status = 'loaded' and b.batch_id > $id
                )
            order by b.batch_id"""
    return "select null, null where false and $id is null"


def list_batches(database: Path | str | None = None) -> pd.DataFrame:
    return db.run_query("batches", db=database)


# --- after a change ------------------------------------------------------------------------------
# What is built from the stored data (the public page's protected reports, impact.public) is built
# again after each committed load or undo. The ingest layer cannot import what sits above it, so
# those modules register here; several files loaded together (load_files) are one change.
_listeners: list[Callable[[Path | str | None], None]] = []
_deferred: ContextVar[set | None] = ContextVar("impact_deferred_changes", default=None)


def on_change(listener: Callable[[Path | str | None], None]) -> None:
    """Call `listener(database)` after every committed load or undo (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def changed(database: Path | str | None = None) -> None:
    """A load or an undo of `database` has been committed: tell the listeners (or, inside
    `one_change`, once when it ends)."""
    pending = _deferred.get()
    if pending is not None:
        pending.add(config.db_path(database))
        return
    for listener in list(_listeners):
        listener(database)


@contextmanager
def one_change() -> Iterator[None]:
    """Loads inside the block tell the listeners once, when it ends (several files are one change)."""
    pending: set = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
        for database in pending:
            changed(database)

"""Each person's first contact with the coalition (`first_contacts`), kept with `engagements`.

New and returning people (queries/new_vs_returning_by_month.sql) and the return within 90 days
(queries/return_within_90_days.sql) need every seen person's first contact over all data; finding
it in `engagements` meant grouping every stored contact on every first view. The table holds it
instead, one row per person who has a contact: the earliest `engaged_on` of their contacts. Every
load and undo of contacts changes it in its own transaction, for the people of that batch only, so
it always equals what `engagements` gives (impact.db builds it once for a database made before it
existed).
"""

from __future__ import annotations

from impact import db


def add_batch(cur: db.Connection) -> None:
    """The contacts of `typed` (the engine's checked rows of one file) are stored: a person seen for
    the first time gets a first contact; one seen before keeps the earlier of the two."""
    cur.execute(
        """merge into first_contacts as stored
        using (
            select participant_id as participant_key, min(engaged_on) as first_engaged_on
            from typed
            group by participant_id
        ) as batch
        on stored.participant_key = batch.participant_key
        when matched and batch.first_engaged_on < stored.first_engaged_on
            then update set first_engaged_on = batch.first_engaged_on
        when not matched
            then insert (participant_key, first_engaged_on) values (batch.participant_key, batch.first_engaged_on)"""
    )


def remove_batch(cur: db.Connection, batch_id: int) -> None:
    """The contacts of batch `batch_id` are about to be deleted: the first contact of each of its people
    is found again among their other contacts (it may move later), or goes (they have none left).
    Runs before the delete, while the batch's rows still say who its people are."""
    people = "select participant_key from engagements where batch_id = $batch"
    cur.execute(f"delete from first_contacts where participant_key in ({people})", {"batch": batch_id})
    cur.execute(
        f"""insert into first_contacts (participant_key, first_engaged_on)
        select participant_key, min(engaged_on)
        from engagements
        where batch_id <> $batch and participant_key in ({people})
        group by participant_key""",
        {"batch": batch_id},
    )

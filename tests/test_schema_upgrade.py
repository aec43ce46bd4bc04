"""A database made by an earlier version is upgraded once when opened: one made before the targets,
milestones and surveys kinds (its batches table allowed three kinds only, and DuckDB cannot change a
CHECK in place), one made before staff, one whose engagements table had keys (DuckDB cannot drop one),
and one made before each person's first contact was stored (first_contacts)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from impact import config, db, ingest
from tests import builders
from tests.goal_builders import TARGETS, load, problems
from tests.test_first_contacts import recomputed as recomputed_first_contacts
from tests.test_first_contacts import stored as stored_first_contacts

# The batches table as the first version made it (three kinds), and the tables that refer to it.
OLD_SCHEMA = """
create sequence if not exists batch_id_seq start 1;
create table batches (
    batch_id integer primary key default nextval('batch_id_seq'),
    kind varchar not null check (kind in ('partners', 'events', 'engagements')),
    file_name varchar not null,
    sha256 varchar not null check (length(sha256) = 64),
    row_count integer not null check (row_count >= 0),
    loaded_by varchar not null,
    loaded_at timestamp not null,
    encoding varchar,
    delimiter varchar,
    warning_count integer not null default 0,
    status varchar not null default 'loaded' check (status in ('loaded', 'undone')),
    undone_at timestamp,
    undone_by varchar
);
create table partners (
    partner_id varchar primary key,
    name varchar not null,
    name_zh varchar,
    focus_areas varchar[],
    joined_on date,
    batch_id integer not null references batches (batch_id)
);
create table events (
    event_id varchar primary key,
    event_date date not null,
    host_partner_id varchar not null references partners (partner_id),
    co_host_partner_ids varchar[],
    event_type varchar not null,
    title varchar,
    neighborhood varchar,
    languages varchar[],
    attendance integer,
    topic varchar,
    batch_id integer not null references batches (batch_id)
);
"""


def test_an_old_database_keeps_its_data_and_then_takes_the_new_kinds(tmp_path: Path, monkeypatch) -> None:
    """Its rows survive the rebuild (constraints included), and a targets file then loads."""
    path = tmp_path / "old.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(path))
    old = duckdb.connect(str(path))
    old.execute(OLD_SCHEMA)
    old.execute(
        """insert into batches (kind, file_name, sha256, row_count, loaded_by, loaded_at)
        values ('partners', 'partners.csv', repeat('a', 64), 1, 'ana', timestamp '2024-01-01 10:00')"""
    )
    old.execute("insert into partners values ('HYC', 'Harbor Youth Center', '海港青年中心', ['youth'], null, 1)")
    old.close()

    conn = db.connection(config.db_path())
    assert conn.execute("select partner_id, name_zh, focus_areas, batch_id from partners").fetchall() == [
        ("HYC", "海港青年中心", ["youth"], 1)
    ]
    assert conn.execute("select batch_id, kind, loaded_by, status from batches").fetchall() == [
        (1, "partners", "ana", "loaded")
    ]
    assert not conn.execute("select * from duckdb_tables() where table_name like 'upgrade_copy_%'").fetchall()
    report = load(path, [TARGETS[0], ("contacts", "2024-01-01", "2024-12-31", "100", "HYC", "")])
    assert report.ok and report.batch_id == 2, problems(report)
    # the rebuilt tables enforce the contract again: a partner's undo waits for its targets
    try:
        ingest.undo_batch(1, database=path)
    except ingest.UndoRefused as refused:
        assert "batch 2 (targets)" in str(refused)
    else:
        raise AssertionError("the partners batch was undone under its targets")
    db.close(path)
    builders.load_base(tmp_path / "fresh.duckdb")  # a new database is made directly in the current form
    db.close(tmp_path / "fresh.duckdb")


# The batches and engagements tables as the six-kind version made them (before staff and referrals).
SIX_KINDS_SCHEMA = """
create sequence if not exists batch_id_seq start 1;
create table batches (
    batch_id integer primary key default nextval('batch_id_seq'),
    kind varchar not null check (kind in ('partners', 'events', 'engagements', 'targets', 'milestones', 'surveys')),
    file_name varchar not null,
    sha256 varchar not null check (length(sha256) = 64),
    row_count integer not null check (row_count >= 0),
    loaded_by varchar not null,
    loaded_at timestamp not null,
    encoding varchar,
    delimiter varchar,
    warning_count integer not null default 0,
    status varchar not null default 'loaded' check (status in ('loaded', 'undone')),
    undone_at timestamp,
    undone_by varchar,
    sheet varchar
);
create table partners (
    partner_id varchar primary key,
    name varchar not null,
    name_zh varchar,
    focus_areas varchar[],
    joined_on date,
    batch_id integer not null references batches (batch_id)
);
create table engagements (
    partner_id varchar not null references partners (partner_id),
    engagement_id varchar not null,
    engaged_on date not null,
    participant_key ubigint not null,
    language varchar not null,
    event_id varchar,
    neighborhood varchar,
    age_group varchar,
    channel varchar,
    service_type varchar,
    batch_id integer not null references batches (batch_id),
    primary key (partner_id, engagement_id)
);
"""


def test_a_six_kind_database_gains_referrals_and_the_staff_kind(tmp_path: Path, monkeypatch) -> None:
    """Its contacts survive with no referral, the referral column refuses an unknown partner, and staff load."""
    path = tmp_path / "six.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(path))
    monkeypatch.delenv("IMPACT_KEY_FILE", raising=False)
    old = duckdb.connect(str(path))
    old.execute(SIX_KINDS_SCHEMA)
    old.execute(
        """insert into batches (kind, file_name, sha256, row_count, loaded_by, loaded_at)
        values ('partners', 'partners.csv', repeat('a', 64), 2, 'ana', timestamp '2024-01-01 10:00'),
            ('engagements', 'contacts.csv', repeat('b', 64), 1, 'ana', timestamp '2024-01-02 10:00')"""
    )
    old.execute("insert into partners values ('HYC', 'Harbor Youth Center', null, null, null, 1)")
    old.execute("insert into partners values ('CLA', 'Chinatown Legal Aid', null, null, null, 1)")
    old.execute(
        "insert into engagements values ('HYC', 'A1', date '2024-01-02', 42, 'Cantonese', null, null, null, null, null, 2)"
    )
    old.close()

    conn = db.connection(config.db_path())
    assert conn.execute(
        "select partner_id, engagement_id, participant_key, referred_by_partner_id, batch_id from engagements"
    ).fetchall() == [("HYC", "A1", 42, None, 2)]
    # made before first contacts were stored too: built from its contacts, before the other rebuilds
    assert conn.execute("select participant_key, first_engaged_on::varchar from first_contacts").fetchall() == [
        (42, "2024-01-02")
    ]
    try:
        conn.execute("update engagements set referred_by_partner_id = 'HYC'")
    except duckdb.ConstraintException:
        pass
    else:
        raise AssertionError("the rebuilt engagements table took a referral from the contact's own partner")
    contacts = tmp_path / "contacts.csv"  # an unknown referring partner: the engine refuses it (no key does)
    contacts.write_text(
        "engagement_id,engaged_on,partner_id,participant_id,language,referred_by_partner_id\n"
        "A2,2024-01-03,HYC,P9,Cantonese,NOPE\n",
        encoding="utf-8",
    )
    refused = ingest.process(contacts, database=path, store=True)
    assert [(p.line, p.column, p.value) for p in refused.problems] == [(2, "referred_by_partner_id", "NOPE")]
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "staff_id,partner_id,languages,started_on\nE1,HYC,Cantonese;English,2020-01-06\n", encoding="utf-8"
    )
    report = ingest.process(staff, database=path, store=True)
    assert report.ok and report.kind == "staff", [str(p) for p in report.problems]
    assert conn.execute("select partner_id, languages, started_on::varchar from staff").fetchall() == [
        ("HYC", ["Cantonese", "English"], "2020-01-06")
    ]
    db.close(path)


# The engagements table as the version before this one made it, with its primary key and foreign keys
# (every other table of that version is as schema.sql makes it now).
KEYED_ENGAGEMENTS = """
create table engagements (
    partner_id varchar not null references partners (partner_id),
    engagement_id varchar not null,
    engaged_on date not null,
    participant_key ubigint not null,
    language varchar not null,
    event_id varchar references events (event_id),
    neighborhood varchar,
    age_group varchar check (age_group in ('0-17', '18-24', '25-44', '45-64', '65+')),
    channel varchar check (channel in (
        'in_person', 'phone', 'text', 'wechat', 'social_media', 'door_to_door', 'online', 'other'
    )),
    service_type varchar,
    referred_by_partner_id varchar references partners (partner_id),
    batch_id integer not null references batches (batch_id),
    primary key (partner_id, engagement_id),
    check (referred_by_partner_id is null or referred_by_partner_id <> partner_id)
);
"""


def _constraint_kinds(conn: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    found = conn.execute(
        "select distinct constraint_type from duckdb_constraints() where table_name = $table", {"table": table}
    ).fetchall()
    return {kind for (kind,) in found}


def test_a_database_with_keyed_contacts_loses_the_keys_and_keeps_every_row(tmp_path: Path, monkeypatch) -> None:
    """A database made by the version whose engagements table had a primary key and foreign keys: on open,
    the table is made again without them, in one transaction, with every contact as it was (in stored order);
    the other tables keep their keys, and loads, refusals and undo work as before."""
    path = tmp_path / "keyed.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(path))
    monkeypatch.delenv("IMPACT_KEY_FILE", raising=False)
    builders.load_base(path)
    header = (*builders.ENGAGEMENT_HEADER, "referred_by_partner_id")
    rows = [(*builders.engagement(n, event="EV1" if n % 2 else ""), "CLA" if n % 3 else "") for n in (3, 1, 2)]
    first = ingest.process(builders.csv_bytes([header, *rows]), "contacts.csv", database=path, by="ana", store=True)
    assert first.ok, [str(p) for p in first.problems]
    db.close(path)
    # that version's engagements table, holding the same rows
    old = duckdb.connect(str(path))
    stored = old.execute("select * from engagements").fetchall()
    old.execute("create temp table kept as select * from engagements")
    old.execute("drop table engagements")
    old.execute(KEYED_ENGAGEMENTS)
    old.execute("insert into engagements select * from kept")
    assert {"PRIMARY KEY", "FOREIGN KEY"} <= _constraint_kinds(old, "engagements")
    old.close()

    conn = db.connection(config.db_path())
    assert conn.execute("select * from engagements").fetchall() == stored and len(stored) == 3
    assert _constraint_kinds(conn, "engagements") == {"NOT NULL", "CHECK"}
    assert "PRIMARY KEY" in _constraint_kinds(conn, "partners")
    assert "FOREIGN KEY" in _constraint_kinds(conn, "events")
    assert not conn.execute("select * from duckdb_tables() where table_name like 'upgrade_copy_%'").fetchall()
    # the engine still refuses a stored contact again, and nothing of that file is stored
    again = ingest.process(
        builders.csv_bytes([header, (*builders.engagement(4), ""), (*builders.engagement(1, person="x"), "")]),
        "again.csv",
        database=path,
        store=True,
    )
    assert [(p.line, p.column, p.value) for p in again.problems] == [(3, "engagement_id", "E1")]
    assert conn.execute("select count(*) from engagements").fetchone() == (3,)
    # undo: the partners' batch waits for the contacts (the engine asks, no key does); theirs goes
    try:
        ingest.undo_batch(1, database=path)
    except ingest.UndoRefused as refused:
        assert f"batch {first.batch_id} (engagements)" in str(refused)
    else:
        raise AssertionError("the partners batch was undone under its contacts")
    assert ingest.undo_batch(first.batch_id, database=path).rows_removed == 3
    db.close(path)
    db.connection(path)  # opened again: nothing left to upgrade
    assert db.connection(path).execute("select count(*) from engagements").fetchone() == (0,)
    db.close(path)


def test_a_database_without_first_contacts_gets_them_from_its_contacts(tmp_path: Path, monkeypatch) -> None:
    """A database whose contacts were stored before each person's first contact was: on open, the table is
    made and filled from every stored contact, once; loads and undo then keep it equal to the contacts."""
    path = tmp_path / "before.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(path))
    monkeypatch.delenv("IMPACT_KEY_FILE", raising=False)
    builders.load_base(path)
    rows = builders.engagements(60)  # 60 contacts of 60 people over 60 days
    rows += [(f"R{n}", "2022-06-01", "CLA", f"person-{n}", *rows[n][4:]) for n in range(0, 60, 3)]  # 20 met earlier
    contacts = ingest.process(
        builders.csv_bytes([builders.ENGAGEMENT_HEADER, *rows]), "contacts.csv", database=path, store=True
    )
    assert contacts.ok, [str(p) for p in contacts.problems]
    db.close(path)
    old = duckdb.connect(str(path))  # that version's database: the same contacts, no first_contacts
    old.execute("drop table first_contacts")
    old.close()

    db.connection(config.db_path())  # opened by this version: the upgrade
    stored, recomputed = stored_first_contacts(path), recomputed_first_contacts(path)
    assert stored == recomputed and len(stored) == 60
    assert sum(1 for _key, day in stored if str(day) == "2022-06-01") == 20
    later = [builders.engagement(100 + n, person=f"person-{n}", day=date(2021, 1, n + 1)) for n in range(5)]
    report = ingest.process(builders.csv_bytes([builders.ENGAGEMENT_HEADER, *later]), "later.csv", database=path,
                            store=True)  # fmt: skip
    assert report.ok, [str(p) for p in report.problems]
    stored, recomputed = stored_first_contacts(path), recomputed_first_contacts(path)
    assert stored == recomputed and sum(1 for _key, day in stored if day == date(2021, 1, 1)) == 1
    db.close(path)
    db.connection(path)  # opened again: nothing left to upgrade, the table as the loads left it
    assert stored_first_contacts(path) == stored
    ingest.undo_batch(contacts.batch_id, database=path)
    stored, recomputed = stored_first_contacts(path), recomputed_first_contacts(path)
    assert stored == recomputed and len(stored) == 5  # only the later file's people are left
    db.close(path)

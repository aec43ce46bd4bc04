"""A database made before the targets, milestones and surveys kinds is upgraded once when opened: its
batches table allowed three kinds only, and DuckDB cannot change a CHECK in place."""

from __future__ import annotations

from pathlib import Path

import duckdb

from impact import config, db, ingest
from tests import builders
from tests.goal_builders import TARGETS, load, problems

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

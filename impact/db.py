"""The one module that talks to DuckDB.

A process keeps one read-write connection per database file (DuckDB allows a single
writing process, and a process may not mix read-only and read-write connections to a
file). Readers take a cursor each; every write runs inside `transaction()`, which owns the
cursor, this process's write lock, begin, commit and rollback.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from impact import config

Error = duckdb.Error
ConstraintError = duckdb.ConstraintException
Connection = duckdb.DuckDBPyConnection

_SCHEMA = Path(__file__).with_name("schema.sql")
_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PID = re.compile(r"PID (\d+)")

_connections: dict[Path, Connection] = {}
_write_locks: dict[Path, threading.Lock] = {}
_registry_lock = threading.Lock()


class DatabaseBusy(RuntimeError):
    """Another process holds the database file."""

    def __init__(self, path: Path, detail: str):
        pid = _PID.search(detail)
        holder = f"process {pid.group(1)}" if pid else "another program"
        super().__init__(
            f"The database {path} is in use by {holder} - most likely the running dashboard "
            "or another data load. Stop that program (or load the file on the dashboard's "
            "Upload page instead) and try again."
        )
        self.path = path


def _key(path: Path | str | None) -> Path:
    return config.db_path(path).resolve()


def connection(path: Path | str | None = None) -> Connection:
    """This process's connection to the database file, opened (and its schema made) once."""
    key = _key(path)
    with _registry_lock:
        conn = _connections.get(key)
        if conn is None:
            config.check_db_path(key)  # DuckDB opens anything: x.csv as a new file, /dev/null in memory
            key.parent.mkdir(parents=True, exist_ok=True)
            created = not key.exists()
            try:
                conn = duckdb.connect(str(key))
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower():
                    raise DatabaseBusy(key, str(exc)) from None
                raise
            if created:
                os.chmod(key, 0o600)  # the coalition's data: readable by the app's user only
            # beyond this, DuckDB spills to <database>.tmp instead of growing the process
            conn.execute(f"set memory_limit = '{config.duckdb_memory_mb()}MB'")
            _add_first_contacts(conn)  # first: the rebuilds below make the table (empty) with the schema
            _allow_every_kind(conn)
            _unkey_engagements(conn)
            conn.execute(_SCHEMA.read_text(encoding="utf-8"))
            _connections[key] = conn
            _write_locks[key] = threading.Lock()
        return conn


def _add_first_contacts(conn: Connection) -> None:
    """Build, once, the `first_contacts` table of a database made before it existed.

    Every load and undo of contacts keeps it (impact.ingest.first_contacts); a database whose contacts
    were stored without it gets it made by the schema and filled from all of `engagements`, in one
    transaction, so that it is never there without its rows. A new database (no `engagements` yet) or
    one that has the table is left as it is.
    """
    tables = {
        name
        for (name,) in conn.execute(
            """select table_name from duckdb_tables() where schema_name = 'main'
            and table_name in ('engagements', 'first_contacts')"""
        ).fetchall()
    }
    if tables != {"engagements"}:
        return
    with _one_transaction(conn):
        conn.execute(_SCHEMA.read_text(encoding="utf-8"))
        conn.execute(
            """insert into first_contacts (participant_key, first_engaged_on)
            select participant_key, min(engaged_on) from engagements group by participant_key"""
        )


def _allow_every_kind(conn: Connection) -> None:
    """Rebuild, once, a database made before `batches` allowed every kind (the latest: staff).

    The same rebuild gives `engagements` its later columns (referred_by_partner_id, which refers to
    `partners`: DuckDB cannot add a column with a reference to a table).

    DuckDB cannot change a CHECK constraint, and `batches` cannot be replaced while tables refer
    to it: so `batches` and every table that refers to it (directly or through another) are copied,
    dropped, made again by the schema and filled from their copies, in one transaction. A database
    that allows every kind already (or holds no `batches` yet) is left as it is.
    """
    found = conn.execute(
        "select sql from duckdb_tables() where schema_name = 'main' and table_name = 'batches'"
    ).fetchone()
    if found is None or "'staff'" in found[0]:
        return
    references = conn.execute(
        """select table_name, referenced_table from duckdb_constraints()
        where schema_name = 'main' and constraint_type = 'FOREIGN KEY'"""
    ).fetchall()
    tables = ["batches"]  # parents before the tables that refer to them
    while True:
        more = [child for child, parent in references if parent in tables and child not in tables]
        if not more:
            break
        tables += list(dict.fromkeys(more))
    tables.sort(key=lambda t: _depth(t, references))
    with _one_transaction(conn):
        for table in tables:
            conn.execute(f"create table upgrade_copy_{table} as select * from {table}")
        for table in reversed(tables):
            conn.execute(f"drop table {table}")
        conn.execute(_SCHEMA.read_text(encoding="utf-8"))
        for table in tables:
            conn.execute(f"insert into {table} by name select * from upgrade_copy_{table}")
            conn.execute(f"drop table upgrade_copy_{table}")


def _unkey_engagements(conn: Connection) -> None:
    """Rebuild, once, an `engagements` table made by an earlier version, with a primary key and foreign keys.

    The ingest engine checks every contact against the file and the stored rows before it stores
    anything, so those keys only cost an index build on every load (docs/data-contract.md, Stored
    tables). DuckDB cannot drop a key in place, and no table refers to `engagements`: it is copied,
    dropped, made again by the schema (without the keys) and filled from its copy in stored order,
    in one transaction. A database without the keys (or without the table) is left as it is.
    """
    keyed = conn.execute(
        """select count(*) from duckdb_constraints() where schema_name = 'main' and table_name = 'engagements'
        and constraint_type in ('PRIMARY KEY', 'FOREIGN KEY', 'UNIQUE')"""
    ).fetchone()[0]
    if not keyed:
        return
    with _one_transaction(conn):
        conn.execute("create table upgrade_copy_engagements as select * from engagements")
        conn.execute("drop table engagements")
        conn.execute(_SCHEMA.read_text(encoding="utf-8"))
        conn.execute("insert into engagements by name select * from upgrade_copy_engagements")
        conn.execute("drop table upgrade_copy_engagements")


def _depth(table: str, references: list[tuple[str, str]]) -> int:
    """How many tables stand above `table` on its longest chain of references (batches: 0)."""
    parents = [parent for child, parent in references if child == table and parent != table]
    return 1 + max((_depth(parent, references) for parent in parents), default=-1)


def cursor(path: Path | str | None = None) -> Connection:
    """A cursor of the shared connection, for one thread's use; close it when done."""
    conn = connection(path)
    with _registry_lock:
        return conn.cursor()


def write_lock(path: Path | str | None = None) -> threading.Lock:
    """Serialises this process's writers so two uploads never race on one key."""
    connection(path)
    return _write_locks[_key(path)]


@contextmanager
def transaction(path: Path | str | None = None, *, commit: bool = True) -> Iterator[Connection]:
    """A cursor in one transaction, holding this process's write lock for the whole of it.

    The block's work is committed when it ends normally and rolled back when it raises; with
    `commit=False` (a dry run) it is rolled back either way. The cursor is closed after. This is
    the only way callers begin, commit or roll back, so no caller can leave a transaction open.
    """
    cur = cursor(path)
    with write_lock(path):
        try:
            with _one_transaction(cur, commit=commit):
                yield cur
        finally:
            cur.close()


@contextmanager
def _one_transaction(conn: Connection, *, commit: bool = True) -> Iterator[None]:
    """Begin; commit when the block ends normally (roll back instead when `commit` is False), roll
    back when it raises. Used by `transaction` and by the upgrades run as a database is opened
    (which hold the connection before any cursor or lock exists)."""
    conn.begin()
    try:
        yield
        if commit:
            conn.commit()
        else:
            conn.rollback()
    except BaseException:
        conn.rollback()
        raise


def close(path: Path | str | None = None) -> None:
    """Release the file (tests, and the CLI before it exits)."""
    key = _key(path)
    with _registry_lock:
        conn = _connections.pop(key, None)
        _write_locks.pop(key, None)
    if conn is not None:
        conn.close()


def close_all() -> None:
    for key in list(_connections):
        close(key)


@cache
def query_text(name: str) -> str:
    """The SQL of queries/<name>.sql; names come from code, never from a person."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ValueError(f"not a query name: {name!r}")
    return (config.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def query_params(name: str) -> set[str]:
    return set(_PARAM.findall(query_text(name)))


def run_sql(sql: str, params: dict[str, Any] | None = None, db: Path | str | None = None) -> pd.DataFrame:
    """Run one statement on a fresh cursor and return the result as a DataFrame."""
    cur = cursor(db)
    try:
        return cur.execute(sql, params or {}).df()
    finally:
        cur.close()


def run_query(name: str, db: Path | str | None = None, **params: Any) -> pd.DataFrame:
    """Run queries/<name>.sql with named parameters; parameters it does not use are dropped."""
    wanted = query_params(name)
    missing = wanted - params.keys()
    if missing:
        raise TypeError(f"query {name!r} needs parameters: {', '.join(sorted(missing))}")
    used = {k: v for k, v in params.items() if k in wanted}
    if not _recorders:
        return run_sql(query_text(name), used, db)
    started = time.perf_counter()
    frame = run_sql(query_text(name), used, db)
    call = RecordedQuery(name, used, _key(db), time.perf_counter() - started, len(frame))
    for calls in list(_recorders):
        calls.append(call)
    return frame


@dataclass(frozen=True)
class RecordedQuery:
    name: str
    params: dict[str, Any]
    database: Path
    seconds: float
    rows: int


_recorders: list[list[RecordedQuery]] = []


@contextmanager
def recording() -> Iterator[list[RecordedQuery]]:
    """Collect every run_query call made (by any thread) while the block runs: which query,
    with which parameters, how long it took. The benchmark and tests use it to see what a
    page asked for; when nobody records, run_query pays one list check."""
    calls: list[RecordedQuery] = []
    _recorders.append(calls)
    try:
        yield calls
    finally:
        _recorders.remove(calls)

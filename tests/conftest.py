"""Shared fixtures: small databases built in a temporary folder from text files."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from streamlit.testing.v1 import AppTest

from impact import config, db, ingest, public
from impact.ingest import batches

# Property tests (tests/test_ingest_properties.py): 15 generated files per test in `make test`,
# where each file is loaded and undone; HYPOTHESIS_PROFILE=thorough tries 300. A failing example is
# kept in .hypothesis/ and tried first on the next run.
settings.register_profile("suite", max_examples=15)
settings.register_profile("thorough", max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
GOOD_ENGAGEMENT_FILES = [e["file"] for e in EXPECTED if e["kind"] == "engagements" and e["expect"] == "ok"]
GOOD_STAFF_FILES = [e["file"] for e in EXPECTED if e["kind"] == "staff" and e["expect"] == "ok"]
FIXTURE_FILES = ["partners.csv", "events.csv", *GOOD_ENGAGEMENT_FILES, *GOOD_STAFF_FILES]


def key_beside(path: Path) -> Path:
    """The pseudonymisation key file a database uses when $IMPACT_KEY_FILE is not set."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        return config.key_path(path)


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a released database file, with its write-ahead log and pseudonymisation key
    if it has them, at `target` (so the copy stores and reads participant keys as the original)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    pairs = [(source.with_name(source.name + ".wal"), target.with_name(target.name + ".wal"))]
    pairs.append((key_beside(source), key_beside(target)))
    for original, copy in pairs:
        if original.exists():
            shutil.copy(original, copy)
    return target


def _built_once(folder: Path, names: list[str], builders_base: bool = False) -> Path:
    """A database with `names` loaded (or the builders' partners and events), in `folder`, released
    so that it can be copied."""
    path = folder / "coalition.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)  # the key sits beside the file and travels with it
        db.connection(path)
        if names:
            load_fixture_files(path, names)
        if builders_base:
            from tests import builders

            builders.load_base(path)
        db.close(path)
    return path


@pytest.fixture(scope="session")
def schema_only_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the schema only, made once per session; never opened again (tests get copies)."""
    return _built_once(tmp_path_factory.mktemp("schema_only"), [])


@pytest.fixture(scope="session")
def built_base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The builders' partners and events (tests/builders.py), loaded once per session; never opened again."""
    return _built_once(tmp_path_factory.mktemp("base_db"), [], builders_base=True)


@pytest.fixture(scope="session")
def built_coalition_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Partners, events and the good engagements files (no staff): the dashboards' coalition
    (tests/dashboards.build_coalition), loaded once per session; never opened again."""
    return _built_once(tmp_path_factory.mktemp("coalition_db"), ["partners.csv", "events.csv", *GOOD_ENGAGEMENT_FILES])


@pytest.fixture(scope="session")
def built_fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Partners, events and every good engagements and staff file, loaded once per session and released.

    Never opened again: each test gets its own copy (`fixture_db`, or `copy_database`), because a
    file this process opens stays open (impact.db caches connections) and a copy must not race a writer.
    """
    return _built_once(tmp_path_factory.mktemp("fixture_db"), FIXTURE_FILES)


def _own_copy(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """This test's own copy of a database built once per session, opened, as $IMPACT_DB (the app's
    and the engine's database), with its key beside it."""
    path = copy_database(source, tmp_path / "coalition.duckdb")
    monkeypatch.setenv("IMPACT_DB", str(path))
    monkeypatch.delenv("IMPACT_KEY_FILE", raising=False)
    db.connection(path)
    yield path
    db.close(path)


@pytest.fixture
def empty_db(schema_only_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """An empty database (schema only) that the app and the engine both use."""
    yield from _own_copy(schema_only_db, tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def built_outcomes_db(built_fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture coalition with tests/goal_builders' targets, milestones (one public, two not) and
    120 survey responses (every fifth with a comment), loaded once per session; never opened again."""
    from tests.goal_builders import load_outcomes

    path = copy_database(built_fixture_db, tmp_path_factory.mktemp("outcomes_db") / "coalition.duckdb")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        db.connection(path)
        load_outcomes(path)
        db.close(path)
    return path


@pytest.fixture
def outcomes_db(built_outcomes_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The fixture coalition with targets, milestones and survey responses (this test's own copy)."""
    yield from _own_copy(built_outcomes_db, tmp_path, monkeypatch)


@pytest.fixture(scope="session")
def published_site(
    built_outcomes_db: Path, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[tuple[Path, Path]]:
    """The static site `python -m impact publish` writes from a copy of the outcomes database, and
    this process's own copy of that database: (DIR, database). Published once per run: the first
    pytest-xdist worker to ask publishes it under a lock in the run's shared folder, the other reads
    it (tests/test_publish.py and tests/browser/test_publish_browser.py). No test may change it."""
    import fcntl

    from impact import cli

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    folder = shared / "published_site"
    folder.mkdir(exist_ok=True)
    source, out = folder / "coalition.duckdb", folder / "site"
    with pytest.MonkeyPatch.context() as env, (folder / ".lock").open("w") as lock:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not (folder / ".done").exists():
            copy_database(built_outcomes_db, source)
            assert cli.main(["publish", "--out", str(out), "--db", str(source)]) == 0
            db.close(source)
            (folder / ".done").touch()
        database = copy_database(source, tmp_path_factory.mktemp("published_db") / "coalition.duckdb")
    yield out, database
    db.close(database)


@pytest.fixture
def base_db(built_base_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The builders' partners and events, which every builders' engagements file refers to (this test's own copy)."""
    yield from _own_copy(built_base_db, tmp_path, monkeypatch)


def load_fixture_files(path: Path, names: list[str]) -> list[ingest.FileReport]:
    reports = ingest.load_files([FIXTURES / n for n in names], database=path, by="fixture")
    assert all(r.ok for r in reports), [str(p) for r in reports for p in r.problems]
    return reports


@pytest.fixture
def fixture_db(built_fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Partners, events and every good engagements and staff file of tests/fixtures/csv (this test's own copy)."""
    yield from _own_copy(built_fixture_db, tmp_path, monkeypatch)


def sql(path: Path, statement: str, params: dict | None = None) -> list[tuple]:
    """An independent look at the database (for checking what pages show)."""
    cur = db.cursor(path)
    try:
        return cur.execute(statement, params or {}).fetchall()
    finally:
        cur.close()


# -- signed-in roles (local accounts in a users file under tmp_path) ------------------------

STAFF_PASSWORD = "test password 1234"


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """One local account per staff role, in $IMPACT_USERS_FILE under tmp_path: role -> account name.

    Pages need a signed-in role: AppTests call `sign_in_as(at, accounts["director"])`,
    browser tests pass `{"IMPACT_USERS_FILE": ...}` to the server and use the sign-in form.
    """
    from impact import users

    monkeypatch.setattr(users, "BCRYPT_ROUNDS", 4)  # quick hashes; same algorithm
    path = tmp_path / "users.json"
    monkeypatch.setenv("IMPACT_USERS_FILE", str(path))
    monkeypatch.setenv("IMPACT_COOKIE_KEY_FILE", str(tmp_path / "cookie.secret"))
    monkeypatch.setenv("IMPACT_LOGIN_BASE_DELAY", "0")
    store = users.UserStore(path)
    names = {role: f"test-{role}" for role in users.ACCOUNT_ROLES}
    for role, name in names.items():
        store.add(name, role, STAFF_PASSWORD)
    return names


def sign_in_as(at: AppTest, name: str) -> None:
    """Sign an AppTest session in as a local account (as the sign-in form does)."""
    import time

    from impact.web import auth

    at.session_state[auth.SESSION_KEY] = {"name": name, "iat": time.time()}


@pytest.fixture(autouse=True)
def _public_reports_built_on_a_visit(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loads and undos in tests leave the public page's stored reports to be built by the next visit.

    In the app, impact.public builds every protected report again after each committed change (its
    listener on ingest.batches); in a test that loads files that is a protected report per load and
    per undo, most of the suite's time. A visit builds a missing report itself, so pages read the same.
    Tests about the reports being built after a change ask for `reports_follow_changes`.
    """
    if "reports_follow_changes" not in request.fixturenames:
        monkeypatch.setattr(batches, "_listeners", [])


@pytest.fixture
def reports_follow_changes() -> None:
    """Each committed load or undo builds the public page's stored reports again, as in the app."""
    assert public._after_change in batches._listeners


@pytest.fixture(scope="session", autouse=True)
def _audit_log_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Sign-ins, loads and account changes made by tests go to a temporary audit log, never to
    data/coalition.audit.jsonl (tests that read the log set their own $IMPACT_AUDIT_FILE)."""
    import os

    before = os.environ.get("IMPACT_AUDIT_FILE")
    os.environ["IMPACT_AUDIT_FILE"] = str(tmp_path_factory.mktemp("audit") / "audit.jsonl")
    yield
    if before is None:
        os.environ.pop("IMPACT_AUDIT_FILE", None)
    else:
        os.environ["IMPACT_AUDIT_FILE"] = before

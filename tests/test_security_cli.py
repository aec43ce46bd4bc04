"""Finding 6 (the command line's --db and accounts file) and the private files of build item 7."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from impact import cli, config, db, ingest, sessions
from tests.conftest import FIXTURES


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.mark.parametrize("name", ["somefile.csv", "coalition.db", "coalition"])
def test_a_database_path_without_the_duckdb_suffix_is_refused_and_nothing_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture, name: str
) -> None:
    """`ingest --db somefile.csv` used to say "loaded as batch 1", store nothing and write a key: now exit 2."""
    before = _files_under(tmp_path)
    code, out, err = _run(capsys, "ingest", str(FIXTURES / "partners.csv"), "--db", str(tmp_path / name))
    assert code == cli.EXIT_USAGE
    assert "not a database path" in err and ".duckdb" in err and "Traceback" not in err
    assert "loaded as batch" not in out
    assert _files_under(tmp_path) == before  # no database, no pseudonymisation key


def test_read_only_commands_never_create_a_database_or_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """`batches` (and undo, and a dry run) on a path with nothing there says so, and makes no folder or file."""
    missing = tmp_path / "missing" / "dir" / "x.duckdb"
    for argv in (["batches"], ["undo", "1"], ["ingest", str(FIXTURES / "partners.csv"), "--dry-run"]):
        code, _out, err = _run(capsys, *argv, "--db", str(missing))
        assert code == cli.EXIT_USAGE, argv
        assert "There is no database at" in err, argv
    assert not (tmp_path / "missing").exists()


def test_a_folder_a_device_or_a_file_of_another_kind_is_refused_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Each is exit 2 and one line saying what is wrong, never a traceback."""
    folder = tmp_path / "folder.duckdb"
    folder.mkdir()
    device = tmp_path / "null.duckdb"
    device.symlink_to("/dev/null")
    other = tmp_path / "notes.duckdb"
    other.write_text("these are notes, not a database", encoding="utf-8")
    for path, reason in ((folder, "is a folder"), (device, "not a regular file"), (other, "not a DuckDB database")):
        for command in ("batches", "init"):
            code, _out, err = _run(capsys, command, "--db", str(path))
            assert code == cli.EXIT_USAGE, (path, command)
            assert reason in err and err.count("\n") == 1, err
    code, _out, err = _run(capsys, "batches", "--db", "/dev/null")
    assert code == cli.EXIT_USAGE and "not a database path" in err
    assert other.read_text(encoding="utf-8") == "these are notes, not a database"


def test_the_app_refuses_a_database_path_duckdb_would_open_in_memory(tmp_path: Path) -> None:
    """db.connection itself refuses what is not a DuckDB path (the app reads $IMPACT_DB)."""
    with pytest.raises(config.DatabasePathError):
        db.connection(tmp_path / "data.csv")
    assert not (tmp_path / "data.csv").exists()


@pytest.mark.parametrize(
    "content",
    [
        '["not", "accounts"]',
        '{"users": ["mei"]}',
        '{"users": {"mei": "director"}}',
        '{"users": {"mei": {"role": 1}}}',
        "7",
    ],
)
def test_an_accounts_file_of_the_wrong_shape_gets_a_sentence_not_a_traceback(tmp_path: Path, content: str) -> None:
    """Valid JSON that is not an accounts file: `users list` exits 1 naming the file and what to do."""
    path = tmp_path / "users.json"
    path.write_text(content, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "impact", "users", "list"],
        capture_output=True,
        text=True,
        cwd=config.PROJECT_ROOT,
        env={"IMPACT_USERS_FILE": str(path), "PATH": "/usr/bin:/bin", "IMPACT_AUDIT_FILE": str(tmp_path / "a.jsonl")},
        check=False,
    )
    assert done.returncode == cli.EXIT_REJECTED, done.stderr
    assert "Traceback" not in done.stderr
    assert "damaged" in done.stderr and str(path) in done.stderr and "backup" in done.stderr


def test_the_database_key_cookie_key_accounts_and_audit_files_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Each file the app or the command line creates is readable by its owner only (0600); the database was 0644."""
    database = tmp_path / "data" / "coalition.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(database))
    for name in ("IMPACT_KEY_FILE", "IMPACT_COOKIE_KEY_FILE", "IMPACT_AUDIT_FILE", "IMPACT_USERS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("a long enough password\n"))
    assert _run(capsys, "init", "--db", str(database))[0] == cli.EXIT_OK
    assert _run(capsys, "ingest", str(FIXTURES / "partners.csv"), "--db", str(database))[0] == cli.EXIT_OK
    assert _run(capsys, "users", "add", "mei", "--role", "admin")[0] == cli.EXIT_OK
    sessions.cookie_key()
    made = [
        database,
        config.key_path(database),
        sessions.cookie_key_path(),
        database.with_name("users.json"),
        database.with_name("coalition.audit.jsonl"),
    ]
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in made} == {p.name: "0o600" for p in made}
    audit_lines = [json.loads(line) for line in made[-1].read_text(encoding="utf-8").splitlines()]
    assert [entry["event"] for entry in audit_lines] == ["load", "account_added"]


def test_an_ingest_into_a_good_path_still_loads(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """The check lets a new *.duckdb path be created by ingest, as before."""
    database = tmp_path / "new" / "coalition.duckdb"
    code, out, _err = _run(capsys, "ingest", str(FIXTURES / "partners.csv"), "--db", str(database))
    assert code == cli.EXIT_OK and "loaded as batch 1" in out
    assert len(ingest.list_batches(database)) == 1
    db.close(database)

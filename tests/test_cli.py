"""The command line: its commands, output, exit codes 0/1/2/3 and plain messages."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from impact import cli, config, db
from tests import builders
from tests.conftest import FIXTURES, sql

HEADER = builders.ENGAGEMENT_HEADER


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line in this process: (exit code, stdout, stderr)."""
    try:
        code = cli.main(list(argv))
    except SystemExit as exc:  # argparse's own usage errors
        code = int(exc.code)
    out, err = capsys.readouterr()
    return code, out, err


def _default_loader() -> str:
    """Who the command line records as the loader when --by is not given."""
    return os.environ.get("IMPACT_USER") or getpass.getuser()


def _write(folder: Path, name: str, rows: list) -> Path:
    path = folder / name
    path.write_bytes(builders.csv_bytes(rows))
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Partners, events and a valid engagements file (the builders' data) on disk."""
    return {
        "partners": _write(tmp_path, "partners.csv", list(builders.PARTNERS)),
        "events": _write(tmp_path, "events.csv", list(builders.EVENTS)),
        "engagements": _write(tmp_path, "contacts.csv", [HEADER, *builders.engagements(40)]),
    }


def test_ingest_loads_several_files_in_dependency_order_whatever_the_argument_order(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Engagements, events, partners on the command line load as partners, events, engagements."""
    code, out, err = _run(
        capsys, "ingest", str(files["engagements"]), str(files["events"]), str(files["partners"]), "--db", str(empty_db)
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "partners.csv: loaded as batch 1, 3 partners rows",
        "events.csv: loaded as batch 2, 3 events rows",
        "contacts.csv: loaded as batch 3, 40 engagements rows",
    ]
    assert sql(empty_db, "select batch_id, kind, row_count, loaded_by from batches order by 1") == [
        (1, "partners", 3, _default_loader()),
        (2, "events", 3, _default_loader()),
        (3, "engagements", 40, _default_loader()),
    ]


def test_by_names_who_loaded_the_file(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--by NAME is stored as the batch's loader."""
    assert _run(capsys, "ingest", str(files["partners"]), "--db", str(empty_db), "--by", "Mei Chan")[0] == 0
    assert sql(empty_db, "select loaded_by from batches") == [("Mei Chan",)]


def test_a_rejected_file_exits_1_listing_its_problems_and_storing_nothing(
    empty_db: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file with an unknown partner: exit 1, the problem line on stderr, no rows and no batch."""
    assert _run(capsys, "ingest", str(files["partners"]), str(files["events"]), "--db", str(empty_db))[0] == 0
    bad = _write(tmp_path, "bad.csv", [HEADER, builders.engagement(1), builders.engagement(2, partner="NOPE")])
    code, out, err = _run(capsys, "ingest", str(bad), "--db", str(empty_db))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "bad.csv: rejected, nothing stored (1 problem)",
        "  line 3, column partner_id: value 'NOPE' - is not a known partner "
        "(load the partners file first, or check the spelling)",
    ]
    assert sql(empty_db, "select count(*) from engagements") == [(0,)]
    assert sql(empty_db, "select count(*) from batches") == [(2,)]


def test_a_shared_fixture_with_a_bad_date_is_rejected_with_its_line(
    empty_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command line reports engagements_bad_date.csv at line 8, column engaged_on."""
    base = [str(FIXTURES / "partners.csv"), str(FIXTURES / "events.csv")]
    code, _out, err = _run(capsys, "ingest", *base, str(FIXTURES / "engagements_bad_date.csv"), "--db", str(empty_db))
    assert code == 1
    assert "  line 8, column engaged_on: value " in err


def test_one_rejected_file_among_several_gives_exit_1_but_the_others_load(
    empty_db: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each file is its own batch: the good ones load, the bad one is listed, and the exit code is 1."""
    bad = _write(tmp_path, "bad.csv", [HEADER, builders.engagement(1, language="")])
    code, out, err = _run(
        capsys, "ingest", str(bad), str(files["partners"]), str(files["events"]), "--db", str(empty_db)
    )
    assert code == 1
    assert len(out.splitlines()) == 2 and "bad.csv: rejected" in err
    assert sql(empty_db, "select kind from batches order by batch_id") == [("partners",), ("events",)]


def test_warnings_go_to_stderr_and_the_file_still_loads(
    empty_db: Path, files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown language is loaded as written, with a warning line on stderr."""
    _run(capsys, "ingest", str(files["partners"]), str(files["events"]), "--db", str(empty_db))
    odd = _write(tmp_path, "odd.csv", [HEADER, builders.engagement(1, language="Klingon")])
    code, out, err = _run(capsys, "ingest", str(odd), "--db", str(empty_db))
    assert code == 0 and "loaded as batch 3, 1 engagements rows" in out
    assert err.startswith("odd.csv: warning: line 2, column language: value 'Klingon' - is not a known language")


def test_dry_run_checks_every_file_in_order_and_stores_nothing(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--dry-run checks engagements against the partners and events of the same call, then stores nothing."""
    code, out, err = _run(capsys, "ingest", *(str(p) for p in files.values()), "--db", str(empty_db), "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "partners.csv: ok, 3 partners rows would be loaded (dry run)",
        "events.csv: ok, 3 events rows would be loaded (dry run)",
        "contacts.csv: ok, 40 engagements rows would be loaded (dry run)",
    ]
    for table in ("batches", "partners", "events", "engagements", "event_cohosts"):
        assert sql(empty_db, f"select count(*) from {table}") == [(0,)], table


def test_dry_run_of_a_bad_file_exits_1(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Engagements checked without their partners: exit 1 and the unknown partners listed."""
    code, _out, err = _run(capsys, "ingest", str(files["engagements"]), "--db", str(empty_db), "--dry-run")
    assert code == 1 and "is not a known partner" in err


def test_kind_overrides_what_the_header_says(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--kind engagements on a partners file checks it as engagements (and misses their columns)."""
    code, _out, err = _run(capsys, "ingest", str(files["partners"]), "--kind", "engagements", "--db", str(empty_db))
    assert code == 1
    assert "column engaged_on: the required column is missing" in err
    code, out, _err = _run(capsys, "ingest", str(files["partners"]), "--kind", "partners", "--db", str(empty_db))
    assert (code, out) == (0, "partners.csv: loaded as batch 1, 3 partners rows\n")


def test_a_header_no_kind_matches_asks_for_the_kind(
    empty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file whose header is none of the three kinds is rejected with a sentence saying so."""
    odd = _write(tmp_path, "odd.csv", [("colour", "size"), ("red", "9")])
    code, _out, err = _run(capsys, "ingest", str(odd), "--db", str(empty_db))
    assert (
        code == 1
        and "cannot tell which kind of file this is from its header (the kinds are: partners, events, engagements"
        in err
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "missing.csv"], "error: no such file: missing.csv"),
        (["ingest"], "the following arguments are required: FILE"),
        (["ingest", "x.csv", "--kind", "people"], "invalid choice: 'people'"),
        (["undo", "three"], "invalid int value: 'three'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
        (["demo", "--engagements", "0"], "error: --engagements must be at least 1"),
    ],
)
def test_bad_usage_exits_2_with_a_message(
    empty_db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    """Missing files, unknown kinds or commands and bad numbers exit 2 and say what is wrong."""
    code, out, err = _run(capsys, *argv, *(["--db", str(empty_db)] if argv and argv[0] != "frobnicate" else []))
    assert code == 2
    assert message in err and out == ""


def test_batches_lists_every_batch_newest_first(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The ledger shows batch, kind, rows, status, who and file, undone batches included."""
    code, out, _err = _run(capsys, "batches", "--db", str(empty_db))
    assert (code, out) == (0, "No batches yet.\n")
    _run(capsys, "ingest", *(str(p) for p in files.values()), "--db", str(empty_db), "--by", "ana")
    _run(capsys, "undo", "3", "--db", str(empty_db))
    code, out, _err = _run(capsys, "batches", "--db", str(empty_db))
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == ["batch", "kind", "rows", "status", "loaded", "at", "(UTC)", "by", "file"]
    rows = [line.split() for line in lines[1:]]
    assert [(r[0], r[1], r[2], r[3], r[6], r[7]) for r in rows] == [
        ("3", "engagements", "40", "undone", "ana", "contacts.csv"),
        ("2", "events", "3", "loaded", "ana", "events.csv"),
        ("1", "partners", "3", "loaded", "ana", "partners.csv"),
    ]


def test_undo_removes_a_batch_and_says_how_many_rows(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Undo prints what it removed and exits 0; the rows are gone."""
    _run(capsys, "ingest", *(str(p) for p in files.values()), "--db", str(empty_db))
    code, out, err = _run(capsys, "undo", "3", "--db", str(empty_db), "--by", "ana")
    assert (code, err) == (0, "")
    assert out == "Batch 3 (contacts.csv) undone: 40 engagements rows removed.\n"
    assert sql(empty_db, "select count(*) from engagements") == [(0,)]
    assert sql(empty_db, "select status, undone_by from batches where batch_id = 3") == [("undone", "ana")]


@pytest.mark.parametrize(
    ("batch", "message"),
    [
        ("1", "error: batch 1 (partners.csv) cannot be undone while other data refers to it: batch 2 (events)"),
        ("99", "error: there is no batch 99"),
    ],
)
def test_a_refused_undo_exits_1_with_the_reason(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str], batch: str, message: str
) -> None:
    """Undoing partners that events use, or a batch that does not exist, exits 1 and stores nothing."""
    _run(capsys, "ingest", *(str(p) for p in files.values()), "--db", str(empty_db))
    code, out, err = _run(capsys, "undo", batch, "--db", str(empty_db))
    assert (code, out) == (1, "")
    assert err.startswith(message)
    assert sql(empty_db, "select count(*) from batches where status = 'loaded'") == [(3,)]


def test_impact_db_is_the_default_database(
    tmp_path: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --db, commands use $IMPACT_DB."""
    target = tmp_path / "elsewhere" / "from-env.duckdb"
    monkeypatch.setenv("IMPACT_DB", str(target))
    monkeypatch.delenv("IMPACT_KEY_FILE", raising=False)
    assert _run(capsys, "init") == (0, f"Database ready: {target}\n", "")
    assert _run(capsys, "ingest", str(files["partners"]))[0] == 0
    code, out, _err = _run(capsys, "batches")
    assert code == 0 and "partners.csv" in out
    assert sql(target, "select count(*) from partners") == [(3,)]
    db.close(target)
    assert config.key_path(target).exists()


def test_demo_builds_a_database_and_refuses_to_overwrite_data_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """demo writes N engagements; a second demo is refused (exit 1) unless --force."""
    path = tmp_path / "demo.duckdb"
    code, out, _err = _run(capsys, "demo", "--db", str(path), "--engagements", "1500", "--seed", "3")
    assert code == 0 and "1,500 engagements" in out and "fictional" in out
    assert sql(path, "select count(*) from engagements") == [(1500,)]
    db.close(path)
    code, _out, err = _run(capsys, "demo", "--db", str(path), "--engagements", "1500")
    assert code == 1 and "already holds data" in err and "--force" in err
    code, _out, _err = _run(capsys, "demo", "--db", str(path), "--engagements", "1200", "--force")
    assert code == 0
    assert sql(path, "select count(*) from engagements") == [(1200,)]
    db.close(path)


@pytest.fixture
def held_database(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A database file held read-write by another process (as the running app holds it)."""
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from impact import db; db.connection(sys.argv[1]); print('ready', flush=True); "
            "time.sleep(120)",
            str(path),
        ],
        cwd=config.PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        yield path, holder.pid
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


@pytest.mark.parametrize(
    "argv",
    [["init"], ["batches"], ["undo", "1"], ["ingest", "{partners}"], ["ingest", "{partners}", "--dry-run"]],
    ids=["init", "batches", "undo", "ingest", "dry-run"],
)
def test_a_database_held_by_another_process_exits_3_saying_so(
    held_database: tuple[Path, int], files: dict[str, Path], argv: list[str]
) -> None:
    """While another process (the app) holds the file, every command exits 3 naming that process."""
    path, pid = held_database
    argv = [a.format(partners=files["partners"]) for a in argv]
    done = subprocess.run(
        [sys.executable, "-m", "impact", *argv, "--db", str(path)],
        cwd=config.PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(config.PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith(f"error: The database {path} is in use by process {pid}")
    assert "Upload page" in done.stderr and "Traceback" not in done.stderr


def test_progress_reports_each_step_on_stderr(
    empty_db: Path, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """--progress prints each step of each file, ending with Done, and the normal result on stdout."""
    code, out, err = _run(capsys, "ingest", str(files["partners"]), "--db", str(empty_db), "--progress")
    assert code == 0 and out == "partners.csv: loaded as batch 1, 3 partners rows\n"
    steps = [line.split(": ", 1)[1] for line in err.splitlines()]
    assert steps[0] == "Reading the file" and steps[-2:] == ["Storing the rows", "Done"]
    assert err.splitlines()[-1].startswith("100%")

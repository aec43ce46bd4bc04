"""A load killed part-way leaves the whole batch or none of it (a real process, SIGKILL)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from impact import config, db, ingest
from tests import builders
from tests.conftest import sql

pytestmark = pytest.mark.slow

ROWS = 300_000
# (step the command reports with --progress, seconds to wait after it before SIGKILL)
KILL_POINTS = [
    ("Checking ids and references", 0.0),
    ("Storing the rows", 0.0),
    ("Storing the rows", 0.1),
    ("Storing the rows", 0.3),
    ("Storing the rows", 0.45),
    ("Storing the rows", 0.6),
    ("Done", 0.0),
]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A database with partners and events (and its key), and a 300,000-row engagements file."""
    folder = tmp_path_factory.mktemp("atomic")
    base = folder / "base.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)  # the key sits beside each copy of the database
        builders.load_base(base)
        db.close(base)
        big = folder / "big.csv"
        lines = [",".join(builders.ENGAGEMENT_HEADER)]
        lines += [
            f"K{i},2024-{1 + i % 12:02d}-{1 + i % 28:02d},{builders.PARTNER_IDS[i % 3]},person-{i % 50_000},"
            f"Cantonese,,Chinatown,65+,phone,kill test"
            for i in range(ROWS)
        ]
        big.write_text("\n".join(lines) + "\n", encoding="utf-8")
        yield base, big


def _copy_database(base: Path, folder: Path) -> Path:
    folder.mkdir()
    path = folder / "coalition.duckdb"
    shutil.copy(base, path)
    shutil.copy(config.key_path(base), config.key_path(path))
    return path


def _ingest_and_kill(path: Path, csv: Path, marker: str, delay: float) -> list[str]:
    """Run the command line on `csv`, SIGKILL it `delay` seconds after it reports `marker`;
    the steps it reported (including any it reported before the kill landed)."""
    env = {k: v for k, v in os.environ.items() if k not in ("IMPACT_DB", "IMPACT_KEY_FILE")}
    env["PYTHONPATH"] = str(config.PROJECT_ROOT)
    child = subprocess.Popen(
        [sys.executable, "-m", "impact", "ingest", str(csv), "--db", str(path), "--progress", "--by", "killer"],
        cwd=config.PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    try:
        for line in child.stderr:
            seen.append(line.strip())
            if line.rstrip().endswith(f": {marker}"):
                time.sleep(delay)
                child.send_signal(signal.SIGKILL)
                break
        child.wait(timeout=120)
        seen += [line.strip() for line in child.stderr.read().splitlines()]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stderr.close()
    assert child.returncode in (-signal.SIGKILL, 0), seen
    assert any(line.endswith(f": {marker}") for line in seen), f"never reached {marker!r}: {seen}"
    return [line.split(": ", 1)[-1] for line in seen]


def _outcome(path: Path, sha256: str) -> str:
    """'all' when the batch and every row are stored, 'none' when nothing of it is; else a failure."""
    try:
        batches = sql(path, "select batch_id, row_count from batches where sha256 = $s", {"s": sha256})
        rows = sql(path, "select count(*) from engagements")[0][0]
        by_batch = sql(path, "select count(*) from engagements where batch_id not in (select batch_id from batches)")
        first_contacts = sql(path, "select participant_key, first_engaged_on from first_contacts order by all")
        recomputed = sql(path, "select participant_key, min(engaged_on) from engagements group by all order by all")
    finally:
        db.close(path)
    assert by_batch == [(0,)], "rows without their batch"
    assert first_contacts == recomputed, "the stored first contacts differ from the stored contacts'"
    if not batches:
        assert rows == 0, f"no batch row but {rows:,} rows stored"
        return "none"
    assert batches[0][1] == ROWS and rows == ROWS, f"batch {batches} with {rows:,} rows stored"
    return "all"


@pytest.mark.parametrize(("marker", "delay"), KILL_POINTS)
def test_a_killed_load_stores_the_whole_batch_or_nothing(
    prepared: tuple[Path, Path], tmp_path: Path, marker: str, delay: float
) -> None:
    """SIGKILL at a step of a 300,000-row load: on reopening, the batch is complete or absent."""
    base, big = prepared
    path = _copy_database(base, tmp_path / "db")
    steps = _ingest_and_kill(path, big, marker, delay)
    outcome = _outcome(path, hashlib.sha256(big.read_bytes()).hexdigest())
    if "Done" in steps:  # reported after the commit: the batch must have survived
        assert outcome == "all", steps
    elif "Storing the rows" not in steps:  # killed before the first row was written
        assert outcome == "none", steps


def test_after_a_killed_load_the_same_file_loads_cleanly(prepared: tuple[Path, Path], tmp_path: Path) -> None:
    """A load killed while storing leaves no trace that would block loading the file again."""
    base, big = prepared
    path = _copy_database(base, tmp_path / "db")
    _ingest_and_kill(path, big, "Storing the rows", 0.05)
    if _outcome(path, hashlib.sha256(big.read_bytes()).hexdigest()) == "all":
        pytest.skip("the load finished before the kill; nothing to recover from")
    report = ingest.process(big, database=path, by="again", store=True)
    try:
        assert (report.ok, report.row_count) == (True, ROWS), [str(p) for p in report.problems[:3]]
        assert sql(path, "select count(*) from engagements") == [(ROWS,)]
    finally:
        db.close(path)

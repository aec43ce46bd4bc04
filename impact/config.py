"""Where things are: the database file, the pseudonymisation key, limits."""

from __future__ import annotations

import logging
import math
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"
DEFAULT_DB = PROJECT_ROOT / "data" / "coalition.duckdb"
DEFAULT_MAX_UPLOAD_MB = 200
log = logging.getLogger(__name__)


def number_setting(
    name: str, default: float, *, minimum: float, maximum: float | None = None, whole: bool = True
) -> float:
    """A number from $name: `default` when it is unset or empty, and also when it is not a number
    in minimum..maximum (a whole one if `whole`), which is logged on the server. A mistyped
    setting never stops a page or a command, and never turns a protection off: every default is
    the safe value."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    in_range = minimum <= value and (maximum is None or value <= maximum)  # False for nan
    if not in_range or not math.isfinite(value) or (whole and not value.is_integer()):
        wanted = "a whole number" if whole else "a number"
        bounds = f"from {minimum:g} to {maximum:g}" if maximum is not None else f"of at least {minimum:g}"
        log.warning("%s must be %s %s, not %r; using %g.", name, wanted, bounds, text, default)
        return default
    return int(value) if whole else value


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: --db, else $IMPACT_DB, else data/coalition.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("IMPACT_DB")
    return Path(env) if env else DEFAULT_DB


DATABASE_SUFFIX = ".duckdb"
_DUCKDB_MAGIC = b"DUCK"  # bytes 8 to 11 of every DuckDB database file


class DatabasePathError(ValueError):
    """A database path that is not a DuckDB database (or not there); the message says what to do."""


def check_db_path(path: Path, *, must_exist: bool = False) -> Path:
    """`path` if it can be a DuckDB database: named *.duckdb, and a DuckDB file if it exists.

    DuckDB itself opens anything: `x.csv` as a new database, `/dev/null` as an empty one kept
    in memory, so a load would report success and keep nothing. `must_exist`: for commands
    that only read (or change what is stored), which must never create a file or a folder.
    """
    if path.suffix != DATABASE_SUFFIX:
        raise DatabasePathError(
            f"{path} is not a database path: a DuckDB database's name ends in {DATABASE_SUFFIX} "
            f"(such as data/coalition{DATABASE_SUFFIX})."
        )
    if path.is_dir():
        raise DatabasePathError(f"{path} is a folder; give the path of a database file in it.")
    if path.exists() or path.is_symlink():
        if not path.is_file():
            raise DatabasePathError(f"{path} is not a regular file (a device or a broken link); give a database file.")
        with path.open("rb") as head:
            start = head.read(12)
        if start and start[8:12] != _DUCKDB_MAGIC:
            raise DatabasePathError(f"{path} is not a DuckDB database; check the path.")
    elif must_exist:
        raise DatabasePathError(
            f"There is no database at {path}. Check the path, or make one with: python -m impact init --db {path}"
        )
    return path


def key_path(db: Path) -> Path:
    """The pseudonymisation key: $IMPACT_KEY_FILE, else a file beside the database.

    It is a separate file (never inside the database, never in git) so that a copy of
    the database alone cannot be used to test guesses of participant ids.
    """
    env = os.environ.get("IMPACT_KEY_FILE")
    return Path(env) if env else db.with_name(db.stem + ".pseudonym.key")


def max_upload_bytes() -> int:
    megabytes = number_setting("IMPACT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB, minimum=0.001, whole=False)
    return int(megabytes * 1024 * 1024)


DEFAULT_DUCKDB_MEMORY_MB = 400


def duckdb_memory_mb() -> int:
    """How much memory DuckDB may hold (its buffers, temporary tables, hash tables and sorts) before it
    writes the rest to a temporary folder beside the database: $IMPACT_DUCKDB_MEMORY_MB. DuckDB's own
    default is 80% of the machine's memory, which a dashboard of 10,000,000 contacts would take."""
    return int(number_setting("IMPACT_DUCKDB_MEMORY_MB", DEFAULT_DUCKDB_MEMORY_MB, minimum=64))

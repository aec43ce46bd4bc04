"""Where things are: the database file, the pseudonymisation key, limits."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_ROOT / "queries"
DEFAULT_DB = PROJECT_ROOT / "data" / "coalition.duckdb"
DEFAULT_MAX_UPLOAD_MB = 200


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database file: --db, else $IMPACT_DB, else data/coalition.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("IMPACT_DB")
    return Path(env) if env else DEFAULT_DB


def key_path(db: Path) -> Path:
    """The pseudonymisation key: $IMPACT_KEY_FILE, else a file beside the database.

    It is a separate file (never inside the database, never in git) so that a copy of
    the database alone cannot be used to test guesses of participant ids.
    """
    env = os.environ.get("IMPACT_KEY_FILE")
    return Path(env) if env else db.with_name(db.stem + ".pseudonym.key")


def max_upload_bytes() -> int:
    return int(float(os.environ.get("IMPACT_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024)

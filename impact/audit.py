"""The audit log: who signed in or failed to, loaded or undid data, made, opened or revoked share
links, and changed accounts, when, and from where.

It is an append-only JSON-lines file beside the database (`<name>.audit.jsonl`, or
`$IMPACT_AUDIT_FILE`), created with mode 0600, not a table in the database: the running app
holds the database for writing, and the command line changes accounts (and, when the app is
stopped, loads data) in other processes, which could not write to it then. Each entry is one
line appended under an exclusive lock, so entries from the app and the command line never
interleave. Admins read and download it on the Admin page; nobody can change it from the app.

An entry that cannot be written is reported in the server's log and does not stop the action
it describes (signing in, loading), so a full disk never locks everyone out.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from impact import config, i18n
from impact.i18n import N_, _
from impact.roles import ROLES, role_label

log = logging.getLogger(__name__)

# What happened, as codes in the file and as sentences people read.
EVENTS = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Sign-in refused"),
    "sign_out": N_("Signed out"),
    "load": N_("Loaded a file"),
    "undo": N_("Undid an upload"),
    "share_created": N_("Made a share link"),
    "share_opened": N_("Share link opened"),
    "share_revoked": N_("Revoked a share link"),
    "account_added": N_("Added an account"),
    "role_changed": N_("Changed a role"),
    "password_set": N_("Set a password"),
    "account_unlocked": N_("Ended an account's wait"),
    "account_removed": N_("Removed an account"),
}
COLUMNS = ("at", "event", "actor", "target", "detail", "client")


def audit_path(database: Path | str | None = None) -> Path:
    """The audit log: $IMPACT_AUDIT_FILE, else `<database name>.audit.jsonl` beside the database."""
    env = os.environ.get("IMPACT_AUDIT_FILE")
    if env:
        return Path(env)
    path = config.db_path(database)
    return path.with_name(path.stem + ".audit.jsonl")


def record(
    event: str,
    actor: str,
    *,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
    client: str | None = None,
    database: Path | str | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry. `actor` is who did it (an account, "public", a command-line user)."""
    if event not in EVENTS:
        raise ValueError(f"not an audit event: {event!r}")
    entry = {
        "at": (at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "event": event,
        "actor": actor,
        "target": target,
        "detail": dict(detail or {}),
        "client": client or "",
    }
    line = (json.dumps(entry, ensure_ascii=False, default=str) + "\n").encode("utf-8")
    path = audit_path(database)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock
    except OSError:
        log.exception("could not write to the audit log %s: %s", path, line.decode("utf-8").strip())


def read(database: Path | str | None = None, limit: int | None = None) -> pd.DataFrame:
    """The entries, newest first (at most `limit`); a damaged line is skipped and logged."""
    path = audit_path(database)
    rows: list[dict[str, Any]] = []
    try:
        with path.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    log.warning("audit log %s: line %d is damaged; skipped", path, number)
                    continue
                if isinstance(entry, dict):
                    rows.append({c: entry.get(c, "") for c in COLUMNS})
    except FileNotFoundError:
        pass
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame = frame.iloc[::-1].reset_index(drop=True)
    return frame.head(limit) if limit else frame


def event_label(event: str) -> str:
    """An event code in the reader's language."""
    return _(EVENTS[event]) if event in EVENTS else event


# The details an entry can have, and the reasons a sign-in was refused, as people read them.
_DETAIL_LABELS = {
    "kind": N_("kind"),
    "rows": N_("rows"),
    "role": N_("role"),
    "before": N_("before"),
    "why": N_("why"),
    "partners": N_("partners"),
    "start": N_("from"),
    "end": N_("to"),
    "expires": N_("expires after"),
}
_REFUSALS = {
    "unknown_name": N_("no such account"),
    "wrong_password": N_("wrong password"),
    "account_waiting": N_("the account was waiting after wrong passwords"),
    "client_waiting": N_("this address was waiting after wrong sign-ins"),
}
_KINDS = {"partners": N_("Partners"), "events": N_("Events"), "engagements": N_("Engagements (contacts)")}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def describe(detail: object) -> str:
    """An entry's details in the reader's language: `role: Director; from: Jan 1, 2024; ...`."""
    if not isinstance(detail, Mapping):
        return str(detail or "")
    return "; ".join(
        f"{_(_DETAIL_LABELS[key]) if key in _DETAIL_LABELS else key}: {_value(key, value)}"
        for key, value in detail.items()
    )


def _value(key: str, value: object) -> str:
    if key == "why" and value in _REFUSALS:
        return _(_REFUSALS[str(value)])
    if key == "kind" and value in _KINDS:
        return _(_KINDS[str(value)])
    if key in ("role", "before") and value in ROLES:
        return role_label(str(value))
    if isinstance(value, str) and _ISO_DAY.fullmatch(value):
        return i18n.format_date(date.fromisoformat(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return i18n.format_number(value)
    return str(value)

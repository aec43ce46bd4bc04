"""Share links: a director's scoped, expiring view of the public impact page for a funder.

A link is `/impact?share=TOKEN`. The token is 256 random bits, shown once to the director
who made it; the database keeps only its SHA-256, so neither a database copy nor the links
list can open a link. The scope (partners and dates) is stored with the link and read on
the server at every visit, so nothing a visitor puts in the URL can widen it. Expired and
revoked links open nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from pathlib import Path

import pandas as pd

from impact import audit, db
from impact.i18n import _

TOKEN_BYTES = 32  # 256 bits -> 43 URL-safe characters
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_LABEL = 200
URL_PARAM = "share"
# A visitor's openings of a link count once per visit: opened again (a reload, a new tab) within
# this many minutes of their last look, it is the same visit.
VISIT_MINUTES = 30
# Control characters (and the marks that reverse text direction) have no place in a label.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class ShareError(ValueError):
    """A share link that cannot be made or changed; the message says why."""


class LinkState(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ShareLink:
    link_id: int
    label: str
    partners: tuple[str, ...] | None
    start: date
    end: date
    expires_on: date


@dataclass(frozen=True)
class Visit:
    state: LinkState
    link: ShareLink | None = None


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def partner_tuple(value: object) -> tuple[str, ...] | None:
    """A stored partners list as a tuple; None (all partners) for a null list, however pandas spells it."""
    if isinstance(value, str) or not hasattr(value, "__len__") or len(value) == 0:
        return None
    return tuple(str(p) for p in value)


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def share_url(base_url: str, token: str) -> str:
    """The link to send: the app's address, the impact page and the token."""
    return f"{base_url.rstrip('/')}/impact?{URL_PARAM}={token}"


def create(
    label: str,
    partners: list[str] | tuple[str, ...] | None,
    start: date,
    end: date,
    expires_on: date,
    by: str,
    database: Path | str | None = None,
    today: date | None = None,
) -> tuple[ShareLink, str]:
    """Store a new link and return it with its token (the only time the token exists in full)."""
    today = today or _utcnow().date()
    label = label.strip()
    if not label:
        raise ShareError(_("Give the link a label, such as the funder's name, so you can recognise it later."))
    if len(label) > MAX_LABEL:
        raise ShareError(_("The label is too long: use at most {n} characters.").format(n=MAX_LABEL))
    if CONTROL_CHARACTERS.search(label):
        raise ShareError(_("The label contains a control character (such as a tab or a line break): remove it."))
    if start > end:
        raise ShareError(_("The period starts after it ends: choose a start date on or before the end date."))
    if expires_on < today:
        raise ShareError(_("The expiry date has passed: choose today or a later day."))
    chosen = sorted(set(partners)) if partners else None
    if chosen:
        known = set(partner_options(database)["partner_id"])
        unknown = [p for p in chosen if p not in known]
        if unknown:
            raise ShareError(_("Unknown partners: {partners}.").format(partners=", ".join(unknown)))
    token = new_token()
    with db.transaction(database) as cur:
        link_id = cur.execute(
            """insert into share_links (token_sha256, label, partners, start_date, end_date, expires_on,
                       created_by, created_at)
                   values ($hash, $label, $partners, $start, $end, $expires, $by, $at)
                   returning link_id""",
            {
                "hash": token_hash(token),
                "label": label,
                "partners": chosen,
                "start": start,
                "end": end,
                "expires": expires_on,
                "by": by,
                "at": _utcnow(),
            },
        ).fetchone()[0]
    scope = {"partners": ", ".join(chosen) if chosen else "all", "start": start, "end": end, "expires": expires_on}
    audit.record("share_created", by, target=f"#{link_id} {label}", detail=scope, database=database)
    return ShareLink(link_id, label, tuple(chosen) if chosen else None, start, end, expires_on), token


def partner_options(database: Path | str | None = None) -> pd.DataFrame:
    """The partners a link can cover: partner_id and name."""
    return db.run_query("share_partner_options", db=database)


def list_links(database: Path | str | None = None, today: date | None = None) -> pd.DataFrame:
    """Every link with its scope, who made it, expiry, state and how often it was opened."""
    return db.run_query("share_links", db=database, today=today or _utcnow().date())


def revoke(link_id: int, by: str, database: Path | str | None = None) -> None:
    """Stop a link at once (its next visit shows no data). Revoking twice keeps the first time."""
    with db.transaction(database) as cur:
        found = cur.execute("select revoked_at from share_links where link_id = $id", {"id": link_id}).fetchone()
        if found is None:
            raise ShareError(_("There is no share link {id}.").format(id=link_id))
        if found[0] is None:
            cur.execute(
                "update share_links set revoked_at = $at, revoked_by = $by where link_id = $id",
                {"at": _utcnow(), "by": by, "id": link_id},
            )
            audit.record("share_revoked", by, target=f"#{link_id}", database=database)


_last_seen: dict[tuple[str, str], float] = {}  # (link's token hash, visitor) -> time.monotonic() of the last look
_last_seen_lock = threading.Lock()


def _new_visit(link: str, visitor: str | None) -> bool:
    """True when this look at a link starts a visit: the visitor's first, or the first after a pause
    of VISIT_MINUTES. Kept in this process's memory (a restart starts new visits)."""
    if visitor is None:
        return True
    now = time.monotonic()
    with _last_seen_lock:
        last = _last_seen.get((link, visitor))
        _last_seen[link, visitor] = now
        if len(_last_seen) > 100_000:  # forget visits long over
            for key in [k for k, seen in _last_seen.items() if seen < now - VISIT_MINUTES * 60]:
                del _last_seen[key]
    return last is None or now - last > VISIT_MINUTES * 60


def open_link(
    token: str | None,
    database: Path | str | None = None,
    today: date | None = None,
    count: bool = True,
    visitor: str | None = None,
) -> Visit:
    """Check a visitor's token; an open link is counted (times opened, last opened) when `count`
    and the look starts a visit (`visitor`: an opaque key of the browser; see _new_visit)."""
    if not token or not TOKEN_PATTERN.fullmatch(token):
        return Visit(LinkState.UNKNOWN)
    found = db.run_query("share_link_by_hash", db=database, token_sha256=token_hash(token))
    if found.empty:
        return Visit(LinkState.UNKNOWN)
    row = found.iloc[0]
    link = ShareLink(
        int(row["link_id"]),
        str(row["label"]),
        partner_tuple(row["partners"]),
        pd.Timestamp(row["start_date"]).date(),
        pd.Timestamp(row["end_date"]).date(),
        pd.Timestamp(row["expires_on"]).date(),
    )
    if not pd.isna(row["revoked_at"]):
        return Visit(LinkState.REVOKED)
    if link.expires_on < (today or _utcnow().date()):
        return Visit(LinkState.EXPIRED)
    if count and _new_visit(token_hash(token), visitor):
        with db.transaction(database) as cur:
            cur.execute(
                "update share_links set times_opened = times_opened + 1, last_opened = $at where link_id = $id",
                {"at": _utcnow(), "id": link.link_id},
            )
        audit.record("share_opened", "public", target=f"#{link.link_id}", database=database)
    return Visit(LinkState.OK, link)

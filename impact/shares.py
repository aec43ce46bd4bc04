"""Share links: a director's scoped, expiring view of the public impact page for a funder.

A link is `/impact?share=TOKEN`. The token is 256 random bits, shown once to the director
who made it; the database keeps only its SHA-256, so neither a database copy nor the links
list can open a link. The scope (partners and dates) is stored with the link and read on
the server at every visit, so nothing a visitor puts in the URL can widen it. Expired and
revoked links open nothing.

A link has a label (the director's name for it, "2025 grant report"), a recipient (who it is
for, "Bay Area Safety Fund": the page says "Prepared for" them) and a language (the page opens
in it unless the URL names another). Links made before recipients and languages have neither:
their page has no "Prepared for" line and opens in the visitor's language. A director can
preview a link by its number (`/impact?preview=ID`): the page as its recipient sees it, never
counted as an opening, without the token (which nobody can see again).
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

from impact import audit, db, i18n
from impact.i18n import _

TOKEN_BYTES = 32  # 256 bits -> 43 URL-safe characters
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
MAX_LABEL = 200
MAX_RECIPIENT = 200
URL_PARAM = "share"
PREVIEW_PARAM = "preview"  # /impact?preview=ID: a director's look at link ID as its recipient sees it
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
    label: str  # the director's name for the link; never shown to its recipient
    partners: tuple[str, ...] | None
    start: date
    end: date
    expires_on: date
    recipient: str | None = None  # who it is for; None for links made before recipients
    language: str | None = None  # one of i18n.LANGUAGES; None: the visitor's own language


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
    *,
    recipient: str | None = None,
    language: str | None = None,
) -> tuple[ShareLink, str]:
    """Store a new link and return it with its token (the only time the token exists in full).

    `recipient` None records none (as links made before recipients); a recipient given but blank
    is refused. `language` None lets each visitor's own language decide."""
    today = today or _utcnow().date()
    label = _checked_text(
        label,
        MAX_LABEL,
        empty=_("Give the link a label, such as '2025 grant report', so you can recognise it later."),
        too_long=_("The label is too long: use at most {n} characters."),
        control=_("The label contains a control character (such as a tab or a line break): remove it."),
    )
    if recipient is not None:
        recipient = _checked_text(
            recipient,
            MAX_RECIPIENT,
            empty=_("Say who the link is for (the recipient), such as 'Bay Area Safety Fund'."),
            too_long=_("The recipient is too long: use at most {n} characters."),
            control=_("The recipient contains a control character (such as a tab or a line break): remove it."),
        )
    if language is not None and language not in i18n.LANGUAGES:
        raise ShareError(
            _("Unknown language {language}: choose one of {languages}.").format(
                language=language, languages=", ".join(i18n.LANGUAGES.values())
            )
        )
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
            """insert into share_links (token_sha256, label, recipient, language, partners, start_date, end_date,
                       expires_on, created_by, created_at)
                   values ($hash, $label, $recipient, $language, $partners, $start, $end, $expires, $by, $at)
                   returning link_id""",
            {
                "hash": token_hash(token),
                "label": label,
                "recipient": recipient,
                "language": language,
                "partners": chosen,
                "start": start,
                "end": end,
                "expires": expires_on,
                "by": by,
                "at": _utcnow(),
            },
        ).fetchone()[0]
    scope = {
        "recipient": recipient or "",
        "language": language or "",
        "partners": ", ".join(chosen) if chosen else "all",
        "start": start,
        "end": end,
        "expires": expires_on,
    }
    audit.record("share_created", by, target=f"#{link_id} {label}", detail=scope, database=database)
    link = ShareLink(link_id, label, tuple(chosen) if chosen else None, start, end, expires_on, recipient, language)
    return link, token


def _checked_text(value: str, most: int, *, empty: str, too_long: str, control: str) -> str:
    """A label or recipient as stored (trimmed), or a ShareError with the message that fits."""
    value = value.strip()
    if not value:
        raise ShareError(empty)
    if len(value) > most:
        raise ShareError(too_long.format(n=most))
    if CONTROL_CHARACTERS.search(value):
        raise ShareError(control)
    return value


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


def _link_of(row: pd.Series) -> ShareLink:
    """A link as stored (a row of share_link_by_hash or share_links)."""
    return ShareLink(
        int(row["link_id"]),
        str(row["label"]),
        partner_tuple(row["partners"]),
        pd.Timestamp(row["start_date"]).date(),
        pd.Timestamp(row["end_date"]).date(),
        pd.Timestamp(row["expires_on"]).date(),
        _text_or_none(row["recipient"]),
        row["language"] if row["language"] in i18n.LANGUAGES else None,
    )


def _text_or_none(value: object) -> str | None:
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def _state(link: ShareLink, revoked_at: object, today: date) -> LinkState:
    if not pd.isna(revoked_at):
        return LinkState.REVOKED
    if link.expires_on < today:
        return LinkState.EXPIRED
    return LinkState.OK


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
    link = _link_of(row)
    state = _state(link, row["revoked_at"], today or _utcnow().date())
    if state is not LinkState.OK:
        return Visit(state)  # nothing of a closed link reaches its visitor
    if count and _new_visit(token_hash(token), visitor):
        with db.transaction(database) as cur:
            cur.execute(
                "update share_links set times_opened = times_opened + 1, last_opened = $at where link_id = $id",
                {"at": _utcnow(), "id": link.link_id},
            )
        audit.record("share_opened", "public", target=f"#{link.link_id}", database=database)
    return Visit(LinkState.OK, link)


def preview(link_id: object, database: Path | str | None = None, today: date | None = None) -> Visit:
    """Link `link_id` as its recipient would find it today, for a director's preview: never counted.

    Unlike open_link, a closed link comes with the link (the director may know which one it is).
    `link_id` may come from a URL: anything but a link's number is UNKNOWN."""
    try:
        wanted = int(str(link_id))
    except ValueError:
        return Visit(LinkState.UNKNOWN)
    links = list_links(database, today=today)
    found = links[links["link_id"] == wanted]
    if found.empty:
        return Visit(LinkState.UNKNOWN)
    row = found.iloc[0]
    link = _link_of(row)
    return Visit(_state(link, row["revoked_at"], today or _utcnow().date()), link)

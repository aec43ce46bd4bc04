"""Signed sign-in tokens and what they stand for, without Streamlit.

A sign-in is kept in the browser as an HMAC-SHA256-signed token (name, issued-at, expiry).
The signing key comes from secrets.toml (passed in by impact.web.auth) or is generated once
into a 0600 file beside the database. The role is never in the token: it is read from the
accounts file (or the single sign-on allow-list) at every run.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from impact import config, users
from impact.roles import ROLES, User


def cookie_key_path(database: Path | str | None = None) -> Path:
    env = os.environ.get("IMPACT_COOKIE_KEY_FILE")
    if env:
        return Path(env)
    path = config.db_path(database)
    return path.with_name(path.stem + ".cookie.secret")


def cookie_key(configured: str | None = None) -> bytes:
    """The key that signs sign-in cookies: the configured one (secrets.toml), else a 0600 file made on first use."""
    if configured:
        return str(configured).encode("utf-8")
    path = cookie_key_path()
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another session made it a moment ago
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_urlsafe(48).encode("ascii"))
    return path.read_bytes().strip()


# -- signed tokens (pure; tested without Streamlit) ----------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_token(name: str, key: bytes, issued_at: float, hours: float) -> str:
    """`payload.signature`: the name, when it was issued and when it expires, signed with HMAC-SHA256."""
    payload = _b64(json.dumps({"u": name, "iat": issued_at, "exp": issued_at + hours * 3600}).encode("utf-8"))
    signature = _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())
    return f"{payload}.{signature}"


def read_token(token: str, key: bytes, now: float) -> dict[str, Any] | None:
    """The token's payload if its signature is right and it has not expired, else None."""
    try:
        payload, signature = token.split(".")
        expected = _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())
        if not hmac.compare_digest(signature, expected):
            return None
        claims = json.loads(_unb64(payload))
        if not isinstance(claims, dict) or float(claims["exp"]) <= now:
            return None
        return claims
    except (ValueError, KeyError, TypeError, UnicodeError):
        return None


def account_user(name: str, issued_at: float, store: users.UserStore | None = None) -> User | None:
    """The User of a local account's sign-in issued at `issued_at`, if that sign-in is still valid."""
    account = (store or users.UserStore()).get(name)
    if account is None:
        return None
    if account.sessions_valid_after and issued_at <= datetime.fromisoformat(account.sessions_valid_after).timestamp():
        return None
    return User(account.name, account.role, "local")


def sso_role(email: str | None, allow_list: Mapping[str, Any]) -> str:
    """The role an SSO email gets from `[impact.sso_roles]` (role = [emails]); the highest role wins."""
    if not email:
        return "public"
    wanted = email.strip().lower()
    for role in reversed(ROLES[1:]):  # admin, director, analyst
        listed = allow_list.get(role) or []
        if any(str(item).strip().lower() == wanted for item in listed):
            return role
    return "public"

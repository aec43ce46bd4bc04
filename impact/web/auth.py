"""Who is looking: a local account, a single sign-on identity, or the public.

Three ways to be someone, checked on the server at the start of every script run:

1. A sign-in in this browser session (the sign-in form put it in `st.session_state`).
2. A sign-in cookie from an earlier session: `impact_session`, an HMAC-signed token
   (name, issued-at, expiry) read from the request that opened the session, so a page
   refresh or a directly typed URL on a freshly started server keeps the person signed in
   without a round trip to the browser. The signing key comes from secrets.toml
   (`[impact] cookie_key`) or is generated once into a 0600 file beside the database.
3. Single sign-on (`st.login`, OpenID Connect) when `[auth]` is configured in
   secrets.toml; the role comes from an allow-list of email addresses
   (`[impact.sso_roles]`). An email on no list is the public audience.

Everything else is the public audience. The role is always read from the accounts file
or the allow-list on the server, never from the cookie, so a role change or a removed
account takes effect at the next click. Signing out ends every session of the account
(cookies issued before it stop working).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import streamlit as st

from impact import config, users
from impact.i18n import _

ROLES = ("public", "analyst", "director", "admin")
COOKIE_NAME = "impact_session"
SESSION_KEY = "impact_signed_in"  # st.session_state: {"name", "iat"} of this session's sign-in
SIGNED_OUT_KEY = "impact_signed_out"  # st.session_state: this session signed out; ignore its opening cookie
COOKIE_PENDING_KEY = "impact_cookie_pending"  # st.session_state: a cookie the browser should store
DEFAULT_SESSION_HOURS = 12.0


@dataclass(frozen=True)
class User:
    name: str
    role: str
    source: str = "anonymous"  # anonymous | local | sso

    @property
    def signed_in(self) -> bool:
        return self.role != "public"


PUBLIC = User("", "public")


# -- settings -----------------------------------------------------------------------------


def _secrets_section(name: str) -> Mapping[str, Any]:
    """A section of secrets.toml, or {} when there is no secrets file or no such section."""
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets.toml at all: Streamlit raises instead of returning None
        return {}
    return section if isinstance(section, Mapping) else {}


def session_hours() -> float:
    """How long a sign-in lasts: $IMPACT_SESSION_HOURS, else secrets [impact] session_hours, else 12."""
    value = os.environ.get("IMPACT_SESSION_HOURS") or _secrets_section("impact").get("session_hours")
    return float(value) if value else DEFAULT_SESSION_HOURS


def cookie_key_path(database: Path | str | None = None) -> Path:
    env = os.environ.get("IMPACT_COOKIE_KEY_FILE")
    if env:
        return Path(env)
    path = config.db_path(database)
    return path.with_name(path.stem + ".cookie.secret")


def cookie_key() -> bytes:
    """The key that signs sign-in cookies: from secrets.toml, else a 0600 file made on first use."""
    configured = _secrets_section("impact").get("cookie_key")
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


# -- Streamlit side ----------------------------------------------------------------------


def sso_configured() -> bool:
    """True when secrets.toml has an [auth] section, i.e. `st.login` can work."""
    return bool(_secrets_section("auth"))


def current_user() -> User:
    """The person this script run is for (checked afresh on every run)."""
    state = st.session_state
    store = users.UserStore()
    signed_in = state.get(SESSION_KEY)
    if signed_in:
        user = account_user(signed_in["name"], signed_in["iat"], store)
        if user is not None:
            return user
        del state[SESSION_KEY]  # removed, or signed out elsewhere
        state.pop(COOKIE_PENDING_KEY, None)
    if not state.get(SIGNED_OUT_KEY):
        token = st.context.cookies.get(COOKIE_NAME)
        claims = read_token(token, cookie_key(), time.time()) if token else None
        if claims:
            user = account_user(str(claims["u"]), float(claims["iat"]), store)
            if user is not None:
                state[SESSION_KEY] = {"name": user.name, "iat": float(claims["iat"])}
                return user
    if sso_configured() and st.user.get("is_logged_in", False):
        email = st.user.get("email")
        role = sso_role(email, _secrets_section("impact").get("sso_roles") or {})
        return User(str(email), role, "sso")
    return PUBLIC


def sign_in(name: str, password: str) -> users.SignInResult:
    """Check a name and password; on success this session is signed in and a cookie is queued."""
    store = users.UserStore()
    result = store.verify(name, password)
    if not result.ok:
        users.wait(result.delay)
        return result
    issued_at = time.time()
    st.session_state[SESSION_KEY] = {"name": result.account.name, "iat": issued_at}
    st.session_state[COOKIE_PENDING_KEY] = make_token(result.account.name, cookie_key(), issued_at, session_hours())
    st.session_state.pop(SIGNED_OUT_KEY, None)
    return result


def sign_out(user: User) -> None:
    """End this person's sessions everywhere and forget the cookie in this browser."""
    if user.source == "local":
        with contextlib.suppress(users.AccountError):  # removed meanwhile: nothing left to end
            users.UserStore().end_sessions(user.name)
    st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(COOKIE_PENDING_KEY, None)
    st.session_state[SIGNED_OUT_KEY] = True
    if user.source == "sso":
        st.logout()


def cookie_script() -> str | None:
    """JavaScript that stores (or, after sign-out, deletes) the sign-in cookie in the browser."""
    secure = "; Secure" if str(st.context.url or "").startswith("https://") else ""
    token = st.session_state.get(COOKIE_PENDING_KEY)
    if token:
        claims = read_token(token, cookie_key(), time.time())
        if claims:
            max_age = int(float(claims["exp"]) - time.time())
            return (
                f"<script>document.cookie = '{COOKIE_NAME}={token}; Max-Age={max_age}; Path=/; "
                f"SameSite=Strict{secure}';</script>"
            )
    if st.session_state.get(SIGNED_OUT_KEY):
        return f"<script>document.cookie = '{COOKIE_NAME}=; Max-Age=0; Path=/; SameSite=Strict{secure}';</script>"
    return None


def role_label(role: str) -> str:
    return {
        "public": _("Public"),
        "analyst": _("Analyst"),
        "director": _("Director"),
        "admin": _("Administrator"),
    }[role]

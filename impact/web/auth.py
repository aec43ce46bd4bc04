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

import contextlib
import os
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from impact import audit, sessions, users
from impact.roles import PUBLIC, User
from impact.sessions import account_user, make_token, read_token, sso_role

COOKIE_NAME = "impact_session"
SESSION_KEY = "impact_signed_in"  # st.session_state: {"name", "iat"} of this session's sign-in
SIGNED_OUT_KEY = "impact_signed_out"  # st.session_state: this session signed out; ignore its opening cookie
COOKIE_PENDING_KEY = "impact_cookie_pending"  # st.session_state: a cookie the browser should store
DEFAULT_SESSION_HOURS = 12.0


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


def cookie_key() -> bytes:
    """The key that signs sign-in cookies: `[impact] cookie_key` in secrets.toml, else the key file."""
    return sessions.cookie_key(_secrets_section("impact").get("cookie_key"))


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


def client_address() -> str | None:
    """The address the browser connects from (behind a proxy, the proxy's), for throttling and the audit log."""
    try:
        address = st.context.ip_address
    except Exception:  # outside a browser session: no address
        return None
    return address if isinstance(address, str) else None  # (AppTest gives a stand-in object)


def sign_in(name: str, password: str) -> users.SignInResult:
    """Check a name and password; on success this session is signed in and a cookie is queued.

    Every refusal is answered after the same time with the same message (impact.users).
    """
    store = users.UserStore()
    client = client_address()
    result = store.verify(name, password, client=client)
    if not result.ok:
        # only names of accounts are written down: a password typed into the name field is not
        target = result.account.name if result.account else ""
        audit.record("sign_in_failed", target or "-", target=target, detail={"why": result.outcome}, client=client)
        users.wait(result.delay)
        return result
    audit.record("sign_in", result.account.name, target=result.account.name, client=client)
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
    audit.record("sign_out", user.name, target=user.name, client=client_address())
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

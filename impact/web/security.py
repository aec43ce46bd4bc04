"""What keeps a session to its rights where a page's script does not run: file uploads and
downloads, which the browser sends to and fetches from the server outside any page run.

- Uploads: Streamlit accepts a file from any open session (`/_stcore/upload_file/<session>/...`)
  and keeps it in the server's memory. `guard_uploads()` (run by app.py) refuses, with 403, a
  file for a session whose viewer may not upload: page_setup writes down, at every run, who each
  session's viewer is (`note_viewer`), and the role is checked again when a file arrives.
- Downloads: a download button gets a function, not the data (`guarded_data`); Streamlit calls
  it when the button is clicked, and it hands out the data only while the viewer who saw the
  button may still see the page (not after a sign-out anywhere or a change of role), and a share
  link's only while the link is open (`while_link_open`).

The viewer's "pass" is checked without Streamlit's session (these run outside a page run): a
local account's sign-in is checked against the accounts file as the sign-in cookie is.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass

import streamlit as st
from streamlit import runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from impact import sessions, shares, users
from impact.roles import LOADERS, User
from impact.web import auth


@dataclass(frozen=True)
class Pass:
    """Who a session's viewer was at a page run, enough to check later that they still are."""

    user: User
    issued_at: float | None  # a local account's sign-in time (its cookie's), else None

    def still_valid_for(self, audience: Collection[str]) -> bool:
        """True while this viewer may see what `audience` may see: a local account's sign-in must
        not have ended (sign-out anywhere, a new password or role) and its role must still fit."""
        if self.user.source == "local":
            if self.issued_at is None:
                return False
            try:
                current = sessions.account_user(self.user.name, self.issued_at)
            except users.AccountError:
                return False
            return current is not None and current.role in audience
        return self.user.role in audience


def current_pass(user: User) -> Pass:
    """This run's viewer as a Pass (call during a page run)."""
    signed_in = st.session_state.get(auth.SESSION_KEY)
    issued_at = float(signed_in["iat"]) if user.source == "local" and signed_in else None
    return Pass(user, issued_at)


# -- uploads --------------------------------------------------------------------------------

_uploaders: dict[str, Pass] = {}  # session id -> the viewer who may upload in that session
_uploaders_lock = threading.Lock()


def note_viewer(user: User) -> None:
    """Write down this session's viewer for the upload check (page_setup, every run)."""
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return
    with _uploaders_lock:
        if user.role in LOADERS:
            _uploaders[ctx.session_id] = current_pass(user)
        else:
            _uploaders.pop(ctx.session_id, None)


def may_upload(session_id: str) -> bool:
    """True when the session's viewer may upload files now."""
    with _uploaders_lock:
        viewer = _uploaders.get(session_id)
    return viewer is not None and viewer.still_valid_for(LOADERS)


def guard_uploads() -> None:
    """Make the server refuse uploads from sessions whose viewer may not upload (once per process)."""
    if not runtime.exists():
        return
    manager = runtime.get_instance().uploaded_file_mgr
    if getattr(manager, "_impact_guarded", False):
        return
    accept = manager.add_file

    def add_file(session_id: str, file: object) -> None:
        if not may_upload(session_id):
            from starlette.exceptions import HTTPException  # Streamlit's web server

            raise HTTPException(status_code=403, detail="This session may not upload files.")
        accept(session_id=session_id, file=file)

    manager.add_file = add_file
    manager._impact_guarded = True


# -- downloads ------------------------------------------------------------------------------


def guarded_data(viewer: Pass, audience: Collection[str], produce: Callable[[], bytes]) -> Callable[[], bytes]:
    """A download button's data: made on click, and only while `viewer` may still see `audience`'s pages."""

    def data() -> bytes:
        if not viewer.still_valid_for(audience):
            raise PermissionError("the session that showed this download may no longer see its data")
        return produce()

    return data


def while_link_open(produce: Callable[[], bytes], token: str | None, preview_id: str | None) -> Callable[[], bytes]:
    """A share link's download (`token`, or a director's preview of link `preview_id`): made on click only
    while the link is still open. Revoking a link stops it at once, a download of a page drawn before too."""

    def data() -> bytes:
        if token is not None:
            visit = shares.open_link(token, count=False)
        elif preview_id is not None:
            visit = shares.preview(preview_id)
        else:
            return produce()
        if visit.state is not shares.LinkState.OK:
            raise PermissionError(f"the share link is {visit.state.value} since this download was shown")
        return produce()

    return data


# -- share-link visits ------------------------------------------------------------------------


def visitor_key() -> str:
    """An opaque key of this browser (its address and user agent, hashed), for counting a share
    link's openings once per visitor and not once per reload."""
    headers = st.context.headers
    seen = f"{auth.client_address() or ''}|{headers.get('User-Agent', '')}"
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:32]

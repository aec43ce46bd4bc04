"""What every page shares: its declared audience, set-up, sidebar and cached data access.

Each page script starts with `page_setup("<page id>")`. It does everything itself
(page config, who is looking, the audience check, the sidebar), because a page can run
without app.py: on a freshly started server a direct URL runs the page file alone.
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Collection
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from impact import config, db, labels, metrics, roles, users
from impact.i18n import N_, _
from impact.roles import ADMINS, DIRECTORS, EVERYONE, LOADERS, STAFF
from impact.web import auth, security
from impact.web import language as ui_i18n
from impact.web import signin as ui_auth

APP_TITLE = N_("Coalition Impact")
# The browser tab's icon. An emoji is drawn by the browser itself; a ":material/...:" icon
# would make every visitor's browser fetch it from a Google font server.
PAGE_ICON = "🤝"


@dataclass(frozen=True)
class PageSpec:
    id: str  # also the URL path
    title: str
    file: str
    icon: str
    audience: frozenset[str]
    in_navigation: bool = True  # False for the sign-in page: the sidebar's account block links to it


PAGES = (
    PageSpec("signin", N_("Sign in"), "pages/0_signin.py", ":material/login:", EVERYONE, in_navigation=False),
    PageSpec("overview", N_("Overview"), "pages/1_overview.py", ":material/dashboard:", STAFF),
    PageSpec("reach", N_("Outreach reach"), "pages/2_reach.py", ":material/groups:", STAFF),
    PageSpec("languages", N_("Languages served"), "pages/3_languages.py", ":material/translate:", STAFF),
    PageSpec("partners", N_("Partner activity"), "pages/4_partners.py", ":material/handshake:", STAFF),
    PageSpec("goals", N_("Goals"), "pages/11_goals.py", ":material/flag:", STAFF),
    PageSpec("voice", N_("Community voice"), "pages/12_voice.py", ":material/record_voice_over:", STAFF),
    PageSpec("ingredients", N_("How we work together"), "pages/13_ingredients.py", ":material/diversity_3:", STAFF),
    PageSpec("impact", N_("Impact"), "pages/5_impact.py", ":material/public:", EVERYONE),
    PageSpec("upload", N_("Upload"), "pages/6_upload.py", ":material/upload_file:", LOADERS),
    PageSpec("data", N_("Data"), "pages/7_data.py", ":material/database:", STAFF),
    PageSpec("share_links", N_("Share links"), "pages/8_share_links.py", ":material/link:", DIRECTORS),
    PageSpec("admin", N_("Accounts and audit"), "pages/9_admin.py", ":material/admin_panel_settings:", ADMINS),
)
PAGE_BY_ID = {p.id: p for p in PAGES}
# The role of this script run's viewer, part of every cache key (set by page_setup).
_viewer_role: ContextVar[str] = ContextVar("impact_viewer_role", default="public")
# The page this full run set up (guarded_fragment reads it when a fragment is defined).
_current_page: ContextVar[PageSpec | None] = ContextVar("impact_current_page", default=None)
_run_viewer: ContextVar[roles.User] = ContextVar("impact_run_viewer", default=roles.PUBLIC)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PageContext:
    page: PageSpec
    user: roles.User


def allowed_pages(user: roles.User) -> list[PageSpec]:
    return [p for p in PAGES if user.role in p.audience and p.in_navigation]


def home_page(user: roles.User) -> str:
    """Where "/" leads: staff to the overview, everyone else to the public impact page."""
    return "overview" if user.role in STAFF else "impact"


@functools.cache
def _process_setup() -> None:
    """Once per server process, from the first page run (on a freshly started server a direct URL
    runs its page file without app.py): what the server creates is private, and it takes uploads
    only from sessions that may upload (impact.web.security)."""
    os.umask(0o077)
    security.guard_uploads()


def page_setup(page_id: str) -> PageContext:
    """Configure the page, enforce its audience on the server, draw the shared sidebar."""
    _process_setup()
    page = PAGE_BY_ID[page_id]
    ui_i18n.activate_language()  # before anything is drawn: every string below is translated
    title = f"{_(page.title)} · {_(APP_TITLE)}"
    st.set_page_config(page_title=title, page_icon=PAGE_ICON, layout="wide")
    user = viewer()
    _current_page.set(page)
    _sidebar(user, page)
    if user.role not in page.audience:
        # Nothing of the page runs: no query, no data, only a way to sign in.
        st.title(_(page.title))
        if user.signed_in:
            st.warning(
                _("Your role ({role}) may not see this page. Choose a page in the sidebar.").format(
                    role=roles.role_label(user.role)
                )
            )
        else:
            st.warning(_("This page is for coalition staff. Sign in with an account that may see it."))
            ui_auth.sign_in_form()
        st.stop()
    try:
        db.connection(config.db_path())
    except db.DatabaseBusy:
        st.error(
            _(
                "The coalition's data is being changed by another program right now (most likely a data "
                "load from the command line). The dashboard will work again once it finishes; reload "
                "this page then."
            ),
            icon=":material/hourglass_top:",
        )
        st.stop()
    return PageContext(page, user)


def viewer() -> roles.User:
    """Who is looking, read afresh (accounts file, sign-in cookie), as this run's viewer role.

    Every run that can show data asks this first: page_setup at the top of a full run, and
    guarded_fragment at the top of every fragment run (which skips the page script).
    """
    try:
        user = auth.current_user()
    except users.AccountError:  # the accounts file is damaged: nobody can be told apart
        log.exception("the accounts file cannot be read")
        st.error(
            _(
                "Sign-in is not possible right now: the coalition's accounts file cannot be read. "
                "An administrator must restore it; the server's log says what is wrong."
            ),
            icon=":material/error:",
        )
        st.stop()
    _viewer_role.set(user.role)
    _run_viewer.set(user)
    security.note_viewer(user)
    return user


def guarded_fragment(body: Callable[..., Any] | None = None, *, run_every: float | None = None) -> Any:
    """`st.fragment` for pages: each run of the fragment checks the viewer's role first.

    A fragment reruns alone, without page_setup, and Streamlit keeps a page's fragments
    registered after a run that ended in st.stop(): without this check, a session signed out
    elsewhere (or whose role was taken away) could still redraw a fragment's data by rerunning
    it. When the viewer's role is no longer in the page's audience, the fragment draws nothing
    and the whole page runs again instead, which shows the sign-in form or the refusal.
    Pages use this, never a bare `st.fragment` (tests/test_security_fragments.py checks).
    """
    if body is None:
        return functools.partial(guarded_fragment, run_every=run_every)
    page = _current_page.get()
    if page is None:
        raise RuntimeError("guarded_fragment: define fragments after page_setup(), in the page script")

    @functools.wraps(body)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if viewer().role not in page.audience:
            _run_whole_page(page)
        _current_page.set(page)
        try:
            return body(*args, **kwargs)
        except Exception as error:  # a fragment run bypasses app.py's handler
            show_error(error)
            return None

    return st.fragment(guarded, run_every=run_every)


def download_data(produce: Callable[[], bytes], audience: Collection[str] | None = None) -> Callable[[], bytes]:
    """The `data` of a download button of this page: made when the button is clicked, and only
    while this run's viewer may still see the page, or `audience`'s pages when given (a director's
    preview on a public page); a sign-out anywhere or a change of role ends it (impact.web.security)."""
    page = _current_page.get()
    if page is None:
        raise RuntimeError("download_data: call it after page_setup(), in a page")
    allowed = page.audience if audience is None else audience
    return security.guarded_data(security.current_pass(viewer_of_run()), allowed, produce)


def viewer_of_run() -> roles.User:
    """This run's viewer as page_setup (or a guarded fragment) found them."""
    return _run_viewer.get()


def _run_whole_page(page: PageSpec) -> None:
    """Leave a fragment run for a run of its whole page, whose page_setup then shows the sign-in form
    or the refusal. (A fragment run that does not know the app's pages, as under AppTest, reruns
    the app instead.) Never returns."""
    try:
        st.switch_page(page.file, query_params=st.query_params.to_dict())
    except StreamlitAPIException:
        st.rerun(scope="app")


def show_error(error: BaseException) -> None:
    """An error in the dashboard: the details go to the server's log, a sentence to the person.

    Under Streamlit's AppTest the error is raised again, so that the tests' `at.exception`
    still sees it (client.showErrorDetails = "none" keeps anything uncaught off the page).
    """
    log.error("error in a page run", exc_info=error)
    if st.get_option("global.appTest"):
        raise error
    st.error(
        _(
            "Something went wrong in the dashboard, and this part of the page could not be shown. "
            "Reload the page; if it happens again, tell the coalition's administrator."
        ),
        icon=":material/error:",
    )


def _sidebar(user: roles.User, current: PageSpec) -> None:
    with st.sidebar:
        st.markdown(f"### {_(APP_TITLE)}")
        for page in allowed_pages(user):
            st.page_link(
                page.file,
                label=_(page.title),
                icon=page.icon,
                disabled=page.id == current.id,
                query_params=ui_i18n.link_params(),
            )
        ui_i18n.language_switcher()
        ui_auth.account_block(user, None if current.id == "signin" else PAGE_BY_ID["signin"].file)


@st.cache_data(ttl=3600, max_entries=512, show_spinner=False)
def _run_cached(
    name: str, database: str, audience: str, role: str, params: tuple[tuple[str, Any], ...]
) -> pd.DataFrame:
    return db.run_query(name, db=database, **{k: list(v) if isinstance(v, tuple) else v for k, v in params})


def runner(audience: str = "internal") -> Callable[..., pd.DataFrame]:
    """A cached `run_query` for one audience; results never cross audiences or viewers' roles.

    Results come as people read them: a partner named in a result (partner_name, partner_a_name,
    partner_b_name) is named in the reader's language by `labels.partner_name` (its Chinese name
    on Chinese pages). The cached results themselves stay the same in every language.
    """
    role = _viewer_role.get()

    def run(name: str, **params: Any) -> pd.DataFrame:
        database = str(config.db_path())
        frozen = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
        result = _run_cached(name, database, audience, role, frozen)
        if not any(column in result.columns for column in labels.PARTNER_NAME_COLUMNS):
            return result
        names = labels.partner_names(_run_cached("partner_names", database, audience, role, ()))
        return labels.name_partners(result, names)

    return run


def data_changed() -> None:
    """Forget every cached result (after an upload or an undo)."""
    st.cache_data.clear()


def demo_banner(run: Callable[..., pd.DataFrame]) -> None:
    if metrics.data_extent(run)["is_demo"]:
        st.info(_("Demo data: every organisation, person and number here is fictional."), icon=":material/science:")

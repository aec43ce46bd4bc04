"""What every page shares: its declared audience, set-up, sidebar and cached data access.

Each page script starts with `page_setup("<page id>")`. It does everything itself
(page config, who is looking, the audience check, the sidebar), because a page can run
without app.py: on a freshly started server a direct URL runs the page file alone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from impact import config, db, labels, metrics, roles
from impact.i18n import N_, _
from impact.roles import DIRECTORS, EVERYONE, LOADERS, STAFF
from impact.web import auth
from impact.web import language as ui_i18n
from impact.web import signin as ui_auth

APP_TITLE = N_("Coalition Impact")


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
    PageSpec("impact", N_("Impact"), "pages/5_impact.py", ":material/public:", EVERYONE),
    PageSpec("upload", N_("Upload"), "pages/6_upload.py", ":material/upload_file:", LOADERS),
    PageSpec("data", N_("Data"), "pages/7_data.py", ":material/database:", STAFF),
    PageSpec("share_links", N_("Share links"), "pages/8_share_links.py", ":material/link:", DIRECTORS),
)
PAGE_BY_ID = {p.id: p for p in PAGES}
# The role of this script run's viewer, part of every cache key (set by page_setup).
_viewer_role: ContextVar[str] = ContextVar("impact_viewer_role", default="public")


@dataclass(frozen=True)
class PageContext:
    page: PageSpec
    user: roles.User


def allowed_pages(user: roles.User) -> list[PageSpec]:
    return [p for p in PAGES if user.role in p.audience and p.in_navigation]


def home_page(user: roles.User) -> str:
    """Where "/" leads: staff to the overview, everyone else to the public impact page."""
    return "overview" if user.role in STAFF else "impact"


def page_setup(page_id: str) -> PageContext:
    """Configure the page, enforce its audience on the server, draw the shared sidebar."""
    page = PAGE_BY_ID[page_id]
    ui_i18n.activate_language()  # before anything is drawn: every string below is translated
    title = f"{_(page.title)} · {_(APP_TITLE)}"
    st.set_page_config(page_title=title, page_icon=":material/diversity_3:", layout="wide")
    user = auth.current_user()
    _viewer_role.set(user.role)
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

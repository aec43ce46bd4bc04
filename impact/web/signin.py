"""Sign-in in Streamlit: the form, the sidebar's account block and the cookie it stores.

`impact.web.auth` decides who is looking; this module draws what people use to sign in and
out. `impact.web.ui.page_setup` calls it on every page.
"""

from __future__ import annotations

import streamlit as st

from impact import markup, roles, users
from impact.i18n import _
from impact.web import auth

FORM_KEY = "impact_sign_in"


def sign_in_form() -> None:
    """Name and password (and single sign-on where configured); reruns the page once signed in."""
    with st.form(FORM_KEY, clear_on_submit=True, width=420):
        name = st.text_input(_("Account name"), autocomplete="username", key=f"{FORM_KEY}_name")
        password = st.text_input(
            _("Password"), type="password", autocomplete="current-password", key=f"{FORM_KEY}_password"
        )
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        if not name.strip() or not password:
            st.error(_("Enter your account name and password."))
        else:
            result = auth.sign_in(name, password)
            if result.ok:
                st.rerun()
            _failure_message(result)
    if auth.sso_configured():
        st.caption(_("Or use the coalition's single sign-on:"))
        if st.button(_("Sign in with single sign-on"), key=f"{FORM_KEY}_sso"):
            st.login()  # the provider's page; the role then comes from [impact.sso_roles]


def _failure_message(result: users.SignInResult) -> None:
    """One message for every refusal: an unknown name, a wrong password and a wait not over
    read the same (and take the same time), so the form tells nobody which names exist."""
    st.error(
        _(
            "That account name and password do not match, or there were several wrong passwords in a "
            "row and the account must wait a little (never more than a minute). Check them and try again."
        )
    )


def _account_name(user: roles.User) -> str:
    """A local account's name (letters, digits, . _ - @ only: never markup) as it is; a single
    sign-on email, which the provider chose, escaped."""
    return user.name if user.source == "local" else markup.text(user.name)


def account_block(user: roles.User, signin_page: str | None) -> None:
    """In the sidebar: who is signed in, with a sign-out button; or a link to sign in."""
    script = auth.cookie_script()
    if script:
        st.html(script, unsafe_allow_javascript=True, width="content")
    if user.signed_in:
        st.caption(
            _("Signed in as {name} ({role})").format(name=_account_name(user), role=roles.role_label(user.role)),
        )
        if st.button(_("Sign out"), icon=":material/logout:", key="impact_sign_out"):
            auth.sign_out(user)
            st.rerun()
    elif user.source == "sso":
        st.caption(_("Signed in as {name}, who has no role here yet.").format(name=markup.text(user.name)))
        if st.button(_("Sign out"), icon=":material/logout:", key="impact_sign_out"):
            auth.sign_out(user)
    elif signin_page:
        st.page_link(signin_page, label=_("Staff sign-in"), icon=":material/login:")

"""Accounts and audit: admins add accounts, change roles, set passwords, end waits after wrong
passwords, and read (and download) the audit log.

The same code as `python -m impact users` (impact.users.UserStore), so the accounts file and
its rules are one; every change is written to the audit log (impact.audit) under the admin's name.
"""

from datetime import datetime

import pandas as pd
import streamlit as st

from impact import audit, export, i18n, roles, users
from impact.i18n import _
from impact.web import ui

ctx = ui.page_setup("admin")
store = users.UserStore(audit_as=ctx.user.name)
me = ctx.user.name if ctx.user.source == "local" else None
state = st.session_state

st.title(_("Accounts and audit"))
done = state.pop("admin_done", None)
if done:
    st.success(done, icon=":material/check_circle:")


def _moment(value: str | None) -> str:
    """An ISO time of the accounts file or the audit log as people read it (UTC)."""
    if not value:
        return ""
    return i18n.format_datetime(datetime.fromisoformat(value).replace(tzinfo=None), "short") + " UTC"


def _changed(message: str) -> None:
    state["admin_done"] = message
    st.rerun()


accounts = store.list()
now = users.now_utc()
st.subheader(_("Accounts"), anchor=False)
st.caption(
    _(
        "Wrong passwords make an account wait before the next try (never more than a minute); the count "
        "starts again after the right password. Every sign-in and every refusal is in the audit log below."
    )
)
st.dataframe(
    pd.DataFrame(
        {
            _("Account"): [a.name for a in accounts],
            _("Role"): [roles.role_label(a.role) for a in accounts],
            _("Created"): [_moment(a.created_at) for a in accounts],
            _("Wrong passwords in a row"): [a.failed_attempts for a in accounts],
            _("Last wrong password"): [_moment(a.last_failed_at) for a in accounts],
            _("Waiting until"): [_moment(a.wait_until) if a.waiting_at(now) else "" for a in accounts],
        }
    ),
    hide_index=True,
    width="stretch",
)

names = [a.name for a in accounts]
others = [n for n in names if n != me]  # an admin changes their own account from the command line
role_choices = list(roles.ACCOUNT_ROLES)
add_tab, role_tab, password_tab, wait_tab, remove_tab = st.tabs(
    [_("Add an account"), _("Change a role"), _("Set a password"), _("End a wait"), _("Remove an account")]
)

with add_tab, st.form("admin_add", clear_on_submit=True):
    name = st.text_input(_("Account name"), max_chars=64)
    role = st.selectbox(_("Role"), role_choices, format_func=roles.role_label)
    password = st.text_input(_("Password"), type="password", autocomplete="new-password")
    again = st.text_input(_("Password again"), type="password", autocomplete="new-password")
    if st.form_submit_button(_("Add the account"), type="primary"):
        if password != again:
            st.error(_("The two passwords differ; nothing was changed."))
        else:
            try:
                account = store.add(name, role, password)
            except users.AccountError as exc:
                st.error(str(exc))
            else:
                _changed(
                    _("Account {name} added with the role {role}.").format(
                        name=account.name, role=roles.role_label(role)
                    )
                )

with role_tab:
    if not others:
        st.caption(_("There is no other account yet."))
    else:
        with st.form("admin_role"):
            who = st.selectbox(_("Account"), others)
            new_role = st.selectbox(_("New role"), role_choices, format_func=roles.role_label)
            st.caption(_("The account's sign-ins end everywhere; it signs in again with its new role."))
            if st.form_submit_button(_("Change the role"), type="primary"):
                if who not in others or new_role not in role_choices:
                    st.error(_("Choose an account and a role from the lists."))
                else:
                    try:
                        account = store.set_role(who, new_role)
                    except users.AccountError as exc:
                        st.error(str(exc))
                    else:
                        _changed(
                            _("{name} now has the role {role}.").format(
                                name=account.name, role=roles.role_label(account.role)
                            )
                        )

with password_tab:
    if not others:
        st.caption(_("There is no other account yet."))
    else:
        with st.form("admin_password", clear_on_submit=True):
            who = st.selectbox(_("Account"), others)
            password = st.text_input(_("New password"), type="password", autocomplete="new-password")
            again = st.text_input(_("Password again"), type="password", autocomplete="new-password")
            st.caption(_("The account's sign-ins end everywhere, and its wait after wrong passwords ends."))
            if st.form_submit_button(_("Set the password"), type="primary"):
                if password != again:
                    st.error(_("The two passwords differ; nothing was changed."))
                elif who not in others:
                    st.error(_("Choose an account from the list."))
                else:
                    try:
                        account = store.set_password(who, password)
                    except users.AccountError as exc:
                        st.error(str(exc))
                    else:
                        _changed(_("The password of {name} is set.").format(name=account.name))

with wait_tab:
    waiting = [a.name for a in accounts if a.failed_attempts]
    if not waiting:
        st.caption(_("No account has had a wrong password since its last sign-in."))
    else:
        with st.form("admin_unlock"):
            who = st.selectbox(_("Account"), waiting)
            if st.form_submit_button(_("Forget its wrong passwords"), type="primary"):
                if who not in waiting:
                    st.error(_("Choose an account from the list."))
                else:
                    account = store.unlock(who)
                    _changed(_("{name} can sign in again at once.").format(name=account.name))

with remove_tab:
    if not others:
        st.caption(_("There is no other account yet."))
    else:
        with st.form("admin_remove"):
            who = st.selectbox(_("Account"), others)
            sure = st.checkbox(_("Yes, remove this account"))
            if st.form_submit_button(_("Remove the account")):
                if not sure:
                    st.error(_("Tick the box to confirm."))
                elif who not in others:
                    st.error(_("Choose an account from the list."))
                else:
                    try:
                        store.remove(who)
                    except users.AccountError as exc:
                        st.error(str(exc))
                    else:
                        _changed(_("Account {name} removed.").format(name=who))

st.subheader(_("Audit log"), anchor=False)
st.caption(
    _(
        "Sign-ins and refused sign-ins, uploads and undos, share links made, opened and revoked, and changes "
        "to accounts, newest first, from the app and the command line. Times are UTC."
    )
)
log = audit.read()
if log.empty:
    st.info(_("Nothing has been recorded yet."), icon=":material/info:")
    st.stop()
events = sorted(set(log["event"]), key=audit.event_label)
chosen = st.multiselect(_("Show only"), events, format_func=audit.event_label, placeholder=_("Everything"))
shown = log[log["event"].isin(chosen)] if chosen else log


def _people_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _("When"): [_moment(v) for v in frame["at"]],
            _("What"): [audit.event_label(v) for v in frame["event"]],
            _("Who"): frame["actor"],
            _("Of what"): frame["target"],
            _("Details"): [audit.describe(v) for v in frame["detail"]],
            _("From"): frame["client"],
        }
    )


table = _people_table(shown)  # in the reader's language; the CSV is made on click, for an admin only
st.dataframe(table.head(1000), hide_index=True, width="stretch")
if len(table) > 1000:
    st.caption(_("The latest 1,000 entries are shown; the download holds all of them."))
st.download_button(
    _("Download the audit log (CSV)"),
    ui.download_data(lambda: export.safe_csv(table)),
    file_name="audit_log.csv",
    mime="text/csv",
    icon=":material/download:",
    key="admin_audit_download",
    on_click="ignore",
)

"""Sign in: staff accounts (and single sign-on where configured). The public needs no account."""

import streamlit as st

from impact.i18n import _
from impact.web import signin as ui_auth
from impact.web import ui

ctx = ui.page_setup("signin")
st.title(_("Staff sign-in"))

if ctx.user.signed_in:  # just signed in, or came back signed in: go to the role's first page
    st.switch_page(ui.PAGE_BY_ID[ui.home_page(ctx.user)].file)

st.write(
    _(
        "Coalition staff sign in to see the internal dashboards and to load data. "
        "Funders and community members need no account: the public impact page is open to everyone."
    )
)
ui_auth.sign_in_form()
impact_page = ui.PAGE_BY_ID["impact"]
st.page_link(impact_page.file, label=_("Go to the public impact page"), icon=impact_page.icon)

"""Share links: directors make scoped, expiring links to the impact page for funders, list and revoke them."""

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from impact import i18n, labels, markup, metrics, public, shares
from impact.i18n import _
from impact.web import ui

ctx = ui.page_setup("share_links")
st.title(_("Share links"))
st.write(
    _(
        "A share link opens the public impact page for one funder, limited to the partners and dates you choose. "
        "The visitor needs no account and cannot widen what the link shows. Small numbers stay suppressed."
    )
)

partners = shares.partner_options()
names = labels.partner_names(partners)  # as the reader reads them: name_zh on Chinese pages
# The period defaults to the data's last complete calendar year (the public page's latest year).
last_year = public.last_complete_year(metrics.data_extent(ui.runner("internal"))["last_day"], date.today())
last_year = last_year or date.today().year - 1

with st.form("new_share_link", clear_on_submit=False):
    st.subheader(_("New link"))
    label = st.text_input(
        _("Label"), max_chars=shares.MAX_LABEL, placeholder=_("e.g. Bay Area Safety Fund, 2024 report")
    )
    chosen = st.multiselect(
        _("Partners"),
        list(names),
        format_func=names.__getitem__,
        placeholder=_("All partners"),
        help=_("Leave empty for all partners."),
    )
    left, right, expiry_column = st.columns(3)
    start = left.date_input(_("From"), value=date(last_year, 1, 1), key="share_start")
    end = right.date_input(_("To"), value=date(last_year, 12, 31), key="share_end")
    expires = expiry_column.date_input(
        _("Expires after"), value=date.today() + timedelta(days=90), min_value=date.today(), key="share_expires"
    )
    submitted = st.form_submit_button(_("Create link"), type="primary")

if submitted:
    try:
        link, token = shares.create(label, chosen, start, end, expires, by=ctx.user.name)
    except shares.ShareError as exc:
        st.error(str(exc))  # the engine's sentence says what to change
    else:
        base = str(st.context.url or "").split("/share_links")[0]
        st.success(
            _("Link created. Copy it now: it is shown only once. Send it to {label} only.").format(
                label=markup.text(link.label)
            )
        )
        st.code(shares.share_url(base, token), language=None)

st.subheader(_("Links"))
links = shares.list_links()
if links.empty:
    st.write(_("No share links yet."))
    st.stop()

STATES = {"active": _("Active"), "expired": _("Expired"), "revoked": _("Revoked")}


def _scope(row: pd.Series) -> str:
    chosen = shares.partner_tuple(row["partners"])
    who = ", ".join(names.get(p, p) for p in chosen) if chosen else _("All partners")
    return _("{partners}; {start} to {end}").format(
        partners=who,
        start=i18n.format_date(pd.Timestamp(row["start_date"]).date()),
        end=i18n.format_date(pd.Timestamp(row["end_date"]).date()),
    )


def _moment(value: object) -> str:
    return "–" if pd.isna(value) else i18n.format_moment(pd.Timestamp(value).to_pydatetime())


st.dataframe(
    pd.DataFrame(
        {
            _("Label"): links["label"],
            _("Scope"): [_scope(row) for _index, row in links.iterrows()],
            _("Created by"): links["created_by"],
            _("Created (UTC)"): [_moment(v) for v in links["created_at"]],
            _("Expires after"): [i18n.format_date(pd.Timestamp(v).date()) for v in links["expires_on"]],
            _("State"): [STATES[s] for s in links["state"]],
            _("Last opened (UTC)"): [_moment(v) for v in links["last_opened"]],
            _("Times opened"): links["times_opened"],
        }
    ),
    hide_index=True,
    width="stretch",
)

active = links[links["state"] == "active"]
if not active.empty:
    with st.form("revoke_share_link"):
        choice = st.selectbox(
            _("Revoke a link"),
            list(active["link_id"]),
            format_func=lambda i: f"{active.loc[active['link_id'] == i, 'label'].iloc[0]} (#{i})",
        )
        if st.form_submit_button(_("Revoke now")):
            shares.revoke(int(choice), by=ctx.user.name)
            st.toast(_("The link is revoked: it shows no data from now on."), icon=":material/block:")
            st.rerun()

st.caption(
    _(
        "Each funder should get one link. Two links with overlapping scopes (say, all partners and all but one) "
        "could be subtracted from each other, which suppression within one page cannot prevent. "
        "Figures on the impact page are suppressed below {n}."
    ).format(n=public.threshold() + 1)
)

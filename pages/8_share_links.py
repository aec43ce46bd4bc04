"""Share links: directors make scoped, expiring links to the impact page for funders, preview, list and revoke them."""

import logging
from datetime import date, timedelta

import pandas as pd
import streamlit as st

from impact import i18n, labels, markup, metrics, public, shares
from impact.i18n import _
from impact.web import language, ui

log = logging.getLogger(__name__)
PUBLIC_PAGE = ui.PAGE_BY_ID["impact"].file

ctx = ui.page_setup("share_links")
state = st.session_state
st.title(_("Share links"))
st.write(
    _(
        "A share link opens the public impact page for one funder, limited to the partners and dates you choose, "
        "in the language you choose. The visitor needs no account and cannot widen what the link shows. "
        "Small numbers stay suppressed."
    )
)

partners = shares.partner_options()
names = labels.partner_names(partners)  # as the reader reads them: name_zh on Chinese pages
# The period defaults to the data's last complete calendar year (the public page's latest year).
last_year = public.last_complete_year(metrics.data_extent(ui.runner("internal"))["last_day"], date.today())
last_year = last_year or date.today().year - 1


def _preview_link(link_id: int, link_language: str | None, label: str) -> None:
    """A link to the impact page as the link's recipient sees it (never counted as an opening)."""
    params = {shares.PREVIEW_PARAM: str(link_id)}
    params[language.URL_PARAM] = i18n.URL_CODES[link_language or i18n.current()]
    st.page_link(PUBLIC_PAGE, label=label, icon=":material/visibility:", query_params=params)


with st.form("new_share_link", clear_on_submit=False):
    st.subheader(_("New link"), anchor=False)
    label_column, recipient_column = st.columns(2)
    label = label_column.text_input(
        _("Label"),
        max_chars=shares.MAX_LABEL,
        placeholder=_("e.g. 2025 grant report"),
        help=_("Your name for the link in the list below. The recipient does not see it."),
    )
    recipient = recipient_column.text_input(
        _("Recipient"),
        max_chars=shares.MAX_RECIPIENT,
        placeholder=_("e.g. Bay Area Safety Fund"),
        help=_("Who the link is for. The page says 'Prepared for' them."),
    )
    link_language = st.selectbox(
        _("Language of the page"),
        list(i18n.LANGUAGES),
        index=list(i18n.LANGUAGES).index(i18n.current()),
        format_func=i18n.LANGUAGES.__getitem__,
        help=_("The link opens the page in this language; the visitor can still switch."),
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
        link, token = shares.create(
            label, chosen, start, end, expires, by=ctx.user.name, recipient=recipient, language=link_language
        )
    except shares.ShareError as exc:
        st.error(str(exc))  # the engine's sentence says what to change
    else:
        with st.spinner(_("Preparing the link's page…")):
            try:  # its protected report, built now rather than at its first opening
                public.refresh_reports()
            except Exception:
                log.exception("public reports not rebuilt after share link %s was created", link.link_id)
                st.warning(_("The link works, but its page will take longer to open the first time."))
        base = str(st.context.url or "").split("/share_links")[0]
        st.success(
            _("Link created for {recipient}. Copy it now: it is shown only once.").format(
                recipient=markup.text(link.recipient)
            ),
            icon=":material/check_circle:",
        )
        st.code(shares.share_url(base, token), language=None)
        _preview_link(link.link_id, link.language, _("Preview as the funder sees it"))

st.subheader(_("Links"), anchor=False)
revoked = state.pop("share_links_revoked", None)
if revoked is not None:  # said after the page's rerun, beside the list that shows it
    st.success(revoked, icon=":material/block:")
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


def _text(value: object) -> str:
    return "–" if value is None or pd.isna(value) or not str(value).strip() else str(value)


def _language(value: object) -> str:
    return i18n.LANGUAGES[value] if value in i18n.LANGUAGES else _("The visitor's")


# What a director looks for first (is it working, who has it, has it been opened) comes first, so it
# is in view without scrolling; the long columns come last.
COLUMNS = {
    "state": _("State"),
    "recipient": _("Recipient"),
    "label": _("Label"),
    "last_opened": _("Last opened (UTC)"),
    "times_opened": _("Times opened"),
    "expires_on": _("Expires after"),
    "language": _("Language"),
    "scope": _("Scope"),
    "created_by": _("Created by"),
    "created_at": _("Created (UTC)"),
}
listing = pd.DataFrame(
    {
        COLUMNS["state"]: [STATES[s] for s in links["state"]],
        COLUMNS["recipient"]: [_text(v) for v in links["recipient"]],
        COLUMNS["label"]: links["label"],
        COLUMNS["last_opened"]: [_moment(v) for v in links["last_opened"]],
        COLUMNS["times_opened"]: links["times_opened"],
        COLUMNS["expires_on"]: [i18n.format_date(pd.Timestamp(v).date()) for v in links["expires_on"]],
        COLUMNS["language"]: [_language(v) for v in links["language"]],
        COLUMNS["scope"]: [_scope(row) for _index, row in links.iterrows()],
        COLUMNS["created_by"]: links["created_by"],
        COLUMNS["created_at"]: [_moment(v) for v in links["created_at"]],
    }
)
st.dataframe(
    listing,
    hide_index=True,
    width="stretch",
    # widths in pixels: the first five fit the page's width (about 800 px) with room to spare
    column_config={
        COLUMNS["state"]: st.column_config.TextColumn(width=80),
        COLUMNS["recipient"]: st.column_config.TextColumn(width=180),
        COLUMNS["label"]: st.column_config.TextColumn(width=160),
        COLUMNS["last_opened"]: st.column_config.TextColumn(width=170),
        COLUMNS["times_opened"]: st.column_config.NumberColumn(width=110, format="%d"),
    },
)

st.subheader(_("Preview or revoke a link"), anchor=False)
by_id = links.set_index("link_id")


def _describe(link_id: int) -> str:
    row = by_id.loc[link_id]
    who = _text(row["recipient"])
    return _("#{id} {label} (for {recipient}; {state})").format(
        id=link_id, label=row["label"], recipient=who, state=STATES[row["state"]]
    )


picked = st.selectbox(
    _("Link"), list(by_id.index), format_func=_describe, index=None, placeholder=_("Choose a link"), key="share_pick"
)
if picked is not None:
    row = by_id.loc[picked]
    _preview_link(
        int(picked), row["language"] if row["language"] in i18n.LANGUAGES else None, _("Preview as the funder sees it")
    )
    if row["state"] == "revoked":
        st.caption(
            _("This link was revoked on {moment} (UTC) by {name}: it shows no data.").format(
                moment=_moment(row["revoked_at"]), name=markup.text(row["revoked_by"])
            )
        )
    elif row["state"] == "expired":
        st.caption(_("This link has expired: it shows no data."))
    else:
        st.warning(
            _(
                "Revoking link #{id} ({label}) stops it at once: {recipient} will see no data through it, "
                "and it cannot be turned back on."
            ).format(id=picked, label=markup.text(row["label"]), recipient=markup.text(_text(row["recipient"]))),
            icon=":material/warning:",
        )
        confirmed = st.checkbox(_("Yes, revoke link #{id}").format(id=picked), key=f"share_revoke_confirm_{picked}")
        if st.button(
            _("Revoke link #{id}").format(id=picked),
            type="primary",
            disabled=not confirmed,
            icon=":material/block:",
            key="share_revoke",
        ):
            shares.revoke(int(picked), by=ctx.user.name)
            state["share_links_revoked"] = _("Link #{id} ({label}) is revoked: it shows no data from now on.").format(
                id=picked, label=markup.text(row["label"])
            )
            st.rerun()

st.caption(
    _(
        "Each funder should get one link. Two links with overlapping scopes (say, all partners and all but one) "
        "could be subtracted from each other, which suppression within one page cannot prevent. "
        "Figures on the impact page are suppressed below {n}."
    ).format(n=public.threshold() + 1)
)

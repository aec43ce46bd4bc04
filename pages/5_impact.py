"""Impact: the public, privacy-safe page for funders and community members (no account needed).

Only aggregates reach the browser, decided on the server by impact.public and
impact.privacy. Opened with `?share=TOKEN`, it shows exactly a share link's scope.
"""

from datetime import date

import streamlit as st

from impact import brief, config, i18n, markup, public, public_view, roles, shares
from impact.i18n import _
from impact.web import language, public_page, security, ui

# Whether the URL names a language, read before page_setup writes the language it chose into the URL:
# a share link opens in its own language unless the URL names one (the visitor can still switch).
requested_language = st.query_params.get(language.URL_PARAM)
ctx = ui.page_setup("impact")


# Resources, not data: unpickling a copy of a report and of its page's figures on every view would cost
# more than the rest of the run; nothing changes them (the view model copies what it reshapes).
@st.cache_resource(ttl=3600, max_entries=64, show_spinner=False)
def _report(scope: public.PublicScope, limit: int, database: str, version: str) -> public.Report:
    """The stored protected report of the scope for this data version (built after each load and undo;
    no visit runs the suppression solver unless none was stored for the current data). Kept per
    scope, threshold, database and data version: a load or an undo changes the version."""
    return public.stored_report(scope, database, limit)


@st.cache_resource(ttl=3600, max_entries=256, show_spinner=False)
def _page(_report: public.Report, key: str, version: str, language: str, year: int | None) -> public_view.PublicPage:
    """The page as the reader reads it: one per report, language and chosen year."""
    return public_view.build_page(_report, language, year)


def _visit(token: str) -> shares.Visit:
    """Check the share token; count the visit once per browser session and visitor (not per reload)."""
    counted = st.session_state.setdefault("_impact_counted_links", set())
    visit = shares.open_link(token, count=token not in counted, visitor=security.visitor_key())
    if visit.state is shares.LinkState.OK:
        counted.add(token)
    return visit


def _preview_banner(link: shares.ShareLink) -> None:
    """Tell a director previewing a link whose view this is, and that it is not counted."""
    if link.recipient:
        message = _("Preview of link #{id} ({label}): this is the page as {recipient} sees it.")
    else:
        message = _("Preview of link #{id} ({label}): this is the page as its recipient sees it.")
    message = message.format(id=link.link_id, label=markup.text(link.label), recipient=markup.text(link.recipient))
    st.info(message + " " + _("Previews are not counted as openings."), icon=":material/visibility:")


# Print: no sidebar, toolbar or widgets' chrome; charts and tables at full width.
st.html(
    """<style>
    @media print {
      [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
      [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"] { display: none !important; }
      [data-testid="stMain"] { margin-left: 0 !important; }
      .block-container { padding-top: 0 !important; max-width: 100% !important; }
      [data-testid="stMetric"], .stPlotlyChart, table { break-inside: avoid; }
    }
    .st-key-impact_headlines > div { flex: 1 1 260px; }
    @media (max-width: 640px) { .st-key-impact_headlines > div { flex: 1 1 140px; min-width: 140px; } }
    </style>"""
)

version = public.data_version()  # uncached: a load by another process shows at once
extent = public.data_extent(version=version)  # recorded with the stored reports: no scan of every contact
token = st.query_params.get(shares.URL_PARAM)
preview_id = st.query_params.get(shares.PREVIEW_PARAM) if token is None else None
previewing = preview_id is not None and ctx.user.role in roles.DIRECTORS  # decided here, on the server
link = None
if token is not None or previewing:
    visit = _visit(token) if token is not None else shares.preview(preview_id)
    if visit.link is not None and requested_language is None and visit.link.language not in (None, i18n.current()):
        # as its recipient opens it: in the link's language (run again, so that the sidebar reads in it too)
        st.query_params[language.URL_PARAM] = i18n.URL_CODES[visit.link.language]
        st.rerun()
    if previewing and visit.link is not None:
        _preview_banner(visit.link)
    if visit.state is not shares.LinkState.OK:
        st.title(_("Our shared impact"))
        if previewing and visit.link is None:
            st.info(_("There is no share link {id}.").format(id=markup.text(preview_id)))
        elif visit.state is shares.LinkState.EXPIRED:
            st.info(_("This link has expired. Please ask the coalition for a new one."), icon=":material/schedule:")
        elif visit.state is shares.LinkState.REVOKED:
            st.info(
                _("This link is no longer active. Please ask the coalition for a new one."), icon=":material/block:"
            )
        else:
            st.info(_("This link is not valid. Check that it was copied in full, or ask the coalition for a new one."))
        st.stop()
    link = visit.link
    scope = public.shared_scope(link.start, link.end, link.partners, extent["last_day"])
else:
    if preview_id is not None:  # a preview asked for by someone who may not see one: the public page
        st.info(
            _("Only the coalition's directors can preview a share link. This is the public page."),
            icon=":material/visibility_off:",
        )
    scope = public.public_scope(extent["first_day"], extent["last_day"], date.today())

st.title(_("Our shared impact"))
if scope is None:
    st.info(_("The first figures will appear here once the coalition has a full month of data."))
    st.stop()

limit = public.threshold()
database = str(config.db_path())
report = _report(scope, limit, database, version)

if link is not None:
    names = report.partner_names
    if link.recipient:  # links made before recipients have none (their label is the director's, not theirs)
        st.subheader(_("Prepared for {recipient}").format(recipient=markup.text(link.recipient)), anchor=False)
    st.caption(
        _("Partners: {partners}. Period: {start} to {end}.").format(
            partners=markup.text(", ".join(names)) if names else _("all partners"),
            start=i18n.format_date(scope.start),
            end=i18n.format_date(scope.end),
        )
    )
years = scope.years()
chosen = st.session_state.get("impact_year")  # the year's choice, drawn below the as-of date
page = _page(report, scope.key(limit), version, i18n.current(), chosen if chosen in years else None)
public_page.draw_header(page)
if len(years) > 1:  # a one-year page shows its year once: nothing to choose
    labels = {option.year: option.label for option in page.years}
    st.selectbox(_("Year"), list(labels), format_func=lambda y: labels.get(y, str(y)), key="impact_year", width=320)


@st.cache_data(ttl=3600, max_entries=32, show_spinner=False)
def _brief(
    _page: public_view.PublicPage, key: str, version: str, language: str, year: int, recipient: str | None
) -> bytes:
    """The PDF brief of the page being read (impact.brief, US Letter): once per report, language and year."""
    return brief.pdf(_page, paper="Letter", prepared_for=recipient)


if brief.available():  # a Chromium draws the charts, Noto Sans CJK writes the text (make system-deps)
    st.download_button(  # the page being read: a share link's scope and language, the chosen year
        _("Download PDF"),
        ui.download_data(  # made on click, only while the link is open and a preview still a director's
            security.while_link_open(
                lambda: _brief(
                    page, scope.key(limit), version, page.language, page.year, link.recipient if link else None
                ),
                token,
                preview_id if previewing else None,
            ),
            audience=roles.DIRECTORS if previewing else None,
        ),
        file_name=f"{page.filename}.pdf",
        mime="application/pdf",
        icon=":material/picture_as_pdf:",
        key="impact_brief_download",
        on_click="ignore",
    )
public_page.draw_body(page)
if link is not None:
    st.caption(_("This page shows the scope of a share link; it cannot be changed from here."))

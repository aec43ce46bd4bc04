"""Data: the upload history, undo (analysts and admins; directors read only) and data quality."""

import logging

import pandas as pd
import streamlit as st

from impact import i18n, ingest, markup, metrics, roles, upload
from impact.i18n import _
from impact.web import ui

ctx = ui.page_setup("data")


def table(frame, **options) -> None:
    """A table as people read it: whole numbers with thousands separators (other values come
    already written in the reader's language from impact.upload)."""
    counts = {
        str(name): st.column_config.NumberColumn(format="%,d")
        for name, dtype in frame.dtypes.items()
        if name != "SHA-256" and pd.api.types.is_integer_dtype(dtype)
    }
    st.dataframe(frame, column_config={**counts, **options.pop("column_config", {})}, **options)


run = ui.runner("internal")
log = logging.getLogger(__name__)
can_change = ctx.user.role in roles.LOADERS
state = st.session_state

st.title(_("Data"))
ui.demo_banner(run)
history_tab, quality_tab = st.tabs([_("Upload history"), _("Data quality")])

with history_tab:
    undone = state.pop("data_undone", None)
    if undone is not None:
        st.success(
            _("Batch {id} ({file}) is undone: {rows} rows removed. The dashboards no longer count them.").format(
                id=undone.batch_id, file=markup.text(undone.file_name), rows=i18n.format_number(undone.rows_removed)
            ),
            icon=":material/check_circle:",
        )
    ledger = run("batches")
    if ledger.empty:
        st.info(_("Nothing has been loaded yet. Analysts load files on the Upload page."), icon=":material/info:")
    else:
        table(
            upload.history_frame(ledger),
            hide_index=True,
            column_config={
                _("Batch"): st.column_config.NumberColumn(format="%d"),
                "SHA-256": st.column_config.TextColumn(
                    help=_("The file's fingerprint: the same file twice is refused.")
                ),
            },
        )
        loaded = ledger[ledger["status"] == "loaded"].set_index("batch_id")
        if not can_change:
            st.caption(_("You see the history read-only. An analyst or an administrator can undo an upload."))
        elif loaded.empty:
            st.caption(_("Every upload has been undone; there is nothing left to undo."))
        else:
            st.subheader(_("Undo an upload"), anchor=False)
            chosen = st.selectbox(
                _("Upload to undo"),
                list(loaded.index),
                index=None,
                format_func=lambda batch_id: upload.batch_description(batch_id, loaded.loc[batch_id]),
                placeholder=_("Choose an upload"),
                key="data_undo_batch",
                help=_(
                    "Undoing removes every row of that upload at once. Data that refers to it (contacts at its "
                    "events, events of its partners) must be undone first."
                ),
            )
            if chosen is not None:
                batch = loaded.loc[chosen]
                st.warning(upload.undo_warning(batch), icon=":material/warning:")
                confirmed = st.checkbox(
                    _("Yes, remove these {rows} rows").format(rows=i18n.format_number(int(batch["row_count"]))),
                    key=f"data_undo_confirm_{chosen}",
                )
                if st.button(
                    _("Undo batch {id}").format(id=chosen),
                    type="primary",
                    disabled=not confirmed,
                    icon=":material/undo:",
                    key="data_undo",
                ):
                    try:
                        result = upload.undo(int(chosen), ctx.user)
                    except upload.NotAllowed as exc:
                        st.error(str(exc))
                    except ingest.UndoRefused as exc:
                        st.error(
                            _("Not undone: {reason}").format(reason=exc.message.translated()), icon=":material/block:"
                        )
                    except Exception:
                        log.exception("undo of batch %s failed", chosen)
                        st.error(
                            _("The upload could not be undone because of an error in the dashboard. Nothing changed.")
                        )
                    else:
                        ui.data_changed()
                        state.data_undone = result
                        state.pop("data_undo_batch", None)
                        st.rerun()

with quality_tab:
    params = upload.quality_params()
    quality = run("data_quality", **params)
    if quality.empty:
        st.info(_("No data yet: there is nothing to check."), icon=":material/info:")
        st.stop()
    gaps = run("data_gaps", **params)
    outliers = run("date_outliers", **params)
    unknown = run("unknown_values", **params)

    names = metrics.partner_names(run)
    checks = metrics.QUALITY_CHECK_BY_KEY
    title = {key: _(check.label) for key, check in checks.items()}
    definitions = {key: _(check.help) for key, check in checks.items()}
    definitions["outliers"] = definitions["outliers"].format(year=upload.EARLIEST_PLAUSIBLE.year)
    figures = (
        ("gaps", len(gaps)),
        ("unknown", int(quality["rows_with_unknown_values"].sum())),
        ("duplicates", int(quality["possible_duplicates"].sum())),
        ("outliers", len(outliers)),
    )
    for pair in (figures[:2], figures[2:]):  # two by two, so the labels fit
        for column, (key, value) in zip(st.columns(2), pair, strict=True):
            column.metric(title[key], i18n.format_number(value), help=definitions[key], border=True)

    st.subheader(_("Rows received per partner and month"), anchor=False)
    st.caption(
        _("Contacts and events, by the month they took place. A zero is a month with nothing from that partner.")
        + " "
        + _(
            "An event is a row of its host's file, so it counts here for its host only; Partner activity also "
            "counts it for each co-host. The detail below lists each partner's co-hosted events apart."
        )
    )
    table(upload.received_by_month(quality))
    details = st.expander(
        _("Every partner and month in detail"), icon=":material/table:", key="data.details", on_change="rerun"
    )
    if details.open:  # drawn once opened: a closed expander's table is still sent and drawn
        with details:
            table(upload.partner_month_frame(quality), hide_index=True)

    st.subheader(title["gaps"], anchor=False)
    st.caption(definitions["gaps"])
    if gaps.empty:
        st.success(_("Every partner has data in every month since its first."), icon=":material/check_circle:")
    else:
        table(upload.gaps_frame(gaps), hide_index=True)

    st.subheader(_("Unknown values"), anchor=False)
    st.caption(definitions["unknown"])
    if unknown.empty:
        st.success(_("Every language and neighborhood is one the contract knows."), icon=":material/check_circle:")
    else:
        table(upload.unknown_values_frame(unknown, names), hide_index=True)

    st.subheader(title["duplicates"], anchor=False)
    st.caption(definitions["duplicates"])
    duplicates = upload.duplicates_frame(quality)
    if duplicates.empty:
        st.success(_("No person has two contacts with one partner on the same day."), icon=":material/check_circle:")
    else:
        table(duplicates, hide_index=True)

    st.subheader(title["outliers"], anchor=False)
    st.caption(definitions["outliers"])
    if outliers.empty:
        st.success(_("No date stands out."), icon=":material/check_circle:")
    else:
        table(upload.outlier_frame(outliers, names), hide_index=True)

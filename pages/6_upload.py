"""Upload: analysts check partners' CSV exports and load them through the ingest engine.

Each file is checked as a whole (all files of one upload together, in dependency order)
before anything is stored; loading is a separate action, disabled while there are problems.
"""

import logging

import streamlit as st

from impact import config, contract, i18n, ingest, markup, upload
from impact.i18n import _
from impact.web import language as ui_i18n
from impact.web import ui

ctx = ui.page_setup("upload")
log = logging.getLogger(__name__)
IGNORE = ""  # the column-match choice that ignores a column

st.title(_("Upload data"))
st.caption(
    _(
        "Load the exports of partners' systems, as CSV files or Excel workbooks. Every file is checked as a "
        "whole before anything is stored, and nothing is loaded until you press Load. Loaded files can be "
        "undone on the Data page."
    )
)
state = st.session_state
state.setdefault("upload_round", 0)


def show_outcome(outcome: upload.LoadOutcome) -> None:
    """What the last Load did (shown once, after the page reran)."""
    if outcome.loaded:
        st.success(
            _("Loaded {rows} rows. The dashboards show them now.").format(rows=i18n.format_number(outcome.rows)),
            icon=":material/check_circle:",
        )
        st.markdown(
            "\n".join(
                "- "
                + _("batch {id}: {file} ({kind}, {rows} rows)").format(
                    id=report.batch_id,
                    file=markup.text(report.file_name),
                    kind=upload.kind_label(report.kind),
                    rows=i18n.format_number(report.row_count),
                )
                for report in outcome.loaded
            )
        )
    if outcome.rejected is not None:
        st.error(
            _("{file} was not loaded: {summary}. Nothing of it is stored.").format(
                file=markup.text(outcome.rejected.file_name),
                summary=upload.summary(outcome.rejected.row_count, outcome.rejected.problem_count),
            )
        )
        st.dataframe(upload.problems_frame(outcome.rejected.problems, outcome.rejected.kind), hide_index=True)
        if outcome.not_tried:
            st.warning(
                _("Not loaded, because they come after it: {files}.").format(
                    files=markup.text(", ".join(outcome.not_tried))
                )
            )
    left, right = st.columns(2)
    for column, page_id, label, icon in (
        (left, "overview", _("See the overview"), ":material/dashboard:"),
        (right, "data", _("Upload history and undo"), ":material/database:"),
    ):
        column.page_link(ui.PAGE_BY_ID[page_id].file, label=label, icon=icon, query_params=ui_i18n.link_params())


def file_header(data: bytes, sha: str) -> tuple[list[str], str | None]:
    """The header cells and the detected kind, read once per file."""
    headers = state.setdefault("upload_headers", {})
    if sha not in headers:
        header = upload.read_header(data)
        # a header wider than the contract allows is refused by the check, before any work per column
        readable = any(header) and len(header) <= contract.MAX_COLUMNS
        headers[sha] = (header, ingest.detect_kind(header) if readable else None)
    return headers[sha]


def sheets_to_check(name: str, data: bytes, sha: str) -> list[tuple[str, str, ingest.SheetInfo | None]]:
    """(title, widget key, sheet) of each sheet of a workbook to check: the one sheet offered, or
    those ticked when several are; (name, sha, None) when none is offered (the check says why)."""
    offered = state.setdefault("upload_sheets", {})
    if sha not in offered:
        offered[sha] = upload.offered_sheets(data)
    sheets = offered[sha]
    if not sheets:
        return [(name, sha, None)]
    if len(sheets) == 1:
        return [(f"{name} · {sheets[0].name}", f"{sha}_0", sheets[0])]
    chosen = []
    with st.container(border=True):
        st.subheader(markup.text(name), anchor=False)
        st.caption(
            _(
                "This workbook has {n} sheets of data. Each sheet you tick is checked, and loaded as its own batch."
            ).format(n=i18n.format_number(len(sheets)))
        )
        for index, sheet in enumerate(sheets):
            label = _("Sheet '{sheet}': {kind}").format(
                sheet=markup.text(sheet.name), kind=upload.kind_label(sheet.kind)
            )
            if st.checkbox(label, value=True, key=f"upload_sheet_{sha}_{index}"):
                chosen.append((f"{name} · {sheet.name}", f"{sha}_{index}", sheet))
    return chosen


def choose_columns(header: list[str], kind: str, sha: str) -> dict[str, str | None]:
    """A choice per header (contract column or ignore); returns the changed matches."""
    matches = ingest.match_columns(header, kind)
    found = {m.column for m in matches if m.column}
    unsure = any(m.column is None for m in matches) or any(n not in found for n in contract.required_columns(kind))
    options = [IGNORE, *(c.name for c in contract.COLUMNS[kind])]
    overrides: dict[str, str | None] = {}
    with st.expander(_("Column matches: how each header was read"), expanded=unsure, icon=":material/view_column:"):
        st.caption(
            _(
                "Each header of the file and the contract column it was matched to. Change a match if it is "
                "wrong, or ignore a column. Required columns: {columns}."
            ).format(columns=", ".join(contract.required_columns(kind)))
        )
        grid = st.columns(4)
        for match in matches:
            choice = grid[match.position % 4].selectbox(
                markup.text(match.header)
                if match.header
                else _("(column {n} has no name)").format(n=match.position + 1),
                options,
                index=options.index(match.column or IGNORE),
                format_func=lambda name: _("(ignore)") if name == IGNORE else name,
                key=f"upload_col_{sha}_{kind}_{match.position}",
            )
            chosen = choice or None
            if chosen != match.column:
                overrides[match.header] = chosen
    return overrides


def show_report(report: ingest.FileReport, key: str) -> None:
    facts = (
        (_("Kind"), upload.kind_label(report.kind) if report.kind else "—"),
        *(
            ((_("Sheet"), report.sheet),)
            if report.sheet is not None
            else ((_("Encoding"), report.encoding or "—"), (_("Delimiter"), upload.delimiter_label(report.delimiter)))
        ),
        (_("Rows"), i18n.format_number(report.row_count)),
    )
    st.markdown(" · ".join(f"{label}: **{value}**" for label, value in facts))
    text = upload.summary(report.row_count, report.problem_count)
    if report.ok:
        st.success(text, icon=":material/check_circle:")
    else:
        st.error(text, icon=":material/error:")
        line, column, value, problem, fix = upload.problem_columns()
        st.dataframe(
            upload.problems_frame(report.problems, report.kind),
            hide_index=True,
            column_config={
                line: st.column_config.NumberColumn(width="small", format="%d"),
                column: st.column_config.TextColumn(width="small"),
                value: st.column_config.TextColumn(width="small"),
                problem: st.column_config.TextColumn(width="large"),
                fix: st.column_config.TextColumn(width="large"),
            },
        )
        if report.problem_count > len(report.problems):
            st.caption(
                _("{listed} of the {total} problems are listed; fix them and check the file again.").format(
                    listed=i18n.format_number(len(report.problems)), total=i18n.format_number(report.problem_count)
                )
            )
        st.download_button(
            _("Download the problems (CSV)"),
            ui.download_data(lambda: upload.problems_csv(report)),  # made on click, while allowed
            file_name=report.file_name.rsplit(".", 1)[0] + "_problems.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"upload_problems_{key}",
        )
    if report.warnings:
        with st.expander(
            _("{n} warnings (they do not block loading)").format(n=i18n.format_number(len(report.warnings))),
            icon=":material/warning:",
        ):
            st.dataframe(upload.warnings_frame(report.warnings), hide_index=True)
    preview = upload.preview_frame(report)
    if preview is not None and len(preview):
        st.markdown(_("**Preview**: the first rows as they will be stored"))
        st.caption(
            _(
                "Values are shown as the dashboards will read them: other spellings of a value are recognised "
                "(廣東話 and 粵語 are both Cantonese) and dates are read whatever their format. Participant ids "
                "are never stored: only a pseudonymised key."
            )
        )
        line = upload.column_label("line")
        st.dataframe(preview, hide_index=True, column_config={line: st.column_config.NumberColumn(line, format="%d")})


check_tab, help_tab = st.tabs([_("Check and load"), _("Templates and data dictionary")])

# The help tab is drawn first: the check tab stops the script while no file is chosen.

with help_tab:
    st.subheader(_("Templates"), anchor=False)
    st.caption(_("The contract's headers and two example rows. Replace the examples with your data."))
    for column, kind in zip(st.columns(len(contract.KINDS)), contract.KINDS, strict=True):
        column.download_button(
            _("{kind} template").format(kind=upload.kind_label(kind)),
            upload.template_csv(kind),
            file_name=f"{kind}_template.csv",
            mime="text/csv",
            icon=":material/download:",
            key=f"upload_template_{kind}",
        )
        column.download_button(
            _("{kind} template (Excel)").format(kind=upload.kind_label(kind)),
            upload.template_xlsx(kind),
            file_name=f"{kind}_template.xlsx",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:",
            key=f"upload_template_xlsx_{kind}",
        )
    st.subheader(_("Data dictionary"), anchor=False)
    st.markdown(
        _(
            "- A file is UTF-8 (with or without BOM), UTF-16, GB18030/GBK, Big5 or Windows-1252; comma, semicolon "
            "or tab separated. Both are detected.\n"
            "- Headers match regardless of case, spaces, underscores and punctuation; Chinese headers work too.\n"
            "- Dates: YYYY-MM-DD, YYYY/M/D or M/D/YYYY.\n"
            "- Empty, NA, N/A, null and - mean 'no value': fine in optional columns, a problem in required ones.\n"
            "- A file is loaded whole or not at all. A file loaded before, or a row whose id is stored already, "
            "is refused: to correct data, undo the earlier upload and load the corrected file."
        )
    )
    st.markdown(
        _(
            "- An Excel workbook (.xlsx, .xlsm) is read like a CSV file. Of several sheets, those whose header row "
            "is recognised are offered; title rows above the header are skipped. Real Excel dates are dates, "
            "numbers in id columns are kept as written (9000), formulas give their values, and a cell with an "
            "error (#REF!) is a problem."
        )
    )
    for tab, kind in zip(st.tabs([upload.kind_label(k) for k in contract.KINDS]), contract.KINDS, strict=True):
        with tab:
            st.dataframe(upload.data_dictionary(kind), hide_index=True)

with check_tab:
    done = state.pop("upload_done", None)
    if done is not None:
        show_outcome(done)

    uploaded = st.file_uploader(
        _("CSV files or Excel workbooks (several at once are loaded in order: partners, events, contacts)"),
        type=["csv", "txt", "tsv", "xlsx", "xlsm"],
        accept_multiple_files=True,
        key=f"upload_files_{state.upload_round}",
        help=_("UTF-8, UTF-16, GB18030/GBK, Big5 or Windows-1252; comma, semicolon or tab."),
    )
    # The box's own words ("Upload", "200MB per file") come from Streamlit's browser code, which has
    # no setting for their language: this line says the same in the reader's language.
    st.caption(
        _("Drop the files on the box above, or press its button to choose them. Up to {size} MB a file.").format(
            size=i18n.format_number(config.max_upload_bytes() / 2**20, 1).removesuffix(".0")
        )
    )
    if not uploaded:
        st.info(
            _("Drop one or several CSV files or Excel workbooks here. Templates are on the next tab."),
            icon=":material/upload_file:",
        )
        st.stop()

    progress_slot = st.empty()
    uploads: list[ingest.Upload] = []
    boxes = []
    keys: list[str] = []  # per upload: its file's SHA-256 (a workbook's sheet: and the sheet's place)
    seen: list[str] = []  # the files' SHA-256, in order
    for file in uploaded:
        data = file.getvalue()
        sha = ingest.sha256_of(data)
        if sha in seen:
            st.warning(
                _("{file} is the same file as one above; it is checked once.").format(file=markup.text(file.name))
            )
            continue
        seen.append(sha)
        is_workbook = ingest.is_workbook(data, file.name)
        for title, key, sheet in sheets_to_check(file.name, data, sha) if is_workbook else [(file.name, sha, None)]:
            if sheet is not None:
                header, detected = list(sheet.header), sheet.kind
            else:
                header, detected = ([], None) if is_workbook else file_header(data, sha)
            box = st.container(border=True)
            with box:
                st.subheader(markup.text(title), anchor=False)
                kind = None
                if not is_workbook or sheet is not None:  # an unreadable workbook has no kind to choose
                    kind = st.selectbox(
                        _("Kind of file"),
                        contract.KINDS,
                        index=contract.KINDS.index(detected) if detected else None,
                        format_func=upload.kind_label,
                        placeholder=_("Choose the kind of file"),
                        key=f"upload_kind_{key}",
                        help=_("Recognised from the header; change it if it is wrong."),
                    )
                wide = len(header) > contract.MAX_COLUMNS  # the check reports it; no selector per column
                overrides = choose_columns(header, kind, key) if kind and any(header) and not wide else {}
            uploads.append(ingest.Upload(data, file.name, kind, overrides or None, sheet.name if sheet else None))
            boxes.append(box)
            keys.append(key)
    if not uploads:
        st.info(_("Tick at least one sheet to check."), icon=":material/table:")
        st.stop()

    # A check is reused while the files, the choices and the stored batches are the same.
    signature = (
        tuple(
            (u.file_name, key, u.kind, u.sheet, tuple(sorted((u.overrides or {}).items())))
            for u, key in zip(uploads, keys, strict=True)
        ),
        upload.data_version(),
    )
    checked = state.get("upload_check")
    if checked is not None and checked[0] == signature:
        reports = checked[1]
    else:
        bar = progress_slot.progress(0.0, text=_("Checking the files"))
        try:
            reports = upload.check(
                uploads, progress=lambda step, done: bar.progress(min(done, 1.0), text=upload.step_label(step))
            )
        except Exception:
            log.exception("checking an upload failed")
            progress_slot.error(
                _("The files could not be checked because of an error in the dashboard. Nothing was stored."),
                icon=":material/error:",
            )
            st.stop()
        progress_slot.empty()
        state.upload_check = (signature, reports)

    for box, report, key in zip(boxes, reports, keys, strict=True):
        with box:
            show_report(report, key)

    rows = sum(r.row_count for r in reports)
    problems = sum(r.problem_count for r in reports)
    st.subheader(upload.summary(rows, problems), anchor=False)
    if problems:
        st.caption(_("Loading is possible once every problem is fixed. Warnings do not block it."))
    if st.button(
        _("Load {rows} rows").format(rows=i18n.format_number(rows)),
        type="primary",
        disabled=problems > 0,
        icon=":material/cloud_upload:",
        key="upload_load",
    ):
        with st.status(_("Loading"), expanded=True) as status:
            bar = st.progress(0.0)
            try:
                outcome = upload.load(
                    uploads,
                    ctx.user,
                    progress=lambda step, done: bar.progress(min(done, 1.0), text=upload.step_label(step)),
                )
            except upload.NotAllowed as exc:
                status.update(label=str(exc), state="error")
                st.stop()
            except Exception:
                log.exception("loading an upload failed")
                status.update(label=_("Loading failed because of an error in the dashboard."), state="error")
                st.error(
                    _(
                        "Loading failed because of an error in the dashboard. Nothing of the file being loaded was stored."
                    )
                )
                st.stop()
        ui.data_changed()
        state.pop("upload_check", None)
        state.upload_done = outcome
        if outcome.rejected is None:
            state.upload_round += 1  # a fresh, empty uploader
            state.pop("upload_headers", None)
            state.pop("upload_sheets", None)
        st.rerun()

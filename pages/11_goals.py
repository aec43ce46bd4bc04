"""Goals: every target in force with its actual, its share of the target, the pace expected by now
and whether it is on track; one target month by month; and, for directors and administrators, the
table of targets to change (each save is one batch through the ingest engine, undone on the Data page).

Queries: targets, data_extent, kpis, contacts_by_partner and survey_response_count (each target's
actual), kpis_by_month, cumulative_people_by_month and survey_responses_by_month (one target month by
month), milestones.
"""

import streamlit as st

from impact import charts, goals, i18n, metrics, upload, vocab
from impact.i18n import _
from impact.roles import DIRECTORS
from impact.web import dashboard, ui
from impact.web.dashboard import INTEGER, MONTH, Column

ctx = ui.page_setup("goals")
run = ui.runner("internal")
state = st.session_state
state.setdefault("goals_round", 0)

st.title(_("Goals and targets"))
ui.demo_banner(run)
done = state.pop("goals_saved", None)
if done is not None:
    st.success(
        _(
            "Saved as batch {batch}: {rows} targets. The earlier set can be brought back by undoing it on the Data page."
        ).format(batch=done[0], rows=i18n.format_number(done[1])),
        icon=":material/check_circle:",
    )

found = goals.progress(run)
as_of = goals.now(run)
st.caption(
    _(
        "Every target in force, counted as the overview counts, up to {day} (the latest day with data). "
        "The filters in the sidebar do not apply here."
    ).format(day=i18n.format_date(as_of))
)
table = goals.progress_frame(found)
statuses = {status: goals.status_label(status) for status in goals.STATUS_LABELS}

if table.empty:
    dashboard.nothing_to_show(
        _("No targets yet. Directors and administrators add them in the table below, or analysts load a targets file.")
    )
else:
    counts = table["status"].value_counts()
    for column, status in zip(st.columns(4), (goals.MET, goals.ON_TRACK, goals.BEHIND, goals.MISSED), strict=True):
        column.metric(statuses[status], i18n.format_number(int(counts.get(status, 0))), border=True)

    # the periods under way first: the ones a director can still do something about
    running = table[(table["period_start"] <= as_of) & (table["period_end"] >= as_of)]
    shown = running if not running.empty else table
    drawn = goals.chart_frame(shown)
    scope = metrics.Scope(min(table["period_start"]), max(table["period_end"]))
    dashboard.chart(
        "target_progress",
        scope,
        lambda: charts.progress_bars(
            drawn,
            _("Targets under way: share reached so far") if not running.empty else _("Targets: share reached"),
            _("Pace expected by now"),
            statuses,
        ),
        drawn,
        dashboard.target_columns(),
        caption=_(goals.DEFINITIONS.help),
        variant="running" if not running.empty else "all",
    )

    st.subheader(_("Every target"))
    dashboard.table(
        "targets",
        scope,
        table,
        dashboard.target_columns("label"),
    )

    st.subheader(_("One target, month by month"))
    followable = table[table["metric"].isin(goals.FOLLOWED_MONTHLY)].reset_index(drop=True)
    if followable.empty:
        dashboard.nothing_to_show(_("Targets for languages, neighborhoods and partners are not followed by month."))
    else:
        choices = {
            i: _("{measure} · {partner} · {target}").format(
                measure=row.metric_name, partner=row.partner_name, target=row.label
            )
            for i, row in followable.iterrows()
        }
        default = next((i for i, row in followable.iterrows() if row.period_start <= as_of <= row.period_end), 0)
        chosen = st.selectbox(_("Target"), list(choices), index=default, format_func=choices.get, key="goals_followed")
        picked = followable.iloc[chosen]
        followed = goals.monthly_progress(picked, as_of, run)
        partner = picked.partner_id if isinstance(picked.partner_id, str) else None
        target_scope = metrics.Scope(
            picked.period_start, min(picked.period_end, as_of), partners=(partner,) if partner else None
        )
        dashboard.chart(
            "target_by_month",
            target_scope,
            lambda: charts.cumulative_progress(
                followed.actual,
                followed.pace,
                int(picked.target),
                _("{measure} so far, against the pace to {target}").format(
                    measure=picked.metric_name, target=i18n.format_number(int(picked.target))
                ),
                actual=_("Actual so far"),
                goal=_("Pace: {name}"),
                y_title=picked.metric_name,
            ),
            followed.actual.merge(followed.pace[["month", "goal"]], on="month", how="left"),
            [
                Column("month", _("Month"), MONTH),
                Column("cumulative", _("Actual so far (end of month)"), INTEGER),
                Column("goal", _("Pace expected by the month's end"), INTEGER),
            ],
            caption=_(
                "Bars: the actual from the target's first day to each month's end. Dashed: the target spread evenly "
                "over its days. The line across: the target."
            ),
            variant=f"{picked.metric}.{picked.partner_id}.{picked.period_start}.{picked.period_end}",
            by_month=True,
        )

# --- the table of targets: directors and administrators change it here ---------------------------

st.subheader(_("Change the targets"))
if ctx.user.role not in DIRECTORS:
    st.info(
        _("Directors and administrators set the targets here. Analysts can load a targets file on the Upload page."),
        icon=":material/lock:",
    )
    st.stop()

snapshot = state.get("goals_snapshot")
if snapshot is None or snapshot[0] != state.goals_round:
    snapshot = (state.goals_round, goals.targets_version(), goals.editable_targets(run))
    state.goals_snapshot = snapshot
_round, version, editable = snapshot
if goals.targets_version() != version:
    st.warning(
        _("The targets were changed since this table was opened (a save, an upload or an undo)."),
        icon=":material/sync_problem:",
    )
    if st.button(_("Reload the targets"), icon=":material/refresh:", key="goals_reload"):
        state.goals_round += 1
        st.rerun()

partners = metrics.partner_names(run)
st.caption(
    _(
        "Add a row for a new target, change a cell, or select rows and delete them; then save. A save stores the "
        "whole table as one batch: every row is checked as an uploaded targets file is, and nothing changes unless "
        "all are right. The targets it replaces are kept, so undoing the save on the Data page brings them back. "
        "A partner left empty (–) means the whole coalition."
    )
)
edited = st.data_editor(
    editable,
    key=f"goals_editor_{state.goals_round}",
    num_rows="dynamic",
    hide_index=True,
    placeholder=dashboard.MISSING,
    width="stretch",
    column_config={
        "metric": st.column_config.SelectboxColumn(
            _("Measure"), options=list(vocab.TARGET_METRICS), format_func=goals.metric_label, required=True
        ),
        "period_start": st.column_config.DateColumn(_("From"), required=True, format="localized"),
        "period_end": st.column_config.DateColumn(_("To"), required=True, format="localized"),
        "target": st.column_config.NumberColumn(
            _("Target value"), min_value=0, step=1, format="localized", required=True
        ),
        "partner_id": st.column_config.SelectboxColumn(
            _("Partner"),
            options=[goals.WHOLE_COALITION, *partners],
            format_func=lambda pid: partners.get(pid, pid) if pid else _("Whole coalition"),
            default=goals.WHOLE_COALITION,
        ),
        "label": st.column_config.TextColumn(_("Name (e.g. City grant 2026)")),
    },
)
rows = goals.editor_rows(edited)
changed = rows != goals.editor_rows(editable)
if st.button(_("Save the targets"), type="primary", disabled=not changed, icon=":material/save:", key="goals_save"):
    try:
        report = goals.save_targets(rows, ctx.user, version)
    except goals.SaveRefused as refused:
        st.error(refused.message.translated(), icon=":material/error:")
        st.stop()
    if not report.ok:
        st.error(
            _("Nothing was saved: {summary}. Line 2 is the table's first row.").format(
                summary=upload.summary(report.row_count, report.problem_count)
            ),
            icon=":material/error:",
        )
        st.dataframe(upload.problems_frame(report.problems, "targets"), hide_index=True)
        st.stop()
    ui.data_changed()
    state.goals_saved = (report.batch_id, report.row_count)
    state.goals_round += 1
    st.rerun()

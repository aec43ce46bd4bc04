"""Overview: the coalition's headline numbers for a period and its monthly reach."""

from datetime import timedelta

import streamlit as st

from impact import charts, metrics, ui

ctx = ui.page_setup("overview")
run = ui.runner("internal")

st.title("Coalition overview")
ui.demo_banner(run)
extent = metrics.data_extent(run)
if extent["last_day"] is None:
    st.info("No data yet. An analyst can load partners, events and contacts on the Upload page.")
    st.stop()

end = extent["last_day"]
scope = metrics.Scope(start=end - timedelta(days=364), end=end)
st.caption(f"The 12 months to {end:%B %-d, %Y}, compared with the 12 months before.")

now, before = metrics.kpis(scope, run), metrics.kpis(scope.previous(), run)
for row in (metrics.KPIS[:4], metrics.KPIS[4:]):
    for column, kpi in zip(st.columns(4), row, strict=True):
        delta = metrics.change(now[kpi.key], before[kpi.key])
        column.metric(
            kpi.label,
            f"{now[kpi.key]:,}",
            delta=None if delta is None else f"{delta:+.1f}%",
            help=kpi.help,
            border=True,
        )

st.plotly_chart(charts.monthly_reach(metrics.reach_by_month(scope, run)), width="stretch")

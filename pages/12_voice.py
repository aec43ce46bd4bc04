"""Community voice: what community members say in the coalition's surveys. Responses over time; each
question's answers (1-5 as bars that diverge from the middle, yes/no as the share of yes) by language,
partner, neighborhood or age group, always with the number of responses; the comments, for staff.
A group with as few responses as the public page would suppress is not broken down.

Queries: survey_response_count, survey_responses_by_month, survey_answers, survey_comments, targets and
milestones (the goal line and the marks of the monthly chart).
"""

import streamlit as st

from impact import charts, filters, i18n, markup, metrics, voice
from impact.i18n import _
from impact.web import dashboard, ui
from impact.web import filters as filter_widgets
from impact.web.dashboard import DAY, INTEGER, MONTH, PERCENT, TEXT, Column

ctx = ui.page_setup("voice")
run = ui.runner("internal")
st.title(_("Community voice"))
ui.demo_banner(run)
scope, period = filter_widgets.sidebar(run)
options = metrics.filter_options(run)
st.caption(markup.text(filters.describe(scope, options)))

total = voice.response_count(scope, run)
if total == 0:
    dashboard.nothing_to_show(
        _("No survey responses match these filters. Choose a longer period, or load a surveys file on the Upload page.")
    )
    st.stop()
small = voice.threshold()
left, _spacer = st.columns([1, 3])
left.metric(_(voice.RESPONSES.label), i18n.format_number(total), help=_(voice.RESPONSES.help), border=True)

by_month = voice.responses_by_month(scope, run)
dashboard.chart(
    "survey_responses_by_month",
    scope,
    lambda: charts.monthly_bars(by_month, "responses", _("Responses"), _("Survey responses by month"), _("Responses")),
    by_month,
    [Column("month", _("Month"), MONTH), Column("responses", _("Responses"), INTEGER)],
    caption=_(voice.RESPONSES.help),
    by_month=True,
    goal="survey_responses",
)

# --- each question's answers --------------------------------------------------------------------

st.subheader(_("What people answered"))
dimension = (
    st.segmented_control(
        _("Break down by"),
        list(voice.DIMENSIONS),
        format_func=lambda key: _(voice.DIMENSIONS[key][0]),
        default="language",
        key="voice_dimension",
    )
    or "language"
)
st.caption(
    _(
        "Each bar is a group of responses with its number (n). Groups of {small} responses or fewer are not "
        "broken down into answers, here as on the public page: a handful of people must not be readable one by one."
    ).format(small=i18n.format_number(small))
)
found = voice.answers(scope, run)
answer_words = [_(word) for word in voice.SCALE_WORDS]
for question in voice.QUESTIONS:
    st.markdown(f"**{_(question.label)}**")
    st.caption(_(question.help))
    frame = voice.breakdown(found, question.key, dimension, small)
    if frame.empty:
        dashboard.nothing_to_show(_("No response in this period answered this question."))
        continue
    frame = frame.assign(label=voice.with_counts(frame))
    shown = frame[frame["shown"]].reset_index(drop=True)
    hidden = frame[~frame["shown"]]
    if shown.empty:
        dashboard.nothing_to_show(_("Too few responses to show their answers."))
    elif question.kind == voice.SCALE:
        shown = shown.assign(average=voice.average(shown))
        dashboard.chart(
            f"survey_{question.key}",
            scope,
            lambda shown=shown, question=question: charts.diverging_bars(
                shown, _(question.label), answer_words, _("Share of the group's responses")
            ),
            shown.assign(
                average_text=[
                    dashboard.MISSING if v is None or v != v else i18n.format_number(float(v), 1)
                    for v in shown["average"]
                ]
            ),
            [
                Column("group", _("Group"), TEXT),
                Column("responses", _("Responses"), INTEGER),
                *(Column(f"share_{v}", answer_words[int(v) - 1], PERCENT) for v in voice.SCALE_ANSWERS),
                Column("average_text", _("Average (1-5)"), TEXT),
            ],
            variant=dimension,
        )
    else:
        shown = shown.assign(
            text=[
                _("{share} of {n}").format(share=dashboard.share_text(float(s)), n=i18n.format_number(int(n)))
                for s, n in zip(shown["share_yes"], shown["responses"], strict=True)
            ]
        )
        dashboard.chart(
            f"survey_{question.key}",
            scope,
            lambda shown=shown, question=question: charts.ranked_bars(
                shown,
                label="label",  # i18n: ignore (the frame's column, not words)
                value="share_yes",
                title=_("{question}: share answering yes").format(question=_(question.label)),
                x_title=_("Share answering yes"),
                percent=True,
                rank=False,
                text="text",
            ),
            shown,
            [
                Column("group", _("Group"), TEXT),
                Column("responses", _("Responses"), INTEGER),
                Column("count_yes", _("Yes"), INTEGER),
                Column("count_no", _("No"), INTEGER),
                Column("share_yes", _("Share answering yes"), PERCENT),
            ],
            variant=dimension,
        )
    if not hidden.empty:
        st.caption(
            _("Not broken down (too few responses): {groups}.").format(
                groups=", ".join(markup.text(label) for label in hidden["label"])
            )
        )

# --- comments -------------------------------------------------------------------------------------

st.subheader(_("Comments"))
st.caption(
    _(
        "What people wrote, as they wrote it, newest first. For coalition staff only: comments never appear on "
        "the public page."
    )
)
written = voice.comments(scope, run)
if written.empty:
    dashboard.nothing_to_show(_("No comments in this period."))
else:
    dashboard.table(
        "survey_comments",
        scope,
        written.assign(
            language_name=[voice.group_name("language", v) for v in written["language"]],
            neighborhood_name=[voice.group_name("neighborhood", v) for v in written["neighborhood"]],
            age_group_name=[voice.group_name("age_group", v) for v in written["age_group"]],
        ),
        [
            Column("responded_on", _("Date"), DAY),
            Column("partner_name", _("Partner"), TEXT),
            Column("language_name", _("Language"), TEXT),
            Column("neighborhood_name", _("Neighborhood"), TEXT),
            Column("age_group_name", _("Age group"), TEXT),
            Column("comment", _("Comment"), TEXT),
        ],
    )

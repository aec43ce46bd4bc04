"""The public impact page as a reader sees it, for every output that shows it: the live page
(pages/5_impact.py), the PDF brief (impact.brief) and the static site (impact.publish).

`build_page(report, language, year=None)` turns a stored, protected report (impact.public.Report)
into a `PublicPage`: every text translated into `language`, every number formatted for it, every
chart a plotly Figure. Pure: no Streamlit, no database, no suppression (the report's numbers are
already the published ones). Each output only lays the page out; none computes a figure itself,
so the page, the brief and the site always agree.

Text: every field is plain text (no Markdown, no HTML). Some of it came from people (partner
names, milestone titles): an output that reads Markdown or HTML escapes every field it draws
(impact.markup.text for Streamlit, html.escape for HTML). Figures are escaped already
(impact.markup.figure has run on each): draw them as they are, never escape them again.

The page, phone first: a title, the as-of date, four to six headline figures for the chosen year
(the year so far by default), a sentence with the all-years totals, then the charts (the years as
a trend with the public milestones on it, languages and neighborhoods as ranked bars, the
community's survey answers, partners working together), the definitions and the method note.
"<11" and "—" are explained under the first figure or chart that shows one (`note`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from impact import charts, i18n, labels, markup, metrics, privacy, public
from impact.i18n import N_, _

# The headline figures, in the page's order (metrics.PUBLIC_KPIS holds their labels and help).
HEADLINE_KEYS = (
    "unique_people",
    "contacts",
    "events",
    "officials_meetings",
    "languages_served",
    "neighborhoods_reached",
)
_KPI = {kpi.key: kpi for kpi in metrics.PUBLIC_KPIS}
# The survey's questions in the page's order, their few words, and their answers' words.
SURVEY_QUESTIONS = (
    ("felt_safer", N_("Felt safer")),
    ("knows_where_to_get_help", N_("Knows where to get help")),
    ("trusts_organization", N_("Trusts the organization")),
    ("satisfied", N_("Satisfied")),
    ("would_recommend", N_("Would recommend")),
)
SCALE_ANSWERS = ("1", "2", "3", "4", "5")
YES_NO_ANSWERS = ("yes", "no")
ANSWER_WORDS = {
    "1": N_("1 not at all"),
    "2": "2",
    "3": "3",
    "4": "4",
    "5": N_("5 very much"),
    "yes": N_("Yes"),
    "no": N_("No"),
}
ANSWER_COLORS = {
    "1": charts.SCALE_COLORS[0],
    "2": charts.SCALE_COLORS[1],
    "3": charts.SCALE_COLORS[2],
    "4": charts.SCALE_COLORS[3],
    "5": charts.SCALE_COLORS[4],
    "yes": "#009E73",
    "no": "#CC79A7",
}
NOT_SHOWN_COLOR = "#DDDDDD"
PARTIAL_COLOR = "#7FB8D8"  # the year so far: the trend's colour, lighter
HIDDEN = privacy.HIDDEN_LABEL


def _too_small_to_draw() -> str:
    """Said instead of a ranking whose every number is suppressed (a chart of nothing is no chart)."""
    return _("Every number here is too small to show; the table lists them.")


@dataclass(frozen=True)
class Headline:
    """One headline figure."""

    key: str  # what it counts: unique_people, contacts, events, officials_meetings, languages_served, ...
    label: str  # its name ("Unique people reached"), translated
    value: str  # what is shown: "1,234" in the reader's number format, "<11" or "—"
    help: str  # one sentence on what is counted, translated
    number: int | None  # the published exact number; None when the value is "<11" or "—"
    note: str | None = None  # the explanation of "<11" and "—", on the first figure that shows one


@dataclass(frozen=True)
class Chart:
    """One chart with the numbers behind it."""

    key: str  # stable id: "trend", "languages", "neighborhoods", "survey", "collaboration"
    title: str  # translated; also the figure's own title
    figure: go.Figure | None  # escaped already; None when there is nothing to draw (see `message`)
    table: pd.DataFrame  # the chart's numbers as text, translated column names, one row per bar or year
    filename: str  # a file name (without extension) for the chart's image: "coalition-impact-languages-2025"
    caption: str | None = None  # a sentence under the chart (what "Other neighborhoods" holds, ...)
    message: str | None = None  # said instead of the chart when `figure` is None (too few people, no data)
    note: str | None = None  # the explanation of "<11" and "—", when this chart is the first to show one


@dataclass(frozen=True)
class Milestone:
    """A public milestone: its date, title (staff's text, written for the public) and kind only."""

    day: date
    date_text: str  # the date in the reader's format
    title: str  # as staff wrote it: plain text, escape it to draw it
    kind: str  # its kind, translated ("Policy")


@dataclass(frozen=True)
class Definition:
    """A term of the page and what it means."""

    term: str
    text: str


@dataclass(frozen=True)
class YearOption:
    """A year a reader can choose."""

    year: int
    label: str  # "2025", "2026 so far, to November 30", or a share link's part of a year


@dataclass(frozen=True)
class PublicPage:
    """Everything the public page shows, in one language, for one chosen year. Plain text
    throughout (see the module's docstring); figures escaped already."""

    language: str  # the interface language (impact.i18n.LANGUAGES: en, zh_Hant, zh_Hans, es)
    title: str  # "Our shared impact"
    as_of: str  # "Figures to November 30, 2026." (the last day the page covers)
    as_of_date: date  # that day
    scope_text: str | None  # a share link's scope ("Partners: ... Period: ... to ..."); None on the open page
    demo_note: str | None  # says the data is fictional demo data; None for real data
    years: tuple[YearOption, ...]  # the years a reader can choose, newest first (one for a one-year link)
    year: int  # the chosen year
    year_heading: str  # the headline's heading: "2026 so far, to November 30" / "In 2025"
    headlines: tuple[Headline, ...]  # four to six figures for the chosen year
    all_years: str | None  # the all-years totals in one sentence; None when the page covers one year
    breakdown_note: str | None  # why the chosen year is not broken down (too few people); else None
    charts: tuple[Chart, ...]  # in the page's order
    milestones: tuple[Milestone, ...]  # the public milestones of the period, oldest first
    definitions: tuple[Definition, ...]  # what each term means
    notes: tuple[str, ...]  # the method, as paragraphs
    suppression_note: str  # what "<11" and "—" mean, with the threshold in force
    small_label: str  # "<11" (the threshold in force)
    hidden_label: str  # "—"
    filename: str  # a base file name for downloads: "coalition-impact-2025"
    is_shared: bool = False  # opened through a share link (its scope cannot be changed)
    extra: dict = field(default_factory=dict)  # room for later fields without changing this API


def _shown(label: str, number: object) -> str:
    """A published label in the reader's number format ("<11" and "—" as they are)."""
    if number is None or (not isinstance(number, int) and pd.isna(number)):
        return str(label)
    return i18n.format_number(int(number))


def year_label(scope: public.PublicScope, year: int) -> str:
    """ "2025"; "2026 so far, to November 30" for the year under way on the open page; a share
    link's part of a year with its dates."""
    first, last = scope.year_span(year)
    if scope.whole_year(year):
        return str(year)
    if not scope.shared and first == date(year, 1, 1):
        return _("{year} so far, to {day}").format(year=year, day=i18n.format_date(last, "day_month"))
    return _("{year} ({start} to {end})").format(year=year, start=i18n.format_date(first), end=i18n.format_date(last))


def _small_note(limit: int) -> str:
    return _(
        "'{small}' means from 1 to {limit}: small numbers are not shown, to protect the people behind them. "
        "'—' means a number held back so that a small one cannot be worked out from the others; it is not zero."
    ).format(small=privacy.small_label(limit), limit=limit)


def _frame_labels(frame: pd.DataFrame, column: str, limit: int) -> bool:
    return any(v in (privacy.small_label(limit), HIDDEN) for v in frame[column].astype(str))


def _ranked(frame: pd.DataFrame, name: str, last: tuple[str, ...] = ()) -> pd.DataFrame:
    """Largest first by the published number; suppressed rows after the shown ones, by name (their
    order says nothing about their size); the rows named in `last` at the end."""
    if frame.empty:
        return frame
    out = frame.assign(
        _last=frame[name].isin(last),
        _suppressed=frame["value"].isna(),
        _value=frame["value"].fillna(0).astype(int),
    )
    out = out.sort_values(["_last", "_suppressed", "_value", "label"], ascending=[True, True, False, True])
    return out.drop(columns=["_last", "_suppressed", "_value"]).reset_index(drop=True)


def _titled(fig: go.Figure, title: str, subtitle: str | None) -> go.Figure:
    """A short title and, below it, what it covers (the year, the period): short enough for a phone,
    whole in a downloaded image."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "subtitle": {"text": subtitle or ""}},
        margin={"t": 84 if subtitle else 60},
    )
    return fig


def _bars(
    frame: pd.DataFrame, title: str, subtitle: str, x_title: str, color: str = charts.PALETTE[0]
) -> go.Figure | None:
    """Ranked horizontal bars, in the frame's order: a suppressed row draws no bar, its label is written.
    None when no row has a published number (nothing to draw: the table says it all)."""
    if not (frame["value"].fillna(0) > 0).any():
        return None
    drawn = frame.assign(bar=frame["value"].fillna(0).astype(int))
    fig = charts.ranked_bars(drawn, "label", "bar", title, x_title, colors=color, rank=False, text="shown")
    return markup.figure(_titled(fig, title, subtitle))


def _trend(report: public.Report, years: list[int], scope: public.PublicScope) -> go.Figure:
    """Unique people year by year (the year so far lighter), with the public milestones on it."""
    rows = report.figures[report.figures["period"] != public.ALL]
    values = [None if v is None or pd.isna(v) else int(v) for v in rows["unique_people_value"]]
    shown = [_shown(lbl, v) for lbl, v in zip(rows["unique_people"], values, strict=True)]
    fig = go.Figure()
    fig.add_bar(
        x=years,
        y=[v or 0 for v in values],
        text=shown,
        textposition="outside",
        cliponaxis=False,
        marker_color=[charts.PALETTE[0] if scope.whole_year(y) else PARTIAL_COLOR for y in years],
        customdata=[year_label(scope, y) for y in years],
        hovertemplate="%{customdata}: %{text}<extra></extra>",
        name=_("Unique people reached"),
        showlegend=False,
    )
    top = max([v or 0 for v in values] + [1])
    if not report.milestones.empty:
        xs, texts = [], []
        for row in report.milestones.itertuples():
            day = pd.Timestamp(row.date).date()
            start = date(day.year, 1, 1)
            length = (date(day.year + 1, 1, 1) - start).days
            xs.append(day.year - 0.5 + ((day - start).days + 0.5) / length)
            texts.append(
                f"{i18n.format_date(day)} · {row.title} ({labels.label('milestone_kind', row.kind)})"  # escaped below
            )
        fig.add_scatter(
            x=xs,
            y=[top * 1.22] * len(xs),
            mode="markers",
            marker={"symbol": "diamond", "size": 11, "color": charts.MILESTONE_COLOR},
            text=texts,
            hovertemplate="%{text}<extra></extra>",
            name=_("Milestone"),
            showlegend=True,
        )
    fig.update_layout(
        title={"text": _("People reached, year by year"), "x": 0, "xanchor": "left"},
        font={"family": charts.font_family()},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
        separators=".,",
        height=360,
    )
    fig.update_xaxes(
        tickvals=years,
        ticktext=[str(y) if scope.whole_year(y) else _("{year} so far").format(year=y) for y in years],
        range=[years[0] - 0.6, years[-1] + 0.6],
    )
    fig.update_yaxes(rangemode="tozero", tickformat=",d", range=[0, top * 1.32], title=_("People"))
    return markup.figure(fig)


def _together_chart(
    report: public.Report, years: list[int], year_text: str, year: int, first_note: Callable[[bool], str | None]
) -> Chart:
    """Events held together, town halls and community meetings, and meetings with officials, year by
    year from the protected report (a suppressed count draws no bar; its label is written), and the
    languages the partners' staff spoke in the chosen year."""
    scope, limit = report.scope, report.threshold
    rows = report.figures[report.figures["period"] != public.ALL]
    series = {
        "events_together": (_("Events held together"), charts.PALETTE[3]),
        "town_halls": (_("Town halls and community meetings"), charts.PALETTE[1]),
        "officials_meetings": (_("Meetings with officials"), charts.PALETTE[4]),
    }
    ticks = [str(y) if scope.whole_year(y) else _("{year} so far").format(year=y) for y in years]
    fig = go.Figure()
    table = {_("Year"): [year_label(scope, y) for y in years]}
    drawn = False
    for measure, (name, color) in series.items():
        numbers = [None if v is None or pd.isna(v) else int(v) for v in rows[f"{measure}_value"]]
        shown = [_shown(lbl, v) for lbl, v in zip(rows[measure], numbers, strict=True)]
        drawn = drawn or any(numbers)
        table[name] = shown
        fig.add_bar(
            x=ticks,
            y=[v or 0 for v in numbers],
            text=shown,
            textposition="outside",
            cliponaxis=False,
            name=name,
            marker_color=color,
            hovertemplate=f"{name}, %{{x}}: %{{text}}<extra></extra>",
        )
    fig.update_layout(
        font={"family": charts.font_family()},
        barmode="group",
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0},
        margin={"l": 10, "r": 10, "b": 10},
        separators=".,",
        height=380,
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", tickformat=",d", title=_("Events"))
    period = _("{start} to {end}").format(start=i18n.format_date(scope.start), end=i18n.format_date(scope.end))
    _titled(fig, _("How we work together"), period)
    frame = pd.DataFrame(table)
    caption = _(
        "Events held together: events two or more partners hosted together. Town halls and community meetings: "
        "gatherings the partners held for community members. Meetings with officials: meetings with elected "
        "officials or public agencies."
    )
    spoken = int(report.period(str(year))[public.STAFF_LANGUAGES])
    if spoken:
        count = privacy.small_label(limit) if spoken <= limit else i18n.format_number(spoken)
        caption += " " + _("In {year}, the partners' staff spoke {n} languages with the people they serve.").format(
            year=year_text, n=count
        )
    return Chart(
        "together",
        _("How we work together, {start} to {end}").format(
            start=i18n.format_date(scope.start), end=i18n.format_date(scope.end)
        ),
        markup.figure(fig) if drawn else None,
        frame,
        "coalition-impact-together",
        caption=caption,
        message=None if drawn else _too_small_to_draw(),
        note=first_note(any(v in (privacy.small_label(limit), HIDDEN) for v in frame.to_numpy().ravel())),
    )


def _survey(report: public.Report, year: int, limit: int) -> tuple[go.Figure | None, pd.DataFrame, list[str]]:
    """The year's answers per question as 100% bars of the published counts; questions answered by
    too few are named, not drawn."""
    totals = report.survey_totals[report.survey_totals["year"] == year]
    answers = report.survey[report.survey["year"] == year]
    rows, too_few, table = [], [], []
    for key, words in SURVEY_QUESTIONS:
        found = totals[totals["question"] == key]
        if found.empty:
            continue
        total_value = found["responses_value"].iloc[0]
        total_label = found["responses"].iloc[0]
        question = _(words)
        kinds = SCALE_ANSWERS if key != "knows_where_to_get_help" and key != "would_recommend" else YES_NO_ANSWERS
        cells = {a: answers[(answers["question"] == key) & (answers["answer"] == a)] for a in kinds}
        entry = {_("Question"): question, _("Responses"): _shown(total_label, total_value)}
        broken_down = not answers[answers["question"] == key].empty  # else too few to break down
        for answer in kinds:
            cell = cells[answer]
            if not cell.empty:
                entry[_(ANSWER_WORDS[answer])] = _shown(cell["responses"].iloc[0], cell["responses_value"].iloc[0])
            else:
                entry[_(ANSWER_WORDS[answer])] = i18n.format_number(0) if broken_down else ""
        table.append(entry)
        if (
            total_value is None
            or pd.isna(total_value)
            or int(total_value) == 0
            or answers[answers["question"] == key].empty
        ):
            too_few.append(question)
            continue
        total = int(total_value)
        label = _("{group} (n = {n})").format(group=question, n=i18n.format_number(total))
        shares = {}
        for answer in kinds:
            cell = cells[answer]
            value = None if cell.empty else cell["responses_value"].iloc[0]
            shares[answer] = 0.0 if cell.empty else (None if value is None or pd.isna(value) else int(value) / total)
        shown_sum = sum(v for v in shares.values() if v is not None)
        rows.append((label, shares, max(0.0, 1.0 - shown_sum)))
    if not rows:
        return None, pd.DataFrame(table), too_few
    fig = go.Figure()
    labels_ = [r[0] for r in rows]
    for answer in (*SCALE_ANSWERS, *YES_NO_ANSWERS):
        widths = [r[1].get(answer) for r in rows]
        if all(w is None or w == 0 for w in widths):
            continue
        fig.add_bar(
            x=[w or 0 for w in widths],
            y=labels_,
            orientation="h",
            name=_(ANSWER_WORDS[answer]),
            marker_color=ANSWER_COLORS[answer],
            text=[i18n.format_percent(w, 0) if w else "" for w in widths],
            textposition="inside",
            insidetextanchor="middle",
            hovertemplate="%{y} · %{fullData.name}: %{text}<extra></extra>",
        )
    rest = [r[2] for r in rows]
    if any(v > 1e-9 for v in rest):
        fig.add_bar(
            x=rest,
            y=labels_,
            orientation="h",
            name=_("Not shown (small numbers)"),
            marker_color=NOT_SHOWN_COLOR,
            hovertemplate="%{y} · %{fullData.name}<extra></extra>",
        )
    fig.update_layout(
        font={"family": charts.font_family()},
        barmode="stack",
        height=max(300, 170 + 46 * len(rows)),
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        # below the axis title, in the answers' order (1 to 5, yes, no, then what is not shown)
        legend={"orientation": "h", "yanchor": "top", "y": -0.28, "xanchor": "left", "x": 0, "traceorder": "normal"},
        separators=".,",
    )
    fig.update_xaxes(range=[0, 1], tickformat=".0%", title=_("Share of responses"))
    fig.update_yaxes(autorange="reversed", type="category", automargin=True)
    return markup.figure(fig), pd.DataFrame(table), too_few


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def build_page(report: public.Report, language: str, year: int | None = None) -> PublicPage:
    """The public page of `report` in `language` for `year` (default and fallback: the latest year)."""
    with i18n.using(language):
        return _build(report, language, year)


def _build(report: public.Report, language: str, year: int | None) -> PublicPage:
    scope = report.scope
    limit = report.threshold
    years = scope.years()
    if year not in years:  # a year the page does not cover (or none): the latest
        year = years[-1]
    small, note = privacy.small_label(limit), _small_note(limit)
    note_used = False

    def first_note(shows_small: bool) -> str | None:
        nonlocal note_used
        if shows_small and not note_used:
            note_used = True
            return note
        return None

    row = report.period(str(year))
    headlines = []
    for key in HEADLINE_KEYS:
        kpi = _KPI[key]
        if key in public.COUNTED:
            number = row[f"{key}_value"]
            number = None if number is None or pd.isna(number) else int(number)
            value = _shown(row[key], number)
        else:  # a count of named categories: not linked to the others, but never shown from 1 to the limit
            number = int(row[key])
            if 1 <= number <= limit:
                number, value = None, small
            else:
                value = i18n.format_number(number)
        headlines.append(Headline(key, _(kpi.label), value, _(kpi.help), number, first_note(value in (small, HIDDEN))))

    one_year = len(years) == 1
    all_years = None
    if not one_year:
        total = report.period(public.ALL)
        numbers = {
            m: _shown(total[m], None if pd.isna(total[f"{m}_value"]) else total[f"{m}_value"])
            for m in ("unique_people", "contacts", "events")
        }
        all_years = _(
            "All years, {start} to {end}: {people} unique people reached, {contacts} contacts, {events} events."
        ).format(
            start=i18n.format_date(scope.start),
            end=i18n.format_date(scope.end),
            people=numbers["unique_people"],
            contacts=numbers["contacts"],
            events=numbers["events"],
        )

    label_of = {y: year_label(scope, y) for y in years}
    tag = f"{year}"
    charts_: list[Chart] = []

    # the years as a trend, with the public milestones on it (not for a one-year page)
    if not one_year:
        trend = report.figures[report.figures["period"] != public.ALL]
        all_row = report.period(public.ALL)
        table_rows = [
            {
                _("Year"): label_of[int(r["year"])],
                _("Unique people"): _shown(r["unique_people"], r["unique_people_value"]),
                _("Contacts"): _shown(r["contacts"], r["contacts_value"]),
                _("Events"): _shown(r["events"], r["events_value"]),
                _("Meetings with officials"): _shown(r["officials_meetings"], r["officials_meetings_value"]),
            }
            for _i, r in trend.iterrows()
        ]
        table_rows.append(
            {
                _("Year"): _("All years"),
                _("Unique people"): _shown(all_row["unique_people"], all_row["unique_people_value"]),
                _("Contacts"): _shown(all_row["contacts"], all_row["contacts_value"]),
                _("Events"): _shown(all_row["events"], all_row["events_value"]),
                _("Meetings with officials"): _shown(
                    all_row["officials_meetings"], all_row["officials_meetings_value"]
                ),
            }
        )
        table = pd.DataFrame(table_rows)
        shows = any(v in (small, HIDDEN) for v in table.to_numpy().ravel())
        charts_.append(
            Chart(
                "trend",
                _("People reached, year by year"),
                _trend(report, years, scope),
                table,
                "coalition-impact-years",
                caption=_("Each person counted once a year; the lighter bar is the year so far. ◆ marks a milestone.")
                if not all(scope.whole_year(y) for y in years)
                else _("Each person counted once a year. ◆ marks a milestone."),
                note=first_note(shows),
            )
        )

    # languages and neighborhoods of the chosen year, ranked by size
    withheld = year in report.withheld_years
    breakdown_note = (
        _(
            "Fewer than {n} people were reached in {year}, so they are not broken down by language or neighborhood."
        ).format(n=limit + 1, year=label_of[year])
        if withheld
        else None
    )
    short_titles = {
        "languages": _("Main language of the people reached"),
        "neighborhoods": _("Main neighborhood of the people reached"),
    }
    for key, frame_by_year, column, title, header, kind in (
        (
            "languages",
            report.languages,
            "language",
            _("Main language of the people reached, {year}"),
            _("Main language"),
            "language",
        ),
        (
            "neighborhoods",
            report.neighborhoods,
            "neighborhood",
            _("Main neighborhood of the people reached, {year}"),
            _("Main neighborhood"),
            "neighborhood",
        ),
    ):
        title = title.format(year=label_of[year])
        found = frame_by_year.get(year, pd.DataFrame(columns=[column, "people", "people_value"]))
        if withheld or found.empty:
            charts_.append(
                Chart(
                    key,
                    title,
                    None,
                    pd.DataFrame(columns=[header, _("People")]),
                    f"coalition-impact-{key}-{tag}",
                    message=breakdown_note or _("No people were reached in this period."),
                )
            )
            continue
        names = [_(v) if v in public.TRANSLATED_GROUPS else labels.label(kind, v) for v in found[column].astype(str)]
        frame = pd.DataFrame(
            {
                column: found[column].astype(str).tolist(),
                "label": names,
                "value": [None if v is None or pd.isna(v) else int(v) for v in found["people_value"]],
                "shown": [_shown(lbl, v) for lbl, v in zip(found["people"], found["people_value"], strict=True)],
            }
        )
        frame["value"] = frame["value"].astype("Float64")
        ranked = _ranked(frame, column, last=(public.OTHER_NEIGHBORHOOD, public.NOT_RECORDED))
        caption = None
        if key == "neighborhoods" and public.OTHER_NEIGHBORHOOD in set(ranked[column]):
            caption = _(
                "The {n} neighborhoods with the most people, by name; every other neighborhood together as "
                "'Other neighborhoods'."
            ).format(n=public.TOP_NEIGHBORHOODS)
        table = pd.DataFrame({header: ranked["label"], _("People"): ranked["shown"]})
        color = charts.PALETTE[0] if key == "languages" else charts.PALETTE[2]
        figure = _bars(ranked, short_titles[key], label_of[year], _("People"), color)
        charts_.append(
            Chart(
                key,
                title,
                figure,
                table,
                f"coalition-impact-{key}-{tag}",
                caption=caption,
                message=None if figure is not None else _too_small_to_draw(),
                note=first_note(_frame_labels(table, _("People"), limit)),
            )
        )

    # the community's own answers in the chosen year (no section where no survey was ever loaded)
    if not report.survey_totals.empty:
        survey_title = _("What community members told us in {year}").format(year=label_of[year])
        figure, table, too_few = _survey(report, year, limit)
        survey_caption = None
        if too_few:
            survey_caption = _("Too few answers to show: {questions}.").format(questions=", ".join(too_few))
        if figure is not None:
            _titled(figure, _("What community members told us"), label_of[year])
        charts_.append(
            Chart(
                "survey",
                survey_title,
                figure,
                table.fillna(""),
                f"coalition-impact-survey-{tag}",
                caption=survey_caption,
                message=None if figure is not None else _("No survey answers to show for this year."),
                note=first_note(figure is not None and any(v in (small, HIDDEN) for v in table.to_numpy().ravel())),
            )
        )

    # partners working together over the whole period, ranked
    collaboration_title = _("Events partners held together, {start} to {end}").format(
        start=i18n.format_date(scope.start), end=i18n.format_date(scope.end)
    )
    if report.pairs.empty:
        charts_.append(
            Chart(
                "collaboration",
                collaboration_title,
                None,
                pd.DataFrame(columns=[_("Partners"), _("Events held together")]),
                "coalition-impact-collaboration",
                message=_("No co-hosted events in this period."),
            )
        )
    else:
        pairs = report.pairs
        frame = pd.DataFrame(
            {
                "pair": [f"{a}|{b}" for a, b in zip(pairs["partner_a"], pairs["partner_b"], strict=True)],
                "label": [
                    _("{a} & {b}").format(a=report.partner_name(a), b=report.partner_name(b))
                    for a, b in zip(pairs["partner_a"], pairs["partner_b"], strict=True)
                ],
                "value": pd.array(
                    [None if v is None or pd.isna(v) else int(v) for v in pairs["events_value"]], dtype="Float64"
                ),
                "shown": [_shown(lbl, v) for lbl, v in zip(pairs["events"], pairs["events_value"], strict=True)],
            }
        )
        ranked = _ranked(frame, "pair")  # i18n: ignore (a column name, never shown)
        table = pd.DataFrame({_("Partners"): ranked["label"], _("Events held together"): ranked["shown"]})
        period = _("{start} to {end}").format(start=i18n.format_date(scope.start), end=i18n.format_date(scope.end))
        figure = _bars(ranked, _("Events partners held together"), period, _("Events"), charts.PALETTE[3])
        charts_.append(
            Chart(
                "collaboration",
                collaboration_title,
                figure,
                table,
                "coalition-impact-collaboration",
                message=None if figure is not None else _too_small_to_draw(),
                caption=_("Each pair of partners and the events they hosted together (host and co-hosts alike)."),
                note=first_note(_frame_labels(table, _("Events held together"), limit)),
            )
        )

    # how the partners work together, year by year (the coalition's own model of collaboration)
    charts_.append(_together_chart(report, years, label_of[year], year, first_note))

    milestones = tuple(
        Milestone(
            pd.Timestamp(r.date).date(),
            i18n.format_date(pd.Timestamp(r.date).date()),
            str(r.title),
            labels.label("milestone_kind", r.kind),
        )
        for r in report.milestones.itertuples()
    )
    scope_text = None
    if scope.shared:
        names = report.partner_names
        scope_text = _("Partners: {partners}. Period: {start} to {end}.").format(
            partners=", ".join(names) if names else _("all partners"),
            start=i18n.format_date(scope.start),
            end=i18n.format_date(scope.end),
        )
    return PublicPage(
        language=language,
        title=_("Our shared impact"),
        as_of=_("Figures to {day}.").format(day=i18n.format_date(scope.end, "long")),
        as_of_date=scope.end,
        scope_text=scope_text,
        demo_note=_("Demo data: every organisation, person and number here is fictional.") if report.is_demo else None,
        years=tuple(YearOption(y, label_of[y]) for y in reversed(years)),
        year=year,
        year_heading=label_of[year] if not scope.whole_year(year) else _("In {year}").format(year=year),
        headlines=tuple(headlines),
        all_years=all_years,
        breakdown_note=breakdown_note,
        charts=tuple(charts_),
        milestones=milestones,
        definitions=_definitions(limit),
        notes=_notes(),
        suppression_note=_suppression_note(limit),
        small_label=small,
        hidden_label=HIDDEN,
        filename=f"coalition-impact-{tag}",
        is_shared=scope.shared,
    )


def _definitions(limit: int) -> tuple[Definition, ...]:
    return (
        Definition(
            _("Unique people reached"),
            _(
                "Each person counted once per period, across all partners. Partners record people under "
                "coalition-wide ids, replaced by a keyed code before storage; no name or id is ever shown."
            ),
        ),
        Definition(
            _("Contacts"),
            _(
                "Every recorded contact between a partner and a person, plus the headcount of events that have "
                "no individual records."
            ),
        ),
        Definition(
            _("Events and meetings with officials"),
            _(
                "Events are hosted or co-hosted by the partners; meetings with officials are meetings with elected "
                "officials or public agencies."
            ),
        ),
        Definition(
            _("Main language and main neighborhood"),
            _(
                "Each person counts once a year, where most of their contacts that year were, so the rows add up "
                "to the year's unique people. Names outside the coalition's lists are grouped as 'Other'."
            ),
        ),
        Definition(
            _("Languages served and neighborhoods"),
            _(
                "Count named categories (languages of the contacts and events, San Francisco neighborhoods), not people."
            ),
        ),
        Definition(
            _("Survey answers"),
            _(
                "Community members' own answers after a contact with a partner, for the partners on this page "
                "together; each response counts once per question it answered. Comments are never shown here."
            ),
        ),
        Definition(
            _("Milestones"),
            _("Moments the coalition chose to make public: their date, title and kind."),
        ),
    )


def _notes() -> tuple[str, ...]:
    return (
        _(
            "Years are calendar years. The year under way is shown so far, to the end of the last complete month "
            "of data, and it is part of the all-years totals."
        ),
        _("Every number on this page was computed and checked when the data last changed, not when you opened it."),
    )


def _suppression_note(limit: int) -> str:
    return _(
        "Small numbers: any count from 1 to {limit} (of people, contacts, events, answers, languages or "
        "neighborhoods) is shown as '{small}'. "
        "Some other numbers are shown as '—' so that a small number cannot be worked out by adding or subtracting "
        "the numbers on this page (across the headline, the years, the breakdowns and every year you can select). "
        "A year with fewer than {n} people is not broken down."
    ).format(limit=limit, small=privacy.small_label(limit), n=limit + 1)

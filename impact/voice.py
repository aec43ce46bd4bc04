"""The community's voice: survey responses, each question's answers and the comments.

Staff read every answer by language, partner, neighborhood and age group, always with the number
of responses behind it. A group with as few responses as the public page would suppress (the
suppression threshold, $IMPACT_SUPPRESSION_THRESHOLD) is shown with its number only, never broken
down into answers: a handful of people must not be readable one by one, even inside.

The public impact page reads its answers itself (impact.public, queries/public_survey_answers.sql):
counts per year, question and answer of the page's period and partners, nothing else (no comment,
no group), protected with everything else on that page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from impact import db, labels, metrics, public
from impact.i18n import N_, _, format_number

Runner = metrics.Runner

SCALE, YES_NO = "scale", "yes_no"
SCALE_ANSWERS = ("1", "2", "3", "4", "5")
YES_NO_ANSWERS = ("yes", "no")


@dataclass(frozen=True)
class Question:
    key: str  # the surveys column
    label: str  # what it asks, in few words
    help: str  # the question as people answered it
    kind: str  # SCALE or YES_NO


QUESTIONS = (
    Question(
        "felt_safer",
        N_("Felt safer"),
        N_("After the contact with the partner, I feel safer (1 not at all, 5 very much)."),
        SCALE,
    ),
    Question(
        "knows_where_to_get_help",
        N_("Knows where to get help"),
        N_("I know where to get help when I or my family are not safe (yes or no)."),
        YES_NO,
    ),
    Question(
        "trusts_organization",
        N_("Trusts the organization"),
        N_("I trust this organization (1 not at all, 5 very much)."),
        SCALE,
    ),
    Question(
        "satisfied",
        N_("Satisfied"),
        N_("I am satisfied with the help I received (1 not at all, 5 very much)."),
        SCALE,
    ),
    Question(
        "would_recommend",
        N_("Would recommend"),
        N_("I would recommend this organization to family or friends (yes or no)."),
        YES_NO,
    ),
)
QUESTION_BY_KEY = {q.key: q for q in QUESTIONS}

# What the answers can be broken down by: the dimension of queries/survey_answers.sql, its words,
# and the labels of its values (None: partners, named by the runner).
DIMENSIONS = {
    "language": (N_("Language"), "language"),
    "partner": (N_("Partner"), None),
    "neighborhood": (N_("Neighborhood"), "neighborhood"),
    "age_group": (N_("Age group"), "age_group"),
}
SCALE_WORDS = (N_("1 not at all"), "2", "3", "4", N_("5 very much"))  # the page translates each
RESPONSES = metrics.Kpi(
    "survey_responses",
    N_("Survey responses"),
    N_(
        "Survey responses in the period, with the chosen partners, languages and neighborhoods. One person may "
        "answer more than once (after different events); questions left empty are not counted."
    ),
)


def threshold() -> int:
    """The suppression threshold (the public page's): groups with this many responses or fewer are not
    broken down into answers."""
    return public.threshold()


def responses_by_month(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    return run("survey_responses_by_month", **scope.params())


def response_count(scope: metrics.Scope, run: Runner = db.run_query) -> int:
    return int(run("survey_response_count", **scope.params())["responses"].iloc[0])


def answers(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """Every question's answer counts, overall and per group (queries/survey_answers.sql)."""
    return run("survey_answers", **scope.params())


def comments(scope: metrics.Scope, run: Runner = db.run_query) -> pd.DataFrame:
    """The comments of the scope's responses, newest first (queries/survey_comments.sql); staff only."""
    return run("survey_comments", **scope.params())


def group_name(dimension: str, value: object, partner_name: object = None) -> str:
    """A group's name in the reader's language (a partner by its name)."""
    if dimension == "all":
        return _("All responses")
    if dimension == "partner":
        return str(partner_name) if isinstance(partner_name, str) and partner_name else str(value)
    return labels.label(DIMENSIONS[dimension][1], value if isinstance(value, str) else None)


def breakdown(found: pd.DataFrame, question: str, dimension: str, small: int | None = None) -> pd.DataFrame:
    """One question's answers for all responses and for each group of `dimension`: the number of
    responses that answered it (`responses`), a count and a share per answer, and `shown`: False for
    a group of `small` responses or fewer (default: the suppression threshold), whose counts and
    shares are left empty. Rows: all responses first, then the groups, largest first."""
    small = threshold() if small is None else small
    kind = QUESTION_BY_KEY[question].kind
    values = SCALE_ANSWERS if kind == SCALE else YES_NO_ANSWERS
    rows = found[(found["question"] == question) & found["dimension"].isin(["all", dimension])]
    table = []
    for (level, group), part in rows.groupby(["dimension", "group_value"], dropna=False, sort=False):
        counts = {v: int(part.loc[part["answer"] == v, "responses"].sum()) for v in values}
        total = sum(counts.values())
        partner_name = part["partner_name"].iloc[0] if "partner_name" in part else None
        shown = total > small  # the coalition's row too: a narrow filter can leave a handful of people
        entry = {
            "dimension": level,
            "group_value": group if isinstance(group, str) else None,
            "group": group_name(level, group, partner_name),
            "responses": total,
            "shown": shown,
        }
        for v in values:
            entry[f"count_{v}"] = counts[v] if shown else None
            entry[f"share_{v}"] = counts[v] / total if shown and total else None
        table.append(entry)
    frame = pd.DataFrame(table)
    if frame.empty:
        return frame
    frame["order"] = [0 if d == "all" else 1 for d in frame["dimension"]]
    frame = frame.sort_values(["order", "responses"], ascending=[True, False], kind="stable").drop(columns="order")
    for v in values:
        frame[f"count_{v}"] = frame[f"count_{v}"].astype("Int64")
        frame[f"share_{v}"] = frame[f"share_{v}"].astype("Float64")
    return frame.reset_index(drop=True)


def with_counts(frame: pd.DataFrame) -> pd.Series:
    """Each group's name with its number of responses: "Cantonese (n = 1,234)"."""
    return pd.Series(
        [
            _("{group} (n = {n})").format(group=g, n=format_number(n))
            for g, n in zip(frame["group"], frame["responses"], strict=True)
        ],
        index=frame.index,
    )


def average(frame: pd.DataFrame) -> pd.Series:
    """The mean answer (1-5) of each shown row of a scale breakdown."""
    weights = sum(frame[f"count_{v}"].astype("Float64") * int(v) for v in SCALE_ANSWERS)
    return (weights / frame["responses"].where(frame["shown"])).astype("Float64")

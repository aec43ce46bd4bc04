"""Finding 2: text that people or files supply is shown as text, in Streamlit's Markdown and in charts.

The browser test (tests/browser/test_security_browser.py) walks every page with hostile names; these
check the helpers themselves and what the pages hand to Streamlit and plotly.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from impact import charts, config, db, markup
from tests.conftest import sign_in_as, sql

HOSTILE = (
    "[x](https://evil.example) ![p](http://127.0.0.1:9/pixel.png)",
    '<a href="https://evil.example">x</a><img src=x onerror=alert(1)><b>bold</b><br>',
    "www.evil.example and mail@evil.example :material/warning: :red[red] $x^2$",
    "# heading\n- item\n> quote `code` **bold** _it_ ~~s~~ | a | b |",
    "[j](javascript:alert(1)) &lt;entity&gt; \\[escaped\\]",
)


ACTIVE = "\\`*_{}[]<>&~$|"  # characters that start Markdown anywhere in a line


@pytest.mark.parametrize("value", HOSTILE)
def test_markdown_text_escapes_what_starts_markup_and_breaks_autolinks(value: str) -> None:
    """Every character that starts Markdown is backslash-escaped, line breaks are spaces, a block marker at the start
    is escaped, and addresses, emails and shortcodes (which Streamlit links after parsing) carry an invisible word
    joiner; what a reader sees is the value itself."""
    shown = markup.text(value)
    unescaped = re.sub(r"\\.", "", shown)
    assert not any(mark in unescaped for mark in ACTIVE), shown
    assert "\n" not in shown
    read = re.sub(r"\\(.)", r"\1", shown)  # what a reader sees
    assert not re.search(r"(?i)(https?://|www\.|\w@|:\w+:)", read)
    assert read.replace("\u2060", "") == value.replace("\n", " ")  # nothing else changes


@pytest.mark.parametrize("value", ["# Heading", "- item", "+ item", "= x", "1. first", "12) twelfth", "---"])
def test_a_block_marker_at_the_start_is_escaped(value: str) -> None:
    """A name that starts like a heading, a list or a rule reads as itself."""
    shown = markup.text(value)
    assert shown != value and re.sub(r"\\(.)", r"\1", shown) == value


def test_ordinary_punctuation_stays_as_it_is() -> None:
    """Commas, quotes, parentheses and full stops start no Markdown: dates and sentences read unchanged."""
    for plain in ("Jan 1, 2024 to Dec 31, 2024", "The link's period 'xyz'; showing (all).", "Sunset/Parkside"):
        assert markup.text(plain) == plain


def test_chinese_names_and_plain_words_read_as_they_are() -> None:
    """What is not punctuation stays as it is."""
    assert markup.text("華埠法律援助 Chinatown Legal Aid") == "華埠法律援助 Chinatown Legal Aid"
    assert markup.chart("華埠 & Co <1>") == "華埠 &amp; Co &lt;1&gt;"


def test_a_chart_escapes_data_in_names_labels_categories_and_hovers_but_not_its_own_markup() -> None:
    """markup.figure turns every data text of a figure into plain text; tick labels and hover templates,
    which the builders write (with <br> and <extra>), stay."""
    fig = go.Figure()
    fig.add_bar(x=["<a href='x'>A</a>", "B"], y=[1, 2], name="<b>P</b>", hovertemplate="%{x}<extra></extra>")
    fig.add_heatmap(z=[[1, 2]], x=["<i>a</i>", "b"], y=["p<br>"], text=[["1", "<b>2</b>"]])
    fig.add_scatter(x=[0], y=[1], customdata=[["<a>c</a>"]], text=["<img src=x>"])
    fig.update_xaxes(ticktext=["Mar 2024<br>to date"], tickvals=[0])
    markup.figure(fig)
    bar, heat, scatter = fig.data
    assert list(bar.x) == ["&lt;a href='x'&gt;A&lt;/a&gt;", "B"] and bar.name == "&lt;b&gt;P&lt;/b&gt;"
    assert list(heat.x) == ["&lt;i&gt;a&lt;/i&gt;", "b"] and list(heat.y) == ["p&lt;br&gt;"]
    assert [list(row) for row in heat.text] == [["1", "&lt;b&gt;2&lt;/b&gt;"]]
    assert [list(row) for row in scatter.customdata] == [["&lt;a&gt;c&lt;/a&gt;"]]
    assert list(scatter.text) == ["&lt;img src=x&gt;"]
    assert fig.layout.xaxis.ticktext == ("Mar 2024<br>to date",)
    assert fig.data[0].hovertemplate == "%{x}<extra></extra>"


def test_a_stacked_chart_names_its_groups_by_reference_not_inside_its_hover_template() -> None:
    """A hover template is code: the group's (partner's) name is `%{fullData.name}`, never pasted in."""
    import pandas as pd

    frame = pd.DataFrame({"month": ["2024-01-01"], "partner_id": ["P"], "meetings": [1]})
    fig = charts.stacked_bars(frame, "month", "meetings", "partner_id", {"P": "<a href='x'>P</a>"}, {}, "t", "v")
    assert all("<a" not in (trace.hovertemplate or "") for trace in fig.data)


def _plotly_calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "plotly_chart"
    ]


def test_every_chart_a_page_draws_goes_through_markup_figure() -> None:
    """st.plotly_chart is called with a figure markup.figure has seen: the dashboards' rendered figure (built by
    dashboard._rendered), the public page's chart.figure (built by impact.public_view, which escapes each
    figure it makes) or markup.figure(...) itself."""
    root = config.PROJECT_ROOT
    unchecked = []
    for path in [*(root / "pages").glob("*.py"), *(root / "impact" / "web").glob("*.py")]:
        for call in _plotly_calls(path):
            shown = ast.unparse(call.args[0]) if call.args else ""
            if not (shown.startswith("markup.figure(") or shown in ("rendered.figure", "chart.figure")):
                unchecked.append(f"{path.name}:{call.lineno} {shown[:60]}")
    assert unchecked == []
    assert "markup.figure(_figure())" in (root / "impact" / "web" / "dashboard.py").read_text(encoding="utf-8")
    view = (root / "impact" / "public_view.py").read_text(encoding="utf-8")
    assert view.count("return markup.figure(") == 3  # its three figure builders: bars, the trend, the survey


def _hostile_names(path: Path) -> None:
    cur = db.cursor(path)
    try:
        cur.execute("update partners set name = $name where partner_id = 'CLA'", {"name": HOSTILE[1]})
        cur.execute("update partners set name = $name where partner_id = 'HYC'", {"name": HOSTILE[0]})
    finally:
        cur.close()


@pytest.mark.parametrize(
    "page", ["pages/2_reach.py", "pages/3_languages.py", "pages/4_partners.py", "pages/13_ingredients.py"]
)
def test_dashboard_charts_carry_partner_names_as_plain_text(fixture_db: Path, accounts: dict, page: str) -> None:
    """A partner named with an HTML link reaches plotly as text (&lt;a ...): no chart holds the tag itself."""
    _hostile_names(fixture_db)
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, accounts["admin"])
    at.query_params["period"] = "all-time"
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    specs = [json.dumps(json.loads(e.proto.spec)) for e in at.get("plotly_chart")]
    assert specs and any("&lt;a href" in spec for spec in specs), page
    assert not any("<a href" in spec or "<img" in spec or "<b>bold" in spec for spec in specs), page


def test_the_public_page_shows_hostile_partner_names_and_labels_escaped(fixture_db: Path) -> None:
    """The impact page's tables (Markdown cells) and a share link's caption get the names escaped."""
    from datetime import date, timedelta

    from impact import shares

    _hostile_names(fixture_db)
    _link, token = shares.create(
        HOSTILE[0],
        ["HYC", "CLA"],
        date(2023, 1, 1),
        date(2024, 12, 31),
        date.today() + timedelta(days=3),
        by="t",
        recipient=HOSTILE[0],
    )
    assert sql(fixture_db, "select count(*) from share_links") == [(1,)]
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params["share"] = token
    at.run()
    at.switch_page("pages/5_impact.py").run()
    for key in [k for k in at.session_state if str(k).startswith("impact_numbers.")]:
        at.session_state[key] = True  # the numbers behind each chart, opened
    at.run()
    assert not at.exception
    prepared = next(h.value for h in at.subheader if "Prepared for" in h.value)
    assert markup.text(HOSTILE[0]) in prepared and "[x](https" not in prepared
    tables = [t.value.reset_index().to_string() for t in at.table]
    assert any(markup.text(HOSTILE[0]) in table for table in tables)  # Partners working together
    assert not any(HOSTILE[0] in table for table in tables)

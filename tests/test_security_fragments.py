"""Finding 1: every run that can show data checks the viewer's role, fragment runs included."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
from streamlit.testing.v1 import AppTest, local_script_runner

from impact import config, users
from tests.conftest import sign_in_as

ROOT = config.PROJECT_ROOT
# The one place allowed to call st.fragment: the guard that wraps it.
GUARD = ROOT / "impact" / "web" / "ui.py"


def _fragment_uses(path: Path) -> list[int]:
    """Lines where a file uses `st.fragment` (as a decorator, a call or a name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("fragment", "experimental_fragment")
    ] + [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "fragment" for alias in node.names)
    ]


def test_pages_define_fragments_only_through_the_guard() -> None:
    """No page (and no other Streamlit module) uses a bare st.fragment: ui.guarded_fragment checks the role first."""
    files = [*(ROOT / "pages").glob("*.py"), *(ROOT / "impact" / "web").glob("*.py"), ROOT / "app.py"]
    bare = {str(path.relative_to(ROOT)): _fragment_uses(path) for path in files if path != GUARD}
    assert {name: lines for name, lines in bare.items() if lines} == {}
    guarded = [path.name for path in (ROOT / "pages").glob("*.py") if "guarded_fragment" in path.read_text("utf-8")]
    assert {"2_reach.py", "3_languages.py"} <= set(guarded)


def _fragment_rerun(monkeypatch: pytest.MonkeyPatch, at: AppTest, fragment_id: str) -> AppTest:
    """Run one fragment alone, as the browser asks when a widget inside it changes (AppTest has no API for it)."""

    def fragment_only(**fields: object) -> RerunData:
        return dataclasses.replace(RerunData(**fields), fragment_id_queue=[fragment_id], is_fragment_scoped_rerun=True)

    with monkeypatch.context() as patch:
        patch.setattr(local_script_runner, "RerunData", fragment_only)
        return at.run()


def _opened(page: str, name: str) -> AppTest:
    """`page` as `name` sees it, signed in afresh."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    sign_in_as(at, name)
    at.run()
    at.switch_page(page).run()
    assert not at.exception and at.get("plotly_chart")
    return at


@pytest.mark.parametrize("page", ["pages/2_reach.py", "pages/3_languages.py"])
def test_a_fragment_run_after_the_viewer_lost_the_role_draws_no_data(
    fixture_db: Path, accounts: dict, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    """Signed out elsewhere after the page was drawn, a rerun of any of its fragments (a chart's, or the expander
    of the numbers behind a chart) draws no chart and no table: the page asks to sign in."""
    fragments = len(_opened(page, accounts["analyst"])._fragment_storage._fragments)
    assert fragments > 1  # the page's own fragment and one per chart's numbers
    for index in range(fragments):  # each from a freshly drawn page: the first sign-in page forgets the rest
        at = _opened(page, accounts["analyst"])
        fragment_id = list(at._fragment_storage._fragments)[index]  # what the browser would send back
        users.UserStore().end_sessions(accounts["analyst"])  # "Sign out" in another browser
        _fragment_rerun(monkeypatch, at, fragment_id)
        assert not at.exception
        assert len(at.get("plotly_chart")) == 0 and not at.dataframe
        assert any("for coalition staff" in w.value for w in at.warning)


def test_a_fragment_run_still_draws_for_a_viewer_who_may_see_the_page(
    fixture_db: Path, accounts: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard lets an allowed viewer's fragment run draw its chart (the check is not a blanket refusal)."""
    at = _opened("pages/2_reach.py", accounts["analyst"])
    fragment_id = next(iter(at._fragment_storage._fragments))  # the first: by month and partner
    _fragment_rerun(monkeypatch, at, fragment_id)
    assert not at.exception
    titles = [e.proto.spec for e in at.get("plotly_chart")]
    assert any("by month and partner" in spec for spec in titles)

"""Every page in every interface language (AppTest), and how the language is chosen and kept."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from impact import config, db, i18n, i18n_catalog
from impact.i18n import _
from impact.web import auth, ui
from impact.web import language as ui_i18n
from tests.conftest import copy_database

CJK = re.compile(r"[\u3400-\u9fff]")
ADMIN = auth.User("test-admin", "admin")


@pytest.fixture(scope="module")
def coalition_db(built_fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One copy of the fixture coalition for the module (pages only read it)."""
    path = copy_database(built_fixture_db, tmp_path_factory.mktemp("i18n") / "coalition.duckdb")
    yield path
    db.close(path)


@pytest.fixture
def as_admin(coalition_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An administrator (who may see every page) looking at the fixture coalition."""
    monkeypatch.setenv("IMPACT_DB", str(coalition_db))
    monkeypatch.setattr(auth, "current_user", lambda: ADMIN)
    return coalition_db


def open_page(page: ui.PageSpec, query: dict[str, str] | None = None, locale: str | None = None) -> AppTest:
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=60)
    at.query_params.update(query or {})
    if locale:
        at.context = {"locale": locale}
    at.switch_page(page.file).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def link_labels(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link")]


def expected_links(language: str) -> list[str]:
    with i18n.using(language):
        return [_(page.title) for page in ui.allowed_pages(ADMIN)]


PAGE_IDS = [page.id for page in ui.PAGES if page.id != "signin"]  # the sign-in page sends an admin home
CASES = [(page_id, language) for page_id in PAGE_IDS for language in i18n.LANGUAGES]


@pytest.mark.parametrize(("page_id", "language"), CASES, ids=[f"{p}-{lang}" for p, lang in CASES])
def test_each_page_renders_in_each_language(as_admin: Path, page_id: str, language: str) -> None:
    """The page runs without an exception, its navigation is in the language and the URL keeps ?lang=."""
    code = i18n.URL_CODES[language]
    at = open_page(ui.PAGE_BY_ID[page_id], {"lang": code})
    assert at.query_params["lang"] in (code, [code])
    assert link_labels(at)[: len(expected_links(language))] == expected_links(language)
    assert at.selectbox(key="_interface_language").value == language
    assert i18n.current() == "en", "the page's language must not leak into the test's thread"


@pytest.mark.parametrize("page_id", PAGE_IDS)
def test_each_page_title_and_kpis_read_in_traditional_chinese(as_admin: Path, page_id: str) -> None:
    """In 繁體中文 the page's title and its KPI labels are the catalog's translations, not English."""
    at = open_page(ui.PAGE_BY_ID[page_id], {"lang": "zh-Hant"})
    with i18n.using("zh_Hant"):
        translations = {_(m.id) for m in i18n_catalog.extract() if m.id and isinstance(m.id, str) and not m.context}
    titles = [t.value for t in at.title]
    assert titles, "every page has a title"
    untranslated = [t for t in titles + [m.label for m in at.metric] if not CJK.search(t) or t not in translations]
    assert not untranslated, f"English left on the {page_id} page in 繁體中文: {untranslated}"


def test_the_browser_language_is_the_default_and_goes_into_the_url(as_admin: Path) -> None:
    """A Hong Kong browser without ?lang= gets 繁體中文, and the URL then carries lang=zh-Hant to share."""
    at = open_page(ui.PAGE_BY_ID["impact"], locale="zh-HK")
    assert at.query_params["lang"] in ("zh-Hant", ["zh-Hant"])
    assert link_labels(at)[: len(expected_links("zh_Hant"))] == expected_links("zh_Hant")
    english = open_page(ui.PAGE_BY_ID["impact"], locale="fr-FR")
    assert english.query_params["lang"] in ("en", ["en"])


def test_the_url_wins_over_the_browser_language(as_admin: Path) -> None:
    """A shared link with ?lang=es opens in Spanish in a Chinese browser."""
    at = open_page(ui.PAGE_BY_ID["impact"], {"lang": "es"}, locale="zh-TW")
    assert link_labels(at)[: len(expected_links("es"))] == expected_links("es")


def test_the_switcher_changes_the_language_and_keeps_the_other_parameters(as_admin: Path) -> None:
    """Choosing 简体中文 in the sidebar rewrites ?lang= only; the page's other parameters stay."""
    at = open_page(ui.PAGE_BY_ID["impact"], {"lang": "en", "link": "abc"})
    at.selectbox(key="_interface_language").select("zh_Hans").run()
    assert not at.exception
    assert at.query_params["lang"] in ("zh-Hans", ["zh-Hans"])
    assert at.query_params["link"] in ("abc", ["abc"])
    assert link_labels(at)[: len(expected_links("zh_Hans"))] == expected_links("zh_Hans")
    assert ui_i18n.link_params() == {"lang": "en"}  # outside the run, nothing changed


def test_a_link_that_drops_lang_keeps_the_sessions_language(as_admin: Path) -> None:
    """Going to another page without ?lang= (st.switch_page) keeps the language the session chose."""
    at = open_page(ui.PAGE_BY_ID["impact"], {"lang": "es"}, locale="en-US")
    at.query_params.clear()
    at.switch_page(ui.PAGE_BY_ID["overview"].file).run()
    assert not at.exception
    assert at.query_params["lang"] in ("es", ["es"])
    assert link_labels(at)[: len(expected_links("es"))] == expected_links("es")

"""What only a browser shows of the pages' labels: the public page's names in Chinese as drawn,
and the file uploader, whose own words Streamlit draws in English whatever the page's language.

(Thousands separators in st.dataframe are drawn on a canvas from the column's format, and its
accessible table holds the raw number; tests/test_readable_pages.py checks the format sent.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from impact import users
from tests.browser.conftest import Server, build_fixture_db, launch, sign_in, wait_for_app
from tests.conftest import STAFF_PASSWORD

ANALYST = "test-readable-analyst"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module (the tests only read): the fixture coalition, an analyst's account."""
    folder = tmp_path_factory.mktemp("readable_browser")
    path = build_fixture_db(folder / "coalition.duckdb")
    accounts = folder / "users.json"
    rounds, users.BCRYPT_ROUNDS = users.BCRYPT_ROUNDS, 4
    try:
        users.UserStore(accounts).add(ANALYST, "analyst", STAFF_PASSWORD)
    finally:
        users.BCRYPT_ROUNDS = rounds
    env = {
        "IMPACT_USERS_FILE": str(accounts),
        "IMPACT_COOKIE_KEY_FILE": str(folder / "cookie.secret"),
        "IMPACT_LOGIN_BASE_DELAY": "0",
    }
    running = launch(path, folder, env)
    yield running
    running.stop()


def cell_texts(page: Page) -> list[str]:
    """Every cell of every st.dataframe as drawn (their accessible tables hold the canvas's text)."""
    return [t.strip() for t in page.locator("[data-testid='stDataFrame'] td").all_text_contents()]


def test_the_public_page_in_chinese_draws_hua_bu_and_the_partners_chinese_names(server: Server, page: Page) -> None:
    """/impact?lang=zh-Hant, with no account: 華埠 in the neighborhoods, 華埠法律援助 among the partners,
    and no English name of either."""
    page.goto(server.url + "/impact?lang=zh-Hant")
    wait_for_app(page)
    page.get_by_text("華埠法律援助").first.wait_for()
    body = page.locator("[data-testid='stMain']").inner_text()
    assert "華埠" in body
    assert "Chinatown" not in body and "Legal Aid" not in body


def test_the_uploader_says_its_limit_in_the_readers_language_beside_streamlits_english(
    server: Server, page: Page
) -> None:
    """Streamlit draws the box's "Upload" and "200MB per file" in English (no setting changes them); the
    caption under it says the limit in 繁體中文, and a file's preview reads 面對面, not in_person."""
    sign_in(page, server.url, ANALYST)
    page.goto(server.url + "/upload?lang=zh-Hant")
    wait_for_app(page)
    box = page.locator("[data-testid='stFileUploaderDropzoneInstructions']")
    assert "per file" in box.inner_text()  # Streamlit's own words: the limitation this caption answers
    page.get_by_text("每個檔案最多 200 MB").wait_for()
    page.locator("input[type=file]").set_input_files(
        files=[
            {
                "name": "contacts.csv",
                "mimeType": "text/csv",
                "buffer": b"engagement_id,engaged_on,partner_id,participant_id,language,channel\n"
                b"X1,2024-06-03,CLA,x-1,Cantonese,in_person\n",
            }
        ]
    )
    # the preview's grid is drawn once the check has run: wait for its cell, not for the first grid
    page.locator("[data-testid='stDataFrame'] td").filter(has_text="面對面").first.wait_for(state="attached")
    wait_for_app(page)
    cells = cell_texts(page)
    assert "面對面" in cells and "in_person" not in cells
    assert "2024年6月3日" in cells

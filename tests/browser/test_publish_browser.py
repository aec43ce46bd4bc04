"""The static site of `python -m impact publish`, served by `python -m http.server` and read in headless
Chromium on a phone's screen: each language shows the live page's headline figures and draws every
chart with the plotly.js shipped in the site, asking no other address for anything. And the live
page's "Download PDF": the brief of the page being read (a share link's: its scope and language)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from impact import db, i18n, public, public_view, shares
from tests.browser.conftest import Server, _free_port, launch, wait_for_app, wait_for_chart_text
from tests.conftest import copy_database
from tests.test_publish import FOLDERS, expected_page

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def site(published_site: tuple[Path, Path]) -> Iterator[tuple[str, Path]]:
    """The published site (tests/conftest.py) served on a free loopback port: (its address, the database it came from)."""
    out, database = published_site
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:  # polls until the server answers
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("http.server did not answer within 30 s") from None
            time.sleep(0.1)
    try:
        yield url, database
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def phone(browser: Browser, site: tuple[str, Path]) -> Iterator[tuple[Page, list[str], list[str]]]:
    """A phone-sized page that may load only the site's own address: (page, refused requests, errors)."""
    url, _database = site
    context = browser.new_context(viewport=PHONE, locale="en-US", accept_downloads=True)
    refused: list[str] = []
    errors: list[str] = []

    def only_the_site(route: Route) -> None:
        if route.request.url.startswith(url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_site)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page, refused, errors
    context.close()


@pytest.mark.parametrize("language", list(FOLDERS))
def test_each_language_shows_the_live_pages_figures_and_draws_its_charts_offline(
    phone: tuple[Page, list[str], list[str]], site: tuple[str, Path], language: str
) -> None:
    """The headline figures are the live page's (its view model of the stored report), every chart is
    drawn by plotly (.main-svg) with its numbers, the page fits a 390 px screen, and no request went
    anywhere but the site (no CDN, no font server), with no error in the console."""
    page, refused, errors = phone
    url, database = site
    expected = expected_page(database, language)
    page.goto(url + FOLDERS[language] + "index.html")
    assert page.locator("html").get_attribute("lang") == i18n.URL_CODES[language]
    assert page.locator(".figures dd").all_text_contents() == [h.value for h in expected.headlines]
    assert page.locator(".figures dt").all_text_contents() == [h.label for h in expected.headlines]
    drawn = [chart for chart in expected.charts if chart.figure is not None]
    assert len(drawn) >= 3
    for chart in drawn:
        page.locator(f"#chart-{chart.key} .main-svg").first.wait_for()
    trend = page.locator("#chart-trend")
    people = expected.headlines[0].value
    assert people in wait_for_chart_text(trend, people)  # the year's bar carries the headline's number
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert refused == [] and errors == []


def test_the_language_links_and_the_briefs_are_plain_files_of_the_site(
    phone: tuple[Page, list[str], list[str]], site: tuple[str, Path]
) -> None:
    """The switcher's links open the other languages' pages, the year links the other years' (the same
    language); the briefs and chart images are served."""
    page, refused, _errors = phone
    url, database = site
    page.goto(url + "index.html")
    page.get_by_role("link", name=i18n.LANGUAGES["zh_Hant"]).click()
    page.wait_for_url(url + "zh-Hant/index.html")
    assert page.locator("h1").text_content() == expected_page(database, "zh_Hant").title
    page.locator("nav.years").get_by_role("link", name="2023").click()
    page.wait_for_url(url + "zh-Hant/2023/index.html")
    report = public.stored_report(public.open_scope(database), database)
    older = public_view.build_page(report, "zh_Hant", 2023)
    assert page.locator(".figures dd").all_text_contents() == [h.value for h in older.headlines]
    page.locator("#chart-languages .main-svg").first.wait_for()
    page.get_by_role("link", name=i18n.LANGUAGES["es"]).click()
    page.wait_for_url(url + "es/2023/index.html")
    page.locator("nav.years").get_by_role("link", name="2024").click()
    page.wait_for_url(url + "es/index.html")
    for link in page.locator(".downloads a, .chart .png a").all():
        answer = page.request.get(url + "es/" + link.get_attribute("href"))
        assert answer.status == 200 and answer.headers["content-type"] in ("application/pdf", "image/png")
    assert refused == []


@pytest.fixture(scope="module")
def live(built_outcomes_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """The app on the same data, with a share link for two partners in 2024 in 简体中文: (server, token)."""
    folder = tmp_path_factory.mktemp("live_brief")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        database = copy_database(built_outcomes_db, folder / "coalition.duckdb")
        _link, token = shares.create(
            "Harbor grant report",
            ["HYC", "CLA"],
            date(2024, 1, 1),
            date(2024, 12, 31),
            date.today() + timedelta(days=30),
            by="test",
            database=database,
            language="zh_Hans",
        )
        db.close(database)
        server = launch(database, folder)
        yield server, token
        server.stop()


def _download_brief(page: Page, label: str, folder: Path) -> str:
    """Click the page's PDF button; the downloaded brief's text (pdftotext), line breaks as spaces."""
    with page.expect_download() as download:
        page.get_by_role("button", name=label).click()
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF-") and saved.name.endswith(".pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(saved), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", text.decode("utf-8"))


def test_the_live_pages_pdf_holds_the_figures_it_shows(live: tuple[Server, str], page: Page, tmp_path: Path) -> None:
    """'Download PDF' on /impact gives the brief of the page being read: its headline figures and labels."""
    server, _token = live
    page.goto(server.url + "/impact")
    wait_for_app(page)
    page.locator("[data-testid='stMetricValue']").first.wait_for()
    values = page.locator("[data-testid='stMetricValue']").all_text_contents()
    labels = page.locator("[data-testid='stMetricLabel']").all_text_contents()
    assert len(values) >= 4
    text = _download_brief(page, "Download PDF", tmp_path)
    assert all(f" {value.strip()} " in text for value in values)
    assert all(label.strip() in text for label in labels)


def test_a_share_links_pdf_has_its_scope_and_language(live: tuple[Server, str], page: Page, tmp_path: Path) -> None:
    """Opened through a share link, the PDF is in the link's language, with its partners and its figures."""
    server, token = live
    page.goto(f"{server.url}/impact?share={token}")
    wait_for_app(page)
    page.locator("[data-testid='stMetricValue']").first.wait_for()
    values = page.locator("[data-testid='stMetricValue']").all_text_contents()
    with i18n.using("zh_Hans"):
        label = i18n._("Download PDF")
    text = _download_brief(page, label, tmp_path)
    assert all(f" {value.strip()} " in text for value in values)
    assert "海港青年中心" in text and "華埠法律援助" in text  # the link's two partners, as a Chinese page names them

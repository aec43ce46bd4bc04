"""`python -m impact brief`: the public page as a PDF, read back with pdftotext (Debian's poppler-utils).

The brief holds the live page's headline figures (the stored report through the same view model),
in the page's language with its font embedded, on A4 or US Letter; it holds no free text; a share
link's brief has the link's scope and language; and the command says what is wrong (never a
traceback) for a missing database, an unknown link or a path it cannot write.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from impact import brief, cli, db, i18n, metrics, public, public_view, shares
from tests.conftest import copy_database, sql
from tests.test_publish import expected_page, free_texts

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (make system-deps)")

CJK = re.compile(r"[\u4e00-\u9fff]")


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it, with its line breaks as spaces."""
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", text.decode("utf-8"))


def page_sizes(path: Path) -> set[str]:
    """Every page's size as pdfinfo reports it ("595.28 x 841.89 pts (A4)")."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, check=True, text=True)
    return set(re.findall(r"Page +\d+ size: +(.+)", info.stdout))


@pytest.fixture(scope="module")
def database(built_outcomes_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fixture coalition with targets, milestones and survey responses (this module's own copy)."""
    with pytest.MonkeyPatch.context() as env:
        env.delenv("IMPACT_KEY_FILE", raising=False)
        path = copy_database(built_outcomes_db, tmp_path_factory.mktemp("brief") / "coalition.duckdb")
        yield path
        db.close(path)


@pytest.fixture(scope="module")
def briefs(database: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The English brief on A4 and the 繁體中文 one on US Letter, written by the command line."""
    folder = tmp_path_factory.mktemp("briefs")
    made = {}
    for language, paper in (("en", "a4"), ("zh-Hant", "letter")):
        out = folder / f"brief-{language}.pdf"
        assert cli.main(["brief", "--lang", language, "--paper", paper, "--out", str(out), "--db", str(database)]) == 0
        made[language] = out
    return made


def test_the_english_brief_holds_the_live_pages_headline_figures(briefs: dict[str, Path], database: Path) -> None:
    """Each headline figure and its label, the as-of text and the suppression note are in the brief's
    text; the year's unique people are an independent count of the stored contacts."""
    text = pdf_text(briefs["en"])
    page = expected_page(database, "en")
    where = [text.index(f" {headline.value} ") for headline in page.headlines]
    assert where == sorted(where)
    assert all(headline.label in text for headline in page.headlines)
    assert page.title in text and page.as_of in text and page.suppression_note[:60] in text
    people = sql(
        database,
        "select count(distinct participant_key) from engagements where year(engaged_on) = $year",
        {"year": page.year},
    )[0][0]
    assert page.headlines[0].value == i18n.format_number(people)
    assert f" {i18n.format_number(people)} " in text


def test_the_traditional_chinese_brief_is_in_chinese_with_its_font_embedded(
    briefs: dict[str, Path], database: Path
) -> None:
    """The 繁體中文 brief's text is the zh-Hant page's (title, labels, figures, definitions) and every
    font it uses is embedded (a reader without Chinese fonts sees the same)."""
    text = pdf_text(briefs["zh-Hant"])
    page = expected_page(database, "zh_Hant")
    assert CJK.search(page.title), "the catalog has no Traditional Chinese title"
    assert page.title in text
    for headline in page.headlines:
        assert headline.value in text and headline.label.replace(" ", "") in text.replace(" ", "")
    assert page.definitions[0].term in text
    fonts = subprocess.run(["pdffonts", str(briefs["zh-Hant"])], capture_output=True, check=True, text=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows and all(re.search(r"NotoSansCJKTC.*\byes +yes +yes\b", row) for row in rows), fonts


def test_a4_and_letter_briefs_have_their_paper_size_on_every_page(briefs: dict[str, Path]) -> None:
    """--paper a4 gives 210 x 297 mm pages, --paper letter 8.5 x 11 in pages."""
    assert page_sizes(briefs["en"]) == {"595.28 x 841.89 pts (A4)"}
    assert page_sizes(briefs["zh-Hant"]) == {"612 x 792 pts (letter)"}


def test_the_brief_holds_no_free_text_and_the_public_milestone_by_its_title(
    briefs: dict[str, Path], database: Path
) -> None:
    """No survey comment, event title, milestone description or private milestone is in a brief; the
    public milestone is, as the page lists it."""
    public_titles = [row[0] for row in sql(database, "select title from milestones where public")]
    assert public_titles
    for path in briefs.values():
        text = pdf_text(path)
        assert not [t for t in free_texts(database) if t in text]
        assert all(title in text for title in public_titles)


def test_a_share_links_brief_has_its_scope_and_language(database: Path, tmp_path: Path) -> None:
    """--share-label picks an active link by its label: its partners and period (the stored report of
    its scope), its recipient and, without --lang, its language."""
    copy = copy_database(database, tmp_path / "coalition.duckdb")
    today = date.today()
    link, _token = shares.create(
        "Harbor grant report",
        ["HYC", "CLA"],
        date(2024, 1, 1),
        date(2024, 12, 31),
        today + timedelta(days=30),
        by="test",
        database=copy,
        recipient="Bay Area Safety Fund",
        language="zh_Hans",
    )
    out = tmp_path / "harbor.pdf"
    assert cli.main(["brief", "--share-label", "Harbor grant report", "--out", str(out), "--db", str(copy)]) == 0
    last_day = metrics.data_extent(lambda name, **params: db.run_query(name, db=copy, **params))["last_day"]
    scope = public.shared_scope(link.start, link.end, link.partners, last_day)
    page = public_view.build_page(public.stored_report(scope, copy), "zh_Hans")
    assert page.scope_text is not None and "海港青年中心" in page.scope_text
    text = pdf_text(out)
    assert page.scope_text.replace(" ", "") in text.replace(" ", "")
    with i18n.using("zh_Hans"):
        prepared = i18n._("Prepared for {recipient}").format(recipient="Bay Area Safety Fund")
    assert prepared in text  # named under the title, as the page names the recipient
    for headline in page.headlines:
        assert headline.value in text
    open_page = expected_page(copy, "zh_Hans")
    assert page.headlines[0].number != open_page.headlines[0].number  # two partners reached fewer people
    db.close(copy)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--db", "{tmp}/missing.duckdb", "--out", "{tmp}/b.pdf"], 2, "There is no database at"),
        (["--db", "{db}", "--share-label", "No such link", "--out", "{tmp}/b.pdf"], 1, "No active share link"),
        (["--db", "{db}", "--out", "{tmp}/no/folder/b.pdf"], 2, "does not exist"),
        (["--db", "{db}", "--out", "{tmp}"], 2, "is a folder"),
        (["--db", "{db}", "--out", "{tmp}/b.pdf", "--lang", "fr"], 2, "invalid choice: 'fr'"),
    ],
    ids=["missing database", "unknown label", "missing folder", "a folder", "unknown language"],
)
def test_the_command_says_what_is_wrong_with_an_exit_code_and_no_traceback(
    database: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], code: int, message: str
) -> None:
    """A missing database, an unknown link, an unwritable path: a sentence and an exit code, nothing written."""
    filled = [a.format(tmp=tmp_path, db=database) for a in args]
    try:
        result = cli.main(["brief", *filled])
    except SystemExit as exc:  # argparse's own refusal of a bad choice
        result = exc.code
    err = capsys.readouterr().err
    assert result == code and message in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".b.pdf*"))


def test_without_chromium_the_command_says_what_to_install(
    database: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No browser to draw the charts: exit 1, a sentence naming Debian's chromium, nothing written."""
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    assert cli.main(["brief", "--out", str(tmp_path / "b.pdf"), "--db", str(database)]) == cli.EXIT_REJECTED
    err = capsys.readouterr().err
    assert "install Debian's chromium" in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("browser", ["debian", "missing"])
def test_the_page_offers_the_pdf_only_where_a_brief_can_be_made(
    fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, browser: str
) -> None:
    """/impact shows 'Download PDF' (made on click, a deferred download) where Chromium and the CJK font
    are installed, and no button that would fail where they are not."""
    from streamlit.testing.v1 import AppTest

    from impact import config

    if browser == "missing":
        monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    assert brief.available() is (browser == "debian")
    at = AppTest.from_file(str(config.PROJECT_ROOT / "app.py"), default_timeout=90)
    at.switch_page("pages/5_impact.py").run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.label == "Download PDF"]
    assert len(buttons) == (1 if browser == "debian" else 0)
    assert all(b.proto.deferred_file_id for b in buttons)


def test_chart_images_are_drawn_without_any_outside_address() -> None:
    """The page kaleido draws charts in loads plotly.js from the installed plotly package and no MathJax
    (kaleido's default would fetch MathJax from a CDN)."""
    from kaleido import PageGenerator

    index = PageGenerator(plotly=None, mathjax=False).generate_index()
    scripts = re.findall(r'<script src="([^"]+)"', index)
    assert all(src.startswith("file://") for src in scripts)  # plotly.js and kaleido's own script, installed
    assert [src for src in scripts if src.endswith("/plotly/package_data/plotly.min.js")]
    assert "http" not in index.replace("http-equiv", "")


def test_an_empty_database_has_no_brief(empty_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before a complete month of data there is no public page: exit 1 and a sentence."""
    db.close(empty_db)
    assert cli.main(["brief", "--out", str(tmp_path / "b.pdf"), "--db", str(empty_db)]) == cli.EXIT_REJECTED
    assert "nothing to publish" in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()


# -- lines of Chinese and English text ---------------------------------------------------------------


def _width(text: str) -> float:
    """One unit per character, two per CJK character (as a CJK font draws them)."""
    return sum(2 if CJK.match(c) or c in "，。「」（）：" else 1 for c in text)


def test_chinese_text_breaks_between_characters_and_never_before_a_closing_mark() -> None:
    """A line of Chinese breaks where it is full, a closing mark (。，」) stays at the end of its line
    and an opening one (「) at the start of the next; numbers and Latin words stay whole."""
    text = (
        "服務人數（不重複）：12,345 人。少於 11 的數字顯示為「<11」，以保護個人私隱。Cantonese 與 Mandarin 都包括在內。"
    )
    lines = brief.wrap(text, 20, _width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(_width(line) <= 20 for line in lines)
    assert not [line for line in lines[1:] if line[0] in brief.NO_LINE_START]
    assert not [line for line in lines[:-1] if line[-1] in brief.NO_LINE_END]
    assert any("12,345" in line for line in lines) and any("Cantonese" in line for line in lines)


def test_english_text_breaks_at_spaces_and_keeps_its_line_breaks() -> None:
    """English wraps at spaces only; a word longer than a line is cut; line breaks in the text stay."""
    lines = brief.wrap("People reached once or more\ncounted once each across partners", 16, len)
    assert lines == ["People reached", "once or more", "counted once", "each across", "partners"]
    assert brief.wrap("a" * 20, 8, len) == ["a" * 8, "a" * 8, "a" * 4]


# -- people's text and numbers too small to draw ------------------------------------------------------


@pytest.fixture(scope="module")
def drawn(database: Path) -> tuple[public_view.PublicPage, dict[str, bytes]]:
    """The English page and its charts' images (drawn once: each brief below is laid out from them)."""
    page = expected_page(database, "en")
    charts = [chart for chart in page.charts if chart.figure is not None]
    return page, dict(zip((c.key for c in charts), brief.chart_images([c.figure for c in charts]), strict=True))


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages: +(\d+)", info, re.MULTILINE)[1])


def test_text_from_people_is_printed_as_written_never_as_the_page_count(
    drawn: tuple[public_view.PublicPage, dict[str, bytes]], tmp_path: Path
) -> None:
    """A recipient, partner names and a milestone title holding "{nb}" (fpdf2's page-count alias) are printed
    as written; every footer says "Page n of N" with N the PDF's own page count."""
    page, images = drawn
    assert page.milestones and page.scope_text is None
    milestone = dataclasses.replace(page.milestones[0], title="{nb} partners met the mayor")
    page = dataclasses.replace(page, scope_text="Partners: Fund {nb}, Harbor {nb}.", milestones=(milestone,))
    out = tmp_path / "brief.pdf"
    out.write_bytes(brief.pdf(page, paper="Letter", images=images, prepared_for="Fund {nb}"))
    text = pdf_text(out)
    assert "Prepared for Fund {nb}" in text
    assert "Partners: Fund {nb}, Harbor {nb}." in text
    assert "{nb} partners met the mayor" in text
    pages = page_count(out)
    assert pages > 1
    assert re.findall(r"Page (\d+) of (\d+)", text) == [(str(n), str(pages)) for n in range(1, pages + 1)]


def test_a_ranking_too_small_to_draw_is_listed_as_the_page_lists_it(
    drawn: tuple[public_view.PublicPage, dict[str, bytes]], tmp_path: Path
) -> None:
    """A ranking whose every number is suppressed says "the table lists them", and the brief lists them: each
    language with its "<11", in the page's order, under the sentence (as /impact shows the table)."""
    page, images = drawn
    languages = next(chart for chart in page.charts if chart.key == "languages")
    names = languages.table.columns[0]
    assert len(languages.table) >= 3
    table = languages.table.assign(**{languages.table.columns[1]: "<11"})
    with i18n.using("en"):
        message = public_view._too_small_to_draw()
    suppressed = dataclasses.replace(languages, figure=None, table=table, message=message)
    page = dataclasses.replace(
        page, charts=tuple(suppressed if chart.key == "languages" else chart for chart in page.charts)
    )
    out = tmp_path / "brief.pdf"
    out.write_bytes(brief.pdf(page, images=images))
    lines = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True, text=True)
    lines = [re.sub(r"\s+", " ", line).strip() for line in lines.stdout.splitlines() if line.strip()]
    after = lines[lines.index(message) + 1 :]
    rows = [f"{label} <11" for label in table[names]]
    assert after[: len(rows) + 1] == [f"{names} {languages.table.columns[1]}", *rows]


def test_a_draw_that_finds_kaleidos_page_not_loaded_is_tried_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """kaleido 1.5.1 on a busy machine may call its page before it has loaded ('kaleido_scopes is not
    defined'); the images are drawn by a new browser then, and any other error still stops the brief."""
    calls = []

    async def flaky(figures, browser):
        calls.append(browser)
        if len(calls) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return [b"png"] * len(figures)

    monkeypatch.setattr(brief, "_draw", flaky)
    monkeypatch.setattr(brief, "chromium_path", lambda: "/usr/bin/chromium")
    assert brief.chart_images(["figure"]) == [b"png"] and len(calls) == 2

    async def broken(figures, browser):
        calls.append(browser)
        raise RuntimeError("the browser crashed")

    monkeypatch.setattr(brief, "_draw", broken)
    calls.clear()
    with pytest.raises(brief.BriefError, match="the browser crashed"):
        brief.chart_images(["figure"])
    assert len(calls) == 1

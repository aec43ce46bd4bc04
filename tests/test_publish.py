"""`python -m impact publish --out DIR`: the public page as static files, in four languages, with the
live page's figures (the same stored report and view model), plotly.js shipped in DIR, the PDF briefs,
and nothing a visitor of /impact could not see: no participant key or id, no free text, no count
from 1 to 10; every text escaped; written whole or not at all."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest

from impact import cli, db, i18n, public, public_view, publish
from tests.conftest import sql

FOLDERS = {"en": "", "zh_Hant": "zh-Hant/", "zh_Hans": "zh-Hans/", "es": "es/"}


def free_texts(path: Path) -> list[str]:
    """What people typed that no public output may show: survey comments, event titles, milestones'
    descriptions and the titles of milestones that are not public."""
    found = [row[0] for row in sql(path, "select comment from surveys where comment is not null")]
    found += [row[0] for row in sql(path, "select title from events")]
    found += [row[0] for row in sql(path, "select description from milestones where description is not null")]
    found += [row[0] for row in sql(path, "select title from milestones where not public")]
    return found


@pytest.fixture
def site(published_site: tuple[Path, Path]) -> tuple[Path, Path]:
    """The site published by the command line from its own copy of the outcomes database: (DIR, database)."""
    return published_site


def expected_page(database: Path, language: str) -> public_view.PublicPage:
    """The page /impact draws by default in `language`: the stored report through the view model."""
    report = public.stored_report(public.open_scope(database), database)
    return public_view.build_page(report, language)


class _Text(HTMLParser):
    """A page's visible text, its table cells and its charts' JSON."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.cells: list[str] = []
        self.charts: list[dict] = []
        self.figures: list[str] = []
        self._in: list[str] = []
        self._chart = False
        self._headline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        self._chart = tag == "script" and ("class", "chart-data") in attrs
        self._headline = self._headline or (tag == "dl" and ("class", "figures") in attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._in:
            self._in.pop()
        self._chart = False
        self._headline = self._headline and tag != "dl"

    def handle_data(self, data: str) -> None:
        if self._chart:
            self.charts.append(json.loads(data))
        elif self._in and self._in[-1] == "td":
            self.cells.append(data.strip())
        elif self._headline and self._in[-1] == "dd":
            self.figures.append(data.strip())
        if not self._in or self._in[-1] not in ("script", "style"):
            self.text.append(data)


def read_page(path: Path) -> _Text:
    parsed = _Text()
    parsed.feed(path.read_text(encoding="utf-8"))
    return parsed


def _numbers(value: object) -> list[object]:
    """Every number in a figure's data: lists, and plotly's typed arrays ({"dtype", "bdata"})."""
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    return [value] if isinstance(value, int | float) and not isinstance(value, bool) else []


def test_publish_writes_the_page_in_four_languages_with_plotly_and_the_briefs(site: tuple[Path, Path]) -> None:
    """index.html (English) and zh-Hant/, zh-Hans/, es/, each with its two PDF briefs and chart images;
    plotly.min.js is the installed plotly's, in DIR; the files are readable by a web server."""
    import plotly

    out, _database = site
    for language, folder in FOLDERS.items():
        page = out / folder / "index.html"
        assert re.search(rf'<html lang="{i18n.URL_CODES[language]}">', page.read_text(encoding="utf-8"))
        for name in publish.BRIEF_FILES.values():
            assert (out / folder / name).read_bytes().startswith(b"%PDF-")
        assert list((out / folder / "charts").glob("*.png"))
        assert (page.stat().st_mode & 0o777) == 0o644
    shipped = (out / "assets" / "plotly.min.js").read_bytes()
    assert shipped == (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    assert (out / "assets").stat().st_mode & 0o777 == 0o755
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site.")]  # no temporary folder left


def test_each_page_shows_the_live_pages_headline_figures(site: tuple[Path, Path]) -> None:
    """The headline figures of each language's page are the view model's (what /impact draws from the
    stored report), and the year's unique people equal an independent count, in the reader's format."""
    out, database = site
    english = expected_page(database, "en")
    people = sql(
        database,
        "select count(distinct participant_key) from engagements where year(engaged_on) = $year",
        {"year": english.year},
    )[0][0]
    assert people > public.threshold()
    assert (english.headlines[0].key, english.headlines[0].number) == ("unique_people", people)
    for language, folder in FOLDERS.items():
        expected = expected_page(database, language)
        parsed = read_page(out / folder / "index.html")
        assert parsed.figures == [h.value for h in expected.headlines]
        with i18n.using(language):
            assert parsed.figures[0] == i18n.format_number(people)


def test_every_year_a_reader_can_choose_has_its_page_in_every_language(site: tuple[Path, Path]) -> None:
    """As /impact's year choice: the latest year at the language's top, each other year in its own
    folder with that year's figures and briefs; plain links lead between the years and languages."""
    out, database = site
    report = public.stored_report(public.open_scope(database), database)
    for language, folder in FOLDERS.items():
        latest = expected_page(database, language)
        assert [option.year for option in latest.years] == [2024, 2023]
        older = public_view.build_page(report, language, 2023)
        parsed = read_page(out / folder / "2023" / "index.html")
        assert parsed.figures == [h.value for h in older.headlines]
        assert parsed.figures != [h.value for h in latest.headlines]
        assert (out / folder / "2023" / publish.BRIEF_FILES["A4"]).read_bytes().startswith(b"%PDF-")
    for path in out.rglob("index.html"):  # every link and script of every page is a file of the site
        content = path.read_text(encoding="utf-8")
        targets = re.findall(r'(?:href|src)="([^"]+)"', content)
        assert [t for t in targets if t.endswith("2023/index.html")] or "2023" in str(path.parent)
        for target in (t for t in targets if t != "data:,"):
            resolved = (path.parent / target).resolve()
            assert resolved.is_file() and resolved.is_relative_to(out.resolve()), (path, target)
    spanish_2023 = (out / "es" / "2023" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../zh-Hant/2023/index.html"' in spanish_2023  # the same year in another language


def test_no_count_from_1_to_10_and_no_free_text_or_key_reaches_the_site(site: tuple[Path, Path]) -> None:
    """Every chart's counts, every table cell and every headline count is 0 or above 10 (or '<11', '—');
    no survey comment, event title, private milestone, participant id or key is in any file of DIR."""
    out, database = site
    threshold = public.threshold()
    people = expected_page(database, "en").headlines[0].number
    pages = sorted(out.rglob("index.html"))
    assert len(pages) == 2 * len(FOLDERS)  # every language, its two years
    for path in pages:
        parsed = read_page(path)
        assert parsed.charts, "no chart on the page"
        seen = []
        for figure in parsed.charts:
            for trace in figure["data"]:
                counts = [n for n in _numbers({k: trace.get(k) for k in ("x", "y", "text")}) if isinstance(n, int)]
                assert not [n for n in counts if 1 <= n <= threshold], trace.get("name")
                seen += counts
                shown = [t for t in trace.get("text") or [] if isinstance(t, str)]
                assert not [t for t in shown if t.strip().isdigit() and 1 <= int(t) <= threshold]
        assert people in seen, f"the years' people were not read from the trend chart of {path}"
        cells = [c for c in parsed.cells if c.replace(",", "").isdigit()]
        assert cells, "no number in the pages' tables"
        assert not [c for c in cells if 1 <= int(c.replace(",", "")) <= threshold]
    texts = free_texts(database)
    assert any("Comment" in t for t in texts) and len(texts) > 20
    keys = [str(row[0]) for row in sql(database, "select distinct participant_key from engagements")]
    people = [f"person-{n}" for n in range(200)]
    for path in out.rglob("*"):
        if path.suffix not in (".html", ".css") and path.name != "site.js":
            continue
        content = path.read_text(encoding="utf-8")
        assert not [t for t in texts if t in content], path
        assert not [k for k in keys if k in content], path
        assert not re.search(r"person-\d", content), path
        assert not [p for p in people if f'"{p}"' in content]
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]", content), f"an outside address in {path}"


def test_a_page_escapes_every_text_and_no_figure_can_end_its_script(site: tuple[Path, Path]) -> None:
    """A title, a scope, a milestone or a table cell holding markup is shown as text; a chart label
    holding '</script>' stays inside the figure's JSON."""
    _out, database = site
    page = expected_page(database, "en")
    hostile = "<img src=x onerror=alert(1)> & </script><script>alert(2)</script>"
    chart = page.charts[0]
    table = chart.table.copy()
    table.iloc[0, 0] = hostile
    figure = go.Figure(go.Bar(x=[hostile], y=[20], name=hostile))
    changed = dataclasses.replace(
        page,
        title=hostile,
        scope_text=hostile,
        milestones=(public_view.Milestone(page.as_of_date, "May 1", hostile, "Policy"),),
        charts=(dataclasses.replace(chart, table=table, figure=figure, caption=hostile), *page.charts[1:]),
    )
    with i18n.using("en"):
        written = publish.page_html(changed)
    assert "<img" not in written and "<script>alert" not in written
    assert written.count("&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/script&gt;") >= 4
    parsed = _Text()
    parsed.feed(written)
    assert parsed.charts[0]["data"][0]["name"] == hostile


def test_publishing_again_replaces_the_site_and_a_folder_of_other_files_is_refused(
    site: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder holding other files, a file, a missing parent or a missing database is refused with exit
    code 2 and a sentence, and nothing is written; DIR published before is replaced whole."""
    published, database = site
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("mine")
    assert cli.main(["publish", "--out", str(foreign), "--db", str(database)]) == cli.EXIT_USAGE
    assert "did not write" in capsys.readouterr().err
    assert [p.name for p in foreign.iterdir()] == ["thesis.txt"]
    assert cli.main(["publish", "--out", str(foreign / "thesis.txt"), "--db", str(database)]) == cli.EXIT_USAGE
    assert "is not a folder" in capsys.readouterr().err
    assert cli.main(["publish", "--out", str(tmp_path / "no" / "site"), "--db", str(database)]) == cli.EXIT_USAGE
    assert "does not exist" in capsys.readouterr().err
    assert cli.main(["publish", "--out", str(tmp_path / "site"), "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "There is no database" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [foreign]

    out = tmp_path / "published" / "site"  # a copy: the published site is shared with other tests
    shutil.copytree(published, out)
    (out / "stale.html").write_text("from an earlier site")
    publish.write_site(out, [expected_page(database, "en")])  # as `publish` does, one page only
    assert not (out / "stale.html").exists() and (out / "index.html").is_file()
    assert not (out / "zh-Hant").exists()  # the earlier site is gone whole
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site.")]


def test_an_empty_database_has_nothing_to_publish(empty_db: Path, tmp_path: Path, capsys) -> None:
    """Without a complete month of data the command says so (exit 1) and writes nothing."""
    db.close(empty_db)
    assert cli.main(["publish", "--out", str(tmp_path / "site"), "--db", str(empty_db)]) == cli.EXIT_REJECTED
    assert "nothing to publish" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()

"""The public page as a static site: `python -m impact publish --out DIR`.

For the day a news story sends thousands of readers to the coalition: plain files that any web
server or CDN serves with no Python behind them.

    DIR/index.html                      English, the latest year (as /impact opens)
    DIR/zh-Hant/index.html              繁體中文 (and zh-Hans/, es/)
    DIR/2024/index.html, DIR/es/2024/   every other year a reader of /impact can choose
    <page's folder>/impact-brief-a4.pdf the PDF brief of that page, A4 and US Letter
    <page's folder>/impact-brief-letter.pdf
    <page's folder>/charts/<chart>.png  each chart as an image
    DIR/assets/plotly.min.js            plotly.js from the installed plotly package (no CDN)
    DIR/assets/site.css, site.js        the page's style and the script that draws the charts

Every page is built from the same view model `/impact` draws (`impact.public_view`), from the
stored, protected report: the same headline figures and charts, and nothing else - no
participant key, no row of data, no free text, no count from 1 to 10. Every text is
HTML-escaped; each chart's figure is JSON inside a `<script type="application/json">` with
`<`, `>` and `&` escaped, read by site.js (the pages hold no inline script, and their
Content-Security-Policy allows scripts and everything else only from the site itself).

The site is written into a temporary folder beside DIR and then moved into place, so a reader
never gets half of a site; a DIR that exists must be empty or a site this command wrote
(it holds the file `.impact-site`), so that a mistyped --out never replaces other files.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from impact import brief, db, i18n, metrics, public, public_view, shares
from impact.i18n import _

MARKER = ".impact-site"  # a file in every published site: DIR may be replaced only when it holds it
SITE_LANGUAGES = ("en", "zh_Hant", "zh_Hans", "es")  # English at the top, the others in folders
BRIEF_FILES = {"A4": "impact-brief-a4.pdf", "Letter": "impact-brief-letter.pdf"}
FILE_MODE, FOLDER_MODE = 0o644, 0o755  # a web server's user reads them (the command line's umask is 077)

_CSS = """\
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d5dae1; --card: #f6f8fb; }
* { box-sizing: border-box; }
body {
  margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
  font-family: "Noto Sans", "Noto Sans CJK TC", "Noto Sans CJK SC", "PingFang TC", "PingFang SC",
    "Microsoft JhengHei", "Microsoft YaHei", system-ui, sans-serif;
}
html:lang(zh-Hans) body {
  font-family: "Noto Sans", "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK TC", system-ui,
    sans-serif;
}
main, header, footer { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
header { padding-top: 0.75rem; }
nav.languages { display: flex; flex-wrap: wrap; gap: 0.25rem 0.9rem; font-size: 0.95rem; }
nav.languages a { color: #1f5fa8; }
nav.languages [aria-current] { font-weight: 700; color: var(--ink); text-decoration: none; }
nav.years { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.8rem 0 0; }
nav.years a { padding: 0.3rem 0.65rem; border: 1px solid var(--line); border-radius: 1rem; color: #1f5fa8;
  text-decoration: none; font-size: 0.95rem; }
nav.years [aria-current] { background: var(--ink); border-color: var(--ink); color: #fff; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 0.9rem 0 0.2rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 0.6rem; }
.as-of, .muted { color: var(--muted); font-size: 0.95rem; margin: 0.2rem 0; }
.figures { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 0.6rem; margin: 1rem 0; padding: 0; }
.figure { background: var(--card); border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.6rem 0.75rem;
  display: flex; flex-direction: column-reverse; justify-content: flex-end; }
.figure dd { margin: 0; font-size: 1.55rem; font-weight: 700; line-height: 1.2; }
.figure dt { margin: 0.15rem 0 0; font-size: 0.9rem; color: var(--muted); }
.chart { margin: 1.2rem 0; }
.chart h3 { font-size: 1rem; margin: 0 0 0.3rem; }
.plot { width: 100%; min-height: 320px; }
.chart .png { font-size: 0.85rem; }
.downloads { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; margin: 0.8rem 0; }
.downloads a { display: inline-block; padding: 0.45rem 0.8rem; border: 1px solid #1f5fa8; border-radius: 0.4rem;
  color: #1f5fa8; text-decoration: none; }
.notes p { margin: 0.5rem 0; }
.note { font-size: 0.9rem; background: #fff8e6; border-left: 3px solid #e0a800; padding: 0.4rem 0.6rem; }
.demo { font-weight: 700; color: #8a4b00; }
details { margin: 0.4rem 0; font-size: 0.92rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.25rem 0.5rem; border-bottom: 1px solid var(--line); }
td:not(:first-child), th:not(:first-child) { text-align: right; }
.definitions dt { font-weight: 700; margin-top: 0.6rem; }
.definitions dd { margin: 0.1rem 0 0; }
footer { color: var(--muted); font-size: 0.85rem; padding-bottom: 2rem; }
@media (min-width: 40rem) {
  .figures { grid-template-columns: repeat(3, minmax(0, 1fr)); }
  h1 { font-size: 2rem; }
}
@media print { nav.languages, .downloads, .chart .png { display: none; } }
"""

# Draws each chart from the JSON beside it: no inline script in the pages, no request elsewhere.
_JS = """\
"use strict";
document.querySelectorAll("script.chart-data").forEach(function (data) {
  var target = document.getElementById(data.dataset.target);
  var figure = JSON.parse(data.textContent);
  figure.layout.autosize = true;
  delete figure.layout.width;
  // the page's own heading names the chart and wraps on a phone; a figure's title would be cut off
  figure.layout.title = { text: "" };
  figure.layout.margin = Object.assign({}, figure.layout.margin, { t: 36 });
  Plotly.newPlot(target, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtons: [["toImage"]],
    toImageButtonOptions: { filename: data.dataset.filename },
  });
});
"""

_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'"
)


class PublishError(RuntimeError):
    """The site cannot be written where asked (a folder that is not a site, no permission)."""


@dataclass(frozen=True)
class Site:
    """What `publish` wrote."""

    folder: Path
    languages: tuple[str, ...]
    pages: tuple[Path, ...]  # index.html of each language and year
    briefs: tuple[Path, ...]


def language_folder(language: str) -> str:
    """The folder of a language's page ('' for English, at the top)."""
    return "" if language == i18n.DEFAULT_LANGUAGE else i18n.URL_CODES[language]


def page_folder(language: str, year: int | None = None) -> str:
    """A page's folder in the site, from its top: '' (English, the latest year), 'zh-Hant/', '2024/',
    'es/2024/'. `year` None: the latest year, which /impact opens with."""
    parts = [part for part in (language_folder(language), "" if year is None else str(year)) if part]
    return "".join(f"{part}/" for part in parts)


def _folder_of(page: Any) -> str:
    latest = page.years[0].year if page.years else page.year  # years: newest first
    return page_folder(page.language, None if page.year == latest else page.year)


def _prefix(folder: str) -> str:
    """The way from a page's folder up to the site's top folder."""
    return "../" * folder.count("/")


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _json_in_html(value: str) -> str:
    """JSON safe inside a <script> element: no '</script>' or '<!--' can end or change it."""
    return value.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def _switcher(page: Any) -> str:
    """Plain links to the same year's page in the other languages."""
    up = _prefix(_folder_of(page))
    year = None if page.years and page.year == page.years[0].year else page.year
    links = []
    for other in SITE_LANGUAGES:
        name = _e(i18n.LANGUAGES[other])
        code = _e(i18n.URL_CODES[other])
        if other == page.language:
            links.append(f'<a aria-current="page" lang="{code}">{name}</a>')
        else:
            href = f"{up}{page_folder(other, year)}index.html"
            links.append(f'<a href="{_e(href)}" lang="{code}" hreflang="{code}">{name}</a>')
    return f'<nav class="languages" aria-label="{_e(_("Language"))}">{"".join(links)}</nav>'


def _years(page: Any) -> str:
    """Plain links to the page of every year a reader of /impact can choose (none for a one-year page)."""
    if len(page.years) < 2:
        return ""
    up = _prefix(_folder_of(page))
    links = []
    for option in page.years:
        if option.year == page.year:
            links.append(f'<a aria-current="page">{_e(option.label)}</a>')
        else:
            year = None if option.year == page.years[0].year else option.year
            links.append(f'<a href="{_e(up + page_folder(page.language, year))}index.html">{_e(option.label)}</a>')
    return f'<nav class="years" aria-label="{_e(_("Year"))}">{"".join(links)}</nav>'


def _table(frame: Any) -> str:
    """A chart's numbers as an HTML table (every cell text, escaped)."""
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_e(v)}</td>" for v in row) + "</tr>" for row in frame.itertuples(False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _paragraph(text: str | None, css: str = "") -> str:
    if not text:
        return ""
    return f'<p class="{css}">{_e(text)}</p>' if css else f"<p>{_e(text)}</p>"


def _chart_html(chart: Any) -> str:
    """A chart drawn by plotly.js from its figure (already escaped for plotly: drawn as it is), its
    image, the numbers behind it; or the sentence said instead of it."""
    parts = [f"<h3>{_e(chart.title)}</h3>"]
    if chart.figure is None:
        parts.append(_paragraph(chart.message, "muted"))
    else:
        target = _e(f"chart-{chart.key}")
        parts.append(
            f'<div class="plot" id="{target}" role="img" aria-label="{_e(chart.title)}"></div>'
            f'<script type="application/json" class="chart-data" data-target="{target}" '
            f'data-filename="{_e(chart.filename)}">{_json_in_html(chart.figure.to_json())}</script>'
        )
    parts.append(_paragraph(chart.caption, "muted"))
    parts.append(_paragraph(chart.note, "note"))
    if chart.figure is not None:
        parts.append(
            f'<p class="png"><a href="charts/{_e(chart.filename)}.png" download>{_e(_("Chart as an image (PNG)"))}</a>'
            "</p>"
        )
    if len(chart.table):
        parts.append(
            f"<details><summary>{_e(_('The numbers behind this chart'))}</summary>{_table(chart.table)}</details>"
        )
    return f'<section class="chart" id="{_e(chart.key)}">{"".join(parts)}</section>'


def page_html(page: Any) -> str:
    """A page of the site: `page` is an impact.public_view.PublicPage (one language, one year)."""
    up = _prefix(_folder_of(page))
    code = _e(i18n.URL_CODES[page.language])
    figures = "".join(
        f'<div class="figure"><dt>{_e(item.label)}</dt><dd>{_e(item.value)}</dd></div>' for item in page.headlines
    )
    figure_notes = "".join(_paragraph(item.note, "note") for item in page.headlines)
    milestones = ""
    if page.milestones:
        items = "".join(f"<li>{_e(m.date_text)} · {_e(m.title)} ({_e(m.kind)})</li>" for m in page.milestones)
        milestones = f'<section class="milestones"><h3>{_e(_("Milestones"))}</h3><ul>{items}</ul></section>'
    definitions = "".join(f"<dt>{_e(d.term)}</dt><dd>{_e(d.text)}</dd>" for d in page.definitions)
    downloads = "".join(
        f'<a href="{_e(name)}" download>{_e(label)}</a>'
        for name, label in (
            (BRIEF_FILES["A4"], _("Impact brief (PDF, A4)")),
            (BRIEF_FILES["Letter"], _("Impact brief (PDF, US Letter)")),
        )
    )
    return f"""<!doctype html>
<html lang="{code}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>{_e(page.title)}</title>
<link rel="stylesheet" href="{up}assets/site.css">
<script src="{up}assets/plotly.min.js" defer></script>
<script src="{up}assets/site.js" defer></script>
</head>
<body>
<header>{_switcher(page)}</header>
<main>
<h1>{_e(page.title)}</h1>
{_paragraph(page.scope_text, "scope")}{_paragraph(page.demo_note, "demo")}<p class="as-of">{_e(page.as_of)}</p>
{_years(page)}
<h2>{_e(page.year_heading)}</h2>
<dl class="figures">{figures}</dl>
{figure_notes}{_paragraph(page.all_years)}
<div class="downloads">{downloads}</div>
{"".join(_chart_html(chart) + (milestones if chart.key == "trend" else "") for chart in page.charts)}
<section class="notes"><h2>{_e(_("About these numbers"))}</h2>{_paragraph(page.suppression_note)}{"".join(_paragraph(n) for n in page.notes)}</section>
<section class="notes"><h2>{_e(_("Definitions"))}</h2><dl class="definitions">{definitions}</dl></section>
</main>
<footer><p>{_e(page.as_of)}</p></footer>
</body>
</html>
"""


# -- writing the site ---------------------------------------------------------------------------


def _check_target(out: Path) -> None:
    """Refuse a DIR that is not a folder we may replace, or a parent we cannot write in."""
    if out.exists() or out.is_symlink():
        if not out.is_dir() or out.is_symlink():
            raise PublishError(f"{out} exists and is not a folder: choose a folder for the site.")
        if any(out.iterdir()) and not (out / MARKER).is_file():
            raise PublishError(
                f"{out} holds files that this command did not write: choose a new or empty folder "
                "(a site published before may be replaced; it holds the file .impact-site)."
            )
    parent = out.parent
    if not parent.is_dir():
        raise PublishError(f"The folder {parent} does not exist: create it first, or choose another --out.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PublishError(f"Cannot write in {parent} (permission denied): choose another --out.")


def check_file(path: Path) -> None:
    """Refuse a file path that cannot be written (before a brief is made for it)."""
    path = Path(path)
    if path.is_dir():
        raise PublishError(f"{path} is a folder: give the name of the file to write, such as {path / 'brief.pdf'}.")
    if not path.parent.is_dir():
        raise PublishError(f"The folder {path.parent} does not exist: create it first, or choose another --out.")
    if not os.access(path.parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise PublishError(f"Cannot write {path} (permission denied): choose another --out.")


def write_file(path: Path, content: bytes) -> Path:
    """Write one file (a brief) whole: into a temporary file beside it, then renamed over it."""
    path = Path(path)
    check_file(path)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise PublishError(f"Cannot write in {path.parent} ({exc.strerror}): choose another --out.") from exc
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise PublishError(f"Cannot write {path} ({exc.strerror}): choose another --out.") from exc
    return path


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)


def _make_public(folder: Path) -> None:
    """Files readable by anyone, folders enterable (the web server is another user)."""
    folder.chmod(FOLDER_MODE)
    for root, folders, files in os.walk(folder):
        for name in folders:
            Path(root, name).chmod(FOLDER_MODE)
        for name in files:
            Path(root, name).chmod(FILE_MODE)


def _swap_in(built: Path, out: Path) -> None:
    """Put the built site at `out`; an earlier site there is removed once the new one is in place."""
    if not out.exists():
        built.rename(out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    out.rename(old)
    try:
        built.rename(out)
    except OSError:
        old.rename(out)  # put the earlier site back
        raise
    shutil.rmtree(old, ignore_errors=True)


class NothingToPublish(RuntimeError):
    """There is no public page to publish: no complete month of data yet, or no such share link."""


def _runner(database: Path | str | None) -> Any:
    def run(name: str, **params: Any) -> Any:
        return db.run_query(name, db=database, **params)

    return run


@dataclass(frozen=True)
class SharedView:
    """What an active share link shows: its scope, its language (None: the reader's) and recipient."""

    scope: public.PublicScope
    language: str | None
    recipient: str | None


def shared_view(label: str, database: Path | str | None = None, today: date | None = None) -> SharedView:
    """The one active share link labelled `label` (as the list of links shows it)."""
    links = shares.list_links(database, today)
    active = links[links["state"] == "active"]
    found = active[active["label"] == label.strip()]
    if found.empty:
        known = ", ".join(repr(v) for v in active["label"]) or "none"
        raise NothingToPublish(f"No active share link is labelled {label!r} (active links: {known}).")
    if len(found) > 1:
        ids = ", ".join(f"#{i}" for i in found["link_id"])
        raise NothingToPublish(
            f"{len(found)} active share links are labelled {label!r} ({ids}): revoke the ones no longer needed."
        )
    row = found.iloc[0]
    extent = metrics.data_extent(_runner(database))
    scope = public.shared_scope(
        pd.Timestamp(row["start_date"]).date(),
        pd.Timestamp(row["end_date"]).date(),
        shares.partner_tuple(row["partners"]),
        extent["last_day"],
    )
    language = row["language"] if row["language"] in i18n.LANGUAGES else None
    recipient = row["recipient"] if isinstance(row["recipient"], str) and row["recipient"].strip() else None
    return SharedView(scope, language, recipient)


def public_page(
    language: str | None = None,
    database: Path | str | None = None,
    share_label: str | None = None,
    today: date | None = None,
) -> tuple[Any, str | None]:
    """The public page (a PublicPage) as /impact shows it by default, from the stored protected report,
    and whom it is prepared for: the open page (None), or an active share link's page (in the link's
    language unless `language` is given) and its recipient."""
    recipient = None
    if share_label is not None:
        view = shared_view(share_label, database, today)
        scope, language, recipient = view.scope, language or view.language, view.recipient
    else:
        scope = public.open_scope(database, today)
        if scope is None:
            raise NothingToPublish(
                "There is nothing to publish yet: the public page shows figures once the data has a complete month."
            )
    report = public.stored_report(scope, database)
    return public_view.build_page(report, language or i18n.DEFAULT_LANGUAGE), recipient


def publish(out: Path, database: Path | str | None = None, today: date | None = None) -> Site:
    """Write the open public page, in every language and for every year a reader can choose, as a
    static site at `out`."""
    out = Path(os.path.abspath(out))  # "." and "site/" have a name and a parent to build beside
    _check_target(out)  # before the database is read or a browser started
    scope = public.open_scope(database, today)
    if scope is None:
        raise NothingToPublish(
            "There is nothing to publish yet: the public page shows figures once the data has a complete month."
        )
    report = public.stored_report(scope, database)
    pages = []
    for language in SITE_LANGUAGES:
        latest = public_view.build_page(report, language)  # as /impact opens
        pages.append(latest)
        pages += [public_view.build_page(report, language, option.year) for option in latest.years[1:]]
    return write_site(out, pages)


def write_site(out: Path, pages: Sequence[Any]) -> Site:
    """Write the site of `pages` (PublicPages: each language's latest year, and other years) at `out`,
    all or nothing."""
    import plotly

    out = Path(os.path.abspath(out))
    _check_target(out)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    drawn = [chart for page in pages for chart in page.charts if chart.figure is not None]
    images = iter(brief.chart_images([chart.figure for chart in drawn]))  # one browser for every page
    brief.prepare_fonts(pages)  # one font cut per face for every brief
    try:
        built = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    except OSError as exc:
        raise PublishError(f"Cannot write in {out.parent} ({exc.strerror}): choose another --out.") from exc
    written, briefs = [], []
    try:
        (built / MARKER).write_text("A site written by `python -m impact publish`; it may be replaced.\n")
        (built / "assets").mkdir()
        shutil.copyfile(plotly_js, built / "assets" / "plotly.min.js")
        _write(built / "assets" / "site.css", _CSS)
        _write(built / "assets" / "site.js", _JS)
        for page in pages:
            folder = _folder_of(page)
            pngs = {chart.key: next(images) for chart in page.charts if chart.figure is not None}
            by_key = {chart.key: chart for chart in page.charts}
            for key, png in pngs.items():
                _write(built / folder / "charts" / f"{by_key[key].filename}.png", png)
            with i18n.using(page.language):
                _write(built / folder / "index.html", page_html(page))
            for paper, name in BRIEF_FILES.items():
                _write(built / folder / name, brief.pdf(page, paper=paper, images=pngs))
                briefs.append(out / folder / name)
            written.append(out / folder / "index.html")
        _make_public(built)
        _swap_in(built, out)
    except OSError as exc:  # a full disk, a folder taken away meanwhile: a sentence, not a traceback
        shutil.rmtree(built, ignore_errors=True)
        raise PublishError(f"Cannot write the site at {out} ({exc.strerror or exc}); nothing was changed.") from exc
    except BaseException:
        shutil.rmtree(built, ignore_errors=True)
        raise
    languages = tuple(dict.fromkeys(page.language for page in pages))
    return Site(out, languages, tuple(written), tuple(briefs))

"""The PDF impact brief: the public page on paper, in the page's language.

`pdf(page)` lays out an `impact.public_view.PublicPage` - the view model `/impact` draws, built
from the stored, protected report - so the brief shows exactly the live page's figures and
never computes one of its own: the title, the as-of date, the headline figures, the charts
(as images), the notes and definitions, and the suppression note.

How it is made, and why these tools:

- Chart images come from plotly's own exporter, kaleido 1.x, which draws each figure with
  plotly.js in a headless Chromium (Debian's, `/usr/bin/chromium`, or `$BROWSER_PATH`): the
  images are the charts a reader sees on the page, with the same fonts. One browser draws
  every chart of a brief (or of a whole static site): starting it costs about 2 s, each chart
  about 0.2 s after that. MathJax is off and plotly.js is read from the installed plotly
  package, so drawing makes no network request.
- The PDF is written by fpdf2 (pure Python, no system libraries): text is laid out here, line
  by line, in Noto Sans CJK (Debian's fonts-noto-cjk), embedded as a subset of the glyphs
  used, so a brief in Chinese reads the same on a machine without Chinese fonts and stays
  small. Chinese has no spaces between words: lines break between characters, never before a
  closing mark (。，」) or after an opening one (「（), and Latin words and numbers are kept whole.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import io
import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from impact import i18n
from impact.i18n import _

PAPERS = ("A4", "Letter")  # fpdf2's names for the two paper sizes

# Noto Sans CJK's collection holds one face per region; each draws its own region's glyph forms.
_FONT_FACES = {"en": "TC", "zh_Hant": "TC", "zh_Hans": "SC", "es": "TC"}
_FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-{style}.ttc",)

# Chart images: drawn at a size whose 12 px text prints at about 8.5 pt across the text width.
CHART_WIDTH_PX = 760
CHART_HEIGHT_PX = 420
CHART_SCALE = 2  # device pixels per CSS pixel: sharp in print


# One chart-drawing browser at a time in a process: readers asking for briefs at once wait for
# each other instead of starting a Chromium each.
_ONE_BROWSER = threading.Lock()
log = logging.getLogger(__name__)


class BriefError(RuntimeError):
    """The brief cannot be made on this machine (no chromium, no CJK font, a chart that would not draw)."""


# -- chart images -------------------------------------------------------------------------------


def available() -> bool:
    """Whether this machine can make a brief (a Chromium to draw the charts, Noto Sans CJK to write
    them): a page offers "Download PDF" only then."""
    try:
        chromium_path()
        for language in i18n.LANGUAGES:
            cjk_font(language), cjk_font(language, bold=True)
    except BriefError:
        return False
    return True


def chromium_path() -> str:
    """The browser that draws chart images: $BROWSER_PATH (kaleido's own setting), else Debian's chromium."""
    found = os.environ.get("BROWSER_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).is_file():
        raise BriefError(
            "Chart images need Chromium: install Debian's chromium (make system-deps), "
            "or set BROWSER_PATH to a Chrome or Chromium program."
        )
    return found


def _size(figure: Any) -> tuple[int, int]:
    """The figure's own height when its builder set one; the brief's width."""
    height = figure.layout.height
    return CHART_WIDTH_PX, int(height) if height else CHART_HEIGHT_PX


# kaleido 1.5.1 may take the execution context of the blank page its tab starts on for the one of
# its own page, on a busy machine: its first call then fails with this ReferenceError. A second
# browser started after it draws (seen in the suite under load; nothing was drawn wrongly).
_NOT_LOADED = "kaleido_scopes is not defined"
_DRAW_ATTEMPTS = 3


async def _draw(figures: Sequence[Any], browser: str) -> list[bytes]:
    import kaleido  # starts nothing on import; imported here so that the core imports without it

    images = []
    async with kaleido.Kaleido(n=1, path=browser, mathjax=False, timeout=60) as drawer:
        for figure in figures:
            width, height = _size(figure)
            opts = {"format": "png", "width": width, "height": height, "scale": CHART_SCALE}
            images.append(await drawer.calc_fig(figure, opts=opts))
    return images


def chart_images(figures: Sequence[Any]) -> list[bytes]:
    """PNG images of plotly figures, all drawn by one headless Chromium (started once, ~2 s)."""
    if not figures:
        return []
    browser = chromium_path()
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case: no event loop in this thread
        runner = asyncio.run
    else:  # called from inside an event loop: draw in a thread of its own

        def runner(work: Any) -> list[bytes]:
            with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
                return pool.submit(asyncio.run, work).result()

    for attempt in range(1, _DRAW_ATTEMPTS + 1):
        try:
            with _ONE_BROWSER:
                return runner(_draw(figures, browser))
        except BriefError:
            raise
        except Exception as exc:  # kaleido's and choreographer's own errors: browser crashed, timed out
            if attempt < _DRAW_ATTEMPTS and _NOT_LOADED in str(exc):
                log.warning("kaleido called its page before it had loaded; drawing again (%s)", attempt)
                continue
            raise BriefError(f"A chart could not be drawn as an image ({type(exc).__name__}: {exc}).") from exc
    raise AssertionError("unreachable")  # the loop returns or raises


# -- fonts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int  # the face's number in the .ttc collection


@cache
def cjk_font(language: str, bold: bool = False) -> FontFace:
    """Noto Sans CJK's face for `language` (Traditional forms for English and Spanish too: their
    Latin letters are the same in every face, and a Chinese name in them reads as it is written)."""
    region = _FONT_FACES.get(language, "TC")
    style = "Bold" if bold else "Regular"
    family = f"Noto Sans CJK {region}"
    for pattern in _FONT_FILES:
        path = Path(pattern.format(style=style))
        if path.is_file():
            index = _face_index(path, family)
            if index is not None:
                return FontFace(path, index)
    found = _fontconfig(family, style)
    if found is not None:
        return found
    raise BriefError(f"The brief needs the font {family} {style}: install Debian's fonts-noto-cjk (make system-deps).")


# Always in a brief's font, whatever its text: Latin letters (Spanish too), digits, punctuation.
BASE_CHARACTERS = frozenset(
    [chr(c) for c in range(0x20, 0x7F)]
    + [chr(c) for c in range(0xA0, 0x180)]
    + list("‐–—‘’“”•…·◆○●■□▲△◇※、。，．：；？！（）「」『』【】《》〈〉〔〕　〜～％＋－")
)
_subsets: dict[FontFace, list[tuple[frozenset[str], Path]]] = {}
_subset_folder: list[tempfile.TemporaryDirectory] = []


def font_file(face: FontFace, characters: Iterable[str]) -> Path:
    """A font file with `face`'s glyphs for `characters` (and BASE_CHARACTERS) only.

    Noto Sans CJK has 65,000 glyphs: fpdf2 reading and subsetting the whole face took about 3 s
    per face and brief; a face cut down to the page's characters first is read in a moment.
    Kept for the process, and reused for any later text whose characters it holds (both paper
    sizes of a brief, every language of a site that prepared its fonts with `prepare_fonts`).
    """
    needed = BASE_CHARACTERS | frozenset(characters)
    for held, path in _subsets.get(face, []):
        if needed <= held:
            return path
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.name_IDs = ["*"]  # the font's names and licence travel with it
    options.notdef_outline = True
    # fpdf2 maps characters to glyphs without shaping (no GSUB/GPOS): keeping the CJK layout tables
    # tripled the time of a cut (2 s instead of 0.7 s a face) and the font's size
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS"]
    options.hinting = False  # hints are for screens at small sizes; a PDF viewer does without
    font = TTFont(str(face.path), fontNumber=face.index, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in needed])
    subsetter.subset(font)
    if not _subset_folder:
        _subset_folder.append(tempfile.TemporaryDirectory(prefix="impact-brief-fonts-"))
    path = Path(_subset_folder[0].name) / f"{face.path.stem}-{face.index}-{len(_subsets.get(face, []))}.otf"
    font.save(str(path))
    font.close()
    _subsets.setdefault(face, []).append((needed, path))
    return path


def prepare_fonts(pages: Sequence[Any]) -> None:
    """Cut each face the `pages` use down to all their characters at once (one cut per face, not per brief)."""
    needed: dict[FontFace, set[str]] = {}
    for page in pages:
        characters = set("".join(page_texts(page)))
        for bold in (False, True):
            needed.setdefault(cjk_font(page.language, bold), set()).update(characters)
    for face, characters in needed.items():
        font_file(face, characters)


def _face_index(path: Path, family: str) -> int | None:
    from fontTools.ttLib import TTCollection

    with TTCollection(str(path), lazy=True) as collection:
        for index, face in enumerate(collection.fonts):
            if face["name"].getDebugName(1) == family:
                return index
    return None


def _fontconfig(family: str, style: str) -> FontFace | None:
    """Where fontconfig has the face (a machine whose fonts are not where Debian puts them)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    answer = subprocess.run(
        [fc_match, "--format=%{file}\n%{index}\n%{family[0]}", f"{family}:style={style}"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = answer.stdout.splitlines()
    if answer.returncode != 0 or len(lines) < 3 or lines[2] != family:
        return None
    return FontFace(Path(lines[0]), int(lines[1] or 0))


# -- lines of text --------------------------------------------------------------------------------

_CJK_RANGES = "\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_UNITS = re.compile(rf"\s+|[{_CJK_RANGES}]|[^\s{_CJK_RANGES}]+")
NO_LINE_START = frozenset("，。、；：！？）」』】》〉〕,.;:!?)]}%")  # closing marks stay with what they close
NO_LINE_END = frozenset("（「『【《〈〔([{")  # opening marks stay with what they open


def _units(text: str) -> list[str]:
    """The pieces a line may break between: a space, one CJK character, or a Latin word or number,
    with closing marks joined to the piece before them and opening marks to the piece after."""
    units: list[str] = []
    for piece in _UNITS.findall(text):
        joins_previous = units and not units[-1].isspace() and not piece.isspace()
        if joins_previous and (piece[0] in NO_LINE_START or units[-1][-1] in NO_LINE_END):
            units[-1] += piece
        else:
            units.append(piece)
    return units


def wrap(text: str, width: float, measure: Any) -> list[str]:
    """`text` in lines no wider than `width` as `measure(str) -> float` measures them.

    Breaks at spaces and between CJK characters (not inside a Latin word or a number); a piece
    wider than a whole line is cut where it must be. Line breaks in `text` are kept.
    """
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line, space = "", ""
        for unit in _units(paragraph):
            if unit.isspace():
                space = " " if line else ""
                continue
            candidate = f"{line}{space}{unit}"
            if line and measure(candidate) > width:
                lines.append(line)
                candidate = unit
            line, space = candidate, ""
            while len(line) > 1 and measure(line) > width:  # a piece wider than a line: cut it
                cut = len(line) - 1
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        if line or not paragraph.strip():
            lines.append(line)
    return lines


# -- the document ---------------------------------------------------------------------------------


def _fpdf_class() -> type:
    from fpdf import FPDF

    class Brief(FPDF):
        """A page with a footer: the as-of text and "page n of N"."""

        footer_text = ""
        pages_total: int | None = None  # N, known once the brief has been laid out (see `pdf`)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("body", size=8)
            self.set_text_color(110, 110, 110)
            self.cell(0, 5, self.footer_text, align="L")
            if self.pages_total is not None:
                page = _("Page {page} of {pages}").format(page=self.page_no(), pages=self.pages_total)
                self.set_x(self.l_margin)
                self.cell(0, 5, page, align="R")

    return Brief


class Document:
    """A brief being laid out: fpdf2 with the language's embedded font, text that wraps, images."""

    LINE = 1.45  # line height as a multiple of the font size

    def __init__(
        self, language: str, paper: str, footer: str, characters: Iterable[str] = (), pages: int | None = None
    ) -> None:
        """`characters`: every character the document will hold (its font is cut down to them);
        `pages`: how many pages it has, for its footers ("Page 1 of 3"; none without it)."""
        if paper not in PAPERS:
            raise ValueError(f"unknown paper {paper!r}; expected one of {PAPERS}")
        self.pdf = _fpdf_class()(format=paper, unit="mm")
        self.pdf.footer_text = footer
        self.pdf.pages_total = pages
        characters = set(characters) | set(footer) | set(_("Page {page} of {pages}"))
        self.pdf.add_font("body", "", str(font_file(cjk_font(language), characters)))
        self.pdf.add_font("body", "B", str(font_file(cjk_font(language, bold=True), characters)))
        for font in self.pdf.fonts.values():
            # fpdf2 cuts the font down again to the glyphs drawn; the bounding box of the face cut
            # for the page still holds them, and drawing each CFF glyph to measure it again took
            # about 1 s per face
            font.ttfont.recalcBBoxes = False
        self.pdf.set_margins(18, 16, 18)
        self.pdf.set_auto_page_break(True, margin=18)
        self.pdf.set_lang(i18n.URL_CODES.get(language, "en"))
        # No alias for the page count: fpdf2 replaces an alias wherever it occurs, in people's text too
        # ("Fund {nb}" was printed "Fund 3"), and lays a line out at the alias's width, not the number's.
        self.pdf.alias_nb_pages(None)
        self.pdf.add_page()

    @property
    def width(self) -> float:
        return self.pdf.epw

    def space_left(self) -> float:
        return self.pdf.h - self.pdf.b_margin - self.pdf.get_y()

    def gap(self, mm: float) -> None:
        self.pdf.ln(mm)

    def keep(self, mm: float) -> None:
        """A heading keeps `mm` of what follows it on its page: a new page if less is left."""
        if self.space_left() < mm:
            self.pdf.add_page()

    def text(
        self, value: str, size: float = 10, bold: bool = False, colour: tuple[int, int, int] = (20, 20, 20)
    ) -> None:
        """A paragraph of plain text (never markup), wrapped to the text width."""
        self.pdf.set_font("body", "B" if bold else "", size)
        self.pdf.set_text_color(*colour)
        height = size * self.LINE * 0.3528  # points to mm
        for line in wrap(value, self.width, self.pdf.get_string_width):
            self.pdf.cell(0, height, line, new_x="LMARGIN", new_y="NEXT")

    def figures(self, items: Sequence[tuple[str, str]], columns: int = 3) -> None:
        """Headline figures as a grid of boxes: a big value over its label."""
        gutter = 4.0
        box_width = (self.width - gutter * (columns - 1)) / columns
        label_size, value_size = 8.5, 17
        for start in range(0, len(items), columns):
            row = items[start : start + columns]
            self.pdf.set_font("body", "", label_size)
            label_lines = [wrap(label, box_width - 6, self.pdf.get_string_width) for _value, label in row]
            label_height = max(len(lines) for lines in label_lines) * label_size * self.LINE * 0.3528
            box_height = 6 + value_size * 0.3528 * 1.3 + label_height + 3
            if self.space_left() < box_height:
                self.pdf.add_page()
            top = self.pdf.get_y()
            for column, ((value, _label), lines) in enumerate(zip(row, label_lines, strict=True)):
                left = self.pdf.l_margin + column * (box_width + gutter)
                self.pdf.set_draw_color(205, 210, 220)
                self.pdf.set_fill_color(246, 248, 251)
                self.pdf.rect(left, top, box_width, box_height, style="DF")
                self.pdf.set_xy(left + 3, top + 3)
                self.pdf.set_font("body", "B", value_size)
                self.pdf.set_text_color(20, 20, 20)
                self.pdf.cell(box_width - 6, value_size * 0.3528 * 1.3, value)
                self.pdf.set_font("body", "", label_size)
                self.pdf.set_text_color(70, 70, 70)
                y = top + 3 + value_size * 0.3528 * 1.3 + 1
                for line in lines:
                    self.pdf.set_xy(left + 3, y)
                    self.pdf.cell(box_width - 6, label_size * self.LINE * 0.3528, line)
                    y += label_size * self.LINE * 0.3528
            self.pdf.set_xy(self.pdf.l_margin, top + box_height + gutter)

    def table(self, header: Sequence[str], rows: Sequence[Sequence[str]], size: float = 9.5) -> None:
        """A table of text: its first column (names) on the left, wrapped; the others (numbers) right-aligned
        in columns of their own. A row is never split between pages."""
        line = size * self.LINE * 0.3528
        value_width = min(30.0, self.width * 0.6 / max(1, len(header) - 1))
        name_width = self.width - value_width * (len(header) - 1)

        def row(cells: Sequence[str], bold: bool) -> None:
            self.pdf.set_font("body", "B" if bold else "", size)
            name_lines = wrap(cells[0], name_width - 2, self.pdf.get_string_width)
            value_lines = [wrap(cell, value_width - 2, self.pdf.get_string_width) for cell in cells[1:]]
            height = line * max(len(lines) for lines in [name_lines, *value_lines])
            if self.space_left() < height:
                self.pdf.add_page()
            top = self.pdf.get_y()
            for column, lines in enumerate([name_lines, *value_lines]):
                left = self.pdf.l_margin + (0 if column == 0 else name_width + (column - 1) * value_width)
                width = name_width if column == 0 else value_width
                for number, text in enumerate(lines):
                    self.pdf.set_xy(left, top + number * line)
                    self.pdf.cell(width, line, text, align="L" if column == 0 else "R")
            self.pdf.set_xy(self.pdf.l_margin, top + height)
            self.pdf.set_draw_color(225, 228, 235)
            self.pdf.line(self.pdf.l_margin, top + height, self.pdf.l_margin + self.width, top + height)

        self.pdf.set_text_color(20, 20, 20)
        row(header, bold=True)
        for cells in rows:
            row(cells, bold=False)

    def image(self, png: bytes, title: str | None = None) -> None:
        """A chart's image at the text width (on a new page if it does not fit), with its title above."""
        from PIL import Image

        with Image.open(io.BytesIO(png)) as picture:
            aspect = picture.height / picture.width
        height = self.width * aspect
        title_height = 10 * self.LINE * 0.3528 * 2 if title else 0
        if self.space_left() < height + title_height:
            self.pdf.add_page()
        if title:
            self.text(title, size=10, bold=True)
        self.pdf.image(io.BytesIO(png), x=self.pdf.l_margin, w=self.width, h=height)
        self.pdf.ln(3)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


# -- the brief ------------------------------------------------------------------------------------


def _footer(page: Any) -> str:
    return f"{page.title} · {page.as_of}"


def page_texts(page: Any) -> list[str]:
    """Every text the brief of `page` holds (its font needs their characters)."""
    with i18n.using(page.language):
        texts = [
            page.title,
            page.scope_text,
            page.demo_note,
            page.as_of,
            page.year_heading,
            page.all_years,
            page.suppression_note,
            *page.notes,
            _("Milestones"),
            _("About these numbers"),
            _("Definitions"),
            _("Page {page} of {pages}"),
            _footer(page),
        ]
        for item in page.headlines:
            texts += [item.value, item.label, item.note]
        for chart in page.charts:
            texts += [chart.title, chart.message, chart.caption, chart.note]
            if chart.figure is None:  # its table is written out (an image holds a drawn chart's words)
                texts += [str(name) for name in chart.table.columns]
                texts += [str(cell) for cell in chart.table.to_numpy().ravel()]
        for milestone in page.milestones:
            texts += [milestone.date_text, milestone.title, milestone.kind]
        for definition in page.definitions:
            texts += [definition.term, definition.text]
    return [text for text in texts if text]


def pdf(page: Any, paper: str = "A4", images: dict[str, bytes] | None = None, prepared_for: str | None = None) -> bytes:
    """The brief of a PublicPage (impact.public_view) on A4 or US Letter paper, as PDF bytes.

    `images` (chart key -> PNG) are the page's charts already drawn (`publish` draws every
    language's charts with one browser); without them the charts are drawn here. `prepared_for`:
    a share link's recipient, named under the title as the page names them.
    """
    drawn = [chart for chart in page.charts if chart.figure is not None]
    if images is None:
        images = dict(zip((c.key for c in drawn), chart_images([c.figure for c in drawn]), strict=True))
    with i18n.using(page.language):
        prepared = _("Prepared for {recipient}").format(recipient=prepared_for) if prepared_for else None
        # Laid out twice: first to count the pages, then with "Page n of N" in every footer (the footers
        # sit in the bottom margin, so the count does not change the pages). The layout is the cheap part
        # of a brief; see Document's note on why there is no page-count alias.
        pages = _lay_out(page, paper, images, prepared, pages=None).pdf.pages_count
        return _lay_out(page, paper, images, prepared, pages=pages).output()


def _lay_out(page: Any, paper: str, images: dict[str, bytes], prepared: str | None, pages: int | None) -> Document:
    """The brief of `page` laid out (in the language in use: `pdf` chooses it)."""
    grey = (90, 90, 90)
    characters = "".join(page_texts(page)) + (prepared or "")
    document = Document(page.language, paper, footer=_footer(page), characters=characters, pages=pages)
    document.pdf.set_title(page.title)
    document.pdf.set_subject(page.as_of)
    document.pdf.set_creator("Coalition Impact")
    document.text(page.title, size=20, bold=True)
    if prepared:
        document.text(prepared, size=13, bold=True, colour=(60, 60, 60))
    for line in (page.scope_text, page.demo_note, page.as_of):
        if line:
            document.text(line, size=10, colour=grey)
    document.gap(3)
    document.text(page.year_heading, size=13, bold=True)
    document.gap(1)
    document.figures([(item.value, item.label) for item in page.headlines])
    for line in [item.note for item in page.headlines] + [page.all_years]:
        if line:
            document.text(line, size=9.5)
            document.gap(1)
    for chart in page.charts:
        document.gap(3)
        if chart.figure is None:  # as the page: the message, and the table when it has rows
            document.keep(20)
            document.text(chart.title, size=11, bold=True)
            document.text(chart.message or "", size=9.5, colour=grey)
            if not chart.table.empty:
                document.gap(1.5)
                document.table(
                    [str(name) for name in chart.table.columns],
                    [[str(cell) for cell in cells] for cells in chart.table.itertuples(index=False)],
                )
        else:
            document.image(images[chart.key])  # the image holds the chart's title
        for line in (chart.caption, chart.note):
            if line:
                document.text(line, size=9, colour=grey)
        if chart.key == "trend" and page.milestones:  # as the page: the trend's ◆, listed under it
            document.gap(2)
            document.keep(18)
            document.text(_("Milestones"), size=11, bold=True)
            for milestone in page.milestones:
                document.text(f"{milestone.date_text} · {milestone.title} ({milestone.kind})", size=9.5)
    document.gap(4)
    document.keep(30)
    document.text(_("About these numbers"), size=12, bold=True)
    document.gap(1)
    for paragraph in (page.suppression_note, *page.notes):
        document.text(paragraph, size=9.5)
        document.gap(1.5)
    document.gap(3)
    document.keep(30)
    document.text(_("Definitions"), size=12, bold=True)
    document.gap(1)
    for definition in page.definitions:
        document.text(definition.term, size=9.5, bold=True)
        document.text(definition.text, size=9.5)
        document.gap(1.5)
    return document

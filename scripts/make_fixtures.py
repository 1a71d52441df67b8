"""Make PDF, Word and HTML test fixtures from the five seed reports.

Users of the project feed it councils' original PDF and Word reports (and sometimes a
council web page), but the bundled seeds in `corpus/reports/` are plain-text exports.
This script turns each seed back into documents that look like the originals, so the
PDF, DOCX and HTML readers can be tested against the same text and figures as the text
reader:

* `<stem>.pdf`  for every seed: A4, ReportLab platypus, running header and
  "Page N of M" footer, bold headings, real bullet/numbered lists, and a mix of
  ruled (grid) and borderless tables, including a table split over a page break with
  its header row repeated, one split without the header repeated, a two-line
  (spanning) header, and multi-line cells. Chart data (Telford 2023-24) becomes a small
  data table where the chart was.
* `<stem>.docx` for every seed: python-docx with Heading / List Bullet / List Number
  styles, 'Table Grid' and borderless tables, bold/italic runs in cells, a merged
  header cell, page header/footer with PAGE/NUMPAGES fields, and - for Telford
  2023-24 - every chart as a native Word bar chart (word/charts/chartN.xml with the
  numbers only in the chart caches, not in the body text).
* `<stem>.html` for Calderdale 2021-22 and Thurrock 2023-24: a council web page with a
  nav bar, cookie banner, analytics script and footer of site links around the report in
  `<main><article>`.

The structure comes from the project's own text reader (`extract.readers.text.read`),
so every heading, paragraph, list item, table cell and chart value of the seed is
reproduced, in order. The only text the reader drops - bare paragraph numbers such as
"1.1" on a line of their own (Calderdale) - is put back as its own line.

Output is deterministic: PDFs are built with `invariant=1`, DOCX files get fixed core
properties and fixed zip timestamps, and nothing depends on the clock, so running the
script twice gives byte-identical files (on the same machine and library versions; the
PDF embeds Liberation Sans from the system when it is installed, else ReportLab's Vera).

Usage:  python scripts/make_fixtures.py [--out DIR]
        (default DIR: tests/fixtures/documents)
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.readers.common import looks_numeric  # noqa: E402
from extract.readers.text import read as read_text  # noqa: E402
from schemas import Cell, Chart, Heading, ListItem, Paragraph, Table  # noqa: E402

REPORTS = ROOT / "corpus" / "reports"
DEFAULT_OUT = ROOT / "tests" / "fixtures" / "documents"
SECTION_NUMBER_RE = re.compile(r"^\s*\d+(?:\.\d+)+\.?\s*$")
AUTHOR = "Complaints Team"
FIXED_DATE = dt.datetime(2024, 1, 1, 9, 0, 0)
ZIP_DATE = (2024, 1, 1, 9, 0, 0)


# -- what each report looks like ---------------------------------------------------------------


@dataclass
class TableLook:
    """How one table of a report is drawn."""

    ruled: bool = True  # grid lines (True) or no lines at all (False)
    header_rows: int | None = None  # None: 1 when the table has 2+ rows, else 0
    split: str | None = None  # 'repeat' / 'norepeat': force a page break inside the table
    spans: list[tuple[int, int, int]] = field(default_factory=list)  # (row, first col, last col) merged
    label_shading: bool = False  # form-like table: shade the first column


@dataclass
class ReportLook:
    stem: str
    council: str
    year: str
    colour: str
    tables: dict[int, TableLook]
    cover_blocks: int = 0  # leading heading blocks set as a title page
    justify: bool = False
    docx_styles: tuple[str, str] = ("Table Grid", "")  # (ruled, borderless) Word table styles
    html: bool = False
    site: str = ""


R, B = True, False
LOOKS = [
    ReportLook(
        "000_5fd9625b055b83b5", "Thurrock Council", "2017/18", "#1d4f91",
        {
            0: TableLook(R), 1: TableLook(R, split="repeat"), 2: TableLook(B), 3: TableLook(B), 4: TableLook(B),
            5: TableLook(R), 6: TableLook(R), 7: TableLook(B), 8: TableLook(B), 9: TableLook(R),
        },
        cover_blocks=7,
    ),
    ReportLook(
        "001_8a475261652e58a2", "Calderdale Council", "2021/22", "#00664f",
        {0: TableLook(R, header_rows=0, label_shading=True), 1: TableLook(B, header_rows=0)},
        docx_styles=("Table Grid", ""), html=True, site="www.calderdale.gov.uk",
    ),
    ReportLook(
        "002_b2d53a85b4a9d071", "Cheshire West and Chester Council", "2016/17", "#006c67",
        {
            0: TableLook(R), 1: TableLook(B), 2: TableLook(B),
            3: TableLook(R, header_rows=2, spans=[(0, 1, 4)]),
            4: TableLook(R, split="norepeat"), 5: TableLook(R), 6: TableLook(B, header_rows=0), 7: TableLook(B),
            8: TableLook(R), 9: TableLook(R), 10: TableLook(B), 11: TableLook(R),
        },
        cover_blocks=4, justify=True, docx_styles=("Light Grid Accent 1", ""),
    ),
    ReportLook(
        "003_ced6d74cb9ed2c53", "Telford & Wrekin Council", "2023/24", "#6b2c78",
        {0: TableLook(B), 1: TableLook(R), 2: TableLook(R)},
    ),
    ReportLook(
        "004_0f72ccf6eb1b7efb", "Thurrock Council", "2023/24", "#1d4f91",
        {
            0: TableLook(R), 1: TableLook(R), 2: TableLook(B), 3: TableLook(R),
            4: TableLook(R, header_rows=0), 5: TableLook(R, header_rows=0), 6: TableLook(B), 7: TableLook(B),
            8: TableLook(R), 9: TableLook(B),
        },
        html=True, site="www.thurrock.gov.uk",
    ),
]

TITLE = "Children's Social Care Complaints Annual Report"


def header_rows_of(look: TableLook, table: Table) -> int:
    if look.header_rows is not None:
        return look.header_rows
    return 1 if len(table.rows) >= 2 else 0


def padded_rows(table: Table) -> tuple[list[list[Cell]], int]:
    ncols = max(len(row) for row in table.rows)
    return [row + [Cell(text="")] * (ncols - len(row)) for row in table.rows], ncols


def spanned_away(look: TableLook) -> set[tuple[int, int]]:
    """Grid positions covered by a merged cell (and so left empty)."""
    return {(r, c) for r, first, last in look.spans for c in range(first + 1, last + 1)}


def chart_rows(chart: Chart) -> list[list[str]]:
    """A chart's numbers as rows: categories down the side, one column per series;
    values missing from an incomplete series are left empty at the end."""
    rows = [[""] + [s.name for s in chart.series]]
    for i, category in enumerate(chart.categories):
        rows.append([category] + [format_number(s.values[i]) if i < len(s.values) else "" for s in chart.series])
    return rows


def format_number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


@dataclass
class Source:
    look: ReportLook
    blocks: list
    section_numbers: dict[int, str]  # block index -> bare paragraph number printed above it


def load(look: ReportLook) -> Source:
    path = REPORTS / f"{look.stem}.txt"
    doc = read_text(path)
    lines = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n")
    numbers: dict[int, str] = {}
    for block in doc.blocks:
        if block.line is None:
            continue
        i = block.line - 2
        while i >= 0 and not lines[i].strip():
            i -= 1
        if i >= 0 and SECTION_NUMBER_RE.match(lines[i]):
            numbers[block.index] = lines[i].strip()
    return Source(look, list(doc.blocks), numbers)


def list_runs(blocks: list) -> list:
    """Blocks with consecutive list items gathered into lists: ('list', numbered, [items])."""
    out: list = []
    for block in blocks:
        if isinstance(block, ListItem):
            numbered = bool(re.fullmatch(r"\d+[.)]", block.marker))
            if out and isinstance(out[-1], tuple) and out[-1][1] == numbered:
                out[-1][2].append(block)
                continue
            out.append(("list", numbered, [block]))
        else:
            out.append(block)
    return out


# -- PDF ------------------------------------------------------------------------------------------

FONT_CANDIDATES = [
    ("/usr/share/fonts/truetype/liberation2", "LiberationSans-{}.ttf", ("Regular", "Bold", "Italic", "BoldItalic")),
    ("/usr/share/fonts/truetype/liberation", "LiberationSans-{}.ttf", ("Regular", "Bold", "Italic", "BoldItalic")),
]
SYMBOL_CANDIDATES = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]


def register_fonts() -> tuple[str, str]:
    """Register the body font family (an Arial look-alike when installed) and a font for
    symbols such as the tick; return their names."""
    from reportlab import rl_config
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    files = None
    for directory, pattern, styles in FONT_CANDIDATES:
        paths = [Path(directory) / pattern.format(s) for s in styles]
        if all(p.exists() for p in paths):
            files = paths
            break
    if files is None:
        base = Path(rl_config.__file__).parent / "fonts"
        files = [base / n for n in ("Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf")]
    names = ["Body", "Body-Bold", "Body-Italic", "Body-BoldItalic"]
    for name, path in zip(names, files):
        pdfmetrics.registerFont(TTFont(name, str(path)))
    for bold in (0, 1):
        for italic in (0, 1):
            addMapping("Body", bold, italic, names[bold + 2 * italic])
    symbol = "Body"
    for path in SYMBOL_CANDIDATES:
        if Path(path).exists():
            pdfmetrics.registerFont(TTFont("Symbols", path))
            symbol = "Symbols"
            break
    return "Body", symbol


def para_markup(text: str, symbol_font: str) -> str:
    """Escape text for a ReportLab Paragraph; characters the body font lacks use the symbol font."""
    escaped = xml_escape(text)
    return re.sub("([\u2713\u2714\u2610\u2612])", rf'<font name="{symbol_font}">\1</font>', escaped)


def make_pdf(source: Source, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas as rl_canvas
    from reportlab.platypus import (
        Flowable, KeepTogether, ListFlowable, PageBreak, SimpleDocTemplate, Spacer,
    )
    from reportlab.platypus import ListItem as RLListItem
    from reportlab.platypus import Paragraph as RLParagraph
    from reportlab.platypus import Table as RLTable
    from reportlab.platypus import TableStyle

    look = source.look
    font, symbol = register_fonts()
    brand = colors.HexColor(look.colour)
    tint = colors.Color(1 - (1 - brand.red) * 0.15, 1 - (1 - brand.green) * 0.15, 1 - (1 - brand.blue) * 0.15)
    running_title = f"{look.council} \u2014 {TITLE} {look.year}"

    body = ParagraphStyle(
        "body", fontName=font, fontSize=10, leading=13.2, spaceAfter=6,
        alignment=TA_JUSTIFY if look.justify else TA_LEFT,
    )
    heading_styles = {
        2: ParagraphStyle("h2", fontName=f"{font}-Bold", fontSize=14, leading=17, spaceBefore=10, spaceAfter=6,
                          textColor=brand, keepWithNext=1),
        3: ParagraphStyle("h3", fontName=f"{font}-Bold", fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4,
                          keepWithNext=1),
        4: ParagraphStyle("h4", fontName=f"{font}-BoldItalic", fontSize=10.5, leading=13, spaceBefore=6,
                          spaceAfter=3, keepWithNext=1),
    }
    number_style = ParagraphStyle("paranum", parent=body, fontName=f"{font}-Bold", spaceAfter=2, keepWithNext=1)
    item_style = ParagraphStyle("item", parent=body, spaceAfter=3)
    cover_styles = [
        ParagraphStyle("cover1", fontName=f"{font}-Bold", fontSize=20, leading=26, alignment=TA_CENTER,
                       textColor=brand, spaceAfter=18),
        ParagraphStyle("cover2", fontName=font, fontSize=13, leading=17, alignment=TA_CENTER, spaceAfter=10),
    ]
    cell_size, cell_leading, pad = 8.5, 10.5, 4

    def cell_style(bold: bool, italic: bool, align: int, colour=colors.black) -> ParagraphStyle:
        name = font + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")
        return ParagraphStyle(f"cell{bold}{italic}{align}", fontName=name, fontSize=cell_size, leading=cell_leading,
                              alignment=align, textColor=colour)

    frame_width = A4[0] - 4 * cm

    def widths(rows: list[list[Cell]], ncols: int, spans: list[tuple[int, int, int]]) -> list[float]:
        # merged cells do not set column widths: their text can use the whole span
        merged = {(r, c) for r, first, last in spans for c in range(first, last + 1)}
        natural, minimum = [], []
        for c in range(ncols):
            texts = [(rows[r][c], f"{font}-Bold" if rows[r][c].bold else font) for r in range(len(rows))
                     if (r, c) not in merged]
            longest = max((stringWidth(cell.text, f, cell_size) for cell, f in texts), default=0)
            word = max((stringWidth(w, f, cell_size) for cell, f in texts for w in cell.text.split()), default=0)
            natural.append(max(longest + 2 * pad + 2, 28))
            minimum.append(max(word + 2 * pad + 2, 28))
        if sum(natural) <= frame_width:
            return natural
        spare = frame_width - sum(minimum)
        stretch = [n - m for n, m in zip(natural, minimum)]
        total_stretch = sum(stretch) or 1
        return [m + spare * s / total_stretch for m, s in zip(minimum, stretch)]

    class RoomAtFoot(Flowable):
        """Make sure the table after it breaks across a page: when the table (with `then`,
        its caption headings) would fit on the page, push it down so that its last
        `tail` points spill onto the next page. The blank space left is kept as small as
        possible; when the table would break anyway nothing is pushed."""

        def __init__(self, table, then: list, tail: float, header: float) -> None:
            super().__init__()
            self.table, self.then, self.tail, self.header = table, then, tail, header

        def wrap(self, avail_width, avail_height):
            captions = sum(f.wrap(avail_width, avail_height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                           for f in self.then)
            total = captions + self.table.getSpaceBefore() + self.table.wrap(avail_width, avail_height)[1]
            if avail_height < captions + self.header + 2 * self.tail / 3:
                self.height = avail_height + 1  # would start on the next page: go there first
            elif avail_height < total:
                self.height = 0  # breaks by itself
            else:
                self.height = avail_height - total + self.tail
            return avail_width, self.height

        def split(self, avail_width, avail_height):
            return []

        def draw(self):
            pass

    story: list = []
    blocks = source.blocks
    table_no = 0

    if look.cover_blocks:
        story.append(Spacer(1, 5 * cm))
        for n, block in enumerate(blocks[: look.cover_blocks]):
            story.append(RLParagraph(para_markup(block.text, symbol), cover_styles[0 if n < 2 else 1]))
        story.append(PageBreak())
        blocks = blocks[look.cover_blocks:]

    def table_flowable(rows: list[list[Cell]], ncols: int, tlook: TableLook, header: int):
        skip = spanned_away(tlook)
        col_widths = widths(rows, ncols, tlook.spans)
        data = []
        for r, row in enumerate(rows):
            out_row = []
            for c, cell in enumerate(row):
                if (r, c) in skip:
                    out_row.append("")
                    continue
                numeric = c > 0 and (looks_numeric(cell.text) or cell.text in {"-", ""}) and r >= header
                align = TA_RIGHT if numeric and not tlook.ruled else TA_CENTER if numeric else TA_LEFT
                if r < header and c > 0 and not tlook.spans:
                    align = TA_CENTER if tlook.ruled else TA_RIGHT
                if any(r == sr and c == first for sr, first, _ in tlook.spans):
                    align = TA_CENTER
                colour = brand if (r < header and not tlook.ruled) else colors.black
                style = cell_style(cell.bold, cell.italic, align, colour)
                out_row.append(RLParagraph(para_markup(cell.text, symbol), style))
            data.append(out_row)
        commands = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]
        for r, first, last in tlook.spans:
            commands.append(("SPAN", (first, r), (last, r)))
        if tlook.ruled:
            commands.append(("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#555555")))
            if header:
                commands.append(("BACKGROUND", (0, 0), (-1, header - 1), tint))
            if tlook.label_shading:
                commands.append(("BACKGROUND", (0, 0), (0, -1), tint))
        repeat = header if tlook.split != "norepeat" else 0
        table = RLTable(data, colWidths=col_widths, repeatRows=repeat, hAlign="LEFT")
        table.setStyle(TableStyle(commands))
        table.spaceBefore, table.spaceAfter = 4, 10
        return table

    for item in list_runs(blocks):
        if isinstance(item, tuple):
            _, numbered, items = item
            flow = [RLListItem(RLParagraph(para_markup(b.text, symbol), item_style)) for b in items]
            if numbered:
                story.append(ListFlowable(flow, bulletType="1", start=int(re.match(r"\d+", items[0].marker).group()),
                                          bulletFormat="%s.", leftIndent=20, bulletFontName=font, bulletFontSize=10))
            else:
                story.append(ListFlowable(flow, bulletType="bullet", start="\u2022", leftIndent=16,
                                          bulletFontName=font, bulletFontSize=10))
            story.append(Spacer(1, 4))
            continue
        block = item
        if block.index in source.section_numbers:
            story.append(RLParagraph(source.section_numbers[block.index], number_style))
        if isinstance(block, Heading):
            story.append(RLParagraph(para_markup(block.text, symbol), heading_styles[min(max(block.level, 2), 4)]))
        elif isinstance(block, Paragraph):
            story.append(RLParagraph(para_markup(block.text, symbol), body))
        elif isinstance(block, Table):
            tlook = look.tables.get(table_no, TableLook())
            table_no += 1
            rows, ncols = padded_rows(block)
            header = header_rows_of(tlook, block)
            flowable = table_flowable(rows, ncols, tlook, header)
            if tlook.split:
                # keep the caption headings with the table, then leave room for ~4 rows only
                captions = []
                while story and isinstance(story[-1], RLParagraph) and story[-1].style.name in {"h2", "h3", "h4"}:
                    caption = story.pop()
                    # keepWithNext would bundle caption and table and move both to the next page
                    caption.style = ParagraphStyle(f"{caption.style.name}-split", parent=caption.style, keepWithNext=0)
                    captions.insert(0, caption)
                flowable.wrap(frame_width, A4[1])
                row_heights = flowable._rowHeights
                story.append(RoomAtFoot(flowable, captions, tail=sum(row_heights[-4:]) + 2,
                                        header=sum(row_heights[:header]) if header else 0))
                story.extend(captions)
            story.append(flowable)
        elif isinstance(block, Chart):
            previous = source.blocks[source.blocks.index(block) - 1]
            if not (isinstance(previous, Heading) and previous.text == block.title) and block.title:
                story.append(RLParagraph(para_markup(block.title, symbol), heading_styles[4]))
            rows = [[Cell(text=t) for t in row] for row in chart_rows(block)]
            story.append(KeepTogether([table_flowable(rows, len(rows[0]), TableLook(R), 1)]))

    def on_page(canv, doc):
        canv.saveState()
        width, height = A4
        canv.setFillColor(brand)
        canv.rect(2 * cm, height - 1.55 * cm, 0.18 * cm, 0.55 * cm, stroke=0, fill=1)
        canv.setFillColor(colors.HexColor("#333333"))
        canv.setFont(font, 8.5)
        canv.drawString(2.4 * cm, height - 1.3 * cm, running_title)
        canv.setStrokeColor(brand)
        canv.setLineWidth(0.6)
        canv.line(2 * cm, height - 1.75 * cm, width - 2 * cm, height - 1.75 * cm)
        canv.restoreState()

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws 'Page N of M' once the page count is known."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font, 8.5)
                self.setFillColor(colors.HexColor("#333333"))
                self.drawCentredString(A4[0] / 2, 1.2 * cm, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    doc = SimpleDocTemplate(
        str(path), pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2.3 * cm, bottomMargin=2 * cm,
        title=f"{TITLE} {look.year}", author=AUTHOR, subject=f"{look.council} children's social care complaints",
        creator="scripts/make_fixtures.py (ReportLab)", invariant=1,
    )
    doc.build(story, onFirstPage=on_page, onLaterPages=on_page, canvasmaker=NumberedCanvas)


# -- DOCX -----------------------------------------------------------------------------------------

CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"


def column_letter(n: int) -> str:
    return chr(ord("A") + n)


def chart_xml(chart: Chart, horizontal: bool) -> bytes:
    """A Word bar chart part holding the chart's numbers in its string/number caches."""
    e = xml_escape
    n = len(chart.categories)
    cat_pts = "".join(f'<c:pt idx="{i}"><c:v>{e(c)}</c:v></c:pt>' for i, c in enumerate(chart.categories))
    series_xml = []
    for s_no, series in enumerate(chart.series):
        col = column_letter(s_no + 1)
        val_pts = "".join(
            f'<c:pt idx="{i}"><c:v>{format_number(v)}</c:v></c:pt>'
            for i, v in enumerate(series.values)
            if v is not None
        )
        series_xml.append(
            f'<c:ser><c:idx val="{s_no}"/><c:order val="{s_no}"/>'
            f'<c:tx><c:strRef><c:f>Sheet1!${col}$1</c:f><c:strCache><c:ptCount val="1"/>'
            f'<c:pt idx="0"><c:v>{e(series.name)}</c:v></c:pt></c:strCache></c:strRef></c:tx>'
            f'<c:spPr><a:solidFill><a:schemeClr val="accent{s_no % 6 + 1}"/></a:solidFill></c:spPr>'
            f'<c:invertIfNegative val="0"/>'
            f'<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache><c:ptCount val="{n}"/>{cat_pts}'
            f'</c:strCache></c:strRef></c:cat>'
            f'<c:val><c:numRef><c:f>Sheet1!${col}$2:${col}${n + 1}</c:f>'
            f'<c:numCache><c:formatCode>General</c:formatCode>'
            f'<c:ptCount val="{n}"/>{val_pts}</c:numCache></c:numRef></c:val></c:ser>'
        )
    title = ""
    if chart.title:
        title = (
            f'<c:title><c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr>'
            f'<a:r><a:rPr lang="en-GB" sz="1200" b="1"/><a:t>{e(chart.title)}</a:t></a:r></a:p></c:rich></c:tx>'
            f'<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/>'
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{NS_C}" xmlns:a="{NS_A}" xmlns:r="{NS_R}">'
        '<c:date1904 val="0"/><c:lang val="en-GB"/><c:roundedCorners val="0"/>'
        f'<c:chart>{title}<c:plotArea><c:layout/>'
        f'<c:barChart><c:barDir val="{"bar" if horizontal else "col"}"/><c:grouping val="clustered"/>'
        f'<c:varyColors val="0"/>{"".join(series_xml)}'
        '<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>'
        '<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
        '<c:gapWidth val="80"/><c:axId val="50010001"/><c:axId val="50010002"/></c:barChart>'
        '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="'
        f'{"maxMin" if horizontal else "minMax"}"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{"l" if horizontal else "b"}"/><c:numFmt formatCode="General" sourceLinked="1"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="50010002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/>'
        '<c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
        '<c:valAx><c:axId val="50010002"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{"b" if horizontal else "l"}"/><c:majorGridlines/>'
        '<c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/>'
        '<c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="50010001"/>'
        '<c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea>'
        '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        '<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="900"><a:latin typeface="Arial"/></a:defRPr>'
        '</a:pPr><a:endParaRPr lang="en-GB"/></a:p>'
        '</c:txPr></c:chartSpace>'
    )
    return xml.encode("utf-8")


def add_native_chart(document, chart: Chart, number: int) -> None:
    """Add a chart part to the package and an inline drawing that shows it."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import parse_xml
    from docx.shared import Emu

    horizontal = max(len(c) for c in chart.categories) > 12
    part = Part(PackURI(f"/word/charts/chart{number}.xml"), CHART_CT, chart_xml(chart, horizontal),
                document.part.package)
    rid = document.part.relate_to(part, CHART_RT)
    height = Emu(int(914400 * (0.9 + 0.28 * len(chart.categories) * (len(chart.series) if horizontal else 0.5))))
    height = min(max(height, Emu(2286000)), Emu(4572000))
    width = Emu(5486400)
    name = xml_escape(chart.title or f"Chart {number}", {'"': "&quot;"})
    drawing = parse_xml(
        f'<w:drawing xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'xmlns:wp="{NS_WP}" xmlns:a="{NS_A}" xmlns:c="{NS_C}" xmlns:r="{NS_R}">'
        f'<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{width}" cy="{height}"/>'
        f'<wp:effectExtent l="0" t="0" r="0" b="0"/><wp:docPr id="{1000 + number}" name="Chart {number}" '
        f'descr="{name}"/><wp:cNvGraphicFramePr/>'
        f'<a:graphic><a:graphicData uri="{NS_C}"><c:chart r:id="{rid}"/></a:graphicData></a:graphic>'
        f'</wp:inline></w:drawing>'
    )
    paragraph = document.add_paragraph()
    paragraph.add_run()._r.append(drawing)


def set_cell_borders_none(table) -> None:
    """Switch every border of a table off (explicitly, as Word does for 'No Border')."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    tbl_pr = table._tbl.tblPr
    borders = parse_xml(
        '<w:tblBorders xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(f'<w:{side} w:val="nil"/>' for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders>"
    )
    # keep the schema order of w:tblPr: tblBorders comes before shd, tblLayout, tblCellMar and tblLook
    after = {qn(f"w:{name}") for name in ("shd", "tblLayout", "tblCellMar", "tblLook")}
    later = [child for child in tbl_pr if child.tag in after]
    if later:
        later[0].addprevious(borders)
    else:
        tbl_pr.append(borders)


def add_field(paragraph, instruction: str) -> None:
    """A simple field (PAGE, NUMPAGES) showing '1' until Word updates it."""
    from docx.oxml import parse_xml

    paragraph._p.append(parse_xml(
        f'<w:fldSimple xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
        f'w:instr=" {instruction} \\* MERGEFORMAT "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    ))


def restart_numbering(document, paragraph) -> None:
    """Give a numbered list its own w:num so it starts again at 1."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    style_num = document.styles["List Number"].element.pPr.numPr.numId.val
    abstract = None
    for num in numbering.findall(qn("w:num")):
        if num.get(qn("w:numId")) == str(style_num):
            abstract = num.find(qn("w:abstractNumId")).get(qn("w:val"))
    new_id = max(int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))) + 1
    numbering.append(parse_xml(
        f'<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" w:numId="{new_id}">'
        f'<w:abstractNumId w:val="{abstract}"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
        f'</w:lvlOverride></w:num>'
    ))
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = new_id
    return new_id


def docx_column_widths(rows: list[list[Cell]], ncols: int, spans: list[tuple[int, int, int]]) -> list:
    """Column widths from the text they hold (merged cells aside), fitted to the 170 mm text width."""
    from docx.shared import Mm

    merged = {(r, c) for r, first, last in spans for c in range(first, last + 1)}
    natural, minimum = [], []
    for c in range(ncols):
        texts = [rows[r][c].text for r in range(len(rows)) if (r, c) not in merged]
        natural.append(max(max((len(t) for t in texts), default=0) * 1.75 + 3.5, 12))
        minimum.append(max(max((len(w) for t in texts for w in t.split()), default=0) * 1.75 + 3.5, 12))
    if sum(minimum) >= 170:
        natural = [m * 170 / sum(minimum) for m in minimum]
    elif sum(natural) > 170:
        spare = 170 - sum(minimum)
        stretch = [n - m for n, m in zip(natural, minimum)]
        natural = [m + spare * s / (sum(stretch) or 1) for m, s in zip(minimum, stretch)]
    return [Mm(round(w, 1)) for w in natural]


def make_docx(source: Source, path: Path) -> None:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.shared import Mm, Pt, RGBColor

    look = source.look
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    colour = RGBColor.from_string(look.colour.lstrip("#").upper())
    for level in (1, 2, 3):
        style = document.styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.color.rgb = colour if level == 1 else RGBColor(0x26, 0x26, 0x26)

    header = section.header.paragraphs[0]
    header.text = f"{look.council} \u2014 {TITLE} {look.year}"
    header.runs[0].font.size = Pt(8)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Page ")
    add_field(footer, "PAGE")
    footer.add_run(" of ")
    add_field(footer, "NUMPAGES")

    props = document.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.title = f"{TITLE} {look.year}"
    props.subject = f"{look.council} children's social care complaints"
    props.keywords = "complaints; children's social care; annual report"
    props.created = FIXED_DATE
    props.modified = FIXED_DATE
    props.last_printed = FIXED_DATE
    props.revision = 1
    props.comments = "Test fixture made by scripts/make_fixtures.py from a public council report."

    ruled_style, borderless_style = look.docx_styles
    table_no = 0
    chart_no = 0
    numbered_lists = 0
    list_num = 0
    for item in list_runs(source.blocks):
        if isinstance(item, tuple):
            _, numbered, items = item
            for n, block in enumerate(items):
                paragraph = document.add_paragraph(block.text, style="List Number" if numbered else "List Bullet")
                if numbered and numbered_lists and n == 0:
                    list_num = restart_numbering(document, paragraph)
                elif numbered and numbered_lists:
                    p_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
                    p_pr.get_or_add_ilvl().val = 0
                    p_pr.get_or_add_numId().val = list_num
            numbered_lists += int(numbered)
            continue
        block = item
        if block.index in source.section_numbers:
            number = document.add_paragraph()
            number.add_run(source.section_numbers[block.index]).bold = True
            number.paragraph_format.keep_with_next = True
        if isinstance(block, Heading):
            level = min(max(block.level - 1, 1), 3)
            heading = document.add_heading(block.text, level=level)
            if look.cover_blocks and block.index < look.cover_blocks:  # title page
                heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
                if block.index == 0:
                    heading.paragraph_format.space_before = Pt(120)
                if block.index == look.cover_blocks - 1:
                    heading.paragraph_format.page_break_before = False
                    document.add_page_break()
        elif isinstance(block, Paragraph):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            tlook = look.tables.get(table_no, TableLook())
            table_no += 1
            rows, ncols = padded_rows(block)
            header = header_rows_of(tlook, block)
            table = document.add_table(rows=len(rows), cols=ncols)
            table.alignment = WD_TABLE_ALIGNMENT.LEFT
            if tlook.ruled:
                table.style = document.styles[ruled_style if not tlook.label_shading else "Table Grid"]
            elif borderless_style:
                table.style = document.styles[borderless_style]
            else:
                set_cell_borders_none(table)
            table.autofit = False
            for column, width in zip(table.columns, docx_column_widths(rows, ncols, tlook.spans)):
                column.width = width
                for cell in column.cells:
                    cell.width = width
            skip = spanned_away(tlook)
            for r, first, last in tlook.spans:
                table.cell(r, first).merge(table.cell(r, last))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    if (r, c) in skip:
                        continue
                    target = table.cell(r, c).paragraphs[0]
                    if cell.text:
                        run = target.add_run(cell.text)
                        run.bold = cell.bold or None
                        run.italic = cell.italic or None
                        run.font.size = Pt(9)
                    if c > 0 and looks_numeric(cell.text):
                        target.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    if tlook.label_shading and c == 0:
                        table.cell(r, c)._tc.get_or_add_tcPr().append(parse_xml(
                            '<w:shd xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                            'w:val="clear" w:color="auto" w:fill="E2EFDA"/>'))
            for r in range(header):
                tr_pr = table.rows[r]._tr.get_or_add_trPr()
                tr_pr.append(parse_xml(
                    '<w:tblHeader xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'))
            document.add_paragraph()
        elif isinstance(block, Chart):
            chart_no += 1
            previous = source.blocks[source.blocks.index(block) - 1]
            if block.title and not (isinstance(previous, Heading) and previous.text == block.title):
                document.add_paragraph(block.title, style="Caption")
            add_native_chart(document, block, chart_no)

    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue()))


def normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so the file is the same on every run."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# -- HTML -----------------------------------------------------------------------------------------

NAV = ["Home", "Council and democracy", "Children and families", "Adult social care", "Schools and education",
       "Council tax", "Contact us"]
FOOTER_LINKS = ["Accessibility statement", "Cookies", "Privacy notice", "Terms and conditions",
                "Freedom of information", "Sitemap", "Contact the council"]


def make_html(source: Source, path: Path) -> None:
    look = source.look
    e = html.escape
    council = look.council
    slug = re.sub(r"[^a-z0-9]+", "-", council.lower()).strip("-")
    out: list[str] = []
    w = out.append
    w("<!DOCTYPE html>")
    w('<html lang="en-GB">')
    w("<head>")
    w('<meta charset="utf-8">')
    w('<meta name="viewport" content="width=device-width, initial-scale=1">')
    w(f"<title>{e(TITLE)} {e(look.year)} | {e(council)}</title>")
    w(f'<meta name="description" content="{e(council)} annual report on complaints and compliments about '
      f"children's social care.\">")
    w(f'<link rel="canonical" href="https://{look.site}/council/complaints/childrens-social-care-annual-report">')
    w("<style>")
    w(f"""  :root {{ --brand: {look.colour}; }}
  body {{ font-family: Arial, Helvetica, sans-serif; margin: 0; color: #0b0c0c; line-height: 1.5; }}
  .site-header {{ background: var(--brand); color: #fff; padding: 0.5rem 1.5rem; display: flex;
                 justify-content: space-between; align-items: center; }}
  .site-header a {{ color: #fff; text-decoration: none; margin-right: 1rem; }}
  .site-header ul {{ list-style: none; display: flex; margin: 0; padding: 0; }}
  .cookie-banner {{ background: #f3f2f1; padding: 1rem 1.5rem; border-bottom: 1px solid #b1b4b6; }}
  .breadcrumb {{ padding: 0.5rem 1.5rem; font-size: 0.9rem; }}
  .breadcrumb ol {{ list-style: none; padding: 0; margin: 0; display: flex; gap: 0.5rem; }}
  main {{ max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }}
  table {{ border-collapse: collapse; margin: 1rem 0; width: 100%; }}
  th, td {{ border: 1px solid #b1b4b6; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }}
  th {{ background: #f3f2f1; }}
  td.num {{ text-align: right; }}
  p.para-number {{ font-weight: bold; margin-bottom: 0; }}
  .site-footer {{ background: #f3f2f1; border-top: 4px solid var(--brand); padding: 1.5rem; font-size: 0.9rem; }}
  .site-footer ul {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1rem; }}""")
    w("</style>")
    w("<script>")
    w("""  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', 'G-FIXTURE01', { 'anonymize_ip': true });
  document.addEventListener('DOMContentLoaded', function () {
    var banner = document.querySelector('.cookie-banner');
    if (banner && localStorage.getItem('cookies-accepted')) { banner.hidden = true; }
  });""")
    w("</script>")
    w('<script async src="https://www.googletagmanager.com/gtag/js?id=G-FIXTURE01"></script>')
    w("</head>")
    w("<body>")
    w('<a class="skip-link" href="#main-content">Skip to main content</a>')
    w('<header class="site-header">')
    w(f'  <a class="logo" href="https://{look.site}/">{e(council)}</a>')
    w('  <nav aria-label="Main menu"><ul>')
    for link in NAV:
        href = "/" if link == "Home" else "/" + re.sub(r"[^a-z]+", "-", link.lower()).strip("-")
        w(f'    <li><a href="{href}">{e(link)}</a></li>')
    w("  </ul></nav>")
    w('  <form class="search" action="/search" role="search"><label for="q">Search this site</label>'
      '<input id="q" name="q" type="search"><button type="submit">Search</button></form>')
    w("</header>")
    w('<div class="cookie-banner" role="region" aria-label="Cookies on this site">')
    w("  <p>We use some essential cookies to make this website work. We would also like to set analytics "
      "cookies to understand how you use the site.</p>")
    w('  <button type="button">Accept analytics cookies</button> <button type="button">Reject analytics cookies'
      "</button>")
    w("</div>")
    w('<nav class="breadcrumb" aria-label="Breadcrumb"><ol>')
    for crumb in ("Home", "Council and democracy", "Complaints and compliments"):
        w(f'  <li><a href="#">{e(crumb)}</a></li>')
    w("</ol></nav>")
    w('<main id="main-content">')
    w(f'<article class="report" id="{slug}-complaints-report">')

    first_heading = True
    table_no = 0
    for item in list_runs(source.blocks):
        if isinstance(item, tuple):
            _, numbered, items = item
            tag = "ol" if numbered else "ul"
            w(f"<{tag}>")
            for block in items:
                w(f"  <li>{e(block.text)}</li>")
            w(f"</{tag}>")
            continue
        block = item
        if block.index in source.section_numbers:
            w(f'<p class="para-number">{e(source.section_numbers[block.index])}</p>')
        if isinstance(block, Heading):
            level = 1 if first_heading else min(max(block.level, 2), 4)
            first_heading = False
            w(f"<h{level}>{e(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            w(f"<p>{e(block.text)}</p>")
        elif isinstance(block, Table):
            tlook = look.tables.get(table_no, TableLook())
            table_no += 1
            rows, ncols = padded_rows(block)
            header = header_rows_of(tlook, block)
            w('<table class="data-table">' if header else '<table class="form-table">')

            def cell_html(cell: Cell, tag: str, c: int) -> str:
                text = e(cell.text)
                if cell.italic:
                    text = f"<em>{text}</em>"
                if cell.bold and tag == "td":
                    text = f"<strong>{text}</strong>"
                cls = ' class="num"' if tag == "td" and c > 0 and looks_numeric(cell.text) else ""
                scope = ' scope="col"' if tag == "th" else ""
                return f"<{tag}{cls}{scope}>{text}</{tag}>"

            if header:
                w("<thead>")
                for row in rows[:header]:
                    w("<tr>" + "".join(cell_html(cell, "th", c) for c, cell in enumerate(row)) + "</tr>")
                w("</thead>")
            w("<tbody>")
            for row in rows[header:]:
                w("<tr>" + "".join(cell_html(cell, "td", c) for c, cell in enumerate(row)) + "</tr>")
            w("</tbody>")
            w("</table>")
        elif isinstance(block, Chart):
            raise ValueError("charts are not expected in the HTML fixtures")
    w("</article>")
    w("</main>")
    w('<footer class="site-footer">')
    w('  <nav aria-label="Footer"><ul>')
    for link in FOOTER_LINKS:
        href = "/" + re.sub(r"[^a-z]+", "-", link.lower()).strip("-")
        w(f'    <li><a href="{href}">{e(link)}</a></li>')
    w("  </ul></nav>")
    w(f"  <p>&copy; {e(council)}. All content is available under the Open Government Licence v3.0, "
      "except where otherwise stated.</p>")
    w('  <p><a href="#">Follow us on social media</a> | <a href="#">Sign up for email updates</a></p>')
    w("</footer>")
    w("</body>")
    w("</html>")
    path.write_text("\n".join(out) + "\n", encoding="utf-8", newline="\n")


# -- main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for look in LOOKS:
        source = load(look)
        targets = [(args.out / f"{look.stem}.pdf", make_pdf), (args.out / f"{look.stem}.docx", make_docx)]
        if look.html:
            targets.append((args.out / f"{look.stem}.html", make_html))
        for path, maker in targets:
            maker(source, path)
            try:
                shown = path.relative_to(ROOT)
            except ValueError:
                shown = path
            print(f"wrote {shown} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

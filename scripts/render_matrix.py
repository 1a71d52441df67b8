"""The rendering matrix: every gold document rendered by independent producers.

Each gold document is a text file (the seeds, `tests/generality`, `tests/heldout` and the real
council pages in `../shared/real`). `text_structure.py` turns its text into structure
(headings, paragraphs, lists, tables with captions), without the project's readers; this
script then renders that structure the ways councils' files are really made:

| producer | what it is |
|---|---|
| `word` | DOCX by python-docx with Word styles: Heading 1-4, Caption paragraphs above tables, List Bullet and List Number, 'Table Grid' tables with repeating header rows and merged header cells, a running header and a page-number footer |
| `word-lo` | that DOCX exported to PDF by LibreOffice (`soffice --headless --convert-to pdf`) |
| `web` | an HTML page: `<table>` with `<caption>`, `<thead>`, `colspan`/`rowspan`, site chrome around `<main>` |
| `web-chromium` | that page printed to PDF by headless Chromium (`--print-to-pdf`) |
| `pandoc-docx`, `pandoc-html` | markdown (pipe tables, `Table:` captions) converted by pandoc |
| `word-lo-text`, `word-lo-layout`, `web-chromium-text`, `web-chromium-layout` | those PDFs exported by `pdftotext`, without and with `-layout` |

and stress variants, each one change from `word-lo` or `web-chromium`:

| variant | what changes |
|---|---|
| `word-borderless-lo` | tables with no rules at all |
| `word-caption-below` (DOCX) and `word-caption-below-lo` | captions below their tables |
| `word-two-column-lo` | the text in two columns on the page |
| `word-split-repeat-lo`, `word-split-norepeat-lo` | the longest table pushed to the foot of a page so it runs onto the next, its header row repeated or not |
| `word-landscape-lo`, `web-landscape-chromium` | landscape pages |
| `web-caption-below` | HTML captions under their tables (`caption-side: bottom`) |

Every gold document gets every producer and variant.

Rendered files are cached under `.cache/renderings/<producer>/<stem>.<ext>`, keyed by a hash
of the source text, this script, `text_structure.py` and the tools' versions: a second run
re-renders only what changed. Usage:

    python scripts/render_matrix.py              # build (or refresh) the matrix
    python scripts/render_matrix.py --score      # and score every rendering against its gold
    python scripts/render_matrix.py --list       # the documents and producers
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from text_structure import Block, Cell, Structure, parse  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CACHE = ROOT / ".cache" / "renderings"
SCRIPTS = [Path(__file__).resolve(), Path(__file__).resolve().parent / "text_structure.py"]


# -- the gold documents -------------------------------------------------------------------------

@dataclass(frozen=True)
class GoldDocument:
    set: str  # seeds, generality, heldout, real
    stem: str
    text: Path
    gold: Path
    council: str | None = None  # given as a manifest would (the real pages do not name themselves)
    period: str | None = None


def gold_documents() -> list[GoldDocument]:
    """Every text document with gold facts, in a fixed order."""
    found = [GoldDocument("seeds", p.stem, p, ROOT / "tests" / "gold" / f"{p.stem}.json")
             for p in sorted((ROOT / "corpus" / "reports").glob("*.txt"))
             if (ROOT / "tests" / "gold" / f"{p.stem}.json").exists()]
    for folder in ("generality", "heldout"):
        found += [GoldDocument(folder, p.stem, p, p.with_suffix(".json"))
                  for p in sorted((ROOT / "tests" / folder).glob("*.txt")) if p.with_suffix(".json").exists()]
    real = SHARED / "real"
    for path in sorted((real / "docs").glob("*.txt")):
        gold = real / "gold" / f"{path.stem}.json"
        if gold.exists():
            data = json.loads(gold.read_text(encoding="utf-8"))
            found.append(GoldDocument("real", path.stem, path, gold, data["authority_code"], data["period"]))
    return found


# -- producers -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Look:
    """How a document is laid out: one producer's choices."""

    borderless: bool = False
    caption_below: bool = False
    two_column: bool = False
    split: str | None = None  # 'repeat' / 'norepeat': the longest table runs over a page break
    landscape: bool = False


@dataclass(frozen=True)
class Producer:
    name: str
    suffix: str
    kind: str  # word, web, pandoc-docx, pandoc-html, lo (PDF of a word file), chromium, text, layout
    source: str | None = None  # the producer whose output this one converts
    look: Look = Look()
    variant: bool = False  # a stress variant of a base producer

    @property
    def family(self) -> str:
        return self.name.split("-")[0]


BASE = [
    Producer("word", ".docx", "word"),
    Producer("word-lo", ".pdf", "lo", "word"),
    Producer("web", ".html", "web"),
    Producer("web-chromium", ".pdf", "chromium", "web"),
    Producer("pandoc-docx", ".docx", "pandoc-docx"),
    Producer("pandoc-html", ".html", "pandoc-html"),
    Producer("word-lo-text", ".txt", "text", "word-lo"),
    Producer("word-lo-layout", ".txt", "layout", "word-lo"),
    Producer("web-chromium-text", ".txt", "text", "web-chromium"),
    Producer("web-chromium-layout", ".txt", "layout", "web-chromium"),
]
VARIANT_LOOKS = {
    "word-borderless": Look(borderless=True),
    "word-caption-below": Look(caption_below=True),
    "word-two-column": Look(two_column=True),
    "word-split-repeat": Look(split="repeat"),
    "word-split-norepeat": Look(split="norepeat"),
    "word-landscape": Look(landscape=True),
    "web-landscape": Look(landscape=True),
    "web-caption-below": Look(caption_below=True),
}
VARIANTS: list[Producer] = []
for _name, _look in VARIANT_LOOKS.items():
    if _name.startswith("word"):
        VARIANTS.append(Producer(_name, ".docx", "word", look=_look, variant=True))
        VARIANTS.append(Producer(f"{_name}-lo", ".pdf", "lo", _name, _look, variant=True))
    else:
        VARIANTS.append(Producer(_name, ".html", "web", look=_look, variant=True))
        VARIANTS.append(Producer(f"{_name}-chromium", ".pdf", "chromium", _name, _look, variant=True))
PRODUCERS = {p.name: p for p in BASE + VARIANTS}
#: variants whose own file (not only its PDF) is a rendering worth scoring
SCORED_VARIANT_SOURCES = {"word-caption-below", "web-caption-below"}


def scored_producers() -> list[Producer]:
    """The producers whose outputs are scored: every base one, the PDFs of the variants and
    the variant files that differ for their own reader (captions below)."""
    return BASE + [p for p in VARIANTS if p.kind in ("lo", "chromium") or p.name in SCORED_VARIANT_SOURCES]


# -- DOCX ------------------------------------------------------------------------------------------

A4 = (595.3, 841.9)  # points
MARGIN = 72.0
BODY_FONT = "Arial"  # LibreOffice prints it with Liberation Sans, as councils' PDFs from Word do


def to_docx(structure: Structure, path: Path, look: Look) -> None:
    """A Word document as a council officer would make it, with Word's own styles."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    document.core_properties.title = structure.title[:200]
    document.core_properties.author = "Complaints Team"
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    section = document.sections[0]
    width, height = (A4[1], A4[0]) if look.landscape else A4
    if look.landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Pt(width), Pt(height)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Pt(MARGIN))
    page_width = text_width = width - 2 * MARGIN
    if look.two_column:
        _set_columns(section, 2)
        text_width = (text_width - 21) / 2
    if structure.running:
        section.header.paragraphs[0].text = structure.running[0]
    _page_number_footer(section.footer.paragraphs[0])
    split_at = _table_to_split(structure) if look.split else None
    numbering = _ListNumbering(document)
    previous_kind = None
    for n, block in enumerate(structure.blocks):
        if block.kind == "heading":
            document.add_heading(block.text, level=max(1, min(block.level, 4)))
        elif block.kind == "paragraph":
            style = "Caption" if block.caption else None
            _runs(document.add_paragraph(style=style), block.text)
        elif block.kind == "item":
            if block.ordered:
                paragraph = document.add_paragraph(style="List Number")
                if previous_kind != "ordered":
                    numbering.restart(paragraph)
                else:
                    numbering.keep(paragraph)
            else:
                paragraph = document.add_paragraph(style="List Bullet")
            _runs(paragraph, block.text)
        elif block.kind == "break":
            document.add_page_break()
        elif block.kind == "contents":
            _docx_contents(document, block, text_width)
        elif block.kind == "table":
            if n == split_at:
                _push_to_page_foot(document, block, height)
            wide = look.two_column and len(block.rows[0]) >= WIDE_TABLE_COLUMNS
            if wide:  # a wide table across both columns, in a section of its own
                _set_columns(document.add_section(WD_SECTION.CONTINUOUS), 1)
            if block.caption and not look.caption_below:
                document.add_paragraph(block.caption, style="Caption").paragraph_format.keep_with_next = True
            _docx_table(document, block, look, page_width if wide else text_width)
            if block.caption and look.caption_below:
                document.add_paragraph(block.caption, style="Caption")
            else:
                document.add_paragraph()  # Word always keeps a paragraph after a table
            if wide:
                _set_columns(document.add_section(WD_SECTION.CONTINUOUS), 2)
        previous_kind = "ordered" if block.kind == "item" and block.ordered else block.kind
    _fixed_package(document)
    document.save(str(path))


WIDE_TABLE_COLUMNS = 4  # on a two-column page, a table this wide spans both columns


def _set_columns(section, count: int) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for old in section._sectPr.findall(qn("w:cols")):
        section._sectPr.remove(old)
    cols = OxmlElement("w:cols")
    cols.set(qn("w:num"), str(count))
    cols.set(qn("w:space"), "425")
    section._sectPr.append(cols)


def _runs(paragraph, text: str) -> None:
    """Text with its tabs as Word tabs ('Report title:<TAB>Annual report')."""
    for k, part in enumerate(text.split("\t")):
        if k:
            paragraph.add_run().add_tab()
        if part:
            paragraph.add_run(part)


def _docx_contents(document, block: Block, text_width: float) -> None:
    """A table of contents as Word makes one: 'TOC 1' paragraphs, the page number at a right
    tab stop with leader dots."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Pt

    document.add_paragraph(block.text, style="TOC Heading")
    if "TOC 1" not in [s.name for s in document.styles]:
        document.styles.add_style("TOC 1", WD_STYLE_TYPE.PARAGRAPH).base_style = document.styles["Normal"]
    for title, page in block.rows:
        paragraph = document.add_paragraph(style="TOC 1")
        paragraph.paragraph_format.tab_stops.add_tab_stop(Pt(text_width - 2), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        _runs(paragraph, f"{title.text}\t{page.text}" if page.text else title.text)


def _page_number_footer(paragraph) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph.add_run("Page ")
    field_ = OxmlElement("w:fldSimple")
    field_.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_.append(run)
    paragraph._p.append(field_)


class _ListNumbering:
    """Each numbered list starts again at 1, as Word does for a new list."""

    def __init__(self, document) -> None:
        self.document = document
        self.num_id: int | None = None

    def _base_num(self, paragraph) -> int:
        style = paragraph.style
        while style is not None:
            ppr = style.element.pPr
            if ppr is not None and ppr.numPr is not None and ppr.numPr.numId is not None:
                return int(ppr.numPr.numId.val)
            style = style.base_style
        return 1

    def restart(self, paragraph) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        numbering = self.document.part.numbering_part.element
        base = numbering.num_having_numId(self._base_num(paragraph))
        abstract = base.abstractNumId.val
        num = numbering.add_num(abstract)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        self.num_id = num.numId
        self.keep(paragraph)

    def keep(self, paragraph) -> None:
        if self.num_id is None:
            return
        ppr = paragraph._p.get_or_add_pPr()
        ppr.get_or_add_numPr().get_or_add_numId().val = self.num_id
        ppr.get_or_add_numPr().get_or_add_ilvl().val = 0


CHAR_WIDTH = 0.6  # of a character of Arial, in font sizes, on average (bold and capitals are wider)
CELL_PADDING = 12.0
CELL_FONT = 9.0
SMALLEST_CELL_FONT = 7.0


def _column_widths(block: Block, text_width: float) -> tuple[list[float], float]:
    """Widths as Word's autofit makes them, and the font size of the cells: every column at
    least as wide as its longest word (a table too wide for that gets a smaller font, as
    authors do, before any word is broken), the rest shared by the length of each column's text."""
    width = len(block.rows[0])
    words, texts = [], []
    for j in range(width):
        cells = [row[j].text for row in block.rows if row[j].colspan == 1]
        words.append(max((len(w) for t in cells for w in t.split()), default=2))
        texts.append(max((len(t) for t in cells), default=2))

    def points(chars: int, size: float) -> float:
        return chars * CHAR_WIDTH * size + CELL_PADDING

    size = CELL_FONT
    while size > SMALLEST_CELL_FONT and sum(points(n, size) for n in words) > text_width:
        size -= 0.5
    floor = [points(n, size) for n in words]
    longest = [points(n, size) for n in texts]
    if sum(longest) <= text_width:
        spare = text_width - sum(longest)
        return [w + spare / width for w in longest], size
    spare = max(0.0, text_width - sum(floor))
    stretch = [max(0.0, t - f) for t, f in zip(longest, floor)]
    total = sum(stretch) or 1.0
    widths = [f + spare * s / total for f, s in zip(floor, stretch)]
    scale = min(1.0, text_width / sum(widths))  # still too wide at the smallest font: words break
    return [w * scale for w in widths], size


def _docx_table(document, block: Block, look: Look, text_width: float) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    rows, width = block.rows, len(block.rows[0])
    table = document.add_table(rows=len(rows), cols=width)
    table.style = None if look.borderless else document.styles["Table Grid"]
    table.autofit = False
    widths, size = _column_widths(block, text_width)
    for grid_column, column_width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths):
        grid_column.set(qn("w:w"), str(int(column_width * 20)))  # twentieths of a point
    for j, column_width in enumerate(widths):
        for cell in table.columns[j].cells:
            cell.width = Pt(column_width)
    for r, row in enumerate(rows):
        header = r < block.header_rows
        if header and look.split != "norepeat":
            tr_pr = table.rows[r]._tr.get_or_add_trPr()
            repeat = OxmlElement("w:tblHeader")
            tr_pr.append(repeat)
        j = 0
        while j < width:
            cell = row[j]
            target = table.cell(r, j)
            if cell.colspan > 1:
                target = target.merge(table.cell(r, j + cell.colspan - 1))
            paragraph = target.paragraphs[0]
            if cell.text:
                run = paragraph.add_run(cell.text)
                run.bold = cell.bold or header or None
                run.italic = cell.italic or None
                run.font.size = Pt(size)
            j += cell.colspan
    table_pr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table_pr.append(layout)


def _table_to_split(structure: Structure) -> int | None:
    """The index of the table to push over a page break: the longest with 6 rows or more."""
    tables = [(len(b.rows), n) for n, b in enumerate(structure.blocks) if b.kind == "table" and len(b.rows) >= 6]
    return max(tables)[1] if tables else None


def _push_to_page_foot(document, block: Block, page_height: float) -> None:
    """Start a new page and leave room for the caption, header and about three rows, so the
    table runs onto the next page."""
    from docx.shared import Pt

    document.add_page_break()
    room = 16.0 * (block.header_rows + 3) + (18.0 if block.caption else 0.0)
    spacer = document.add_paragraph()
    spacer.paragraph_format.space_before = Pt(max(0.0, page_height - 2 * MARGIN - room - 60))


def _fixed_package(document) -> None:
    """Fixed dates, so the same input gives the same bytes."""
    import datetime as dt

    properties = document.core_properties
    properties.created = properties.modified = dt.datetime(2024, 1, 1, 9, 0, 0)
    properties.last_printed = dt.datetime(2024, 1, 1, 9, 0, 0)
    properties.revision = 1


# -- HTML ------------------------------------------------------------------------------------------

WEB_STYLE = """
body { font-family: Arial, 'Liberation Sans', sans-serif; font-size: 11pt; margin: 0 auto; max-width: 48em; }
header, footer, nav { color: #555; font-size: 9pt; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { padding: 2pt 6pt; vertical-align: top; text-align: left; font-size: 9.5pt; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
"""
RULED_STYLE = "th, td { border: 1px solid #444; }"
LANDSCAPE_STYLE = "@page { size: A4 landscape; margin: 2cm; }"
PORTRAIT_STYLE = "@page { size: A4; margin: 2cm; }"


def to_html(structure: Structure, path: Path, look: Look, site: str = "www.council.example") -> None:
    """A council web page: the report in <main>, the site's chrome around it."""
    title = html.escape(structure.title[:200])
    styles = [WEB_STYLE, "" if look.borderless else RULED_STYLE, LANDSCAPE_STYLE if look.landscape else PORTRAIT_STYLE]
    if look.caption_below:
        styles.append("caption { caption-side: bottom; }")
    body: list[str] = []
    open_list: str | None = None
    for block in structure.blocks:
        kind = ("ol" if block.ordered else "ul") if block.kind == "item" else None
        if open_list and kind != open_list:
            body.append(f"</{open_list}>")
            open_list = None
        if block.kind == "heading":
            level = max(1, min(block.level, 4))
            body.append(f"<h{level}>{_inline(block.text)}</h{level}>")
        elif block.kind == "paragraph":
            css = ' class="caption"' if block.caption else ""
            body.append(f"<p{css}>{_inline(block.text)}</p>")
        elif block.kind == "item":
            if open_list is None:
                open_list = kind
                body.append(f"<{kind}>")
            body.append(f"<li>{_inline(block.text)}</li>")
        elif block.kind == "break":
            body.append('<div style="break-after: page"></div>')
        elif block.kind == "contents":
            entries = "".join(f'<li><a href="#section-{k}">{_inline(r[0].text)}</a></li>' for k, r in enumerate(block.rows))
            body.append(f'<nav class="contents" aria-label="Contents"><h2>{_inline(block.text)}</h2><ul>{entries}</ul></nav>')
        elif block.kind == "table":
            body.append(_html_table(block))
    if open_list:
        body.append(f"</{open_list}>")
    running = html.escape(structure.running[0]) if structure.running else ""
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{''.join(styles)}</style>
</head>
<body>
<header><a href="https://{site}/">Home</a> &gt; Council and democracy &gt; Complaints<div>{running}</div></header>
<nav><ul><li><a href="/services">Services</a></li><li><a href="/contact">Contact us</a></li></ul></nav>
<main>
{chr(10).join(body)}
</main>
<footer><p>&copy; {html.escape(site)} | <a href="/privacy">Privacy</a> | <a href="/accessibility">Accessibility</a></p></footer>
</body>
</html>
"""
    path.write_text(page, encoding="utf-8")


def _inline(text: str) -> str:
    return html.escape(text).replace("\t", " &emsp; ")


def _html_table(block: Block) -> str:
    rows = block.rows
    out = ["<table>"]
    if block.caption:
        out.append(f"<caption>{_inline(block.caption)}</caption>")
    # the corner cell spans the header rows when the rows below it leave it empty
    corner_span = 1
    while corner_span < block.header_rows and not rows[corner_span][0].text and rows[0][0].text:
        corner_span += 1
    for r, row in enumerate(rows):
        if r == 0 and block.header_rows:
            out.append("<thead>")
        if r == block.header_rows:
            out.append("<tbody>")
        header = r < block.header_rows
        cells = []
        j = 0
        while j < len(row):
            cell = row[j]
            if j == 0 and 0 < r < corner_span:
                j += 1
                continue
            tag = "th" if header or (j == 0 and cell.bold) else "td"
            attrs = ""
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if j == 0 and r == 0 and corner_span > 1:
                attrs += f' rowspan="{corner_span}"'
            text = _inline(cell.text)
            if cell.bold and tag == "td":
                text = f"<strong>{text}</strong>"
            if cell.italic:
                text = f"<em>{text}</em>"
            cells.append(f"<{tag}{attrs}>{text}</{tag}>")
            j += cell.colspan
        out.append("<tr>" + "".join(cells) + "</tr>")
        if r == block.header_rows - 1:
            out.append("</thead>")
    if len(rows) > block.header_rows:
        out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


# -- markdown for pandoc ----------------------------------------------------------------------------

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def to_markdown(structure: Structure) -> str:
    """Pandoc markdown: ATX headings, lists, pipe tables with `Table:` captions."""
    out: list[str] = []
    previous = None
    for block in structure.blocks:
        if block.kind == "heading":
            out += ["#" * max(1, min(block.level, 4)) + " " + _md(block.text), ""]
        elif block.kind == "paragraph":
            out += [_md_paragraph(block.text), ""]
        elif block.kind == "item":
            if previous is not None and previous.kind == "item" and out and out[-1] == "":
                out.pop()  # keep the list tight
            marker = "1." if block.ordered else "-"
            out += [f"{marker} {_md(block.text)}", ""]
        elif block.kind == "break":
            out += ["\\newpage", ""]
        elif block.kind == "contents":
            out += [f"## {_md(block.text)}", ""] + [f"- {_md(r[0].text)}" for r in block.rows] + [""]
        elif block.kind == "table":
            out += _md_table(block) + [""]
        previous = block
    return "\n".join(out) + "\n"


def _md(text: str) -> str:
    return MD_SPECIAL.sub(r"\\\1", text.replace("\t", " "))


def _md_paragraph(text: str) -> str:
    text = _md(text)
    # a paragraph that would read as a list or a heading in markdown ('1. Introduction', '- 4')
    return re.sub(r"^(\d+)([.)])(\s)", r"\1\\\2\3", re.sub(r"^([-+])(\s)", r"\\\1\2", text))


def _md_table(block: Block) -> list[str]:
    def cell(c: Cell) -> str:
        text = _md(c.text)
        if c.text and c.bold:
            text = f"**{text}**"
        elif c.text and c.italic:
            text = f"*{text}*"
        return text or " "

    rows = block.rows
    header = rows[0] if block.header_rows else [Cell("") for _ in rows[0]]
    body = rows[1:] if block.header_rows else rows
    lines = ["| " + " | ".join(cell(c) for c in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in body]
    if block.caption:
        lines += ["", f"Table: {_md(block.caption)}"]
    return lines


# -- tools -------------------------------------------------------------------------------------------

TOOLS = {"soffice": "libreoffice-writer-nogui", "chromium": "chromium", "pandoc": "pandoc", "pdftotext": "poppler-utils"}


def tool_versions() -> dict[str, str]:
    versions = {}
    for tool, flag in (("soffice", "--version"), ("pandoc", "--version"), ("pdftotext", "-v"), ("chromium", "--version")):
        path = shutil.which(tool)
        if path is None:
            versions[tool] = "missing"
            continue
        result = subprocess.run([path, flag], capture_output=True, text=True, timeout=60)
        versions[tool] = (result.stdout + result.stderr).strip().splitlines()[0] if (result.stdout + result.stderr).strip() else "?"
    return versions


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def run_soffice(sources: list[Path], out_dir: Path) -> None:
    """Export Word files to PDF with LibreOffice, many files per start (it is slow to start)."""
    if not sources:
        return
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        for start in range(0, len(sources), 40):
            batch = sources[start:start + 40]
            subprocess.run(
                ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                 "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out_dir), *map(str, batch)],
                check=True, capture_output=True, timeout=900,
            )


def run_chromium(source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", f"--user-data-dir={profile}",
             "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw", "--virtual-time-budget=2000",
             f"--print-to-pdf={target}", source.resolve().as_uri()],
            check=True, capture_output=True, timeout=180,
        )
    if not target.exists() or target.stat().st_size == 0:
        raise RuntimeError(f"chromium printed nothing for {source}")


def run_pandoc(markdown: Path, target: Path, title: str) -> None:
    fmt = "docx" if target.suffix == ".docx" else "html"
    command = ["pandoc", "-f", "markdown-smart", "-t", fmt, "-o", str(target), str(markdown)]
    if fmt == "html":
        command[5:5] = ["-s", "--metadata", f"pagetitle={title}"]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def run_pdftotext(source: Path, target: Path, layout: bool) -> None:
    subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(source), str(target)],
                   check=True, capture_output=True, timeout=120)


# -- the matrix --------------------------------------------------------------------------------------

@dataclass
class Matrix:
    root: Path
    documents: list[GoldDocument]
    key: str  # of the scripts and the tools: a change re-renders everything
    files: dict[tuple[str, str], Path] = field(default_factory=dict)  # (producer, stem) -> file

    def path(self, producer: Producer, stem: str) -> Path:
        return self.root / producer.name / f"{stem}{producer.suffix}"

    def renderings(self, scored_only: bool = True):
        """(document, producer, path) of every rendering that exists, in a fixed order."""
        producers = scored_producers() if scored_only else list(PRODUCERS.values())
        for document in self.documents:
            for producer in producers:
                path = self.files.get((producer.name, document.stem))
                if path is not None:
                    yield document, producer, path


def matrix_key() -> str:
    digest = hashlib.sha256()
    for script in SCRIPTS:
        digest.update(script.read_bytes())
    digest.update(json.dumps(tool_versions(), sort_keys=True).encode())
    return digest.hexdigest()[:16]


def _document_key(key: str, document: GoldDocument) -> str:
    return hashlib.sha256(key.encode() + document.text.read_bytes()).hexdigest()[:16]


def build(root: Path = CACHE, documents: list[GoldDocument] | None = None, log=print) -> Matrix:
    """Render every document by every producer it gets, re-rendering only what changed."""
    missing = missing_tools()
    if missing:
        raise RuntimeError("the rendering matrix needs " + ", ".join(f"{t} ({TOOLS[t]})" for t in missing)
                           + ": run scripts/install-test-deps.sh")
    started = time.monotonic()
    documents = documents if documents is not None else gold_documents()
    key = matrix_key()
    matrix = Matrix(root, documents, key)
    root.mkdir(parents=True, exist_ok=True)
    stamp_file = root / "keys.json"
    stamps = json.loads(stamp_file.read_text()) if stamp_file.exists() else {}
    todo: dict[str, list[Producer]] = {}
    for document in documents:
        doc_key = _document_key(key, document)
        for producer in PRODUCERS.values():
            path = matrix.path(producer, document.stem)
            matrix.files[(producer.name, document.stem)] = path
            if stamps.get(f"{producer.name}/{document.stem}") != doc_key or not path.exists():
                todo.setdefault(document.stem, []).append(producer)
    by_stem = {d.stem: d for d in documents}
    rendered = 0
    if todo:
        log(f"rendering {sum(len(v) for v in todo.values())} files for {len(todo)} documents ...")
        _render(matrix, {by_stem[s]: ps for s, ps in todo.items()}, log)
        for stem, producers in todo.items():
            for producer in producers:
                stamps[f"{producer.name}/{stem}"] = _document_key(key, by_stem[stem])
                rendered += 1
        stamp_file.write_text(json.dumps(stamps, indent=1, sort_keys=True))
    log(f"rendering matrix: {len(matrix.files)} files ({rendered} rendered) in {time.monotonic() - started:.0f} s")
    return matrix


def _render(matrix: Matrix, todo: dict[GoldDocument, list[Producer]], log) -> None:
    structures = {d: parse(d.text.read_text(encoding="utf-8-sig")) for d in todo}
    stage = lambda kinds: [(d, p) for d, ps in todo.items() for p in ps if p.kind in kinds]  # noqa: E731
    for producer in {p for ps in todo.values() for p in ps}:
        matrix.path(producer, "x").parent.mkdir(parents=True, exist_ok=True)
    # 1. files made here: DOCX, HTML, markdown for pandoc
    for document, producer in stage({"word", "web"}):
        target = matrix.path(producer, document.stem)
        if producer.kind == "word":
            to_docx(structures[document], target, producer.look)
        else:
            to_html(structures[document], target, producer.look)
    with tempfile.TemporaryDirectory(prefix="render-") as tmp:
        tmp_dir = Path(tmp)
        jobs = []
        for document, producer in stage({"pandoc-docx", "pandoc-html"}):
            markdown = tmp_dir / f"{document.stem}.{producer.name}.md"
            markdown.write_text(to_markdown(structures[document]), encoding="utf-8")
            jobs.append((markdown, matrix.path(producer, document.stem), structures[document].title[:200] or document.stem))
        # 2. converters: pandoc and chromium in two threads, LibreOffice in batches
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda job: run_pandoc(*job), jobs))
            chromium = [(matrix.path(PRODUCERS[p.source], d.stem), matrix.path(p, d.stem))
                        for d, p in stage({"chromium"})]
            list(pool.map(lambda job: run_chromium(*job), chromium))
        lo_jobs = stage({"lo"})
        by_source: dict[str, list[tuple[GoldDocument, Producer]]] = {}
        for document, producer in lo_jobs:
            by_source.setdefault(producer.name, []).append((document, producer))
        for name, jobs_for in by_source.items():
            out_dir = tmp_dir / name
            out_dir.mkdir()
            sources = [matrix.path(PRODUCERS[p.source], d.stem) for d, p in jobs_for]
            run_soffice(sources, out_dir)
            for document, producer in jobs_for:
                made = out_dir / f"{document.stem}.pdf"
                if not made.exists():
                    raise RuntimeError(f"LibreOffice made no PDF of {document.stem} for {name}")
                shutil.move(str(made), matrix.path(producer, document.stem))
    # 3. text exports of the PDFs
    for document, producer in stage({"text", "layout"}):
        run_pdftotext(matrix.path(PRODUCERS[producer.source], document.stem), matrix.path(producer, document.stem),
                      layout=producer.kind == "layout")


# -- scoring -------------------------------------------------------------------------------------------

@dataclass
class Scored:
    set: str
    stem: str
    producer: str
    gold: int
    extracted: int
    matched: int
    missed: list[str]
    extra: list[str]
    error: str | None = None

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else (1.0 if not self.gold else 0.0)


def score_file(document: GoldDocument, producer: str, path: Path) -> Scored:
    """Extract one rendering (council and year detected, or given for the real pages) and score it."""
    from extract.evaluate import describe_fact, describe_gold, load_gold, score
    from extract.pipeline import extract_file

    gold = load_gold(document.gold)
    extraction = extract_file(path, council=document.council, period=document.period)
    result = score(path.name, extraction.facts, gold.facts)
    return Scored(document.set, document.stem, producer, result.gold, result.extracted, len(result.matched),
                  [describe_gold(m) for m in result.missed], [describe_fact(e) for e in result.extra],
                  extraction.error if extraction.status.value == "failed" else None)


def score_text(document: GoldDocument) -> Scored:
    return score_file(document, "text", document.text)


def _score_job(job: tuple[GoldDocument, str, Path]) -> Scored:
    return score_file(*job)


def score_all(matrix: Matrix, workers: int = 2, include_text: bool = True) -> list[Scored]:
    """Every rendering (and, for comparison, every text original) scored, in parallel."""
    from concurrent.futures import ProcessPoolExecutor

    jobs = [(d, p.name, path) for d, p, path in matrix.renderings()]
    if include_text:
        jobs = [(d, "text", d.text) for d in matrix.documents] + jobs
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_score_job, jobs, chunksize=4))


def pooled(results: list[Scored]) -> tuple[int, int, int]:
    return (sum(r.gold for r in results), sum(r.extracted for r in results), sum(r.matched for r in results))


def table(results: list[Scored]) -> str:
    """Recall / precision pooled per producer (rows) and per document set (columns)."""
    sets = ["seeds", "generality", "heldout", "real"]
    producers = ["text"] + [p.name for p in scored_producers()]
    lines = ["| producer | " + " | ".join(sets) + " | all |", "|---|" + "---|" * (len(sets) + 1)]
    for producer in producers:
        cells = []
        mine = [r for r in results if r.producer == producer]
        if not mine:
            continue
        for group in sets + ["all"]:
            chosen = [r for r in mine if group == "all" or r.set == group]
            gold, extracted, matched = pooled(chosen)
            cells.append(f"{matched / gold:.3f} / {matched / extracted if extracted else 0:.3f} ({len(chosen)})"
                         if gold else "-")
        lines.append(f"| {producer} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=CACHE, help="where the renderings are cached")
    parser.add_argument("--score", action="store_true", help="score every rendering against its gold")
    parser.add_argument("--json", type=Path, help="with --score: write every score to this file")
    parser.add_argument("--list", action="store_true", help="list the documents and producers")
    parser.add_argument("--only", nargs="*", help="only these document stems")
    args = parser.parse_args(argv)
    documents = gold_documents()
    if args.only:
        documents = [d for d in documents if d.stem in set(args.only)]
    if args.list:
        for d in documents:
            print(f"{d.set:11} {d.stem}")
        print("producers:", ", ".join(PRODUCERS))
        return 0
    sys.path.insert(0, str(ROOT))
    matrix = build(args.out, documents)
    if args.score:
        started = time.monotonic()
        results = score_all(matrix)
        print(table(results))
        print(f"scored {len(results)} files in {time.monotonic() - started:.0f} s")
        if args.json:
            args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Read Word (.docx) reports: paragraphs, lists, tables and the numbers behind native charts.

python-docx gives paragraphs and tables in body order. Word charts are separate parts
(`word/charts/chartN.xml`) whose caches hold each series' name, categories and values;
some councils show outcomes only as charts, so these are read from the XML directly and
become `Chart` blocks where the chart sits. Provenance is the block index.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docx import Document as open_docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from extract.readers.common import BlockBuilder, clean_text, finish, source_for
from schemas.errors import ReadError
from schemas import Cell, Document, DocumentFormat, Series

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"
HEADING_STYLE = re.compile(r"^(?:heading|title)\s*(\d)?", re.IGNORECASE)
CAPTION_STYLE = re.compile(r"caption", re.IGNORECASE)  # Word's 'Caption', pandoc's 'Table Caption'
CONTENTS_STYLE = re.compile(r"^toc\s*\d", re.IGNORECASE)  # Word's table of contents entries ('TOC 1')
LIST_STYLE = re.compile(r"list|bullet", re.IGNORECASE)
SHORT_HEADING_WORDS = 12


def read(path: Path) -> Document:
    source = source_for(path, DocumentFormat.DOCX)
    try:
        word = open_docx(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, ValueError) as exc:
        raise ReadError(f"{path.name}: not a readable Word document ({type(exc).__name__}: {exc})") from exc
    builder = BlockBuilder()
    captions: set[int] = set()  # blocks in a caption style
    title = word.core_properties.title or None
    body = word.element.body
    for child in body.iterchildren():
        tag = etree.QName(child).localname
        if tag == "p":
            _paragraph(DocxParagraph(child, word._body), word, builder, captions)
        elif tag == "tbl":
            _table(DocxTable(child, word._body), builder)
        elif tag == "sdt":  # content controls wrap paragraphs and tables
            for inner in child.iter(f"{{{NS['w']}}}p"):
                _paragraph(DocxParagraph(inner, word._body), word, builder, captions)
    source = source.model_copy(update={"title": title})
    return finish(source, builder, captions=captions)


def _paragraph(paragraph: DocxParagraph, word, builder: BlockBuilder, captions: set[int]) -> None:
    for chart in _charts_in(paragraph, word):
        categories, series, title = chart
        complete = all(len(s.values) == len(categories) for s in series)
        builder.chart(title or _last_heading(builder), categories, series, complete)
    text = clean_text(paragraph.text)
    for box in paragraph._p.iter(f"{{{NS['w']}}}txbxContent"):  # text boxes ('highlights')
        for inner in box.iter(f"{{{NS['w']}}}p"):
            inner_text = clean_text("".join(t.text or "" for t in inner.iter(f"{{{NS['w']}}}t")))
            if inner_text:
                builder.paragraph(inner_text)
    if not text:
        return
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = HEADING_STYLE.match(style)
    if CONTENTS_STYLE.match(style):
        return  # a contents entry: a title and its page number, not text of the report
    if CAPTION_STYLE.search(style):
        captions.add(len(builder.blocks))
        builder.paragraph(text)
    elif heading:
        builder.heading(text, level=int(heading.group(1) or 1))
    elif LIST_STYLE.search(style) or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        builder.list_item(text, marker="-")
    elif _all_bold(paragraph) and len(text.split()) <= SHORT_HEADING_WORDS and not text.endswith("."):
        builder.heading(text, level=3)  # a bold line standing alone is a heading in many reports
    else:
        builder.paragraph(text)


def _all_bold(paragraph: DocxParagraph) -> bool:
    runs = [r for r in paragraph.runs if r.text.strip()]
    return bool(runs) and all(r.bold or (r.style is not None and r.style.font.bold) for r in runs)


def _cell(cell) -> Cell:
    text = clean_text(" ".join(p.text for p in cell.paragraphs))
    runs = [r for p in cell.paragraphs for r in p.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold for r in runs)
    italic = bool(runs) and all(r.italic for r in runs)
    return Cell(text=text, bold=bold, italic=italic)


def _table(table: DocxTable, builder: BlockBuilder) -> None:
    rows: list[list[Cell]] = []
    for row in table.rows:
        cells: list[Cell] = []
        seen = set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell: printed once, then blank
                cells.append(Cell(text=""))
                continue
            seen.add(id(cell._tc))
            cells.append(_cell(cell))
        rows.append(cells)
    builder.table(rows, source_text="\n".join("\t".join(c.text for c in r) for r in rows))


def _last_heading(builder: BlockBuilder) -> str | None:
    for block in reversed(builder.blocks[-2:]):
        if block.kind in ("heading", "paragraph") and len(block.text) < 150:
            return block.text
    return None


# -- charts --------------------------------------------------------------------------------------

def _charts_in(paragraph: DocxParagraph, word):
    for graphic in paragraph._p.iter(f"{{{NS['a']}}}graphicData"):
        if graphic.get("uri") != CHART_URI:
            continue
        chart_ref = graphic.find("c:chart", NS)
        if chart_ref is None:
            continue
        rel_id = chart_ref.get(f"{{{NS['r']}}}id")
        part = word.part.related_parts.get(rel_id)
        if part is None:
            continue
        parsed = parse_chart_xml(part.blob)
        if parsed is not None:
            yield parsed


def _texts(node) -> list[str]:
    return [t.text or "" for t in node.iter(f"{{{NS['a']}}}t")]


def _cache_points(node) -> dict[int, str]:
    """The cached points of a c:strCache/c:numCache/c:multiLvlStrCache, by index."""
    points: dict[int, str] = {}
    for pt in node.iter(f"{{{NS['c']}}}pt"):
        value = pt.find("c:v", NS)
        if value is not None and value.text is not None:
            points.setdefault(int(pt.get("idx", "0")), value.text)
    return points


def _point_count(node) -> int | None:
    count = node.find(".//c:ptCount", NS)
    return int(count.get("val")) if count is not None else None


def parse_chart_xml(blob: bytes):
    """(categories, series, title) from a chart part's XML; values placed by their index."""
    try:
        root = etree.fromstring(blob)
    except etree.XMLSyntaxError:
        return None
    title_node = root.find(".//c:title", NS)
    title = clean_text(" ".join(_texts(title_node))) if title_node is not None else None
    categories: list[str] = []
    series: list[Series] = []
    for ser in root.iter(f"{{{NS['c']}}}ser"):
        name_node = ser.find("c:tx", NS)
        name = ""
        if name_node is not None:
            cached = _cache_points(name_node)
            name = cached.get(0) or clean_text(" ".join(_texts(name_node))) or (name_node.findtext("c:v", namespaces=NS) or "")
        cat = ser.find("c:cat", NS)
        val = ser.find("c:val", NS)
        if val is None:
            continue
        cat_points = _cache_points(cat) if cat is not None else {}
        count = _point_count(val) or _point_count(cat) if cat is not None else _point_count(val)
        count = max(count or 0, max(cat_points, default=-1) + 1)
        if not categories:
            categories = [clean_text(cat_points.get(i, "")) for i in range(count)]
        values_by_index = _cache_points(val)
        values: list[float | None] = []
        for i in range(len(categories)):
            raw = values_by_index.get(i)
            try:
                values.append(float(raw) if raw is not None else None)
            except ValueError:
                values.append(None)
        series.append(Series(name=clean_text(name), values=values))
    if not categories or not series:
        return None
    return categories, series, title

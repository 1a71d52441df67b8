"""Read PDF reports with pdfplumber: text in reading order, ruled and borderless tables.

Per page: words are grouped into lines (with their font size and weight); running headers,
footers and page numbers (lines that repeat at the top or bottom of most pages) are dropped;
ruled tables come from pdfplumber's line-based finder, borderless ones from the alignment of
words into columns; the remaining lines become headings (larger or bold), list items
(bullets) and paragraphs. A table that runs onto the next page is given its header row again.
Every block keeps its 1-based page, and a table its bounding box.

Lines and page layout live in `pdf_lines`, borderless and continued tables in `pdf_tables`.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from extract.readers.common import BlockBuilder, clean_text, finish, source_for
from extract.readers.pdf_lines import (
    BULLET_RE, WORD_KEYS, Line, PageContent, PageTable, PdfSettings, column_gutter, column_of, is_bold, is_italic,
    join_cell_lines, reading_key, spans_across, word_inside, words_to_lines,
)
from extract.readers.pdf_tables import borderless_tables, join_continued_tables
from schemas.errors import EncryptedDocumentError, NeedsOCRError, ReadError
from schemas import Cell, Document, DocumentFormat, Table


NUMBERED_RE = re.compile(r"^\s*\d{1,2}[.)]\s+(?=[A-Z])")
PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)


def read(path: Path, settings: PdfSettings | dict | None = None) -> Document:
    settings = PdfSettings.resolve(settings)
    source = source_for(path, DocumentFormat.PDF)
    warnings: list[str] = []
    try:
        pdf = pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise EncryptedDocumentError(f"{path.name}: the PDF is password-protected; ask the council for an open copy") from exc
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError) as exc:
        if _is_password_error(exc):
            raise EncryptedDocumentError(f"{path.name}: the PDF is password-protected; ask the council for an open copy") from exc
        raise ReadError(f"{path.name}: a damaged or incomplete PDF ({type(exc).__name__}: {exc})") from exc
    except Exception as exc:  # pdfminer raises many kinds; all mean the same to a user
        if _is_password_error(exc):
            raise EncryptedDocumentError(f"{path.name}: the PDF is password-protected; ask the council for an open copy") from exc
        raise ReadError(f"{path.name}: a damaged or incomplete PDF ({type(exc).__name__}: {exc})") from exc
    with pdf:
        try:
            page_count = len(pdf.pages)
        except Exception as exc:
            raise ReadError(f"{path.name}: a damaged PDF, its pages cannot be listed ({type(exc).__name__})") from exc
        if page_count == 0:
            raise ReadError(f"{path.name}: the PDF has no pages")
        if page_count > settings.max_pages:
            warnings.append(f"only the first {settings.max_pages} of {page_count} pages were read")
        pages: list[PageContent] = []
        images = 0
        for page in pdf.pages[: settings.max_pages]:
            try:
                pages.append(_read_page(page, settings))
                images += len(page.images)
            except Exception as exc:
                warnings.append(f"page {page.page_number} could not be read ({type(exc).__name__}: {exc})")
            finally:
                page.flush_cache()  # keep memory flat on long documents
        source = source.model_copy(update={"pages": page_count, "title": (pdf.metadata or {}).get("Title") or None})
    if not any(p.lines or p.tables for p in pages):
        if images:
            raise NeedsOCRError(f"{path.name}: the PDF has no text layer (scanned pages); it needs OCR before it can be read")
        raise ReadError(f"{path.name}: the PDF has no text")
    running = _drop_running_lines(pages, settings)
    join_continued_tables(pages)
    builder = BlockBuilder()
    continued: set[int] = set()
    for page in pages:
        _emit_page(page, builder, settings, continued)
    document = finish(source, builder, warnings, continued=continued)
    if running:
        document = document.model_copy(update={"text": "\n".join(running) + "\n" + document.text})
    return document


def _is_password_error(exc: BaseException) -> bool:
    """pdfplumber wraps pdfminer's errors; look through the wrapping for a password problem."""
    seen = [exc, *[a for a in getattr(exc, "args", ()) if isinstance(a, BaseException)], exc.__cause__, exc.__context__]
    return any(
        e is not None and (isinstance(e, (PDFPasswordIncorrect, PDFEncryptionError))
                           or re.search(r"password|encrypt", f"{type(e).__name__} {e}", re.I))
        for e in seen
    )


# -- one page ----------------------------------------------------------------------------------

def _read_page(page, settings: PdfSettings) -> PageContent:
    content = PageContent(number=page.page_number, height=float(page.height))
    ruled = []
    for found in (page.find_tables() if _may_hold_ruled_table(page) else []):
        x0, top, x1, bottom = found.bbox
        chars = [c for c in page.chars  # the table's own, by the middle of each letter
                 if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
        rows = [
            [_styled_cell(text, bbox, chars) for text, bbox in zip(texts, row.cells)]
            for texts, row in zip(found.extract(), found.rows)
        ]
        rows = [r for r in rows if any(c.text for c in r)]
        if rows and max(len(r) for r in rows) >= 2:  # one row too: a header left at the foot of a page
            ruled.append(PageTable(page.page_number, tuple(found.bbox), rows))
    words = [
        {key: word[key] for key in WORD_KEYS}  # only what later steps use: memory stays small on long reports
        for word in page.extract_words(extra_attrs=["fontname", "size"], keep_blank_chars=False, use_text_flow=False)
    ]
    height = float(page.height)
    loose = [w for w in words if not any(word_inside(w, t.bbox, settings) for t in ruled)]  # the words outside ruled tables
    body = [w for w in loose  # without running headers and footers, for finding columns
            if height * settings.margin_share <= w["top"] and w["bottom"] <= height * (1 - settings.margin_share)]
    content.gutter = column_gutter(body, float(page.width), settings, [t.bbox for t in ruled])
    all_lines = words_to_lines(loose, page.page_number, settings, content.gutter)
    _mark_drawn_bullets(page, all_lines, settings)
    tables, lines = list(ruled), []
    for column in sorted({line.column for line in all_lines}):
        outside = [line for line in all_lines if line.column == column]
        borderless, remaining = borderless_tables(outside, page.page_number, settings)
        for table in borderless:
            table.column = column
        tables += borderless
        lines += remaining
    for table in ruled:
        table.column = column_of(table.bbox[0], table.bbox[2], content.gutter, settings)
    content.tables = sorted(tables, key=lambda t: reading_key(t.bbox[1], t.column, spans_across(content, tables, lines)))
    content.lines = lines
    return content


def _mark_drawn_bullets(page, lines: list[Line], settings: PdfSettings) -> None:
    """A small filled shape just left of a line's first word is a list bullet drawn as a
    picture (Chromium prints list discs so): the line starts a list item."""
    shapes = [s for s in page.curves + page.rects if s.get("fill")
              and s["x1"] - s["x0"] <= settings.max_marker_size and s["bottom"] - s["top"] <= settings.max_marker_size]
    for shape in shapes:
        middle = (shape["top"] + shape["bottom"]) / 2
        for line in lines:
            if line.top - 1 <= middle <= line.bottom + 1 and 0 <= line.x0 - shape["x1"] <= settings.max_marker_gap:
                line.marked = True
                break


# -- two columns of text -------------------------------------------------------------------------


def _may_hold_ruled_table(page) -> bool:
    """A ruled table needs two horizontal and two vertical rules: a page of text alone is not
    searched for one (the search is most of the reading time)."""
    edges = page.edges
    horizontal = sum(1 for e in edges if e["orientation"] == "h")
    return horizontal >= 2 and len(edges) - horizontal >= 2


def _styled_cell(text: str | None, bbox, chars: list[dict]) -> Cell:
    """A ruled table's cell, bold or italic when all its letters are."""
    text = clean_text(join_cell_lines(text or ""))
    if not text or bbox is None:
        return Cell(text=text)
    x0, top, x1, bottom = bbox
    fonts = [c.get("fontname", "") for c in chars  # by the middle of each letter: a tall font's box overlaps the row above
             if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom and c["text"].strip()]
    return Cell(text=text, bold=bool(fonts) and all(is_bold(f) for f in fonts),
                italic=bool(fonts) and all(is_italic(f) for f in fonts))


# -- across pages --------------------------------------------------------------------------------

def _margin_key(line: Line) -> str:
    return re.sub(r"\d+", "#", line.text.lower())


def _drop_running_lines(pages: list[PageContent], settings: PdfSettings) -> list[str]:
    """Remove running headers, footers and page numbers; return the running text, once each
    (it often names the council and year, which detection needs)."""
    counts: Counter[str] = Counter()
    for page in pages:
        keys = {_margin_key(l) for l in page.lines if _in_margin(l, page, settings)}
        counts.update(keys)
    repeated = {key for key, n in counts.items() if len(pages) >= 2 and n >= max(2, settings.repeat_share * len(pages))}
    running: dict[str, str] = {}
    for page in pages:
        kept = []
        for line in page.lines:
            if _in_margin(line, page, settings) and (_margin_key(line) in repeated or PAGE_NUMBER_RE.match(line.text)):
                if not PAGE_NUMBER_RE.match(line.text):
                    running.setdefault(_margin_key(line), line.text)
            else:
                kept.append(line)
        page.lines = kept
    return list(running.values())


def _in_margin(line: Line, page: PageContent, settings: PdfSettings) -> bool:
    return line.top < page.height * settings.margin_share or line.bottom > page.height * (1 - settings.margin_share)


# -- blocks ----------------------------------------------------------------------------------------

def _emit_page(page: PageContent, builder: BlockBuilder, settings: PdfSettings, continued: set[int]) -> None:
    """The page's blocks in reading order; `continued` collects the tables that go on from the
    page before."""
    spans = spans_across(page, page.tables, page.lines)
    items = [(reading_key(l.top, l.column, spans), l) for l in page.lines] + [
        (reading_key(t.bbox[1], t.column, spans), t) for t in page.tables]
    body_size = statistics.median([l.size for l in page.lines]) if page.lines else 10.0
    pending: list[Line] = []

    def flush() -> None:
        if pending:
            _emit_lines(pending, builder, body_size, settings)
            pending.clear()

    for _, item in sorted(items, key=lambda pair: pair[0]):
        if isinstance(item, PageTable):
            flush()
            if item.continued:
                continued.add(len(builder.blocks))
            builder.table(item.rows, page=item.page, bbox=item.bbox,
                          source_text="\n".join("\t".join(c.text for c in r) for r in item.rows))
        else:
            pending.append(item)
    flush()


def _emit_lines(lines: list[Line], builder: BlockBuilder, body_size: float, settings: PdfSettings) -> None:
    paragraph: list[Line] = []
    kind = "paragraph"

    def close() -> None:
        nonlocal paragraph
        if not paragraph:
            return
        text = clean_text(" ".join(l.text for l in paragraph))
        where = {"page": paragraph[0].page, "bbox": (min(l.x0 for l in paragraph), paragraph[0].top,
                                                      max(l.x1 for l in paragraph), paragraph[-1].bottom)}
        if kind == "heading":
            builder.heading(text, level=2 if paragraph[0].size >= body_size + 2 * settings.heading_size_step else 3, **where)
        elif kind == "list":
            builder.list_item(NUMBERED_RE.sub("", BULLET_RE.sub("", text, count=1), count=1), **where)
        else:
            builder.paragraph(text, **where)
        paragraph = []

    for line in lines:
        line_kind = _line_kind(line, body_size, settings)
        if paragraph:
            previous = paragraph[-1]
            gap = line.top - previous.bottom
            if (line_kind == "list" and kind == "paragraph" and NUMBERED_RE.match(line.text) and not line.marked
                    and not re.search(r"[.:;!?]\s*$", previous.text) and gap <= settings.paragraph_gap * line.size):
                line_kind = "paragraph"  # '... reviewed at stage' / '3. All complaints were ...': a wrapped sentence
            same_style = abs(line.size - previous.size) < settings.same_size and line.bold == previous.bold
            continues = (
                gap <= settings.paragraph_gap * line.size
                and same_style
                and line_kind != "list"
                and kind != "heading"
            ) or (kind == "heading" and line_kind == "heading" and gap <= settings.heading_line_gap * line.size
                  and same_style)
            if not continues:
                close()
                kind = line_kind
        else:
            kind = line_kind
        paragraph.append(line)
    close()


def _line_kind(line: Line, body_size: float, settings: PdfSettings) -> str:
    text = line.text
    if line.marked or BULLET_RE.match(text) or (line.words and line.words[0]["text"] in {"•", "●", "▪", "\uf0b7", "·"}):
        return "list"
    if NUMBERED_RE.match(text) and not line.bold and line.size < body_size + settings.heading_size_step:
        return "list"  # '1. Representations made to the Council' (a bold or larger one is a heading)
    words = text.split()
    short = len(words) <= settings.max_heading_words and not re.search(r"[.;,]$", text)
    if short and (line.size >= body_size + settings.heading_size_step or line.bold):
        return "heading"
    return "paragraph"


def page_tables(document: Document) -> list[Table]:
    """The tables of a read PDF (for tests and debugging)."""
    return [b for b in document.blocks if isinstance(b, Table)]

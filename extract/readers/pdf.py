"""Read PDF reports with pdfplumber: text in reading order, ruled and borderless tables.

Per page: words are grouped into lines (with their font size and weight); running headers,
footers and page numbers (lines that repeat at the top or bottom of most pages) are dropped;
ruled tables come from pdfplumber's line-based finder, borderless ones from the alignment of
words into columns; the remaining lines become headings (larger or bold), list items
(bullets) and paragraphs. A table that runs onto the next page is given its header row again.
Every block keeps its 1-based page, and a table its bounding box.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException
from pydantic import BaseModel, Field

from extract.readers.common import BlockBuilder, clean_text, finish, looks_numeric, source_for
from schemas.errors import EncryptedDocumentError, NeedsOCRError, ReadError
from schemas.periods import is_period_label
from schemas import Cell, Document, DocumentFormat, Table


class PdfSettings(BaseModel):
    """Tolerances of the PDF reader; accepts a dict, so they can live in YAML."""

    line_tolerance: float = Field(3.0, description="words whose tops differ by less are on one line (pt)")
    margin_share: float = Field(0.09, description="top and bottom share of a page where running headers live")
    repeat_share: float = Field(0.5, description="a margin line on this share of pages is a running header/footer")
    column_gap: float = Field(0.9, description="a gap wider than this many font sizes separates table columns")
    paragraph_gap: float = Field(0.75, description="a vertical gap over this many line heights starts a paragraph")
    heading_size_step: float = Field(1.5, description="a line this many points larger than body text is a heading")
    max_pages: int = Field(2000, description="pages beyond this are not read (a warning says so)")
    max_header_lines: int = Field(4, description="lines of column titles read above a borderless table")
    align_tolerance: float = Field(4.0, description="text starting this close to a cell's left edge is in its column (pt)")
    row_gap: float = Field(2.5, description="a gap over this many font sizes between two rows ends a borderless table")
    header_gap: float = Field(6.0, description="the same below rows of column titles (a header repeated on a new page stands off)")
    gutter_zone: tuple[float, float] = Field(
        (0.3, 0.7), description="share of the page width where the gap between two columns of text is looked for")
    min_gutter: float = Field(8.0, description="a gap between columns of text at least this wide (pt)")
    gutter_crossings: float = Field(0.02, description="share of a page's words that may cross the gap (a title over both columns)")
    min_column_prose_lines: int = Field(2, description="lines of five words or more each column needs: a borderless table is not two columns")
    prose_words: int = Field(5, description="a line of this many words or more is running text, not a title or a cell")
    column_end_share: float = Field(0.25, description="the lines of a left column end this near the gutter (share of its width)")
    gutter_slack: int = Field(2, description="words over the emptiest gap that still leave it a gap (a title across both columns)")
    box_tolerance: float = Field(2.0, description="a word this far outside a table's box is still inside it (pt)")
    max_title_words: int = Field(8, description="a column title has no more words than this")
    wrapped_line_gap: float = Field(0.6, description="a cell's next line sits closer than this share of a row's gap and of the font size")
    same_size: float = Field(0.6, description="lines whose font sizes differ by less are in one style (pt)")
    heading_line_gap: float = Field(0.5, description="a heading goes on onto the next line when the gap is under this many font sizes")
    max_heading_words: int = Field(14, description="a line of more words is text, not a heading")
    max_marker_size: float = Field(8.0, description="a filled shape no larger than this, just left of a line, is its bullet (pt)")
    max_marker_gap: float = Field(24.0, description="how far left of a line's first word its drawn bullet may be (pt)")

    @classmethod
    def resolve(cls, value: "PdfSettings | dict | None") -> "PdfSettings":
        if isinstance(value, cls):
            return value
        return cls(**(value or {}))


ABBREVIATION_RE = re.compile(r"(?:\S+\s)?[A-Za-z]{1,5}\.")  # 'No.', 'Avg.', '2018-19 No.': a column title, not a sentence
COUNT_AND_SHARE_RE = re.compile(r"[£]?\d[\d,]*(?:\.\d+)?%?\s*\(\s*\d[\d,]*(?:\.\d+)?%?\s*\)")  # '17 (18%)'
SECTION_OR_CAPTION_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|(?:table|figure|chart)\s+\d+[.:]?)$", re.IGNORECASE)
SQUEEZED_FIGURES_RE = re.compile(r"\d+\*?(?:\s+(?:\d+\*?|[-–+]))+")
WORD_KEYS = ("text", "x0", "x1", "top", "bottom", "fontname", "size")
NUMBERED_RE = re.compile(r"^\s*\d{1,2}[.)]\s+(?=[A-Z])")
BULLET_RE = re.compile(r"^\s*([•●▪◦‣∙·\-–*]|\uf0b7|\uf0a7)\s+")
PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)


@dataclass
class Line:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    words: list[dict]
    size: float
    bold: bool
    italic: bool
    column: int = 0  # on a page of two columns: 0 left, 1 right, -1 across both
    marked: bool = False  # a bullet drawn as a shape (browsers print list discs so), not a character

    @property
    def text(self) -> str:
        return clean_text(" ".join(w["text"] for w in self.words))

    def segments(self, gap: float) -> list[list[dict]]:
        """Runs of words separated by gaps wider than `gap` points (table cells)."""
        runs: list[list[dict]] = [[self.words[0]]]
        for previous, word in zip(self.words, self.words[1:]):
            if word["x0"] - previous["x1"] > gap:
                runs.append([word])
            else:
                runs[-1].append(word)
        return runs


@dataclass
class PageTable:
    page: int
    bbox: tuple[float, float, float, float]
    rows: list[list[Cell]]
    header_rows: int = 1
    continued: bool = False
    borderless: bool = False
    column: int = 0


@dataclass
class PageContent:
    number: int
    height: float
    gutter: float | None = None  # the x of the gap between two columns of text, if the page has two
    lines: list[Line] = field(default_factory=list)
    tables: list[PageTable] = field(default_factory=list)


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
    _join_continued_tables(pages)
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
    loose = [w for w in words if not any(_word_inside(w, t.bbox, settings) for t in ruled)]  # the words outside ruled tables
    body = [w for w in loose  # without running headers and footers, for finding columns
            if height * settings.margin_share <= w["top"] and w["bottom"] <= height * (1 - settings.margin_share)]
    content.gutter = column_gutter(body, float(page.width), settings, [t.bbox for t in ruled])
    all_lines = _lines(loose, page.page_number, settings, content.gutter)
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
        table.column = _column_of(table.bbox[0], table.bbox[2], content.gutter, settings)
    content.tables = sorted(tables, key=lambda t: _reading_key(t.bbox[1], t.column, _spans(content, tables, lines)))
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

def column_gutter(words: list[dict], width: float, settings: PdfSettings,
                  tables: list[tuple[float, float, float, float]] = ()) -> float | None:
    """The x of a vertical gap that runs down the middle of the page between two columns of
    text, or None for a page of one column. A borderless table has gaps too, so each side must
    hold lines of prose or a ruled table (`tables`, their boxes), and no running text may cross."""
    if len(words) < 4 * settings.min_column_prose_lines and not tables:
        return None
    low, high = (int(width * share) for share in settings.gutter_zone)
    covered = [0] * (high - low + 1)
    # a table as narrow as a column fills it as text would; one across both columns is passed over, like a title
    extents = [(w["x0"], w["x1"], 1) for w in words] + [
        (t[0], t[2], settings.min_column_prose_lines) for t in tables if t[2] - t[0] < (high - low) * 1.5]
    for x0, x1, weight in extents:
        for x in range(max(low, int(x0)), min(high, int(x1)) + 1):
            covered[x - low] += weight
    # the gap is where fewest words are: a title over both columns may cross it
    allowed = min(settings.gutter_crossings * len(words), min(covered) + settings.gutter_slack)
    best, run_start = None, None
    for offset, count in enumerate(covered + [allowed + 1]):
        if count <= allowed:
            run_start = offset if run_start is None else run_start
            continue
        if run_start is not None and offset - run_start >= settings.min_gutter:
            # the emptiest gap wins (a column with little text in it has wide gaps too), then the widest
            rank = (sum(covered[run_start:offset]) / (offset - run_start), run_start - offset)
            if best is None or rank < best[2]:
                best = (run_start, offset, rank)
        run_start = None
    if best is None:
        return None
    gutter = low + (best[0] + best[1]) / 2
    rows: dict[int, list[dict]] = {}
    for word in words:
        rows.setdefault(round(word["top"] / settings.line_tolerance), []).append(word)
    left_prose = right_prose = 0
    for row in rows.values():
        left = [w for w in row if w["x1"] <= gutter]
        right = [w for w in row if w["x0"] >= gutter]
        crossing = len(left) + len(right) < len(row)
        close = bool(left and right) and min(r["x0"] for r in right) - max(l["x1"] for l in left) < settings.min_gutter
        if (crossing or close) and len(row) >= settings.prose_words and not all(
                _is_bold(w.get("fontname", "")) for w in row):
            return None  # running text across the middle: one column (a borderless table, maybe); a bold title may
        left_prose += len(left) >= settings.prose_words and gutter - max(w["x1"] for w in left) < settings.column_end_share * gutter
        right_prose += len(right) >= settings.prose_words
    for x0, _, x1, _ in tables:  # a ruled table in one column holds that column as text would
        left_prose += settings.min_column_prose_lines * (x1 <= gutter)
        right_prose += settings.min_column_prose_lines * (x0 >= gutter)
    if min(left_prose, right_prose) < settings.min_column_prose_lines:
        return None
    return gutter


def _column_of(x0: float, x1: float, gutter: float | None, settings: PdfSettings) -> int:
    if gutter is None:
        return 0
    slack = settings.box_tolerance
    return 0 if x1 <= gutter + slack else 1 if x0 >= gutter - slack else -1


def _word_inside(word: dict, bbox, settings: PdfSettings) -> bool:
    x0, top, x1, bottom = bbox
    middle = (word["top"] + word["bottom"]) / 2
    slack = settings.box_tolerance
    return top - slack / 2 <= middle <= bottom + slack / 2 and word["x0"] >= x0 - slack and word["x1"] <= x1 + slack


def _spans(content: PageContent, tables: list[PageTable], lines: list[Line]) -> list[float] | None:
    """The tops of what runs across both columns: they start a new band of the page (None on
    a page of one column)."""
    if content.gutter is None:
        return None
    return sorted([t.bbox[1] for t in tables if t.column == -1] + [l.top for l in lines if l.column == -1])


def _reading_key(top: float, column: int, spans: list[float] | None) -> tuple[float, int, float]:
    """Reading order on a page of two columns: band by band (a title across both columns
    starts a band), the left column before the right one, then top to bottom."""
    if spans is None:
        return (0.0, 0, top)
    band = float(bisect_left(spans, top))
    return (band + 0.5, 0, top) if column == -1 else (band, column, top)


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
    return Cell(text=text, bold=bool(fonts) and all(_is_bold(f) for f in fonts),
                italic=bool(fonts) and all(_is_italic(f) for f in fonts))


# where a cell's text wrapped inside a figure or a year ('2016-' / '17', '7(13' / '%)'), the
# lines join without a space; anywhere else the line break was a space
TIGHT_WRAP_RE = re.compile(r"(?<=[\d][-–/])\n(?=\d)|(?<=\d)\n(?=[%)])")


def join_cell_lines(text: str) -> str:
    """A table cell's lines as one line of text."""
    return TIGHT_WRAP_RE.sub("", text).replace("\n", " ")


def _is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold", font, re.I))


def _is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique", font, re.I))


def _lines(words: list[dict], page: int, settings: PdfSettings, gutter: float | None = None) -> list[Line]:
    """Words grouped into lines. On a page of two columns a line is cut at the gutter, unless
    its words run across it with no more than a word space (a title over both columns)."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if rows and abs(rows[-1][0]["top"] - word["top"]) <= settings.line_tolerance:
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        for column, part in _cut_at_gutter(row, gutter, settings):
            lines.append(_line(part, page, column))
    return lines


def _cut_at_gutter(row: list[dict], gutter: float | None, settings: PdfSettings) -> list[tuple[int, list[dict]]]:
    if gutter is None:
        return [(0, row)]
    left = [w for w in row if (w["x0"] + w["x1"]) / 2 < gutter]
    right = [w for w in row if (w["x0"] + w["x1"]) / 2 >= gutter]
    if not left or not right:
        return [(0 if left else 1, row)]
    if right[0]["x0"] - left[-1]["x1"] < settings.min_gutter:
        return [(-1, row)]  # one line across both columns
    return [(0, left), (1, right)]


def _line(words: list[dict], page: int, column: int) -> Line:
    sizes = [w.get("size", 10.0) for w in words]
    fonts = [w.get("fontname", "") for w in words]
    return Line(
        page=page, top=min(w["top"] for w in words), bottom=max(w["bottom"] for w in words),
        x0=words[0]["x0"], x1=words[-1]["x1"], words=words, size=statistics.median(sizes),
        bold=all(_is_bold(f) for f in fonts), italic=all(_is_italic(f) for f in fonts), column=column,
    )


# -- borderless tables ---------------------------------------------------------------------------

def _is_figure_text(text: str) -> bool:
    """A cell of a table of figures; '11 6 16' (columns printed close together) is figures too."""
    if looks_numeric(text) or text.strip().lower() in {"-", "–", "n/a", "*"} or is_period_label(text):
        return True
    return bool(SQUEEZED_FIGURES_RE.fullmatch(text.strip()) or COUNT_AND_SHARE_RE.fullmatch(text.strip()))


def borderless_tables(lines: list[Line], page: int, settings: PdfSettings) -> tuple[list[PageTable], list[Line]]:
    """Runs of lines whose words fall into aligned columns with figures in them."""
    def segmented(line: Line) -> list[list[dict]]:
        return line.segments(settings.column_gap * line.size)

    candidate = []
    bullet = []
    years_only = []  # a line of column titles that are years ('2015/2016  % on time  2016/2017')
    for line in lines:
        segments = segmented(line)
        texts = [clean_text(" ".join(w["text"] for w in s)) for s in segments]
        bullet.append(line.marked or bool(BULLET_RE.match(line.text)) or texts[0] in {"•", "●", "▪", "\uf0b7", "·", "-", "–"})
        candidate.append(not bullet[-1] and len(segments) >= 2 and any(_is_figure_text(t) for t in texts[1:]))
        years_only.append(candidate[-1] and all(is_period_label(t) or not _is_figure_text(t) for t in texts))
    tables: list[PageTable] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not candidate[i]:
            i += 1
            continue
        start = i
        end = i
        while end + 1 < len(lines):
            gap = lines[end + 1].top - lines[end].bottom
            # rows of column titles (a header repeated on a new page) may stand further off the rows
            only_titles = all(years_only[k] or not candidate[k] for k in range(start, end + 1))
            if gap > (settings.header_gap if only_titles else settings.row_gap) * lines[end].size:
                break
            nxt = lines[end + 1]
            starts = [s[0]["x0"] for s in segmented(lines[end])] + [min(line.x0 for line in lines[start:end + 1])]
            wrapped = all(any(abs(s[0]["x0"] - x) < settings.align_tolerance for x in starts) for s in segmented(nxt))
            if candidate[end + 1] or (wrapped and end + 2 < len(lines) and candidate[end + 2]
                                      and not any(_is_figure_text(" ".join(w["text"] for w in s)) for s in segmented(nxt))):
                end += 1
            else:
                break
        # header lines just above, split into the same columns; a title wrapped onto a line of
        # its own ('Cases' under 'Resolution') counts when a line of several titles is above it
        above_lines: list[int] = []
        top = start
        for _ in range(settings.max_header_lines):
            above = top - 1
            if above < 0 or above in used or bullet[above] or (candidate[above] and not years_only[above]):
                break
            if (lines[top].top - lines[above].bottom >= settings.header_gap * lines[top].size
                    or not _is_title_line(lines[above], segmented, settings)):
                break
            above_lines.append(above)
            top = above
        while above_lines and len(segmented(lines[above_lines[-1]])) < 2:
            above_lines.pop()
        if above_lines:
            start = above_lines[-1]
        for first, last in _split_at_headers(lines, segmented, start, end):
            group = lines[first:last + 1]
            figures_rows = sum(candidate[first:last + 1])
            if figures_rows >= 2 or (figures_rows == 1 and len(group) >= 2):
                tables.append(_columns_to_table(group, page, settings))
                used.update(range(first, last + 1))
        i = end + 1
    remaining = [line for n, line in enumerate(lines) if n not in used]
    return tables, remaining


def _is_title_line(line: Line, segmented, settings: PdfSettings) -> bool:
    """Column titles are short and are not sentences (a justified paragraph has wide gaps too)."""
    texts = [" ".join(w["text"] for w in s) for s in segmented(line)]
    if SECTION_OR_CAPTION_RE.match(texts[0]):
        return False  # '2   Volumes', 'Table 1   Representations received': a heading, not column titles
    return all(len(text.split()) <= settings.max_title_words
               and not (text.rstrip().endswith((".", ",", ";")) and not ABBREVIATION_RE.fullmatch(text.strip()))
               for text in texts)


def _is_header_line(line: Line, segments: list[list[dict]]) -> bool:
    """A line of column titles: several cells, none of them a figure other than a year."""
    texts = [clean_text(" ".join(w["text"] for w in s)) for s in segments]
    later = texts[1:]
    return (len(texts) >= 2 and not any(looks_numeric(t) for t in later)
            and any(re.search(r"[A-Za-z]{2}|\d{4}", t) for t in later))  # not a row of dashes


def _split_at_headers(lines: list[Line], segmented, start: int, end: int) -> list[tuple[int, int]]:
    """Tables printed one under another: a header line after rows of figures starts a new one."""
    parts = []
    first = start
    seen_figures = False
    for n in range(start, end + 1):
        segments = segmented(lines[n])
        if seen_figures and n > first and _is_header_line(lines[n], segments):
            parts.append((first, n - 1))
            first, seen_figures = n, False
        texts = [clean_text(" ".join(w["text"] for w in s)) for s in segments]
        if any(looks_numeric(text) and not is_period_label(text) for text in texts[1:]):
            seen_figures = True  # a row of years is a header, not figures
    parts.append((first, end))
    return parts


def _columns_to_table(group: list[Line], page: int, settings: PdfSettings) -> PageTable:
    spans: list[list[float]] = []  # column x ranges, merged where segments overlap
    segmented = [line.segments(settings.column_gap * line.size) for line in group]
    # the rows of figures set the columns first: a title over several of them ('Number of
    # Complaints per Year' over four years) then spans them rather than joining them
    figure_rows = [s for s in segmented if any(looks_numeric(_segment_text(seg)) for seg in s[1:])]
    for segments in figure_rows + [s for s in segmented if s not in figure_rows]:
        for segment in segments:
            x0, x1 = segment[0]["x0"], segment[-1]["x1"]
            overlapped = [span for span in spans if x0 <= span[1] and x1 >= span[0]]
            if len(overlapped) > 1 and segments not in figure_rows:
                continue  # a title spanning columns
            if overlapped:
                span = overlapped[0]
                span[0], span[1] = min(span[0], x0), max(span[1], x1)
            else:
                spans.append([x0, x1])
    spans.sort()
    merged: list[list[float]] = []
    for span in spans:
        if merged and span[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(list(span))
    merged = _pair_headers_with_columns(merged, segmented)
    rows: list[list[Cell]] = []
    for line, segments in zip(group, segmented):
        cells = [""] * len(merged)
        styles: dict[int, tuple[bool, bool]] = {}
        for segment in segments:
            middle = (segment[0]["x0"] + segment[-1]["x1"]) / 2
            column = min(range(len(merged)), key=lambda c: 0 if merged[c][0] <= middle <= merged[c][1]
                         else min(abs(middle - merged[c][0]), abs(middle - merged[c][1])))
            spanned = [c for c, span in enumerate(merged)
                       if segment[0]["x0"] <= span[1] and segment[-1]["x1"] >= span[0]]
            if len(spanned) > 1:
                column = spanned[0]  # a title over several columns heads the first of them
            text = " ".join(w["text"] for w in segment)
            cells[column] = clean_text(f"{cells[column]} {text}")
            fonts = [w.get("fontname", "") for w in segment]
            styles[column] = (all(_is_bold(f) for f in fonts), all(_is_italic(f) for f in fonts))
        rows.append([Cell(text=t, bold=bool(t) and styles.get(n, (False, False))[0],
                          italic=bool(t) and styles.get(n, (False, False))[1]) for n, t in enumerate(cells)])
    bbox = (min(l.x0 for l in group), group[0].top, max(l.x1 for l in group), group[-1].bottom)
    return PageTable(page, bbox, _join_wrapped_lines(rows, group, settings), borderless=True)


def _join_wrapped_lines(rows: list[list[Cell]], group: list[Line], settings: PdfSettings) -> list[list[Cell]]:
    """Cell text wrapped onto more lines. A line closer to the line above than rows are to one
    another is more of the same row: column titles wrapped over several lines join cell by
    cell ('Stage 1' / 'complaints'); a row label wrapped onto a line of its own
    ('Children and Family Assessment' / 'Team 3') goes on the label above."""
    gaps = [b.top - a.bottom for a, b in zip(group, group[1:])]
    if not gaps:
        return rows
    tight = min(statistics.median(gaps), statistics.median(line.size for line in group)) * settings.wrapped_line_gap
    out: list[list[Cell]] = [rows[0]]
    titles = not _has_figures(rows[0])
    for row, gap in zip(rows[1:], gaps):
        previous = out[-1]
        titles = titles and not _has_figures(row)
        if gap < tight and titles:
            out[-1] = [_joined(a, b) for a, b in zip(previous, row)]
        elif gap < tight and row[0].text and not any(c.text for c in row[1:]) and _has_figures(previous):
            out[-1] = [_joined(previous[0], row[0])] + previous[1:]
        else:
            out.append(row)
    return out


def _has_figures(row: list[Cell]) -> bool:
    return any(looks_numeric(c.text) and not is_period_label(c.text) for c in row[1:])


def _joined(first: Cell, second: Cell) -> Cell:
    if not second.text:
        return first
    if not first.text:
        return second
    return Cell(text=f"{first.text} {second.text}", bold=first.bold and second.bold, italic=first.italic and second.italic)


def _segment_text(segment: list[dict]) -> str:
    return clean_text(" ".join(w["text"] for w in segment))


def _pair_headers_with_columns(spans: list[list[float]], segmented: list[list[list[dict]]]) -> list[list[float]]:
    """A column title that overlaps no figures, next to a column of figures with no title, is
    that column's title: 'Volume Closed 2023/24' over figures aligned to its right edge."""
    def touched(lines) -> set[int]:
        found = set()
        for segments in lines:
            for segment in segments:
                middle = (segment[0]["x0"] + segment[-1]["x1"]) / 2
                found.update(n for n, span in enumerate(spans) if span[0] <= middle <= span[1])
        return found

    data_lines = [s for s in segmented if any(looks_numeric(" ".join(w["text"] for w in seg)) for seg in s[1:])]
    header_lines = [s for s in segmented if s not in data_lines]
    with_data, with_header = touched(data_lines), touched(header_lines)
    merged = [list(span) for span in spans]
    absorbed: set[int] = set()
    for n in range(1, len(spans)):
        if n in with_data or n not in with_header:
            continue
        neighbours = [m for m in (n - 1, n + 1) if 0 < m < len(spans) and m in with_data and m not in with_header
                      and m not in absorbed]
        if not neighbours:
            continue
        nearest = min(neighbours, key=lambda m: min(abs(spans[m][0] - spans[n][1]), abs(spans[n][0] - spans[m][1])))
        merged[nearest] = [min(spans[n][0], spans[nearest][0]), max(spans[n][1], spans[nearest][1])]
        absorbed.update({n, nearest})
        merged[n] = []
    return [span for span in merged if span]


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


def _join_continued_tables(pages: list[PageContent]) -> None:
    """A table that opens a page or a column with the same columns as the table that ends the
    page or column before it, with no text between them, continues it: a repeated header row
    is kept once, a missing one is supplied."""
    sequence: list[Line | PageTable] = []
    for page in pages:
        spans = _spans(page, page.tables, page.lines)
        sequence += [item for _, item in sorted(
            [(_reading_key(l.top, l.column, spans), l) for l in page.lines]
            + [(_reading_key(t.bbox[1], t.column, spans), t) for t in page.tables], key=lambda pair: pair[0])]
    width = lambda t: max(len(r) for r in t.rows)  # noqa: E731
    for last, first in zip(sequence, sequence[1:]):
        if not (isinstance(last, PageTable) and isinstance(first, PageTable)) or width(last) != width(first):
            continue
        if first.page == last.page and first.column == last.column:
            continue  # two tables one under the other in the same column are two tables
        header = last.rows[: last.header_rows]
        first.continued = True
        repeated = 0  # rows of the header printed again on the new page or column
        while (repeated < min(len(first.rows), len(last.rows)) - 1
               and [c.text for c in first.rows[repeated]] == [c.text for c in last.rows[repeated]]):
            repeated += 1
        _join_split_row(last, first, repeated)
        _carry_open_group(last, first, repeated, max(repeated, last.header_rows))
        if not repeated:
            first.rows = header + first.rows


def _carry_open_group(last: PageTable, first: PageTable, skip: int, header: int) -> None:
    """Rows grouped under a bold label row ('Children in Care' over its localities) that run
    onto the next page or column take that label row with them, as they take the header."""
    body = last.rows[header:]
    groups = [n for n, row in enumerate(body) if row[0].bold and row[0].text and not any(c.text for c in row[1:])]
    if not groups or len(first.rows) <= skip:
        return
    opened = groups[-1]
    children = body[opened + 1:]
    if children and not any(row[0].bold for row in children) and not first.rows[skip][0].bold:
        first.rows = first.rows[:skip] + [body[opened]] + first.rows[skip:]


def _join_split_row(last: PageTable, first: PageTable, skip: int) -> None:
    """A row that broke over the page or column: its label's last line opens the continued
    table, alone in its row ('Young People's' / 'Service (Care Leavers)'). It goes back on
    the row it belongs to."""
    rows = first.rows[skip:]
    if not rows or not last.rows:
        return
    opening, ending = rows[0], last.rows[-1]
    if opening[0].text and not any(c.text for c in opening[1:]) and _has_figures(ending) and len(rows) > 1 \
            and _has_figures(rows[1]):
        last.rows[-1] = [_joined(ending[0], opening[0])] + ending[1:]
        first.rows = first.rows[:skip] + rows[1:]


# -- blocks ----------------------------------------------------------------------------------------

def _emit_page(page: PageContent, builder: BlockBuilder, settings: PdfSettings, continued: set[int]) -> None:
    """The page's blocks in reading order; `continued` collects the tables that go on from the
    page before."""
    spans = _spans(page, page.tables, page.lines)
    items = [(_reading_key(l.top, l.column, spans), l) for l in page.lines] + [
        (_reading_key(t.bbox[1], t.column, spans), t) for t in page.tables]
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

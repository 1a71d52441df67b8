"""The PDF reader's words, lines and page layout (pdfplumber's words in, `Line`s out).

Words become lines with their font size and weight; on a page of two columns of text the gap
between them (the gutter) is found and lines are cut at it, and reading order goes band by band,
left column before right. The reader's tolerances are `PdfSettings`, so they can live in YAML.
"""

from __future__ import annotations

import re
import statistics
from bisect import bisect_left
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from extract.readers.common import clean_text
from schemas import Cell


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


BULLET_RE = re.compile(r"^\s*([•●▪◦‣∙·\-–*]|\uf0b7|\uf0a7)\s+")
WORD_KEYS = ("text", "x0", "x1", "top", "bottom", "fontname", "size")


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
                is_bold(w.get("fontname", "")) for w in row):
            return None  # running text across the middle: one column (a borderless table, maybe); a bold title may
        left_prose += len(left) >= settings.prose_words and gutter - max(w["x1"] for w in left) < settings.column_end_share * gutter
        right_prose += len(right) >= settings.prose_words
    for x0, _, x1, _ in tables:  # a ruled table in one column holds that column as text would
        left_prose += settings.min_column_prose_lines * (x1 <= gutter)
        right_prose += settings.min_column_prose_lines * (x0 >= gutter)
    if min(left_prose, right_prose) < settings.min_column_prose_lines:
        return None
    return gutter


def column_of(x0: float, x1: float, gutter: float | None, settings: PdfSettings) -> int:
    if gutter is None:
        return 0
    slack = settings.box_tolerance
    return 0 if x1 <= gutter + slack else 1 if x0 >= gutter - slack else -1


def word_inside(word: dict, bbox, settings: PdfSettings) -> bool:
    x0, top, x1, bottom = bbox
    middle = (word["top"] + word["bottom"]) / 2
    slack = settings.box_tolerance
    return top - slack / 2 <= middle <= bottom + slack / 2 and word["x0"] >= x0 - slack and word["x1"] <= x1 + slack


def spans_across(content: PageContent, tables: list[PageTable], lines: list[Line]) -> list[float] | None:
    """The tops of what runs across both columns: they start a new band of the page (None on
    a page of one column)."""
    if content.gutter is None:
        return None
    return sorted([t.bbox[1] for t in tables if t.column == -1] + [l.top for l in lines if l.column == -1])


def reading_key(top: float, column: int, spans: list[float] | None) -> tuple[float, int, float]:
    """Reading order on a page of two columns: band by band (a title across both columns
    starts a band), the left column before the right one, then top to bottom."""
    if spans is None:
        return (0.0, 0, top)
    band = float(bisect_left(spans, top))
    return (band + 0.5, 0, top) if column == -1 else (band, column, top)


# where a cell's text wrapped inside a figure or a year ('2016-' / '17', '7(13' / '%)'), the
# lines join without a space; anywhere else the line break was a space
TIGHT_WRAP_RE = re.compile(r"(?<=[\d][-–/])\n(?=\d)|(?<=\d)\n(?=[%)])")


def join_cell_lines(text: str) -> str:
    """A table cell's lines as one line of text."""
    return TIGHT_WRAP_RE.sub("", text).replace("\n", " ")


def is_bold(font: str) -> bool:
    return bool(re.search(r"bold|black|heavy|semibold", font, re.I))


def is_italic(font: str) -> bool:
    return bool(re.search(r"italic|oblique", font, re.I))


def words_to_lines(words: list[dict], page: int, settings: PdfSettings, gutter: float | None = None) -> list[Line]:
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
        bold=all(is_bold(f) for f in fonts), italic=all(is_italic(f) for f in fonts), column=column,
    )

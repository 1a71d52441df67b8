"""Turn a report saved as text back into the structure its author made: headings, paragraphs,
lists, tables with captions and header rows, and the data behind charts.

This is the rendering matrix's own reading of a text file, written apart from the project's
readers (it imports nothing from `extract/`): the point of the matrix is to render each gold
document the way an independent producer would, so that the readers are tested on structure
they did not make themselves. It understands the conventions of the text files in the
repository:

* tables as tab-separated lines, markdown pipes, box-drawing characters (`│ ┼ ─`), columns
  of spaces (with row labels wrapped over several lines), or Word's export of one cell per
  line with a blank line between rows;
* the data behind a Word chart flattened into one line (categories, then values, then the
  next series' name), which becomes a data table;
* captions ('Table 3 - Stage 1 outcomes') above tables; markdown and numbered headings;
  bullets and numbered lists; paragraphs hard-wrapped over several lines or cut by a page
  break; running headers, footers and page numbers (dropped: a producer prints its own).

`parse(text)` returns a `Structure`; `describe(structure)` prints it for checking by eye:

    python scripts/text_structure.py tests/heldout/hertfordshire-2015-16.txt
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# -- the structure ----------------------------------------------------------------------------


@dataclass
class Cell:
    text: str
    bold: bool = False
    italic: bool = False
    colspan: int = 1  # a header cell spanning the empty cells after it


@dataclass
class Block:
    """One block of a report. `kind` is heading, paragraph, item, table, contents (its entries
    in `rows`: title and page) or break."""

    kind: str
    text: str = ""
    level: int = 2  # headings
    ordered: bool = False  # list items
    number: str = ""  # the printed number of an ordered item or numbered paragraph
    rows: list[list[Cell]] = field(default_factory=list)  # tables
    header_rows: int = 0
    caption: str | None = None
    chart: bool = False  # a table that holds the data behind a chart
    series_complete: bool = True  # False when a chart series had fewer values than categories


@dataclass
class Structure:
    blocks: list[Block]
    running: list[str] = field(default_factory=list)  # running header / footer text, once each

    @property
    def title(self) -> str:
        """The document's title, for a page's <title> or a file's properties: its first heading
        near the top, else nothing (a page of minutes has no title of its own)."""
        for block in self.blocks[:6]:
            if block.kind == "heading" and block.text.strip():
                return block.text
        return ""


# -- patterns -----------------------------------------------------------------------------------

BOX_CHARS = "│┃┌┐└┘├┤┬┴┼─━═║╔╗╚╝╠╣╦╩╬╒╕╘╛╞╡╤╧╪"
BOX_LINE_RE = re.compile(rf"^\s*[{BOX_CHARS}]")
BOX_RULE_RE = re.compile(rf"^\s*[{BOX_CHARS}\s]+$")
PIPE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
SEPARATOR_CELL_RE = re.compile(r"^\s*:?-{3,}:?\s*$|^\s*$")
PAGE_NUMBER_RE = re.compile(
    r"^\s*(?:page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?|[-–—]\s*\d{1,4}\s*[-–—]|-{2,}\s*page\s+\d+\s*-{2,})\s*$", re.I)
TRAILING_PAGE_RE = re.compile(r"[\s|]*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.I)
RULE_RE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|[━─═]{3,})\s*$")
BULLET_RE = re.compile(r"^\s*(?P<marker>[-•·*▪◦‣●○\uf0b7\uf0a7–])\s+(?P<text>\S.*)$")
NUMBER_MARKER_RE = re.compile(r"^\s*(?P<marker>\(?\d{1,2}[.)]|\(?[a-z][.)]|\d+(?:\.\d+)+\.?|Q\d+\.)\s+(?P<text>\S.*)$")
SECTION_HEAD_RE = re.compile(r"^\s*(?P<marker>\d{1,2}(?:\.\d+)*\.?|Q\d+\.)\s+(?P<text>[A-Z(].*)$")
BARE_SECTION_RE = re.compile(r"^(?P<marker>\d{1,2})\s{2,}(?P<text>[A-Z].*)$")  # '2   Volumes'
ALIGNED_RE = re.compile(r"\S {3,}\S")  # 'MP enquiries:     46': a label and a value set apart
MARKER_CELL_RE = re.compile(r"^\s*(?:[-•·*▪◦‣●○\uf0b7\uf0a7–]|\(?\d{1,2}[.)]|\d+(?:\.\d+)+\.?|Q\d+\.)\s*$")
CAPTION_RE = re.compile(r"^\W*(?:table|figure|chart|graph)\s*[A-Z0-9]{1,3}\b", re.I)
MD_HEADING_RE = re.compile(r"^\s*(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
BOLD_LINE_RE = re.compile(r"^\s*(?:\*\*|__)(?P<text>[^*_].*?)(?:\*\*|__)\s*$")
FIGURE_RE = re.compile(
    r"^(?:[£$]?\s*[-+]?\d[\d,]*(?:\.\d+)?\s*%?\*?(?:\s*\(\s*[-+]?\d[\d,]*(?:\.\d+)?\s*%?\s*\))?"
    r"|\d+\s*\+\s*\d+\*?|[-–—]|n/?a|\.\.|x|c|\*)$", re.I)
PERIOD_RE = re.compile(r"^(?:(?:19|20)\d\d(?:\s*[-/–]\s*(?:19|20)?\d\d)?|(?:19|20)\d\d\s+to\s+(?:19|20)\d\d)$")
FUNCTION_WORDS = {"the", "of", "at", "from", "and", "to", "in", "by", "for", "with", "a", "an", "on", "or", "as", "that"}
INLINE_MARKUP_RE = re.compile(r"</?(?:b|i|strong|em|u|span)\b[^>]*>", re.I)
MAX_HEADING_WORDS = 12
MAX_CAPTION_WORDS = 24
HARD_WRAP_MAX = 130  # a file whose prose lines never exceed this was wrapped by hand


def is_figure(text: str) -> bool:
    """A table cell that holds a figure: '12', '9 (10%)', '£1,000', '-', 'n/a'."""
    return bool(FIGURE_RE.match(text.strip()))


def is_period(text: str) -> bool:
    return bool(PERIOD_RE.match(text.strip()))


def plain(text: str) -> str:
    """Text without markdown emphasis, inline tags or escapes, spaces collapsed."""
    text = INLINE_MARKUP_RE.sub("", text).replace("\\*", "\x00")  # an escaped star is a star
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"__(.+?)__", r"\1", text)
    text = re.sub(r"(?<![\w*\\])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])", r"\1", text)
    text = text.replace("\x00", "*").replace("\\_", "_").replace("\\#", "#")
    return re.sub(r"[ \u00a0]+", " ", text).strip()


def cell_of(raw: str) -> Cell:
    """A cell from text that may carry <b>/<i> tags or markdown emphasis."""
    stripped = raw.strip()
    bold = bool(re.fullmatch(r"(?:<b>|<strong>|\*\*).*(?:</b>|</strong>|\*\*)", stripped, re.I))
    italic = bool(re.fullmatch(r"(?:<i>|<em>|\*(?!\*)).*(?:</i>|</em>|(?<!\*)\*)", stripped, re.I))
    text = plain(stripped)
    return Cell(text=text, bold=bold and bool(text), italic=italic and bool(text) and text != "*")


# -- page furniture -------------------------------------------------------------------------------

def furniture(lines: list[str]) -> tuple[set[int], list[str]]:
    """Lines that are page furniture (running headers and footers, page numbers, page-break
    marks) and the running text, once each."""
    keys: dict[str, list[int]] = {}
    drop: set[int] = set()
    for i, line in enumerate(lines):
        if PAGE_NUMBER_RE.match(line) or "\f" in line and not line.replace("\f", "").strip():
            drop.add(i)
            continue
        if "\t" in TRAILING_PAGE_RE.sub("", line).strip() and not re.search(r"page\s*\d", line, re.I):
            continue  # a table row, not a running header ('Annual Report 2022/23<TAB>3' is one)
        key = re.sub(r"\s+", " ", TRAILING_PAGE_RE.sub("", line.replace("\t", " "))).strip()
        words = re.findall(r"[A-Za-z]{2,}", key)
        if len(key) >= 15 and len(words) >= 2 and not PIPE_ROW_RE.match(line) and not BOX_LINE_RE.match(line):
            keys.setdefault(key, []).append(i)
    running = []
    for key, found in keys.items():
        if len(found) >= 3:
            drop.update(found)
            running.append(key)
    return drop, running


# -- tables ----------------------------------------------------------------------------------------

def _pad(rows: list[list[Cell]]) -> list[list[Cell]]:
    width = max((len(r) for r in rows), default=0)
    return [r + [Cell("") for _ in range(width - len(r))] for r in rows]


def _trim_columns(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Drop trailing columns that are empty in every row (a trailing tab makes one)."""
    rows = _pad(rows)
    while rows and len(rows[0]) > 1 and all(not r[-1].text for r in rows):
        rows = [r[:-1] for r in rows]
    return rows


def header_row_count(rows: list[list[Cell]]) -> int:
    """Leading rows with no figure after the first column (a row of years is a header)."""
    count = 0
    for row in rows[:3]:
        later = [c.text for c in row[1:] if c.text]
        if not later or any(is_figure(t) and not is_period(t) for t in later) or is_figure(row[0].text):
            break
        count += 1
    if count == len(rows) or not any(is_figure(c.text) for row in rows for c in row[1:]):
        count = 1 if len(rows) > 1 else 0
    return count


def _spans(rows: list[list[Cell]], header_rows: int) -> list[list[Cell]]:
    """A header cell followed by empty header cells, over a lower header row that fills
    them, spans them (Cheshire's 'Number of Complaints per Year' over four years)."""
    if header_rows < 2:
        return rows
    for r in range(header_rows - 1):
        row, below = rows[r], rows[r + 1]
        j = 1
        while j < len(row):
            span = 1
            while j + span < len(row) and not row[j + span].text and below[j + span].text:
                span += 1
            if row[j].text and span > 1:
                row[j].colspan = span
            j += span
    return rows


def table_block(rows: list[list[Cell]]) -> Block | None:
    rows = [r for r in rows if any(c.text for c in r)]
    if not rows:
        return None
    rows = _trim_columns(rows)
    header = header_row_count(rows)
    return Block("table", rows=_spans(rows, header), header_rows=header)


def tab_cells(line: str) -> list[str]:
    cells = line.split("\t")
    merged: list[str] = []
    i = 0
    while i < len(cells):  # Word's text export splits 'Safeguarding & Family Support' around the '&'
        if cells[i].strip() == "&" and merged and i + 1 < len(cells):
            merged[-1] = f"{merged[-1].rstrip()} & {cells[i + 1].lstrip()}"
            i += 2
            continue
        merged.append(cells[i])
        i += 1
    return merged


def is_tab_row(line: str) -> bool:
    """A tab-separated table row; 'marker<TAB>text' (a bullet or section number) is not."""
    if "\t" not in line or not line.strip():
        return False
    cells = [c for c in line.split("\t")]
    if MARKER_CELL_RE.match(cells[0]) and len([c for c in cells[1:] if c.strip()]) <= 2:
        return False
    return True


def box_table(lines: list[str]) -> Block | None:
    """A table drawn with box characters; rule lines separate rows, and a row whose first
    cell alone goes on is a wrapped label."""
    content = [l for l in lines if "│" in l or "┃" in l or "║" in l]
    if not content:
        return None
    bar = re.compile(r"[│┃║]")
    groups: list[list[list[str]]] = [[]]
    for line in lines:
        if BOX_RULE_RE.match(line) and not bar.search(line.strip("│┃║ ").replace("─", "")):
            if groups[-1]:
                groups.append([])
            continue
        if not bar.search(line):
            continue
        cells = [c.strip() for c in bar.split(line.strip())[1:-1]]
        groups[-1].append(cells)
    groups = [g for g in groups if g]
    rows: list[list[str]] = []
    for n, group in enumerate(groups):
        if n == 0 and len(groups) > 1:
            rows.append([" ".join(filter(None, parts)) for parts in zip(*group)])  # the header, wrapped
            continue
        for cells in group:
            continues = rows and len(rows[-1]) == len(cells) and any(cells) and (
                not any(cells[1:]) or not cells[0]) and group.index(cells) > 0
            if continues:
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells)]
            else:
                rows.append(cells)
    return table_block([[cell_of(c) for c in r] for r in rows])


def pipe_table(lines: list[str]) -> Block | None:
    rows = []
    for line in lines:
        cells = line.strip().strip("|").split("|")
        if all(SEPARATOR_CELL_RE.match(c) for c in cells):
            continue
        rows.append([cell_of(c) for c in cells])
    return table_block(rows)


def cell_per_line_table(lines: list[str]) -> Block | None:
    """Word's export of a table with one cell per line and a blank line between rows."""
    rows: list[list[Cell]] = []
    current: list[Cell] = []
    for line in lines + [""]:
        if not line.strip():
            if current:
                rows.append(current)
            current = []
            continue
        current.extend(cell_of(c) for c in tab_cells(line) if c.strip())
    return table_block(rows)


def chart_table(title: str, data: list[str]) -> Block | None:
    """The data behind a Word chart, flattened: each line holds the categories, then one
    series' values, then (at the end of the line) the next series' name; a name may also
    come just before the categories are repeated ('Column1' then the categories again)."""
    categories: list[str] | None = None
    series: list[tuple[str, list[str]]] = []
    name = title
    for line in data:
        tokens = [c.strip() for c in tab_cells(line) if c.strip()]
        runs: list[tuple[bool, list[str]]] = []
        for token in tokens:
            figure = is_figure(token)
            if runs and runs[-1][0] == figure:
                runs[-1][1].append(token)
            else:
                runs.append((figure, [token]))
        for position, (figure, run) in enumerate(runs):
            if figure:
                series.append((name, run))
                name = ""
            elif position == len(runs) - 1:
                name = " ".join(run)  # the next series' name ends the line
            elif categories is None:
                categories = run
            elif run[-len(categories):] == categories:
                name = " ".join([name] + run[: len(run) - len(categories)]).strip()
            else:
                return None
    if not categories or not series or any(len(v) > len(categories) for _, v in series):
        return None
    complete = all(len(v) == len(categories) for _, v in series)
    header = [Cell("", bold=True)] + [Cell(n or "Value", bold=True) for n, _ in series]
    rows = [header] + [
        [Cell(category)] + [Cell(v[i] if i < len(v) else "") for _, v in series] for i, category in enumerate(categories)
    ]
    return Block("table", rows=rows, header_rows=1, chart=True, series_complete=complete)


def chart_line(line: str) -> bool:
    """A line of labels then figures (a chart's categories and values, flattened)."""
    tokens = [c.strip() for c in tab_cells(line) if c.strip()]
    return len(tokens) >= 3 and not is_figure(tokens[0]) and any(is_figure(t) for t in tokens)


# -- columns of spaces ---------------------------------------------------------------------------

def space_cells(line: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of the runs of a line separated by two spaces or more."""
    return [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+(?: \S+)*", line)]


def is_space_row(line: str) -> bool:
    """A line of a table laid out with spaces: a label, then cells two spaces apart that are
    figures, or short labels each followed by a figure (two lists side by side)."""
    if "\t" in line or BULLET_RE.match(line) or RULE_RE.match(line):
        return False
    cells = [t for _, _, t in space_cells(line)]
    if len(cells) < 2 or re.search(r"\.{4,}", line):
        return False  # 'Compliments ........ 97' is a line of text, not a table
    if cells[0].endswith(":"):
        return False  # 'MP enquiries:   46' is a label and its value
    later = cells[1:]
    figures = [is_figure(c) or is_period(c) or bool(re.fullmatch(r"\([^)]*\d[^)]*\)", c)) for c in later]
    if not any(is_figure(c) for c in later):
        return False
    labels = [c for c, f in zip(later, figures) if not f]
    if any(len(c.split()) > 5 or re.search(r"[.,;:]$", c) for c in labels) or len(labels) > figures.count(True):
        return False
    return all(f or (k + 1 < len(later) and figures[k + 1]) for k, f in enumerate(figures))


def is_space_header(line: str, below: str) -> bool:
    """Column titles over a table of spaces: several short titles, two spaces apart, whose
    last title ends over the figures below it."""
    if "\t" in line or CAPTION_RE.match(line.strip()) or SECTION_HEAD_RE.match(line):
        return False
    cells = space_cells(line)
    if len(cells) < 1 or any(len(t.split()) > 6 or t.endswith((".", ",", ";", ":")) for _, _, t in cells):
        return False
    if len(cells) == 1 and cells[0][0] < 10:
        return False
    below_cells = space_cells(below)
    return bool(below_cells) and cells[-1][1] >= below_cells[-1][1] - 12 and cells[0][0] > below_cells[0][0] - 2 \
        if len(cells) == 1 else bool(below_cells) and abs(cells[-1][1] - below_cells[-1][1]) <= 12


def space_table(lines: list[str]) -> Block | None:
    """Columns of spaces: the columns are the runs of character positions that the rows of
    figures fill (gutters are blank in every row); title lines above the first row of figures
    are the header; a label alone on a line belongs to the row of figures next to it (the
    one before it when it starts in lower case or with a bracket, else the one after)."""
    figure_rows = [l for l in lines if is_space_row(l)]
    if not figure_rows:
        return None
    occupied: set[int] = set()
    for line in figure_rows:
        for start, end, _ in space_cells(line):
            occupied.update(range(start, end))
    columns: list[list[int]] = []  # [start, end) of each column
    for position in sorted(occupied):
        if columns and position - columns[-1][1] < 2:
            columns[-1][1] = position + 1
        else:
            columns.append([position, position + 1])

    def split(line: str) -> list[str]:
        out = [""] * len(columns)
        for start, end, text in space_cells(line):
            overlaps = [min(end, c[1]) - max(start, c[0]) for c in columns]
            best = max(range(len(columns)), key=lambda c: (overlaps[c], -abs(columns[c][1] - end)))
            if overlaps[best] <= 0:
                best = min(range(len(columns)), key=lambda c: min(abs(columns[c][1] - end), abs(columns[c][0] - start)))
            out[best] = f"{out[best]} {text}".strip()
        return out

    header: list[str] = []
    body_start = next(n for n, line in enumerate(lines) if is_space_row(line))
    for line in lines[:body_start]:
        cells = split(line)
        header = cells if not header else [f"{a} {b}".strip() for a, b in zip(header, cells)]
    rows: list[list[str]] = [header] if header else []
    pending = ""
    body = lines[body_start:]
    for n, line in enumerate(body):
        if is_space_row(line):
            cells = split(line)
            cells[0] = f"{pending} {cells[0]}".strip()
            pending = ""
            rows.append(cells)
            continue
        text = line.strip()
        if n > 0 and is_space_row(body[n - 1]) and rows and (text[:1].islower() or text.startswith("(")):
            rows[-1][0] = f"{rows[-1][0]} {text}"  # '(early resolution)' under its row
        else:
            pending = f"{pending} {text}".strip()
    if pending:
        rows.append([pending] + [""] * (len(columns) - 1))
    return table_block([[Cell(plain(c)) for c in r] for r in rows])


def space_table_end(lines: list[str], start: int) -> int:
    """The line after the end of the table of spaces whose first row of figures is at `start`
    (label lines between rows belong to it; a blank line ends it)."""
    end = start
    while end + 1 < len(lines) and lines[end + 1].strip():
        nxt = lines[end + 1]
        if is_space_row(nxt):
            end += 1
            continue
        # a wrapped label: a short line followed (within two lines) by a row of figures
        ahead = [l for l in lines[end + 2:end + 4]]
        wraps = len(nxt.split()) <= 6 and not re.search(r"[.:;]\s*$", nxt) and any(
            is_space_row(a) for a in ahead[:1]) or (nxt.strip()[:1] in "(" and len(nxt.split()) <= 4)
        wraps = wraps or (ahead and not is_space_row(ahead[0]) and len(ahead) > 1 and is_space_row(ahead[1])
                          and len(nxt.split()) <= 6 and len(ahead[0].split()) <= 6 and not CAPTION_RE.match(ahead[0].strip()))
        if not wraps or BULLET_RE.match(nxt) or CAPTION_RE.match(nxt.strip()):
            break
        end += 1
    return end + 1


def space_table_start(lines: list[str], first_row: int, floor: int) -> int:
    """The first line of a table of spaces: title lines and wrapped labels above its first
    row of figures, up to a blank line, a caption or `floor`."""
    start = first_row
    while start - 1 >= floor and lines[start - 1].strip():
        above = lines[start - 1]
        if CAPTION_RE.match(above.strip()) or SECTION_HEAD_RE.match(above) and not above.startswith(" " * 8):
            break
        if not is_space_header(above, lines[start]) and not (
                len(above.split()) <= 6 and not re.search(r"[.:;,]\s*$", above)
                and space_cells(above) and space_cells(above)[0][0] <= space_cells(lines[first_row])[0][0] + 1):
            break
        start -= 1
    return start


# -- the parse -------------------------------------------------------------------------------------

@dataclass
class _Region:
    start: int
    end: int  # exclusive
    block: Block


CONTENTS_TITLE_RE = re.compile(r"^\W*(?:table\s+of\s+)?contents\W*$", re.I)
CONTENTS_ENTRY_RE = re.compile(
    r"^\s*(?P<title>(?:(?:section\s+)?\d{1,2}[.:]?\s*)?\S.*?)\s*(?:(?:\.\s?){3,}|\t|\s{2,})\s*(?P<page>\d{1,3})\s*$"
    r"|^\s*(?P<bare>\d{1,2}\.\s+\S.{0,80})$", re.I)


def contents(lines: list[str], start: int) -> _Region | None:
    """A 'Contents' title and its entries ('3. Stage 1 complaints ........ 4', '3.<TAB>Stage 1
    complaints<TAB>4', or numbered titles without pages on a web page)."""
    j = start + 1
    while j < len(lines) and not lines[j].strip():
        j += 1
    rows = []
    while j < len(lines) and lines[j].strip():
        match = CONTENTS_ENTRY_RE.match(lines[j].replace("\t", "  ", 1) if re.match(r"^\s*\d{1,2}\.\t", lines[j])
                                        else lines[j])
        if not match:
            break
        title = plain((match.group("title") or match.group("bare")).replace("\t", " "))
        rows.append([Cell(title), Cell(match.group("page") or "")])
        j += 1
    if len(rows) < 3:
        return None
    return _Region(start, j, Block("contents", text=plain(MD_HEADING_RE.sub(r"\g<text>", lines[start])), rows=rows))


def find_tables(lines: list[str], dropped: set[int]) -> list[_Region]:
    regions: list[_Region] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if i in dropped:
            i += 1
            continue
        if CONTENTS_TITLE_RE.match(plain(MD_HEADING_RE.sub(r"\g<text>", line))):
            region = contents(lines, i)
            if region:
                regions.append(region)
                i = region.end
                continue
        if BOX_LINE_RE.match(line) and ("│" in line or "┌" in line or "┏" in line or "╔" in line):
            j = _extent(lines, i, lambda k: BOX_LINE_RE.match(lines[k]) and not RULE_RE.match(
                lines[k].replace("┌", "─")) or "│" in lines[k])
            _add(regions, box_table(lines[i:j]), i, j)
            i = max(j, i + 1)
            continue
        if PIPE_ROW_RE.match(line):
            j = _extent(lines, i, lambda k: PIPE_ROW_RE.match(lines[k]))
            _add(regions, pipe_table(lines[i:j]), i, j)
            i = j
            continue
        if line.startswith("\t") and not line.strip("\t ").count("\t") and line.strip() \
                and i + 1 < n and lines[i + 1].startswith("\t"):
            # one cell per line, rows separated by blank lines
            j = _extent(lines, i, lambda k: lines[k].startswith("\t") or not lines[k].strip() and k + 1 < n
                        and lines[k + 1].startswith("\t"))
            _add(regions, cell_per_line_table(lines[i:j]), i, j)
            i = j
            continue
        if "\t" in line and line.rstrip(" ").endswith("\t") and i + 1 < n and chart_line(lines[i + 1]):
            j = _extent(lines, i + 1, lambda k: chart_line(lines[k]))
            if _add(regions, chart_table(plain(line.replace("\t", " ")), lines[i + 1:j]), i, j):
                i = j
                continue
        if is_tab_row(line):
            j = i
            rows = []
            while j < n and j not in dropped and (is_tab_row(lines[j]) or _inner_label(lines, j)
                                                  or _row_after_blank(lines, j, rows)):
                if not lines[j].strip():
                    j += 1
                    continue
                cells = [c for c in tab_cells(lines[j])]
                if all(SEPARATOR_CELL_RE.match(c) or set(c.strip()) <= {"-", "="} for c in cells):
                    pass
                elif rows and not lines[j - 1].strip() and not cells[0].strip() and not any(
                        is_figure(c) or is_period(c) for c in cells if c.strip()):
                    # cell text that ran on (over a page break) below its row
                    rows[-1] = [Cell(f"{a.text} {plain(b)}".strip(), a.bold, a.italic) for a, b in
                                zip(rows[-1] + [Cell("")] * (len(cells) - len(rows[-1])), cells)]
                else:
                    rows.append([cell_of(c) for c in cells])
                j += 1
            block = table_block(rows)
            if block:
                regions.append(_Region(i, j, block))
            i = j
            continue
        if is_space_row(line) and (i + 1 < n and is_space_row(lines[i + 1]) or i > 0 and lines[i - 1].strip()
                                   and is_space_header(lines[i - 1], line)):
            floor = regions[-1].end if regions else 0
            start = space_table_start(lines, i, floor)
            end = space_table_end(lines, i)
            block = space_table(lines[start:end])
            if block and len(block.rows) >= 2:
                regions.append(_Region(start, end, block))
                i = end
                continue
        i += 1
    return regions


def _extent(lines: list[str], start: int, belongs) -> int:
    """The index after the run of lines from `start` for which `belongs(index)` holds."""
    end = start
    while end < len(lines) and belongs(end):
        end += 1
    return end


def _add(regions: list[_Region], block: Block | None, start: int, end: int) -> bool:
    if block:
        regions.append(_Region(start, end, block))
    return bool(block)


def _row_after_blank(lines: list[str], j: int, rows: list[list[Cell]]) -> bool:
    """Blank lines inside a table: the table goes on when the next row has its width and is
    not a new header (it holds figures, or text that ran on from the row above)."""
    if lines[j].strip() or not rows:
        return False
    k = j
    while k < len(lines) and not lines[k].strip():
        k += 1
    if k >= len(lines) or not is_tab_row(lines[k]):
        return False
    cells = tab_cells(lines[k])
    width = max(len(r) for r in rows)
    return len(cells) == width and (any(is_figure(c) for c in cells[1:] if c.strip()) or not cells[0].strip())


def _inner_label(lines: list[str], j: int) -> bool:
    """A short label line between two tab rows ('Children in Care' over its localities)."""
    return (0 < j < len(lines) - 1 and is_tab_row(lines[j - 1]) and is_tab_row(lines[j + 1])
            and 0 < len(lines[j].split()) <= 6 and not re.search(r"[.:;]\s*$", lines[j]))


def _hard_wrapped(lines: list[str], table_lines: set[int]) -> int | None:
    """The width a hand-wrapped file was wrapped at, or None when lines are paragraphs."""
    prose = [len(l.rstrip()) for i, l in enumerate(lines) if i not in table_lines and len(l.split()) > 3]
    if len(prose) < 5 or max(prose) > HARD_WRAP_MAX:
        return None
    return max(prose)


def _is_heading(text: str, next_line: str | None) -> bool:
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS or is_figure(text) or len(text) < 3:
        return False
    if re.search(r"[.,;:]$", text) or words[-1].lower() in FUNCTION_WORDS or text[:1].islower():
        return False
    if re.search(r"(?::|\s[–—-])\s*[£$]?\d[\d,.]*%?(?:\s|$)", text) or re.search(r"\.{4,}", text):
        return False  # 'Compliments: 187', 'Parent/carer – 128': a figure, not a title
    if not re.search(r"[A-Za-z]{3}", text) or not re.match(r"[\w(‘'\"]", text):
        return False  # '*multi-service complaint': a footnote
    if re.match(r"^[\d,.%£]+\s", text):
        return False  # '14 days to respond': a figure
    return next_line is None or not next_line.strip() or not next_line.strip()[:1].islower()


def parse(text: str) -> Structure:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "").split("\n")
    lines = [l.rstrip(" \u00a0\f") for l in lines]  # (a trailing tab ends a chart's title)
    dropped, running = furniture(lines)
    regions = find_tables(lines, dropped)
    table_lines = {k for r in regions for k in range(r.start, r.end)}
    wrap = _hard_wrapped(lines, table_lines | dropped)
    by_start = {r.start: r for r in regions}
    blocks: list[Block] = []
    paragraph: list[str] = []
    paragraph_indent = 0

    def flush() -> None:
        nonlocal paragraph
        if paragraph:
            text = plain(" ".join(p.strip() for p in paragraph))
            if text:
                blocks.append(Block("paragraph", text=text))
        paragraph = []

    i = 0
    while i < len(lines):
        if i in by_start:
            flush()
            region = by_start[i]
            blocks.append(region.block)
            i = region.end
            continue
        line = lines[i]
        if i in dropped:
            if re.match(r"^\s*-{2,}\s*page", line, re.I):
                flush()
                blocks.append(Block("break"))
            i += 1
            continue
        if not line.strip() or RULE_RE.match(line):
            if wrap is None or not line.strip():
                flush()
            i += 1
            continue
        nxt = next((lines[k] for k in range(i + 1, min(i + 2, len(lines)))), None)
        stripped = line.strip().replace("\t", " ") if not ("\t" in line.strip() and not is_tab_row(line)) else line.strip()
        if paragraph and wrap is not None and _continues(paragraph, line, paragraph_indent, wrap):
            paragraph.append(stripped)
            i += 1
            continue
        flush()
        block, indent = _line_block(line, nxt, lines, i)
        if block is None:  # the start of a paragraph
            paragraph = [stripped]
            paragraph_indent = indent
        else:
            blocks.append(block)
        i += 1
    flush()
    blocks = _join_broken_paragraphs(blocks)
    blocks = _attach_captions(blocks)
    return Structure(blocks=blocks, running=running)


def _continues(paragraph: list[str], line: str, indent: int, wrap: int) -> bool:
    """In a hand-wrapped file, a line goes on the paragraph above when it is not a new item
    and the line above was full, or it starts in lower case."""
    if BULLET_RE.match(line) or NUMBER_MARKER_RE.match(line) or CAPTION_RE.match(line.strip()):
        return False
    if MD_HEADING_RE.match(line) or BOLD_LINE_RE.match(line):
        return False
    previous = paragraph[-1]
    if ALIGNED_RE.search(previous) or ALIGNED_RE.search(line.strip()):
        return False  # label / value lines each stand alone
    this_indent = len(line) - len(line.lstrip())
    full = len(previous) + indent >= 0.6 * wrap
    return (full and abs(this_indent - indent) <= 2 and not re.search(r"[:]\s*$", previous)) or (
        line.strip()[:1].islower() and not re.search(r"[.!?]\s*$", previous))


def _line_block(line: str, nxt: str | None, lines: list[str], i: int) -> tuple[Block | None, int]:
    """The block a line starts: a heading, a list item, a caption (kept as a paragraph until
    its table is known), or None for the start of a paragraph (with the indent of its text)."""
    raw = line
    if "\t" in line and not is_tab_row(line):
        cells = [c.strip() for c in line.split("\t") if c.strip()]
        line = " ".join(cells[:1]) + (" " + "\t".join(cells[1:]) if len(cells) > 1 else "")
    stripped = line.strip()
    md = MD_HEADING_RE.match(line)
    if md:
        return Block("heading", text=plain(md.group("text")), level=min(len(md.group("hashes")), 4)), 0
    bold = BOLD_LINE_RE.match(line)
    if bold and len(plain(bold.group("text")).split()) <= MAX_CAPTION_WORDS:
        text = plain(bold.group("text"))
        if CAPTION_RE.match(text):
            return Block("paragraph", text=text, caption="?"), 0
        if not re.search(r"[.:]$", text) or len(text.split()) <= 6:
            return Block("heading", text=text, level=3), 0
    bullet = BULLET_RE.match(line)
    if bullet:
        return Block("item", text=plain(bullet.group("text"))), 0
    if CAPTION_RE.match(stripped) and len(stripped.split()) <= MAX_CAPTION_WORDS and not stripped.endswith("."):
        return Block("paragraph", text=plain(stripped), caption="?"), 0
    bare = BARE_SECTION_RE.match(line)
    if bare and _is_heading(plain(bare.group("text")), nxt):
        return Block("heading", text=plain(f"{bare.group('marker')} {bare.group('text')}"), level=2), 0
    numbered = NUMBER_MARKER_RE.match(line)
    if numbered:
        marker, rest = numbered.group("marker"), plain(numbered.group("text"))
        in_list = _numbered_neighbour(lines, i)
        section = SECTION_HEAD_RE.match(line)
        title = rest.split("\t")[0]
        if section and _is_heading(title.rstrip(":") if len(title.split()) <= 10 else title, nxt) and not in_list:
            depth = marker.rstrip(".").count(".")
            return Block("heading", text=plain(f"{marker} {rest}").replace("\t", " "), level=2 + min(depth, 2)), 0
        if in_list and re.fullmatch(r"\(?\d{1,2}[.)]|\(?[a-z][.)]", marker):
            return Block("item", text=rest, ordered=True, number=marker), 0
        indent = len(line) - len(line.lstrip()) + len(marker) + (len(line.lstrip()) - len(marker) - len(numbered.group("text")))
        return None, indent
    if _is_heading(plain(stripped), nxt) and not ALIGNED_RE.search(stripped) and (stripped.isupper() or _stands_alone(lines, i)):
        return Block("heading", text=plain(stripped), level=2 if stripped.isupper() else 3), 0
    return None, len(raw) - len(raw.lstrip())


def _stands_alone(lines: list[str], i: int) -> bool:
    """A title line: the line after it is blank or a longer line of text (not a figure)."""
    after = lines[i + 1] if i + 1 < len(lines) else ""
    if not after.strip() or "\t" in after or PIPE_ROW_RE.match(after) or BOX_LINE_RE.match(after):
        return True  # a title over a blank line or a table
    return len(after.split()) > len(lines[i].split()) + 3 or bool(MD_HEADING_RE.match(after))


def _numbered_neighbour(lines: list[str], i: int) -> bool:
    def numbered(k: int) -> bool:
        return 0 <= k < len(lines) and bool(re.match(r"^\s*\(?\d{1,2}[.)]\s+\S|^\s*\(?[a-z][.)]\s+\S", lines[k]))

    return numbered(i - 1) or numbered(i + 1)


def _join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    """A paragraph that a page break cut in two: the second part starts in lower case."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if (block.kind == "paragraph" and previous is not None and previous.kind == "paragraph"
                and block.text[:1].islower() and not re.search(r"[.!?:]$", previous.text) and not previous.caption):
            previous.text = f"{previous.text} {block.text}"
            continue
        out.append(block)
    return out


def _attach_captions(blocks: list[Block]) -> list[Block]:
    """A caption line right above a table becomes the table's caption; one with no table
    (a chart that was a picture) stays a paragraph, marked as a caption."""
    out: list[Block] = []
    for block in blocks:
        previous = out[-1] if out else None
        if block.kind == "table" and previous is not None and previous.caption == "?":
            block.caption = previous.text
            out[-1] = block
            continue
        out.append(block)
    for block in out:
        if block.kind == "paragraph" and block.caption == "?":
            block.caption = block.text  # a caption without a table
    return out


# -- checking by eye --------------------------------------------------------------------------------

def describe(structure: Structure) -> str:
    out = []
    for block in structure.blocks:
        if block.kind == "table":
            tag = "chart-table" if block.chart else "table"
            out.append(f"[{tag} header={block.header_rows} caption={block.caption!r}]")
            for row in block.rows:
                out.append("   | " + " | ".join(
                    ("*" if c.bold else "") + ("_" if c.italic else "") + c.text + (f"<{c.colspan}>" if c.colspan > 1 else "")
                    for c in row))
        elif block.kind == "heading":
            out.append(f"[h{block.level}] {block.text}")
        elif block.kind == "item":
            out.append(f"   {block.number or '•'} {block.text}")
        elif block.kind == "break":
            out.append("[page break]")
        elif block.kind == "contents":
            out.append(f"[contents] {block.text}: " + "; ".join(f"{r[0].text} {r[1].text}".strip() for r in block.rows))
        else:
            out.append(("[caption] " if block.caption else "") + block.text)
    if structure.running:
        out.append(f"[running] {structure.running}")
    return "\n".join(out)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(f"=== {name}")
        print(describe(parse(Path(name).read_text(encoding="utf-8-sig"))))

"""Tables in text laid out with spaces, as `pdftotext -layout` and some exports write them.

    Feedback:      Stage 1        Stage 2        % timeliness
    2023/24             9              0                 67%
    2022/23            15              0                 93%

Each character is treated as one unit of width and each line as one line of a PDF page, so the
PDF reader's borderless-table finder (aligned columns with figures in them, header lines above)
reads these tables too: one way of finding columns, not two.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.readers.common import looks_numeric
from extract.readers.pdf_lines import Line, PdfSettings
from extract.readers.pdf_tables import borderless_tables
from schemas.periods import is_period_label
from schemas import Cell

# a value in a squeezed column: '11', '5 + 1*', '-', '2016-17'
SQUEEZED_VALUE_RE = re.compile(r"\S+(?:\s\+\s\S+)?")
LINE_HEIGHT = 1.2  # a blank line leaves a gap of 1.4 lines, two blank lines end a table
# two spaces or more separate columns; one space separates words
# column titles wrapped over several lines ('Alternative / Dispute / Resolution / Cases')
LAYOUT_SETTINGS = PdfSettings(column_gap=1.5, max_header_lines=5, header_gap=2.5)


@dataclass(frozen=True)
class AlignedTable:
    first: int  # index of its first line
    last: int  # index of its last line
    rows: list[list[Cell]]


def aligned_tables(lines: list[str]) -> list[AlignedTable]:
    """The tables laid out with spaces among `lines` (lines with tabs are left to the tab reader)."""
    text_lines = [_line(i, raw) for i, raw in enumerate(lines) if raw.strip() and "\t" not in raw]
    if not text_lines:
        return []
    tables, _ = borderless_tables(text_lines, page=1, settings=LAYOUT_SETTINGS)
    found = []
    for table in tables:
        first, last = round(table.bbox[1] / LINE_HEIGHT), round((table.bbox[3] - 1) / LINE_HEIGHT)
        rows = _join_wrapped_labels(_join_wrapped_titles(_split_squeezed_columns(table.rows)))
        found.append(AlignedTable(first, last, rows))
    return found


def _split_squeezed_columns(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Columns printed one space apart run together: a cell '2016-17 2015-16 2014-15' over
    cells '11 6 16' is three columns."""
    width = max(len(row) for row in rows)
    rows = [row + [Cell(text="")] * (width - len(row)) for row in rows]
    for j in reversed(range(1, width)):
        year_row = next((n for n, row in enumerate(rows)
                         if len(row[j].text.split()) >= 2 and all(is_period_label(w) for w in row[j].text.split())), None)
        if year_row is None:
            continue
        count = len(rows[year_row][j].text.split())
        # a title above the years spans them: it stays in the first of the new columns
        parts = [[row[j].text] + [""] * (count - 1) for row in rows[:year_row]]
        parts += [SQUEEZED_VALUE_RE.findall(row[j].text) or [""] * count for row in rows[year_row:]]
        if any(len(p) != count for p in parts):
            continue  # figures that cannot be put under their years are left as they are
        rows = [row[:j] + [Cell(text=v) for v in p] + row[j + 1:] for row, p in zip(rows, parts)]
    return rows


def _join_wrapped_titles(rows: list[list[Cell]]) -> list[list[Cell]]:
    """Column titles wrapped over several lines become one title per column; a last title line
    of years alone ('2022/23  2023/24' under 'Stage 1  Stage 2') stays a row of its own."""
    header = []
    for row in rows:
        if any(looks_numeric(c.text) and not is_period_label(c.text) for c in row[1:]):
            break
        if not any(c.text for c in row[1:]):
            break  # 'Children in Need' alone on its line heads the rows below, not a column
        header.append(row)
    if len(header) < 2 or len(header) == len(rows):
        return rows
    body = rows[len(header):]
    years = header[-1] if all(is_period_label(c.text) for c in header[-1][1:] if c.text) else None
    titles = header[:-1] if years else header
    joined = [Cell(text=" ".join(row[n].text for row in titles if row[n].text)) for n in range(len(titles[0]))]
    return [joined] + ([years] if years else []) + body


# the tail of a row label wrapped onto a line of its own: 'Team 3', '(early resolution)', 'child)'
WRAPPED_TAIL_RE = re.compile(r"^(?:[a-z(].*|\S+(?:\s\S+)?\s*(?:\d{1,2}|\)))$")


def _join_wrapped_labels(rows: list[list[Cell]]) -> list[list[Cell]]:
    """A line of a table of spaces with no figures, whose text sits only under the labels of
    the row of figures above it and reads as the end of a label ('Team 3'), is that label's
    second line ('Children and Family Assessment' / 'Team 3'); a sub-heading ('Children in
    Care') is not joined."""
    out: list[list[Cell]] = []
    for row in rows:
        previous = out[-1] if out else None
        texts = [(n, c.text) for n, c in enumerate(row) if c.text]
        if (previous is not None and texts and any(looks_numeric(c.text) for c in previous[1:])
                and not any(looks_numeric(t) or is_period_label(t) for _, t in texts)
                and all(previous[n].text and not looks_numeric(previous[n].text) and WRAPPED_TAIL_RE.match(t)
                        for n, t in texts)):
            out[-1] = [Cell(text=f"{p.text} {c.text}".strip() if c.text else p.text, bold=p.bold, italic=p.italic)
                       for p, c in zip(previous, row)]
            continue
        out.append(row)
    return out


def _line(index: int, raw: str) -> Line:
    top = index * LINE_HEIGHT
    words = [
        {"text": m.group(0), "x0": float(m.start()), "x1": float(m.end()), "top": top, "bottom": top + 1.0,
         "size": 1.0, "fontname": ""}
        for m in re.finditer(r"\S+", raw.expandtabs(8))
    ]
    return Line(page=1, top=top, bottom=top + 1.0, x0=words[0]["x0"], x1=words[-1]["x1"], words=words,
                size=1.0, bold=False, italic=False)

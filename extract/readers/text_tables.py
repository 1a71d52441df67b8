"""Tables in text exports: tab-separated lines, markdown pipes, Word's one-cell-per-line export.

A run of table lines (blank lines and short sub-heading rows inside it allowed) is cut into
tables at separator rows and at a header-like row after a blank line; a table whose rows are a
chart's data (labels and values) becomes a `Chart`.
"""

from __future__ import annotations

import re

from extract.readers.common import BlockBuilder, cell_from_markup, chart_from_rows, is_separator_row, looks_numeric
from extract.readers.text_patterns import BULLET_RE, MD_HEADING_RE, PIPE_ROW_RE
from schemas import Cell, Heading


def is_table_line(line: str) -> bool:
    return bool(line.strip()) and ("\t" in line or bool(PIPE_ROW_RE.match(line)))


def read_table_region(lines: list[str], start: int, builder: BlockBuilder) -> int:
    """Read the run of tab-separated lines starting at `start`; return the next line to read."""
    end = start
    region: list[tuple[int, str]] = []  # (line index, raw line); blank lines kept as ''
    while end < len(lines):
        line = lines[end]
        if is_table_line(line):
            region.append((end, line))
            end += 1
            continue
        if not line.strip():
            ahead = end
            while ahead < len(lines) and not lines[ahead].strip():
                ahead += 1
            if ahead < len(lines) and is_table_line(lines[ahead]):
                region.append((end, ""))
                end = ahead
                continue
        elif _is_inner_subheading(line, lines, end):
            region.append((end, line))  # a sub-heading row printed without its empty cells
            end += 1
            continue
        break
    for table_lines in _split_tables(region):
        _emit_table(table_lines, builder)
    return end


def _is_inner_subheading(line: str, lines: list[str], index: int) -> bool:
    """A short label line between two table lines ('Children in Care' above its locality rows)."""
    text = line.strip()
    if len(text.split()) > 6 or re.search(r"[.:;,]$", text) or BULLET_RE.match(line) or MD_HEADING_RE.match(line):
        return False
    following = index + 1
    return following < len(lines) and is_table_line(lines[following]) and index > 0 and is_table_line(lines[index - 1])


def _row_cells(raw: str) -> list[str]:
    if PIPE_ROW_RE.match(raw):
        return [c for c in raw.strip().strip("|").split("|")]
    return raw.split("\t")


def _merge_ampersands(cells: list[str]) -> list[str]:
    """Word splits 'Safeguarding & Family Support' into three cells around a lone '&'."""
    merged: list[str] = []
    i = 0
    while i < len(cells):
        cell = cells[i]
        if cell.strip() in {"&", "and"} and merged and i + 1 < len(cells):
            merged[-1] = f"{merged[-1].rstrip()} {cell.strip()} {cells[i + 1].lstrip()}"
            i += 2
            continue
        merged.append(cell)
        i += 1
    return merged


def _split_tables(region: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Cut a region of table lines into tables: at separator rows, and at a blank line
    followed by a header-like row once the table above has figures."""
    cell_per_line = all(raw.startswith("\t") for _, raw in region if raw)
    if cell_per_line:
        return [region]
    tables: list[list[tuple[int, str]]] = [[]]
    seen_blank = False
    for index, raw in region:
        if not raw:
            seen_blank = True
            continue
        cells = [c.strip() for c in _row_cells(raw)]
        if is_separator_row(cells):
            if not (len(tables[-1]) == 1 and PIPE_ROW_RE.match(raw)):
                tables.append([])  # a markdown table's '|---|---|' under its header row does not end it
            seen_blank = False
            continue
        current = tables[-1]
        has_figures = any(looks_numeric(c) for _, r in current for c in _row_cells(r)[1:])
        header_like = not any(looks_numeric(c) for c in cells[1:])
        if seen_blank and current and has_figures and header_like and len([c for c in cells if c]) > 1:
            tables.append([])
        tables[-1].append((index, raw))
        seen_blank = False
    return [t for t in tables if t]


def _emit_table(table_lines: list[tuple[int, str]], builder: BlockBuilder) -> None:
    first_line = table_lines[0][0] + 1
    source_text = "\n".join(raw for _, raw in table_lines)
    if all(raw.startswith("\t") for _, raw in table_lines if raw) and any(not raw for _, raw in table_lines):
        rows = _cell_per_line_rows(table_lines)
    else:
        rows = [
            [cell_from_markup(c) for c in _merge_ampersands(_row_cells(raw))]
            for _, raw in table_lines
            if raw
        ]
    rows = [_trim_row(row) for row in rows]
    rows = [row for row in rows if row and not is_separator_row([c.text for c in row])]
    if not rows:
        return
    chart = chart_from_rows([[c.text for c in row] for row in rows])
    if chart is not None:
        categories, series, complete = chart
        title = _chart_title(builder)
        builder.chart(title, categories, series, complete, source_text=source_text, line=first_line)
        return
    builder.table(rows, source_text=source_text, line=first_line)


def _cell_per_line_rows(table_lines: list[tuple[int, str]]) -> list[list[Cell]]:
    """Word's export of a table with one cell per line, rows separated by blank lines."""
    rows: list[list[Cell]] = []
    current: list[Cell] = []
    for _, raw in table_lines:
        if not raw:
            if current:
                rows.append(current)
            current = []
            continue
        current.extend(cell_from_markup(c) for c in raw.split("\t") if c.strip())
    if current:
        rows.append(current)
    return rows


def _trim_row(row: list[Cell]) -> list[Cell]:
    while row and not row[-1].text:
        row = row[:-1]
    return row


def _chart_title(builder: BlockBuilder) -> str | None:
    for block in reversed(builder.blocks[-3:]):
        if isinstance(block, Heading):
            return block.text
    return None

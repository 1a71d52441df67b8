"""A table squared up: header rows, data rows, and what the header says of each column.

Header rows are the rows before the first row of figures (at most `max_header_rows`); a
column's label joins its header cells ('Stage 1' over 'Upheld'), a title spanning the
columns below it is repeated over each, and a '%' column is the share of the one before.
Years in column labels ('2016/2017') give each column its period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.finders.values import is_signed_change, parse_cell
from extract.lexicon import Lexicon
from extract.settings import SETTINGS
from extract.readers.common import is_blank_value, looks_numeric
from schemas import Cell
from schemas.periods import is_period_label, parse_period

PERCENT_ONLY = re.compile(r"^\W*(?:%|per\s*cent|percent(?:age)?)\W*$", re.IGNORECASE)


@dataclass
class Grid:
    """A table squared up: header rows, data rows, and what the header says of each column."""

    header: list[list[Cell]]
    data: list[list[Cell]]
    width: int
    column_labels: list[str] = field(default_factory=list)
    column_periods: list[str | None] = field(default_factory=list)


def split_side_by_side(rows: list[list[Cell]], lexicon: Lexicon) -> list[list[list[Cell]]]:
    """Two lists printed side by side ('Service Area (2023/24) | Total | Service Area (2022/23) | Total')."""
    width = max(len(r) for r in rows)
    header = [c.text for c in rows[0]] + [""] * (width - len(rows[0]))
    if width >= 4 and width % 2 == 0:
        half = width // 2
        left, right = header[:half], header[half:]

        def strip_period(text: str) -> str:
            return re.sub(r"[\s()]+", " ", re.sub(r"\d{4}\s*[/-]\s*\d{2,4}", "", text)).strip().lower()

        if [strip_period(t) for t in left] == [strip_period(t) for t in right] and left != right and left[0]:
            padded = [r + [Cell(text="")] * (width - len(r)) for r in rows]
            return [[r[:half] for r in padded], [r[half:] for r in padded]]
    return [rows]


def square(rows: list[list[Cell]]) -> Grid:
    width = max(len(r) for r in rows)
    padded = [r + [Cell(text="")] * (width - len(r)) for r in rows]
    header: list[list[Cell]] = []
    for row in padded[:SETTINGS.max_header_rows]:
        if is_data_row(row):
            break
        if not any(c.text and not is_blank_value(c.text) for c in row[1:]):
            break  # a sub-heading, or a row of blanks: data, not header
        header.append(row)
    data = padded[len(header):]
    grid = Grid(header=header, data=data, width=width)
    grid.column_labels, grid.column_periods = _columns(header, width)
    return grid


def is_data_row(row: list[Cell]) -> bool:
    return any(parse_cell(c.text) or is_signed_change(c.text) for c in row[1:]) or looks_numeric(row[0].text)


def _columns(header: list[list[Cell]], width: int) -> tuple[list[str], list[str | None]]:
    labels = [""] * width
    for r, row in enumerate(header):
        carry = ""
        for j in range(1, width):
            text = row[j].text
            if not text and r < len(header) - 1 and carry:
                text = carry  # a title spanning the columns below it
            elif text:
                carry = text
            if text:
                labels[j] = f"{labels[j]} {text}".strip()
    for j in range(2, width):
        if PERCENT_ONLY.match(labels[j]) and labels[j - 1]:
            labels[j] = f"{labels[j - 1]} %"  # 'Answered in time | %': the share of the column before
    periods: list[str | None] = [parse_period(label) if label else None for label in labels]
    if any(periods[1:]):
        last = None
        for j in range(1, width):
            if periods[j] is None and last is not None and labels[j] and not is_period_label(labels[j]):
                periods[j] = last  # 'Upheld' after 'Volume Closed 2023/24' is for 2023/24
            elif periods[j] is not None:
                last = periods[j]
    return labels, periods

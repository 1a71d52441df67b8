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
    if width == 4 and _two_lists(rows):
        padded = [r + [Cell(text="")] * (width - len(r)) for r in rows]
        return [[r[:2] for r in padded], [r[2:] for r in padded if r[2].text or r[3].text]]
    return [rows]


def _two_lists(rows: list[list[Cell]]) -> bool:
    """'Complainant | Number | Method of contact | Number': two lists of labels and counts side by
    side, the same word over both count columns and labels, not figures, in the third column."""
    header = [c.text.strip().lower() for c in rows[0]] + [""] * (4 - len(rows[0]))
    if not header[0] or not header[2] or header[0] == header[2] or header[1] != header[3] or not header[1]:
        return False
    data = [r for r in rows[1:] if len(r) >= 3 and r[2].text.strip()]
    return bool(data) and all(not looks_numeric(r[2].text) and not is_period_label(r[2].text) for r in data)


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


def join_wrapped_labels(rows: list[list[Cell]], joining_words: set[str]) -> list[list[Cell]]:
    """A row label wrapped over two lines, its figures on one of them ('Stage 2 (independent' over
    'investigation) | 19 | 22', 'Grandparent or other' over 'relative | 29'): one row. A line is
    the label's first part when it has no figures, the next row has, and the wrap shows (a word
    like 'the' or an open bracket at the end, a lower-case word or a bracket at the start)."""
    joined: list[list[Cell]] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        following = rows[i + 1] if i + 1 < len(rows) else None
        if following and _label_only(row) and following[0].text and is_data_row(following) and \
                _wrapped(row[0].text, following[0].text, joining_words):
            label = following[0].model_copy(update={"text": f"{row[0].text.strip()} {following[0].text.strip()}"})
            joined.append([label, *following[1:]])
            i += 2
            continue
        joined.append(row)
        i += 1
    return joined


def _label_only(row: list[Cell]) -> bool:
    return bool(row and row[0].text.strip()) and not any(c.text.strip() for c in row[1:])


def _wrapped(first: str, second: str, joining_words: set[str]) -> bool:
    first, second = first.strip(), second.strip()
    last_word = first.split()[-1].lower() if first.split() else ""
    return (last_word in joining_words or first.count("(") > first.count(")")
            or second[:1].islower() or second[:1] == "(")


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

"""Tables in text drawn with rules, as text browsers (w3m, lynx), pandoc's grid tables and
database shells write them:

    ┌──────────────────────────┬─────────┐        +--------------------------+---------+
    │Concerns resolved by the  │61       │        | Concerns resolved by the | 61      |
    │service                   │         │        | service                  |         |
    ├──────────────────────────┼─────────┤        +==========================+=========+

A cell wrapped over several lines is one cell: a line continues the row above when each of its
words would not have fitted at the end of the cell above it (how text is wrapped), or when it
is in the header, above the first rule inside the table.
"""

from __future__ import annotations

import re

from extract.readers.common import cell_from_markup
from extract.readers.layout import AlignedTable

VERTICALS = "│┃║|"
# a rule: corners, crossings and lines only ('┌────┬───┐', '+=====+====+', '├────┼───┤')
RULE_RE = re.compile(r"^\s*[┌┍┎┏├┝┞┟┠┡┢┣└┕┖┗╒╓╔╞╟╠╘╙╚+][─━═\-=+┬┭┮┯┰┱┲┳┼┽┾┿╀╁╂╃╄╅╆╇╈╉╊╋╤╥╦╪╫╬╧╨╩┴┵┶┷┸┹┺┻:]{3,}"
                     r"[┐┑┒┓┤┥┦┧┨┩┪┫┘┙┚┛╕╖╗╡╢╣╛╜╝+]\s*$")
ROW_RE = re.compile(r"^\s*[│┃║|].*[│┃║|]\s*$")
VERTICAL_RE = re.compile(r"[│┃║]|(?<!\S)\|(?!\S)|^\s*\||\|\s*$")


def ruled_tables(lines: list[str]) -> list[AlignedTable]:
    """The tables drawn with rules among `lines`: each starts with a rule line followed by rows."""
    tables: list[AlignedTable] = []
    i = 0
    while i < len(lines):
        if not (RULE_RE.match(lines[i]) and i + 1 < len(lines) and ROW_RE.match(lines[i + 1])):
            i += 1
            continue
        last = i
        while last + 1 < len(lines) and (RULE_RE.match(lines[last + 1]) or ROW_RE.match(lines[last + 1])):
            last += 1
        rows = _rows(lines[i:last + 1])
        if rows:
            tables.append(AlignedTable(first=i, last=last, rows=[[cell_from_markup(c) for c in row] for row in rows]))
        i = last + 1
    return tables


def _rows(region: list[str]) -> list[list[str]]:
    inner_rules = [n for n, line in enumerate(region) if RULE_RE.match(line) and 0 < n < len(region) - 1]
    header_end = inner_rules[0] if inner_rules else 0
    rows: list[list[str]] = []
    widths: list[list[int]] = []  # the width of each cell of each row, to tell a wrapped line
    after_rule = True
    for n, line in enumerate(region):
        if RULE_RE.match(line):
            after_rule = True
            continue
        cells, cell_widths = _cells(line)
        in_header = n < header_end
        if rows and not after_rule and (in_header or _continues(rows[-1], widths[-1], cells)):
            rows[-1] = [" ".join(part for part in (above, below) if part) for above, below in _pairs(rows[-1], cells)]
        else:
            rows.append(cells)
            widths.append(cell_widths)
        after_rule = False
    return [row for row in rows if any(row)]


def _cells(line: str) -> tuple[list[str], list[int]]:
    parts = VERTICAL_RE.split(line.strip())[1:-1]
    return [p.strip() for p in parts], [len(p) for p in parts]


def _pairs(above: list[str], below: list[str]) -> list[tuple[str, str]]:
    width = max(len(above), len(below))
    return [(above[k] if k < len(above) else "", below[k] if k < len(below) else "") for k in range(width)]


def _continues(above: list[str], widths: list[int], cells: list[str]) -> bool:
    """True when every filled cell of a line is the wrapped end of the cell above it."""
    filled = [k for k, text in enumerate(cells) if text]
    if not filled or len(cells) != len(above):
        return False
    return all(above[k] and len(above[k]) + 1 + len(cells[k].split()[0]) > widths[k] - 1 for k in filled)

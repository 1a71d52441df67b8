"""Printed figures -> numbers with units: '9 (10%)', '56%', '£1,000', '1*', 'Three'."""

from __future__ import annotations

import re

from schemas import Unit

NUMBER_WORDS = {
    "zero": 0, "nil": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}

_NUM = r"\d[\d,]*(?:\.\d+)?"
_CELL_RE = re.compile(
    rf"^(?P<money>[£$])?\s*(?P<value>{_NUM})\s*(?P<pct>%)?\s*"
    rf"(?:\(\s*(?P<inner>{_NUM})\s*(?P<inner_pct>%)?\s*\))?\s*\**$"
)
_STARRED_ADDEND_RE = re.compile(rf"^(?P<value>{_NUM})\s*\+\s*{_NUM}\s*\*+$")
_SIGNED_RE = re.compile(rf"^[+\-−]\s*{_NUM}\s*%?$")


def to_number(text: str) -> float:
    return float(text.replace(",", ""))


def parse_cell(text: str) -> list[tuple[float, Unit]]:
    """The figures in a table cell; [] for blanks, dashes, text and signed differences.

    '9 (10%)' is two figures (9 and 10 percent); '5 + 1*' is 5 (the starred addend is a
    footnoted complaint counted under another row); '-6' and '+9%' are changes, not figures.
    """
    text = text.strip().replace("\u2212", "-")
    if not text or _SIGNED_RE.match(text):
        return []
    starred = _STARRED_ADDEND_RE.match(text)
    if starred:
        return [(to_number(starred.group("value")), Unit.COUNT)]
    match = _CELL_RE.match(text)
    if not match:
        return []
    value = to_number(match.group("value"))
    if match.group("money"):
        return [(value, Unit.GBP)]
    first_unit = Unit.PERCENT if match.group("pct") else Unit.COUNT
    figures = [(value, first_unit)]
    if match.group("inner") is not None:
        inner_unit = Unit.PERCENT if match.group("inner_pct") else Unit.COUNT
        if inner_unit != first_unit:
            figures.append((to_number(match.group("inner")), inner_unit))
    return figures


def is_signed_change(text: str) -> bool:
    return bool(_SIGNED_RE.match(text.strip().replace("\u2212", "-")))

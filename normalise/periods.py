"""Reporting periods: every way a report writes a financial year becomes '2017-18'.

"April 2017 – March 2018", "2017/2018", "2017/18", "2017-18", "2016 - 2017" and
"1 April 2023 to 31 March 2024" all name an April-to-March year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DASH = r"(?:/|-|–|—|‐|‑|to)"
# A year pair; the second year may be glued to following digits in flattened text
# ("2023/2413% more complaints"), so it is validated in code, not by the regex.
_PAIR_RE = re.compile(r"(?<![\d£$.,])((?:19|20)\d{2})\*?\s*" + _DASH + r"\s*(\d{2,4})")
_ORD = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+)?"
_RANGE_RE = re.compile(
    _ORD + r"April\s+((?:19|20)\d{2})\s*(?:to|until|and|–|—|-)\s*" + _ORD + r"March\s+((?:19|20)\d{2})",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PeriodMention:
    start: int
    end: int
    period: str
    text: str


def make_period(start_year: int) -> str:
    """The period that starts in April of `start_year`: 2017 -> '2017-18'."""
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def shift(period: str, years: int) -> str:
    """The period `years` later (negative: earlier): shift('2017-18', -1) == '2016-17'."""
    return make_period(int(period[:4]) + years)


def start_year(period: str) -> int:
    return int(period[:4])


def _pair_end(first: int, second: str) -> tuple[int, str] | None:
    """Validate the second half of a year pair; return (characters used, kind)."""
    if len(second) >= 4 and int(second[:4]) == first + 1:
        return 4, "long"
    if int(second[:2]) == (first + 1) % 100:
        return 2, "short"
    return None


def find_periods(text: str) -> list[PeriodMention]:
    """Every financial year named in `text`, in order, with its position."""
    found: list[PeriodMention] = []
    for match in _RANGE_RE.finditer(text):
        first, second = int(match.group(1)), int(match.group(2))
        if second == first + 1:
            found.append(PeriodMention(match.start(), match.end(), make_period(first), match.group(0)))
    taken = [(m.start, m.end) for m in found]
    for match in _PAIR_RE.finditer(text):
        first = int(match.group(1))
        used = _pair_end(first, match.group(2))
        if used is None:
            continue
        end = match.start(2) + used[0]
        if any(s <= match.start() < e for s, e in taken):
            continue
        found.append(PeriodMention(match.start(), end, make_period(first), text[match.start():end]))
    return sorted(found, key=lambda m: m.start)


def parse_period(label: str) -> str | None:
    """The period a short label names ('2016/2017', '<b>2015-16*</b>', 'Volume Closed 2023/24').

    Returns None when the label names no period or more than one.
    """
    periods = {m.period for m in find_periods(label)}
    return periods.pop() if len(periods) == 1 else None


_BARE_PERIOD_RE = re.compile(r"^\W*(?:FY\s*)?(?:year\s*)?(?P<body>.+?)\W*$", re.IGNORECASE)


def is_period_label(label: str) -> bool:
    """True when a label is nothing but a period ('2016/2017', '2015-16*', 'Year 2023/24')."""
    mentions = find_periods(label)
    if len(mentions) != 1:
        return False
    rest = (label[: mentions[0].start] + label[mentions[0].end:]).strip(" *:()\t").lower()
    return rest in {"", "year", "fy", "financial year"}

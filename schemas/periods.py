"""Reporting periods: every way a report writes a financial year becomes '2017-18'.

The one place for reporting-year arithmetic (start year, first and last day, shifting) and
for reading years from text. Pure functions: readers, finders, the corpus and the site use them.

"April 2017 – March 2018", "Apr 2017 - Mar 2018", "2017/2018", "2017/18", "2017-18",
"2016 - 2017", "1 April 2023 to 31 March 2024", "1st April 2017 to 31st March 2018",
"01/04/2017 to 31/03/2018" and "the year ended 31 March 2018" all name an April-to-March year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")

_DASHES = "-–—‐‑‒−"
_DASH = r"(?:/|[" + _DASHES + r"]|to\b)"
# A year pair; the second year may be glued to following digits in flattened text
# ("2023/2413% more complaints", "2015/162016/17"), so it is validated in code, not by the regex.
_PAIR_RE = re.compile(r"((?:19|20)\d{2})\*?\s*" + _DASH + r"\s*(\d{2,4})")
#: Characters that make a four-digit number something other than a year ('£2017', '1,2017', '31/03/2018').
_NOT_A_YEAR_BEFORE = set("0123456789£$.,/")
_ORD = r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?)?"
_RANGE_RE = re.compile(
    _ORD + r"Apr(?:il)?\.?,?\s+((?:19|20)\d{2})\s*(?:to|until|and|[" + _DASHES + r"])\s*"
    + _ORD + r"Mar(?:ch)?\.?,?\s+((?:19|20)\d{2})\b",
    re.IGNORECASE,
)
# '01/04/2017 to 31/03/2018', '1.4.2017 - 31.3.2018'
_DATE_RANGE_RE = re.compile(
    r"(?<!\d)0?1([/.])0?4\1((?:19|20)\d{2})\s*(?:to|until|and|[" + _DASHES + r"])\s*31([/.])0?3\3((?:19|20)\d{2})(?!\d)",
    re.IGNORECASE,
)
# 'the year ended 31 March 2018', 'year ending 31st March 2018'
_YEAR_ENDED_RE = re.compile(
    r"\byear\s+end(?:ed|ing)\s+(?:on\s+)?31(?:st)?\s+March\s+((?:19|20)\d{2})\b", re.IGNORECASE
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


def first_day(period: str) -> date:
    """1 April of the period's first year."""
    return date(start_year(period), 4, 1)


def last_day(period: str) -> date:
    """31 March of the period's second year."""
    return date(start_year(period) + 1, 3, 31)


def check_period(value: str) -> str:
    """Validate a 'YYYY-YY' financial year whose second half follows the first."""
    match = PERIOD_RE.match(value)
    if not match:
        raise ValueError(f"period must look like '2017-18', got {value!r}")
    start, end = int(match.group(1)), int(match.group(2))
    if (start + 1) % 100 != end:
        raise ValueError(f"period {value!r} is not one April-to-March year")
    return value


def period_range(periods) -> list[str]:
    """Every period from the earliest to the latest of `periods`, in order ([] for none)."""
    starts = [start_year(p) for p in periods if p]
    return [make_period(year) for year in range(min(starts), max(starts) + 1)] if starts else []


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
    for pattern, first_group, second_group in ((_RANGE_RE, 1, 2), (_DATE_RANGE_RE, 2, 4)):
        for match in pattern.finditer(text):
            first, second = int(match.group(first_group)), int(match.group(second_group))
            if second == first + 1:
                found.append(PeriodMention(match.start(), match.end(), make_period(first), match.group(0)))
    for match in _YEAR_ENDED_RE.finditer(text):
        found.append(PeriodMention(match.start(), match.end(), make_period(int(match.group(1)) - 1), match.group(0)))
    taken = [(m.start, m.end) for m in found]
    position, previous_end = 0, -1
    while True:
        match = _PAIR_RE.search(text, position)
        if match is None:
            break
        start = match.start()
        glued = start == previous_end  # '2015/162016/17': the second pair follows the first
        if start > 0 and text[start - 1] in _NOT_A_YEAR_BEFORE and not glued:
            position = start + 1
            continue
        used = _pair_end(int(match.group(1)), match.group(2))
        if used is None or any(s <= start < e for s, e in taken):
            position = start + 1
            continue
        end = match.start(2) + used[0]
        found.append(PeriodMention(start, end, make_period(int(match.group(1))), text[start:end]))
        position = previous_end = end
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

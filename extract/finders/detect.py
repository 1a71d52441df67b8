"""Which year a report is for, read from the document itself.

The year is the one it names as its period ('1 April 2023 to 31 March 2024', 'Annual Report
2016 - 2017'). When nothing decides, the answer is None and the document is flagged, never
guessed. (Which council it is about is normalisation's job: `normalise.councils.identify`.)
"""

from __future__ import annotations

import re
from collections import defaultdict

from schemas.periods import find_periods, start_year

TITLE_CHARS = 1500  # how much of the start of a report counts as its title page
RANGE_BONUS = 5  # 'April 2017 to March 2018' names the reporting period itself
TITLE_BONUS = 3


def detect_period(text: str) -> tuple[str | None, str | None]:
    """The report's April-to-March year and the words that name it, or (None, None)."""
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, str] = {}
    for mention in find_periods(text):
        score = 1.0
        if re.search(r"april", mention.text, re.IGNORECASE):
            score += RANGE_BONUS
        if mention.start < TITLE_CHARS:
            score += TITLE_BONUS
        scores[mention.period] += score
        if score > 1 or mention.period not in evidence:
            evidence.setdefault(mention.period, mention.text)
    if not scores:
        return None, None
    best = max(scores, key=lambda p: (scores[p], start_year(p)))
    return best, evidence.get(best)

"""Which council's report, for which year: read from the document itself.

The council is the one the report names most strongly (as '<name> Council', in its
title, in its e-mail addresses); the year is the one it names as its period ('1 April
2023 to 31 March 2024', 'Annual Report 2016 - 2017'). When nothing decides, the answer is
None and the document is flagged, never guessed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from normalise.councils import Council, CouncilRegistry, name_key
from normalise.periods import find_periods, start_year
from schemas import Document

TITLE_CHARS = 1500  # how much of the start of a report counts as its title page
COUNCIL_SUFFIX_RE = re.compile(
    r"^\s*(?:'s|’s)?\s*(?:Metropolitan\s+Borough\s+|Borough\s+|County\s+|City\s+|District\s+)?Council\b"
)
DOMAIN_RE = re.compile(r"(?:@|www\.)([a-z0-9-]+)\.gov\.uk", re.IGNORECASE)


@dataclass(frozen=True)
class Detection:
    council: Council | None
    council_evidence: str | None
    period: str | None
    period_evidence: str | None


def detect(doc: Document, registry: CouncilRegistry) -> Detection:
    council, council_evidence = detect_council(doc.text, registry)
    period, period_evidence = detect_period(doc.text)
    if council is not None and period is not None:
        # a name shared by an old and a new authority (North Yorkshire, Dorset) takes the year's
        council = registry.lookup(council.name, period) or council
    return Detection(council, council_evidence, period, period_evidence)


def detect_council(text: str, registry: CouncilRegistry) -> tuple[Council | None, str | None]:
    scores: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for start, end, council in registry.find_mentions(text):
        score = 1.0
        if COUNCIL_SUFFIX_RE.match(text[end:end + 40]):
            score += 3
        if start < TITLE_CHARS:
            score += 2
        scores[council.code] += score
        first_seen.setdefault(council.code, start)
        evidence.setdefault(council.code, text[start:end + 10].strip())
    stems = {name_key(c.name).replace(" ", ""): c for c in registry.current()}
    for match in DOMAIN_RE.finditer(text):
        council = stems.get(match.group(1).lower().replace("-", ""))
        if council is not None:
            scores[council.code] += 3
            first_seen.setdefault(council.code, match.start())
            evidence.setdefault(council.code, match.group(0))
    if not scores:
        return None, None
    best = max(scores, key=lambda code: (scores[code], -first_seen[code]))
    return registry.by_code[best], evidence[best]


def detect_period(text: str) -> tuple[str | None, str | None]:
    scores: dict[str, float] = defaultdict(float)
    evidence: dict[str, str] = {}
    for mention in find_periods(text):
        score = 1.0
        if re.search(r"april", mention.text, re.IGNORECASE):
            score += 5  # 'April 2017 to March 2018' names the reporting period itself
        if mention.start < TITLE_CHARS:
            score += 3
        scores[mention.period] += score
        if score > 1 or mention.period not in evidence:
            evidence.setdefault(mention.period, mention.text)
    if not scores:
        return None, None
    best = max(scores, key=lambda p: (scores[p], start_year(p)))
    return best, evidence.get(best)

"""Evidence from agreement: a document's figures that check each other.

A report prints figures that must fit together: outcomes that add up to the complaints at
that stage, a percentage that is its count over the total, the same figure in a table and
again in a sentence. When they fit, each figure is much more likely to have been read
right (the wrong total, stage or year rarely adds up by chance); when they do not, one of
them may be wrong. Each fact gets evidence strings saying so:

* ``agrees:breakdown_sum`` / ``disagrees:breakdown_sum``: a total and the parts of one
  breakdown of it (outcomes, services, response times, ... at the same stage and year)
  that add up to it, or do not;
* ``agrees:percent_sum``: percentages of one breakdown that add up to 100 (within rounding);
* ``agrees:percent_of_count`` / ``disagrees:percent_of_count``: a percentage and the count
  of the same category, whose share of the total (or of the breakdown's sum) it is, or is not;
* ``agrees:repeated`` / ``disagrees:repeated``: the same key read in two places of the
  document with the same value (set when duplicates are merged), or with different values.

Only figures of one document are compared: two reports may define their totals differently.
The checks say nothing about a figure that has nothing to check against (most prior-year
figures, a lone Ombudsman count); calibration (normalise/trust.py) learns what each piece of
evidence, and its absence, is worth.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from schemas import Fact, Measure, Unit

AGREES = "agrees:"
DISAGREES = "disagrees:"
BREAKDOWN_SUM = "breakdown_sum"
PERCENT_SUM = "percent_sum"
PERCENT_OF_COUNT = "percent_of_count"
REPEATED = "repeated"

#: Percentages printed rounded (or cut) to whole numbers: '9 (18%)' of 48 is 18.75%.
PERCENT_TOLERANCE = 1.0
#: Percentages of one breakdown add up to 100 within this (rounding of each part).
PERCENT_SUM_TOLERANCE = 1.5

M = Measure
#: Each total, and the breakdowns of it whose parts (at the same stage and year) can add up to it.
BREAKDOWNS: dict[Measure, tuple[Measure, ...]] = {
    M.COMPLAINTS_RECEIVED: (M.COMPLAINTS_BY_OUTCOME, M.COMPLAINTS_BY_RESPONSE_TIME, M.COMPLAINTS_BY_SERVICE,
                            M.COMPLAINTS_BY_COMPLAINANT, M.COMPLAINTS_BY_CHANNEL, M.COMPLAINTS_BY_THEME),
    M.COMPLAINTS_RESPONDED: (M.COMPLAINTS_BY_OUTCOME, M.COMPLAINTS_BY_RESPONSE_TIME),
    M.COMPLIMENTS_RECEIVED: (M.COMPLIMENTS_BY_SERVICE,),
    M.ENQUIRIES_RECEIVED: (M.ENQUIRIES_RECEIVED, M.ENQUIRIES_BY_SERVICE),  # the total has no category
}
#: A share of what: the totals a percentage of each measure can be a share of (besides the
#: sum of its own breakdown).
SHARE_OF: dict[Measure, tuple[Measure, ...]] = {
    M.COMPLAINTS_IN_TIMESCALE: (M.COMPLAINTS_RESPONDED, M.COMPLAINTS_RECEIVED),
    M.LGSCO_UPHELD: (M.LGSCO_DECISIONS, M.LGSCO_COMPLAINTS),
    **{part: tuple(total for total, parts in BREAKDOWNS.items() if part in parts)
       for parts in BREAKDOWNS.values() for part in parts},
}


def _slot(fact: Fact) -> tuple:
    """Council, year and stage: the frame inside which figures must fit together."""
    return (fact.authority_code, fact.period, fact.stage)


def _label(fact: Fact) -> str:
    return fact.key()[4] or ""


def _parts(facts: Iterable[Fact]) -> list[Fact]:
    """The rows of a breakdown that count separately: a nested row ('Themes > Delay') whose
    printed parent is also a row is already in the parent."""
    facts = [f for f in facts if _label(f)]
    labels = {_label(f) for f in facts}
    return [f for f in facts if not any(_label(f).startswith(parent + " > ") for parent in labels)]


class _Index:
    """A document's facts by (measure, unit) and slot, and the evidence being gathered."""

    def __init__(self, facts: list[Fact]):
        self.facts = facts
        self.by: dict[tuple, list[int]] = defaultdict(list)
        for position, fact in enumerate(facts):
            self.by[(fact.measure, fact.unit) + _slot(fact)].append(position)
        self.evidence: list[set[str]] = [set(f.provenance.evidence) for f in facts]

    def find(self, measure: Measure, unit: Unit, slot: tuple) -> list[int]:
        return self.by.get((measure, unit) + slot, [])

    def totals(self, measure: Measure, slot: tuple) -> list[int]:
        """Count facts of `measure` with no category in `slot` (a total, not a part)."""
        return [i for i in self.find(measure, Unit.COUNT, slot) if not _label(self.facts[i])]

    def breakdown(self, measure: Measure, unit: Unit, slot: tuple) -> list[int]:
        positions = [i for i in self.find(measure, unit, slot) if _label(self.facts[i])]
        kept = {id(f) for f in _parts(self.facts[i] for i in positions)}
        return [i for i in positions if id(self.facts[i]) in kept]

    def mark(self, positions: Iterable[int], tag: str) -> None:
        for position in positions:
            self.evidence[position].add(tag)


def _check_breakdown_sums(index: _Index) -> None:
    """Parts of a breakdown agree with a total they add up to (received or responded: one is
    enough); when they add up to none of the totals printed, parts and totals disagree."""
    slots = {_slot(f) for f in index.facts}
    breakdowns = {m for parts in BREAKDOWNS.values() for m in parts}
    for slot in slots:
        for measure in breakdowns:
            totals = [t for total, parts in BREAKDOWNS.items() if measure in parts for t in index.totals(total, slot)]
            parts = index.breakdown(measure, Unit.COUNT, slot)
            if not totals or len(parts) < 2:
                continue
            added = sum(index.facts[i].value for i in parts)
            agreeing = [t for t in totals if index.facts[t].value == added]
            if agreeing:
                index.mark(parts + agreeing, AGREES + BREAKDOWN_SUM)
            else:
                index.mark(parts + totals, DISAGREES + BREAKDOWN_SUM)


def _check_percent_sums(index: _Index) -> None:
    groups = {(f.measure,) + _slot(f) for f in index.facts if f.unit is Unit.PERCENT and _label(f)}
    for measure, *slot in groups:
        parts = index.breakdown(measure, Unit.PERCENT, tuple(slot))
        if len(parts) >= 2 and abs(sum(index.facts[i].value for i in parts) - 100) <= PERCENT_SUM_TOLERANCE:
            index.mark(parts, AGREES + PERCENT_SUM)


def _denominators(index: _Index, fact: Fact) -> set[float]:
    """What a percentage of `fact`'s measure and slot can be a share of."""
    slot = _slot(fact)
    values = {index.facts[i].value for m in SHARE_OF.get(fact.measure, ()) for i in index.totals(m, slot)}
    if fact.measure in (M.ENQUIRIES_IN_TIMESCALE,):  # enquiries answered in time, of those received (same kind)
        values |= {index.facts[i].value for i in index.find(M.ENQUIRIES_RECEIVED, Unit.COUNT, slot)
                   if _label(index.facts[i]) == _label(fact)}
    parts = index.breakdown(fact.measure, Unit.COUNT, slot)
    if len(parts) >= 2:
        values.add(sum(index.facts[i].value for i in parts))
    return {v for v in values if v > 0}


def _check_percent_of_count(index: _Index) -> None:
    for position, fact in enumerate(index.facts):
        if fact.unit is not Unit.PERCENT:
            continue
        counts = [i for i in index.find(fact.measure, Unit.COUNT, _slot(fact))
                  if _label(index.facts[i]) == _label(fact)]
        denominators = _denominators(index, fact)
        if not counts or not denominators:
            continue
        agreeing = [i for i in counts
                    if any(abs(100 * index.facts[i].value / d - fact.value) <= PERCENT_TOLERANCE for d in denominators)]
        if agreeing:
            index.mark([position] + agreeing, AGREES + PERCENT_OF_COUNT)
        else:
            index.mark([position] + counts, DISAGREES + PERCENT_OF_COUNT)


def _check_repeated_with_other_values(index: _Index) -> None:
    by_key: dict[tuple, list[int]] = defaultdict(list)
    for position, fact in enumerate(index.facts):
        by_key[fact.key()].append(position)
    for positions in by_key.values():
        if len({index.facts[i].value for i in positions}) > 1:
            index.mark(positions, DISAGREES + REPEATED)


CHECKS = (_check_breakdown_sums, _check_percent_sums, _check_percent_of_count, _check_repeated_with_other_values)


def with_agreement(facts: list[Fact]) -> list[Fact]:
    """A document's facts with the evidence of what agrees, and disagrees, with each."""
    index = _Index(facts)
    for check in CHECKS:
        check(index)
    return [add_evidence(fact, evidence) for fact, evidence in zip(facts, index.evidence)]


def add_evidence(fact: Fact, tags: Iterable[str]) -> Fact:
    """`fact` with `tags` added to its evidence (the same object when nothing is new)."""
    evidence = set(fact.provenance.evidence) | set(tags)
    if evidence == set(fact.provenance.evidence):
        return fact
    return fact.model_copy(update={"provenance": fact.provenance.model_copy(update={"evidence": tuple(sorted(evidence))})})

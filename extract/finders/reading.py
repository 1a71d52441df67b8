"""What the finders agree on: a candidate figure, and how labels resolve to a measure.

A finder (tables, prose, lists, charts) gathers the labels around a number into a
`Reading`: what is counted (base), which breakdown and category, which stage, which
qualifiers ("upheld", "in time", "average"). `resolve` turns a Reading into a measure of
the contract, or None when the figure fits no measure (a number left out, not forced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from schemas import LABELLED_MEASURES, MEASURE_UNITS, Measure, Stage, Unit

#: Qualifiers that mean the number is not a figure for a measure.
DISQUALIFYING = frozenset({"change", "rate", "target", "escalation_request", "combined_outcome", "placeholder",
                           "sub_period", "offered", "elsewhere"})

CONTEXT_MEASURES = {
    "contacts": Measure.CONTACTS_RECEIVED,
    "referrals": Measure.REFERRALS_RECEIVED,
    "children_in_need": Measure.CHILDREN_IN_NEED,
    "children_looked_after": Measure.CHILDREN_LOOKED_AFTER,
}
SIMPLE_MEASURES = {
    "adr": Measure.ADR_CASES,
    "representations": Measure.REPRESENTATIONS_RECEIVED,
    "concerns": Measure.CONCERNS_RECEIVED,
    **CONTEXT_MEASURES,
}
#: Bases whose section heading rules over the words of a sentence or row in it: in a
#: section about the Ombudsman, "3 complaints were received" are Ombudsman complaints.
DOMINANT_CONTEXT_BASES = ("lgsco", "adr")


@dataclass
class Reading:
    base: str | None = None
    stage: Stage | None = None
    category_dim: str | None = None  # a fixed breakdown: outcome, response_time, enquiry_type, complainant, channel
    category: str | None = None
    label_dim: str | None = None  # a free-label breakdown: service, theme, remedy
    label: str | None = None  # the printed label (path "Group > Label" for nested rows)
    qualifiers: set[str] = field(default_factory=set)
    money: bool = False


def resolve(reading: Reading) -> tuple[Measure, str | None] | None:
    """The measure (and fixed category) a reading describes, or None if it fits no measure."""
    q = reading.qualifiers
    if reading.label_dim == "service" and "combined_outcome" in q:
        q = (q - {"combined_outcome"}) | {"upheld"}  # 'upheld in full or in part' by service is the measure
    if q & DISQUALIFYING:
        return None
    base = reading.base
    fixed, label = reading.category_dim, reading.label_dim
    if base == "lgsco":
        if reading.money:
            return Measure.LGSCO_REMEDY_GBP, None
        if "decision" in q:
            return Measure.LGSCO_DECISIONS, None
        if fixed == "outcome":
            return (Measure.LGSCO_UPHELD, None) if reading.category in {"upheld", "partially_upheld"} else None
        if fixed or label:
            return None
        return Measure.LGSCO_COMPLAINTS, None
    if reading.money:
        if "process_cost" in q:
            return None  # what investigators cost is not paid to complainants
        return (Measure.REMEDY_PAYMENTS_GBP, None) if base in {"remedies", "complaints"} and not (fixed or label) else None
    if base in SIMPLE_MEASURES:
        if fixed or label:
            return None
        if base != "adr" and q & {"in_timescale", "average_days"}:
            return None
        return SIMPLE_MEASURES[base], None
    if base == "remedies" or label == "remedy":
        return (Measure.REMEDIES_BY_TYPE, None) if reading.label and not fixed else None
    if base == "compliments":
        if label == "service":
            return Measure.COMPLIMENTS_BY_SERVICE, None
        if fixed or label:
            return None
        return Measure.COMPLIMENTS_RECEIVED, None
    if base == "enquiries" or fixed == "enquiry_type":
        enquiry_type = reading.category if fixed == "enquiry_type" else None
        if label == "service":
            return Measure.ENQUIRIES_BY_SERVICE, None
        if fixed not in {None, "enquiry_type"} or label:
            return None
        if "in_timescale" in q:
            return Measure.ENQUIRIES_IN_TIMESCALE, enquiry_type
        return Measure.ENQUIRIES_RECEIVED, enquiry_type
    if base not in {None, "complaints"}:
        return None
    if fixed and label and not (fixed == "outcome" and label == "service"):
        return None
    if fixed == "outcome" and label == "service":
        return (Measure.COMPLAINTS_UPHELD_BY_SERVICE, None) if reading.category in {"upheld"} else None
    if fixed == "outcome":
        return Measure.COMPLAINTS_BY_OUTCOME, reading.category
    if fixed == "response_time":
        return Measure.COMPLAINTS_BY_RESPONSE_TIME, reading.category
    if fixed == "complainant":
        return Measure.COMPLAINTS_BY_COMPLAINANT, reading.category
    if fixed == "channel":
        return Measure.COMPLAINTS_BY_CHANNEL, reading.category
    if label == "service":
        return (Measure.COMPLAINTS_UPHELD_BY_SERVICE if "upheld" in q else Measure.COMPLAINTS_BY_SERVICE), None
    if label == "theme":
        return None if "upheld" in q else (Measure.COMPLAINTS_BY_THEME, None)
    if base != "complaints":
        return None
    if "average_days" in q:
        return Measure.AVERAGE_RESPONSE_DAYS, None
    if "in_timescale" in q:
        return Measure.COMPLAINTS_IN_TIMESCALE, None
    if "responded" in q and "received" not in q:
        # 'Complaints responded to', 'Stage 1 closed': answered in the year, not received
        return Measure.COMPLAINTS_RESPONDED, None
    if "finished" in q and "received" not in q:
        return None
    return Measure.COMPLAINTS_RECEIVED, None


def unit_allowed(measure: Measure, unit: Unit) -> bool:
    return unit in MEASURE_UNITS[measure]


def with_dominant_context(reading: Reading, context_bases: list[str], fill_missing: bool = True) -> Reading:
    """Apply a section's dominant base (Ombudsman, ADR) over the words of the figure itself.

    With `fill_missing` False, a figure that names nothing it counts stays so: in an
    Ombudsman section, 'One was a premature referral' is not a count of cases.
    """
    overridable = {"complaints", "enquiries", "remedies"} | ({None} if fill_missing else set())
    for base in DOMINANT_CONTEXT_BASES:
        if base in context_bases and reading.base in overridable:
            return replace(reading, base=base)
    return reading


_LABEL_NOISE = re.compile(r"^[\s*•·\-–]+|[\s*:]+$")


def clean_label(text: str) -> str:
    """A printed label without footnote stars, bullets or trailing colons."""
    return _LABEL_NOISE.sub("", text).strip()


def is_labelled(measure: Measure) -> bool:
    return measure in LABELLED_MEASURES

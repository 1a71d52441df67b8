"""What the finders agree on: a candidate figure, and how labels resolve to a measure.

A finder (tables, prose, lists, charts) gathers the labels around a number into a
`Reading`: what is counted (base), which breakdown and category, which stage, which
qualifiers ("upheld", "in time", "average"). `resolve` turns a Reading into a measure of
the contract with the decision table in measures.yaml, or None when the figure fits no
measure (a number left out, not forced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from extract.decisions import load_decisions
from schemas import LABELLED_MEASURES, MEASURE_UNITS, Measure, Stage, Unit

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
    base_text: str | None = None  # the words that named what is counted ('formal contacts')


def resolve(reading: Reading) -> tuple[Measure, str | None] | None:
    """The measure (and fixed category) a reading describes, or None if it fits no measure:
    the first row of the decision table (measures.yaml) that holds."""
    return load_decisions().decide(reading.base, reading.category_dim, reading.label_dim, reading.category,
                                   reading.qualifiers, reading.money, bool(reading.label))


def unit_allowed(measure: Measure, unit: Unit) -> bool:
    return unit in MEASURE_UNITS[measure]


def with_dominant_context(reading: Reading, context_bases: list[str], fill_missing: bool = True) -> Reading:
    """Apply a section's dominant base (Ombudsman, ADR) over the words of the figure itself.

    With `fill_missing` False, a figure that names nothing it counts stays so: in an
    Ombudsman section, 'One was a premature referral' is not a count of cases.
    """
    overridable = {"complaints", "enquiries", "remedies", "representations"} | ({None} if fill_missing else set())
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

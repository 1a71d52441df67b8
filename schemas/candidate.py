"""What the fact finders hand to normalisation: candidate figures, and figures set aside.

A `Candidate` is a figure read from a document with what it counts (measure, stage, fixed
category or printed label), its year and where it is; normalisation turns it into a `Fact`
(council code, canonical category) or leaves it out with a warning. A `SetAside` is a number
the finders saw but will not publish, with the reason: never silently dropped.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass

from schemas.vocabulary import Measure, Method, Stage, Unit


@dataclass(config=ConfigDict(arbitrary_types_allowed=False))
class Candidate:
    """A figure a finder read, before council and category normalisation."""

    period: str | None
    measure: Measure
    stage: Stage | None
    category: str | None
    category_raw: str | None
    value: float
    unit: Unit
    quote: str
    method: Method
    block: int
    page: int | None = None
    line: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    confidence: float = 0.9
    authority_name: str | None = None  # set when the figure is about another council (benchmarking rows)
    rule: str = ""  # which finder rule or frame produced it, for calibration, debugging and review
    group: str | None = None  # the table or chart it came from, for summing rows that share a category
    evidence: tuple[str, ...] = ()  # how its meaning was established ('scope:heading', 'frame:compared', ...)
    # what it is about: 'children' (children's social care), another service, 'several', or None (not said),
    # and where that was read ('words', 'sentence', 'paragraph', 'heading', 'document', ...)
    scope: str | None = None
    scope_where: str = ""
    # why a finder that read the figure will not publish it ('the percentage printed is not 17 of 75'):
    # the pipeline sets it aside with this reason
    aside: str = ""

    def key(self) -> tuple:
        label = self.category if self.category is not None else (self.category_raw or "").casefold()
        return (self.authority_name, self.period, self.measure, self.stage, label, self.unit)


@dataclass
class SetAside:
    """A number a finder read but does not publish, and why (wrong scope, nothing counted, ...)."""

    value: float
    unit: Unit
    quote: str
    reason: str
    method: Method
    block: int
    page: int | None = None
    line: int | None = None
    period: str | None = None
    measure: Measure | None = Field(default=None, description="what it would have been, when that was read")
    stage: Stage | None = None
    rule: str = ""

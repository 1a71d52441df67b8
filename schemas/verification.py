"""A person's decision on one fact, and what became of it at a build.

Decisions are rows of corpus/verifications.csv. A decision names its fact the way a rebuild
can find it again: the document's SHA-256, the fact's key (council, period, measure, stage,
category or printed label, unit) and the value it was decided on. It never names a database
row id, which changes at every build.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.fact import Fact, fact_ref, finite
from schemas.periods import check_period
from schemas.vocabulary import DECISION_STATUS, Decision, FactStatus, Measure, Stage, Unit

#: Written in corrected_stage or corrected_category to clear it ('not for one stage').
CLEARED = "none"

#: The columns of corpus/verifications.csv, in order.
VERIFICATION_COLUMNS = (
    "document_sha256", "authority_code", "period", "measure", "stage", "label", "unit", "value",
    "decision", "corrected_value", "corrected_measure", "corrected_stage", "corrected_category",
    "note", "who", "when",
)


class Verification(BaseModel):
    """One decision: accept (the fact is right), reject (it is no fact) or correct it."""

    model_config = ConfigDict(frozen=True)

    document_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    authority_code: str
    period: Annotated[str, AfterValidator(check_period)]
    measure: Measure
    stage: Stage | None = None
    label: str | None = Field(default=None, description="the key's category (fixed lists) or printed label, casefolded")
    unit: Unit
    value: Annotated[float, AfterValidator(finite)]
    decision: Decision
    corrected_value: Annotated[float, AfterValidator(finite)] | None = None
    corrected_measure: Measure | None = None
    corrected_stage: Stage | str | None = None  # a Stage, or CLEARED
    corrected_category: str | None = None  # a category, or CLEARED
    note: str = ""
    who: str = Field(min_length=1)
    when: str
    line: int | None = Field(default=None, exclude=True, description="its line in the file, for messages")

    @field_validator("when")
    @classmethod
    def _timestamp(cls, value: str) -> str:
        datetime.fromisoformat(value)
        return value

    @field_validator("corrected_stage", mode="before")
    @classmethod
    def _stage_or_cleared(cls, value):
        if value in (None, ""):
            return None
        if value == CLEARED:
            return CLEARED
        return Stage(value)

    @model_validator(mode="after")
    def _decision_matches_corrections(self) -> "Verification":
        corrections = self.corrections()
        if self.decision is Decision.CORRECT and not corrections:
            raise ValueError("a 'correct' decision needs a corrected value, measure, stage or category")
        if self.decision is not Decision.CORRECT and corrections:
            raise ValueError(f"only a 'correct' decision carries corrections, not {self.decision.value!r}")
        return self

    def corrections(self) -> dict[str, object]:
        """The corrected fields, by the Fact field they replace ('stage': None clears it)."""
        changes: dict[str, object] = {}
        if self.corrected_value is not None:
            changes["value"] = self.corrected_value
        if self.corrected_measure is not None:
            changes["measure"] = self.corrected_measure
        if self.corrected_stage is not None:
            changes["stage"] = None if self.corrected_stage == CLEARED else self.corrected_stage
        if self.corrected_category:
            changes["category"] = None if self.corrected_category == CLEARED else self.corrected_category
        return changes

    @property
    def status(self) -> FactStatus:
        return DECISION_STATUS[self.decision]

    def key(self) -> tuple:
        """The key of the fact it was made on, as `Fact.key()` gives it."""
        return (self.authority_code, self.period, self.measure.value, self.stage.value if self.stage else None,
                self.label, self.unit.value)

    def target(self) -> tuple:
        """What it is matched on: the document, the fact's key and the value."""
        return target(self.document_sha256, self.key(), self.value)

    @property
    def ref(self) -> str:
        """The `ref` of the fact it was made on."""
        return fact_ref(self.document_sha256, self.key(), self.value)

    @classmethod
    def of(cls, fact: Fact, decision: Decision, who: str, when: str, note: str = "", **corrections) -> "Verification":
        """A decision on `fact` (as extracted), with `corrected_*` fields for a correction."""
        _, period, measure, stage, label, unit = fact.key()
        return cls(document_sha256=fact.provenance.document_sha256, authority_code=fact.authority_code,
                   period=period, measure=measure, stage=stage, label=label, unit=unit,
                   value=fact.value,
                   decision=decision, note=note, who=who, when=when, **corrections)


def target(document_sha256: str, key: tuple, value: float) -> tuple:
    """What a decision and a fact are matched on. A key's empty label (no category, no printed
    label) is one thing whether written None or '' (a CSV cell cannot tell them apart)."""
    *head, label, unit = key
    return (document_sha256, (*head, label or None, unit), float(value))


class RejectedFact(BaseModel):
    """A fact a person rejected: not published as a fact, kept with the decision."""

    fact: Fact
    decision: Verification


class OrphanedVerification(BaseModel):
    """A decision no fact of the build matches any more, and why: reported, never dropped."""

    decision: Verification
    reason: str

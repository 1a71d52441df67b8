"""A fact: one figure for one council, year and measure, with where it came from.

This is the contract of docs/FACTS.md. A Fact that breaks it cannot be constructed:
the error names the field and what was wrong, e.g.
``measure 'complaints_received' has no category, got 'upheld'``.
"""

from __future__ import annotations

import hashlib
import math
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas.periods import check_period
from schemas.vocabulary import (
    CATEGORY_OPTIONAL,
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    MEASURE_UNITS,
    STAGED_MEASURES,
    CategoryMethod,
    FactStatus,
    Measure,
    Method,
    Stage,
    Unit,
)

#: An English council's ONS (GSS) code: the only kind a fact may be about.
ENGLISH_GSS_RE = re.compile(r"^E\d{8}$")
#: Anything shaped like a GSS code (England, Wales, Scotland, Northern Ireland): a code, not a name.
ANY_GSS_RE = re.compile(r"^[EWSN]\d{8}$")


def is_english_gss_code(value: str) -> bool:
    return bool(ENGLISH_GSS_RE.match(value))


def finite(value: float) -> float:
    """A number that is one: no NaN, no infinity."""
    if not math.isfinite(value):
        raise ValueError(f"value must be a finite number, got {value!r}")
    return value


class Provenance(BaseModel):
    """Where a figure came from, precisely enough for a journalist to check it."""

    model_config = ConfigDict(frozen=True)

    document_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    document_name: str
    page: int | None = Field(default=None, ge=1, description="1-based PDF page")
    block: int | None = Field(default=None, ge=0, description="block index in the read document")
    line: int | None = Field(default=None, ge=1, description="1-based line in a text file")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None, description="the table's bounding box on the page (PDF points)"
    )
    quote: str = Field(min_length=1, description="the source text that shows the number")
    method: Method
    confidence: float = Field(ge=0.0, le=1.0, description="calibrated probability that the fact is right")
    rule: str = Field(default="", description="the finder rule that read it ('table', 'prose:compared', ...)")
    evidence: tuple[str, ...] = Field(
        default=(), description="how its meaning was established and what agrees with it ('agrees:breakdown_sum', ...)"
    )


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True)

    authority_code: str
    authority_name: str
    period: str
    measure: Measure
    stage: Stage | None = None
    category: str | None = None
    category_raw: str | None = None
    category_method: CategoryMethod = CategoryMethod.NONE
    category_score: float | None = Field(default=None, ge=0, le=100)
    value: float
    unit: Unit
    provenance: Provenance
    status: FactStatus = Field(default=FactStatus.NEEDS_CHECK, description="accepted, needs_check, or a person's decision")
    ref: str | None = Field(default=None, description="stable reference: document, key and value as extracted")
    extracted_value: float | None = Field(default=None, description="the value as read, when a person corrected it")

    @field_validator("authority_code")
    @classmethod
    def _gss_code(cls, value: str) -> str:
        if not is_english_gss_code(value):
            raise ValueError(f"authority_code must be an English ONS GSS code like 'E06000034', got {value!r}")
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        return check_period(value)

    @field_validator("value")
    @classmethod
    def _finite(cls, value: float) -> float:
        return finite(value)

    @model_validator(mode="after")
    def _consistent(self) -> "Fact":
        measure = self.measure
        if self.unit not in MEASURE_UNITS[measure]:
            allowed = ", ".join(sorted(u.value for u in MEASURE_UNITS[measure]))
            raise ValueError(f"measure {measure.value!r} is not measured in {self.unit.value!r} (allowed: {allowed})")
        if self.stage is not None and measure not in STAGED_MEASURES:
            raise ValueError(f"measure {measure.value!r} has no stage, got {self.stage.value!r}")
        if self.value < 0:
            raise ValueError(f"value must not be negative, got {self.value}")
        if self.unit is Unit.PERCENT and self.value > 100:
            raise ValueError(f"a percentage cannot exceed 100, got {self.value}")
        fixed = FIXED_CATEGORIES.get(measure)
        if fixed is not None:
            allowed_values = {member.value for member in fixed}
            if self.category is None:
                if measure not in CATEGORY_OPTIONAL:
                    raise ValueError(
                        f"measure {measure.value!r} needs a category, one of: {', '.join(sorted(allowed_values))}"
                    )
            elif self.category not in allowed_values:
                raise ValueError(
                    f"category {self.category!r} is not one of {measure.value!r}'s: {', '.join(sorted(allowed_values))}"
                )
        elif measure in LABELLED_MEASURES:
            if not self.category_raw:
                raise ValueError(f"measure {measure.value!r} needs the printed label in category_raw")
        elif self.category is not None:
            raise ValueError(f"measure {measure.value!r} has no category, got {self.category!r}")
        return self

    def key(self) -> tuple:
        """The identity of a figure: two facts with the same key report the same thing."""
        label = self.category if self.measure in FIXED_CATEGORIES else (self.category_raw or "").casefold()
        return (self.authority_code, self.period, self.measure.value,
                self.stage.value if self.stage else None, label, self.unit.value)

    def reference(self) -> str:
        """A short id for this figure in this document that stays the same across rebuilds:
        a hash of the document's SHA-256, the key and the value (`ref` keeps it as extracted)."""
        return fact_ref(self.provenance.document_sha256, self.key(), self.value)


def fact_ref(document_sha256: str, key: tuple, value: float) -> str:
    """12 hex digits of the SHA-256 of a document, a fact's key and its value."""
    text = "|".join([document_sha256, *("" if part is None else str(part) for part in key), repr(float(value))])
    return hashlib.sha256(text.encode()).hexdigest()[:12]

"""What one document became: its facts, the figures set aside, its review items and status.

The hand-over from the pipeline to the database build; also what the extraction cache stores.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from schemas.candidate import SetAside
from schemas.document import DocumentStatus, SourceDocument
from schemas.fact import Fact
from schemas.verification import RejectedFact


class ReviewItem(BaseModel):
    """A printed label no canonical category was confidently found for; a person decides."""

    kind: str  # 'service', 'theme', 'remedy'
    label: str
    candidates: list[tuple[str, float]]
    facts: int = 1


class Extraction(BaseModel):
    document: SourceDocument
    facts: list[Fact] = Field(default_factory=list)
    status: DocumentStatus = DocumentStatus.OK
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    review: list[ReviewItem] = Field(default_factory=list)
    set_aside: list[SetAside] = Field(default_factory=list)
    rejected: list[RejectedFact] = Field(default_factory=list)  # facts a person rejected (set at build)

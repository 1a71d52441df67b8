"""A source document and what the readers make of it.

Every reader (text, PDF, DOCX, HTML) produces the same `Document`: an ordered list of
blocks (headings, paragraphs, list items, tables, charts), each with the page (PDF) or
block index it came from, so the fact finders are written once for all formats.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class DocumentFormat(str, Enum):
    PDF = "pdf"
    DOCX = "docx"
    HTML = "html"
    TEXT = "text"

    def __str__(self) -> str:
        return self.value


class DocumentStatus(str, Enum):
    """What became of a document in a build."""

    OK = "ok"  # read, council and period known, facts found
    NO_FACTS = "no_facts"  # read, but no figure could be taken from it
    UNIDENTIFIED = "unidentified"  # read, but its council or period could not be determined
    FAILED = "failed"  # could not be read at all (see the error)

    def __str__(self) -> str:
        return self.value


class SourceDocument(BaseModel):
    """One file of the corpus: what it is and, once known, whose report for which year."""

    model_config = ConfigDict(frozen=False)

    file_name: str
    sha256: str
    format: DocumentFormat
    size_bytes: int = Field(ge=0)
    authority_code: str | None = None
    authority_name: str | None = None
    period: str | None = None
    title: str | None = None
    pages: int | None = Field(default=None, ge=0, description="PDF pages; None for other formats")
    blocks: int | None = Field(default=None, ge=0)
    identified_by: str | None = Field(
        default=None, description="'document' when council and period were read from the text, 'manifest' when given"
    )
    source_url: str | None = None

    @field_validator("sha256")
    @classmethod
    def _sha256_is_hex(cls, value: str) -> str:
        if not SHA256_RE.match(value):
            raise ValueError(f"sha256 must be 64 lower-case hex characters, got {value!r}")
        return value


class _BlockBase(BaseModel):
    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=0, description="position of the block in the document, from 0")
    page: int | None = Field(default=None, ge=1, description="1-based PDF page")
    line: int | None = Field(default=None, ge=1, description="1-based line of a text file")
    bbox: tuple[float, float, float, float] | None = Field(
        default=None, description="(x0, top, x1, bottom) on the page, PDF points"
    )

    def location(self) -> str:
        """Where a reader can find this block: page, line or block number."""
        if self.page is not None:
            return f"page {self.page}"
        if self.line is not None:
            return f"line {self.line}"
        return f"block {self.index}"


class Heading(_BlockBase):
    kind: Literal["heading"] = "heading"
    text: str
    level: int = Field(default=1, ge=1, le=6)


class Paragraph(_BlockBase):
    kind: Literal["paragraph"] = "paragraph"
    text: str


class ListItem(_BlockBase):
    kind: Literal["list_item"] = "list_item"
    text: str
    marker: str = "-"


class Cell(BaseModel):
    model_config = ConfigDict(frozen=True)

    text: str
    bold: bool = False
    italic: bool = False


class Table(_BlockBase):
    kind: Literal["table"] = "table"
    rows: list[list[Cell]]
    caption: str | None = None
    source_text: str | None = Field(
        default=None, description="the table as printed in the source, for quotes"
    )

    def text_rows(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


class Series(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    values: list[float | None]


class Chart(_BlockBase):
    """The numbers behind a chart: categories along one axis, one or more series."""

    kind: Literal["chart"] = "chart"
    title: str | None = None
    categories: list[str]
    series: list[Series]
    complete: bool = Field(
        default=True,
        description="False when empty points were dropped, so values cannot be placed on categories with certainty",
    )
    source_text: str | None = None


Block = Annotated[Union[Heading, Paragraph, ListItem, Table, Chart], Field(discriminator="kind")]


class Document(BaseModel):
    """A read document: the source and its blocks in reading order."""

    source: SourceDocument
    blocks: list[Block]
    text: str = Field(default="", description="the full plain text, for detection and quotes")
    warnings: list[str] = Field(default_factory=list)

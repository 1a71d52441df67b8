"""Pydantic models shared by every stage: documents, blocks, facts and the fact vocabulary.

No I/O happens here; these are the contracts between corpus, extract, normalise and publish.
"""

from schemas.document import (
    Block,
    Cell,
    Chart,
    Document,
    DocumentFormat,
    DocumentStatus,
    Heading,
    ListItem,
    Paragraph,
    Series,
    SourceDocument,
    Table,
)
from schemas.candidate import Candidate, SetAside
from schemas.errors import (
    AddError,
    BenchmarkError,
    BuildAborted,
    ComplaintsError,
    DataFileError,
    EmptyDocumentError,
    EncryptedDocumentError,
    LexiconError,
    ManifestError,
    NeedsOCRError,
    ReadError,
    ReferenceDataError,
    TaxonomyError,
    UnknownCouncilError,
    UnsupportedFormatError,
)
from schemas.extraction import Extraction, ReviewItem
from schemas.fact import ANY_GSS_RE, ENGLISH_GSS_RE, Fact, Provenance, is_english_gss_code
from schemas.periods import check_period
from schemas.vocabulary import (
    CATEGORY_LABELS,
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    MEASURE_DESCRIPTIONS,
    MEASURE_LABELS,
    MEASURE_UNITS,
    STAGE_LABELS,
    STAGED_MEASURES,
    CategoryMethod,
    Channel,
    Complainant,
    EnquiryType,
    Measure,
    Method,
    Outcome,
    ResponseTime,
    Stage,
    Unit,
)

__all__ = [name for name in dir() if not name.startswith("_")]

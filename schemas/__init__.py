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
    CalibrationError,
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
    VerificationError,
)
from schemas.extraction import Extraction, ReviewItem
from schemas.fact import ANY_GSS_RE, ENGLISH_GSS_RE, Fact, Provenance, fact_ref, is_english_gss_code
from schemas.periods import check_period
from schemas.verification import (
    CLEARED,
    VERIFICATION_COLUMNS,
    OrphanedVerification,
    RejectedFact,
    Verification,
)
from schemas.vocabulary import (
    CATEGORY_LABELS,
    DECISION_STATUS,
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    MEASURE_DESCRIPTIONS,
    MEASURE_LABELS,
    MEASURE_UNITS,
    STAGE_LABELS,
    STAGED_MEASURES,
    TRUSTED_STATUSES,
    CategoryMethod,
    Channel,
    Complainant,
    Decision,
    EnquiryType,
    FactStatus,
    Measure,
    Method,
    Outcome,
    ResponseTime,
    Stage,
    Unit,
)

__all__ = [name for name in dir() if not name.startswith("_")]

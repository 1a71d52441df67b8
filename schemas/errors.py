"""Every error the project raises on purpose, in one place.

Each is a `ComplaintsError`, so the command line can show its one-line message instead of a
traceback. A message names the input, says what was understood and what to do next.
"""

from __future__ import annotations


class ComplaintsError(Exception):
    """An expected failure with a message for the user (the CLI shows it without a traceback)."""


# -- reading files ---------------------------------------------------------------------------

class ReadError(ComplaintsError):
    """A file could not be read as a report; the message says why and what to do."""


class EmptyDocumentError(ReadError):
    """The file holds no text at all."""


class NeedsOCRError(ReadError):
    """A PDF with pages but no text layer (a scan): it needs OCR before it can be read."""


class EncryptedDocumentError(ReadError):
    """A password-protected document."""


class UnsupportedFormatError(ReadError):
    """A file that is none of the formats the readers know."""


# -- data files the project keeps ------------------------------------------------------------

class DataFileError(ComplaintsError, ValueError):
    """A data file of the project (lexicon, frames, taxonomy, reference CSV) has an unusable entry."""


class LexiconError(DataFileError):
    """lexicon.yaml, frames.yaml or measures.yaml has an entry that cannot be used."""


class TaxonomyError(DataFileError):
    """A taxonomy, alias list or override has an entry that cannot be used."""


class ReferenceDataError(DataFileError):
    """A reference CSV (DfE, ONS) is missing or does not have the expected shape."""


class ManifestError(DataFileError):
    """corpus/manifest.csv has a row that cannot be used."""


class SourcesError(DataFileError):
    """corpus/sources.csv (the known addresses of reports) has a row that cannot be used."""


class CalibrationError(DataFileError):
    """normalise/data/calibration.yaml is missing or has an entry that cannot be used."""


class VerificationError(DataFileError):
    """corpus/verifications.csv has a row that cannot be used, or a decision cannot be recorded."""


# -- identity and lookups --------------------------------------------------------------------

class UnknownCouncilError(ComplaintsError, LookupError):
    """A name or code that is no English council with children's services (in that year)."""


class BenchmarkError(ComplaintsError, LookupError):
    """A comparison that the database cannot give (no such council, measure or year)."""


# -- the corpus and the build ----------------------------------------------------------------

class AddError(ComplaintsError):
    """A file that cannot be added to the corpus; the message is one line for the user."""


class BuildAborted(ComplaintsError, RuntimeError):
    """A strict build stopped at the first document that failed; the old database is untouched."""

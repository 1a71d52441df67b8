"""One file in, its facts out: read -> year -> find figures -> council -> facts.

`extract_file` never raises for a bad document: it returns an Extraction whose status and
error say what went wrong, so one unreadable file cannot stop a batch.
"""

from __future__ import annotations

import logging
from pathlib import Path

from corpus.files import sha256_of, sniff_format
from extract.finders.detect import detect_period
from extract.lexicon import Lexicon, load_lexicon
from extract.pipeline import document_title, find_candidates
from extract.readers import read
from normalise.categories import CategoryMapper, load_mapper
from normalise.councils import Council, CouncilRegistry, identify, load_registry
from normalise.facts import candidates_to_facts
from normalise.trust import Calibration, assess
from schemas import Document, DocumentFormat, DocumentStatus, Extraction, SourceDocument
from schemas.errors import ReadError, UnknownCouncilError

log = logging.getLogger(__name__)


def extract_file(
    path: Path,
    council: str | None = None,
    period: str | None = None,
    lexicon: Lexicon | None = None,
    registry: CouncilRegistry | None = None,
    mapper: CategoryMapper | None = None,
    calibration: Calibration | None = None,
) -> Extraction:
    """Extract one report. `council` and `period` (from a manifest) win over detection.
    Facts get a calibrated confidence and a status (`calibration`: the packaged one by default)."""
    path = Path(path)
    try:
        doc = read(path)
    except ReadError as exc:
        return failed_extraction(path, str(exc))
    except Exception as exc:  # a reader bug must not stop a batch: record it with the file's name
        log.exception("reader crashed on %s", path)
        return failed_extraction(path, f"{path.name}: could not be read ({type(exc).__name__}: {exc})")
    return extract_document(doc, council, period, lexicon, registry, mapper, calibration)


def failed_extraction(path: Path, error: str) -> Extraction:
    """The record of a document that could not be read: its hash, size and the reason."""
    try:
        fmt = sniff_format(path)
    except Exception:
        fmt = DocumentFormat.TEXT
    is_file = path.exists() and path.is_file()
    source = SourceDocument(file_name=path.name, sha256=sha256_of(path) if is_file else "0" * 64, format=fmt,
                            size_bytes=path.stat().st_size if is_file else 0)
    return Extraction(document=source, status=DocumentStatus.FAILED, error=error)


def extract_document(
    doc: Document,
    council: str | None = None,
    period: str | None = None,
    lexicon: Lexicon | None = None,
    registry: CouncilRegistry | None = None,
    mapper: CategoryMapper | None = None,
    calibration: Calibration | None = None,
) -> Extraction:
    lexicon = lexicon or load_lexicon()
    registry = registry or load_registry()
    mapper = mapper or load_mapper()
    warnings = list(doc.warnings)
    found_period, _ = detect_period(doc.text)
    chosen_period = period or found_period
    found_council, _ = identify(doc, registry, chosen_period)
    given: Council | None = None
    if council:
        try:
            given = registry.resolve(council, chosen_period)
        except UnknownCouncilError as exc:
            warnings.append(str(exc))
    chosen_council = given or found_council
    if given and found_council and given.code != found_council.code:
        warnings.append(f"the manifest says {given.name} but the text names {found_council.name} most")
    if period and found_period and period != found_period:
        warnings.append(f"the manifest says {period} but the text's own period is {found_period}")
    source = doc.source.model_copy(
        update={
            "authority_code": chosen_council.code if chosen_council else None,
            "authority_name": chosen_council.name if chosen_council else None,
            "period": chosen_period,
            "identified_by": "manifest" if (council or period) else ("document" if found_council and found_period else None),
            "title": doc.source.title or document_title(doc),
        }
    )
    extraction = Extraction(document=source, warnings=warnings)
    if chosen_council is None or chosen_period is None:
        missing = " and ".join(
            what for what, value in (("council", chosen_council), ("reporting year", chosen_period)) if value is None
        )
        extraction.status = DocumentStatus.UNIDENTIFIED
        extraction.error = (f"{source.file_name}: the {missing} could not be determined from the document; "
                            "give it (--council / --year, or a manifest row)")
        return extraction
    found = find_candidates(doc, chosen_period, lexicon)
    extraction.warnings.extend(found.warnings)
    extraction.set_aside = found.set_aside
    facts, extraction.review = candidates_to_facts(
        found.candidates, source, chosen_council, registry, mapper, extraction.warnings)
    extraction.facts = assess(facts, chosen_period, calibration)
    if not extraction.facts:
        extraction.status = DocumentStatus.NO_FACTS
        extraction.error = (f"{source.file_name}: no figure could be published as a children's social care fact; "
                            f"{len(found.set_aside)} set aside with their reasons" if found.set_aside
                            else f"{source.file_name}: no figure in the document was read as a complaints fact")
    return extraction


def identify_file(path: Path, council: str | None = None, period: str | None = None) -> tuple[str | None, str | None]:
    """The council and year the pipeline finds in a document (what is given is kept): what
    `complaints add` and `complaints fetch` record when a manifest row does not say."""
    extraction = extract_file(path, council=council, period=period)
    return extraction.document.authority_name, extraction.document.period

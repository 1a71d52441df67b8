"""One file in, its facts out: read -> detect council and year -> find figures -> facts.

`extract_file` never raises for a bad document: it returns an Extraction whose status and
error say what went wrong, so one unreadable file cannot stop a batch.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from extract.finders import charts, prose, tables
from extract.finders.context import block_contexts
from extract.finders.detect import detect
from extract.finders.reading import Candidate
from extract.lexicon import Lexicon, load_lexicon
from extract.readers import ReadError, read, sniff_format
from extract.readers.common import sha256_of
from normalise.categories import CategoryMapper, load_mapper
from normalise.councils import Council, CouncilRegistry, UnknownCouncilError, load_registry
from schemas import (
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    CategoryMethod,
    Document,
    DocumentFormat,
    DocumentStatus,
    Fact,
    Method,
    Provenance,
    SourceDocument,
    Unit,
)

log = logging.getLogger(__name__)


FINDERS = {"tables": tables.find, "charts": charts.find, "prose": prose.find}
#: When one figure is printed twice (a table and a sentence), the table's reading is kept.
METHOD_PREFERENCE = {Method.TABLE: 0, Method.CHART: 1, Method.LIST: 2, Method.TEXT: 3}


@dataclass
class ReviewItem:
    """A label no canonical category was confidently found for; a person decides."""

    kind: str  # 'service', 'theme', 'remedy'
    label: str
    candidates: list[tuple[str, float]]
    facts: int = 1


@dataclass
class Extraction:
    document: SourceDocument
    facts: list[Fact] = field(default_factory=list)
    status: DocumentStatus = DocumentStatus.OK
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)


def extract_file(
    path: Path,
    council: str | None = None,
    period: str | None = None,
    lexicon: Lexicon | None = None,
    registry: CouncilRegistry | None = None,
    mapper: CategoryMapper | None = None,
) -> Extraction:
    """Extract one report. `council` and `period` (from a manifest) win over detection."""
    path = Path(path)
    try:
        doc = read(path)
    except ReadError as exc:
        return failed_extraction(path, str(exc))
    except Exception as exc:  # a reader bug must not stop a batch: record it with the file's name
        log.exception("reader crashed on %s", path)
        return failed_extraction(path, f"{path.name}: could not be read ({type(exc).__name__}: {exc})")
    return extract_document(doc, council, period, lexicon, registry, mapper)


def failed_extraction(path: Path, error: str) -> Extraction:
    """The record of a document that could not be read: its hash, size and the reason."""
    try:
        fmt = sniff_format(path)
    except Exception:
        fmt = DocumentFormat.TEXT
    size = path.stat().st_size if path.exists() and path.is_file() else 0
    digest = sha256_of(path) if path.exists() and path.is_file() else "0" * 64
    source = SourceDocument(file_name=path.name, sha256=digest, format=fmt, size_bytes=size)
    return Extraction(document=source, status=DocumentStatus.FAILED, error=error)


def extract_document(
    doc: Document,
    council: str | None = None,
    period: str | None = None,
    lexicon: Lexicon | None = None,
    registry: CouncilRegistry | None = None,
    mapper: CategoryMapper | None = None,
) -> Extraction:
    lexicon = lexicon or load_lexicon()
    registry = registry or load_registry()
    mapper = mapper or load_mapper()
    found = detect(doc, registry)
    warnings = list(doc.warnings)
    source = doc.source
    given: Council | None = None
    if council:
        try:
            given = registry.resolve(council, period or found.period)
        except UnknownCouncilError as exc:
            warnings.append(str(exc))
    chosen_council = given or found.council
    chosen_period = period or found.period
    if given and found.council and given.code != found.council.code:
        warnings.append(f"the manifest says {given.name} but the text names {found.council.name} most")
    if period and found.period and period != found.period:
        warnings.append(f"the manifest says {period} but the text's own period is {found.period}")
    source = source.model_copy(
        update={
            "authority_code": chosen_council.code if chosen_council else None,
            "authority_name": chosen_council.name if chosen_council else None,
            "period": chosen_period,
            "identified_by": "manifest" if (council or period) else ("document" if found.council and found.period else None),
            "title": source.title or _title(doc),
        }
    )
    extraction = Extraction(document=source, warnings=warnings)
    if chosen_council is None or chosen_period is None:
        missing = " and ".join(
            what for what, value in (("council", chosen_council), ("reporting year", chosen_period)) if value is None
        )
        extraction.status = DocumentStatus.UNIDENTIFIED
        extraction.error = f"{source.file_name}: the {missing} could not be determined from the document; add a manifest row"
        return extraction
    contexts = block_contexts(doc, lexicon, chosen_period)
    candidates: list[Candidate] = []
    for name, finder in FINDERS.items():
        try:
            if name == "prose":
                # prose names services the way the document's own tables and charts do
                found_here = finder(doc, contexts, lexicon, service_labels=service_labels(candidates))
            else:
                found_here = finder(doc, contexts, lexicon)
        except Exception as exc:  # one finder's bug loses its figures, not the document
            log.exception("%s finder failed on %s", name, source.file_name)
            warnings.append(f"the {name} finder failed: {type(exc).__name__}: {exc}")
            continue
        candidates.extend(c for c in found_here if not contexts[c.block].forward_looking)
    candidates = set_aside_unplaced(candidates, warnings)
    facts, review = candidates_to_facts(candidates, source, chosen_council, registry, mapper, warnings)
    extraction.facts = facts
    extraction.review = review
    if not facts:
        extraction.status = DocumentStatus.NO_FACTS
        extraction.error = f"{source.file_name}: no figures could be read from the document"
    return extraction


def _title(doc: Document) -> str | None:
    from schemas import Heading

    for block in doc.blocks[:8]:
        if isinstance(block, Heading) and len(block.text) > 12:
            return block.text[:200]
    return None


SERVICE_MEASURES = frozenset(m for m, kind in LABELLED_MEASURES.items() if kind == "service")


def service_labels(candidates: list[Candidate]) -> list[str]:
    """The service names a document prints in its tables and charts ('Children in Care Teams')."""
    labels = {c.category_raw.split(" > ")[-1] for c in candidates if c.measure in SERVICE_MEASURES and c.category_raw}
    return sorted(labels)


def set_aside_unplaced(candidates: list[Candidate], warnings: list[str]) -> list[Candidate]:
    """Values of a chart series that lost its empty points cannot be put on a category with
    certainty: they are reported, not published as facts."""
    unplaced: dict[str, list[Candidate]] = defaultdict(list)
    kept = []
    for candidate in candidates:
        if candidate.rule == "chart:unplaced":
            unplaced[candidate.group or ""].append(candidate)
        else:
            kept.append(candidate)
    for members in unplaced.values():
        values = ", ".join(f"{m.value:g}" for m in members)
        warnings.append(
            f"left out {len(members)} chart values that cannot be placed on their categories "
            f"(the series has fewer values than categories): {members[0].quote.split(':')[0]}: {values}"
        )
    return kept


def sum_shared_categories(candidates: list[Candidate]) -> list[Candidate]:
    """Rows of one table that fall in the same fixed category are one figure: their sum.

    'Parent/s' and 'Special guardian' are both parent_or_carer; two Ombudsman cases each
    with a payment make one total. Figures from different tables are never summed.
    """
    grouped: dict[tuple, list[Candidate]] = defaultdict(list)
    passthrough: list[Candidate] = []
    for candidate in candidates:
        # rows that share a fixed category are parts of it, and an Ombudsman case list's payments
        # add up; two rows with the same service name, or two totals, are not one figure
        summable = candidate.measure in FIXED_CATEGORIES or candidate.unit is Unit.GBP
        if candidate.group is None or not summable:
            passthrough.append(candidate)
            continue
        grouped[(candidate.group,) + candidate.key()].append(candidate)
    summed: list[Candidate] = []
    for members in grouped.values():
        first = members[0]
        if len(members) == 1:
            summed.append(first)
            continue
        labels = [m.category_raw for m in members if m.category_raw]
        summed.append(
            Candidate(
                **{
                    **first.__dict__,
                    "value": sum(m.value for m in members),
                    "category_raw": " + ".join(dict.fromkeys(labels)) if labels else None,
                    "quote": " / ".join(m.quote for m in members),
                    "rule": first.rule + ":summed",
                }
            )
        )
    return passthrough + summed


def candidates_to_facts(
    candidates: list[Candidate],
    source: SourceDocument,
    council: Council,
    registry: CouncilRegistry,
    mapper: CategoryMapper,
    warnings: list[str],
) -> tuple[list[Fact], list[ReviewItem]]:
    facts: dict[tuple, Fact] = {}
    review: dict[tuple[str, str], ReviewItem] = {}
    ordered = sorted(sum_shared_categories(candidates), key=lambda c: (METHOD_PREFERENCE[c.method], -c.confidence))
    for candidate in ordered:
        authority = council
        if candidate.authority_name:
            authority = registry.lookup(candidate.authority_name, candidate.period)
            if authority is None:
                warnings.append(f"a row names {candidate.authority_name!r}, which is not an English council: left out")
                continue
        category, method, score = candidate.category, CategoryMethod.NONE, None
        if candidate.measure in FIXED_CATEGORIES and category is not None:
            method = CategoryMethod.FIXED
        elif candidate.category_raw and category is None and candidate.measure in LABELLED_MEASURES:
            mapped = mapper.map(candidate.measure, candidate.category_raw, authority.code)
            category, method, score = mapped.category, mapped.method, mapped.score
            if mapped.method is CategoryMethod.UNMAPPED:
                key = (mapped.kind, candidate.category_raw)
                if key in review:
                    review[key].facts += 1
                else:
                    review[key] = ReviewItem(mapped.kind, candidate.category_raw, mapped.candidates)
        try:
            fact = Fact(
                authority_code=authority.code,
                authority_name=authority.name,
                period=candidate.period,
                measure=candidate.measure,
                stage=candidate.stage,
                category=category,
                category_raw=candidate.category_raw,
                category_method=method,
                category_score=score,
                value=candidate.value,
                unit=candidate.unit,
                provenance=Provenance(
                    document_sha256=source.sha256,
                    document_name=source.file_name,
                    page=candidate.page,
                    block=candidate.block,
                    line=candidate.line,
                    bbox=candidate.bbox,
                    quote=candidate.quote or "(no text)",
                    method=candidate.method,
                    confidence=candidate.confidence,
                ),
            )
        except ValidationError as exc:
            warnings.append(f"a figure was left out because it breaks the fact contract: {exc.errors()[0]['msg']}")
            continue
        key = fact.key() + (fact.value,)
        if key not in facts:
            facts[key] = fact
    in_reading_order = sorted(facts.values(), key=lambda f: (f.provenance.block or 0, f.provenance.page or 0))
    return in_reading_order, list(review.values())

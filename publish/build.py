"""Build the SQLite database from the corpus.

The database is a build artefact: rebuilt from the corpus, written to a temporary file and
moved into place only when complete, so an interrupted build leaves the previous database
intact. Every document gets a row in `documents` whatever became of it; failures and
warnings go to `ingest_log`; labels no category was found for go to `review_queue`.

People's decisions (corpus/verifications.csv, normalise/verifications.py) are applied to each
document's facts before they are written: verified and corrected facts keep their place in
`facts` with that status (a corrected one shows the corrected value, `extracted_value` the
one read), rejected ones go to `rejected_facts` with the decision. Every decision is listed in
`verifications` with what became of it; those that fit no fact any more are `orphaned` (the
`orphaned_verifications` view, and a warning of the build).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlite_utils

from corpus.manifest import Corpus, ManifestRow, load_corpus
from normalise.categories import load_taxonomies
from normalise.councils import CouncilRegistry, load_registry
from normalise.verifications import (
    apply_verifications,
    by_document,
    load_verifications,
    missing_documents,
    verifications_path,
)
from pipeline.batch import DEFAULT_TIMEOUT, extract_many, extractor_fingerprint
from publish.coverage import create_coverage_table
from publish.neighbours import create_comparison_tables
from publish.reference import council_records, load_reference
from publish.benchmark import NUMERIC
from publish.validate import record as record_validation_issues
from schemas import (
    CATEGORY_LABELS,
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    MEASURE_DESCRIPTIONS,
    MEASURE_LABELS,
    MEASURE_UNITS,
    STAGED_MEASURES,
    DocumentStatus,
    VERIFICATION_COLUMNS,
    Extraction,
    Fact,
    FactStatus,
    Measure,
    OrphanedVerification,
    Provenance,
    RejectedFact,
    ReviewItem,
    SetAside,
    Verification,
)
from schemas.errors import BuildAborted

DEFAULT_DB = Path("complaints.db")


@dataclass
class BuildReport:
    db_path: Path
    documents: int = 0
    facts: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: int = 0
    verifications_applied: int = 0
    orphaned: list[OrphanedVerification] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return self.by_status.get(DocumentStatus.FAILED.value, 0) + self.by_status.get(DocumentStatus.UNIDENTIFIED.value, 0)


def build(
    corpus_dir: Path | None = None,
    db_path: Path = DEFAULT_DB,
    strict: bool = False,
    on_document: Callable[[Path, Extraction], None] | None = None,
    extractions: Iterable[tuple[Path, ManifestRow | None, Extraction]] | None = None,
    workers: int | None = 1,
    cache_dir: Path | None = None,
    timeout: int | None = DEFAULT_TIMEOUT,
    verifications: Path | None = None,
) -> BuildReport:
    """Extract every document of the corpus and write the database atomically.

    `workers` processes extract in parallel; with `cache_dir`, a document already extracted
    by the same extractor (same SHA-256, same code and data) is not read again. People's
    decisions come from `verifications` (default: verifications.csv in the corpus folder).
    """
    db_path = Path(db_path)
    corpus = load_corpus(corpus_dir)
    registry = load_registry()
    decisions = load_verifications(verifications or verifications_path(corpus.root))
    decided = by_document(decisions)
    if extractions is None:
        extractions = extract_corpus(corpus, on_document, workers=workers, cache_dir=cache_dir, timeout=timeout)
    remove_stale_temporaries(db_path)
    temporary = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    if temporary.exists():
        temporary.unlink()
    report = BuildReport(db_path=db_path)
    try:
        db = sqlite_utils.Database(temporary)
        create_schema(db, registry)
        seen: set[str] = set()
        for path, row, extraction in extractions:
            if strict and extraction.status in (DocumentStatus.FAILED, DocumentStatus.UNIDENTIFIED):
                raise BuildAborted(extraction.error or f"{path.name}: failed")
            add_extraction(db, path, row, extraction, corpus, seen, report, decided.get(extraction.document.sha256, []))
        report.orphaned += missing_documents(decisions, seen)
        add_verifications(db, decisions, report.orphaned)
        finish_database(db)
        create_coverage_table(db, corpus.rows, corpus.root)  # which councils have which years (as `complaints corpus`)
        create_comparison_tables(db, corpus, registry)  # known addresses; what each comparison lacks
        db.close()
        os.replace(temporary, db_path)
    finally:
        if temporary.exists():
            temporary.unlink()
    return report


def extract_corpus(corpus: Corpus, on_document=None, workers: int | None = 1, cache_dir: Path | None = None,
                   timeout: int | None = DEFAULT_TIMEOUT):
    """Extract the corpus's documents (in parallel, cached), yielding them in corpus order.

    `extract_file` never raises for a bad document, and a worker that dies is recorded as a
    failed document, so one file cannot stop the build.
    """
    entries = corpus.entries()
    rows = {index: row for index, (_, row) in enumerate(entries)}
    jobs = [(path, row.council if row else None, row.period if row else None) for path, row in entries]

    def report(path: Path, extraction: Extraction, cached: bool) -> None:
        if on_document:
            on_document(path, extraction)

    for index, (path, extraction) in enumerate(extract_many(jobs, workers=workers, cache_dir=cache_dir,
                                                             timeout=timeout, on_result=report)):
        yield path, rows[index], extraction


def remove_stale_temporaries(db_path: Path) -> None:
    """A build killed mid-way (kill -9, power cut) leaves its temporary file; the old database
    was never touched. Remove such leftovers whose process is gone."""
    for leftover in db_path.parent.glob(f".{db_path.name}.*.tmp"):
        pid = leftover.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            leftover.unlink(missing_ok=True)


# -- schema ------------------------------------------------------------------------------------

def create_schema(db: sqlite_utils.Database, registry: CouncilRegistry) -> None:
    db["councils"].insert_all(council_records(registry), pk="code")
    db["measures"].insert_all(
        (
            {
                "measure": m.value,
                "label": MEASURE_LABELS[m],
                "description": MEASURE_DESCRIPTIONS[m],
                "units": ", ".join(sorted(u.value for u in MEASURE_UNITS[m])),
                "has_stage": m in STAGED_MEASURES,
                "categories": ", ".join(c.value for c in FIXED_CATEGORIES[m]) if m in FIXED_CATEGORIES
                else (f"canonical {LABELLED_MEASURES[m]} (taxonomy)" if m in LABELLED_MEASURES else ""),
                "category_kind": category_kind(m),
            }
            for m in Measure
        ),
        pk="measure",
    )
    db["categories"].insert_all(category_rows(), pk=("kind", "category"))
    # columns in reading order: who, when, what, then the details a reader checks
    db["documents"].create(
        {
            "sha256": str, "label": str, "authority_name": str, "period": str, "title": str, "status": str,
            "format": str, "original_format": str, "pages": int, "facts": int, "source_url": str, "licence": str,
            "file_name": str, "path": str, "size_bytes": int, "authority_code": str, "blocks": int,
            "identified_by": str, "error": str, "warnings": int, "set_aside": int, "extractor_version": str,
            **{column: int for column in STATUS_COUNT_COLUMNS.values()},
        },
        pk="sha256",
        foreign_keys=[("authority_code", "councils", "code")],
    )
    db["facts"].create(
        {"id": int, **FACT_COLUMNS},
        pk="id",
        foreign_keys=[
            ("authority_code", "councils", "code"),
            ("measure", "measures", "measure"),
            ("document_sha256", "documents", "sha256"),
        ],
    )
    db["rejected_facts"].create(
        {"id": int, **FACT_COLUMNS, **DECISION_COLUMNS},
        pk="id",
        foreign_keys=[("document_sha256", "documents", "sha256")],
    )
    db["ingest_log"].create(
        {"id": int, "document_sha256": str, "file_name": str, "level": str, "message": str},
        pk="id",
        foreign_keys=[("document_sha256", "documents", "sha256")],
    )
    db["set_aside"].create(
        {"id": int, "document_sha256": str, "file_name": str, "authority_code": str, "period": str, "value": float,
         "unit": str, "measure": str, "stage": str, "reason": str, "quote": str, "method": str, "page": int,
         "line": int, "block": int, "rule": str},
        pk="id",
        foreign_keys=[("document_sha256", "documents", "sha256")],
    )
    db["review_queue"].create(
        {"id": int, "kind": str, "label": str, "councils": str, "facts": int, "best_candidate": str,
         "best_score": float, "candidates": str},
        pk="id",
    )


#: documents' columns counting their facts of each status (the document page shows them).
STATUS_COUNT_COLUMNS = {status: f"facts_{status.value}" for status in FactStatus}


def add_extraction(db, path: Path, row: ManifestRow | None, extraction: Extraction, corpus: Corpus,
                   seen: set[str], report: BuildReport, decisions: list[Verification] = ()) -> None:
    source = extraction.document
    report.documents += 1
    status = extraction.status.value
    if source.sha256 in seen:
        # the same file twice (same SHA-256) is stored once
        db["ingest_log"].insert({"document_sha256": source.sha256, "file_name": path.name, "level": "warning",
                                 "message": f"{path.name}: the same file as one already built (same SHA-256); skipped"})
        report.by_status["duplicate"] = report.by_status.get("duplicate", 0) + 1
        return
    seen.add(source.sha256)
    verified = apply_verifications(extraction.facts, decisions)
    facts, rejected = verified.facts, extraction.rejected + verified.rejected
    report.verifications_applied += verified.applied
    report.orphaned += verified.orphans
    counts = {column: 0 for column in STATUS_COUNT_COLUMNS.values()}
    for fact_status in [f.status for f in facts] + [FactStatus.REJECTED] * len(rejected):
        counts[STATUS_COUNT_COLUMNS[fact_status]] += 1
    errors = []
    if row is not None and row.sha256 and row.sha256 != source.sha256:
        errors.append(f"{path.name}: the file differs from the one the manifest recorded (SHA-256 changed)")
    if extraction.error:
        errors.append(extraction.error)
    try:
        relative = str(path.resolve().relative_to(corpus.root.resolve()))
    except ValueError:
        relative = str(path)
    title = row.title if row and row.title else source.title
    db["documents"].insert(
        {
            "sha256": source.sha256,
            "label": document_label(source.authority_name, source.period, title, source.file_name),
            "file_name": source.file_name,
            "path": relative,
            "format": source.format.value,
            "original_format": row.original_format if row else None,
            "size_bytes": source.size_bytes,
            "authority_code": source.authority_code,
            "authority_name": source.authority_name,
            "period": source.period,
            "title": title,
            "pages": source.pages,
            "blocks": source.blocks,
            "identified_by": source.identified_by,
            "status": status,
            "error": "; ".join(errors) or None,
            "facts": len(facts),
            "warnings": len(extraction.warnings),
            "set_aside": len(extraction.set_aside),
            "source_url": row.source_url if row else None,
            "licence": row.licence if row else None,
            "extractor_version": extractor_fingerprint(),
            **counts,
        }
    )
    db["facts"].insert_all(fact_row(f) for f in facts)
    db["rejected_facts"].insert_all(rejected_row(r) for r in rejected)
    db["set_aside"].insert_all(set_aside_row(source, path, aside) for aside in extraction.set_aside)
    log_rows = [{"document_sha256": source.sha256, "file_name": path.name, "level": "error", "message": e} for e in errors]
    log_rows += [{"document_sha256": source.sha256, "file_name": path.name, "level": "warning", "message": w}
                 for w in extraction.warnings]
    if log_rows:
        db["ingest_log"].insert_all(log_rows)
    add_review_items(db, extraction.review, source.authority_code)
    report.facts += len(facts)
    report.by_status[status] = report.by_status.get(status, 0) + 1
    report.errors.extend(errors)
    report.warnings += len(extraction.warnings)


def _column_type(annotation) -> type:
    """The SQLite column type of a model field: numbers stay numbers, everything else is text."""
    for kind in (int, float):
        if annotation is kind or kind in getattr(annotation, "__args__", ()):
            return kind
    return str


#: The facts table's first columns, in the order a reader reads a figure; the rest follow in
#: the model's order.
READING_ORDER = ("authority_name", "period", "measure", "stage", "category", "value", "unit", "quote", "page", "line",
                 "document_sha256", "method", "confidence", "authority_code")
_MODEL_COLUMNS = {
    **{name: _column_type(f.annotation) for name, f in Fact.model_fields.items() if name != "provenance"},
    **{name: _column_type(f.annotation) for name, f in Provenance.model_fields.items()},
    "value": NUMERIC,  # a count read as 10.0 is stored as 10, so the site and CSV show 10
}
#: The facts table's columns, derived from the Fact model and its Provenance (one place:
#: a field added to the model is a column of the database).
FACT_COLUMNS: dict[str, type] = {
    **{name: _MODEL_COLUMNS[name] for name in READING_ORDER},
    **{name: kind for name, kind in _MODEL_COLUMNS.items() if name not in READING_ORDER},
}


def document_label(council: str | None, period: str | None, title: str | None, file_name: str) -> str:
    """How pages name a report: 'Thurrock, 2023-24: Appendix - 2023/24 ...' (the file name when untitled)."""
    who = ", ".join(filter(None, [council, period]))
    what = title or file_name
    return f"{who}: {what}" if who else what


def _kind(enum: type) -> str:
    """'response_time' for ResponseTime."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", enum.__name__).lower()


def category_kind(measure: Measure) -> str | None:
    """Which list a measure's categories come from: a fixed list ('outcome') or a taxonomy ('service')."""
    if measure in FIXED_CATEGORIES:
        return _kind(FIXED_CATEGORIES[measure])
    return LABELLED_MEASURES.get(measure)


def category_rows() -> list[dict]:
    """Every category in words: the fixed lists' labels and the taxonomies' names."""
    rows = [{"kind": _kind(enum), "category": category, "label": label, "description": None}
            for enum, labels in CATEGORY_LABELS.items() for category, label in labels.items()]
    for kind, taxonomy in sorted(load_taxonomies().items()):
        rows += [{"kind": kind, "category": e.id, "label": e.name, "description": e.description}
                 for e in taxonomy.entries.values()]
    return rows


def fact_row(fact: Fact) -> dict:
    """A fact as a row of the facts table (enums as their values, the box and evidence as JSON)."""
    data = fact.model_dump(mode="json", exclude={"provenance"})
    data.update(fact.provenance.model_dump(mode="json"))
    data["bbox"] = json.dumps(fact.provenance.bbox) if fact.provenance.bbox else None
    data["evidence"] = json.dumps(list(fact.provenance.evidence))
    return data


#: The database's name for a decision's `when` (a keyword of SQL).
DECIDED_AT = "decided_at"
def set_aside_row(source, path: Path, aside: SetAside) -> dict:
    """A number read but not published, with why, where and what it would have been."""
    return {"document_sha256": source.sha256, "file_name": path.name, "authority_code": source.authority_code,
            "period": aside.period, "value": aside.value, "unit": aside.unit.value,
            "measure": aside.measure.value if aside.measure else None, "stage": aside.stage.value if aside.stage else None,
            "reason": aside.reason, "quote": aside.quote, "method": aside.method.value, "page": aside.page,
            "line": aside.line, "block": aside.block, "rule": aside.rule}


#: What a rejected fact keeps of the decision, besides the fact's own columns.
DECISION_COLUMNS: dict[str, type] = {"note": str, "who": str, DECIDED_AT: str}


def rejected_row(rejected: RejectedFact) -> dict:
    decision = rejected.decision
    return {**fact_row(rejected.fact), "note": decision.note, "who": decision.who, DECIDED_AT: decision.when}


def add_verifications(db, decisions: list[Verification], orphaned: list[OrphanedVerification]) -> None:
    """Every decision of verifications.csv, with what became of it: 'applied' (to the fact with
    `fact_id`, or to the rejected fact with `rejected_fact_id`) or 'orphaned' and why."""
    reasons = {id(o.decision): o.reason for o in orphaned}
    columns = {DECIDED_AT if c == "when" else c: (float if c in ("value", "corrected_value") else str)
               for c in VERIFICATION_COLUMNS}
    table = db["verifications"]
    table.create({"id": int, "line": int, **columns, "fact_ref": str, "outcome": str, "reason": str,
                  "fact_id": int, "rejected_fact_id": int}, pk="id")
    table.insert_all(
        {**d.model_dump(mode="json", exclude={"line", "when"}), DECIDED_AT: d.when, "line": d.line, "fact_ref": d.ref,
         "outcome": "orphaned" if id(d) in reasons else "applied", "reason": reasons.get(id(d))}
        for d in decisions
    )
    for column, source in (("fact_id", "facts"), ("rejected_fact_id", "rejected_facts")):
        db.execute(f"update verifications set {column} = (select s.id from {source} s where s.document_sha256 = "
                   f"verifications.document_sha256 and s.ref = verifications.fact_ref) where outcome = 'applied'")
    db.create_view("orphaned_verifications", "select * from verifications where outcome = 'orphaned'", replace=True)


def add_review_items(db, items: list[ReviewItem], council: str | None) -> None:
    table = db["review_queue"]
    for item in items:
        existing = list(table.rows_where("kind = ? and label = ?", [item.kind, item.label]))
        if existing:
            row = existing[0]
            councils = sorted(set(filter(None, (row["councils"] or "").split(", "))) | ({council} if council else set()))
            table.update(row["id"], {"facts": row["facts"] + item.facts, "councils": ", ".join(councils)})
            continue
        best = item.candidates[0] if item.candidates else (None, None)
        table.insert(
            {
                "kind": item.kind,
                "label": item.label,
                "councils": council or "",
                "facts": item.facts,
                "best_candidate": best[0],
                "best_score": round(best[1], 1) if best[1] is not None else None,
                "candidates": ", ".join(f"{c} ({s:.0f})" for c, s in item.candidates),
            }
        )


def finish_database(db: sqlite_utils.Database) -> None:
    """Indexes for the views and facets, full-text search over quotes, build metadata."""
    facts = db["facts"]
    facts.create_index(["authority_code", "period", "measure", "stage"])
    facts.create_index(["measure", "period", "stage", "category"])
    facts.create_index(["document_sha256"])
    facts.create_index(["category"])
    facts.create_index(["status"])
    facts.create_index(["document_sha256", "ref"])
    db["documents"].create_index(["authority_code", "period"])
    db["ingest_log"].create_index(["document_sha256"])
    facts.enable_fts(["quote", "category_raw", "authority_name"], create_triggers=False)
    load_reference(db)  # reference tables (neighbours, population, context) and the benchmark summary
    record_validation_issues(db)
    db["build_info"].insert_all(
        [
            {"key": "extractor_version", "value": extractor_fingerprint()},
            {"key": "built_on", "value": date.today().isoformat()},
        ],
        pk="key",
    )
    db.vacuum()

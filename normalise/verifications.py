"""People's decisions on facts, kept in corpus/verifications.csv and applied at every build.

A decision is matched to a fact by the document's SHA-256, the fact's key (council, period,
measure, stage, category or printed label, unit) and its value as extracted, never by a
database row id. So a rebuild from scratch, a new extractor version or a re-ordered
document keeps every decision, and:

* ``accept`` makes the fact ``verified``;
* ``correct`` makes it ``corrected``: the corrected value (and measure, stage or category)
  replaces the extracted one everywhere downstream, and `extracted_value` keeps what was read;
* ``reject`` takes it out of the facts; it is kept, with the decision, among the rejected.

The value is part of the match on purpose: when a new extractor reads a *different* figure
for the same key of the same document, the old decision is not carried over to a number
nobody checked. It is reported as orphaned ("now read as 12, decided on 11"), like a
decision whose fact is no longer extracted at all or whose document left the corpus, and
the fact keeps its calibrated status. Orphans are listed by the build (a warning and the
`verifications` table), never silently lost; decide again with `complaints verify`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from corpus.files import write_text_atomically
from corpus.manifest import CORPUS_DIR
from normalise.categories import load_mapper
from schemas import (
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    VERIFICATION_COLUMNS,
    CategoryMethod,
    Decision,
    Fact,
    FactStatus,
    OrphanedVerification,
    RejectedFact,
    Verification,
)
from schemas.errors import VerificationError
from schemas.verification import target

VERIFICATIONS_FILE = "verifications.csv"
DEFAULT_VERIFICATIONS = CORPUS_DIR / VERIFICATIONS_FILE

Target = tuple  # (document SHA-256, key, value): what a decision is matched on


def verifications_path(corpus_dir: Path | None = None) -> Path:
    """The decisions file of a corpus folder (corpus/verifications.csv for the bundled one)."""
    return Path(corpus_dir) / VERIFICATIONS_FILE if corpus_dir else DEFAULT_VERIFICATIONS


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where + ': ' if where else ''}{first['msg']}"


def load_verifications(path: Path = DEFAULT_VERIFICATIONS) -> list[Verification]:
    """Every decision in the file (none when there is no file). A row that cannot be used, or
    two rows deciding the same fact, stop with a message naming the line."""
    path = Path(path)
    if not path.exists():
        return []
    decisions: list[Verification] = []
    seen: dict[Target, int] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(VERIFICATION_COLUMNS) - set(reader.fieldnames or [])
        if missing:
            raise VerificationError(f"{path.name}: the header needs {', '.join(sorted(missing))} "
                                    f"(columns: {', '.join(VERIFICATION_COLUMNS)})")
        for line, row in enumerate(reader, start=2):
            values = {k: (v.strip() or None) for k, v in row.items() if k in VERIFICATION_COLUMNS and v is not None}
            if not any(values.values()):
                continue
            values["note"] = values.get("note") or ""
            try:
                decision = Verification(**values, line=line)
            except ValidationError as exc:
                raise VerificationError(f"{path.name}: line {line}: {_first_error(exc)}") from exc
            if decision.target() in seen:
                raise VerificationError(f"{path.name}: lines {seen[decision.target()]} and {line} decide the same fact "
                                        f"({decision.measure.value} {decision.value:g}); keep one")
            seen[decision.target()] = line
            decisions.append(decision)
    return decisions


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _row(decision: Verification) -> dict[str, str]:
    data = decision.model_dump(mode="json")
    return {column: _cell(data.get(column)) for column in VERIFICATION_COLUMNS}


def record(decision: Verification, path: Path = DEFAULT_VERIFICATIONS) -> Verification:
    """Write one decision: it replaces an earlier decision on the same fact, else it is added.
    The file is rewritten in one step, so an interrupted session never leaves half a row."""
    path = Path(path)
    decisions = [d for d in load_verifications(path) if d.target() != decision.target()]
    decisions.append(decision)
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(VERIFICATION_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(d) for d in decisions)
    write_text_atomically(path, text.getvalue())
    return decision


def fact_target(fact: Fact) -> Target:
    return target(fact.provenance.document_sha256, fact.key(), fact.value)


def _category_method(measure, category: str | None) -> CategoryMethod:
    """How a corrected fact's category was decided: a person's decision is an override."""
    if category is None:
        return CategoryMethod.UNMAPPED if measure in LABELLED_MEASURES else CategoryMethod.NONE
    return CategoryMethod.FIXED if measure in FIXED_CATEGORIES else CategoryMethod.OVERRIDE


def corrected(fact: Fact, decision: Verification) -> Fact:
    """The fact as a person corrected it, the extracted value kept. Raises ValueError with the
    fact contract's message when the correction breaks it."""
    changes = decision.corrections()
    data = fact.model_dump()
    data.update(changes)
    if "measure" in changes or "category" in changes:
        data["category_method"] = _category_method(data["measure"], data["category"])
        data["category_score"] = None
    data.update(status=FactStatus.CORRECTED, extracted_value=fact.value)
    kind = LABELLED_MEASURES.get(data["measure"])
    if kind and data["category"] is not None and data["category"] not in load_mapper().taxonomies[kind].entries:
        raise ValueError(f"{data['category']!r} is not an id of the {kind} taxonomy (normalise/data/)")
    try:
        return Fact.model_validate(data)
    except ValidationError as exc:
        raise ValueError(exc.errors()[0]["msg"]) from exc


@dataclass
class Verified:
    """A document's facts after its decisions were applied."""

    facts: list[Fact]
    rejected: list[RejectedFact] = field(default_factory=list)
    orphans: list[OrphanedVerification] = field(default_factory=list)  # decisions on this document that fit no fact
    applied: int = 0


def by_document(decisions: Iterable[Verification]) -> dict[str, list[Verification]]:
    grouped: dict[str, list[Verification]] = defaultdict(list)
    for decision in decisions:
        grouped[decision.document_sha256].append(decision)
    return grouped


def apply_verifications(facts: list[Fact], decisions: Iterable[Verification]) -> Verified:
    """Apply the decisions made on one document to its facts; a decision that fits none of
    them is returned as an orphan with the reason."""
    by_target = {fact_target(f): f for f in facts}
    by_key = defaultdict(list)
    for fact in facts:
        by_key[fact_target(fact)[:2]].append(fact)
    outcome: dict[Target, Fact | RejectedFact] = {}
    result = Verified(facts=[])
    for decision in decisions:
        fact = by_target.get(decision.target())
        if fact is None:
            result.orphans.append(OrphanedVerification(decision=decision, reason=_why_unmatched(decision, by_key)))
            continue
        if decision.decision is Decision.REJECT:
            outcome[decision.target()] = RejectedFact(fact=fact.model_copy(update={"status": FactStatus.REJECTED}),
                                                      decision=decision)
        elif decision.decision is Decision.CORRECT:
            try:
                outcome[decision.target()] = corrected(fact, decision)
            except ValueError as exc:
                result.orphans.append(OrphanedVerification(
                    decision=decision, reason=f"the correction breaks the fact contract ({exc}): not applied"))
                continue
        else:
            outcome[decision.target()] = fact.model_copy(update={"status": FactStatus.VERIFIED})
        result.applied += 1
    for fact in facts:
        decided = outcome.get(fact_target(fact), fact)
        if isinstance(decided, RejectedFact):
            result.rejected.append(decided)
        else:
            result.facts.append(decided)
    return result


def _why_unmatched(decision: Verification, by_key: dict) -> str:
    now = by_key.get(decision.target()[:2])
    if now:
        values = ", ".join(f"{f.value:g}" for f in now)
        return (f"the figure is now read as {values}, not {decision.value:g} as when it was decided: "
                "check it again (complaints verify)")
    return "the document no longer gives a fact with this key (the extractor does not read it any more)"


def missing_documents(decisions: Iterable[Verification], built: set[str]) -> list[OrphanedVerification]:
    """Decisions on documents that are not in the build (removed from the corpus, or changed)."""
    return [OrphanedVerification(decision=d, reason=f"no document with SHA-256 {d.document_sha256[:12]}… in the build")
            for d in decisions if d.document_sha256 not in built]

"""Candidate figures -> facts: the council each is about, canonical categories, the contract checked.

A candidate names another council (a benchmarking row) by its printed name; it is resolved
with the registry, or left out with a warning. Printed service, theme and remedy labels are
mapped to the taxonomy (or queued for review). A figure that breaks the fact contract is left
out with the contract's message. The same figure read twice (a table and a sentence) is
kept once, the table's reading first, with the evidence that it was printed twice
('agrees:repeated'; normalise/agreement.py adds the other checks).
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import ValidationError

from normalise.agreement import AGREES, REPEATED, add_evidence
from normalise.categories import CategoryMapper
from normalise.councils import Council, CouncilRegistry
from schemas import (
    FIXED_CATEGORIES,
    LABELLED_MEASURES,
    Candidate,
    CategoryMethod,
    Fact,
    Method,
    Provenance,
    ReviewItem,
    SourceDocument,
    Unit,
)

#: When one figure is printed twice (a table and a sentence), the table's reading is kept.
METHOD_PREFERENCE = {Method.TABLE: 0, Method.CHART: 1, Method.LIST: 2, Method.TEXT: 3}


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
                    **vars(first),
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
                    review[key] = ReviewItem(kind=mapped.kind, label=candidate.category_raw, candidates=mapped.candidates)
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
                    rule=candidate.rule,
                    evidence=candidate.evidence,
                ),
            )
        except ValidationError as exc:
            warnings.append(f"a figure was left out because it breaks the fact contract: {exc.errors()[0]['msg']}")
            continue
        key = fact.key() + (fact.value,)
        if key not in facts:
            facts[key] = fact
        elif facts[key].provenance.block != fact.provenance.block:
            facts[key] = add_evidence(facts[key], [AGREES + REPEATED])  # printed twice: a table and a sentence
    in_reading_order = sorted(facts.values(), key=lambda f: (f.provenance.block or 0, f.provenance.page or 0))
    return in_reading_order, list(review.values())


"""The review queue of printed labels no category was found for, and human decisions on them.

`review_queue(facts)` lists the labels (services, themes, remedies) that were left
'unmapped', one row per label and kind, with the councils that printed it, the best
candidates and their scores, and how many facts wait on it. `accept(label, id)` records a
person's decision in normalise/overrides.csv, where it wins over every automatic match.

The CLI wires these as `complaints review` and `complaints review --accept LABEL=ID`
(`parse_assignment` reads the 'LABEL=ID' form).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.files import write_text_atomically
from normalise.categories import (
    OVERRIDE_FIELDS,
    OVERRIDES_CSV,
    CategoryMapper,
    Override,
    Taxonomy,
    TaxonomyError,
    _default_taxonomies,
    load_mapper,
    override_key,
)
from schemas import LABELLED_MEASURES, CategoryMethod, Fact, is_english_gss_code



@dataclass(frozen=True)
class ReviewRow:
    """One printed label waiting for a decision."""

    label: str  # as printed (the most frequent spelling when several differ only in case or '&')
    kind: str  # 'service', 'theme' or 'remedy'
    councils: tuple[str, ...]  # GSS codes of the councils that printed it
    candidates: tuple[tuple[str, float], ...]  # (canonical id, score 0-100), best first
    facts: int  # how many facts carry it
    measures: tuple[str, ...] = ()
    spellings: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "kind": self.kind,
            "councils": list(self.councils),
            "candidates": [{"id": c, "score": s} for c, s in self.candidates],
            "facts": self.facts,
            "measures": list(self.measures),
            "spellings": list(self.spellings),
        }


def review_queue(facts: Iterable[Fact], mapper: CategoryMapper | None = None) -> list[ReviewRow]:
    """Labels of unmapped facts, most facts first.

    Facts whose label a later decision now maps (an accepted override, a new alias) are
    left out, so the queue shrinks as decisions are made. The candidates come from `mapper`
    (the packaged one by default).
    """
    mapper = mapper or load_mapper()
    groups: dict[tuple[str, str], dict] = {}
    for fact in facts:
        if fact.measure not in LABELLED_MEASURES or fact.category_method is not CategoryMethod.UNMAPPED:
            continue
        label = fact.category_raw or ""
        if not label.strip():
            continue
        kind = LABELLED_MEASURES[fact.measure]
        group = groups.setdefault(
            (kind, override_key(label)),
            {"spellings": {}, "councils": set(), "measures": set(), "facts": 0, "samples": []},
        )
        group["spellings"][label] = group["spellings"].get(label, 0) + 1
        group["councils"].add(fact.authority_code)
        group["measures"].add(fact.measure.value)
        group["facts"] += 1
        group["samples"].append((fact.measure, label, fact.authority_code))
    rows = []
    for (kind, _), group in groups.items():
        decided = [mapper.map(m, label, council) for m, label, council in group["samples"]]
        if all(d.category is not None for d in decided):
            continue
        spellings = sorted(group["spellings"], key=lambda s: (-group["spellings"][s], s))
        best = mapper.map_kind(kind, spellings[0])
        rows.append(
            ReviewRow(
                label=spellings[0],
                kind=kind,
                councils=tuple(sorted(group["councils"])),
                candidates=tuple((c, round(s, 1)) for c, s in best.candidates),
                facts=group["facts"],
                measures=tuple(sorted(group["measures"])),
                spellings=tuple(spellings),
            )
        )
    return sorted(rows, key=lambda r: (-r.facts, r.kind, r.label.casefold()))


def parse_assignment(text: str) -> tuple[str, str]:
    """'Oaktree Centre=early_help' -> ('Oaktree Centre', 'early_help'); the id follows the last '='."""
    label, sep, canonical_id = text.rpartition("=")
    if not sep or not label.strip() or not canonical_id.strip():
        raise ValueError(f"expected LABEL=ID, e.g. 'Oaktree Centre=early_help', got {text!r}")
    return label.strip(), canonical_id.strip()


def accept(
    label: str,
    canonical_id: str,
    council: str = "*",
    note: str = "",
    path: Path = OVERRIDES_CSV,
    kind: str | None = None,
    taxonomies: dict[str, Taxonomy] | None = None,
) -> Override:
    """Record that `label` means `canonical_id` (for one council, or '*' for all).

    The id must exist in the taxonomy of `kind` when given, else in some taxonomy; a row for
    the same council and label (ignoring case, '&' and spacing) is replaced, otherwise one
    is appended. Returns the override written. Raises ValueError (TaxonomyError) with the
    valid ids when the id is unknown.
    """
    taxonomies = taxonomies or _default_taxonomies()
    label = " ".join((label or "").split())
    canonical_id = (canonical_id or "").strip()
    council = (council or "*").strip()
    if not label:
        raise TaxonomyError("a label is needed")
    if council != "*" and not is_english_gss_code(council):
        raise TaxonomyError(f"council must be '*' or a GSS code like 'E06000034', got {council!r}")
    if kind is not None:
        if kind not in taxonomies:
            raise TaxonomyError(f"unknown kind {kind!r}; one of: {', '.join(sorted(taxonomies))}")
        searched = {kind: taxonomies[kind]}
    else:
        searched = taxonomies
    if not any(canonical_id in t.entries for t in searched.values()):
        valid = "; ".join(f"{k}: {', '.join(t.entries)}" for k, t in searched.items())
        what = f"the {kind} taxonomy" if kind else "any taxonomy"
        raise TaxonomyError(f"{canonical_id!r} is not an id in {what}. Valid ids: {valid}")

    path = Path(path)
    rows: list[dict[str, str]] = []
    if path.exists():
        with open(path, newline="", encoding="utf-8") as handle:
            rows = [
                {k: (row.get(k) or "") for k in OVERRIDE_FIELDS}
                for row in csv.DictReader(handle)
                if any((row.get(k) or "").strip() for k in OVERRIDE_FIELDS[:3])
            ]
    new = {"council_code": council, "raw_label": label, "canonical_id": canonical_id, "note": note.strip()}
    key = (council, override_key(label))
    for position, row in enumerate(rows):
        if (row["council_code"].strip(), override_key(row["raw_label"])) == key:
            rows[position] = new
            break
    else:
        rows.append(new)
    _write_rows(path, rows)
    if path.resolve() == OVERRIDES_CSV.resolve():
        load_mapper.cache_clear()  # the next mapper in this process sees the decision
    line = next(i for i, row in enumerate(rows, start=2) if row is new)
    return Override(council, label, canonical_id, new["note"], line, path.name)


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """Write the overrides file in one step (a crash never leaves half a file)."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(OVERRIDE_FIELDS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_text_atomically(path, text.getvalue())

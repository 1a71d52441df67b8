"""Free labels (services, themes, remedies) -> canonical categories, with a review queue.

Every council names its teams differently. A printed label is normalised (case, '&',
punctuation, words like 'team' and 'service', team numbers and localities), then:

1. a human decision in `overrides.csv` wins (council code, raw label, canonical id);
2. an exact match with a taxonomy alias is taken ('alias');
3. otherwise rapidfuzz's `token_sort_ratio` (whole-label similarity; WRatio would score a
   part of a label as a full match) ranks the canonical entries; the best is taken when it
   reaches `DEFAULT_SCORE_CUTOFF` and beats the runner-up by `AMBIGUITY_MARGIN` ('fuzzy');
4. anything else gets no category and goes to the review queue ('unmapped').

The raw label is always kept on the fact.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from schemas import LABELLED_MEASURES, CategoryMethod, Measure

DATA_DIR = Path(__file__).resolve().parent / "data"
TAXONOMY_FILES = {"service": "services.yaml", "theme": "themes.yaml", "remedy": "remedies.yaml"}
OVERRIDES_CSV = Path(__file__).resolve().parent / "overrides.csv"

DEFAULT_SCORE_CUTOFF = 86.0
AMBIGUITY_MARGIN = 6.0
PATH_SEPARATOR = " > "

#: Words that carry no meaning for matching a service or theme.
STOP_WORDS = frozenset(
    {"team", "teams", "service", "services", "the", "of", "and", "unit", "dept", "department", "hub", "s",
     "issue", "issues", "complaint", "complaints", "childrens", "cs", "csc", "for", "with", "a", "an", "to", "in"}
)
#: Localities and team numbers keep their detail in the raw label but do not change the service.
SUFFIX_RE = re.compile(
    r"\s*(?:\((?:north|south|east|west|central|[a-z\s]+)\)|\b(?:north|south|east|west|central)(?:\s+(?:east|west))?\b|\b\d+\b|\b[ivx]+\b)\s*",
    re.IGNORECASE,
)


class TaxonomyError(ValueError):
    """A taxonomy or overrides file has an entry that cannot be used."""


def normalise_label(text: str, drop_suffixes: bool = True) -> str:
    """'Children & Families Assessment Team CFAT' -> 'children families assessment cfat'."""
    text = text.casefold().replace("&", " and ").replace("’", "'")
    text = re.sub(r"'s\b", "s", text)
    if drop_suffixes:
        text = SUFFIX_RE.sub(" ", text)
    words = re.findall(r"[a-z0-9]+", text)
    kept = [w for w in words if w not in STOP_WORDS]
    return " ".join(kept or words)


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    description: str
    aliases: tuple[str, ...]


@dataclass
class Mapped:
    kind: str
    category: str | None
    method: CategoryMethod
    score: float | None = None
    candidates: list[tuple[str, float]] = field(default_factory=list)


class Taxonomy:
    """One kind of canonical category (services, themes or remedies) with its aliases."""

    def __init__(self, kind: str, entries: list[Entry], source: str):
        self.kind = kind
        self.entries = {e.id: e for e in entries}
        self.alias_index: dict[str, str] = {}
        for entry in entries:
            for alias in (entry.name, *entry.aliases):
                key = normalise_label(alias, drop_suffixes=False)
                other = self.alias_index.get(key)
                if other and other != entry.id:
                    raise TaxonomyError(f"{source}: alias {alias!r} is given to both {other!r} and {entry.id!r}")
                self.alias_index[key] = entry.id
        self._choices = list(self.alias_index)

    @classmethod
    def load(cls, kind: str, path: Path) -> "Taxonomy":
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle) or []
        entries = []
        for position, item in enumerate(data):
            if not isinstance(item, dict) or "id" not in item or "name" not in item:
                raise TaxonomyError(f"{path.name}: entry {position + 1} needs an 'id' and a 'name'")
            if not re.fullmatch(r"[a-z][a-z0-9_]*", item["id"]):
                raise TaxonomyError(f"{path.name}: {item['id']!r}: ids are lower_case_with_underscores")
            entries.append(
                Entry(item["id"], item["name"], item.get("description", ""), tuple(item.get("aliases", []) or []))
            )
        return cls(kind, entries, path.name)

    def ranked(self, label: str, limit: int = 3) -> list[tuple[str, float]]:
        """The best canonical ids for a label, by the best score of any of their aliases."""
        query = normalise_label(label)
        best: dict[str, float] = {}
        for alias, score, _ in process.extract(query, self._choices, scorer=fuzz.token_sort_ratio, limit=25):
            entry = self.alias_index[alias]
            best[entry] = max(best.get(entry, 0.0), float(score))
        return sorted(best.items(), key=lambda item: -item[1])[:limit]

    def match(self, label: str, cutoff: float = DEFAULT_SCORE_CUTOFF, margin: float = AMBIGUITY_MARGIN) -> Mapped:
        for drop in (False, True):
            exact = self.alias_index.get(normalise_label(label, drop_suffixes=drop))
            if exact:
                return Mapped(self.kind, exact, CategoryMethod.ALIAS, 100.0)
        ranked = self.ranked(label)
        if ranked and ranked[0][1] >= cutoff and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= margin):
            return Mapped(self.kind, ranked[0][0], CategoryMethod.FUZZY, round(ranked[0][1], 1), ranked)
        return Mapped(self.kind, None, CategoryMethod.UNMAPPED, round(ranked[0][1], 1) if ranked else None, ranked)


@dataclass(frozen=True)
class Override:
    council: str  # a GSS code, or '*' for every council
    label: str
    category: str
    note: str


class CategoryMapper:
    def __init__(self, taxonomies: dict[str, Taxonomy], overrides: list[Override]):
        self.taxonomies = taxonomies
        self.overrides: dict[tuple[str, str], Override] = {}
        for override in overrides:
            kinds = [k for k, t in taxonomies.items() if override.category in t.entries]
            if not kinds:
                raise TaxonomyError(f"{OVERRIDES_CSV.name}: {override.council} {override.label!r}: unknown category {override.category!r}")
            self.overrides[(override.council, override.label.casefold().strip())] = override

    def map(self, measure: Measure, label: str, council: str | None = None) -> Mapped:
        """The canonical category of a printed label for a labelled measure."""
        kind = LABELLED_MEASURES[measure]
        taxonomy = self.taxonomies[kind]
        segments = [s.strip() for s in label.split(PATH_SEPARATOR) if s.strip()]
        for key in ((council or "*", label.casefold().strip()), ("*", label.casefold().strip())):
            if key in self.overrides and self.overrides[key].category in taxonomy.entries:
                return Mapped(kind, self.overrides[key].category, CategoryMethod.OVERRIDE, None)
        # the most specific segment first: 'Children in Need > Winsford' is Children in Need
        first: Mapped | None = None
        for segment in reversed(segments):
            mapped = taxonomy.match(segment)
            if mapped.method is not CategoryMethod.UNMAPPED:
                return mapped
            first = first or mapped
        return first or Mapped(kind, None, CategoryMethod.UNMAPPED)


def load_overrides(path: Path = OVERRIDES_CSV) -> list[Override]:
    if not path.exists():
        return []
    overrides = []
    with open(path, newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            try:
                overrides.append(Override(row["council_code"].strip(), row["raw_label"].strip(), row["canonical_id"].strip(), (row.get("note") or "").strip()))
            except (KeyError, AttributeError) as exc:
                raise TaxonomyError(f"{path.name}: line {line}: needs council_code, raw_label, canonical_id, note") from exc
    return overrides


@lru_cache(maxsize=1)
def load_mapper() -> CategoryMapper:
    taxonomies = {kind: Taxonomy.load(kind, DATA_DIR / name) for kind, name in TAXONOMY_FILES.items()}
    return CategoryMapper(taxonomies, load_overrides())

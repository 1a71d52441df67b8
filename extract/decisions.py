"""The decision table of `measures.yaml`: a reading of a figure -> a measure of the contract.

Loaded and validated once; a bad row names itself, e.g.
``measures.yaml: row 12 ('remedies by type'): unknown qualifier 'upheldd'``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from extract.lexicon import BASES, FIXED_DIMENSIONS, QUALIFIERS
from schemas import FIXED_CATEGORIES, Measure
from schemas.errors import LexiconError

MEASURES_PATH = Path(__file__).resolve().parent / "measures.yaml"
LABEL_DIMENSIONS = ("service", "theme", "remedy")
CONDITIONS = {"base", "base_not", "fixed", "label", "category", "money", "with", "any_of", "without", "has_label"}
#: The breakdown whose category a fixed-category measure takes.
CATEGORY_DIMENSION = {
    measure: dimension
    for dimension, first in FIXED_DIMENSIONS.items()
    for measure in FIXED_CATEGORIES if FIXED_CATEGORIES[measure] is FIXED_CATEGORIES[first]
}


@dataclass(frozen=True)
class Rule:
    why: str
    conditions: dict
    measure: Measure | None

    def holds(self, base: str | None, fixed: str | None, label: str | None, category: str | None,
              qualifiers: frozenset[str], money: bool, has_label: bool) -> bool:
        c = self.conditions
        base_name = base or "none"
        return (
            ("base" not in c or base_name in c["base"])
            and ("base_not" not in c or base_name not in c["base_not"])
            and _dimension_holds(c.get("fixed"), fixed)
            and _dimension_holds(c.get("label"), label)
            and ("category" not in c or category in c["category"])
            and ("money" not in c or c["money"] == money)
            and ("has_label" not in c or c["has_label"] == has_label)
            and set(c.get("with", ())) <= qualifiers
            and ("any_of" not in c or bool(set(c["any_of"]) & qualifiers))
            and not set(c.get("without", ())) & qualifiers
        )


def _dimension_holds(condition, value: str | None) -> bool:
    if condition is None:
        return True
    if condition == "none":
        return value is None
    if condition == "some":
        return value is not None
    return value in condition


@dataclass(frozen=True)
class Rewrite:
    why: str
    when: dict
    remove: frozenset[str]
    add: frozenset[str]


class DecisionTable:
    def __init__(self, data: dict, source: str = MEASURES_PATH.name):
        self.rewrites = [self._rewrite(entry, i, source) for i, entry in enumerate(data.get("rewrites") or [], 1)]
        self.rules = [self._rule(entry, i, source) for i, entry in enumerate(data.get("rows") or [], 1)]
        if not self.rules:
            raise LexiconError(f"{source}: no rows")

    @staticmethod
    def _check(conditions: dict, where: str) -> dict:
        unknown = set(conditions) - CONDITIONS
        if unknown:
            raise LexiconError(f"{where}: unknown condition {sorted(unknown)[0]!r} (known: {', '.join(sorted(CONDITIONS))})")
        for key in ("base", "base_not"):
            for base in conditions.get(key, ()):
                if base != "none" and base not in BASES:
                    raise LexiconError(f"{where}: unknown base {base!r}")
        for key, known in (("fixed", tuple(FIXED_DIMENSIONS)), ("label", LABEL_DIMENSIONS)):
            value = conditions.get(key)
            if value is not None and value not in ("none", "some") and not set(value) <= set(known):
                raise LexiconError(f"{where}: {key} must be 'none', 'some' or some of {', '.join(known)}, got {value!r}")
        for key in ("with", "any_of", "without"):
            for qualifier in conditions.get(key, ()):
                if qualifier not in QUALIFIERS:
                    raise LexiconError(f"{where}: unknown qualifier {qualifier!r}")
        return conditions

    def _rule(self, entry: dict, number: int, source: str) -> Rule:
        where = f"{source}: row {number} ({entry.get('why', '')!r})"
        if "measure" not in entry or "why" not in entry:
            raise LexiconError(f"{where}: a row needs 'why' and 'measure' (null for none)")
        conditions = {k: v for k, v in entry.items() if k not in ("why", "measure")}
        try:
            measure = Measure(entry["measure"]) if entry["measure"] is not None else None
        except ValueError as exc:
            raise LexiconError(f"{where}: unknown measure {entry['measure']!r}") from exc
        return Rule(entry["why"], self._check(conditions, where), measure)

    def _rewrite(self, entry: dict, number: int, source: str) -> Rewrite:
        where = f"{source}: rewrite {number} ({entry.get('why', '')!r})"
        for key in ("remove", "add"):
            for qualifier in entry.get(key, ()):
                if qualifier not in QUALIFIERS:
                    raise LexiconError(f"{where}: unknown qualifier {qualifier!r}")
        return Rewrite(entry.get("why", ""), self._check(entry.get("when") or {}, where),
                       frozenset(entry.get("remove", ())), frozenset(entry.get("add", ())))

    def decide(self, base: str | None, fixed: str | None, label: str | None, category: str | None,
               qualifiers: set[str], money: bool, has_label: bool) -> tuple[Measure, str | None] | None:
        """The measure and fixed category of a reading, or None when it fits no measure."""
        q = frozenset(qualifiers)
        for rewrite in self.rewrites:
            if Rule("", rewrite.when, None).holds(base, fixed, label, category, q, money, has_label):
                q = (q - rewrite.remove) | rewrite.add
        for rule in self.rules:
            if rule.holds(base, fixed, label, category, q, money, has_label):
                if rule.measure is None:
                    return None
                dimension = CATEGORY_DIMENSION.get(rule.measure)
                return rule.measure, (category if dimension is not None and fixed == dimension else None)
        return None


@lru_cache(maxsize=1)
def load_decisions(path: Path = MEASURES_PATH) -> DecisionTable:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LexiconError(f"{path.name}: not valid YAML: {exc}".replace("\n", " ")) from exc
    return DecisionTable(data or {}, source=path.name)

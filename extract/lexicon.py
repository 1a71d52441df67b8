"""Load and apply `lexicon.yaml`: printed words -> bases, categories, stages, qualifiers.

The lexicon is validated when loaded; a bad entry names itself, e.g.
``lexicon.yaml: categories.outcome: unknown category 'partly'``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from schemas import FIXED_CATEGORIES, Measure, Stage
from schemas.periods import find_periods
from schemas.errors import LexiconError

LEXICON_PATH = Path(__file__).resolve().parent / "lexicon.yaml"

#: What a `#NUM#` placeholder in a pattern stands for: a printed number.
NUMBER_RE = (
    r"(?:£?\d[\d,]*(?:\.\d+)?%?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)"
)

BASES = (
    "uncounted", "lgsco", "adr", "representations", "enquiries", "compliments", "concerns", "remedies",
    "contacts", "referrals", "children_looked_after", "children_in_need", "complaints",
)
DIMENSIONS = (
    "council", "unsupported", "channel", "complainant", "response_time", "outcome", "stage",
    "remedy", "theme", "service",
)
FIXED_DIMENSIONS = {
    "outcome": Measure.COMPLAINTS_BY_OUTCOME,
    "response_time": Measure.COMPLAINTS_BY_RESPONSE_TIME,
    "enquiry_type": Measure.ENQUIRIES_RECEIVED,
    "complainant": Measure.COMPLAINTS_BY_COMPLAINANT,
    "channel": Measure.COMPLAINTS_BY_CHANNEL,
}
#: Named sentence markers the code reads (`markers:` in lexicon.yaml): each must be there.
MARKERS = (
    "clause_break", "bracket_convention", "made_by_intro", "most_received", "denominator_before",
    "denominator_opening", "opening_total", "denominator_total", "about_a_subset", "received_total", "next_clause", "linked", "from_by_before", "from_by", "made_between",
    "channel_verb", "via", "list_item_split", "service_trailing_words", "organisational", "change_phrase", "parts_intro", "aside_before", "compared_before", "front_door",
)
WORD_LISTS = ("counted_bases", "function_words", "service_name_joiners")
QUALIFIERS = (
    "change", "escalation_request", "in_timescale", "average_days", "upheld", "decision", "finished", "responded",
    "received", "rate", "target", "total", "combined_outcome", "placeholder", "sub_period", "offered",
    "forward_looking", "elsewhere", "process_cost", "part", "in_part_of_year", "combined_type",
)


@dataclass(frozen=True)
class Cue:
    """A phrase in a text that means something to the fact finders."""

    start: int
    end: int
    kind: str  # 'base', 'category', 'stage', 'qualifier', 'period'
    value: str  # e.g. 'complaints', 'outcome:upheld', 'stage1', 'in_timescale', 'previous'
    text: str


@dataclass
class LabelInfo:
    """What a short printed label (a table row or column, a chart series) says."""

    text: str
    bases: list[str] = field(default_factory=list)
    categories: dict[str, str] = field(default_factory=dict)
    stage: Stage | None = None
    stages: set[Stage] = field(default_factory=set)
    dimension: str | None = None
    qualifiers: set[str] = field(default_factory=set)
    period: str | None = None

    @property
    def base(self) -> str | None:
        return self.bases[0] if self.bases else None


def _compile(pattern: str, where: str, anchored: bool = False) -> re.Pattern[str]:
    body = pattern.replace("#NUM#", NUMBER_RE)
    if anchored:
        body = r"^\W*(?:" + body + r")\W*$"
    try:
        return re.compile(body, re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"lexicon.yaml: {where}: bad pattern {pattern!r}: {exc}") from exc


class Lexicon:
    def __init__(self, data: dict, source: str = "lexicon.yaml"):
        self.source = source
        self.bases: list[tuple[str, list[re.Pattern[str]]]] = []
        for entry in data.get("bases", []):
            base = entry.get("base")
            if base not in BASES:
                raise LexiconError(f"{source}: bases: unknown base {base!r} (known: {', '.join(BASES)})")
            self.bases.append((base, [_compile(p, f"bases.{base}") for p in entry["patterns"]]))
        self.categories: dict[str, list[tuple[str, list[re.Pattern[str]]]]] = {}
        for dimension, entries in data.get("categories", {}).items():
            measure = FIXED_DIMENSIONS.get(dimension)
            if measure is None:
                raise LexiconError(f"{source}: categories: unknown breakdown {dimension!r}")
            allowed = {member.value for member in FIXED_CATEGORIES[measure]}
            compiled = []
            for entry in entries:
                category = entry.get("category")
                if category not in allowed:
                    raise LexiconError(
                        f"{source}: categories.{dimension}: unknown category {category!r} (known: {', '.join(sorted(allowed))})"
                    )
                anchored = bool(entry.get("anchored"))
                compiled.append(
                    (category, [_compile(p, f"categories.{dimension}.{category}", anchored) for p in entry["patterns"]])
                )
            self.categories[dimension] = compiled
        self.stages: list[tuple[Stage, list[re.Pattern[str]]]] = []
        for entry in data.get("stages", []):
            try:
                stage = Stage(entry["stage"])
            except ValueError as exc:
                raise LexiconError(f"{source}: stages: unknown stage {entry.get('stage')!r}") from exc
            self.stages.append((stage, [_compile(p, f"stages.{stage}") for p in entry["patterns"]]))
        self.stage_values = {
            Stage(stage): _compile(pattern, f"stage_values.{stage}", anchored=True)
            for stage, pattern in data.get("stage_values", {}).items()
        }
        self.dimensions: list[tuple[str, list[re.Pattern[str]]]] = []
        for entry in data.get("dimensions", []):
            dimension = entry.get("dimension")
            if dimension not in DIMENSIONS:
                raise LexiconError(f"{source}: dimensions: unknown dimension {dimension!r}")
            self.dimensions.append((dimension, [_compile(p, f"dimensions.{dimension}") for p in entry["patterns"]]))
        self.service_cues = [_compile(p, "service_cues") for p in data.get("service_cues", [])]
        self.qualifiers: dict[str, list[re.Pattern[str]]] = {}
        for name, patterns in data.get("qualifiers", {}).items():
            if name not in QUALIFIERS:
                raise LexiconError(f"{source}: qualifiers: unknown qualifier {name!r}")
            self.qualifiers[name] = [_compile(p, f"qualifiers.{name}") for p in patterns]
        self.periods = {
            name: [_compile(p, f"periods.{name}") for p in patterns]
            for name, patterns in data.get("periods", {}).items()
        }
        markers = data.get("markers", {})
        missing = [name for name in MARKERS if name not in markers]
        if missing:
            raise LexiconError(f"{source}: markers: missing {', '.join(missing)}")
        unknown = sorted(set(markers) - set(MARKERS))
        if unknown:
            raise LexiconError(f"{source}: markers: unknown marker {unknown[0]!r} (known: {', '.join(MARKERS)})")
        self.markers = {name: _compile(pattern, f"markers.{name}") for name, pattern in markers.items()}
        lists = data.get("word_lists", {})
        for name in WORD_LISTS:
            if not isinstance(lists.get(name), list):
                raise LexiconError(f"{source}: word_lists: {name} must be a list of words")
        self.word_lists = {name: frozenset(str(w).lower() for w in lists[name]) for name in WORD_LISTS}
        self.timescale_stages = []
        for stage, pattern in data.get("timescale_stages", {}).items():
            try:
                self.timescale_stages.append((Stage(stage), _compile(pattern, f"timescale_stages.{stage}")))
            except ValueError as exc:
                raise LexiconError(f"{source}: timescale_stages: unknown stage {stage!r}") from exc
        scopes = data.get("scopes") or {}
        if "children" not in scopes:
            raise LexiconError(f"{source}: scopes: needs a 'children' entry")
        self.scopes = [(name, [_compile(p, f"scopes.{name}") for p in patterns]) for name, patterns in scopes.items()]
        not_a_count = data.get("not_a_count", {})
        self.not_before = [_compile(p, "not_a_count.before") for p in not_a_count.get("before", [])]
        self.not_after = [_compile(p, "not_a_count.after") for p in not_a_count.get("after", [])]

    @classmethod
    def from_file(cls, path: Path = LEXICON_PATH) -> "Lexicon":
        try:
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise LexiconError(f"{path.name}: not valid YAML: {exc}".replace("\n", " ")) from exc
        if not isinstance(data, dict):
            raise LexiconError(f"{path.name}: expected a mapping at the top level")
        return cls(data, source=path.name)

    # -- labels ------------------------------------------------------------------------

    def category(self, dimension: str, text: str) -> str | None:
        """The fixed category a label names within one breakdown, if any."""
        for category, patterns in self.categories.get(dimension, []):
            if any(p.search(text) for p in patterns):
                return category
        return None

    def stage_of(self, text: str) -> Stage | None:
        """The one stage a text names; None if it names none or several."""
        found = self.stages_in(text)
        return found.pop() if len(found) == 1 else None

    def stages_in(self, text: str) -> set[Stage]:
        return {stage for stage, patterns in self.stages if any(p.search(text) for p in patterns)}

    def stage_value(self, text: str) -> Stage | None:
        """A row label in a table of stages: 'One', '2', 'Stage 3'."""
        for stage, pattern in self.stage_values.items():
            if pattern.match(text.strip()):
                return stage
        return None

    def dimension_of(self, text: str) -> str | None:
        for dimension, patterns in self.dimensions:
            if any(p.search(text) for p in patterns):
                return dimension
        return None

    def has(self, qualifier: str, text: str) -> bool:
        return any(p.search(text) for p in self.qualifiers.get(qualifier, []))

    def bases_in(self, text: str) -> list[str]:
        return [base for base, patterns in self.bases if any(p.search(text) for p in patterns)]

    def looks_like_service(self, text: str) -> bool:
        return any(p.search(text) for p in self.service_cues)

    def label(self, text: str) -> LabelInfo:
        """Everything a short label says, for the table and chart finders."""
        info = LabelInfo(text=text)
        info.bases = self.bases_in(text)
        for dimension in self.categories:
            category = self.category(dimension, text)
            if category is not None:
                info.categories[dimension] = category
        info.stages = self.stages_in(text)
        info.stage = next(iter(info.stages)) if len(info.stages) == 1 else None
        info.dimension = self.dimension_of(text)
        info.qualifiers = {name for name in self.qualifiers if self.has(name, text)}
        info.period = self.own_period(text)
        return info

    # -- running text --------------------------------------------------------------------

    def cues(self, text: str) -> list[Cue]:
        """Every lexicon phrase in a sentence, in order (overlaps kept: callers choose)."""
        found: list[Cue] = []

        def add(kind: str, value: str, patterns: list[re.Pattern[str]]) -> None:
            for pattern in patterns:
                for match in pattern.finditer(text):
                    if match.end() > match.start():
                        found.append(Cue(match.start(), match.end(), kind, value, match.group(0)))

        for base, patterns in self.bases:
            add("base", base, patterns)
        for dimension, entries in self.categories.items():
            for category, patterns in entries:
                add("category", f"{dimension}:{category}", patterns)
        for stage, patterns in self.stages:
            add("stage", stage.value, patterns)
        for name, patterns in self.qualifiers.items():
            if name in {"total", "placeholder", "change", "sub_period"}:
                continue  # label-only qualifiers; change is judged next to each number
            add("qualifier", name, patterns)
        for name, patterns in self.periods.items():
            if name != "origin":
                add("period", name, patterns)
        # 'complaint related queries': a thing we do not count rules over the words inside it
        uncounted = [c for c in found if c.kind == "base" and c.value == "uncounted"]
        found = [c for c in found if c.kind != "base" or c.value == "uncounted"
                 or not any(u.start <= c.start and c.end <= u.end for u in uncounted)]
        return sorted(found, key=lambda c: (c.start, -c.end))

    def is_not_a_count(self, before: str, after: str) -> bool:
        """True when the words around a number show it is not a figure (a date, a timescale, a label)."""
        return any(p.search(before) for p in self.not_before) or any(p.search(after) for p in self.not_after)

    def scopes_in(self, text: str) -> list[Cue]:
        """Every service area a text names ('children's social care', 'adult social care',
        'the council as a whole'), as cues of kind 'scope' in order of position."""
        organisational = self.markers["organisational"]
        found = [Cue(m.start(), m.end(), "scope", name, m.group(0))
                 for name, patterns in self.scopes for p in patterns for m in p.finditer(text)
                 if not organisational.match(text[m.end():m.end() + 40])]
        return sorted(found, key=lambda c: (c.start, -c.end))

    def marker(self, name: str) -> re.Pattern[str]:
        """A named sentence marker (lexicon.yaml `markers:`)."""
        return self.markers[name]

    def words(self, name: str) -> frozenset[str]:
        """A named word list (lexicon.yaml `word_lists:`), lower-case."""
        return self.word_lists[name]

    def timescale_stages_in(self, text: str) -> set[Stage]:
        """The stages whose statutory timescale a text names ('20 working days': stage 1)."""
        return {stage for stage, pattern in self.timescale_stages if pattern.search(text)}

    def is_change(self, before: str) -> bool:
        return any(p.search(before) for p in self.qualifiers.get("change", []))

    def own_period(self, text: str) -> str | None:
        """The one year a text is about: years it names only to compare with ('136 complaints,
        an increase of four compared to 2016/17') do not count."""
        periods = {m.period for m in find_periods(text)
                   if not self.markers["compared_before"].search(text[max(0, m.start - 40):m.start])}
        return periods.pop() if len(periods) == 1 else None

    def relative_period(self, label: str) -> str | None:
        """'current' or 'previous' when a whole label is a relative year ('This year', 'Last year')."""
        text = label.strip(" :*()")
        for name in ("previous", "current"):
            if any(p.fullmatch(text) for p in self.periods.get(name, [])):
                return name
        return None

    def is_origin(self, before: str) -> bool:
        return any(p.search(before) for p in self.periods.get("origin", []))


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    return Lexicon.from_file()

"""Free labels (services, themes, remedies) -> canonical categories, with a review queue.

Every council names its teams differently. A printed label is mapped to one entry of a
taxonomy (normalise/data/*.yaml) or, when that cannot be done with confidence, to none: it
then goes to the review queue (normalise/review.py) and a person decides. The raw label is
always kept on the fact, so nothing a council printed is lost.

How a label is read
-------------------
*Normalisation* (`normalise_label`): case, '&' -> 'and', apostrophes, punctuation, stop words
('team', 'service', 'the', ...). Localities and team numbers ('(North East)', 'Team 3',
'Through Care 2') are dropped for matching but stay in the raw label. Word order is ignored
for exact matches ('Looked After Children' = 'Children Looked After').

*Order of decisions* (`CategoryMapper.map`):

1. a human decision in `overrides.csv` (council code or '*', raw label, canonical id) wins;
2. a path 'Group > Label' is read from its most specific segment: 'Children in Need >
   Winsford' is Children in Need because 'Winsford' names no service;
3. for each segment (`Taxonomy.match`):
   a. exact match of a taxonomy alias ('alias', score 100);
   b. a label made of parts ('Children's Social Care (Family Support Team 1)', 'Unaccompanied
      Asylum Seekers, outside agency', 'Child Protection/LADO', 'Looked After Child & SEND')
      is read part by part: parts that name no service (places, numbers, 'outside agency')
      are detail; parts naming *different* services make the label ambiguous ('unmapped');
      Words after 'Team'/'Service' are such a part ('Fostering Team Winsford'). An unexplained
      acronym next to a service ('CIN/CP') is not detail: it may be a second service;
   c. a label whose words all belong to the taxonomy and are accounted for by aliases of one
      entry ('Residential Children's Homes' = 'residential' + 'children's homes'; 'fuzzy',
      score 100). Unknown words inside a part are never set aside: 'Placement Stability' is
      not Placements, so it goes to review;
   d. rapidfuzz `token_sort_ratio` (whole-label similarity after sorting words; WRatio and
      partial/token-set scorers would score a *part* of a label as a full match) ranks the
      entries; the best is taken when it reaches `DEFAULT_SCORE_CUTOFF` and beats the
      runner-up entry by `AMBIGUITY_MARGIN` ('fuzzy', score kept);
4. anything else gets no category ('unmapped'), with its best candidates and scores.

A taxonomy entry may list `doubtful` words: words that may name it or another entry
('Permanence', 'Transitions', 'SEND'). A label resting on one is never mapped
automatically; it goes to review with that entry as a candidate.

Tuning (see tests/labels/service_labels.csv and tests/test_normalise.py)
------------------------------------------------------------------------
Most labels are decided by exact alias matches; the fuzzy step is for spelling variants
('Chid Protection', 'Fosterng', 'Adpotion'). Over the 348 labelled service labels, those
that reach the fuzzy step score 85.7-96.8 against their right entry, and the highest score
against a *wrong* entry is 84.0 ('Family Assessment Centre' / 'assessment'; next 82.1).
The cutoff of 86 keeps a 2-point buffer above that, at the cost of one true variant at 85.7
('Leaving Care Tem'), which goes to review. The margin of 6 points is about one edited
character in a 15-letter label: two entries closer than that are a coin toss, so review.
`NEAR_MISS` (70): place names score at most 67 against any alias ('Chester' / 'fostering'),
while parts that really name something score 70 or more ('Unaccompanied' 81, 'Operational
Services' 72); a part at or above it makes a many-part label or path doubtful instead of
being ignored as detail.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from schemas import LABELLED_MEASURES, CategoryMethod, Measure, is_english_gss_code
from schemas.errors import TaxonomyError

DATA_DIR = Path(__file__).resolve().parent / "data"
TAXONOMY_FILES = {"service": "services.yaml", "theme": "themes.yaml", "remedy": "remedies.yaml"}
OVERRIDES_CSV = Path(__file__).resolve().parent / "overrides.csv"
OVERRIDE_FIELDS = ("council_code", "raw_label", "canonical_id", "note")

#: Minimum token_sort_ratio (0-100) for a fuzzy match. Measured on the labelled sets: the
#: highest score of a wrong entry is 84.0; true spelling variants score 86.5-96.8 (one at 85.7).
DEFAULT_SCORE_CUTOFF = 86.0
#: A fuzzy winner must beat the best *other* entry by this many points, else it is ambiguous.
AMBIGUITY_MARGIN = 6.0
#: A part scoring this much against an entry, without matching it, is not mere detail.
NEAR_MISS = 70.0
#: The separator of nested labels ('Children in Need > Winsford').
PATH_SEPARATOR = " > "

#: Words that carry no meaning for matching a service or theme.
STOP_WORDS = frozenset(
    {"team", "teams", "service", "services", "the", "of", "and", "unit", "dept", "department", "hub", "s",
     "issue", "issues", "complaint", "complaints", "cs", "csc", "for", "with", "a", "an", "to", "in",
     "by", "on", "at", "or", "area", "areas"}
)
#: Stop words that are mere grammar (kept out even when the rest of a label is generic).
FILLER_WORDS = frozenset({"the", "of", "and", "a", "an", "to", "in", "for", "with", "by", "on", "at", "or", "s"})
#: "Children's" before a service name is optional for exact matches ("Children's Commissioning"
#: is Commissioning), but it is kept otherwise: "Children's Centre" is not any "Centre".
OPTIONAL_WORDS = frozenset({"childrens"})
#: Words that name children's social care as a whole, not one service: a label made only of
#: them ("Children's Social Care", "Children and Families") names no service.
GENERIC_WORDS = frozenset(
    {"children", "child", "childrens", "young", "people", "peoples", "person", "persons", "family", "families",
     "social", "care", "work", "directorate", "division", "portfolio", "council"}
)
#: Localities and team numbers keep their detail in the raw label but do not change the service.
_COMPASS = r"(?:north|south|east|west|central|mid)"
SUFFIX_RE = re.compile(
    rf"\b{_COMPASS}(?:[\s-]+{_COMPASS})?\b|\b\d+\b|\b(?:ii|iii|iv|vi|vii|viii|ix)\b",
    re.IGNORECASE,
)
#: How a label splits into parts, strongest separator first.
_PART_LEVELS = (
    re.compile(r"[()\[\]]"),
    re.compile(r"[,;:]|\s[-–—]\s|(?<=\w)[-–—]\s|\s[-–—](?=\w)"),
    re.compile(r"/|\\|\|"),
    re.compile(r"\s*&\s*|\s\+\s|\band\b", re.IGNORECASE),
    # words after 'Team'/'Service' are a qualifier: 'Fostering Team Winsford'
    re.compile(r"(?<=\w)\s+(?:team|teams|service|services|unit)\s+(?=[A-Za-z])", re.IGNORECASE),
)
#: Parts joined by these levels are siblings; an unexplained acronym among them ('CIN/CP',
#: 'MASH & EDT') may be another service, so it is not taken as detail.
_SIBLING_LEVELS = frozenset({1, 2, 3})
_ACRONYM_RE = re.compile(r"^[A-Z]{2,5}s?$")
_ROLE_TAIL_RE = re.compile(r"\s+(?:team|service|unit)s?\s*$", re.IGNORECASE)


def _words(text: str, drop_suffixes: bool) -> list[str]:
    text = text.casefold().replace("&", " and ").replace("’", "'").replace("‘", "'")
    text = re.sub(r"'s\b", "s", text)
    text = re.sub(r"\b16\s*\+", "16 plus", text)
    if drop_suffixes:
        text = SUFFIX_RE.sub(" ", text)
    return [_singular(w) for w in re.findall(r"[a-z0-9]+", text)]


def _singular(word: str) -> str:
    """'assessments' -> 'assessment', 'disabilities' -> 'disability', 'LADOs' -> 'lado'."""
    if word in OPTIONAL_WORDS or len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


def normalise_label(text: str, drop_suffixes: bool = True) -> str:
    """'Children & Families Assessment Team CFAT' -> 'children family assessment cfat'.

    Stop words are kept when dropping them would leave one generic word: 'Family Hub' stays
    'family hub' (not 'family', which would make every 'Family ...' label look like it).
    """
    words = _words(text, drop_suffixes)
    kept = [w for w in words if w not in STOP_WORDS]
    if len(kept) == 1 and kept[0] in GENERIC_WORDS:
        kept = [w for w in words if w not in FILLER_WORDS]
    return " ".join(kept or words)


def _key(text: str) -> str:
    """The order-free key of a normalised label."""
    return " ".join(sorted(text.split()))


def override_key(label: str) -> str:
    """How overrides recognise a printed label: case, '&', apostrophes and spacing do not
    matter, every word and number does ('Family Support Team 1' is not 'Team 2')."""
    text = label.casefold().replace("&", " and ").replace("’", "'").replace("‘", "'")
    text = re.sub(r"'s\b", "s", text)
    return " ".join(re.findall(r"[a-z0-9+]+", text))


@dataclass(frozen=True)
class Entry:
    id: str
    name: str
    description: str
    aliases: tuple[str, ...]
    doubtful: tuple[str, ...] = ()


@dataclass
class Mapped:
    kind: str
    category: str | None
    method: CategoryMethod
    score: float | None = None
    candidates: list[tuple[str, float]] = field(default_factory=list)


# The outcome of matching one piece of a label: a match, an ambiguity, or nothing.
_MATCH, _AMBIGUOUS, _NONE = "match", "ambiguous", "none"
_UNEXPLAINED = "unexplained"  # a part that may name a service we do not know


@dataclass
class _Result:
    state: str
    category: str | None = None
    method: CategoryMethod = CategoryMethod.UNMAPPED
    score: float | None = None
    candidates: list[tuple[str, float]] = field(default_factory=list)

    @property
    def best(self) -> float:
        return self.candidates[0][1] if self.candidates else 0.0


_ENTRY_KEYS = {"id", "name", "description", "aliases", "doubtful"}


class Taxonomy:
    """One kind of canonical category (services, themes or remedies) with its aliases."""

    def __init__(self, kind: str, entries: list[Entry], source: str = "taxonomy"):
        self.kind = kind
        self.source = source
        self.entries: dict[str, Entry] = {}
        for entry in entries:
            if entry.id in self.entries:
                raise TaxonomyError(f"{source}: entry {entry.id!r} is defined twice")
            self.entries[entry.id] = entry
        self.alias_index: dict[str, str] = {}
        self.doubt_index: dict[str, set[str]] = {}
        choices: dict[str, str] = {}  # normalised form -> id, or "?" + key for a doubtful word
        for entry in entries:
            for alias in (entry.name, *entry.aliases):
                # an alias is taken as written: its numbers are meant ('16+', 'Stage 1 to Stage 2')
                text = normalise_label(alias, drop_suffixes=False)
                if not text:
                    raise TaxonomyError(f"{source}: entry {entry.id!r}: alias {alias!r} has no words to match")
                if len(text.split()) == 1 and text in GENERIC_WORDS:
                    raise TaxonomyError(
                        f"{source}: entry {entry.id!r}: alias {alias!r} is the generic word {text!r}, "
                        "which names no service on its own"
                    )
                key = _key(text)
                other = self.alias_index.get(key)
                if other and other != entry.id:
                    raise TaxonomyError(f"{source}: entry {entry.id!r}: alias {alias!r} is also an alias of {other!r}")
                self.alias_index[key] = entry.id
                choices[text] = entry.id
        for entry in entries:
            for word in entry.doubtful:
                text = normalise_label(word, drop_suffixes=False)
                if not text:
                    raise TaxonomyError(f"{source}: entry {entry.id!r}: doubtful word {word!r} has no words to match")
                if all(w in GENERIC_WORDS or w in STOP_WORDS for w in text.split()):
                    raise TaxonomyError(f"{source}: entry {entry.id!r}: doubtful word {word!r} is only generic words")
                key = _key(text)
                if key in self.alias_index:
                    raise TaxonomyError(
                        f"{source}: entry {entry.id!r}: doubtful word {word!r} is an alias of {self.alias_index[key]!r}"
                    )
                self.doubt_index.setdefault(key, set()).add(entry.id)
                choices.setdefault(text, "?" + key)
        self._choices = choices
        self._choice_list = list(choices)
        self.vocabulary = frozenset(w for text in choices for w in text.split())

    # -- loading and validation ------------------------------------------------------------

    @classmethod
    def load(cls, kind: str, path: Path) -> "Taxonomy":
        """Read and validate a taxonomy file; errors name the file and the bad entry."""
        path = Path(path)
        try:
            with open(path, encoding="utf-8") as handle:
                data = yaml.safe_load(handle)
        except yaml.YAMLError as exc:
            raise TaxonomyError(f"{path.name}: not valid YAML: {exc}") from exc
        except OSError as exc:
            raise TaxonomyError(f"{path.name}: cannot be read: {exc}") from exc
        if not isinstance(data, list) or not data:
            raise TaxonomyError(f"{path.name}: must be a non-empty list of entries (id, name, description, aliases)")
        entries = [_parse_entry(item, position, path.name) for position, item in enumerate(data, start=1)]
        return cls(kind, entries, path.name)

    # -- matching --------------------------------------------------------------------------

    def ranked(self, label: str, limit: int = 3) -> list[tuple[str, float]]:
        """The best canonical ids for a label, by the best token_sort_ratio of any of their aliases."""
        scores = self._scores(label)
        return [(c, s) for c, s in scores if not c.startswith("?")][:limit]

    def match(self, label: str, cutoff: float = DEFAULT_SCORE_CUTOFF, margin: float = AMBIGUITY_MARGIN) -> Mapped:
        """The entry one label (or path segment) names, or none (see the module docstring)."""
        result = self._match_piece(label, cutoff, margin, level=0)
        return self._to_mapped(result)

    def _to_mapped(self, result: _Result) -> Mapped:
        if result.state == _MATCH:
            return Mapped(self.kind, result.category, result.method, result.score, result.candidates)
        score = round(result.candidates[0][1], 1) if result.candidates else None
        return Mapped(self.kind, None, CategoryMethod.UNMAPPED, score, result.candidates)

    def _scores(self, label: str) -> list[tuple[str, float]]:
        """Best score per entry ('?key' for a doubtful word), best first."""
        best: dict[str, float] = {}
        queries = {normalise_label(label), normalise_label(label, drop_suffixes=False)} - {""}
        for query in queries:
            for choice, score, _ in process.extract(
                query, self._choice_list, scorer=fuzz.token_sort_ratio, limit=30
            ):
                target = self._choices[choice]
                best[target] = max(best.get(target, 0.0), float(score))
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [(c, round(s, 1)) for c, s in ranked]

    def _exact(self, text: str) -> _Result | None:
        found = self._exact_key(_key(text))
        shorter = " ".join(w for w in text.split() if w not in OPTIONAL_WORDS)
        if found is None and shorter and shorter != text:
            found = self._exact_key(_key(shorter))
        return found

    def _exact_key(self, key: str) -> _Result | None:
        if key in self.alias_index:
            return _Result(_MATCH, self.alias_index[key], CategoryMethod.ALIAS, 100.0, [(self.alias_index[key], 100.0)])
        if key in self.doubt_index:
            return _Result(_AMBIGUOUS, candidates=[(c, 100.0) for c in sorted(self.doubt_index[key])])
        return None

    def _generic(self, text: str) -> bool:
        words = normalise_label(text).split()
        return all(w in GENERIC_WORDS or w in STOP_WORDS for w in words)

    def _match_piece(self, text: str, cutoff: float, margin: float, level: int) -> _Result:
        # a. exact alias, with and without localities / team numbers
        for drop in (False, True):
            normalised = normalise_label(text, drop_suffixes=drop)
            if normalised:
                found = self._exact(normalised)
                if found is not None:
                    return found
        if not re.search(r"[A-Za-z]", text) or self._generic(text):
            return _Result(_NONE)
        # b. a label made of parts: the parts must agree
        part_candidates: list[tuple[str, float]] = []
        for depth in range(level, len(_PART_LEVELS)):
            parts = [p.strip() for p in _PART_LEVELS[depth].split(text)]
            parts = [p for p in parts if re.search(r"[A-Za-z0-9]", p)]
            if len(parts) < 2:
                continue
            results = [self._match_piece(p, cutoff, margin, depth + 1) for p in parts]
            if depth in _SIBLING_LEVELS:
                for part, result in zip(parts, results):
                    if result.state == _NONE and _ACRONYM_RE.match(_ROLE_TAIL_RE.sub("", part)):
                        result.state = _UNEXPLAINED
            combined = self._combine(results)
            if combined is not None:
                return combined
            part_candidates = [c for r in results for c in r.candidates]
            break
        # c. every word is a taxonomy word, and aliases of one entry account for them all
        #    ('Residential Children's Homes' = 'residential' + 'children's homes')
        normalised = normalise_label(text)
        if all(w in self.vocabulary for w in normalised.split()):
            found = self._cover(normalised)
            if found is not None:
                if found.state == _MATCH:
                    found.method = CategoryMethod.FUZZY
                return found
        # d. fuzzy
        scores = self._scores(text)
        candidates = _merge(self._candidates(scores), part_candidates)
        if not scores or scores[0][1] < cutoff:
            return _Result(_NONE, candidates=candidates)
        top, top_score = scores[0]
        if top.startswith("?"):
            return _Result(_AMBIGUOUS, candidates=candidates)
        runner_up = next((s for c, s in scores[1:] if c != top and self._ids(c) != {top}), None)
        if runner_up is not None and top_score - runner_up < margin:
            return _Result(_AMBIGUOUS, candidates=candidates)
        return _Result(_MATCH, top, CategoryMethod.FUZZY, top_score, candidates)

    def _cover(self, known: str) -> _Result | None:
        """The one entry whose aliases, taken together, account for every meaningful word
        ('Residential Children's Homes' = 'residential' + 'children's homes')."""
        words = set(known.split())
        needed = words - OPTIONAL_WORDS  # generic words too: 'Family Placement' is not 'Placement'
        if not needed - GENERIC_WORDS:
            return None
        for key in self.doubt_index:
            if set(key.split()) <= words:
                return None  # a doubtful word is not detail
        covered: dict[str, set[str]] = {}
        for key, entry_id in self.alias_index.items():
            alias_words = set(key.split())
            if alias_words <= words and alias_words - GENERIC_WORDS - OPTIONAL_WORDS:
                covered.setdefault(entry_id, set()).update(alias_words)
        full = [entry_id for entry_id, got in covered.items() if needed <= got]
        if len(full) == 1:
            return _Result(_MATCH, full[0], CategoryMethod.FUZZY, 100.0, [(full[0], 100.0)])
        if len(full) > 1:
            return _Result(_AMBIGUOUS, candidates=[(c, 100.0) for c in sorted(full)])
        return None

    def _ids(self, target: str) -> set[str]:
        return set(self.doubt_index[target[1:]]) if target.startswith("?") else {target}

    def _candidates(self, scores: list[tuple[str, float]], limit: int = 3) -> list[tuple[str, float]]:
        """Entry ids with scores for a reviewer; a doubtful word lists the entries it may mean."""
        out: dict[str, float] = {}
        for target, score in scores:
            for entry_id in sorted(self._ids(target)):
                out.setdefault(entry_id, score)
        return sorted(out.items(), key=lambda item: -item[1])[:limit]

    def _combine(self, results: list[_Result]) -> _Result | None:
        """Parts of one label: one service, several (ambiguous), or undecided (None)."""
        matched = [r for r in results if r.state == _MATCH]
        ids = {r.category for r in matched}
        ranked = _merge(*(r.candidates for r in results), limit=5)
        if any(r.state == _AMBIGUOUS for r in results) or len(ids) > 1:
            return _Result(_AMBIGUOUS, candidates=ranked)
        if not matched:
            return None
        doubtful = [r for r in results if r.state == _UNEXPLAINED or (r.state == _NONE and r.best >= NEAR_MISS)]
        if doubtful:
            return None
        weakest = min(matched, key=lambda r: (r.method is CategoryMethod.ALIAS, r.score or 0.0))
        return _Result(_MATCH, weakest.category, weakest.method, weakest.score, ranked)


def _merge(*lists: list[tuple[str, float]], limit: int = 3) -> list[tuple[str, float]]:
    """Candidate lists merged: the best score per id, best first."""
    best: dict[str, float] = {}
    for candidates in lists:
        for entry_id, score in candidates:
            best[entry_id] = max(best.get(entry_id, 0.0), score)
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _parse_entry(item: object, position: int, source: str) -> Entry:
    where = f"{source}: entry {position}"
    if not isinstance(item, dict):
        raise TaxonomyError(f"{where}: must be a mapping with id, name, description, aliases, got {type(item).__name__}")
    entry_id = item.get("id")
    if isinstance(entry_id, str):
        where = f"{source}: entry {position} ({entry_id!r})"
    unknown = set(item) - _ENTRY_KEYS
    if unknown:
        raise TaxonomyError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}; allowed: {', '.join(sorted(_ENTRY_KEYS))}")
    if not isinstance(entry_id, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", entry_id):
        raise TaxonomyError(f"{where}: 'id' must be lower_case_with_underscores, got {entry_id!r}")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise TaxonomyError(f"{where}: needs a 'name'")
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise TaxonomyError(f"{where}: needs a 'description'")
    lists = {}
    for key in ("aliases", "doubtful"):
        value = item.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, (str, int)) and str(v).strip() for v in value):
            raise TaxonomyError(f"{where}: '{key}' must be a list of non-empty strings, got {value!r}")
        lists[key] = tuple(str(v).strip() for v in value)
    return Entry(entry_id, name.strip(), description.strip(), lists["aliases"], lists["doubtful"])


@dataclass(frozen=True)
class Override:
    council: str  # a GSS code, or '*' for every council
    label: str
    category: str
    note: str
    line: int | None = None
    source: str = OVERRIDES_CSV.name


class CategoryMapper:
    def __init__(self, taxonomies: dict[str, Taxonomy], overrides: list[Override]):
        self.taxonomies = taxonomies
        self.overrides: dict[tuple[str, str], Override] = {}
        for override in overrides:
            kinds = [k for k, t in taxonomies.items() if override.category in t.entries]
            if not kinds:
                where = f"{override.source}" + (f": line {override.line}" if override.line else "")
                raise TaxonomyError(
                    f"{where}: {override.council} {override.label!r}: unknown canonical id {override.category!r}"
                )
            self.overrides[(override.council, override_key(override.label))] = override

    def override_for(self, kind: str, label: str, council: str | None) -> Override | None:
        taxonomy = self.taxonomies[kind]
        key = override_key(label)
        for scope in dict.fromkeys((council or "*", "*")):
            found = self.overrides.get((scope, key))
            if found is not None and found.category in taxonomy.entries:
                return found
        return None

    def map(self, measure: Measure, label: str, council: str | None = None) -> Mapped:
        """The canonical category of a printed label for a labelled measure."""
        kind = LABELLED_MEASURES[measure]
        return self.map_kind(kind, label, council)

    def map_kind(self, kind: str, label: str, council: str | None = None) -> Mapped:
        """As `map`, for a taxonomy kind ('service', 'theme', 'remedy')."""
        taxonomy = self.taxonomies[kind]
        found = self.override_for(kind, label, council)
        if found is not None:
            return Mapped(kind, found.category, CategoryMethod.OVERRIDE, None)
        segments = [s.strip() for s in label.split(PATH_SEPARATOR) if s.strip()]
        # the most specific segment first: 'Children in Need > Winsford' is Children in Need
        first: Mapped | None = None
        for segment in reversed(segments):
            if len(segments) > 1:
                found = self.override_for(kind, segment, council)
                if found is not None:
                    return Mapped(kind, found.category, CategoryMethod.OVERRIDE, None)
            result = taxonomy._match_piece(segment, DEFAULT_SCORE_CUTOFF, AMBIGUITY_MARGIN, level=0)
            mapped = taxonomy._to_mapped(result)
            if result.state == _MATCH:
                return mapped
            first = first or mapped
            if result.state == _AMBIGUOUS or result.best >= NEAR_MISS:
                break  # the specific segment may name another service: a person decides
        return first or Mapped(kind, None, CategoryMethod.UNMAPPED)


def load_overrides(path: Path = OVERRIDES_CSV) -> list[Override]:
    """Human decisions: council_code ('*' for all), raw_label, canonical_id, note."""
    path = Path(path)
    if not path.exists():
        return []
    overrides = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(OVERRIDE_FIELDS[:3]) - set(reader.fieldnames or [])
        if missing:
            raise TaxonomyError(f"{path.name}: header needs {', '.join(OVERRIDE_FIELDS)}; missing {', '.join(sorted(missing))}")
        for line, row in enumerate(reader, start=2):
            council = (row.get("council_code") or "").strip()
            label = (row.get("raw_label") or "").strip()
            category = (row.get("canonical_id") or "").strip()
            if not any((council, label, category)):
                continue
            if not council or not label or not category:
                raise TaxonomyError(f"{path.name}: line {line}: needs council_code, raw_label and canonical_id")
            if council != "*" and not is_english_gss_code(council):
                raise TaxonomyError(f"{path.name}: line {line}: council_code must be '*' or a GSS code, got {council!r}")
            overrides.append(Override(council, label, category, (row.get("note") or "").strip(), line, path.name))
    return overrides


def load_taxonomies(data_dir: Path = DATA_DIR) -> dict[str, Taxonomy]:
    return {kind: Taxonomy.load(kind, Path(data_dir) / name) for kind, name in TAXONOMY_FILES.items()}


@lru_cache(maxsize=1)
def _default_taxonomies() -> dict[str, Taxonomy]:
    return load_taxonomies()


@lru_cache(maxsize=4)
def load_mapper(overrides_path: Path | None = None) -> CategoryMapper:
    """The mapper with the packaged taxonomies and the overrides file (cached)."""
    return CategoryMapper(_default_taxonomies(), load_overrides(overrides_path or OVERRIDES_CSV))

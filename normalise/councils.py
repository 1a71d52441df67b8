"""Council identity: names as printed -> ONS GSS codes, with history.

The registry is the DfE list of local authority codes (current and terminated, in
`reference/`), plus `normalise/data/council_aliases.csv` for abbreviations and informal
names ("CWAC", "Hull City Council"). Spelling variants that follow rules ('&' for 'and',
'St.' for 'St', 'Bristol, City of' for 'City of Bristol', a trailing 'Council') are
generated, not listed. A name that matches nothing is an error, never a guess.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from schemas import ANY_GSS_RE, Document
from schemas.errors import UnknownCouncilError
from schemas.periods import first_day, last_day

TITLE_CHARS = 1500  # how much of the start of a report counts as its title page
COUNCIL_SUFFIX_RE = re.compile(
    r"^\s*(?:'s|’s)?\s*(?:Metropolitan\s+Borough\s+|Borough\s+|County\s+|City\s+|District\s+)?Council\b"
)
# a name that follows a title and perhaps a first name is a person's: 'Councillor Karen Warrington'
PERSON_BEFORE_RE = re.compile(
    r"\b(?:Councillors?|Cllrs?\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?|Sir|Dame|Lord|Lady|Baroness)\s+(?:[A-Z][\w'’-]*\.?\s+){0,2}$")
DOMAIN_RE = re.compile(r"(?:@|www\.)([a-z0-9-]+)\.gov\.uk", re.IGNORECASE)

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
ALIASES_CSV = Path(__file__).resolve().parent / "data" / "council_aliases.csv"

CHILDRENS_SERVICES_TIERS = {"E06", "E08", "E09", "E10"}
#: The DfE list gives 1 January 2009 (when GSS codes began) as the start of every authority
#: that existed before then: a start on or before this date means "since before the records".
RECORDS_BEGIN = date(2009, 1, 1)


@dataclass(frozen=True)
class Council:
    code: str
    name: str
    dfe_number: str | None
    type: str
    region_code: str
    region_name: str
    start: date | None
    end: date | None

    @property
    def live(self) -> bool:
        return self.end is None

    def operating_days(self, first: date, last: date) -> int:
        """How many days of [first, last] this authority existed."""
        return operating_days(self.start, self.end, first, last)

    def operated_in(self, period: str) -> bool:
        """Did it run children's services at some time in the April-to-March year?"""
        return self.operating_days(first_day(period), last_day(period)) > 0

    def describe(self) -> str:
        """'Cumbria (E10000006, until 31 March 2023)'."""
        span = []
        if self.start and self.start > RECORDS_BEGIN:
            span.append(f"from {self.start.day} {self.start:%B %Y}")
        if self.end:
            span.append(f"until {self.end.day} {self.end:%B %Y}")
        return f"{self.name} ({', '.join([self.code, *span])})"


def operating_days(start: date | None, end: date | None, first: date, last: date) -> int:
    """How many days of [first, last] an authority that began on `start` and ended on `end`
    (None: since before the records, or still running) existed. The one place for this rule."""
    begin = first if start is None or start <= RECORDS_BEGIN else max(first, start)
    finish = min(last, end or last)
    return max(0, (finish - begin).days + 1)


def _parse_date(text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    day, month, year = (int(part) for part in text.split("/"))
    return date(year, month, day)


_TRAILING_WORDS = re.compile(
    r"\b(?:(?:metropolitan|royal)\s+(?:borough|district)|metropolitan|borough|city|county|district|unitary)?"
    r"\s*(?:council|corporation)\b.*$"
)
_LEADING_COUNCIL = re.compile(r"^(?:the\s+)?council\s+of\s+(?:the\s+)?")
_PREFIXES = re.compile(
    r"^(?:the\s+)?(?:london\s+borough\s+of|lb\s+of|lb|royal\s+borough\s+of|city\s+of|county\s+of|borough\s+of|"
    r"metropolitan\s+borough\s+of)\s+"
)


def name_key(name: str, strip_prefix: bool = False) -> str:
    """A spelling-insensitive key for a council name.

    'Telford & Wrekin Council' and 'Telford and Wrekin' share a key; so do
    'Bristol, City of' and 'Bristol City Council', 'St. Helens' and 'St Helens'.
    With `strip_prefix`, 'London Borough of Redbridge' and 'City of York' lose their prefix
    (kept by default so that 'City of London' is not 'London').
    """
    text = re.sub(r"\s+", " ", name.casefold().replace("&", " and ").replace("’", "'")).strip()
    text = re.sub(r",\s*(city|county)\s+of\s*$", "", text)
    text = re.sub(r"\b(?:st\.?|saint)\s", "st ", text)
    text = re.sub(r"['`]s\b", "", text)
    text = _LEADING_COUNCIL.sub("", text)
    text = _TRAILING_WORDS.sub("", text).strip()
    if strip_prefix:
        text = _PREFIXES.sub("", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


class CouncilRegistry:
    """Every English authority that has run children's services since 2009, by code and name."""

    def __init__(self, councils: list[Council], aliases: dict[str, str]):
        self.by_code = {c.code: c for c in councils}
        self._by_key: dict[str, list[Council]] = {}
        for council in councils:
            self._by_key.setdefault(name_key(council.name), []).append(council)
        for alias, code in aliases.items():
            if code not in self.by_code:
                raise ValueError(f"{ALIASES_CSV.name}: alias {alias!r} names unknown code {code!r}")
            self._by_key.setdefault(name_key(alias), []).append(self.by_code[code])
        self._aliases = aliases

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> "CouncilRegistry":
        regions = {}
        with open(REFERENCE_DIR / "regions_dfe.csv", newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                regions[row["region_code"]] = row["region_name"]
        councils = []
        with open(REFERENCE_DIR / "la_codes_dfe_all_incl_historic.csv", newline="", encoding="utf-8-sig") as handle:
            for row in csv.DictReader(handle):
                code = row["new_la_code"]
                if "/" in code or row["entity_code"] not in CHILDRENS_SERVICES_TIERS:
                    continue  # joint-return rows and non-LA rows are not councils
                number = row["old_la_code"] if row["old_la_code"] not in {"x", "z", ""} else None
                councils.append(
                    Council(
                        code=code,
                        name=row["la_name"],
                        dfe_number=number,
                        type=row["entity_description"],
                        region_code=row["parent_geography_code"],
                        region_name=regions.get(row["parent_geography_code"], ""),
                        start=_parse_date(row["date_of_operation"]),
                        end=_parse_date(row["date_of_termination"]),
                    )
                )
        aliases: dict[str, str] = {}
        with open(ALIASES_CSV, newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                alias, code = (row.get("alias") or "").strip(), (row.get("code") or "").strip()
                if not alias or not code:
                    raise ValueError(f"{ALIASES_CSV.name}: line {line}: needs an alias and a code")
                if aliases.get(alias, code) != code:
                    raise ValueError(f"{ALIASES_CSV.name}: line {line}: alias {alias!r} is given two codes")
                aliases[alias] = code
        return cls(councils, aliases)

    def current(self) -> list[Council]:
        """The authorities operating today, one per code."""
        return [c for c in self.by_code.values() if c.live]

    def candidates(self, name: str) -> list[Council]:
        """Authorities a printed name (or an ONS code) may mean (all codes it has had)."""
        code = name.strip().upper()
        if code in self.by_code:
            return [self.by_code[code]]
        found = self._by_key.get(name_key(name)) or self._by_key.get(name_key(name, strip_prefix=True))
        return list(found or [])

    def resolve(self, name: str, period: str | None = None) -> Council:
        """The authority a printed name means, in a given year if known.

        A name shared by an old and a new authority (North Yorkshire, Dorset, Barnsley) gives
        the one that ran children's services for most of the April-to-March year. Raises
        UnknownCouncilError when nothing matches, or when every authority of that name had
        ended (or not begun) in that year ('Cumbria' in 2023-24): never a guess.
        """
        found = self.candidates(name)
        if not found and ANY_GSS_RE.match(name.strip().upper()):
            raise UnknownCouncilError(f"no English council with children's services has the code {name.strip().upper()!r}")
        if not found:
            raise UnknownCouncilError(
                f"no English council is called {name!r}; add a row to {ALIASES_CSV.name} if it is a variant"
            )
        chosen = self._choose(found, period)
        if chosen is None:
            known = "; ".join(c.describe() for c in {c.code: c for c in found}.values())
            raise UnknownCouncilError(f"{name!r} ran no children's services in {period}: {known}")
        return chosen

    def lookup(self, name: str, period: str | None = None) -> Council | None:
        """As `resolve`, but None instead of an error."""
        found = self.candidates(name)
        return self._choose(found, period) if found else None

    @staticmethod
    def _choose(found: list[Council], period: str | None) -> Council | None:
        unique = {c.code: c for c in found}
        if period is None:
            if len(unique) == 1:
                return next(iter(unique.values()))
            live = [c for c in unique.values() if c.live]
            return (live or list(unique.values()))[0]
        first, last = first_day(period), last_day(period)
        days = {code: c.operating_days(first, last) for code, c in unique.items()}
        best = max(unique.values(), key=lambda c: (days[c.code], c.start or date.min))
        return best if days[best.code] > 0 else None

    # -- finding councils in running text -------------------------------------------------

    @property
    def mention_pattern(self) -> re.Pattern[str]:
        return _mention_pattern(self)

    def find_mentions(self, text: str) -> list[tuple[int, int, Council]]:
        """Council names printed in `text`: (start, end, council), case-sensitive on capitals.

        Names are matched as written with capitals ('Reading', 'Bury'), so the
        words 'reading' and 'bury' in a sentence are not councils; a name after a title
        ('Councillor Karen Warrington', 'Mrs Barnet') is a person's.
        """
        found = []
        for match in self.mention_pattern.finditer(text):
            if not match.group(0)[0].isupper():
                continue
            if PERSON_BEFORE_RE.search(text[max(0, match.start() - 60):match.start()]):
                continue
            council = self.lookup(match.group(0))
            if council is not None:
                found.append((match.start(), match.end(), council))
        return found


def detect_council(text: str, registry: CouncilRegistry) -> tuple[Council | None, str | None]:
    """The council a report names most strongly: as '<name> Council', in its title page, in its
    e-mail and web addresses. None when it names none: flagged, never guessed."""
    scores: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    evidence: dict[str, str] = {}
    for start, end, council in registry.find_mentions(text):
        score = 1.0
        if COUNCIL_SUFFIX_RE.match(text[end:end + 40]):
            score += 3
        if start < TITLE_CHARS:
            score += 2
        scores[council.code] += score
        first_seen.setdefault(council.code, start)
        evidence.setdefault(council.code, text[start:end + 10].strip())
    stems = {name_key(c.name).replace(" ", ""): c for c in registry.current()}
    for match in DOMAIN_RE.finditer(text):
        council = stems.get(match.group(1).lower().replace("-", ""))
        if council is not None:
            scores[council.code] += 3
            first_seen.setdefault(council.code, match.start())
            evidence.setdefault(council.code, match.group(0))
    if not scores:
        return None, None
    best = max(scores, key=lambda code: (scores[code], -first_seen[code]))
    return registry.by_code[best], evidence[best]


def identify(doc: Document, registry: CouncilRegistry, period: str | None) -> tuple[Council | None, str | None]:
    """The council a read document is about, and the words that say so; in `period` when known
    (a name shared by an old and a new authority takes the year's)."""
    council, evidence = detect_council(doc.text, registry)
    if council is not None and period is not None:
        council = registry.lookup(council.name, period) or council
    return council, evidence


def _variants(name: str) -> set[str]:
    """Printed forms of a registry name: with '&', without ', City of', 'St' for 'St.'."""
    base = re.sub(r",\s*(City|County) of$", "", name)
    forms = {name, base}
    for form in list(forms):
        forms.add(form.replace(" and ", " & "))
        forms.add(form.replace("St. ", "St "))
        forms.add(form.replace("-", " "))
    return {f for f in forms if f}


@lru_cache(maxsize=4)
def _mention_pattern(registry: CouncilRegistry) -> re.Pattern[str]:
    names: set[str] = set()
    for council in registry.by_code.values():
        names |= _variants(council.name)
    names |= set(registry._aliases)
    alternatives = sorted(names, key=len, reverse=True)
    body = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in alternatives)
    prefix = r"(?:(?:London|Royal)\s+Borough\s+of\s+|City\s+of\s+)?"
    return re.compile(r"(?<![\w-])" + prefix + r"(?:" + body + r")(?![\w-])", re.IGNORECASE)


def load_registry() -> CouncilRegistry:
    return CouncilRegistry.load()

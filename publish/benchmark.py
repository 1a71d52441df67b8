"""Benchmarking: a council's figure against its statistical neighbours, its region and England.

`materialise(db)` runs at build time and writes a summary table, `benchmark`, with one row per
council, period, measure, stage, category and unit, so that the site reads a few indexed rows
per page instead of computing averages and ranks on every request. `compare()` and
`history()` read it back for the command line (and tests); they take a database path.

Choosing one value per row. The facts can hold several rows for one (council, period,
measure, stage, category, unit), and the rule that picks one is deterministic:

1. Labels no category was found for (`category_method = 'unmapped'`) are left out: they wait
   in the review queue.
2. Within one document, the same printed label read twice keeps its most confident reading
   (then the first read). Different labels that map to the same category are parts and are
   added up (counts and percentages only), except a nested row ('Communication > Lack of
   response') whose parent row is printed too: the parent already counts it.
3. Between documents, the value from the council's own report wins, then one a person
   checked (verified or corrected), then the most confident, then the latest report (by its
   period), then the lowest SHA-256. (Within a document too, a checked reading wins.)

Which facts. The `benchmark` table is made of trusted facts only: accepted by calibration,
verified or corrected by a person (a corrected fact counts with its corrected value). Facts
that need checking are left out, and each row says how many councils were left out for that
reason. `benchmark_with_needs_check` (with its own `_sources` table and views) is the same
comparison with the needs-check facts included: a row whose value uses one is flagged
`needs_check` and says so in its caveats. Rejected facts are never facts.

Every fact considered is listed in `benchmark_sources` with whether it was used and why not,
and rows whose sources disagree are flagged `conflicting_sources` and listed by the
`conflicts` view with their quotes.

Comparisons. Neighbours are DfE's 10 statistical neighbours (the April 2021 model before
2023-24, the 2025 model from then), matched on DfE LA numbers so that recoded councils still
match. Averages are plain means of the councils with data (the council itself is in its
region and England averages, and never its own neighbour). Rank 1 is the highest value, ties
share the best rank, and quartile 1 is the highest quarter. Rates use the mid-year population
DfE pairs with the year (mid-2023 for 2023-24) and the same year's referrals.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from statistics import fmean

import sqlite_utils

from normalise.councils import load_registry, operating_days
from schemas import LABELLED_MEASURES, STAGED_MEASURES, TRUSTED_STATUSES, FactStatus
from schemas.periods import last_day, shift
from schemas.errors import BenchmarkError

#: A count below this is a small number: rates and changes built on it are unstable.
SMALL_NUMBER = 5
#: Fewer neighbours with data than this makes the neighbours' average weak.
LOW_NEIGHBOUR_COVERAGE = 5
#: Less than this share of England's councils with data makes the England average weak.
LOW_ENGLAND_COVERAGE = 0.5
#: The first year compared with DfE's 2025 neighbour model; earlier years use April 2021's.
MODEL_2025_FROM = "2023-24"
PER_CHILDREN = 10_000
PER_REFERRALS = 1_000
#: Units whose parts (labels mapped to one category) can be added up.
SUMMABLE_UNITS = frozenset({"count", "percent"})
#: Stored averages, rates and changes are rounded to this many decimals (for reading).
DECIMALS = 2
#: A column type SQLite gives NUMERIC affinity: a count read as 10.0 is stored as the integer 10
#: (so the site, CSV and JSON print 10), while 83.5 stays a real number.
NUMERIC = "ANY"
METHOD_CAVEATS = {"text": "read from prose, not a table", "chart": "read from a chart's labels"}
UNMAPPED = "unmapped"
NEEDS_CHECK = FactStatus.NEEDS_CHECK.value
#: A person's decision outranks the calibration when two readings of a figure compete.
STATUS_RANK = {FactStatus.VERIFIED.value: 2, FactStatus.CORRECTED.value: 2, FactStatus.ACCEPTED.value: 1, NEEDS_CHECK: 0}


@dataclass(frozen=True)
class Basis:
    """Which facts a benchmark table is made of, and the tables and views it is written to."""

    name: str
    statuses: frozenset[str]
    table: str
    sources: str
    neighbour_view: str
    conflicts_view: str


TRUSTED = Basis("trusted", frozenset(s.value for s in TRUSTED_STATUSES), "benchmark", "benchmark_sources",
                "neighbour_values", "conflicts")
WITH_NEEDS_CHECK = Basis("with_needs_check", TRUSTED.statuses | {NEEDS_CHECK}, "benchmark_with_needs_check",
                         "benchmark_with_needs_check_sources", "neighbour_values_with_needs_check",
                         "conflicts_with_needs_check")
BASES = (TRUSTED, WITH_NEEDS_CHECK)


def neighbour_model(period: str) -> str:
    return "2025" if period >= MODEL_2025_FROM else "2021"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, DECIMALS)


def _mean(values: list[float]) -> float | None:
    return _round(fmean(values)) if values else None


# -- choosing one value ------------------------------------------------------------------------

@dataclass
class Source:
    """One fact considered for a benchmark row."""

    fact_id: int
    value: float
    label: str
    document: str
    document_period: str | None
    document_council: str | None
    method: str
    confidence: float
    status: str = FactStatus.ACCEPTED.value
    used: bool = False
    reason: str = ""

    @property
    def rank(self) -> tuple:
        """Checked by a person first, then the most confident."""
        return (STATUS_RANK.get(self.status, 0), self.confidence)


@dataclass
class Choice:
    value: float
    sources: list[Source]
    used: list[Source]
    parts: int
    conflict: bool
    alternatives: list[float] = field(default_factory=list)


def _ancestors(label: str) -> list[str]:
    pieces = label.split(" > ")
    return [" > ".join(pieces[:i]) for i in range(1, len(pieces))]


def _reading(sources: list[Source]) -> Source:
    """The checked, then most confident reading (then the first read) of one label in one document."""
    return max(sources, key=lambda s: (*s.rank, -s.fact_id))


def _document_value(sources: list[Source], unit: str, scope_labels: set[str]) -> tuple[list[Source], set[float]]:
    """The rows of one document that make its value for a key, and the values of readings that
    disagree with them (the same label read twice with different values)."""
    by_label: dict[str, list[Source]] = defaultdict(list)
    for source in sources:
        by_label[source.label].append(source)
    counted, disagreeing = [], set()
    for label, readings in sorted(by_label.items()):
        best = _reading(readings)
        for other in readings:
            if other is not best:
                other.reason = "the same label read again in this document; a more confident reading is used"
                if other.value != best.value:
                    disagreeing.add(other.value)
        parent = next((a for a in _ancestors(label) if a in scope_labels), None)
        if parent is not None:
            best.reason = f"a sub-row of '{parent}', which is counted"
            continue
        counted.append(best)
    if unit not in SUMMABLE_UNITS and len(counted) > 1:
        best = _reading(counted)
        for other in counted:
            if other is not best:
                other.reason = f"{unit} cannot be added up; another label is used"
        counted = [best]
    return counted, disagreeing


def choose(council: str, unit: str, by_document: dict[str, list[Source]],
           scope_labels: dict[str, set[str]]) -> Choice | None:
    """Pick one value for a key from its facts, grouped by document (see the module's rule)."""
    candidates = []
    disagreeing: set[float] = set()
    for document, sources in by_document.items():
        counted, conflicting = _document_value(sources, unit, scope_labels[document])
        disagreeing |= conflicting
        if counted:
            value = sum(s.value for s in counted)
            first = counted[0]
            rank = (first.document_council == council, min(s.rank for s in counted),
                    first.document_period or "", document)
            candidates.append((rank, value, counted))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0][3])  # equal otherwise, the lowest SHA-256 (the sorts are stable)
    candidates.sort(key=lambda c: c[0][:3], reverse=True)
    _, value, used = candidates[0]
    for _, _, rows in candidates[1:]:
        for source in rows:
            source.reason = "another document's figure is used (own report, checked, confidence, latest report)"
    for source in used:
        source.used, source.reason = True, ("part of a sum" if len(used) > 1 else "used")
    others = {round(v, 6) for v in disagreeing} | {round(v, 6) for _, v, _ in candidates[1:]}
    alternatives = sorted(others - {round(value, 6)})
    sources = [s for rows in by_document.values() for s in rows]
    return Choice(value=value, sources=sources, used=used, parts=len(used), conflict=bool(alternatives),
                  alternatives=alternatives)


# -- materialising -----------------------------------------------------------------------------

FACTS_SQL = """
select f.id, f.authority_code, f.period, f.measure, coalesce(f.stage, '') as stage,
       coalesce(f.category, '') as category, f.unit, coalesce(f.category_raw, '') as label, f.value,
       f.method, f.confidence, f.document_sha256, d.period as document_period, d.authority_code as document_council,
       f.category_method, f.status
from facts f left join documents d on d.sha256 = f.document_sha256
"""


def _read_facts(db: sqlite_utils.Database, basis: Basis):
    """Facts of the basis's statuses grouped by key and document, each document's printed
    labels per scope, and the keys of the facts left out because they need checking."""
    groups: dict[tuple, dict[str, list[Source]]] = defaultdict(lambda: defaultdict(list))
    scopes: dict[tuple, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    left_out: set[tuple] = set()
    for row in db.execute(FACTS_SQL).fetchall():
        (fact_id, code, period, measure, stage, category, unit, label, value, method, confidence, sha,
         document_period, document_council, category_method, status) = row
        if category_method == UNMAPPED or (measure in LABELLED_MEASURES and not category):
            continue
        key = (code, period, measure, stage, category, unit)
        if status not in basis.statuses:
            left_out.add(key)
            continue
        groups[key][sha].append(Source(fact_id, value, label, sha, document_period, document_council, method,
                                       confidence, status))
        scopes[(code, period, measure, stage, unit)][sha].add(label)
    return groups, scopes, left_out


def _councils(db: sqlite_utils.Database) -> dict[str, dict]:
    return {row["code"]: row for row in db["councils"].rows}


def _ident(council: dict) -> str:
    """DfE LA number (stable when ONS recodes a council), else the GSS code."""
    return council["dfe_number"] or council["code"]


def _operating_on(council: dict, day: date) -> bool:
    """Was the council (a row of the `councils` table) running children's services on `day`?"""
    start = date.fromisoformat(council["start_date"]) if council["start_date"] else None
    end = date.fromisoformat(council["end_date"]) if council["end_date"] else None
    return operating_days(start, end, day, day) > 0


def _rank(value: float, ascending: list[float]) -> int:
    """1 + the number of values strictly higher (ties share the best rank)."""
    return 1 + len(ascending) - bisect.bisect_right(ascending, value)


def _quartile(rank: int, ranked: int) -> int:
    """1 for the highest quarter of values, 4 for the lowest."""
    return 1 + (4 * (rank - 1)) // ranked


@dataclass
class GroupStats:
    """What every council in one comparison group (period, measure, stage, category, unit)
    shares: computed once per group, not once per council, so a national build stays fast."""

    ascending: list[float]
    rates_ascending: list[float]
    england_average: float | None
    england_rate_average: float | None
    england_referral_rate_average: float | None
    regions: dict[str, tuple[float | None, int, float | None]]
    other_stage: set[str]
    other_unit: set[str]
    responded_only: set[str] = field(default_factory=set)  # give complaints responded to, not received

    @classmethod
    def of(cls, values: dict[str, float], rates: dict[str, float], referral_rates: dict[str, float],
           region_of: dict[str, str], other_forms: dict[str, set[tuple[str, str]]], stage: str, unit: str):
        by_region: dict[str, list[str]] = defaultdict(list)
        for ident in values:
            by_region[region_of.get(ident)].append(ident)
        regions = {region: (_mean([values[i] for i in idents]), len(idents),
                            _mean([rates[i] for i in idents if i in rates]))
                   for region, idents in by_region.items()}
        missing = {i: forms for i, forms in other_forms.items() if i not in values}
        return cls(
            ascending=sorted(values.values()),
            rates_ascending=sorted(rates.values()),
            england_average=_mean(list(values.values())),
            england_rate_average=_mean(list(rates.values())),
            england_referral_rate_average=_mean(list(referral_rates.values())),
            regions=regions,
            other_stage={i for i, forms in missing.items() if any(s != stage for s, _ in forms)},
            other_unit={i for i, forms in missing.items() if any(u != unit for _, u in forms)},
        )


def materialise(db: sqlite_utils.Database) -> None:
    """Write `benchmark`, `benchmark_sources` and the `neighbour_values` and `conflicts` views
    (trusted facts), and the same with needs-check facts included (`*_with_needs_check`)."""
    for basis in BASES:
        _materialise(db, basis)


def _materialise(db: sqlite_utils.Database, basis: Basis) -> None:
    councils = _councils(db)
    groups, scopes, left_out = _read_facts(db, basis)
    neighbours: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in db.execute("select model, council_dfe_number, neighbour_dfe_number, neighbour_name, closeness "
                          "from statistical_neighbours order by model, council_dfe_number, rank").fetchall():
        neighbours[(row[0], row[1])].append({"ident": row[2], "name": row[3], "closeness": row[4]})
    population = {(r[0], r[1]): r[2] for r in db.execute(
        "select dfe_number, period, children_0_17 from population where children_0_17 is not null")}
    referrals = {(r[0], r[1]): r[2] for r in db.execute(
        "select dfe_number, period, value from context_measures "
        "where measure = 'referrals_received' and value is not null")}

    # 1. one value per key
    chosen: dict[tuple, Choice] = {}
    for key, by_document in groups.items():
        code, period, measure, stage, category, unit = key
        if code not in councils:
            continue
        choice = choose(code, unit, by_document, scopes[(code, period, measure, stage, unit)])
        if choice is not None:
            chosen[key] = choice

    # 2. values by comparison group: (period, measure, stage, category, unit) -> ident -> ...
    values: dict[tuple, dict[str, float]] = defaultdict(dict)
    rates: dict[tuple, dict[str, float]] = defaultdict(dict)
    referral_rates: dict[tuple, dict[str, float]] = defaultdict(dict)
    methods: dict[tuple, dict[str, set[str]]] = defaultdict(dict)
    statuses: dict[tuple, dict[str, set[str]]] = defaultdict(dict)
    other_forms: dict[tuple, dict[str, set[tuple[str, str]]]] = defaultdict(lambda: defaultdict(set))
    responded: dict[tuple, set[str]] = defaultdict(set)  # (period, stage, unit) -> councils with a responded figure
    for key, choice in sorted(chosen.items()):
        code, period, measure, stage, category, unit = key
        ident = _ident(councils[code])
        group = key[1:]
        values[group][ident] = choice.value
        if measure == "complaints_responded":
            responded[(period, stage, unit)].add(ident)
        methods[group][ident] = {s.method for s in choice.used}
        statuses[group][ident] = {s.status for s in choice.used}
        other_forms[(period, measure, category)][ident].add((stage, unit))
        if unit == "count":
            if (ident, period) in population:
                rates[group][ident] = choice.value / population[(ident, period)] * PER_CHILDREN
            if referrals.get((ident, period)):
                referral_rates[group][ident] = choice.value / referrals[(ident, period)] * PER_REFERRALS

    # councils whose figure was left out because it needs checking (and that have no other)
    unchecked: dict[tuple, set[str]] = defaultdict(set)
    for key in left_out - set(chosen):
        if key[0] in councils:
            unchecked[key[1:]].add(_ident(councils[key[0]]))

    # 3. councils operating in each period, for coverage: period -> region -> idents
    operating: dict[str, dict[str, set[str]]] = {}
    for period in {key[1] for key in chosen}:
        day = last_day(period)
        by_region: dict[str, set[str]] = defaultdict(set)
        for council in councils.values():
            if _operating_on(council, day):
                by_region[council["region_code"]].add(_ident(council))
        operating[period] = by_region
    england_councils = {period: sum(len(v) for v in by_region.values()) for period, by_region in operating.items()}
    region_of = {_ident(c): c["region_code"] for c in councils.values()}
    # the current council's name for an ident (a recoded council keeps its DfE number)
    name_of = {_ident(c): c["name"] for c in sorted(councils.values(), key=lambda c: bool(c["current"]))}
    stats: dict[tuple, GroupStats] = {}

    rows, sources = [], []
    for row_id, (key, choice) in enumerate(sorted(chosen.items()), start=1):
        code, period, measure, stage, category, unit = key
        council = councils[code]
        ident, group = _ident(council), key[1:]
        if group not in stats:
            stats[group] = GroupStats.of(values[group], rates[group], referral_rates[group], region_of,
                                         other_forms[(period, measure, category)], stage, unit)
            if measure == "complaints_received":
                stats[group].responded_only = set(responded[(period, stage, unit)]) - set(values[group])
        g = stats[group]
        group_values, group_rates, group_referral_rates = values[group], rates[group], referral_rates[group]
        model = neighbour_model(period)
        nbs = neighbours.get((model, council["dfe_number"]), [])
        nb_values = [group_values[n["ident"]] for n in nbs if n["ident"] in group_values]
        nb_rates = [group_rates[n["ident"]] for n in nbs if n["ident"] in group_rates]
        nb_referral_rates = [group_referral_rates[n["ident"]] for n in nbs if n["ident"] in group_referral_rates]
        region = council["region_code"]
        region_average, region_with_data, region_rate_average = g.regions.get(region, (None, 0, None))
        previous = values.get((shift(period, -1),) + group[1:], {}).get(ident)
        change = choice.value - previous if previous is not None else None
        rate, referral_rate = group_rates.get(ident), group_referral_rates.get(ident)
        rank = _rank(choice.value, g.ascending)
        rate_rank = _rank(rate, g.rates_ascending) if rate is not None else None
        row = {
            "id": row_id,
            "council_code": code,
            "council_name": council["name"],
            "dfe_number": council["dfe_number"],
            "region_code": region,
            "region_name": council["region_name"],
            "period": period,
            "measure": measure,
            "stage": stage,
            "category": category,
            "unit": unit,
            "value": choice.value,
            "neighbour_average": _mean(nb_values),
            "neighbours_with_data": len(nb_values),
            "neighbours": len(nbs),
            "region_average": region_average,
            "region_with_data": region_with_data,
            "region_councils": len(operating[period].get(region, ())),
            "england_average": g.england_average,
            "england_with_data": len(g.ascending),
            "england_councils": england_councils[period],
            "rank": rank,
            "ranked": len(g.ascending),
            "quartile": _quartile(rank, len(g.ascending)),
            "previous_value": previous,
            "change": _round(change),
            "change_percent": _round(change / previous * 100) if change is not None and previous else None,
            "population_0_17": population.get((ident, period)),
            "rate_per_10k_children": _round(rate),
            "neighbour_average_rate_per_10k": _mean(nb_rates),
            "region_average_rate_per_10k": region_rate_average,
            "england_average_rate_per_10k": g.england_rate_average,
            "rate_rank": rate_rank,
            "rate_quartile": _quartile(rate_rank, len(g.rates_ascending)) if rate_rank else None,
            "referrals": referrals.get((ident, period)),
            "rate_per_1k_referrals": _round(referral_rate),
            "neighbour_average_rate_per_1k_referrals": _mean(nb_referral_rates),
            "england_average_rate_per_1k_referrals": g.england_referral_rate_average,
            "fact_id": min(s.fact_id for s in choice.used),
            "method": ", ".join(sorted({s.method for s in choice.used})),
            "confidence": min(s.confidence for s in choice.used),
            "parts": choice.parts,
            "sources": len(choice.sources),
            "conflict": int(choice.conflict),
            "neighbour_model": model if nbs else None,
            "status": ", ".join(sorted({s.status for s in choice.used})),
            "needs_check": int(any(s.status == NEEDS_CHECK for s in choice.used)),
            "left_out_needs_check": len(unchecked[group]),
        }
        row["flags"] = json.dumps(_flags(row))
        row["caveats"] = "; ".join(_caveats(row, choice, nbs, group_values, methods[group], g, name_of)
                                   + _status_caveats(row, nbs, statuses[group]))
        rows.append(row)
        for source in choice.sources:
            sources.append((row_id, source.fact_id, source.value, int(source.used), source.reason or "not used"))
    _write(db, rows, sources, basis)


def _flags(row: dict) -> list[str]:
    """Short machine-readable warnings (a JSON array, so Datasette can facet on them)."""
    flags = []
    if row["unit"] == "count" and row["value"] < SMALL_NUMBER:
        flags.append("small_number")
    if row["neighbours"] and row["neighbours_with_data"] < LOW_NEIGHBOUR_COVERAGE:
        flags.append("few_neighbours_with_data")
    if not row["neighbours"]:
        flags.append("no_neighbour_model")
    if row["england_with_data"] < LOW_ENGLAND_COVERAGE * row["england_councils"]:
        flags.append("low_england_coverage")
    if row["conflict"]:
        flags.append("conflicting_sources")
    if row["unit"] == "count" and row["population_0_17"] is None:
        flags.append("no_population")
    if row["needs_check"]:
        flags.append("needs_check")
    return flags


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


#: A caveat names the councils it is about, up to this many (then "and N others").
NAMED_COUNCILS = 4


def _not_compared(councils: set[str], neighbours: set[str], what: str, names: dict[str, str]) -> str:
    verb = "gives" if len(councils) == 1 else "give"
    among = len(councils & neighbours)
    listed = sorted(names.get(i, i) for i in councils)
    if len(listed) > NAMED_COUNCILS:
        listed = listed[:NAMED_COUNCILS - 1] + [f"{len(listed) - NAMED_COUNCILS + 1} others"]
    named = ", ".join(listed[:-1]) + f" and {listed[-1]}" if len(listed) > 1 else listed[0]
    return (f"{_plural(len(councils), 'council')} ({_plural(among, 'neighbour')} among them) {verb} {what}: "
            f"not compared ({named})")


def _caveats(row: dict, choice: Choice, nbs: list[dict], group_values: dict[str, float],
             methods: dict[str, set[str]], stats: GroupStats, names: dict[str, str]) -> list[str]:
    """Plain-English notes on definitions that differ, shown beside the figure, never hidden."""
    notes = []
    measure, stage, unit = row["measure"], row["stage"], row["unit"]
    if row["unit"] == "count" and row["value"] < SMALL_NUMBER:
        notes.append(f"small number (under {SMALL_NUMBER}): rates and changes are unstable")
    if measure in STAGED_MEASURES and not stage:
        notes.append("not split by stage: may count complaints at every stage")
    if measure == "complaints_responded":
        notes.append("complaints responded to in the year, not received: a complaint received in March may be "
                     "answered in April, so this is not compared with complaints received")
    for method in sorted({s.method for s in choice.used}):
        if method in METHOD_CAVEATS:
            notes.append(f"this figure was {METHOD_CAVEATS[method]}")
    if choice.parts > 1:
        notes.append(f"the sum of {choice.parts} printed labels mapped to this category")
    if choice.conflict:
        shown = ", ".join(f"{v:g}" for v in choice.alternatives)
        notes.append(f"sources disagree: {choice.value:g} is used, also read {shown} (see the conflicts view)")
    quoted = [s for s in choice.used if s.document_council and s.document_council != row["council_code"]]
    if quoted:
        notes.append("quoted in another council's report")
    neighbour_idents = {n["ident"] for n in nbs}
    other_stage, other_unit = stats.other_stage, stats.other_unit
    if other_stage:
        form = "only with a stage split" if not stage else f"only without a {stage} figure"
        notes.append(_not_compared(other_stage, neighbour_idents, f"{measure} {form}", names))
    if other_unit:
        notes.append(_not_compared(other_unit, neighbour_idents, f"{measure} in another unit than {unit}", names))
    if stats.responded_only:
        notes.append(_not_compared(stats.responded_only, neighbour_idents,
                                   "complaints responded to, not complaints received", names))
    prose = sum(1 for n in nbs if n["ident"] in group_values and methods.get(n["ident"], set()) & set(METHOD_CAVEATS))
    if prose:
        notes.append(f"the figures of {_plural(prose, 'neighbour')} were read from prose or charts")
    if unit == "count" and row["population_0_17"] is None:
        notes.append("no child population for this council and year: no rate")
    return notes


def _status_caveats(row: dict, nbs: list[dict], statuses: dict[str, set[str]]) -> list[str]:
    """What the reader should know about facts that need checking: this figure, the
    neighbours' figures, and the councils left out of a trusted comparison."""
    notes = []
    if row["needs_check"]:
        notes.append(f"this figure needs checking (its reading was not accepted, confidence {row['confidence']:g}): "
                     "check its quote before relying on it")
    unchecked = sum(1 for n in nbs if NEEDS_CHECK in statuses.get(n["ident"], set()))
    if unchecked:
        notes.append(f"the figures of {_plural(unchecked, 'neighbour')} need checking")
    if row["left_out_needs_check"]:
        notes.append(f"{_plural(row['left_out_needs_check'], 'council')}' figures need checking and are left out "
                     "(complaints benchmark --include-needs-check includes them)")
    return notes


#: The benchmark table's columns and types, in the order `materialise` builds its rows.
BENCHMARK_COLUMNS = {
    "id": int, "council_code": str, "council_name": str, "dfe_number": str, "region_code": str, "region_name": str,
    "period": str, "measure": str, "stage": str, "category": str, "unit": str, "value": NUMERIC,
    "neighbour_average": NUMERIC, "neighbours_with_data": int, "neighbours": int,
    "region_average": NUMERIC, "region_with_data": int, "region_councils": int,
    "england_average": NUMERIC, "england_with_data": int, "england_councils": int,
    "rank": int, "ranked": int, "quartile": int, "previous_value": NUMERIC, "change": NUMERIC,
    "change_percent": float,
    "population_0_17": int, "rate_per_10k_children": float, "neighbour_average_rate_per_10k": float,
    "region_average_rate_per_10k": float, "england_average_rate_per_10k": float, "rate_rank": int,
    "rate_quartile": int, "referrals": NUMERIC, "rate_per_1k_referrals": float,
    "neighbour_average_rate_per_1k_referrals": float, "england_average_rate_per_1k_referrals": float,
    "fact_id": int, "method": str, "confidence": float, "parts": int, "sources": int, "conflict": int,
    "neighbour_model": str, "status": str, "needs_check": int, "left_out_needs_check": int, "flags": str, "caveats": str,
}
SOURCE_COLUMNS = {"id": int, "benchmark_id": int, "fact_id": int, "value": NUMERIC, "used": int, "reason": str}


def _write(db: sqlite_utils.Database, rows: list[dict], sources: list[tuple], basis: Basis = TRUSTED) -> None:
    """Create the tables with their keys, then insert in one transaction (plain executemany:
    a national build writes about half a million rows)."""
    db[basis.table].create(BENCHMARK_COLUMNS, pk="id", not_null={"stage", "category"}, foreign_keys=[
        ("council_code", "councils", "code"), ("measure", "measures", "measure"), ("fact_id", "facts", "id")])
    db[basis.sources].create(SOURCE_COLUMNS, pk="id", foreign_keys=[
        ("benchmark_id", basis.table, "id"), ("fact_id", "facts", "id")])
    columns = list(BENCHMARK_COLUMNS)
    with db.conn:
        db.conn.executemany(f"insert into {basis.table} ({', '.join(columns)}) "
                            f"values ({', '.join('?' * len(columns))})", (tuple(row[c] for c in columns) for row in rows))
        db.conn.executemany(f"insert into {basis.sources} (benchmark_id, fact_id, value, used, reason) "
                            "values (?, ?, ?, ?, ?)", sources)
    benchmark = db[basis.table]
    # one unique index serves both one council's row (all columns equal) and its years (all but period)
    benchmark.create_index(["council_code", "measure", "stage", "category", "unit", "period"], unique=True)
    benchmark.create_index(["dfe_number", "period", "measure", "stage", "category", "unit"])  # neighbours' rows
    benchmark.create_index(["measure", "period", "stage", "category", "unit", "rank"])  # one measure, all councils
    benchmark.create_index(["fact_id"])  # a fact's page lists the benchmark rows that use it
    for column in ("council_name", "region_name", "period", "stage", "category"):  # facets
        benchmark.create_index([column])
    # a partial index: the few conflicting rows, found without scanning the rest
    db.execute(f"create index idx_{basis.table}_conflicting on {basis.table}(id) where conflict = 1")
    db[basis.sources].create_index(["benchmark_id"])
    db[basis.sources].create_index(["fact_id"])
    names = {"benchmark": basis.table, "sources": basis.sources}
    db.create_view(basis.neighbour_view, NEIGHBOUR_VALUES_SQL.format(**names), replace=True)
    db.create_view(basis.conflicts_view, CONFLICTS_SQL.format(**names), replace=True)
    # statistics for the query planner: without them a council-and-year filter may pick the
    # period index (30,000 rows a year nationally) over the council one (a few hundred)
    for table in (basis.table, basis.sources, "statistical_neighbours"):
        db.execute(f"analyze {table}")


NEIGHBOUR_VALUES_SQL = """
select b.id as benchmark_id, b.council_code, b.council_name, b.period, b.measure, b.stage, b.category, b.unit,
       b.value as council_value, sn.model, sn.rank as neighbour_rank, sn.neighbour_code, sn.neighbour_name,
       sn.closeness, n.value as neighbour_value, n.rate_per_10k_children as neighbour_rate_per_10k,
       n.rate_per_1k_referrals as neighbour_rate_per_1k_referrals,
       n.method as neighbour_method, n.flags as neighbour_flags, n.fact_id as neighbour_fact_id,
       n.status as neighbour_status
from {benchmark} b
join statistical_neighbours sn on sn.model = b.neighbour_model and sn.council_dfe_number = b.dfe_number
left join {benchmark} n on n.dfe_number = sn.neighbour_dfe_number and n.period = b.period and n.measure = b.measure
     and n.stage = b.stage and n.category = b.category and n.unit = b.unit
"""

#: The unary + keeps SQLite from filtering on the benchmark's own indexes (thousands of rows a
#: value) when the partial index of conflicting rows (a handful) is the way in.
CONFLICTS_SQL = """
select b.id as benchmark_id, +b.council_name as council_name, +b.period as period, +b.measure as measure,
       +b.stage as stage, +b.category as category, b.unit,
       b.value as value_used, s.value, s.used, s.reason, f.category_raw, f.method, f.confidence, f.status,
       f.document_name, f.page, f.line, f.quote, f.id as fact_id, f.document_sha256
from {benchmark} b
join {sources} s on s.benchmark_id = b.id
join facts f on f.id = s.fact_id
where b.conflict = 1
"""


# -- reading back (command line, tests) --------------------------------------------------------


@dataclass
class Comparison:
    row: dict
    neighbours: list[dict]


def _connect(db_path: Path) -> sqlite3.Connection:
    if not Path(db_path).exists():
        raise BenchmarkError(f"{db_path}: no database; run `complaints build` first")
    conn = sqlite3.connect(f"file:{Path(db_path)}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def matching_codes(council: str) -> list[str]:
    """The codes a council's name or GSS code means, read as the rest of the project reads council
    names (normalise.councils: 'Thurrock Council', 'LB Redbridge', 'E06000034'); several when ONS
    recoded the council or two authorities shared the name."""
    return sorted({c.code for c in load_registry().candidates(council or "")})


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the canned queries use: `council_codes(name)`, the codes a name means as a
    JSON array (see `matching_codes`), so the site reads 'Thurrock Council' as the command line does."""
    conn.create_function("council_codes", 1, lambda name: json.dumps(matching_codes(name or "")), deterministic=True)


def unknown_council(council: str) -> str:
    """Why a name matches no council, with the nearest names."""
    from difflib import get_close_matches


    names = sorted({c.name for c in load_registry().by_code.values()})
    near = get_close_matches((council or "").strip(), names, n=3, cutoff=0.75)
    hint = f"; did you mean {' or '.join(near)}?" if near else " (use a council's name or its ONS code)"
    return f"no council is called {council!r}{hint}"


def council_codes(conn: sqlite3.Connection, council: str) -> list[str]:
    """Codes a name or GSS code means (see `matching_codes`); an error naming the nearest names if none."""
    codes = matching_codes(council)
    if not codes:
        raise BenchmarkError(unknown_council(council))
    return codes


def _key_filter(stage: str | None, category: str | None, unit: str) -> tuple[str, list]:
    return "stage = ? and category = ? and unit = ?", [stage or "", category or "", unit]


def basis_for(include_needs_check: bool) -> Basis:
    return WITH_NEEDS_CHECK if include_needs_check else TRUSTED


def compare(db_path: Path, council: str, measure: str, period: str | None = None, stage: str | None = None,
            category: str | None = None, unit: str = "count", include_needs_check: bool = False) -> Comparison:
    """The benchmark row for one council and its neighbours' values (latest year if none given),
    from trusted facts, or with the facts that need checking too."""
    basis = basis_for(include_needs_check)
    with _connect(db_path) as conn:
        codes = council_codes(conn, council)
        where, params = _key_filter(stage, category, unit)
        marks = ", ".join("?" * len(codes))
        sql = f"select * from {basis.table} where council_code in ({marks}) and measure = ? and {where}"
        params = [*codes, measure, *params]
        if period:
            sql += " and period = ?"
            params.append(period)
        row = conn.execute(sql + " order by period desc limit 1", params).fetchone()
        if row is None:
            raise BenchmarkError(nothing_found(conn, codes, council, measure, period, stage, category, unit, basis))
        neighbours = conn.execute(
            "select neighbour_rank, neighbour_code, neighbour_name, closeness, neighbour_value, "
            f"neighbour_rate_per_10k, neighbour_method, neighbour_status from {basis.neighbour_view} "
            "where benchmark_id = ? order by neighbour_rank", [row["id"]]).fetchall()
        return Comparison(dict(row), [dict(n) for n in neighbours])


def history(db_path: Path, council: str, measure: str, stage: str | None = None, category: str | None = None,
            unit: str = "count", include_needs_check: bool = False) -> list[dict]:
    """The council's benchmark rows for one measure, oldest year first."""
    basis = basis_for(include_needs_check)
    with _connect(db_path) as conn:
        codes = council_codes(conn, council)
        where, params = _key_filter(stage, category, unit)
        marks = ", ".join("?" * len(codes))
        rows = conn.execute(f"select * from {basis.table} where council_code in ({marks}) and measure = ? and {where} "
                            "order by period", [*codes, measure, *params]).fetchall()
        return [dict(r) for r in rows]


def _years(conn, table: str, codes, measure, stage, category, unit) -> list[str]:
    marks = ", ".join("?" * len(codes))
    return [r[0] for r in conn.execute(
        f"select distinct period from {table} where council_code in ({marks}) and measure = ? "
        "and stage = ? and category = ? and unit = ? order by period",
        [*codes, measure, stage or "", category or "", unit]).fetchall()]


def nothing_found(conn, codes, council, measure, period, stage, category, unit, basis: Basis = TRUSTED) -> str:
    """Why there is no benchmark row for what was asked, and what the council does have."""
    marks = ", ".join("?" * len(codes))
    what = " ".join(filter(None, [measure, stage, category, unit]))
    if basis is TRUSTED:
        unchecked = _years(conn, WITH_NEEDS_CHECK.table, codes, measure, stage, category, unit)
        if period in unchecked or (not period and unchecked):
            return (f"{council}'s {what} figure{' for ' + period if period else ''} needs checking, so it is left out; "
                    "add --include-needs-check to compare it anyway, or check it with `complaints verify`")
    available = _years(conn, basis.table, codes, measure, stage, category, unit)
    if available:
        years = ", ".join(available)
        return f"{council} has no {what} figure for {period}; years with one: {years}"
    measures = conn.execute(f"select measure, stage, count(*) from {basis.table} where council_code in ({marks}) "
                            "group by measure, stage order by measure, stage", codes).fetchall()
    if not measures:
        return f"no figures for {council} yet"
    listed = ", ".join(f"{m[0]}{' --stage ' + m[1] if m[1] else ''}" for m in measures)
    return f"{council} has no {what} figure; it has: {listed}"


def _fmt(value: float | None, suffix: str = "") -> str:
    if value is None:
        return "no data"
    return f"{value:,.2f}".rstrip("0").rstrip(".") + suffix


def format_comparison(comparison: Comparison) -> str:
    """A plain-text table for the terminal: the council, its neighbours, region and England."""
    r = comparison.row
    what = " ".join(filter(None, [r["measure"], r["stage"], r["category"]]))
    lines = [f"{r['council_name']} ({r['council_code']}), {r['region_name']}: {what}, {r['period']}, {r['unit']}"]
    header = f"{'':<34} {'value':>10} {'per 10k children':>17} {'per 1k referrals':>17}  with data"
    lines += [header, "-" * len(header)]

    def line(label, value, rate=None, referral_rate=None, coverage=""):
        lines.append(f"{label[:34]:<34} {_fmt(value):>10} {_fmt(rate) if rate is not None else '':>17} "
                     f"{_fmt(referral_rate) if referral_rate is not None else '':>17}  {coverage}")

    line(r["council_name"] + (" (needs check)" if r["needs_check"] else ""), r["value"], r["rate_per_10k_children"],
         r["rate_per_1k_referrals"])
    line("neighbours' average", r["neighbour_average"], r["neighbour_average_rate_per_10k"],
         r["neighbour_average_rate_per_1k_referrals"], f"{r['neighbours_with_data']} of {r['neighbours']} neighbours")
    line(f"{r['region_name']} average", r["region_average"], r["region_average_rate_per_10k"], None,
         f"{r['region_with_data']} of {r['region_councils']} councils")
    line("England average", r["england_average"], r["england_average_rate_per_10k"],
         r["england_average_rate_per_1k_referrals"], f"{r['england_with_data']} of {r['england_councils']} councils")
    lines.append("")
    lines.append(f"rank {r['rank']} of {r['ranked']} (1 = highest), quartile {r['quartile']} (1 = highest quarter)"
                 + (f"; by rate per 10k children: rank {r['rate_rank']}, quartile {r['rate_quartile']}"
                    if r["rate_rank"] else ""))
    if r["previous_value"] is None:
        lines.append(f"change from {shift(r['period'], -1)}: no figure for that year")
    elif r["unit"] == "percent":  # the difference of two percentages is in points, not per cent
        lines.append(f"change from {shift(r['period'], -1)}: {r['change']:+g} percentage points "
                     f"(was {_fmt(r['previous_value'])}%)")
    else:
        pct = f" ({r['change_percent']:+g}%)" if r["change_percent"] is not None else ""
        lines.append(f"change from {shift(r['period'], -1)}: {r['change']:+g}{pct} (was {_fmt(r['previous_value'])})")
    flags = json.loads(r["flags"] or "[]")
    lines.append(f"flags: {', '.join(flags) if flags else 'none'}")
    for caveat in filter(None, (r["caveats"] or "").split("; ")):
        lines.append(f"caveat: {caveat}")
    lines.append(f"source: fact {r['fact_id']} ({r['method']}, confidence {r['confidence']:g}, {r['status']})")
    if comparison.neighbours:
        lines.append("")
        lines.append(f"statistical neighbours (DfE {r['neighbour_model']} model):")
        for n in comparison.neighbours:
            unchecked = "  needs check" if NEEDS_CHECK in (n["neighbour_status"] or "") else ""
            lines.append(f"  {n['neighbour_rank']:>2}. {n['neighbour_name'][:30]:<30} {n['closeness']:<15} "
                         f"{_fmt(n['neighbour_value']):>10}{unchecked}")
    return "\n".join(lines)

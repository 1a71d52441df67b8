"""A council's comparison group and what the corpus is missing for it: the to-do list of a
real comparison.

For a council and a year, its 10 statistical neighbours in DfE's model for that year (the
April 2021 model before 2023-24, the 2025 model from then, as in benchmarking), and for the
council and each neighbour: the years the corpus has (coverage, as `complaints corpus`
counts it), the years of the comparison it lacks, and the known addresses of its reports
(`corpus/sources.csv`). The years of the comparison are the year asked for and the other
years the council itself has, first to last: what the comparison and the over-time pages
would show.

`comparison_group` computes it from the reference files, the manifest and the sources list,
with no database (`complaints neighbours`); `create_comparison_tables` writes the same for
every council and year of the corpus's range into the built database (`comparison_groups`,
and the sources as `report_sources`), for the site's page "what is missing for this
comparison". Councils are matched on DfE LA numbers, so a recoded council's years count.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from corpus.manifest import Corpus
from corpus.sources import SourceRow, load_sources, sources_path
from normalise.councils import Council, CouncilRegistry, load_registry
from publish.benchmark import neighbour_model
from publish.coverage import MISSING, PRESENT, Coverage, coverage_from_manifest
from publish.reference import council_records, statistical_neighbours
from schemas.errors import UnknownCouncilError
from schemas.periods import make_period, period_range, start_year


#: A member's status for a year it did not run children's services (a model drawn on later boundaries).
NOT_RUNNING = "not running"


@dataclass
class Member:
    """The council (position 0) or one of its neighbours (rank 1-10), and what the corpus has."""

    position: int
    code: str
    name: str
    closeness: str | None
    year: str  # the year compared
    status: str  # of that year: present, failed, missing (or 'not running' that year)
    present: list[str]  # years the corpus has
    missing: list[str]  # years of the comparison it lacks
    addresses: list[SourceRow] = field(default_factory=list)

    @property
    def addresses_for_year(self) -> list[SourceRow]:
        return [a for a in self.addresses if a.period == self.year]

    @property
    def to_do(self) -> str:
        """What to do for the year compared: nothing, fetch a known address, or find one."""
        if self.status == PRESENT:
            return "in the corpus"
        if self.status == NOT_RUNNING:
            return f"ran no children's services in {self.year} (the model's boundaries are later)"
        fetchable = [a for a in self.addresses_for_year if a.state is None]
        if fetchable:
            return f"fetch: complaints fetch --sources --council \"{self.name}\" ({len(fetchable)} known address" \
                   f"{'es' if len(fetchable) > 1 else ''})"
        tried = [a for a in self.addresses_for_year if a.state not in (None, "ok")]
        if tried:
            return f"its known address failed ({tried[0].status}): find another"
        if self.addresses_for_year:
            return "its known address gave no report for the year: find the report"
        return f"find the {self.year} report: no address known"


@dataclass
class ComparisonGroup:
    council: Council
    period: str
    model: str
    years: list[str]  # the years of the comparison
    members: list[Member]  # the council first, then its neighbours by rank

    @property
    def neighbours(self) -> list[Member]:
        return self.members[1:]


# -- building blocks ----------------------------------------------------------------------------

def neighbour_lists(registry: CouncilRegistry) -> dict[tuple[str, str], list[dict]]:
    """(model, DfE LA number of the council) -> its neighbours' rows, by rank."""
    lists: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for row in sorted(statistical_neighbours(council_records(registry)), key=lambda r: r["rank"]):
        lists[(row["model"], row["council_dfe_number"])].append(row)
    return lists


def _ident(council: Council) -> str:
    return council.dfe_number or council.code


def years_by_council(coverage: Coverage, registry: CouncilRegistry) -> dict[str, dict[str, str]]:
    """DfE LA number (or code) -> period -> status, over every code the council has had."""
    years: dict[str, dict[str, str]] = defaultdict(dict)
    for (code, period), cell in coverage.cells.items():
        council = registry.by_code.get(code)
        if council is not None:
            years[_ident(council)][period] = cell.status
    return years


def addresses_by_council(sources: list[SourceRow], registry: CouncilRegistry) -> dict[str, list[SourceRow]]:
    """DfE LA number (or code) -> the known addresses of its reports (those naming a council the
    registry does not know are left out)."""
    found: dict[str, list[SourceRow]] = defaultdict(list)
    for source in sources:
        council = registry.lookup(source.council, source.period) if source.council else None
        if council is not None:
            found[_ident(council)].append(source)
    return found


def comparison_years(period: str, own_years: list[str]) -> list[str]:
    """The year asked for and the council's other years in the corpus, from first to last."""
    return period_range([period, *own_years])


def group_of(council: Council, period: str, registry: CouncilRegistry, lists: dict, years: dict, addresses: dict
             ) -> ComparisonGroup:
    """One council's comparison group for a year, from the pieces above."""
    model = neighbour_model(period)
    own = years.get(_ident(council), {})
    window = comparison_years(period, [p for p, s in own.items() if s == PRESENT])
    rows = [{"rank": 0, "neighbour_code": council.code, "neighbour_name": council.name, "closeness": None,
             "neighbour_dfe_number": council.dfe_number}]
    rows += lists.get((model, council.dfe_number), [])
    members = []
    for row in rows:
        member = registry.by_code[row["neighbour_code"]]
        ident = _ident(member)
        statuses = years.get(ident, {})
        present = sorted(p for p, s in statuses.items() if s == PRESENT)
        status = statuses.get(period) or (MISSING if member.operated_in(period) else NOT_RUNNING)
        members.append(Member(
            position=row["rank"], code=member.code, name=member.name, closeness=row["closeness"], year=period,
            status=status, present=present,
            missing=[p for p in window if statuses.get(p, MISSING) != PRESENT and member.operated_in(p)],
            addresses=sorted(addresses.get(ident, []), key=lambda a: (a.period or "", a.url))))
    return ComparisonGroup(council=council, period=period, model=model, years=window, members=members)


# -- the command line ---------------------------------------------------------------------------

def comparison_group(council: str, period: str | None = None, corpus: Corpus | None = None,
                     registry: CouncilRegistry | None = None) -> ComparisonGroup:
    """The comparison group of a council (name or code) for a year (default: the latest year it
    has in the corpus, else the corpus's latest). Raises UnknownCouncilError."""
    registry = registry or load_registry()
    root = corpus.root if corpus else None
    coverage = coverage_from_manifest(corpus.rows if corpus else [], root, registry)
    years = years_by_council(coverage, registry)
    if period is None:
        found = registry.resolve(council)
        own = sorted(p for p, s in years.get(_ident(found), {}).items() if s == PRESENT)
        period = own[-1] if own else (coverage.periods[-1] if coverage.periods else None)
        if period is None:
            raise UnknownCouncilError(f"{found.name} has no report in the corpus: give a year (--year 2023-24)")
    chosen = registry.resolve(council, period)
    addresses = addresses_by_council(load_sources(sources_path(root)), registry)
    return group_of(chosen, period, registry, neighbour_lists(registry), years, addresses)


def span(periods: list[str]) -> str:
    """'2017-18 to 2019-20, 2021-22': runs of consecutive years shortened."""
    runs: list[list[int]] = []
    for year in sorted(start_year(p) for p in periods):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(make_period(r[0]) if len(r) == 1 else f"{make_period(r[0])} to {make_period(r[-1])}"
                     for r in runs)


def format_group(group: ComparisonGroup) -> str:
    """The comparison group as the command prints it."""
    council, period = group.council, group.period
    lines = [f"{council.name} ({council.code}), {council.region_name}: statistical neighbours for {period} "
             f"(DfE {group.model} model)"]
    if not group.neighbours:
        lines.append(f"{council.name} is in no DfE statistical-neighbour model for {period}")
    lines.append(f"years of the comparison: {span(group.years)} ({period} and the other years {council.name} has)")
    lines.append("")
    width = max([len("years in the corpus")] + [len(span(m.present)) for m in group.members])
    header = f"{'rank':>4}  {'council':<26} {'closeness':<15} {period:<12} {'years in the corpus':<{width}}  missing"
    lines += [header, "-" * len(header)]
    for m in group.members:
        rank = "-" if m.position == 0 else str(m.position)
        lines.append(f"{rank:>4}  {m.name[:26]:<26} {(m.closeness or '')[:15]:<15} {m.status:<12} "
                     f"{span(m.present) or 'none':<{width}}  {span(m.missing) or 'none'}")
    lines.append("")
    lines.append("known addresses:")
    listed = [(m, a) for m in group.members for a in m.addresses]
    if not listed:
        lines.append("  none: complaints sources --import adds a list, complaints add --url one report")
    for m, a in listed:
        lines.append(f"  {m.name[:26]:<26} {a.period or '?':<8} {(a.state or 'not fetched'):<12} {a.url}")
    lines.append("")
    lines.append(f"to do for {period}:")
    for m in group.members:
        lines.append(f"  {m.name[:26]:<26} {m.to_do}")
    have = sum(1 for m in group.neighbours if m.status == PRESENT)
    lines.append(f"{have} of {len(group.neighbours)} neighbours have a {period} report in the corpus; "
                 f"{sum(1 for m in group.neighbours if m.to_do.startswith('fetch'))} have a known address to fetch")
    return "\n".join(lines)


# -- the database ---------------------------------------------------------------------------------

SOURCE_TABLE_COLUMNS = {
    "url": str, "council_code": str, "council_name": str, "period": str, "kind": str, "what_it_is": str,
    "named_as": str, "period_note": str, "origin_url": str, "listed_by": str, "status": str, "documents": str,
    "checked_at": str,
}
GROUP_COLUMNS = {
    "council_code": str, "council_name": str, "period": str, "model": str, "position": int, "member_code": str,
    "member_name": str, "closeness": str, "status": str, "years_in_corpus": str, "years_missing": str,
    "addresses_for_year": str, "addresses": str, "to_do": str,
}


def _address_lines(addresses: list[SourceRow]) -> str | None:
    return "\n".join(f"{a.period or '?'} {a.state or 'not fetched'}: {a.url}" for a in addresses) or None


def create_comparison_tables(db, corpus: Corpus, registry: CouncilRegistry | None = None) -> int:
    """`report_sources` (the corpus's sources.csv with council codes) and `comparison_groups`
    (every council operating in each year of the corpus's range, with its neighbours: the
    rows `complaints neighbours` prints). Returns the number of comparison rows."""
    registry = registry or load_registry()
    sources = load_sources(sources_path(corpus.root))
    coverage = coverage_from_manifest(corpus.rows, corpus.root, registry)
    source_rows = []
    for source in sources:
        council = registry.lookup(source.council, source.period) if source.council else None
        source_rows.append({column: source.value(column) or None for column in SOURCE_TABLE_COLUMNS}
                           | {"council_code": council.code if council else None,
                              "council_name": council.name if council else source.council})
    for name in ("report_sources", "comparison_groups"):
        if name in db.table_names():
            db[name].drop()
    db["report_sources"].create(SOURCE_TABLE_COLUMNS, foreign_keys=[("council_code", "councils", "code")])
    db["report_sources"].insert_all(source_rows)
    db["report_sources"].create_index(["council_code", "period"])

    years, addresses = years_by_council(coverage, registry), addresses_by_council(sources, registry)
    lists = neighbour_lists(registry)
    rows = []
    for period in coverage.periods:
        for council in sorted(registry.by_code.values(), key=lambda c: c.code):
            if not council.operated_in(period):
                continue
            group = group_of(council, period, registry, lists, years, addresses)
            for m in group.members:
                rows.append({
                    "council_code": council.code, "council_name": council.name, "period": period,
                    "model": group.model, "position": m.position, "member_code": m.code, "member_name": m.name,
                    "closeness": m.closeness, "status": m.status, "years_in_corpus": span(m.present) or None,
                    "years_missing": span(m.missing) or None,
                    "addresses_for_year": _address_lines(m.addresses_for_year),
                    "addresses": _address_lines(m.addresses), "to_do": m.to_do,
                })
    db["comparison_groups"].create(GROUP_COLUMNS, pk=("council_code", "period", "position"),
                                   foreign_keys=[("council_code", "councils", "code"),
                                                 ("member_code", "councils", "code")])
    db["comparison_groups"].insert_all(rows)
    db["comparison_groups"].create_index(["council_name", "period"])
    return len(rows)


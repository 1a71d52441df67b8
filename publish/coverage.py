"""Coverage: which councils' reports the corpus has, for which years, and which are missing.

One definition, used by `complaints corpus` (`coverage_from_manifest`) and by the site's
`coverage` table (`create_coverage_table`), so that both count the same councils and years:

* the years are every reporting year from the first to the last that a manifest row names;
* the councils are every council that ran children's services in one of those years (from
  the council registry); a row naming a council the registry does not know (in that year) is
  listed apart, as is a row with no council or year;
* a council and year is `present` when a manifest row has an archived document for it,
  `failed` when its rows are only fetches that failed, were refused or found nothing, and
  `missing` otherwise (nothing, or a URL not fetched yet).

Coverage is of the manifest: a file in reports/ with no row is built (its council and year
read from the text) but not counted until it has a row (`complaints add` gives it one). The
site's table adds what only a build knows: how many facts were read from the documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.manifest import ManifestRow
from normalise.councils import CouncilRegistry, load_registry
from schemas.errors import UnknownCouncilError
from schemas.periods import period_range

PRESENT, FAILED, MISSING = "present", "failed", "missing"
RANK = {PRESENT: 0, FAILED: 1, MISSING: 2}


def row_state(row: ManifestRow, root: Path | None = None) -> str | None:
    """What a manifest row says about its council and year: present (an archived document),
    failed (a fetch that failed, was refused or found nothing), missing (listed by URL, not
    fetched yet), or None (an old version, which says nothing). Given the corpus folder, a
    file that does not exist is missing."""
    if row.state == "superseded":
        return None
    if row.is_document:
        if not row.file or (root is not None and not (Path(root) / row.file).is_file()):
            return MISSING
        return PRESENT
    return FAILED


@dataclass
class CoverageCell:
    council: str  # the registry's name
    code: str
    period: str
    status: str  # present, failed, missing
    files: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    periods: list[str]
    councils: list[tuple[str, str]]  # (code, name) of every council counted, by name
    cells: dict[tuple[str, str], CoverageCell]  # (code, period) -> cell
    named: set[str] = field(default_factory=set)  # codes of the councils the manifest names
    unplaced: list[ManifestRow] = field(default_factory=list)  # rows with no council or no year
    unknown: list[tuple[ManifestRow, str]] = field(default_factory=list)  # rows naming no known council, and why

    def cell(self, council: str, period: str) -> CoverageCell:
        """The cell of a council (its code, or its name when only one council has it) and year."""
        if (council, period) in self.cells:
            return self.cells[(council, period)]
        found = [cell for (_, p), cell in self.cells.items() if p == period and cell.council == council]
        if len(found) != 1:
            raise KeyError((council, period))
        return found[0]

    def with_status(self, status: str) -> list[CoverageCell]:
        return [cell for cell in self.cells.values() if cell.status == status]

    @property
    def present(self) -> list[CoverageCell]:
        return self.with_status(PRESENT)

    @property
    def failed(self) -> list[CoverageCell]:
        return self.with_status(FAILED)

    @property
    def missing(self) -> list[CoverageCell]:
        return self.with_status(MISSING)

    def council_cells(self, code: str) -> list[CoverageCell]:
        """One council's cells, by year (only the years it ran children's services)."""
        return [self.cells[(code, period)] for period in self.periods if (code, period) in self.cells]

    @property
    def named_councils(self) -> list[tuple[str, str]]:
        """The councils the manifest names, by name."""
        return [(code, name) for code, name in self.councils if code in self.named]


def coverage_from_manifest(rows: list[ManifestRow], root: Path | None = None,
                           registry: CouncilRegistry | None = None) -> Coverage:
    """Councils x years from the manifest (see the module's definition)."""
    registry = registry or load_registry()
    placed: list[tuple[str, str, ManifestRow, str]] = []
    unplaced, unknown = [], []
    for row in rows:
        state = row_state(row, root)
        if state is None:
            continue
        if not row.council or not row.period:
            unplaced.append(row)
            continue
        try:
            council = registry.resolve(row.council, row.period)
        except UnknownCouncilError as exc:
            unknown.append((row, str(exc)))
            continue
        placed.append((council.code, council.name, row, state))
    periods = period_range(row.period for _, _, row, _ in placed)
    cells: dict[tuple[str, str], CoverageCell] = {}
    councils: dict[str, tuple[str, str]] = {}
    for council in registry.by_code.values():
        for period in periods:
            if council.operated_in(period):
                cells[(council.code, period)] = CoverageCell(council.name, council.code, period, MISSING)
                councils[council.code] = (council.code, council.name)
    for code, name, row, state in placed:
        councils[code] = (code, name)
        cell = cells.setdefault((code, row.period), CoverageCell(name, code, row.period, MISSING))
        if RANK[state] < RANK[cell.status]:
            cell.status = state
        if row.file and state == PRESENT:
            cell.files.append(row.file)
        if state == FAILED:
            cell.details.append(f"{row.status} ({row.source_url})")
        elif state == MISSING:
            cell.details.append(f"listed, not fetched yet ({row.source_url})" if row.source_url
                                else f"listed, but {row.file} does not exist")
    ordered = sorted(councils.values(), key=lambda c: (c[1].casefold(), c[0]))
    return Coverage(periods=periods, councils=ordered, cells=cells, named={code for code, _, _, _ in placed},
                    unplaced=unplaced, unknown=unknown)


# -- the database --------------------------------------------------------------------------------

COVERAGE_COLUMNS = {
    "authority_code": str, "authority_name": str, "region_name": str, "period": str, "status": str,
    "document": str, "documents": int, "facts": int, "read": str, "detail": str,
}


def create_coverage_table(db, manifest_rows: list[ManifestRow], root: Path | None = None) -> int:
    """Create the `coverage` table of a built database from the manifest's coverage (the same
    as `complaints corpus` prints); return its number of rows.

    One row per cell: `status`, the archived files (`document`, `documents`), and from the
    build, the facts read from them and how each was read (`read`: the documents' status, e.g.
    `no_facts` for a page with no figures).
    """
    coverage = coverage_from_manifest(manifest_rows, root)
    built = {}
    if "documents" in db.table_names():
        built = {row["path"]: row for row in db.query("select path, status, facts from documents")}
    regions = {c["code"]: c.get("region_name") for c in db.query("select * from councils")}
    records = []
    for (code, period), cell in sorted(coverage.cells.items()):
        documents = [built[f] for f in cell.files if f in built]
        records.append({
            "authority_code": cell.code,
            "authority_name": cell.council,
            "region_name": regions.get(cell.code),
            "period": period,
            "status": cell.status,
            "document": "; ".join(cell.files) or None,
            "documents": len(cell.files),
            "facts": sum(d["facts"] or 0 for d in documents) if documents else None,
            "read": ", ".join(sorted({d["status"] for d in documents})) or None,
            "detail": "; ".join(cell.details) or None,
        })
    if "coverage" in db.table_names():
        db["coverage"].drop()
    db["coverage"].create(COVERAGE_COLUMNS, pk=("authority_code", "period"),
                          foreign_keys=[("authority_code", "councils", "code")])
    if records:
        db["coverage"].insert_all(records)
        db["coverage"].create_index(["period", "status"], if_not_exists=True)
    return len(records)

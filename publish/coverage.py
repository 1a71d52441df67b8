"""Coverage: which councils' reports the corpus has, for which years, and which are missing.

`coverage_from_manifest` works from the manifest alone (for `complaints corpus`):
the councils the manifest names, over the range of years it covers. `create_coverage_table`
works on a built database: every council that ran children's services, for every year of
the corpus's range, present, failed or missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from corpus.manifest import ManifestRow
from normalise.councils import load_registry, operating_days
from schemas.errors import UnknownCouncilError
from schemas.periods import first_day, last_day, period_range

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
    council: str  # the registry's name where the council is known, else as the manifest writes it
    code: str | None
    period: str
    status: str  # present, failed, missing
    files: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    periods: list[str]
    councils: list[tuple[str | None, str]]  # (code, name), by name
    cells: dict[tuple[str, str], CoverageCell]  # (council name, period) -> cell
    unplaced: list[ManifestRow] = field(default_factory=list)  # rows with no council or no year

    def cell(self, council: str, period: str) -> CoverageCell:
        return self.cells[(council, period)]

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


def coverage_from_manifest(rows: list[ManifestRow], root: Path | None = None, registry=None) -> Coverage:
    """Councils x years from the manifest: the councils it names, the years from its first to
    its last. A council and year with an archived document is present; with only failed
    fetches, failed; otherwise missing (even if listed by a URL not fetched yet)."""
    registry = registry or load_registry()
    placed: list[tuple[str | None, str, ManifestRow, str]] = []
    unplaced = []
    for row in rows:
        state = row_state(row, root)
        if state is None:
            continue
        if not row.council or not row.period:
            unplaced.append(row)
            continue
        try:
            council = registry.resolve(row.council, row.period)
            code, name = council.code, council.name
        except UnknownCouncilError:
            code, name = None, row.council
        placed.append((code, name, row, state))
    periods = period_range(row.period for _, _, row, _ in placed)
    councils = sorted({(code, name) for code, name, _, _ in placed}, key=lambda c: (c[1].casefold(), c[0] or ""))
    cells = {
        (name, period): CoverageCell(council=name, code=code, period=period, status=MISSING)
        for code, name in councils
        for period in periods
    }
    for code, name, row, state in placed:
        cell = cells[(name, row.period)]
        if RANK[state] < RANK[cell.status]:
            cell.status = state
        if row.file and state == PRESENT:
            cell.files.append(row.file)
        if state == FAILED:
            cell.details.append(f"{row.status} ({row.source_url})")
        elif state == MISSING:
            cell.details.append(f"listed, not fetched yet ({row.source_url})" if row.source_url
                                else f"listed, but {row.file} does not exist")
    return Coverage(periods=periods, councils=councils, cells=cells, unplaced=unplaced)


# -- the database --------------------------------------------------------------------------------

def _operated(council: dict, period: str) -> bool:
    """Did the council (a row of the `councils` table) run children's services at some time in
    the April-to-March year?"""
    start = date.fromisoformat(council["start_date"]) if council.get("start_date") else None
    end = date.fromisoformat(council["end_date"]) if council.get("end_date") else None
    return operating_days(start, end, first_day(period), last_day(period)) > 0


def create_coverage_table(db, manifest_rows: list[ManifestRow] | None = None) -> int:
    """Create the `coverage` table of a built database; return its number of rows.

    One row per council per year of the corpus's range (the first to the last year of its
    documents): every council that ran children's services in that year (every current council
    when the councils table has no dates), and any council a document names. Status is
    `present` (a document read with figures), `failed` (documents, none read with figures; or,
    given the manifest's rows, a fetch that failed) or `missing`; `document` names the file(s).
    """
    documents = list(db.query(
        "select * from documents where authority_code is not null and period is not null"
    )) if "documents" in db.table_names() else []
    failed_fetches = []
    if manifest_rows:
        registry = load_registry()
        for row in manifest_rows:
            if row_state(row) == FAILED and row.council and row.period:
                try:
                    failed_fetches.append((registry.resolve(row.council, row.period).code, row))
                except UnknownCouncilError:
                    continue
    periods = period_range([d["period"] for d in documents])
    councils = {c["code"]: c for c in db.query("select * from councils")}
    dated = "start_date" in db["councils"].columns_dict
    with_documents = {d["authority_code"] for d in documents}

    by_cell: dict[tuple[str, str], list[dict]] = {}
    for doc in documents:
        by_cell.setdefault((doc["authority_code"], doc["period"]), []).append(doc)
    fetch_failures: dict[tuple[str, str], list[ManifestRow]] = {}
    for code, row in failed_fetches:
        fetch_failures.setdefault((code, row.period), []).append(row)

    records = []
    for code in sorted(councils):
        council = councils[code]
        for period in periods:
            docs = by_cell.get((code, period), [])
            if not docs and code not in with_documents:
                wanted = _operated(council, period) if dated else bool(council.get("current"))
                if not wanted:
                    continue
            good = [d for d in docs if d.get("status") == "ok"]
            failures = fetch_failures.get((code, period), [])
            status = PRESENT if good else (FAILED if docs or failures else MISSING)
            shown = good or docs
            details = [f"{d.get('file_name')}: {d.get('status')}" for d in docs if d.get("status") != "ok"]
            details += [f"fetch {r.status}: {r.source_url}" for r in failures]
            records.append({
                "authority_code": code,
                "authority_name": council.get("name"),
                "region_name": council.get("region_name"),
                "period": period,
                "status": status,
                "document": "; ".join(str(d.get("file_name")) for d in shown) or None,
                "documents": len(docs),
                "facts": sum(d.get("facts") or 0 for d in docs),
                "detail": "; ".join(details) or None,
            })
    if "coverage" in db.table_names():
        db["coverage"].drop()
    db["coverage"].create(
        {"authority_code": str, "authority_name": str, "region_name": str, "period": str, "status": str,
         "document": str, "documents": int, "facts": int, "detail": str},
        pk=("authority_code", "period"),
        foreign_keys=[("authority_code", "councils", "code")],
    )
    if records:
        db["coverage"].insert_all(records)
        db["coverage"].create_index(["period", "status"], if_not_exists=True)
    return len(records)

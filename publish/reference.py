"""Reference data for benchmarking, loaded from `reference/` into the database at build time.

Tables from DfE/ONS files described in `reference/SOURCES.md` (OGL v3.0), and Ofsted's
judgements as extracted by Data to Insight (`reference/ofsted/SOURCES.md`):

* `statistical_neighbours`: DfE's children's services statistical neighbours, each council's
  10 most similar councils in rank order with DfE's closeness band, for two models: '2025'
  (May 2025, 2023+ boundaries) and '2021' (April 2021, pre-2023 boundaries, plus the "Old SNs"
  of Bournemouth, Poole, Dorset and Northamptonshire before their reorganisation).
* `population`: children aged 0-17 by council and mid-year (ONS estimates compiled by DfE).
* `context_measures`: children in need, referrals and looked-after children by council and
  year (DfE official statistics), with the year ending 31 March as a 'YYYY-YY' period.
* `ofsted_inspections`: every Ofsted inspection of a council's children's services (ILACS and
  the frameworks before it) in Data to Insight's extraction, with its grades as extracted and
  as used; `ofsted_in_force`: for each council and reporting year, the judgement in force at
  the end of the year (see `add_ofsted`).

Suppressed or unavailable values (`x`, `c`, `z`, `u` in DfE files) are stored as NULL with the
marker kept beside them: a missing figure is never a zero. Councils are joined on codes (DfE
LA numbers mapped to ONS GSS codes through the `councils` table), never on names.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import sqlite_utils

from publish.benchmark import materialise
from schemas.errors import ReferenceDataError
from schemas.periods import last_day, make_period, start_year

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"

NEIGHBOURS_2025_CSV = "statistical_neighbours_dfe_2025_long.csv"
NEIGHBOURS_2021_CSV = "statistical_neighbours_dfe_april2021_wide.csv"
POPULATION_CSV = "population_children_0_17_by_la_2012_2024.csv"
CIN_CSV = "cin_b1_children_in_need_by_la_2013_2025.csv"
REFERRALS_CSV = "cin_c1_referrals_by_la_2013_2025.csv"
CLA_CSV = "cla_number_and_rate_per_10k_by_la_2021_2025.csv"

OFSTED_HISTORY_CSV = "ofsted/ofsted_ilacs_history.csv"
OFSTED_LOOKUP_CSV = "ofsted/ofsted_ilacs_la_lookup.csv"

NEIGHBOURS_PER_COUNCIL = 10

#: The 2021 model's DfE LA numbers are read as the authorities operating on this date
#: (e.g. 815 is North Yorkshire County Council E10000023, not the 2023 unitary E06000065).
MODEL_2021_BOUNDARIES = date(2021, 4, 1)
#: Number of columns before the SN1, SNP, SN2, SNP, ... pairs in the 2021 wide file.
MODEL_2021_LEADING_COLUMNS = 5
OLD_SNS_LABEL = "Old SNs"

#: DfE explore-education-statistics markers for a value that is not a number.
MISSING_MARKERS = {"x": "not available", "c": "suppressed (confidential)", "z": "not applicable",
                   "u": "low reliability", ":": "not available", "": "blank"}

LOCAL_AUTHORITY_LEVEL = "Local authority"
CLA_AT_31_MARCH = "Children looked after on 31 March each year"

#: context_measures: measure name (the fact vocabulary's) -> (file, value column, row filter, definition).
CONTEXT_SOURCES = {
    "children_in_need": (CIN_CSV, "At31_episodes", None,
                         "Children in need at 31 March (DfE CIN table B1, At31_episodes)"),
    "referrals_received": (REFERRALS_CSV, "referral_count", None,
                           "Referrals to children's social care in the year (DfE CIN table C1, referral_count)"),
    "children_looked_after": (CLA_CSV, "children_count", ("population_type", CLA_AT_31_MARCH),
                              "Children looked after at 31 March (DfE CLA, children_count)"),
}


def load_reference(db: sqlite_utils.Database) -> None:
    """Load the reference tables, then materialise the benchmark tables that depend on them.

    Called once by the build after the facts are written, so the benchmark summary is built
    from the same facts the site serves.
    """
    councils = list(db["councils"].rows)
    add_statistical_neighbours(db, councils)
    add_population(db)
    add_context_measures(db)
    add_ofsted(db, councils)
    materialise(db)  # benchmarks are derived from these tables


def council_records(registry) -> list[dict]:
    """The rows of the `councils` table, from the council registry (by code)."""
    return [
        {
            "code": c.code,
            "name": c.name,
            "dfe_number": c.dfe_number,
            "type": c.type,
            "region_code": c.region_code,
            "region_name": c.region_name,
            "start_date": c.start.isoformat() if c.start else None,
            "end_date": c.end.isoformat() if c.end else None,
            "current": c.live,
        }
        for c in sorted(registry.by_code.values(), key=lambda c: c.code)
    ]


# -- helpers ----------------------------------------------------------------------------------

def _rows(file_name: str) -> Iterator[dict]:
    with open(REFERENCE_DIR / file_name, newline="", encoding="utf-8-sig") as handle:
        yield from csv.DictReader(handle)


def _number(text: str | None) -> tuple[float | None, str | None]:
    """(value, None) for a number, (None, marker) for a DfE marker such as 'x' or 'c'."""
    text = (text or "").strip().replace(",", "")
    try:
        return float(text), None
    except ValueError:
        if text.lower() in MISSING_MARKERS:
            return None, text.lower()
        raise ReferenceDataError(f"unexpected value {text!r} where a number or DfE marker belongs") from None


def period_of_year_ending(year: int) -> str:
    """'2023-24' for DfE's time_period 2024 (the year ending 31 March 2024)."""
    return f"{year - 1}-{year % 100:02d}"


def period_using_mid_year(mid_year: int) -> str:
    """The reporting year whose rates use the mid-`mid_year` population, by DfE's convention.

    DfE pairs the financial year ending 31 March N with the mid-(N-1) estimate, so mid-2023
    is the population of 2023-24.
    """
    return f"{mid_year}-{(mid_year + 1) % 100:02d}"


def _closeness(text: str) -> str:
    """DfE's closeness band in one spelling: 'Very Close ' and 'Very close' are 'Very close'."""
    text = " ".join(text.split())
    return text[:1].upper() + text[1:].lower()


def _operating(council: dict, day: date) -> bool:
    start = date.fromisoformat(council["start_date"]) if council["start_date"] else date.min
    end = date.fromisoformat(council["end_date"]) if council["end_date"] else date.max
    return start <= day <= end


def code_for_dfe_number(councils: list[dict], number: str, day: date) -> dict:
    """The council a DfE LA number meant on `day` (or, if none operated then, its last holder)."""
    holders = [c for c in councils if c["dfe_number"] == number]
    if not holders:
        raise ReferenceDataError(f"DfE LA number {number} is not in the councils table")
    operating = [c for c in holders if _operating(c, day)]
    if operating:
        return operating[0]
    return max(holders, key=lambda c: c["end_date"] or "9999")


# -- statistical neighbours -------------------------------------------------------------------

def statistical_neighbours(councils: list[dict]) -> list[dict]:
    """Both DfE models' rows (the `statistical_neighbours` table), from the reference files."""
    by_code = {c["code"]: c for c in councils}
    return list(_neighbours_2025(by_code)) + list(_neighbours_2021(councils))


def add_statistical_neighbours(db: sqlite_utils.Database, councils: list[dict]) -> None:
    rows = statistical_neighbours(councils)
    db["statistical_neighbours"].insert_all(
        rows,
        pk=("model", "council_code", "rank"),
        foreign_keys=[("council_code", "councils", "code"), ("neighbour_code", "councils", "code")],
        not_null={"model", "council_code", "rank", "neighbour_code"},
    )
    db["statistical_neighbours"].create_index(["model", "council_dfe_number", "rank"])
    db["statistical_neighbours"].create_index(["neighbour_code"])


def _neighbour_row(model: str, council: dict, rank: int, neighbour: dict, closeness: str, note: str | None) -> dict:
    return {
        "model": model,
        "council_code": council["code"],
        "council_dfe_number": council["dfe_number"],
        "council_name": council["name"],
        "rank": rank,
        "neighbour_code": neighbour["code"],
        "neighbour_dfe_number": neighbour["dfe_number"],
        "neighbour_name": neighbour["name"],
        "closeness": _closeness(closeness),
        "note": note,
    }


def _neighbours_2025(by_code: dict[str, dict]) -> Iterator[dict]:
    """The May 2025 model (long file: GSS codes already joined, 2024 codes)."""
    for row in _rows(NEIGHBOURS_2025_CSV):
        council, neighbour = by_code.get(row["new_la_code"]), by_code.get(row["sn_new_la_code"])
        if council is None or neighbour is None:
            raise ReferenceDataError(f"{NEIGHBOURS_2025_CSV}: {row['new_la_code']} or {row['sn_new_la_code']} "
                                     "is not in the councils table")
        if council["dfe_number"] != row["old_la_code"] or neighbour["dfe_number"] != row["sn_old_la_code"]:
            raise ReferenceDataError(f"{NEIGHBOURS_2025_CSV}: DfE numbers and GSS codes disagree for {row['la_name']}")
        yield _neighbour_row("2025", council, int(row["sn_rank"]), neighbour, row["closeness"], None)


def _neighbours_2021(councils: list[dict]) -> Iterator[dict]:
    """The April 2021 model: a wide file whose closeness column is called SNP ten times, with
    blank lines and an 'Old SNs:' label before four pre-reorganisation authorities."""
    with open(REFERENCE_DIR / NEIGHBOURS_2021_CSV, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        next(reader)  # header: read by position because the SNP names repeat
        note = None
        for cells in reader:
            number = cells[0].strip() if cells else ""
            if not number:
                if any(OLD_SNS_LABEL in cell for cell in cells):
                    note = "Old SNs: authority before its reorganisation"
                continue
            council = code_for_dfe_number(councils, number, MODEL_2021_BOUNDARIES)
            for rank in range(1, NEIGHBOURS_PER_COUNCIL + 1):
                position = MODEL_2021_LEADING_COLUMNS + 2 * (rank - 1)
                neighbour = code_for_dfe_number(councils, cells[position].strip(), MODEL_2021_BOUNDARIES)
                yield _neighbour_row("2021", council, rank, neighbour, cells[position + 1], note)


# -- population and context -------------------------------------------------------------------

def add_population(db: sqlite_utils.Database) -> None:
    rows = []
    for row in _rows(POPULATION_CSV):
        if row["geographic_level"] != LOCAL_AUTHORITY_LEVEL:
            continue
        value, marker = _number(row["population_estimate"])
        mid_year = int(row["time_period"])
        rows.append({
            "council_code": row["new_la_code"],
            "dfe_number": row["old_la_code"],
            "council_name": row["la_name"],
            "mid_year": mid_year,
            "period": period_using_mid_year(mid_year),
            "children_0_17": int(value) if value is not None else None,
            "marker": marker,
        })
    db["population"].insert_all(rows, pk=("council_code", "mid_year"),
                                foreign_keys=[("council_code", "councils", "code")])
    db["population"].create_index(["dfe_number", "period"])
    db["population"].create_index(["period"])


def add_context_measures(db: sqlite_utils.Database) -> None:
    rows = []
    for measure, (file_name, column, condition, definition) in CONTEXT_SOURCES.items():
        for row in _rows(file_name):
            if row["geographic_level"] != LOCAL_AUTHORITY_LEVEL:
                continue
            if condition and row[condition[0]] != condition[1]:
                continue
            value, marker = _number(row[column])
            year = int(row["time_period"])
            rows.append({
                "council_code": row["new_la_code"],
                "dfe_number": row["old_la_code"],
                "council_name": row["la_name"],
                "period": period_of_year_ending(year),
                "year_ending": f"{year}-03-31",
                "measure": measure,
                "value": value,
                "marker": marker,
                "definition": definition,
                "source_file": file_name,
            })
    db["context_measures"].insert_all(rows, pk=("council_code", "period", "measure"),
                                      foreign_keys=[("council_code", "councils", "code")])
    db["context_measures"].create_index(["measure", "dfe_number", "period"])
    db["context_measures"].create_index(["period", "measure"])


# -- Ofsted ----------------------------------------------------------------------------------

#: Grades as Data to Insight's extraction writes them -> as shown. 'to requires improvement'
#: is a parsing slip its SOURCES.md names (read as requires improvement).
OFSTED_GRADES = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires improvement",
    "to requires improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
#: Markers the extraction writes where there is no grade, and what they mean.
OFSTED_NO_GRADE = {
    "": "not read by the extraction (no report before 2018 has a grade in it)",
    "data_unreadable": "not read by the extraction (no report before 2018 has a grade in it)",
    "not_reported_post_reform": "no overall grade: Ofsted stopped grading overall effectiveness in 2026",
    "inspection_pre_dates_judgement": "not judged separately before 2023 (graded with children in care)",
}
OFSTED_GRADE_COLUMNS = {
    "overall": "overall_effectiveness_grade",
    "leadership": "impact_of_leaders_grade",
    "help_and_protection": "help_and_protection_grade",
    "in_care": "in_care_grade",
    "care_leavers": "care_leavers_grade",
}
#: The first reporting year of the in-force table: the extraction's first reports are of July 2012.
OFSTED_FIRST_PERIOD = "2012-13"


def ofsted_grade(text: str) -> tuple[str | None, str | None]:
    """(grade as shown, None) or (None, why there is none) for a grade as extracted."""
    text = " ".join((text or "").split()).lower()
    if text in OFSTED_GRADES:
        return OFSTED_GRADES[text], None
    if text in OFSTED_NO_GRADE:
        return None, OFSTED_NO_GRADE[text]
    raise ReferenceDataError(f"{OFSTED_HISTORY_CSV}: unexpected grade {text!r}")


def _ofsted_date(text: str) -> date | None:
    """'09/05/25' or '17/03/2025' -> a date; blank -> None."""
    text = text.strip()
    if not text:
        return None
    day, month, year = (int(part) for part in text.split("/"))
    return date(year + 2000 if year < 100 else year, month, day)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def ofsted_inspections(councils: list[dict]) -> list[dict]:
    """Every inspection report of the extraction, joined to the council that ran children's
    services under its DfE LA number on the day it was published."""
    lookup = {row["urn"]: row for row in _rows(OFSTED_LOOKUP_CSV)}
    rows = []
    for row in _rows(OFSTED_HISTORY_CSV):
        provider = lookup.get(row["urn"])
        if provider is None:
            raise ReferenceDataError(f"{OFSTED_HISTORY_CSV}: URN {row['urn']} is not in {OFSTED_LOOKUP_CSV}")
        published = _ofsted_date(row["publication_date"])
        if published is None:
            raise ReferenceDataError(f"{OFSTED_HISTORY_CSV}: URN {row['urn']}: no publication date")
        council = code_for_dfe_number(councils, provider["la_code"], published)
        record = {
            "council_code": council["code"],
            "dfe_number": council["dfe_number"],
            "council_name": council["name"],
            "urn": row["urn"],
            "published": published.isoformat(),
            "inspection_start": _iso(_ofsted_date(row["inspection_start_date"])),
            "inspection_end": _iso(_ofsted_date(row["inspection_end_date"])),
            "framework": row["inspection_framework"] or None,
        }
        for column, source in OFSTED_GRADE_COLUMNS.items():
            record[column], why = ofsted_grade(row[source])
            record[f"{column}_as_extracted"] = row[source] or None
            if column == "overall":
                record["overall_note"] = why
        record["report_url"] = row["inspection_link"] or None
        record["report_file"] = row["pdf_filename"] or None
        rows.append(record)
    return rows


def judgement_in_force(inspections: list[dict], period: str) -> dict | None:
    """The inspection whose judgement is in force for a reporting year: the latest report
    published on or before the year's last day (31 March). Its grade may be missing (not read
    by the extraction): an older report's grade is never used instead, because it was not in
    force. `inspections` are one council's."""
    end = last_day(period).isoformat()
    published = [i for i in inspections if i["published"] <= end]
    return max(published, key=lambda i: i["published"]) if published else None


def add_ofsted(db: sqlite_utils.Database, councils: list[dict]) -> None:
    """`ofsted_inspections` (one row per report) and `ofsted_in_force` (one row per council
    operating in a reporting year, from 2012-13 to the year of the latest report)."""
    inspections = ofsted_inspections(councils)
    db["ofsted_inspections"].insert_all(
        inspections, pk=("urn", "published"), foreign_keys=[("council_code", "councils", "code")])
    db["ofsted_inspections"].create_index(["dfe_number", "published"])
    by_number: dict[str, list[dict]] = {}
    for inspection in inspections:
        by_number.setdefault(inspection["dfe_number"], []).append(inspection)
    latest = max(i["published"] for i in inspections)
    last_year = date.fromisoformat(latest)
    periods = [make_period(year) for year in range(start_year(OFSTED_FIRST_PERIOD),
                                                   last_year.year + (1 if last_year.month >= 4 else 0))]
    rows = []
    for period in periods:
        end = last_day(period)
        for council in councils:
            if not council["dfe_number"] or not _operating(council, end):
                continue
            inspection = judgement_in_force(by_number.get(council["dfe_number"], []), period)
            rows.append({
                "council_code": council["code"],
                "dfe_number": council["dfe_number"],
                "council_name": council["name"],
                "period": period,
                "as_at": end.isoformat(),
                "overall": inspection["overall"] if inspection else None,
                "published": inspection["published"] if inspection else None,
                "framework": inspection["framework"] if inspection else None,
                "note": (inspection["overall_note"] if inspection
                         else f"no inspection report published by {end.day} {end:%B %Y} in the extraction"),
                "report_url": inspection["report_url"] if inspection else None,
                "urn": inspection["urn"] if inspection else None,
            })
    db["ofsted_in_force"].insert_all(rows, pk=("council_code", "period"),
                                     foreign_keys=[("council_code", "councils", "code")])
    db["ofsted_in_force"].create_index(["dfe_number", "period"])
    db["ofsted_in_force"].create_index(["period", "overall"])

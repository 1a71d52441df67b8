"""Ofsted context for a comparison: each council's judgement in force in the year compared, and
England's figure among the councils with one judgement.

The judgements are Ofsted's, as extracted from its inspection reports by Data to Insight
(`reference/ofsted/SOURCES.md`): a third-party extraction, not an official Ofsted statistic,
and reports published before 2018 have no grade in it. The judgement in force for a reporting
year is that of the latest report published on or before 31 March at its end (the tables
are built by `publish.reference.add_ofsted`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import fmean

from publish.benchmark import DECIMALS, _connect, _fmt, _rank
from schemas.errors import BenchmarkError

#: The grades a comparison can be restricted to, as `ofsted_in_force.overall` writes them.
GRADES = ("Outstanding", "Good", "Requires improvement", "Inadequate")
ATTRIBUTION = ("Ofsted judgements (Crown copyright, Open Government Licence v3.0) as extracted from "
               "Ofsted's reports by Data to Insight's ofsted-ilacs-scrape-tool")
CAVEAT = ("a third-party extraction, not an official Ofsted statistic: it may misread a report, and "
          "reports published before 2018 have no grade in it")


def grade_named(text: str) -> str:
    """'good', 'GOOD', 'requires improvement' -> the grade as stored; BenchmarkError otherwise."""
    for grade in GRADES:
        if " ".join(text.split()).casefold() == grade.casefold():
            return grade
    raise BenchmarkError(f"--ofsted {text!r}: the grades are {', '.join(GRADES)}")


def describe_judgement(row: dict | sqlite3.Row | None) -> str:
    """'Good (report published 20 December 2019)', or why there is no grade."""
    if row is None:
        return "no Ofsted data for this council and year"
    if row["published"] is None:
        return row["note"]
    published = date.fromisoformat(row["published"])
    when = f"report published {published.day} {published:%B %Y}"
    return f"{row['overall']} ({when})" if row["overall"] else f"no grade: {row['note']} ({when})"


@dataclass
class JudgementGroup:
    """England's figure among the councils judged `grade` in the year compared."""

    grade: str
    as_at: str
    councils: int  # councils operating with that judgement in force
    with_data: int  # of them, with the figure
    average: float | None
    rate_average: float | None
    rank: int | None  # the council's rank among them (None when it has another judgement)
    council_judgement: dict | None


def judgements(conn: sqlite3.Connection, period: str, dfe_numbers: list[str]) -> dict[str, dict]:
    """The judgement in force for the year, by DfE LA number."""
    if "ofsted_in_force" not in _tables(conn):
        return {}
    marks = ", ".join("?" * len(dfe_numbers))
    rows = conn.execute(f"select * from ofsted_in_force where period = ? and dfe_number in ({marks})",
                        [period, *dfe_numbers]).fetchall()
    return {row["dfe_number"]: dict(row) for row in rows}


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {row[0] for row in conn.execute("select name from sqlite_master where type in ('table', 'view')")}


def england_with_judgement(db_path: Path, row: dict, grade: str) -> JudgementGroup:
    """The England comparison of a benchmark row restricted to the councils whose judgement in
    force in its year is `grade` (the council itself counts when it has that judgement)."""
    grade = grade_named(grade)
    with _connect(db_path) as conn:
        if "ofsted_in_force" not in _tables(conn):
            raise BenchmarkError(f"{db_path}: no Ofsted table; rebuild with `complaints build`")
        judged = {r["dfe_number"] for r in conn.execute(
            "select dfe_number from ofsted_in_force where period = ? and overall = ?", [row["period"], grade])}
        values = conn.execute(
            "select dfe_number, value, rate_per_10k_children from benchmark where period = ? and measure = ? "
            "and stage = ? and category = ? and unit = ?",
            [row["period"], row["measure"], row["stage"], row["category"], row["unit"]]).fetchall()
        own = judgements(conn, row["period"], [row["dfe_number"]]).get(row["dfe_number"])
        as_at = conn.execute("select max(as_at) from ofsted_in_force where period = ?", [row["period"]]).fetchone()[0]
    chosen = [v for v in values if v["dfe_number"] in judged]
    figures = sorted(v["value"] for v in chosen)
    rates = [v["rate_per_10k_children"] for v in chosen if v["rate_per_10k_children"] is not None]
    return JudgementGroup(
        grade=grade,
        as_at=as_at or "",
        councils=len(judged),
        with_data=len(figures),
        average=round(fmean(figures), DECIMALS) if figures else None,
        rate_average=round(fmean(rates), DECIMALS) if rates else None,
        rank=_rank(row["value"], figures) if row["dfe_number"] in judged else None,
        council_judgement=own,
    )


def format_judgement_group(row: dict, group: JudgementGroup) -> str:
    """Lines for the terminal, under the comparison `format_comparison` prints."""
    as_at = date.fromisoformat(group.as_at) if group.as_at else None
    when = f"in force at {as_at.day} {as_at:%B %Y}" if as_at else "in force"
    lines = [
        "",
        f"England, councils judged {group.grade} by Ofsted ({when}):",
        f"  average {_fmt(group.average)}"
        + (f", {_fmt(group.rate_average)} per 10k children" if group.rate_average is not None else "")
        + f"; {group.with_data} of {group.councils} councils have the figure",
    ]
    if group.rank is not None:
        lines.append(f"  {row['council_name']}: rank {group.rank} of {group.with_data} (1 = highest)")
    else:
        lines.append(f"  {row['council_name']} is not among them: {describe_judgement(group.council_judgement)}")
    lines.append(f"  source: {ATTRIBUTION}; {CAVEAT}")
    return "\n".join(lines)


def format_council_judgement(db_path: Path, row: dict) -> str:
    """'Ofsted judgement in force: Good (report published ...)' for the council of a benchmark row."""
    with _connect(db_path) as conn:
        own = judgements(conn, row["period"], [row["dfe_number"]]).get(row["dfe_number"])
    if own is None:
        return ""
    return (f"Ofsted judgement in force at the end of {row['period']}: {describe_judgement(own)} "
            "(as extracted by Data to Insight: not an official statistic)")

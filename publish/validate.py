"""Consistency checks on the built facts, recorded for people to see, never silently fixed.

* outcomes of a stage that add up to more than the complaints at that stage;
* a percentage that does not match its count and the stage total (beyond rounding);
* a breakdown (by service, complainant, channel) whose sum differs from the total;
Values that differ between two documents for the same figure are listed with both quotes
by the `conflicts` view (later reports often restate earlier years; both values are kept).
"""

from __future__ import annotations

import json
from collections import defaultdict

import sqlite_utils

PERCENT_TOLERANCE = 1.5  # points: '9 (18%)' of 48 is 18.75%, printed rounded
BREAKDOWNS = ("complaints_by_service", "complaints_by_complainant", "complaints_by_channel")


def _facts(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query(
        "select id, authority_code, authority_name, period, measure, stage, category, category_raw, value, unit, "
        "document_sha256, document_name, page, line, quote from facts"
    ))


def check_facts(facts: list[dict]) -> list[dict]:
    """The validation issues of a set of fact rows (as in the facts table)."""
    issues: list[dict] = []
    by_document: dict[tuple, list[dict]] = defaultdict(list)
    for fact in facts:
        by_document[(fact["document_sha256"], fact["authority_code"], fact["period"])].append(fact)
    for (document, council, period), group in by_document.items():
        totals = {
            f["stage"]: f for f in group
            if f["measure"] == "complaints_received" and f["unit"] == "count"
        }
        issues += _outcomes_exceed_totals(group, totals)
        issues += _percentages_that_do_not_match(group, totals)
        issues += _breakdowns_that_do_not_add_up(group, totals)
    return issues


def _issue(check: str, severity: str, facts: list[dict], message: str) -> dict:
    first = facts[0]
    return {
        "check_name": check,
        "severity": severity,
        "authority_code": first["authority_code"],
        "authority_name": first["authority_name"],
        "period": first["period"],
        "measure": first["measure"],
        "stage": first["stage"],
        "document_sha256": first["document_sha256"],
        "document_name": first["document_name"],
        "message": message,
        "fact_ids": json.dumps(sorted(f["id"] for f in facts)),
    }


def _outcomes_exceed_totals(group: list[dict], totals: dict) -> list[dict]:
    issues = []
    outcomes: dict = defaultdict(list)
    for fact in group:
        # outcomes with no stage often describe all representations (ineligible, resolved
        # informally), not the valid complaints, so only staged outcomes are checked
        if fact["measure"] == "complaints_by_outcome" and fact["unit"] == "count" and fact["stage"]:
            outcomes[fact["stage"]].append(fact)
    for stage, facts in outcomes.items():
        total = totals.get(stage)
        if total is None:
            continue
        added = sum(f["value"] for f in facts)
        if added > total["value"]:
            issues.append(_issue(
                "outcomes_exceed_total", "warning", facts + [total],
                f"outcomes at {stage} add up to {added:g}, more than the {total['value']:g} complaints",
            ))
    return issues


def _percentages_that_do_not_match(group: list[dict], totals: dict) -> list[dict]:
    issues = []
    counts = {(f["measure"], f["stage"], f["category"] or f["category_raw"]): f
              for f in group if f["unit"] == "count" and f["measure"] == "complaints_by_outcome"}
    for fact in group:
        if fact["unit"] != "percent" or fact["measure"] != "complaints_by_outcome":
            continue
        count = counts.get((fact["measure"], fact["stage"], fact["category"] or fact["category_raw"]))
        total = totals.get(fact["stage"])
        if count is None or total is None or not total["value"]:
            continue
        share = 100 * count["value"] / total["value"]
        if abs(share - fact["value"]) > PERCENT_TOLERANCE:
            issues.append(_issue(
                "percent_mismatch", "warning", [fact, count, total],
                f"{fact['category'] or fact['category_raw']}: {count['value']:g} of {total['value']:g} is "
                f"{share:.1f}%, printed {fact['value']:g}%",
            ))
    return issues


def _breakdowns_that_do_not_add_up(group: list[dict], totals: dict) -> list[dict]:
    issues = []
    total = totals.get(None) or totals.get("stage1")
    if total is None:
        return issues
    for measure in BREAKDOWNS:
        parts = [f for f in group if f["measure"] == measure and f["unit"] == "count" and f["stage"] is None]
        if len(parts) < 2:
            continue
        added = sum(f["value"] for f in parts)
        if added != total["value"]:
            issues.append(_issue(
                "breakdown_sum", "info", parts + [total],
                f"{measure} adds up to {added:g}; the total is {total['value']:g} "
                "(a complaint can concern several services, so this may be expected)",
            ))
    return issues


def record(db: sqlite_utils.Database) -> int:
    """Write the `validation_issues` table; return the number of issues. (Values that differ
    between documents are listed by the `conflicts` view, made with the benchmark tables.)"""
    issues = check_facts(_facts(db))
    table = db["validation_issues"]
    table.create(
        {"id": int, "check_name": str, "severity": str, "authority_code": str, "authority_name": str, "period": str,
         "measure": str, "stage": str, "document_sha256": str, "document_name": str, "message": str, "fact_ids": str},
        pk="id", foreign_keys=[("document_sha256", "documents", "sha256")], if_not_exists=True,
    )
    table.insert_all(issues)
    return len(issues)

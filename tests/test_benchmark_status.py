"""Benchmarking respects status: trusted facts by default, needs-check facts only on request
and flagged, a person's decision before the calibration's. SYNTHETIC figures, as in
tests/test_benchmark.py (whose helpers build them)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from cli import main
from publish.benchmark import compare
from publish.build import build
from schemas import FactStatus, Measure, Stage
from schemas.errors import BenchmarkError
from tests.test_benchmark import BY_CODE, YEAR, extraction, fact, neighbours_2025

THURROCK = "E06000034"
STAGE1 = dict(stage=Stage.STAGE1)


@pytest.fixture(scope="module")
def neighbours():
    return neighbours_2025()[THURROCK]


def synthetic(neighbours: list[str]):
    """Thurrock's stage 1 figure needs checking; its first three neighbours' are accepted (10,
    20, 30), the fourth's needs checking (400), the fifth's was verified (50) although another
    reading in the same report, and another report, are more confident."""
    measure = Measure.COMPLAINTS_RECEIVED
    thurrock = BY_CODE[THURROCK]
    yield extraction("SYNTHETIC-thurrock.txt", thurrock, YEAR, [
        fact(thurrock, YEAR, measure, 9, "SYNTHETIC-thurrock.txt", status=FactStatus.NEEDS_CHECK, confidence=0.6,
             **STAGE1)])
    for position, code in enumerate(neighbours[:5]):
        council, document = BY_CODE[code], f"SYNTHETIC-{code}.txt"
        if position < 3:
            facts = [fact(council, YEAR, measure, 10 * (position + 1), document, **STAGE1)]
        elif position == 3:
            facts = [fact(council, YEAR, measure, 400, document, status=FactStatus.NEEDS_CHECK, confidence=0.3,
                          **STAGE1)]
        else:
            facts = [fact(council, YEAR, measure, 50, document, status=FactStatus.VERIFIED, confidence=0.4, **STAGE1),
                     fact(council, YEAR, measure, 55, document, confidence=0.99, **STAGE1)]
        yield extraction(document, council, YEAR, facts)
    fifth = BY_CODE[neighbours[4]]
    yield extraction("SYNTHETIC-other.txt", fifth, YEAR, [
        fact(fifth, YEAR, measure, 60, "SYNTHETIC-other.txt", confidence=0.999, **STAGE1)])


@pytest.fixture(scope="module")
def db_path(tmp_path_factory, neighbours):
    path = tmp_path_factory.mktemp("status") / "status.db"
    build(db_path=path, extractions=synthetic(neighbours))
    return path


def rows(db_path, table: str) -> dict[str, dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return {r["council_code"]: dict(r) for r in conn.execute(
            f"select * from {table} where measure = 'complaints_received' and stage = 'stage1'")}
    finally:
        conn.close()


def test_by_default_only_trusted_facts_are_benchmarked(db_path, neighbours):
    trusted = rows(db_path, "benchmark")
    assert set(trusted) == {neighbours[0], neighbours[1], neighbours[2], neighbours[4]}
    assert all(r["needs_check"] == 0 for r in trusted.values())
    assert trusted[neighbours[0]]["england_average"] == pytest.approx((10 + 20 + 30 + 50) / 4)
    # Thurrock and the fourth neighbour were left out because their figures need checking
    assert all(r["left_out_needs_check"] == 2 for r in trusted.values())
    assert "2 councils' figures need checking and are left out" in trusted[neighbours[0]]["caveats"]


def test_a_person_s_decision_wins_over_a_more_confident_reading(db_path, neighbours):
    fifth = rows(db_path, "benchmark")[neighbours[4]]
    assert (fifth["value"], fifth["status"]) == (50, "verified")


def test_with_needs_check_facts_included_they_are_used_and_flagged(db_path, neighbours):
    every = rows(db_path, "benchmark_with_needs_check")
    assert set(every) == {THURROCK, *neighbours[:5]}
    thurrock = every[THURROCK]
    assert (thurrock["value"], thurrock["needs_check"], thurrock["status"]) == (9, 1, "needs_check")
    assert "needs_check" in json.loads(thurrock["flags"])
    assert "this figure needs checking" in thurrock["caveats"]
    assert "the figures of 1 neighbour need checking" in thurrock["caveats"]
    assert thurrock["neighbour_average"] == pytest.approx((10 + 20 + 30 + 400 + 50) / 5)
    assert thurrock["left_out_needs_check"] == 0
    assert every[neighbours[0]]["needs_check"] == 0


def test_compare_says_why_a_figure_is_missing_and_includes_it_on_request(db_path, neighbours):
    with pytest.raises(BenchmarkError, match="needs checking, so it is left out; add --include-needs-check"):
        compare(db_path, "Thurrock", "complaints_received", YEAR, stage="stage1")
    comparison = compare(db_path, "Thurrock", "complaints_received", YEAR, stage="stage1", include_needs_check=True)
    assert comparison.row["value"] == 9
    unchecked = [n for n in comparison.neighbours if n["neighbour_status"] == "needs_check"]
    assert [n["neighbour_code"] for n in unchecked] == [neighbours[3]]


def test_the_command_marks_needs_check_figures(db_path):
    runner = CliRunner()
    refused = runner.invoke(main, ["benchmark", "Thurrock", "--measure", "complaints_received", "--stage", "stage1",
                                   "--year", YEAR, "--db", str(db_path)])
    assert refused.exit_code == 1 and "--include-needs-check" in refused.output
    result = runner.invoke(main, ["benchmark", "Thurrock", "--measure", "complaints_received", "--stage", "stage1",
                                  "--year", YEAR, "--db", str(db_path), "--include-needs-check"])
    assert result.exit_code == 0, result.output
    assert "Thurrock (needs check)" in result.output
    assert "flags:" in result.output and "needs_check" in result.output
    assert result.output.count("needs check") >= 2  # the council and its unchecked neighbour

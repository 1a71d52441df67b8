"""Ofsted context: the inspections as a reference table, the judgement in force in a year, and
the England comparison restricted to councils with one judgement.

Expected judgements are read here from the CSVs in reference/ofsted/ directly (not with the
code under test); the comparison uses test_benchmark's SYNTHETIC figures for all 153 councils.
"""

from __future__ import annotations

import csv
from datetime import date
from statistics import fmean

import pytest
import sqlite_utils
from click.testing import CliRunner

from cli import main
from normalise.councils import load_registry
from publish.benchmark import compare
from publish.build import build, create_schema
from publish.ofsted import GRADES, england_with_judgement, grade_named
from publish.reference import add_ofsted, judgement_in_force, ofsted_grade
from schemas.errors import BenchmarkError, ReferenceDataError
from tests.conftest import ROOT
from tests.test_benchmark import COUNCILS, YEAR, stage1_value, synthetic_extractions

OFSTED = ROOT / "reference" / "ofsted"


def history() -> list[dict]:
    with open(OFSTED / "ofsted_ilacs_history.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def urn_to_dfe_number() -> dict[str, str]:
    with open(OFSTED / "ofsted_ilacs_la_lookup.csv", newline="", encoding="utf-8-sig") as handle:
        return {row["urn"]: row["la_code"] for row in csv.DictReader(handle)}


def day(text: str) -> date:
    d, m, y = (int(p) for p in text.split("/"))
    return date(2000 + y, m, d)


def expected_grades(as_at: date) -> dict[str, str]:
    """DfE number -> the overall grade (as extracted) of its latest report published by `as_at`."""
    numbers, latest = urn_to_dfe_number(), {}
    for row in history():
        published = day(row["publication_date"])
        number = numbers[row["urn"]]
        if published <= as_at and (number not in latest or published > latest[number][0]):
            latest[number] = (published, row["overall_effectiveness_grade"])
    return {number: grade for number, (_, grade) in latest.items()}


@pytest.fixture(scope="module")
def ofsted_db():
    db = sqlite_utils.Database(memory=True)
    create_schema(db, load_registry())
    add_ofsted(db, list(db["councils"].rows))
    return db


def test_every_inspection_is_loaded_and_joined_to_a_council(ofsted_db):
    rows = list(ofsted_db["ofsted_inspections"].rows)
    assert len(rows) == len(history()) == 497
    assert len({r["dfe_number"] for r in rows}) == 153
    codes = {c["code"] for c in ofsted_db["councils"].rows}
    assert all(r["council_code"] in codes for r in rows)
    # North Yorkshire's 2015 report is the county council's, its 2024 report the unitary's (DfE 815 both)
    north_yorkshire = {r["published"][:4]: r["council_code"] for r in rows if r["dfe_number"] == "815"}
    assert north_yorkshire.get("2023") == "E06000065" or north_yorkshire.get("2024") == "E06000065"
    assert any(code == "E10000023" for year, code in north_yorkshire.items() if year < "2023")


def test_grades_are_cleaned_and_the_extracted_text_kept(ofsted_db):
    assert ofsted_grade("requires improvement") == ("Requires improvement", None)
    assert ofsted_grade("to requires improvement") == ("Requires improvement", None)  # the named parsing slip
    assert ofsted_grade("data_unreadable")[0] is None and "not read" in ofsted_grade("data_unreadable")[1]
    assert ofsted_grade("")[0] is None
    assert "2026" in ofsted_grade("not_reported_post_reform")[1]
    with pytest.raises(ReferenceDataError, match="'excellent'"):
        ofsted_grade("excellent")
    slip = [r for r in ofsted_db["ofsted_inspections"].rows if r["help_and_protection_as_extracted"] == "to requires improvement"]
    assert len(slip) == 2 and {r["help_and_protection"] for r in slip} == {"Requires improvement"}
    assert {r["overall"] for r in ofsted_db["ofsted_inspections"].rows} == {None, *GRADES}


def test_the_judgement_in_force_is_the_latest_report_published_by_the_end_of_the_year():
    older = {"published": "2019-12-20", "overall": "Good"}
    on_the_day = {"published": "2024-03-31", "overall": None, "overall_note": "not read"}
    later = {"published": "2024-04-01", "overall": "Outstanding"}
    assert judgement_in_force([older, on_the_day, later], "2023-24") is on_the_day  # 31 March counts
    assert judgement_in_force([older, later], "2023-24") is older
    assert judgement_in_force([later], "2023-24") is None
    assert judgement_in_force([older, on_the_day, later], "2024-25") is later


def test_the_in_force_table_agrees_with_the_files(ofsted_db):
    grades = {None: None, "": None, "data_unreadable": None, "good": "Good", "outstanding": "Outstanding",
              "requires improvement": "Requires improvement", "inadequate": "Inadequate",
              "not_reported_post_reform": None}
    for period, as_at in (("2019-20", date(2020, 3, 31)), ("2023-24", date(2024, 3, 31))):
        expected = {n: grades[g] for n, g in expected_grades(as_at).items()}
        table = {r["dfe_number"]: r["overall"]
                 for r in ofsted_db["ofsted_in_force"].rows_where("period = ?", [period])}
        assert {n: g for n, g in table.items() if n in expected} == expected
        assert all(g is None for n, g in table.items() if n not in expected)  # no report yet
    thurrock = ofsted_db["ofsted_in_force"].get(("E06000034", "2023-24"))
    assert (thurrock["overall"], thurrock["published"], thurrock["as_at"]) == ("Good", "2019-12-20", "2024-03-31")
    assert ofsted_db["ofsted_in_force"].get(("E06000034", "2024-25"))["overall"] == "Outstanding"
    # a report whose grade the extraction did not read is in force, with the reason, not an older grade
    early = ofsted_db["ofsted_in_force"].get(("E06000034", "2017-18"))
    assert early["overall"] is None and early["published"] == "2016-05-24" and "not read" in early["note"]
    assert ofsted_db.execute("select count(*) from ofsted_in_force where period = '2023-24'").fetchone()[0] == 153


# -- the comparison restricted by judgement ---------------------------------------------------------

@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("ofsted") / "synthetic.db"
    build(db_path=path, extractions=synthetic_extractions())
    return path


def test_england_restricted_to_one_judgement(synthetic_db):
    good = {n for n, g in expected_grades(date(2024, 3, 31)).items() if g == "good"}
    values = {c["old_la_code"]: stage1_value(c) for c in COUNCILS if stage1_value(c) is not None}
    chosen = sorted(v for n, v in values.items() if n in good)
    row = compare(synthetic_db, "Thurrock", "complaints_received", YEAR, stage="stage1").row
    assert row["dfe_number"] in good  # Thurrock: Good, December 2019
    group = england_with_judgement(synthetic_db, row, "good")
    assert (group.grade, group.councils, group.with_data) == ("Good", len(good), len(chosen))
    assert group.average == pytest.approx(round(fmean(chosen), 2))
    assert group.rank == 1 + sum(v > row["value"] for v in chosen)
    assert group.with_data < row["england_with_data"]
    # a council with another judgement is not ranked among them, and says what it has
    other = compare(synthetic_db, "Telford and Wrekin", "complaints_received", YEAR, stage="stage1").row
    outside = england_with_judgement(synthetic_db, other, "Good")
    assert outside.rank is None and outside.council_judgement["overall"] == "Outstanding"


def test_benchmark_command_shows_the_judgement_and_restricts_england(synthetic_db):
    runner = CliRunner()
    args = ["benchmark", "Thurrock", "--measure", "complaints_received", "--stage", "stage1", "--year", YEAR,
            "--db", str(synthetic_db)]
    plain = runner.invoke(main, args)
    assert plain.exit_code == 0, plain.output
    assert "Ofsted judgement in force at the end of 2023-24: Good (report published 20 December 2019)" in plain.output
    assert "councils judged" not in plain.output
    restricted = runner.invoke(main, args + ["--ofsted", "GOOD"])
    assert restricted.exit_code == 0, restricted.output
    assert "England, councils judged Good by Ofsted (in force at 31 March 2024):" in restricted.output
    assert "Data to Insight" in restricted.output and "not an official Ofsted statistic" in restricted.output
    wrong = runner.invoke(main, args + ["--ofsted", "excellent"])
    assert wrong.exit_code == 1 and "the grades are Outstanding, Good" in wrong.output


def test_grade_names():
    assert grade_named(" requires  IMPROVEMENT ") == "Requires improvement"
    with pytest.raises(BenchmarkError):
        grade_named("RI")


def test_the_site_credits_ofsted_and_the_extraction_and_gives_the_caveat():
    import yaml

    tables = yaml.safe_load((ROOT / "publish" / "metadata.yml").read_text())["databases"]["complaints"]["tables"]
    for name in ("ofsted_inspections", "ofsted_in_force"):
        table = tables[name]
        assert "Data to Insight" in table["source"] and table["source_url"], name
        assert "Open Government Licence" in table["license"], name
        assert "third-party extraction" in table["description_html"].lower(), name

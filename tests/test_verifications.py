"""People's decisions on facts: recorded atomically, matched by document, key and value,
applied at every build (so they survive a rebuild from scratch), orphans reported, and the
`complaints verify` walk-through driven by scripted input."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from normalise.verifications import apply_verifications, load_verifications, record
from publish.benchmark import compare
from publish.build import build
from schemas import Decision, FactStatus, Measure, Verification
from schemas.errors import VerificationError
from tests.conftest import REPORTS_DIR

CALDERDALE = "001_8a475261652e58a2.txt"  # Calderdale 2021-22: 15 facts, some of them need checking
WHEN = "2026-01-02T03:04:05+00:00"


@pytest.fixture(scope="module")
def calderdale():
    """The seed report's facts, as extracted (before any decision)."""
    from pipeline.run import extract_file

    return extract_file(REPORTS_DIR / CALDERDALE)


def one(facts, measure: str, value: float | None = None, stage: str | None = None):
    found = [f for f in facts if f.measure.value == measure and (value is None or f.value == value)
             and (stage is None or (f.stage and f.stage.value == stage))]
    assert len(found) == 1, (measure, value, found)
    return found[0]


@pytest.fixture
def corpus(tmp_path):
    """A corpus folder with the Calderdale report and no manifest (council and year are read)."""
    folder = tmp_path / "corpus"
    (folder / "reports").mkdir(parents=True)
    shutil.copy(REPORTS_DIR / CALDERDALE, folder / "reports" / CALDERDALE)
    return folder


def decision(fact, kind: Decision, **changes) -> Verification:
    return Verification.of(fact, kind, who="tester", when=WHEN, note="checked", **changes)


def facts_table(db_path: Path, where: str = "1", table: str = "facts") -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(f"select * from {table} where {where}")]
    finally:
        conn.close()


# -- the file -----------------------------------------------------------------------------------

def test_a_decision_is_written_read_back_and_replaced_not_duplicated(tmp_path, calderdale):
    path = tmp_path / "verifications.csv"
    fact = one(calderdale.facts, "representations_received")
    record(decision(fact, Decision.ACCEPT), path)
    record(decision(one(calderdale.facts, "compliments_received", 44), Decision.REJECT), path)
    record(decision(fact, Decision.CORRECT, corrected_value=110), path)  # a second thought on the first
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [(r["measure"], r["decision"], r["corrected_value"]) for r in rows] == [
        ("compliments_received", "reject", ""), ("representations_received", "correct", "110")]
    assert rows[1]["document_sha256"] == calderdale.document.sha256 and rows[1]["value"] == "109"
    assert rows[1]["who"] == "tester" and rows[1]["when"] == WHEN
    loaded = load_verifications(path)
    assert [d.target() for d in loaded] == [decision(one(calderdale.facts, "compliments_received", 44),
                                                     Decision.REJECT).target(), decision(fact, Decision.ACCEPT).target()]
    assert loaded[1].line == 3


def test_an_interrupted_write_leaves_the_old_file_whole(tmp_path, calderdale, monkeypatch):
    path = tmp_path / "verifications.csv"
    record(decision(one(calderdale.facts, "representations_received"), Decision.ACCEPT), path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        record(decision(one(calderdale.facts, "compliments_received", 44), Decision.REJECT), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["verifications.csv"]  # no temporary file left


@pytest.mark.parametrize("row, message", [
    ({"decision": "maybe"}, "line 2: decision"),
    ({"decision": "correct"}, "needs a corrected value"),
    ({"decision": "accept", "corrected_value": "3"}, "only a 'correct' decision"),
    ({"period": "2021/22"}, "line 2: period"),
    ({"when": "yesterday"}, "line 2: when"),
    ({"who": ""}, "line 2: who"),
])
def test_a_row_that_cannot_be_used_is_refused_with_its_line(tmp_path, calderdale, row, message):
    path = tmp_path / "verifications.csv"
    record(decision(one(calderdale.facts, "representations_received"), Decision.ACCEPT), path)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0].update(row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(VerificationError, match=message):
        load_verifications(path)


def test_two_rows_deciding_one_fact_are_refused(tmp_path, calderdale):
    path = tmp_path / "verifications.csv"
    record(decision(one(calderdale.facts, "representations_received"), Decision.ACCEPT), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [lines[1].replace(",accept,", ",reject,")]) + "\n", encoding="utf-8")
    with pytest.raises(VerificationError, match="lines 2 and 3 decide the same fact"):
        load_verifications(path)


# -- applying decisions -------------------------------------------------------------------------

def test_decisions_verify_correct_and_reject_facts(calderdale):
    facts = calderdale.facts
    accept = decision(one(facts, "representations_received"), Decision.ACCEPT)
    correct = decision(one(facts, "complaints_received", stage="stage2"), Decision.CORRECT, corrected_value=3,
                       corrected_stage="stage1")
    reject = decision(one(facts, "compliments_received", 44), Decision.REJECT)
    result = apply_verifications(facts, [accept, correct, reject])
    assert result.applied == 3 and not result.orphans
    assert len(result.facts) == len(facts) - 1
    assert one(result.facts, "representations_received").status is FactStatus.VERIFIED
    fixed = [f for f in result.facts if f.status is FactStatus.CORRECTED]
    assert len(fixed) == 1
    assert (fixed[0].value, fixed[0].extracted_value, fixed[0].stage.value) == (3, 1, "stage1")
    assert fixed[0].ref == one(facts, "complaints_received", stage="stage2").ref  # the ref stays the extracted one
    assert [r.fact.value for r in result.rejected] == [44]
    assert result.rejected[0].fact.status is FactStatus.REJECTED and result.rejected[0].decision.note == "checked"


def test_a_decision_on_another_value_is_an_orphan_not_a_silent_verification(calderdale):
    fact = one(calderdale.facts, "representations_received")
    stale = decision(fact, Decision.ACCEPT).model_copy(update={"value": 108.0})
    gone = decision(fact, Decision.ACCEPT).model_copy(update={"measure": Measure.CONCERNS_RECEIVED})
    result = apply_verifications(calderdale.facts, [stale, gone])
    assert result.applied == 0
    assert one(result.facts, "representations_received").status is not FactStatus.VERIFIED
    reasons = [o.reason for o in result.orphans]
    assert "now read as 109, not 108" in reasons[0]
    assert "no longer gives a fact with this key" in reasons[1]


def test_a_correction_that_breaks_the_fact_contract_is_not_applied(calderdale):
    fact = one(calderdale.facts, "representations_received")
    bad = decision(fact, Decision.CORRECT, corrected_stage="stage1")  # representations have no stage
    service = next(f for f in calderdale.facts if f.category == "early_help")
    unknown = decision(service, Decision.CORRECT, corrected_category="early_helpp")
    result = apply_verifications(calderdale.facts, [bad, unknown])
    assert result.applied == 0 and "breaks the fact contract" in result.orphans[0].reason
    assert "not an id of the service taxonomy" in result.orphans[1].reason
    assert one(result.facts, "representations_received").status is fact.status


def test_a_corrected_service_category_is_a_person_s_override(calderdale):
    service = next(f for f in calderdale.facts if f.category == "early_help")
    fixed = apply_verifications(calderdale.facts, [decision(service, Decision.CORRECT,
                                                            corrected_category="children_looked_after")])
    corrected = [f for f in fixed.facts if f.status is FactStatus.CORRECTED]
    assert [(f.category, f.category_method.value, f.category_raw) for f in corrected] == [
        ("children_looked_after", "override", service.category_raw)]


# -- at build -----------------------------------------------------------------------------------

def test_a_verified_fact_is_still_verified_after_a_rebuild_from_scratch(corpus, calderdale, tmp_path):
    path = corpus / "verifications.csv"
    unsure = next(f for f in calderdale.facts if f.status is FactStatus.NEEDS_CHECK)
    record(decision(unsure, Decision.ACCEPT), path)
    for number in (1, 2):  # two builds into new databases, nothing cached
        db_path = tmp_path / f"build{number}.db"
        report = build(corpus, db_path, cache_dir=None)
        assert report.verifications_applied == 1 and not report.orphaned
        rows = facts_table(db_path, f"ref = '{unsure.ref}'")
        assert [(r["value"], r["status"], r["ref"]) for r in rows] == [(unsure.value, "verified", unsure.ref)]
        applied = facts_table(db_path, table="verifications")
        assert [(a["outcome"], a["fact_id"]) for a in applied] == [("applied", rows[0]["id"])]


def test_a_corrected_value_is_what_the_database_and_the_benchmark_show(corpus, calderdale, tmp_path):
    fact = one(calderdale.facts, "complaints_received", stage="stage2")
    record(decision(fact, Decision.CORRECT, corrected_value=7), corpus / "verifications.csv")
    db_path = tmp_path / "complaints.db"
    build(corpus, db_path, cache_dir=None)
    row, = facts_table(db_path, "measure = 'complaints_received' and stage = 'stage2' and period = '2021-22'")
    assert (row["value"], row["extracted_value"], row["status"]) == (7, 1, "corrected")
    comparison = compare(db_path, "Calderdale", "complaints_received", "2021-22", stage="stage2")
    assert comparison.row["value"] == 7 and comparison.row["status"] == "corrected"
    result = CliRunner().invoke(main, ["benchmark", "Calderdale", "--measure", "complaints_received", "--stage",
                                       "stage2", "--year", "2021-22", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "Calderdale" in result.output and " 7 " in result.output and "corrected" in result.output


def test_a_rejected_fact_is_kept_with_its_decision_not_published_as_a_fact(corpus, calderdale, tmp_path):
    fact = one(calderdale.facts, "compliments_received", 44)
    record(decision(fact, Decision.REJECT), corpus / "verifications.csv")
    db_path = tmp_path / "complaints.db"
    build(corpus, db_path, cache_dir=None)
    assert not facts_table(db_path, "measure = 'compliments_received' and value = 44")
    rejected, = facts_table(db_path, table="rejected_facts")
    assert (rejected["value"], rejected["status"], rejected["note"], rejected["who"]) == (44, "rejected", "checked",
                                                                                          "tester")
    document, = facts_table(db_path, table="documents")
    assert document["facts_rejected"] == 1 and document["facts"] == len(calderdale.facts) - 1
    assert document["facts_accepted"] + document["facts_needs_check"] == document["facts"]
    assert facts_table(db_path, table="verifications")[0]["rejected_fact_id"] == rejected["id"]


def test_decisions_that_fit_nothing_are_reported_and_kept(corpus, calderdale, tmp_path):
    path = corpus / "verifications.csv"
    fact = one(calderdale.facts, "representations_received")
    record(decision(fact, Decision.ACCEPT).model_copy(update={"value": 108.0}), path)  # the figure changed
    record(decision(fact, Decision.ACCEPT).model_copy(update={"document_sha256": "c" * 64}), path)  # document gone
    db_path = tmp_path / "complaints.db"
    report = build(corpus, db_path, cache_dir=None)
    assert report.verifications_applied == 0
    assert sorted(o.reason[:20] for o in report.orphaned) == ["no document with SHA", "the figure is now re"]
    orphans = facts_table(db_path, table="orphaned_verifications")
    assert len(orphans) == 2 and all(o["outcome"] == "orphaned" and o["reason"] for o in orphans)
    assert len(load_verifications(path)) == 2  # nothing is dropped from the file
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--db", str(tmp_path / "cli.db"),
                                       "--no-cache", "-q", "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.count("fits no fact") == 2


def test_a_broken_verifications_file_stops_the_build_with_its_line(corpus, tmp_path):
    (corpus / "verifications.csv").write_text("document_sha256,value\nabc,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--db", str(tmp_path / "c.db"), "-q"])
    assert result.exit_code == 1 and "verifications.csv: the header needs" in result.output


# -- the command line ---------------------------------------------------------------------------

def test_extract_json_gives_every_fact_its_status_and_accepted_only_keeps_the_trusted(corpus, calderdale):
    path = corpus / "verifications.csv"
    record(decision(one(calderdale.facts, "representations_received"), Decision.ACCEPT), path)
    report = corpus / "reports" / CALDERDALE
    runner = CliRunner()
    every = json.loads(runner.invoke(main, ["extract", str(report), "--json", "--verifications", str(path)]).output)
    statuses = {f["status"] for f in every["facts"]}
    assert statuses == {"accepted", "needs_check", "verified"}
    assert all(f["ref"] and 0 < f["provenance"]["confidence"] < 1 for f in every["facts"])
    trusted = json.loads(runner.invoke(main, ["extract", str(report), "--json", "--accepted-only",
                                              "--verifications", str(path)]).output)
    assert {f["status"] for f in trusted["facts"]} == {"accepted", "verified"}
    assert len(trusted["facts"]) == sum(f["status"] != "needs_check" for f in every["facts"])
    table = runner.invoke(main, ["extract", str(report), "--verifications", str(path)]).output
    assert "1 verified" in table and "needs_check" in table


def queue(corpus: Path, file: Path | None = None, council: str | None = None, period: str | None = None):
    """The facts `verify --all` walks through, in its order (which are accepted or need a check
    depends on the calibration; these tests do not)."""
    from pipeline.verify import all_facts, select_documents, waiting

    jobs = select_documents(corpus, council, period, file)
    return [p.fact for p in waiting(all_facts(jobs, [], council, period, None), include_accepted=True)]


def test_verify_walks_through_facts_with_scripted_answers(corpus, calderdale):
    pending = queue(corpus, council="Calderdale", period="2021-22")
    assert len(pending) >= 4
    # first: accept with a note; second: correct the value; third: skip; fourth: reject; then quit
    answers = "a\nread it twice\nc\n42\n\n\n\nfigure on page 2\ns\nr\n\nq\n"
    result = CliRunner().invoke(main, ["verify", "--council", "Calderdale", "--year", "2021-22", "--all",
                                       "--corpus", str(corpus), "--who", "tester", "--no-cache"], input=answers)
    assert result.exit_code == 0, result.output
    assert f"[1/{len(pending)}]" in result.output and ">>" in result.output  # the line of the figure is marked
    assert pending[0].provenance.quote[:40] in result.output  # shown in its context
    decisions = load_verifications(corpus / "verifications.csv")
    assert [(d.decision.value, d.value, d.corrected_value, d.note) for d in decisions] == [
        ("accept", pending[0].value, None, "read it twice"),
        ("correct", pending[1].value, 42, "figure on page 2"),
        ("reject", pending[3].value, None, ""),
    ]
    assert "3 decision(s) recorded" in result.output
    again = CliRunner().invoke(main, ["verify", "--council", "Calderdale", "--year", "2021-22", "--all",
                                      "--corpus", str(corpus), "--no-cache"], input="q\n")
    assert f"[1/{len(pending) - 3}]" in again.output  # decided facts are not asked again


def test_verify_refuses_a_correction_the_fact_contract_does_not_allow_and_asks_again(corpus, calderdale):
    pending = queue(corpus, file=corpus / "reports" / CALDERDALE)
    unstaged = next(i for i, f in enumerate(pending) if f.measure.value == "representations_received")
    answers = "s\n" * unstaged + "c\n\n\nstage1\n\n\ns\nq\n"  # representations_received has no stage
    result = CliRunner().invoke(main, ["verify", str(corpus / "reports" / CALDERDALE), "--corpus", str(corpus),
                                       "--all", "--no-cache", "--who", "tester"], input=answers)
    assert result.exit_code == 0, result.output
    assert "not recorded" in result.output and "has no stage" in result.output
    assert not (corpus / "verifications.csv").exists()


def test_verify_accept_and_reject_by_id_for_scripts(corpus, calderdale):
    first = one(calderdale.facts, "representations_received")
    second = one(calderdale.facts, "compliments_received", 44)
    result = CliRunner().invoke(main, ["verify", "--council", "Calderdale", "--year", "2021-22", "--corpus",
                                       str(corpus), "--accept", first.ref, "--reject", second.ref, "--note", "p3",
                                       "--who", "a script", "--no-cache"])
    assert result.exit_code == 0, result.output
    decisions = load_verifications(corpus / "verifications.csv")
    assert [(d.ref, d.decision.value, d.who, d.note) for d in decisions] == [
        (first.ref, "accept", "a script", "p3"), (second.ref, "reject", "a script", "p3")]
    unknown = CliRunner().invoke(main, ["verify", "--council", "Calderdale", "--corpus", str(corpus),
                                        "--accept", "0123456789ab", "--no-cache"])
    assert unknown.exit_code == 1 and "no fact with id '0123456789ab'" in unknown.output
    nothing = CliRunner().invoke(main, ["verify", "--corpus", str(corpus)])
    assert nothing.exit_code == 2 and "give a FILE" in nothing.output


def test_a_pdf_figure_is_shown_with_its_page_text_and_a_web_page_figure_with_its_blocks():
    from pipeline.run import extract_file
    from pipeline.verify import MARK, fact_context
    from schemas import DocumentFormat
    from tests.conftest import FIXTURE_DOCS

    pdf = FIXTURE_DOCS / CALDERDALE.replace(".txt", ".pdf")
    html = FIXTURE_DOCS / CALDERDALE.replace(".txt", ".html")
    if not pdf.exists() or not html.exists():
        pytest.skip("the seed fixtures are made by `make fixtures`")
    on_page = one(extract_file(pdf).facts, "compliments_received", 44)
    context = fact_context(on_page, pdf, DocumentFormat.PDF)
    assert context.startswith(f"(page {on_page.provenance.page})")
    marked = [line for line in context.splitlines() if line.startswith(MARK)]
    assert marked and "44" in marked[0]
    assert len(context.splitlines()) > 5  # the page, not just the line
    in_block = one(extract_file(html).facts, "compliments_received", 44)
    context = fact_context(in_block, html, DocumentFormat.HTML)
    assert context.startswith("(blocks ") and any("44" in line for line in context.splitlines()
                                                  if line.startswith(MARK))


def test_verify_a_file_of_the_corpus_decides_on_the_facts_the_build_makes(tmp_path):
    """A page that does not name its council gets it from the manifest at build; `verify FILE`
    must extract it the same way, or its decisions would name facts no build makes."""
    corpus = tmp_path / "corpus"
    (corpus / "reports").mkdir(parents=True)
    page = corpus / "reports" / "minutes.txt"
    page.write_text("Annual complaints report, children's social care\n\n"
                    "In 2022/23 the service received 41 complaints at stage 1.\n", encoding="utf-8")
    (corpus / "manifest.csv").write_text("file,council,period\nreports/minutes.txt,Reading,2022-23\n", encoding="utf-8")
    db_path = tmp_path / "c.db"
    build(corpus, db_path, cache_dir=None)
    built, = facts_table(db_path, "measure = 'complaints_received'")
    result = CliRunner().invoke(main, ["verify", str(page), "--corpus", str(corpus), "--accept", built["ref"],
                                       "--who", "tester", "--no-cache"])
    assert result.exit_code == 0, result.output
    report = build(corpus, db_path, cache_dir=None)
    assert report.verifications_applied == 1 and not report.orphaned
    assert facts_table(db_path, "measure = 'complaints_received'")[0]["status"] == "verified"

"""The `complaints` command as a user runs it."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import sqlite_utils
from click.testing import CliRunner

from cli import main
from tests.conftest import GOLD_DIR, REPORTS_DIR, ROOT

FACT_FIELDS = {"authority_code", "authority_name", "period", "measure", "stage", "category", "category_raw", "value",
               "unit", "provenance"}
PROVENANCE_FIELDS = {"document_sha256", "document_name", "page", "block", "quote", "method", "confidence"}


@pytest.fixture
def runner():
    return CliRunner()


def test_extract_json_prints_the_document_and_its_facts(runner):
    path = REPORTS_DIR / "004_0f72ccf6eb1b7efb.txt"
    result = runner.invoke(main, ["extract", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["document"]["authority_name"] == "Thurrock"
    assert payload["document"]["period"] == "2023-24"
    assert payload["document"]["sha256"] == __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    assert len(payload["facts"]) > 100
    for fact in payload["facts"]:
        assert FACT_FIELDS <= set(fact)
        assert PROVENANCE_FIELDS <= set(fact["provenance"])
    redbridge = [f for f in payload["facts"] if f["authority_code"] == "E09000026"]
    assert {f["measure"] for f in redbridge} == {"complaints_received", "complaints_by_outcome", "complaints_in_timescale"}


def test_extract_prints_a_readable_table_without_json(runner):
    result = runner.invoke(main, ["extract", str(REPORTS_DIR / "001_8a475261652e58a2.txt")])
    assert result.exit_code == 0
    assert "council: Calderdale (E08000033)  period: 2021-22" in result.output
    assert re.search(r"2021-22\s+representations_received\s+109\s+count", re.sub(r" +", " ", result.output).replace(" ", "  ")) or \
        "representations_received" in result.output


def test_extract_a_missing_file_is_a_one_line_error(runner):
    result = runner.invoke(main, ["extract", "no-such-report.pdf"])
    assert result.exit_code != 0
    assert "no-such-report.pdf" in result.output
    assert "Traceback" not in result.output


def test_extract_a_corrupt_pdf_names_the_file_and_fails(runner, tmp_path):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj <<>> garbage")
    result = runner.invoke(main, ["extract", str(bad), "--json"])
    assert result.exit_code == 1
    assert "broken.pdf" in result.output
    payload = json.loads(result.output.split("\nError:")[0])
    assert payload["document"]["status"] == "failed" and payload["facts"] == []


def test_extract_an_unidentifiable_report_says_so(runner, tmp_path):
    anonymous = tmp_path / "anonymous.txt"
    anonymous.write_text("Complaints report\n\nWe received 12 complaints.\n")
    result = runner.invoke(main, ["extract", str(anonymous)])
    assert result.exit_code == 1
    assert result.output.count("could not be determined") == 1, "said once, not on both outputs"
    assert "--council" in result.output
    result = runner.invoke(main, ["extract", str(anonymous), "--council", "Medway", "--year", "2022/23"])
    assert result.exit_code == 0
    assert "Medway (E06000035)" in result.output and "2022-23" in result.output


def test_build_writes_the_database_and_reports_counts(runner, tmp_path):
    db_path = tmp_path / "complaints.db"
    result = runner.invoke(main, ["build", "--db", str(db_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "30 documents" in result.output  # 5 seed reports and 25 real pages
    db = sqlite_utils.Database(db_path)
    assert {"documents", "facts", "councils", "measures", "ingest_log", "review_queue"} <= set(db.table_names())
    assert db["documents"].count == 30
    assert db["facts"].count == int(re.search(r"(\d+) facts", result.output).group(1))


def test_build_with_a_bad_file_keeps_going_and_exits_2(runner, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "reports").mkdir(parents=True)
    shutil.copy(REPORTS_DIR / "001_8a475261652e58a2.txt", corpus / "reports")
    (corpus / "reports" / "truncated.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n<< /Type /Catalog")
    db_path = tmp_path / "out.db"
    result = runner.invoke(main, ["build", "--corpus", str(corpus), "--db", str(db_path)])
    assert result.exit_code == 2, result.output
    db = sqlite_utils.Database(db_path)
    statuses = {row["file_name"]: row["status"] for row in db["documents"].rows}
    assert statuses == {"001_8a475261652e58a2.txt": "ok", "truncated.pdf": "failed"}
    assert db["facts"].count == 15


def test_evaluate_prints_recall_and_precision_per_document(runner):
    result = runner.invoke(main, ["evaluate", "--gold", str(GOLD_DIR)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line.strip()}
    for stem in ("000_5fd9625b055b83b5.txt", "003_ced6d74cb9ed2c53.txt"):
        recall, precision = map(float, lines[stem].split()[-2:])
        assert recall >= 0.95 and precision >= 0.95
    assert "overall" in lines


def test_evaluate_verbose_lists_misses(runner):
    result = runner.invoke(main, ["evaluate", "--gold", str(GOLD_DIR), "-v"])
    assert "missed: 2023-24 complaints_by_outcome stage3 partially_upheld" in result.output


COMMANDS = sorted(main.commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_in_the_readme(command):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"complaints {command}" in readme


def test_review_lists_the_unmapped_labels_of_a_built_database(runner, tmp_path):
    db_path = tmp_path / "c.db"
    assert runner.invoke(main, ["build", "--db", str(db_path), "-q"]).exit_code == 0
    result = runner.invoke(main, ["review", "--db", str(db_path), "--json"])
    assert result.exit_code == 0, result.output
    queue = {row["label"]: row for row in json.loads(result.output)}
    db = sqlite_utils.Database(db_path)
    unmapped = db.execute("select count(*) from facts where category_method = 'unmapped'").fetchone()[0]
    assert sum(row["facts"] for row in queue.values()) == unmapped > 0
    assert queue["Transition Team"]["councils"] == ["E06000050"]


def test_review_accept_writes_an_override_and_refuses_unknown_ids(runner, tmp_path):
    overrides = tmp_path / "overrides.csv"
    overrides.write_text("council_code,raw_label,canonical_id,note\n")
    ok = runner.invoke(main, ["review", "--accept", "Transition Team=disabled_children", "--council", "E06000050",
                              "--note", "transition to adult services", "--overrides", str(overrides)])
    assert ok.exit_code == 0, ok.output
    assert "E06000050,Transition Team,disabled_children,transition to adult services" in overrides.read_text()
    bad = runner.invoke(main, ["review", "--accept", "Transition Team=nonsense", "--overrides", str(overrides)])
    assert bad.exit_code == 1 and "'nonsense' is not an id" in bad.output

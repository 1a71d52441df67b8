"""Bad input gets a clear one-line error naming the file, is recorded, and never stops a batch."""

from __future__ import annotations

import shutil

import pytest
import sqlite_utils

from pipeline.run import extract_file
from tests.badfiles import BAD_FILES, folder_not_file, html_with_scripts
from tests.conftest import REPORTS_DIR, SEED_REPORTS


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_gets_a_one_line_error_naming_it(tmp_path, name):
    maker, words, status = BAD_FILES[name]
    path = maker(tmp_path)
    extraction = extract_file(path)
    assert extraction.status.value == status
    assert extraction.facts == []
    assert extraction.error.startswith(path.name + ":"), extraction.error
    assert words.lower() in extraction.error.lower()
    assert "\n" not in extraction.error and "Traceback" not in extraction.error
    assert len(extraction.document.sha256) == 64


def test_a_folder_in_place_of_a_file_is_an_error(tmp_path):
    extraction = extract_file(folder_not_file(tmp_path))
    assert extraction.status.value == "failed" and "folder" in extraction.error


def test_scripts_and_styles_of_a_web_page_are_not_read(tmp_path):
    extraction = extract_file(html_with_scripts(tmp_path))
    assert sorted((f.measure.value, f.value) for f in extraction.facts) == [
        ("complaints_received", 41.0), ("compliments_received", 77.0)]
    # markup printed as text in the page stays text in the quote, escaped by whoever displays it
    assert any("<script>alert(1)</script>" in f.provenance.quote for f in extraction.facts)


def test_a_build_mixing_good_and_bad_files_keeps_every_good_fact(tmp_path):
    from publish.build import build

    corpus = tmp_path / "corpus"
    reports = corpus / "reports"
    reports.mkdir(parents=True)
    for seed in SEED_REPORTS:
        shutil.copy(seed, reports)
    for maker, _, _ in BAD_FILES.values():
        maker(reports)
    shutil.copy(REPORTS_DIR / "001_8a475261652e58a2.txt", reports / "copy-of-calderdale.txt")  # same SHA-256
    report = build(corpus, tmp_path / "out.db")
    db = sqlite_utils.Database(tmp_path / "out.db")
    documents = {row["file_name"]: row for row in db["documents"].rows}
    good = {p.name for p in SEED_REPORTS}
    assert {name for name, row in documents.items() if row["status"] == "ok"} == good
    failed = {name: row for name, row in documents.items() if row["status"] in ("failed", "unidentified")}
    assert len(failed) == len(BAD_FILES)
    assert all(row["error"] and row["error"].startswith(name) for name, row in failed.items())
    errors = list(db["ingest_log"].rows_where("level = 'error'"))
    assert {e["file_name"] for e in errors} >= set(failed)
    # the same file twice is stored once, and the skip is logged
    assert "copy-of-calderdale.txt" not in documents
    assert any("same file" in e["message"] for e in db["ingest_log"].rows_where("level = 'warning'"))
    # every good fact is there: the seeds alone give the same count
    solo = tmp_path / "solo"
    (solo / "reports").mkdir(parents=True)
    for seed in SEED_REPORTS:
        shutil.copy(seed, solo / "reports")
    build(solo, tmp_path / "solo.db")
    assert db["facts"].count == sqlite_utils.Database(tmp_path / "solo.db")["facts"].count
    assert report.failed == len(BAD_FILES)


def test_a_document_that_takes_too_long_is_recorded_as_failed(tmp_path):
    """A huge PDF cannot hold up a build: past its time limit it is recorded and left out."""
    from pipeline.batch import extract_with_limit
    from tests.badfiles import huge_pdf

    path = huge_pdf(tmp_path, pages=60)
    extraction = extract_with_limit(path, None, None, timeout=1)
    assert extraction.status.value == "failed"
    assert extraction.error.startswith("huge.pdf:") and "took longer than 1 s" in extraction.error

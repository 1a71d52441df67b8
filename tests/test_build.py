"""Builds are atomic and repeatable, and the published site is safe."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from publish.build import build
from tests.badfiles import truncated_pdf
from tests.conftest import FIXTURE_DOCS, ROOT, SEED_REPORTS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def seed_corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "reports").mkdir(parents=True)
    for seed in SEED_REPORTS:
        shutil.copy(seed, corpus / "reports")
    return corpus


def rows(db_path: Path, table: str) -> list[tuple]:
    return [tuple(r.values()) for r in sqlite_utils.Database(db_path)[table].rows]


def test_building_twice_gives_the_same_rows(seed_corpus, tmp_path):
    first, second = tmp_path / "one.db", tmp_path / "two.db"
    build(seed_corpus, first)
    build(seed_corpus, second, workers=2, cache_dir=tmp_path / "cache")
    for table in ("documents", "facts", "councils", "ingest_log", "review_queue", "validation_issues", "benchmark"):
        assert rows(first, table) == rows(second, table), table


def test_a_failing_write_leaves_the_previous_database_intact(seed_corpus, tmp_path, monkeypatch):
    """Disk full half-way: the old database is untouched and no temporary file is left."""
    import publish.build as building

    db_path = tmp_path / "complaints.db"
    build(seed_corpus, db_path)
    before = digest(db_path)
    calls = {"n": 0}
    real = building.add_extraction

    def full_disk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(building, "add_extraction", full_disk)
    with pytest.raises(OSError, match="No space left"):
        build(seed_corpus, db_path)
    assert digest(db_path) == before
    assert not list(tmp_path.glob(".complaints.db.*.tmp"))


def test_a_killed_build_leaves_the_previous_database_intact(seed_corpus, tmp_path):
    """kill -9 in the middle of a build: the old database is untouched; the next build
    clears the leftover temporary file."""
    db_path = tmp_path / "complaints.db"
    build(seed_corpus, db_path)
    before = digest(db_path)
    for pdf in sorted(FIXTURE_DOCS.glob("*.pdf")):  # slower documents, so there is a 'middle'
        shutil.copy(pdf, seed_corpus / "reports" / f"slow-{pdf.name}")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "build", "--corpus", str(seed_corpus), "--db", str(db_path), "--no-cache",
         "--workers", "1", "--quiet"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".complaints.db.*.tmp")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert process.poll() is None, "the build finished before it could be interrupted"
    time.sleep(0.5)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert digest(db_path) == before
    assert sqlite_utils.Database(db_path).execute("pragma integrity_check").fetchone()[0] == "ok"
    leftovers = list(tmp_path.glob(".complaints.db.*.tmp"))
    assert leftovers, "expected the killed build's temporary file"
    (seed_corpus / "reports").joinpath("extra.txt").write_text("x")  # any change: the next build runs
    build(seed_corpus, db_path)
    assert not any(p.exists() for p in leftovers)


def test_strict_stops_at_a_bad_file_and_keeps_the_old_database(seed_corpus, tmp_path):
    from click.testing import CliRunner

    from cli import main

    db_path = tmp_path / "complaints.db"
    build(seed_corpus, db_path)
    before = digest(db_path)
    truncated_pdf(seed_corpus / "reports")
    result = CliRunner().invoke(main, ["build", "--corpus", str(seed_corpus), "--db", str(db_path), "--strict",
                                       "--no-cache", "--quiet", "--workers", "1"])
    assert result.exit_code == 1
    assert "truncated.pdf" in result.output and "--strict" in result.output
    assert digest(db_path) == before


def test_markup_in_a_report_is_shown_escaped_on_the_site(tmp_path):
    from datasette.app import Datasette

    from publish.serve import metadata_for

    corpus = tmp_path / "corpus"
    (corpus / "reports").mkdir(parents=True)
    (corpus / "reports" / "hostile.txt").write_text(
        "Medway Council children's social care complaints report 2022/23\n\n"
        "We received 41 complaints <script>alert('x')</script> &amp; &lt;b&gt; during the year.\n",
        encoding="utf-8",
    )
    db_path = tmp_path / "complaints.db"
    build(corpus, db_path)
    site = Datasette([str(db_path)], immutables=[], metadata=metadata_for(db_path))

    async def page(path: str) -> str:
        response = await site.client.get(path)
        assert response.status_code == 200
        return response.text

    html = asyncio.run(page("/complaints/facts"))
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html


def test_the_site_is_read_only_with_time_limits_and_parameterised_queries():
    from publish.serve import SETTINGS, datasette_args

    args = datasette_args(Path("complaints.db"))
    assert args[args.index("-i") + 1] == "complaints.db"  # immutable: opened read-only
    assert int(SETTINGS["sql_time_limit_ms"]) <= 5000
    metadata = yaml.safe_load((ROOT / "publish" / "metadata.yml").read_text())
    queries = metadata["databases"]["complaints"]["queries"]
    assert queries
    for name, query in queries.items():
        for param in query.get("params", []):
            assert f":{param}" in query["sql"], (name, param)
        assert "{" not in query["sql"] and "%s" not in query["sql"], name  # no string building

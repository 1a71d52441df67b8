"""Shared fixtures: the bundled corpus, gold files, and small documents built in memory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD_DIR = ROOT / "tests" / "gold"
REPORTS_DIR = ROOT / "corpus" / "reports"
FIXTURE_DOCS = ROOT / "tests" / "fixtures" / "documents"
#: The five seed reports (those with gold in tests/gold), among the bundled corpus's reports: the
#: real pages beside them name their council mostly in the website's header, so tests that read
#: council and year from the text use these.
SEED_REPORTS = sorted(REPORTS_DIR / f"{gold.stem}.txt" for gold in GOLD_DIR.glob("*.json"))
SHARED = ROOT.parent / "shared"
#: What a children's social care complaints report says it is; small test reports are given it,
#: since a figure is only published when the text ties it to children's social care.
CHILDREN_REPORT_TITLE = "Children's Social Care Complaints Annual Report"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str) -> str:
    """The path of a command-line tool; in CI a missing tool fails the test, elsewhere it skips."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (make test installs it with scripts/install-test-deps.sh)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def lexicon():
    from extract.lexicon import load_lexicon

    return load_lexicon()


@pytest.fixture(scope="session")
def registry():
    from normalise.councils import load_registry

    return load_registry()


@pytest.fixture(scope="session")
def seed_extractions():
    """Every seed report extracted once, with council and year detected from the text."""
    from pipeline.run import extract_file

    return {path.stem: extract_file(path) for path in SEED_REPORTS}


@pytest.fixture
def text_report(tmp_path):
    """Write a small text report and extract it: text_report(body, council=..., year=...). It is
    titled as a children's social care report unless `title` says otherwise (None: no title)."""
    from pipeline.run import extract_file

    def make(body: str, council: str | None = "Thurrock", year: str | None = "2023-24", name: str = "report.txt",
             title: str | None = CHILDREN_REPORT_TITLE):
        path = tmp_path / name
        path.write_text(f"{title}\n\n{body}" if title else body, encoding="utf-8")
        return extract_file(path, council=council, period=year)

    return make

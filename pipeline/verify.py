"""Checking facts by hand: which facts to check, each in its context, and recording decisions.

`complaints verify` walks a person through the facts that need checking in one document
(or in a council's reports for one year), showing each figure where it stands in the
source: the lines around it in a text file, the whole page's text in a PDF, the blocks
around it in a Word document or web page. Each decision is written to verifications.csv
at once, in one step (normalise/verifications.py), and applied at every build.
"""

from __future__ import annotations

import getpass
import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from corpus.manifest import load_corpus
from extract.readers import read
from normalise.councils import load_registry
from normalise.verifications import apply_verifications, by_document, corrected, record
from pipeline.batch import DEFAULT_CACHE, extract_many
from schemas import (
    Block,
    Chart,
    Decision,
    DocumentFormat,
    Fact,
    FactStatus,
    Table,
    Verification,
)
from schemas.errors import UnknownCouncilError, VerificationError

#: Lines shown before and after a text fact's line; blocks around a block's, for other formats.
CONTEXT_LINES = 4
CONTEXT_BLOCKS = 2
MARK = ">> "


@dataclass
class Pending:
    """A fact to check and the file it was read from."""

    fact: Fact
    path: Path
    format: DocumentFormat


def select_documents(corpus_dir: Path | None = None, council: str | None = None, period: str | None = None,
                     file: Path | None = None) -> list[tuple[Path, str | None, str | None]]:
    """Extraction jobs (path, council, period): one file, or the corpus's documents (narrowed
    to a council and/or year once extracted, see `all_facts`). A file of the corpus gets its
    manifest row's council and year unless given, as at build: decisions must name the facts
    the build will make."""
    entries = [(path, row.council if row else None, row.period if row else None)
               for path, row in load_corpus(corpus_dir).entries()]
    if file is None:
        return entries
    for path, row_council, row_period in entries:
        if path.resolve() == Path(file).resolve():
            return [(path, council or row_council, period or row_period)]
    return [(Path(file), council, period)]


def _council_code(council: str | None, period: str | None) -> str | None:
    if not council:
        return None
    try:
        return load_registry().resolve(council, period).code
    except UnknownCouncilError as exc:
        raise VerificationError(str(exc)) from exc


def waiting(pending: list[Pending], include_accepted: bool = False) -> list[Pending]:
    """The facts still waiting for a person, in reading order: needs-check ones (and accepted
    ones with `include_accepted`) that no decision has settled."""
    wanted = {FactStatus.NEEDS_CHECK} | ({FactStatus.ACCEPTED} if include_accepted else set())
    return [p for p in pending if p.fact.status in wanted]


def all_facts(jobs: list[tuple[Path, str | None, str | None]], decisions: Iterable[Verification],
              council: str | None = None, period: str | None = None,
              cache_dir: Path | None = DEFAULT_CACHE) -> list[Pending]:
    """Every fact of the jobs' documents (of one council and year when given), decisions applied."""
    code = _council_code(council, period)
    decided = by_document(decisions)
    found = []
    for path, extraction in extract_many(jobs, workers=1, cache_dir=cache_dir):
        document = extraction.document
        if (code and document.authority_code != code) or (period and document.period != period):
            continue
        verified = apply_verifications(extraction.facts, decided.get(document.sha256, []))
        found += [Pending(fact, Path(path), document.format) for fact in verified.facts]
    return found


def find(pending: list[Pending], ref: str) -> Pending:
    matches = [p for p in pending if p.fact.ref == ref.strip().lower()]
    if not matches:
        raise VerificationError(f"no fact with id {ref!r} in the documents chosen; ids are the 'ref' of "
                                "`complaints extract --json` and of the facts table")
    return matches[0]


# -- context ------------------------------------------------------------------------------------

def block_text(block: Block) -> str:
    if isinstance(block, Table):
        return block.source_text or "\n".join(" | ".join(row) for row in block.text_rows())
    if isinstance(block, Chart):
        return block.source_text or (block.title or "chart") + ": " + ", ".join(block.categories)
    return block.text


def _mark(lines: list[str], marked: Iterable[int]) -> str:
    marked = set(marked)
    return "\n".join((MARK if i in marked else " " * len(MARK)) + line for i, line in enumerate(lines))


def fact_context(fact: Fact, path: Path, format: DocumentFormat) -> str:
    """The source around a figure, its line or the lines holding its quote marked '>>'."""
    where = fact.provenance
    if format is DocumentFormat.TEXT and where.line:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
        first = max(0, where.line - 1 - CONTEXT_LINES)
        window = lines[first:where.line + CONTEXT_LINES]
        numbered = [f"{first + i + 1:>5}  {line}" for i, line in enumerate(window)]
        return _mark(numbered, [where.line - 1 - first])
    document = read(Path(path))
    if where.page is not None:
        blocks = [b for b in document.blocks if b.page == where.page]
        heading = f"(page {where.page})"
    else:
        index = where.block or 0
        blocks = [b for b in document.blocks if abs(b.index - index) <= CONTEXT_BLOCKS]
        heading = f"(blocks {max(0, index - CONTEXT_BLOCKS)}-{index + CONTEXT_BLOCKS})"
    lines = [line for block in blocks for line in block_text(block).splitlines()]
    quoted = where.quote.split(" / ")[0].strip()[:40]
    return heading + "\n" + _mark(lines, [i for i, line in enumerate(lines) if quoted and quoted in line])


def describe(fact: Fact) -> str:
    category = fact.category or (f"[{fact.category_raw}]" if fact.category_raw else "")
    parts = [fact.period, fact.measure.value, fact.stage.value if fact.stage else "", category]
    return (" ".join(p for p in parts if p) + f" = {fact.value:g} {fact.unit.value}"
            f"  (confidence {fact.provenance.confidence:g}, {fact.status.value}; read by {fact.provenance.rule or '?'}"
            + (f"; {', '.join(fact.provenance.evidence)}" if fact.provenance.evidence else "") + ")")


# -- decisions ----------------------------------------------------------------------------------

def default_who() -> str:
    """Who decides: git's user.name, else the login name."""
    try:
        name = subprocess.run(["git", "config", "user.name"], capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    return name or os.environ.get("USER") or getpass.getuser() or "unknown"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def decide(fact: Fact, decision: Decision, path: Path, who: str, note: str = "", when: str | None = None,
           **corrections) -> Verification:
    """Record a decision on `fact` (as extracted) in the verifications file at `path`. A
    correction is checked against the fact contract first; a bad one raises VerificationError."""
    try:
        made = Verification.of(fact, decision, who=who, when=when or now(), note=note, **corrections)
        if decision is Decision.CORRECT:
            corrected(fact, made)
    except ValueError as exc:
        raise VerificationError(f"cannot record this decision: {exc}") from exc
    return record(made, path)

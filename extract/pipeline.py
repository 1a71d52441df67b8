"""A read document -> candidate figures: every finder, in a stated order, over the same contexts.

Every finder has one signature, `find(document, contexts, lexicon) -> list[Candidate]`. They
run in the order of FINDERS; what an earlier finder found is in `contexts.earlier` (prose
names services the way the document's own tables and charts do). A finder that fails loses
its figures with a warning, never the document.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field, replace

from extract.finders import charts, prose, tables
from extract.finders.context import block_contexts
from extract.finders.scope import Scope
from extract.lexicon import Lexicon
from schemas import Candidate, Document, Heading, SetAside, Unit
from schemas.periods import start_year

log = logging.getLogger(__name__)

#: The finders, in the order they run.
FINDERS = {"tables": tables.find, "charts": charts.find, "prose": prose.find}
TITLE_MIN_CHARS = 12  # a heading shorter than this is a section label, not the report's title


@dataclass
class Found:
    candidates: list[Candidate] = field(default_factory=list)
    set_aside: list[SetAside] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def find_candidates(doc: Document, period: str, lexicon: Lexicon) -> Found:
    """Every figure the finders read in `doc`, for a report of `period`."""
    contexts = block_contexts(doc, lexicon, period)
    found = Found()
    for name, finder in FINDERS.items():
        try:
            candidates = finder(doc, contexts, lexicon)
        except Exception as exc:  # one finder's bug loses its figures, not the document
            log.exception("%s finder failed on %s", name, doc.source.file_name)
            found.warnings.append(f"the {name} finder failed: {type(exc).__name__}: {exc}")
            continue
        kept = [c for c in candidates if not contexts[c.block].forward_looking]
        contexts.earlier.extend(kept)
        found.candidates.extend(kept)
    found.candidates = set_aside_unplaced(found.candidates, found.warnings)
    found.candidates, found.set_aside = in_scope(found.candidates)
    found.candidates, not_counts = whole_counts(found.candidates)
    found.set_aside.extend(not_counts)
    found.candidates, later = not_after(found.candidates, period)
    found.set_aside.extend(later)
    found.set_aside.extend(_set_aside(c, c.aside) for c in found.candidates if c.aside)
    found.candidates = [c for c in found.candidates if not c.aside]
    return found


def in_scope(candidates: list[Candidate]) -> tuple[list[Candidate], list[SetAside]]:
    """Children's social care figures, and the rest set aside with the reason: a figure about
    another service, about several, or not tied to any in a report that covers several."""
    kept, aside = [], []
    for c in candidates:
        scope = Scope(c.scope, c.scope_where or "document")
        if scope.is_children:
            kept.append(replace(c, evidence=c.evidence + (scope.evidence(),)))
        else:
            aside.append(_set_aside(c, scope.reason()))
    return kept, aside


def whole_counts(candidates: list[Candidate]) -> tuple[list[Candidate], list[SetAside]]:
    """A count of complaints is a whole number: '15.1' read as a count is a figure of something
    else (an average, a rate) whose meaning was not read, so it is set aside."""
    kept, aside = [], []
    for c in candidates:
        if c.unit is Unit.COUNT and not float(c.value).is_integer():
            aside.append(_set_aside(c, "a count must be a whole number: this figure measures something else"))
        else:
            kept.append(c)
    return kept, aside


def not_after(candidates: list[Candidate], period: str | None) -> tuple[list[Candidate], list[SetAside]]:
    """A report on a year has no figures for a later year: '(one) had rolled over to 2011/12' in
    the 2010-11 report is not a figure of 2011-12, and a part-year figure is no year's figure."""
    if period is None:
        return candidates, []
    kept, aside = [], []
    for c in candidates:
        if c.period is not None and start_year(c.period) > start_year(period):
            aside.append(_set_aside(c, f"a figure for {c.period}, after the report's year ({period})"))
        else:
            kept.append(c)
    return kept, aside


def _set_aside(c: Candidate, reason: str) -> SetAside:
    return SetAside(value=c.value, unit=c.unit, quote=c.quote, reason=reason, method=c.method, block=c.block,
                    page=c.page, line=c.line, period=c.period, measure=c.measure, stage=c.stage, rule=c.rule)


def document_title(doc: Document) -> str | None:
    """The first substantial heading near the top of the document."""
    for block in doc.blocks[:8]:
        if isinstance(block, Heading) and len(block.text) > TITLE_MIN_CHARS:
            return block.text[:200]
    return None


def set_aside_unplaced(candidates: list[Candidate], warnings: list[str]) -> list[Candidate]:
    """Values of a chart series that lost its empty points cannot be put on a category with
    certainty: they are reported, not published as facts."""
    unplaced: dict[str, list[Candidate]] = defaultdict(list)
    kept = []
    for candidate in candidates:
        if candidate.rule == "chart:unplaced":
            unplaced[candidate.group or ""].append(candidate)
        else:
            kept.append(candidate)
    for members in unplaced.values():
        values = ", ".join(f"{m.value:g}" for m in members)
        warnings.append(
            f"left out {len(members)} chart values that cannot be placed on their categories "
            f"(the series has fewer values than categories): {members[0].quote.split(':')[0]}: {values}"
        )
    return kept

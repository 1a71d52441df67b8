"""Tables -> candidate facts.

A table is read the way a person reads it: the header rows give the columns (often
years: '2016/2017  2017/2018', sometimes measures: 'Upheld | Not upheld | Total'), the
corner cell and the caption say what the rows are ('Service Area', 'Complaint outcome –
Stage 1', 'Council'), bold or italic rows nest labels ('Children in Care' > 'Winsford').
Each figure cell then becomes a candidate whose measure is resolved from those labels
(table_reader.py). A table of contents, or one broken down by something the contract has
no measure for (ethnicity, age), gives none.
"""

from __future__ import annotations

import re

from extract.finders.context import CAPTION_RE, BlockContext, Contexts
from extract.finders.grid import Grid, join_wrapped_labels, split_side_by_side, square
from extract.finders.reading import clean_label
from extract.finders.table_reader import TableReader
from extract.lexicon import LabelInfo, Lexicon
from schemas import Candidate, Cell, Document, Table
from schemas.periods import shift

CONTENTS_ROW = re.compile(r"^(?:section|chapter|part|appendix|annex)\s+\w+\b", re.IGNORECASE)


def find(doc: Document, contexts: Contexts, lexicon: Lexicon) -> list[Candidate]:
    found: list[Candidate] = []
    for block in doc.blocks:
        if isinstance(block, Table):
            ctx = contexts[block.index]
            for part, rows in enumerate(split_side_by_side(block.rows, lexicon)):
                found.extend(read_table(rows, block, ctx, lexicon, group=f"table{block.index}.{part}"))
    return found


def _is_contents(grid: Grid, ctx: BlockContext) -> bool:
    """A table of contents: section titles with page numbers."""
    labels = [r[0].text for r in grid.data if r[0].text]
    sections = sum(1 for label in labels if CONTENTS_ROW.match(label))
    return bool(labels) and (sections * 2 > len(labels) or (ctx.heading or "").strip().lower() == "contents")


def _context_infos(ctx: BlockContext, lexicon: Lexicon) -> list[LabelInfo]:
    """The introducing sentence or caption (nearest heading) first, then the section heading above it (not the caption
    of the table before: 'Table 6: Enquiries' says nothing of Table 7)."""
    texts = list(reversed(ctx.trail[-2:]))
    if len(texts) == 2 and CAPTION_RE.match(texts[0]) and CAPTION_RE.match(texts[1]):
        texts = texts[:1]
    if ctx.intro:
        texts.insert(0, ctx.intro)  # a list read as a table: its introducing sentence is its caption
    return [lexicon.label(text) for text in texts]


def _relative_column_period(label: str, ctx: BlockContext, lexicon: Lexicon) -> str | None:
    """'This year' | 'Last year' column headers: the context's year and the one before."""
    relative = lexicon.relative_period(label)
    if relative is None or ctx.period is None:
        return None
    return ctx.period if relative == "current" else shift(ctx.period, -1)


def read_table(rows: list[list[Cell]], block: Table, ctx: BlockContext, lexicon: Lexicon, group: str) -> list[Candidate]:
    rows = [r for r in rows if any(c.text for c in r)]
    if not rows:
        return []
    grid = square(join_wrapped_labels(rows, set(lexicon.words("function_words"))))
    grid.column_periods = [period or _relative_column_period(label, ctx, lexicon)
                           for period, label in zip(grid.column_periods, grid.column_labels)]
    corner = lexicon.label(clean_label(grid.header[0][0].text)) if grid.header else LabelInfo(text="")
    context = _context_infos(ctx, lexicon)
    if corner.dimension == "unsupported" or _is_contents(grid, ctx):
        return []
    reader = TableReader(grid, block, ctx, lexicon, corner, context, group)
    return reader.read()

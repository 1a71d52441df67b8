"""Lines that are a table in all but name.

'Within 10 working days: 71 (33%)', 'Communication – 118 complaints (29%)', 'Compliments:
187 (2023/24: 203)': two or more such lines in a row are read by the table finder as a
two-column table (with last year's column when the lines give it), and left alone by the
prose finder.
"""

from __future__ import annotations

import re
from dataclasses import replace

from extract.finders.context import BlockContext
from schemas import Cell, Document, ListItem, Paragraph, Table

LABEL_VALUE_RE = re.compile(
    r"^\s*(?P<label>[A-Za-z][^:–—]{1,80}?)\s*[:–—-]\s+(?P<value>[£$]?\d[\d,]*(?:\.\d+)?%?)"
    r"(?P<words>(?:\s+[A-Za-z]+){0,2})\s*(?:\((?P<pct>\d[\d.]*%)\))?"
    r"\s*(?:\((?P<prior_period>(?:19|20)\d\d\s*[/-]\s*\d{2,4})\s*:\s*(?P<prior>[£$]?\d[\d,]*(?:\.\d+)?%?)"
    r"(?:\s+[A-Za-z]+){0,2}\)\s*)?\.?\s*$"
)


def label_value_runs(doc: Document, contexts: dict[int, BlockContext]) -> list[tuple[Table, BlockContext]]:
    """Lines that are a table in all but name: 'Within 10 working days: 71 (33%)',
    'Communication – 118 complaints (29%)', two or more in a row, read as a two-column table."""
    runs: list[list] = []
    for block in doc.blocks:
        match = isinstance(block, (Paragraph, ListItem)) and LABEL_VALUE_RE.match(block.text)
        if match:
            if runs and runs[-1][-1][0].index == block.index - 1:
                runs[-1].append((block, match))
            else:
                runs.append([(block, match)])
    tables = []
    for run in runs:
        if len(run) < 2:
            continue
        first = run[0][0]
        rows = [[Cell(text=_label(m)),
                 Cell(text=f"{m.group('value')}{' (' + m.group('pct') + ')' if m.group('pct') else ''}"),
                 Cell(text=m.group("prior") or "")]
                for _, m in run]
        priors = {m.group("prior_period") for _, m in run if m.group("prior_period")}
        ctx = contexts[first.index]
        if len(priors) == 1 and ctx.period:
            # 'Compliments: 187 (2023/24: 203)': this year's figure, then last year's
            rows = [[Cell(text=""), Cell(text=ctx.period), Cell(text=priors.pop())]] + rows
        table = Table(index=first.index, rows=rows, page=first.page, line=first.line,
                      source_text="\n".join(b.text for b, _ in run))
        if ctx.intro:  # the sentence introducing a list says what its lines count
            ctx = replace(ctx, trail=ctx.trail + [ctx.intro])
        tables.append((table, ctx))
    return tables


def _label(match: re.Match) -> str:
    """The printed label, with the unit when the words after the figure give one
    ('Average response time: 12 working days')."""
    label = match.group("label").strip()
    words = match.group("words").strip()
    return f"{label} ({words})" if re.search(r"\bdays?\b", words, re.I) else label


def consumed_blocks(doc: Document, contexts: dict[int, BlockContext]) -> set[int]:
    """The blocks read as label-value tables."""
    consumed: set[int] = set()
    for table, _ in label_value_runs(doc, contexts):
        consumed.update(range(table.index, table.index + table.source_text.count("\n") + 1))
    return consumed

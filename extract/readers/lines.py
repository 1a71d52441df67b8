"""Lines that are a table in all but name, whatever the format they came in.

'Within 10 working days: 71 (33%)', 'Communication – 118 complaints (29%)', 'Compliments:
187 (2023/24: 203)': two or more such lines in a row (paragraphs or list items) become one
two-column table, with a prior-year column when the lines give one ('This year' | '2023/24').
A list's introduction ('Stage 1 complaints were answered:') is the table's caption. Every
reader's document goes through this, so a text export, a Word file and a web page give the
same table.
"""

from __future__ import annotations

import re

from schemas import Block, Cell, Document, Heading, ListItem, Paragraph, Table

LABEL_VALUE_RE = re.compile(
    r"^\s*(?P<label>[A-Za-z][^:–—]{1,80}?)\s*[:–—-]\s+(?P<value>[£$]?\d[\d,]*(?:\.\d+)?%?)"
    r"(?P<words>(?:\s+[A-Za-z]+){0,2})\s*(?:\((?P<pct>\d[\d.]*%)\))?"
    r"\s*(?:\((?P<prior_period>(?:19|20)\d\d\s*[/-]\s*\d{2,4})\s*:\s*(?P<prior>[£$]?\d[\d,]*(?:\.\d+)?%?)"
    r"(?:\s+[A-Za-z]+){0,2}\)\s*)?\.?\s*$"
)
THIS_YEAR = "This year"  # the header of the report's own column (tables.py reads it as the report's year)
MIN_LINES = 2


def label_value_tables(document: Document) -> Document:
    """The document with each run of label/value lines made one table (blocks renumbered)."""
    blocks: list[Block] = []
    run: list[tuple[Paragraph | ListItem, re.Match]] = []

    def close() -> None:
        if len(run) >= MIN_LINES:
            blocks.append(_table(run, blocks[-1] if blocks else None, len(blocks)))
        else:
            blocks.extend(b.model_copy(update={"index": len(blocks) + i}) for i, (b, _) in enumerate(run))
        run.clear()

    for block in document.blocks:
        match = isinstance(block, (Paragraph, ListItem)) and LABEL_VALUE_RE.match(block.text)
        if match:
            run.append((block, match))
            continue
        close()
        blocks.append(block.model_copy(update={"index": len(blocks)}))
    close()
    if len(blocks) == len(document.blocks):
        return document
    return document.model_copy(update={"blocks": blocks})


def _table(run: list[tuple[Paragraph | ListItem, re.Match]], before: Block | None, index: int) -> Table:
    first = run[0][0]
    rows = [[Cell(text=_label(m)),
             Cell(text=f"{m.group('value')}{' (' + m.group('pct') + ')' if m.group('pct') else ''}"),
             Cell(text=m.group("prior") or "")]
            for _, m in run]
    priors = {m.group("prior_period") for _, m in run if m.group("prior_period")}
    if len(priors) == 1:  # 'Compliments: 187 (2023/24: 203)': this year's figure, then last year's
        rows = [[Cell(text=""), Cell(text=THIS_YEAR), Cell(text=priors.pop())]] + rows
    # the sentence introducing a list says what its lines count
    caption = before.text if isinstance(first, ListItem) and isinstance(before, (Paragraph, Heading)) else None
    return Table(index=index, rows=rows, page=first.page, line=first.line, caption=caption,
                 source_text="\n".join(b.text for b, _ in run))


def _label(match: re.Match) -> str:
    """The printed label, with the unit when the words after the figure give one
    ('Average response time: 12 working days')."""
    label = match.group("label").strip()
    words = match.group("words").strip()
    return f"{label} ({words})" if re.search(r"\bdays?\b", words, re.I) else label

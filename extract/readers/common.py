"""Helpers shared by the readers: hashing, cell cleaning, number-looking cells, block building."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from corpus.files import sha256_of
from schemas import Cell, Chart, Document, DocumentFormat, Heading, ListItem, Paragraph, Series, SourceDocument, Table
from schemas.errors import EmptyDocumentError




def source_for(path: Path, fmt: DocumentFormat) -> SourceDocument:
    return SourceDocument(file_name=path.name, sha256=sha256_of(path), format=fmt, size_bytes=path.stat().st_size)


_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_TAG = re.compile(r"</?(?:b|i|strong|em|u|span|sup|sub)\b[^>]*>", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Collapse spaces (including non-breaking ones) and trim; markup is the caller's job."""
    return _SPACES.sub(" ", text).strip()


def cell_from_markup(raw: str) -> Cell:
    """A table cell from text that may carry <b>/<i> tags or markdown emphasis."""
    bold = bool(re.search(r"<(?:b|strong)\b", raw, re.I)) or bool(re.match(r"^\s*\*\*.+\*\*\s*$", raw))
    italic = bool(re.search(r"<(?:i|em)\b", raw, re.I)) or bool(re.match(r"^\s*\*[^*].*\*\s*$", raw))
    text = _TAG.sub("", raw)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*]+)\*(?![\w*])", r"\1", text)
    text = text.replace("\\*", "*")
    return Cell(text=clean_text(text), bold=bold, italic=italic)


def strip_markdown(text: str) -> str:
    """Plain text of a markdown line: emphasis markers and escapes removed."""
    text = _TAG.sub("", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = re.sub(r"__(.+?)__", r"\1", text)
    text = re.sub(r"(?<![\w*])\*([^*\s][^*]*)\*(?![\w*])", r"\1", text)
    text = text.replace("\\*", "*").replace("\\_", "_")
    return clean_text(text)


_NUMERIC_CELL = re.compile(
    r"^[£$]?\s*[-+]?\d[\d,]*(?:\.\d+)?\s*%?\s*(?:\(\s*\d[\d,]*(?:\.\d+)?\s*%?\s*\))?\s*\**$"
    r"|^\d[\d,]*\s*\+\s*\d+\s*\*+$"
)


def looks_numeric(text: str) -> bool:
    """True for a cell that is a figure: '12', '9 (10%)', '56%', '£1,000', '1*', '5 + 1*'."""
    return bool(_NUMERIC_CELL.match(text.strip()))


def is_blank_value(text: str) -> bool:
    """Cells that are not figures and not zeros: '-', '', 'n/a', '*', 'x', 'c'."""
    return text.strip().lower() in {"", "-", "–", "—", "n/a", "na", "*", "x", "c", "..", "z", "nil return", "tbc"}


def is_separator_row(cells: list[str]) -> bool:
    return all(re.fullmatch(r"[-–—=_:| ]*", c) for c in cells) and any(c.strip() for c in cells)


@dataclass
class BlockBuilder:
    """Collects blocks in reading order and numbers them."""

    blocks: list = field(default_factory=list)

    def _next(self) -> int:
        return len(self.blocks)

    def heading(self, text: str, level: int = 2, **where) -> None:
        if text:
            self.blocks.append(Heading(index=self._next(), text=text, level=level, **where))

    def paragraph(self, text: str, **where) -> None:
        if text:
            self.blocks.append(Paragraph(index=self._next(), text=text, **where))

    def list_item(self, text: str, marker: str = "-", **where) -> None:
        if text:
            self.blocks.append(ListItem(index=self._next(), text=text, marker=marker, **where))

    def table(self, rows: list[list[Cell]], source_text: str | None = None, **where) -> None:
        rows = [row for row in rows if any(cell.text for cell in row)]
        if rows:
            self.blocks.append(Table(index=self._next(), rows=rows, source_text=source_text, **where))

    def chart(self, title: str | None, categories: list[str], series: list[Series], complete: bool,
              source_text: str | None = None, **where) -> None:
        self.blocks.append(
            Chart(index=self._next(), title=title, categories=categories, series=series, complete=complete,
                  source_text=source_text, **where)
        )


def document_text(doc_blocks: list) -> str:
    """A plain-text rendering of blocks, for detection and search."""
    parts = []
    for block in doc_blocks:
        if isinstance(block, Table):
            parts.extend("\t".join(cell.text for cell in row) for row in block.rows)
        elif isinstance(block, Chart):
            parts.append(block.title or "")
            parts.append("\t".join(block.categories))
        else:
            parts.append(block.text)
    return "\n".join(parts)


def finish(source: SourceDocument, builder: BlockBuilder, warnings: list[str] | None = None) -> Document:
    blocks = builder.blocks
    text = document_text(blocks)
    if not text.strip():
        raise EmptyDocumentError(f"{source.file_name}: no text found in the file")
    source = source.model_copy(update={"blocks": len(blocks)})
    return Document(source=source, blocks=blocks, text=text, warnings=warnings or [])


# -- flattened chart data -----------------------------------------------------------------------

_COUNT_SUFFIX = re.compile(r"\s*[-–]\s*\d+\s*$")


@dataclass
class _Token:
    text: str
    line: int
    numeric: bool


def _chart_shaped(row: list[str]) -> bool:
    """A row that reads 'label, label, ..., value, value, ...' (then at most a series name,
    or the same labels again for a second series), as Word flattens a chart's data."""
    cells = [c for c in row if c]
    kinds = [looks_numeric(c) for c in cells]
    if True not in kinds:
        return False
    leading = kinds.index(True)
    after = kinds[leading:]
    numbers = after.index(False) if False in after else len(after)
    rest = cells[leading + numbers:]
    if leading < 2 or leading < numbers:
        return False
    labels = {_COUNT_SUFFIX.sub("", c) for c in cells[:leading]}
    return len(rest) <= 1 or labels <= {_COUNT_SUFFIX.sub("", c) for c in rest}


def chart_from_rows(rows: list[list[str]]) -> tuple[list[str], list[Series], bool] | None:
    """Read the data behind a chart that a text export flattened into rows of cells.

    Word exports a chart's cache as runs on one line: the category labels, then the
    values of one series (empty points dropped), then the next series' name. Returns
    (categories, series, complete) or None when the rows are not shaped like that.
    """
    if not any(_chart_shaped(row) for row in rows):
        return None
    if not all(_chart_shaped(row) or len([c for c in row if c]) <= 1 for row in rows):
        return None
    tokens = [_Token(c, i, looks_numeric(c)) for i, row in enumerate(rows) for c in row if c]
    runs: list[tuple[bool, list[_Token]]] = []
    for token in tokens:
        if runs and runs[-1][0] == token.numeric:
            runs[-1][1].append(token)
        else:
            runs.append((token.numeric, [token]))
    categories: list[str] | None = None
    series: list[Series] = []
    complete = True
    pending_name: list[str] = []
    for position, (numeric, run) in enumerate(runs):
        if numeric:
            continue
        following = runs[position + 1] if position + 1 < len(runs) else None
        if following is None or not following[0]:
            pending_name.extend(t.text for t in run)
            continue
        values_run = following[1]
        texts = [t.text for t in run]
        if categories is not None and len(texts) >= len(categories) and [
            _COUNT_SUFFIX.sub("", t) for t in texts[-len(categories):]
        ] == categories:
            name_parts = pending_name + texts[: len(texts) - len(categories)]
        else:
            value_line = values_run[0].line
            same_line = [t.text for t in run if t.line == value_line]
            earlier = [t.text for t in run if t.line != value_line]
            if categories is None:
                categories = [_COUNT_SUFFIX.sub("", t) for t in same_line]
            name_parts = pending_name + earlier
        pending_name = []
        values = [parse_plain_number(t.text) for t in values_run]
        if len(values) > len(categories):
            return None
        if len(values) < len(categories):
            complete = False
        series.append(Series(name=" ".join(name_parts).strip(), values=values))
    if not categories or not series:
        return None
    return categories, series, complete


def parse_plain_number(text: str) -> float | None:
    match = re.search(r"-?\d[\d,]*(?:\.\d+)?", text)
    return float(match.group(0).replace(",", "")) if match else None

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

    def table(self, rows: list[list[Cell]], source_text: str | None = None, caption: str | None = None,
              **where) -> None:
        rows = [row for row in rows if any(cell.text for cell in row)]
        if rows:
            self.blocks.append(Table(index=self._next(), rows=rows, source_text=source_text, caption=caption or None,
                                     **where))

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
            if block.caption:
                parts.append(block.caption)
            parts.extend("\t".join(cell.text for cell in row) for row in block.rows)
        elif isinstance(block, Chart):
            parts.append(block.title or "")
            parts.append("\t".join(block.categories))
        else:
            parts.append(block.text)
    return "\n".join(parts)


def finish(source: SourceDocument, builder: BlockBuilder, warnings: list[str] | None = None,
           captions: set[int] | None = None, continued: set[int] | None = None) -> Document:
    """The read document, with what every format shares settled the same way: contents entries
    dropped, a line of label-figure pairs made a table, captions attached to their tables."""
    blocks = attach_captions(leaders_to_tables(pairs_to_tables(drop_contents(builder.blocks))), captions or set(),
                             continued or set())
    text = document_text(blocks)
    if not text.strip():
        raise EmptyDocumentError(f"{source.file_name}: no text found in the file")
    source = source.model_copy(update={"blocks": len(blocks)})
    return Document(source=source, blocks=blocks, text=text, warnings=warnings or [])


# -- what every format shares: contents, label-figure pairs ------------------------------------

# a contents entry: '4. Stage 1 complaints ........ 4', 'Stage 1 complaints …… 4'
CONTENTS_LINE_RE = re.compile(r"(?:\.\s?){4,}\s*\d{1,3}\s*$|…+\s*\d{1,3}\s*$")
CONTENTS_TITLE_RE = re.compile(r"^\W*(?:table\s+of\s+)?contents?\W*$", re.IGNORECASE)
# an entry under a 'Contents' title without leaders: '3. Stage 1 complaints 4'
CONTENTS_ENTRY_RE = re.compile(r"^\s*(?:\d{1,2}(?:\.\d+)*\.?\s+)?[A-Za-z][^.!?]{0,80}?\s\d{1,3}\s*$")
INLINE_PAIR_RE = re.compile(r"(?P<label>[A-Za-z][^|·•\d]*?)\s*:?\s+(?P<value>\d[\d,]*(?:\.\d+)?%?)")
MIN_INLINE_PAIRS = 3
# a label and its figure joined by leader dots: 'Compliments ........ 97   (last year: 81)'
LEADER_VALUE_RE = re.compile(r"^(?P<label>[^.]\S.*?)\s*(?:\.\s?){4,}\s*(?P<value>[£$]?\d[\d,]*(?:\.\d+)?%?(?:\s.*)?)$")


def is_contents_line(text: str) -> bool:
    """A contents entry with leader dots and a page number."""
    return bool(CONTENTS_LINE_RE.search(text))


def drop_contents(blocks: list) -> list:
    """Contents entries are not text: lines with leader dots and a page number, and the run of
    short lines ending in a page number under a 'Contents' title."""
    out = []
    under_contents = False
    for block in blocks:
        text = getattr(block, "text", None)
        if isinstance(block, (Paragraph, ListItem, Heading)) and text is not None:
            if CONTENTS_TITLE_RE.match(text):
                under_contents = True
                out.append(block)
                continue
            if is_contents_line(text) or (under_contents and CONTENTS_ENTRY_RE.match(text)):
                continue
        under_contents = False
        out.append(block)
    return out


def inline_pairs(text: str) -> list[tuple[str, str]] | None:
    """'Online form 61 | Email 47 | Telephone 24': three or more label-figure pairs on one line."""
    parts = [part.strip() for part in re.split(r"\s[|·•]\s", text)]
    if len(parts) < MIN_INLINE_PAIRS:
        return None
    pairs = [INLINE_PAIR_RE.fullmatch(part) for part in parts]
    if not all(pairs):
        return None
    return [(m.group("label"), m.group("value")) for m in pairs]


def pairs_to_tables(blocks: list) -> list:
    """A paragraph of label-figure pairs is a table of two columns, in every format."""
    out = []
    for block in blocks:
        pairs = inline_pairs(block.text) if isinstance(block, Paragraph) else None
        if pairs:
            where = block.model_dump(include={"index", "page", "line", "bbox"})
            block = Table(rows=[[Cell(text=label), Cell(text=value)] for label, value in pairs],
                          source_text=block.text, **where)
        out.append(block)
    return out


def leaders_to_tables(blocks: list) -> list:
    """Lines of a label, leader dots and a figure ('Stage 1 complaints ...... 168 (last year:
    151)') are the rows of a table of two columns, whichever block each line became."""
    out: list = []
    run: list = []

    def close() -> None:
        if len(run) >= 2:
            rows = [[Cell(text=m.group("label").strip()), Cell(text=m.group("value").strip())]
                    for m in (LEADER_VALUE_RE.match(b.text) for b in run)]
            where = run[0].model_dump(include={"index", "page", "line", "bbox"})
            out.append(Table(rows=rows, source_text="\n".join(b.text for b in run), **where))
        else:
            out.extend(run)
        run.clear()

    for block in blocks:
        if isinstance(block, (Paragraph, Heading, ListItem)) and LEADER_VALUE_RE.match(block.text):
            run.append(block)
            continue
        close()
        out.append(block)
    close()
    return out


MAX_CAPTION_FRAGMENT_WORDS = 6

# -- captions ----------------------------------------------------------------------------------

# 'Table 3 - Stage 1 outcomes', 'Table A: Summary', 'Figure 2', 'Chart 7: Response timescales'
CAPTION_RE = re.compile(r"^\W*(?:[Tt]able|[Ff]igure|[Cc]hart|[Gg]raph|TABLE|FIGURE|CHART|GRAPH)\s*[A-Z]?\d{0,3}[a-z]?"
                        r"\s*(?:[-–—:.)]|$|\s+[A-Z(])")
MAX_CAPTION_WORDS = 25


def looks_like_caption(text: str) -> bool:
    """A table's or figure's title by its typography: 'Table 3 - ...', 'Figure 2: ...', short,
    not a sentence ('Table 5 below shows ...' is one)."""
    text = text.strip()
    return (bool(CAPTION_RE.match(text)) and len(text.split()) <= MAX_CAPTION_WORDS
            and not text.endswith(".") and not re.match(r"^\W*\w+\s*\w*\s+(?:below|above)\b", text, re.I))


def _join_wrapped_captions(blocks: list) -> list:
    """A caption wrapped onto a second line by a text export ('Table 3: Stage 1 outcomes (number of'
    over 'complaints)') is one caption: a short lower-case fragment between a caption and its
    table goes back on the caption's line."""
    joined: list = []
    for n, block in enumerate(blocks):
        previous = joined[-1] if joined else None
        following = blocks[n + 1] if n + 1 < len(blocks) else None
        if (isinstance(block, Paragraph) and isinstance(previous, (Paragraph, Heading)) and isinstance(following, Table)
                and looks_like_caption(previous.text) and len(block.text.split()) <= MAX_CAPTION_FRAGMENT_WORDS
                and (block.text[:1].islower() or re.search(r"[-–/]$", previous.text) and re.match(r"\d{2,4}\b", block.text))):
            # ('Table 7: Stage 2 outcomes, 2016-' over '17')
            joined[-1] = previous.model_copy(update={"text": f"{previous.text} {block.text}"})
            continue
        joined.append(block)
    return joined


def _repeats_header(before, table: Table) -> bool:
    """A table right after another whose first row is the same header: the first one going on
    after a page break in a text export, where nothing marks the break."""
    if not isinstance(before, Table) or not before.rows or not table.rows:
        return False
    header = [c.text.strip().lower() for c in before.rows[0]]
    return any(header) and [c.text.strip().lower() for c in table.rows[0]] == header


def attach_captions(blocks: list, styled: set[int] = frozenset(), continued: set[int] = frozenset()) -> list:
    """Give each table the caption printed right above it or right below it, whatever made the
    file; the caption is then not also a block of its own. A caption is a paragraph or heading
    that looks like one (`looks_like_caption`) or that the format marks as one (`styled`, block
    indexes: a Word 'Caption' paragraph). Where a caption sits between two tables, the side
    most captions of the document take decides. A caption with no table next to it (a chart
    that was a picture) is a title: it is kept as a heading. A table that goes on from the
    page before (`continued`) has the caption of the table it continues. `styled` and
    `continued` hold the `index` the reader gave those blocks; the blocks are numbered again
    from 0."""
    blocks = _join_wrapped_captions(blocks)

    def is_caption(n: int) -> bool:
        block = blocks[n] if 0 <= n < len(blocks) else None
        return isinstance(block, (Paragraph, Heading)) and (block.index in styled or looks_like_caption(block.text))

    def is_table(n: int) -> bool:
        return 0 <= n < len(blocks) and isinstance(blocks[n], Table)

    above = sum(1 for n in range(len(blocks)) if is_caption(n) and is_table(n + 1))
    below = sum(1 for n in range(len(blocks)) if is_caption(n) and is_table(n - 1) and not is_table(n + 1))
    prefer_below = below > above
    used: set[int] = set()
    captions: dict[int, str] = {}
    for n, block in enumerate(blocks):
        if not isinstance(block, Table) or block.caption:
            continue
        sides = [n - 1, n + 1] if not prefer_below else [n + 1, n - 1]
        for side in sides:
            if side in used or not is_caption(side):
                continue
            if side == n + 1 and is_table(n + 2) and not prefer_below:
                continue  # the caption of the next table
            if side == n - 1 and is_table(n - 2) and prefer_below:
                continue  # the caption of the table before
            captions[n] = blocks[side].text
            used.add(side)
            break
    tables = [n for n, block in enumerate(blocks) if isinstance(block, Table)]
    for before, after in zip(tables, tables[1:]):  # a caption below a table split over pages names both parts
        if blocks[after].index in continued and captions.get(after) and not captions.get(before) \
                and not blocks[before].caption:
            captions[before] = captions[after]
    out = []
    last_caption = None
    for n, block in enumerate(blocks):
        if n in used:
            continue
        if isinstance(block, Table) and n not in captions and not block.caption and (
                block.index in continued or _repeats_header(blocks[n - 1] if n else None, block)):
            captions[n] = last_caption  # a table going on after a page break ('continued', or its header repeated)
        if isinstance(block, Table):
            last_caption = captions.get(n) or block.caption
        if captions.get(n):
            block = block.model_copy(update={"caption": captions[n]})
        elif isinstance(block, Paragraph) and is_caption(n):
            block = Heading(**block.model_dump(exclude={"kind"}), level=4)
        out.append(block)
    return [block.model_copy(update={"index": n}) for n, block in enumerate(out)]


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

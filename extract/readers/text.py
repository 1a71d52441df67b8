"""Read plain text and markdown reports (including text exported from PDF and Word).

Tables arrive as tab-separated lines, markdown pipes, or Word's one-cell-per-line export;
the data behind Word charts arrives flattened into runs of labels and values. All become
`Table` and `Chart` blocks with the 1-based line they start on (the tables in `text_tables`).
"""

from __future__ import annotations

import re
from pathlib import Path

from extract.readers.layout import aligned_tables
from extract.readers.ruled import ruled_tables
from extract.readers.text_patterns import BULLET_RE, LONE_BULLET_RE, MARKERS, MD_HEADING_RE, PIPE_ROW_RE
from extract.readers.text_tables import read_table_region
from extract.readers.common import (
    BlockBuilder,
    finish,
    inline_pairs,
    is_contents_line,
    CONTENTS_TITLE_RE,
    looks_like_caption,
    source_for,
    strip_markdown,
)
from schemas.errors import EmptyDocumentError, ReadError
from schemas import Cell, Document, DocumentFormat, ListItem, Paragraph

NUMBERED_RE = re.compile(r"^\s*(?P<marker>\d{1,2}[.)])\s+(?P<text>\S.*)$")
# Word's export puts a tab after a bullet or list number ('•\t90% of ...'): that is not a table
MARKER_TAB_RE = re.compile(rf"^(?P<marker>\s*(?:{MARKERS}|\d{{1,2}}[.)]|\d+(?:\.\d+)+))\t+(?=[^\t]+$)")
SECTION_NUMBER_RE = re.compile(r"^\s*\d+(?:\.\d+)+\.?\s*$")
BOLD_LINE_RE = re.compile(r"^\s*\*\*[^*]+\*\*\s*$")
MD_SEPARATOR_RE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")  # '---|---|---'
# a page number left by the export: '- 3 -', 'Page 3', 'Page 3 of 12' (a bare '3' may be a cell)
PAGE_NUMBER_LINE_RE = re.compile(r"^\s*(?:[-–—]\s*\d{1,4}\s*[-–—]|page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)\s*$", re.IGNORECASE)
# a contents entry: '4. Stage 1 complaints ........ 4'
BARE_FIGURE_RE = re.compile(r"[£$]?\d[\d,]*(?:\.\d+)?%?")
MAX_INFOGRAPHIC_LABEL_WORDS = 8
TRAILING_PAGE_NUMBER_RE = re.compile(r"[\s|]*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\s*$", re.IGNORECASE)
MIN_RUNNING_LINE_CHARS = 15

MAX_HEADING_WORDS = 14
UNMARKED_ITEM_INDENT = 4  # spaces before a list item whose bullet was lost
WRAPPED_LINE_CHARS = 60  # a line this long that stops mid-sentence was wrapped: the next goes on it
MAX_STOPPED_HEADING_WORDS = 6  # '3. Stage 2 complaints.' is a heading; a longer stopped line is a sentence
# a minute's item: its number and a title in capitals ('2 CHILDREN'S SOCIAL CARE SERVICES ...') opens a paragraph
ITEM_TITLE_RE = re.compile(r"^\s*\d{1,3}\.?\s+(?:[A-Z][A-Z’'&,()\-–]*\s+){2,}[A-Z][A-Z’'&,()\-–]*\b")
MIN_WRAPPED_SHARE = 0.8  # a hard-wrapped line fills most of the width its text was wrapped at
MIN_MEASURED_LINES = 10  # prose lines needed to measure that width
MAX_ITEM_WORDS = 40  # a clause of a list whose bullets were lost, ending in ';'


def decode(raw: bytes, name: str) -> str:
    if b"\x00" in raw[:4096]:
        raise ReadError(f"{name}: this is a binary file, not text (is it a PDF or DOCX with the wrong extension?)")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def read(path: Path) -> Document:
    """Read a .txt or .md report into blocks."""
    source = source_for(path, DocumentFormat.TEXT)
    text = decode(path.read_bytes(), path.name)
    if not text.strip():
        raise EmptyDocumentError(f"{path.name}: the file is empty")
    builder = BlockBuilder()
    # (a form feed is a page break of a PDF export: no indentation, so nothing continues across it by it)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "").split("\n")
    lines = join_figures_to_labels([MARKER_TAB_RE.sub(r"\g<marker> ", line) for line in lines])
    lines_to_blocks(with_outer_pipes(lines), builder)
    return finish(source, builder)


def with_outer_pipes(lines: list[str]) -> list[str]:
    """A markdown table may be written without its outer pipes ('Label | 2021/22 | 2022/23'
    over '---|---|---'): give its rows their outer pipes, so it is read as a table."""
    lines = list(lines)
    for i in range(1, len(lines)):
        if not MD_SEPARATOR_RE.match(lines[i]) or "|" not in lines[i - 1] or PIPE_ROW_RE.match(lines[i - 1]):
            continue
        j = i - 1
        while j < len(lines) and "|" in lines[j] and lines[j].strip():
            lines[j] = "| " + lines[j].strip().strip("|").strip() + " |"
            j += 1
    return lines


def join_figures_to_labels(lines: list[str]) -> list[str]:
    """An infographic exported as text puts each figure on the line under its label, with a
    comment under it ('Stage 1 complaints' / '262' / 'up from 241 in 2015-16'): join them into
    one line on the label's line ('Stage 1 complaints: 262, up from 241 in 2015-16')."""
    lines = list(lines)
    for i in range(1, len(lines)):
        label, value = lines[i - 1].strip(), lines[i].strip()
        if "\t" in lines[i - 1] + lines[i] or not BARE_FIGURE_RE.fullmatch(value) or not _is_infographic_label(label):
            continue  # (a Word table exported one cell per line starts its lines with a tab)
        section = re.match(r"(\d{1,2})\.\s", label)
        if section and value.startswith(section.group(1) + "."):
            continue  # '2. Analysis of complaints' over '2.1': a paragraph number, not a figure
        if re.search(r"(?:19|20)\d\d\s*[-–/]$", label) and re.fullmatch(r"\d{2,4}", value):
            lines[i - 1], lines[i] = label + value, ""  # a year broken at the line's end: 'outcomes, 2016-' / '17'
            continue
        joined = f"{label}: {value}"
        comment = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if comment[:1].islower() and not BARE_FIGURE_RE.fullmatch(comment):
            joined += f", {comment}"
            lines[i + 1] = ""
        lines[i - 1], lines[i] = joined, ""
    return lines


def _is_infographic_label(text: str) -> bool:
    words = text.split()
    return (0 < len(words) <= MAX_INFOGRAPHIC_LABEL_WORDS and re.search(r"[A-Za-z]{3}", text) is not None
            and not re.search(r"[.,;:]$", text) and not BARE_FIGURE_RE.fullmatch(text)
            and not SECTION_NUMBER_RE.match(text) and not PIPE_ROW_RE.match(text))


def running_lines(lines: list[str]) -> set[int]:
    """Indexes of running headers and footers: a line of words (not a table row) that recurs on
    three or more pages, with or without its page number ('Annual Report 2022/23   3')."""
    keys: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        key = TRAILING_PAGE_NUMBER_RE.sub("", line).strip()
        # a footer laid out in cells says 'Page 3 of 8'; a table row does not
        cells_ok = "\t" not in key or re.search(r"page\s*\d", line[len(key):], re.IGNORECASE)
        if len(key) >= MIN_RUNNING_LINE_CHARS and cells_ok and not PIPE_ROW_RE.match(key):
            keys.setdefault(key, []).append(i)
    return {i for found in keys.values() if len(found) >= 3 for i in found}


def lines_to_blocks(lines: list[str], builder: BlockBuilder) -> None:
    """Turn the lines of a text report into blocks, in order."""
    furniture = running_lines(lines)
    # columns laid out with spaces (page headers and footers are not part of them)
    ruled = {table.first: table for table in ruled_tables(lines)}
    ruled_lines = {i for table in ruled.values() for i in range(table.first, table.last + 1)}
    unruled = ["" if i in furniture or i in ruled_lines else line for i, line in enumerate(lines)]
    aligned = {table.first: table for table in aligned_tables(unruled)}
    width = wrap_width(lines)
    i = 0
    last_item: int | None = None  # the line of the last list item that had no bullet
    pending: list[tuple[int, str]] = []  # (line number, text) of the paragraph being built

    def flush() -> None:
        if pending:
            _emit_text(pending, builder, lines)
            pending.clear()

    while i < len(lines):
        line = lines[i]
        if i in furniture:
            i += 1  # a paragraph or table may go on after the page break
            continue
        pairs = inline_pairs(line)
        if pairs:
            flush()  # 'Online form 61 | Email 47 | Telephone 24': a table on one line
            builder.table([[Cell(text=label), Cell(text=value)] for label, value in pairs], source_text=line, line=i + 1)
            i += 1
            continue
        if i in aligned or i in ruled:
            flush()
            table = aligned.get(i) or ruled[i]
            builder.table(table.rows, source_text="\n".join(lines[table.first:table.last + 1]), line=i + 1)
            i = table.last + 1
            continue
        if "\t" in line and line.strip() or PIPE_ROW_RE.match(line):
            flush()
            i = read_table_region(lines, i, builder)
            continue
        if not line.strip() or PAGE_NUMBER_LINE_RE.match(line) or is_contents_line(line) or LONE_BULLET_RE.match(line):
            flush()
            i += 1
            continue
        stripped = line.strip()
        continues = (pending and (line[:1].isspace() or stripped[:1].islower()) and not BULLET_RE.match(line)
                     and not (NUMBERED_RE.match(line) and _in_a_list(lines, i)))  # an indented numbered list
        if looks_like_caption(stripped) or _is_label_value(stripped) or pending and (
                looks_like_caption(pending[-1][1].strip()) or CONTENTS_TITLE_RE.match(pending[-1][1])
                or _is_label_value(pending[-1][1])):
            continues = False  # a caption, 'Contents' or 'Label: 71 (33%)' is a line of its own, however indented
        if _unmarked_item(lines, i, last_item):
            flush()  # an item of a list whose bullets were pictures (a PDF from a browser, exported as text)
            builder.list_item(stripped, line=i + 1)
            last_item = i
            i += 1
            continue
        # a long line that stops mid-sentence was wrapped: '... and 91' / '(43%) were not upheld', even
        # '... at stage' / '3. All complaints were ...'
        wrapped = (pending and _is_prose(pending[-1][1]) and not looks_like_caption(pending[-1][1].strip())
                   and not (len(pending) == 1 and re.match(r"^\s*\d{1,2}\.\s+[A-Z]", pending[0][1])
                            and len(pending[0][1].split()) <= MAX_HEADING_WORDS)  # '3. Details of complaints ...'
                   and (_is_prose(line) or re.search(r"[\w)][.!?;]$|^\([^()]+\)$", stripped))  # '... people' / '(C&YP)'
                   and not BULLET_RE.match(line)
                   and not (NUMBERED_RE.match(line) and _in_a_list(lines, i))  # ('... Policy &' / 'Governance.')
                   and not ITEM_TITLE_RE.match(line)
                   and _filled(_line_before(lines, i, furniture), stripped, width))
        open_bracket = pending and pending[-1][1].count("(") > pending[-1][1].count(")")  # '(2020/21:' / '6).'
        if (continues or wrapped and not looks_like_caption(stripped)) and (
                open_bracket or not re.search(r"[.!?:;]\s*$", pending[-1][1])):
            pending[-1] = (pending[-1][0], pending[-1][1].rstrip() + " " + stripped)
        else:
            flush()
            pending.append((i + 1, line))
        i += 1
    flush()
    _merge_broken_paragraphs(builder)
    _semicolon_lists(builder)


def wrap_width(lines: list[str]) -> int | None:
    """The width, in characters, a hard-wrapped export broke its lines at (None when it has too
    few lines of running text to tell, or is not hard-wrapped)."""
    lengths = sorted(len(line.rstrip()) for line in lines if _is_prose(line))
    if len(lengths) < MIN_MEASURED_LINES:
        return None
    return lengths[int(0.9 * (len(lengths) - 1))]


def _line_before(lines: list[str], i: int, furniture: set[int]) -> str:
    """The last line of text before line `i`, over a page's running header or footer."""
    return next((lines[k] for k in range(i - 1, -1, -1) if k not in furniture and lines[k].strip()), "")


def _filled(previous: str, line: str, width: int | None) -> bool:
    """Whether `previous` was broken by wrapping: the first word of `line` would not have fitted
    on it. A line that stops well short of the width ended its paragraph or list item
    ('... and the Fostering Service' / 'Of the 60 contacts, ...')."""
    if width is None:
        return True
    first_word = (line.split(maxsplit=1) or [""])[0]
    return len(previous.rstrip()) + 1 + len(first_word) >= MIN_WRAPPED_SHARE * width


def _is_prose(text: str) -> bool:
    """A line of running text (long enough to have been wrapped), not a row of a table laid out
    with spaces, leader dots or box characters."""
    text = re.sub(r"^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+", "", text)  # '3.6   Of the 164 ...': the paragraph's number
    return (len(text.strip()) >= WRAPPED_LINE_CHARS - 6 and len(re.findall(r"[A-Za-z]{2,}", text)) >= 6
            and not re.search(r"\S {3,}\S|\.{4,}|[│┃━─|]", text.strip()) and not _is_label_value(text))


def _is_label_value(text: str) -> bool:
    """'Average Stage 1 response time: 12 working days': a short label, a colon and a figure."""
    label = re.match(r"^\s*([^:\d]{3,80}):\s+[£$]?\d", text)
    return bool(label) and len(label.group(1).split()) <= MAX_INFOGRAPHIC_LABEL_WORDS


def _unmarked_item(lines: list[str], i: int, last_item: int | None) -> bool:
    """An indented line under a line that ends with a colon, or right under such an item at the
    same indent (`last_item`, its line index): a list item whose bullet did not survive the export."""
    indent = len(lines[i]) - len(lines[i].lstrip())
    if indent < UNMARKED_ITEM_INDENT or not lines[i].strip() or lines[i].strip()[:1].islower():
        return False
    k = i - 1
    while k >= 0 and not lines[k].strip():
        k -= 1
    if k < 0:
        return False
    above = lines[k]
    above_indent = len(above) - len(above.lstrip())
    if above_indent < indent and (re.search(r":\s*$", above) or CONTENTS_TITLE_RE.match(above)):
        return True
    return above_indent == indent and k == i - 1 == last_item


def _emit_text(pending: list[tuple[int, str]], builder: BlockBuilder, lines: list[str]) -> None:
    for line_number, raw in pending:
        _emit_line(raw, line_number, builder, neighbours_numbered=_in_a_list(lines, line_number - 1))


def _in_a_list(lines: list[str], index: int) -> bool:
    """A numbered line is a list item when the line above or below is one too."""

    def listy(i: int) -> bool:
        return 0 <= i < len(lines) and bool(NUMBERED_RE.match(lines[i]) or BULLET_RE.match(lines[i]))

    return listy(index - 1) or listy(index + 1)


def _emit_line(raw: str, line_number: int, builder: BlockBuilder, neighbours_numbered: bool) -> None:
    where = {"line": line_number}
    heading = MD_HEADING_RE.match(raw)
    if heading:
        builder.heading(strip_markdown(heading.group("text")), level=len(heading.group("hashes")), **where)
        return
    bullet = BULLET_RE.match(raw)
    if bullet:
        builder.list_item(strip_markdown(bullet.group("text")), marker=bullet.group("marker"), **where)
        return
    text = strip_markdown(raw)
    if not text:
        return
    numbered = NUMBERED_RE.match(raw)
    if numbered and neighbours_numbered:
        builder.list_item(strip_markdown(numbered.group("text")), marker=numbered.group("marker"), **where)
        return
    if SECTION_NUMBER_RE.match(text):
        return  # a bare section number ("1.1") on its own line
    if BOLD_LINE_RE.match(raw) or _looks_like_heading(text):
        builder.heading(text, level=3 if numbered is None else 2, **where)
        return
    builder.paragraph(text, **where)


def _looks_like_heading(text: str) -> bool:
    words = text.split()
    if not words or len(words) > MAX_HEADING_WORDS:
        return False
    if re.search(r"[.,;]\s*$", text) and not (
        re.match(r"^\d+(?:\.\d+)*\.\s|^\d+\.\d+\s", text) and len(words) <= MAX_STOPPED_HEADING_WORDS
    ):
        return False  # a sentence; '4.1 All 212 complaints were considered at stage 1.' too
    if re.match(r"^[\d,.%]+\s+[a-z]", text):
        return False  # '5 complaints were considered' is a sentence
    if text.count("(") > text.count(")"):
        return False  # a line that breaks inside a bracket goes on: '... services (2020/21:' / '6). It made ...'
    stop = re.search(r"[a-z0-9)]\.\s+[A-Z]", text)
    if stop and re.search(r"\b(?:were|was|is|are|has|have|had)\b", text[:stop.start()]):
        return False  # two sentences: '190 complaints were responded to. Response times were:'
    if re.search(r"(?::|\s[–—-])\s*[£$]?\d[\d,]*(?:\.\d+)?%?(?:\s|$)", text):
        return False  # 'Compliments: 187 (2023/24: 203)', 'Parent/carer – 128': a figure, not a title
    first = text.lstrip("(").strip()[:1]
    if not (first.isupper() or first.isdigit()):
        return False
    return not re.fullmatch(r"[\d,.%£\s]+", text)


def _semicolon_lists(builder: BlockBuilder) -> None:
    """A list whose bullets the export lost: after a paragraph ending in a colon, short
    paragraphs ending in ';' (the last in ';' or '.') are its items ('Of the 136 complaints
    received:' / '98 had been progressed to a formal investigation;' / '4 had been withdrawn.')."""
    blocks = builder.blocks
    for start, block in enumerate(blocks):
        if not (isinstance(block, (Paragraph, ListItem)) and block.text.rstrip().endswith(":")):
            continue
        end = start + 1
        while (end < len(blocks) and isinstance(blocks[end], Paragraph)
               and len(blocks[end].text.split()) <= MAX_ITEM_WORDS and blocks[end].text.rstrip().endswith(";")):
            end += 1
        if end == start + 1:
            continue
        if (end < len(blocks) and isinstance(blocks[end], Paragraph) and len(blocks[end].text.split()) <= MAX_ITEM_WORDS
                and blocks[end].text.rstrip().endswith(".")):
            end += 1  # the last item
        if end - start - 1 < 2:
            continue
        for n in range(start + 1, end):
            item = blocks[n]
            blocks[n] = ListItem(**item.model_dump(exclude={"kind"}))


def _merge_broken_paragraphs(builder: BlockBuilder) -> None:
    """Join a paragraph that a page break cut in two ('... a procedure for' / 'resolving ...')."""
    merged: list = []
    for block in builder.blocks:
        previous = merged[-1] if merged else None
        if (
            isinstance(block, Paragraph)
            and isinstance(previous, Paragraph)
            and block.text[:1].islower()
            and not re.search(r"[.!?:]\s*$", previous.text)
        ):
            merged[-1] = previous.model_copy(update={"text": previous.text + " " + block.text})
            continue
        merged.append(block)
    builder.blocks = [block.model_copy(update={"index": n}) for n, block in enumerate(merged)]

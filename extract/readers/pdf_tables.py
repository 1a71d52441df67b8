"""Tables the PDF reader finds without ruling lines, and tables that run over a page or column.

A borderless table is a run of lines whose words fall into aligned columns with figures in them,
with up to a few lines of column titles above. A table that opens a page or column with the
columns of the table that ended the one before goes on from it: its header row is given again.
"""

from __future__ import annotations

import re
import statistics

from extract.readers.common import clean_text, looks_numeric
from extract.readers.pdf_lines import BULLET_RE, Line, PageContent, PageTable, PdfSettings, is_bold, is_italic, reading_key, spans_across
from schemas.periods import is_period_label
from schemas import Cell


ABBREVIATION_RE = re.compile(r"(?:\S+\s)?[A-Za-z]{1,5}\.")  # 'No.', 'Avg.', '2018-19 No.': a column title, not a sentence


COUNT_AND_SHARE_RE = re.compile(r"[£]?\d[\d,]*(?:\.\d+)?%?\s*\(\s*\d[\d,]*(?:\.\d+)?%?\s*\)")  # '17 (18%)'


SECTION_OR_CAPTION_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?|(?:table|figure|chart)\s+\d+[.:]?)$", re.IGNORECASE)


SQUEEZED_FIGURES_RE = re.compile(r"\d+\*?(?:\s+(?:\d+\*?|[-–+]))+")


def _is_figure_text(text: str) -> bool:
    """A cell of a table of figures; '11 6 16' (columns printed close together) is figures too."""
    if looks_numeric(text) or text.strip().lower() in {"-", "–", "n/a", "*"} or is_period_label(text):
        return True
    return bool(SQUEEZED_FIGURES_RE.fullmatch(text.strip()) or COUNT_AND_SHARE_RE.fullmatch(text.strip()))


def borderless_tables(lines: list[Line], page: int, settings: PdfSettings) -> tuple[list[PageTable], list[Line]]:
    """Runs of lines whose words fall into aligned columns with figures in them."""
    def segmented(line: Line) -> list[list[dict]]:
        return line.segments(settings.column_gap * line.size)

    candidate = []
    bullet = []
    years_only = []  # a line of column titles that are years ('2015/2016  % on time  2016/2017')
    for line in lines:
        segments = segmented(line)
        texts = [clean_text(" ".join(w["text"] for w in s)) for s in segments]
        bullet.append(line.marked or bool(BULLET_RE.match(line.text)) or texts[0] in {"•", "●", "▪", "\uf0b7", "·", "-", "–"})
        candidate.append(not bullet[-1] and len(segments) >= 2 and any(_is_figure_text(t) for t in texts[1:]))
        years_only.append(candidate[-1] and all(is_period_label(t) or not _is_figure_text(t) for t in texts))
    tables: list[PageTable] = []
    used: set[int] = set()
    i = 0
    while i < len(lines):
        if not candidate[i]:
            i += 1
            continue
        start = i
        end = i
        while end + 1 < len(lines):
            gap = lines[end + 1].top - lines[end].bottom
            # rows of column titles (a header repeated on a new page) may stand further off the rows
            only_titles = all(years_only[k] or not candidate[k] for k in range(start, end + 1))
            if gap > (settings.header_gap if only_titles else settings.row_gap) * lines[end].size:
                break
            nxt = lines[end + 1]
            starts = [s[0]["x0"] for s in segmented(lines[end])] + [min(line.x0 for line in lines[start:end + 1])]
            wrapped = all(any(abs(s[0]["x0"] - x) < settings.align_tolerance for x in starts) for s in segmented(nxt))
            if candidate[end + 1] or (wrapped and end + 2 < len(lines) and candidate[end + 2]
                                      and not any(_is_figure_text(" ".join(w["text"] for w in s)) for s in segmented(nxt))):
                end += 1
            else:
                break
        # header lines just above, split into the same columns; a title wrapped onto a line of
        # its own ('Cases' under 'Resolution') counts when a line of several titles is above it
        above_lines: list[int] = []
        top = start
        for _ in range(settings.max_header_lines):
            above = top - 1
            if above < 0 or above in used or bullet[above] or (candidate[above] and not years_only[above]):
                break
            if (lines[top].top - lines[above].bottom >= settings.header_gap * lines[top].size
                    or not _is_title_line(lines[above], segmented, settings)):
                break
            above_lines.append(above)
            top = above
        while above_lines and len(segmented(lines[above_lines[-1]])) < 2:
            above_lines.pop()
        if above_lines:
            start = above_lines[-1]
        for first, last in _split_at_headers(lines, segmented, start, end):
            group = lines[first:last + 1]
            figures_rows = sum(candidate[first:last + 1])
            if figures_rows >= 2 or (figures_rows == 1 and len(group) >= 2):
                tables.append(_columns_to_table(group, page, settings))
                used.update(range(first, last + 1))
        i = end + 1
    remaining = [line for n, line in enumerate(lines) if n not in used]
    return tables, remaining


def _is_title_line(line: Line, segmented, settings: PdfSettings) -> bool:
    """Column titles are short and are not sentences (a justified paragraph has wide gaps too)."""
    texts = [" ".join(w["text"] for w in s) for s in segmented(line)]
    if SECTION_OR_CAPTION_RE.match(texts[0]):
        return False  # '2   Volumes', 'Table 1   Representations received': a heading, not column titles
    return all(len(text.split()) <= settings.max_title_words
               and not (text.rstrip().endswith((".", ",", ";")) and not ABBREVIATION_RE.fullmatch(text.strip()))
               for text in texts)


def _is_header_line(line: Line, segments: list[list[dict]]) -> bool:
    """A line of column titles: several cells, none of them a figure other than a year."""
    texts = [clean_text(" ".join(w["text"] for w in s)) for s in segments]
    later = texts[1:]
    return (len(texts) >= 2 and not any(looks_numeric(t) for t in later)
            and any(re.search(r"[A-Za-z]{2}|\d{4}", t) for t in later))  # not a row of dashes


def _split_at_headers(lines: list[Line], segmented, start: int, end: int) -> list[tuple[int, int]]:
    """Tables printed one under another: a header line after rows of figures starts a new one."""
    parts = []
    first = start
    seen_figures = False
    for n in range(start, end + 1):
        segments = segmented(lines[n])
        if seen_figures and n > first and _is_header_line(lines[n], segments):
            parts.append((first, n - 1))
            first, seen_figures = n, False
        texts = [clean_text(" ".join(w["text"] for w in s)) for s in segments]
        if any(looks_numeric(text) and not is_period_label(text) for text in texts[1:]):
            seen_figures = True  # a row of years is a header, not figures
    parts.append((first, end))
    return parts


def _columns_to_table(group: list[Line], page: int, settings: PdfSettings) -> PageTable:
    spans: list[list[float]] = []  # column x ranges, merged where segments overlap
    segmented = [line.segments(settings.column_gap * line.size) for line in group]
    # the rows of figures set the columns first: a title over several of them ('Number of
    # Complaints per Year' over four years) then spans them rather than joining them
    figure_rows = [s for s in segmented if any(looks_numeric(_segment_text(seg)) for seg in s[1:])]
    for segments in figure_rows + [s for s in segmented if s not in figure_rows]:
        for segment in segments:
            x0, x1 = segment[0]["x0"], segment[-1]["x1"]
            overlapped = [span for span in spans if x0 <= span[1] and x1 >= span[0]]
            if len(overlapped) > 1 and segments not in figure_rows:
                continue  # a title spanning columns
            if overlapped:
                span = overlapped[0]
                span[0], span[1] = min(span[0], x0), max(span[1], x1)
            else:
                spans.append([x0, x1])
    spans.sort()
    merged: list[list[float]] = []
    for span in spans:
        if merged and span[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span[1])
        else:
            merged.append(list(span))
    merged = _pair_headers_with_columns(merged, segmented)
    rows: list[list[Cell]] = []
    for line, segments in zip(group, segmented):
        cells = [""] * len(merged)
        styles: dict[int, tuple[bool, bool]] = {}
        for segment in segments:
            middle = (segment[0]["x0"] + segment[-1]["x1"]) / 2
            column = min(range(len(merged)), key=lambda c: 0 if merged[c][0] <= middle <= merged[c][1]
                         else min(abs(middle - merged[c][0]), abs(middle - merged[c][1])))
            spanned = [c for c, span in enumerate(merged)
                       if segment[0]["x0"] <= span[1] and segment[-1]["x1"] >= span[0]]
            if len(spanned) > 1:
                column = spanned[0]  # a title over several columns heads the first of them
            text = " ".join(w["text"] for w in segment)
            cells[column] = clean_text(f"{cells[column]} {text}")
            fonts = [w.get("fontname", "") for w in segment]
            styles[column] = (all(is_bold(f) for f in fonts), all(is_italic(f) for f in fonts))
        rows.append([Cell(text=t, bold=bool(t) and styles.get(n, (False, False))[0],
                          italic=bool(t) and styles.get(n, (False, False))[1]) for n, t in enumerate(cells)])
    bbox = (min(l.x0 for l in group), group[0].top, max(l.x1 for l in group), group[-1].bottom)
    return PageTable(page, bbox, _join_wrapped_lines(rows, group, settings), borderless=True)


def _join_wrapped_lines(rows: list[list[Cell]], group: list[Line], settings: PdfSettings) -> list[list[Cell]]:
    """Cell text wrapped onto more lines. A line closer to the line above than rows are to one
    another is more of the same row: column titles wrapped over several lines join cell by
    cell ('Stage 1' / 'complaints'); a row label wrapped onto a line of its own
    ('Children and Family Assessment' / 'Team 3') goes on the label above."""
    gaps = [b.top - a.bottom for a, b in zip(group, group[1:])]
    if not gaps:
        return rows
    tight = min(statistics.median(gaps), statistics.median(line.size for line in group)) * settings.wrapped_line_gap
    out: list[list[Cell]] = [rows[0]]
    titles = not _has_figures(rows[0])
    for row, gap in zip(rows[1:], gaps):
        previous = out[-1]
        titles = titles and not _has_figures(row)
        if gap < tight and titles:
            out[-1] = [_joined(a, b) for a, b in zip(previous, row)]
        elif gap < tight and row[0].text and not any(c.text for c in row[1:]) and _has_figures(previous):
            out[-1] = [_joined(previous[0], row[0])] + previous[1:]
        else:
            out.append(row)
    return out


def _has_figures(row: list[Cell]) -> bool:
    return any(looks_numeric(c.text) and not is_period_label(c.text) for c in row[1:])


def _joined(first: Cell, second: Cell) -> Cell:
    if not second.text:
        return first
    if not first.text:
        return second
    return Cell(text=f"{first.text} {second.text}", bold=first.bold and second.bold, italic=first.italic and second.italic)


def _segment_text(segment: list[dict]) -> str:
    return clean_text(" ".join(w["text"] for w in segment))


def _pair_headers_with_columns(spans: list[list[float]], segmented: list[list[list[dict]]]) -> list[list[float]]:
    """A column title that overlaps no figures, next to a column of figures with no title, is
    that column's title: 'Volume Closed 2023/24' over figures aligned to its right edge."""
    def touched(lines) -> set[int]:
        found = set()
        for segments in lines:
            for segment in segments:
                middle = (segment[0]["x0"] + segment[-1]["x1"]) / 2
                found.update(n for n, span in enumerate(spans) if span[0] <= middle <= span[1])
        return found

    data_lines = [s for s in segmented if any(looks_numeric(" ".join(w["text"] for w in seg)) for seg in s[1:])]
    header_lines = [s for s in segmented if s not in data_lines]
    with_data, with_header = touched(data_lines), touched(header_lines)
    merged = [list(span) for span in spans]
    absorbed: set[int] = set()
    for n in range(1, len(spans)):
        if n in with_data or n not in with_header:
            continue
        neighbours = [m for m in (n - 1, n + 1) if 0 < m < len(spans) and m in with_data and m not in with_header
                      and m not in absorbed]
        if not neighbours:
            continue
        nearest = min(neighbours, key=lambda m: min(abs(spans[m][0] - spans[n][1]), abs(spans[n][0] - spans[m][1])))
        merged[nearest] = [min(spans[n][0], spans[nearest][0]), max(spans[n][1], spans[nearest][1])]
        absorbed.update({n, nearest})
        merged[n] = []
    return [span for span in merged if span]


def join_continued_tables(pages: list[PageContent]) -> None:
    """A table that opens a page or a column with the same columns as the table that ends the
    page or column before it, with no text between them, continues it: a repeated header row
    is kept once, a missing one is supplied."""
    sequence: list[Line | PageTable] = []
    for page in pages:
        spans = spans_across(page, page.tables, page.lines)
        sequence += [item for _, item in sorted(
            [(reading_key(l.top, l.column, spans), l) for l in page.lines]
            + [(reading_key(t.bbox[1], t.column, spans), t) for t in page.tables], key=lambda pair: pair[0])]
    width = lambda t: max(len(r) for r in t.rows)  # noqa: E731
    for last, first in zip(sequence, sequence[1:]):
        if not (isinstance(last, PageTable) and isinstance(first, PageTable)) or width(last) != width(first):
            continue
        if first.page == last.page and first.column == last.column:
            continue  # two tables one under the other in the same column are two tables
        header = last.rows[: last.header_rows]
        first.continued = True
        repeated = 0  # rows of the header printed again on the new page or column
        while (repeated < min(len(first.rows), len(last.rows)) - 1
               and [c.text for c in first.rows[repeated]] == [c.text for c in last.rows[repeated]]):
            repeated += 1
        _join_split_row(last, first, repeated)
        _carry_open_group(last, first, repeated, max(repeated, last.header_rows))
        if not repeated:
            first.rows = header + first.rows


def _carry_open_group(last: PageTable, first: PageTable, skip: int, header: int) -> None:
    """Rows grouped under a bold label row ('Children in Care' over its localities) that run
    onto the next page or column take that label row with them, as they take the header."""
    body = last.rows[header:]
    groups = [n for n, row in enumerate(body) if row[0].bold and row[0].text and not any(c.text for c in row[1:])]
    if not groups or len(first.rows) <= skip:
        return
    opened = groups[-1]
    children = body[opened + 1:]
    if children and not any(row[0].bold for row in children) and not first.rows[skip][0].bold:
        first.rows = first.rows[:skip] + [body[opened]] + first.rows[skip:]


def _join_split_row(last: PageTable, first: PageTable, skip: int) -> None:
    """A row that broke over the page or column: its label's last line opens the continued
    table, alone in its row ('Young People's' / 'Service (Care Leavers)'). It goes back on
    the row it belongs to."""
    rows = first.rows[skip:]
    if not rows or not last.rows:
        return
    opening, ending = rows[0], last.rows[-1]
    if opening[0].text and not any(c.text for c in opening[1:]) and _has_figures(ending) and len(rows) > 1 \
            and _has_figures(rows[1]):
        last.rows[-1] = [_joined(ending[0], opening[0])] + ending[1:]
        first.rows = first.rows[:skip] + rows[1:]

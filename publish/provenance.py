"""From a fact to the place in its report: the archived file, the quote found again in it, the
lines around it, and for a PDF a picture of the page with the figure marked.

Used by the site (publish/plugins/). The quote a finder recorded is searched for again in the
archived file, word by word (case, punctuation and markdown ignored), near the recorded line,
block or table box first:

* text: the file's lines around the match;
* PDF: the page's words as pdfplumber reads them, grouped into lines; the matched words give
  the boxes drawn on the page picture (the table row and the figure's cell for a table, the
  sentence and the figure for prose), inside the table's recorded box when there is one;
* Word and HTML: the blocks around the recorded block, as the project's readers read them.

When the quote cannot be found again (it was rebuilt from a table's cells in another order, or
the file changed), nothing is marked and the page says so: the recorded line, page or box is
still shown. Nothing here writes to the database.
"""

from __future__ import annotations

import hashlib
import io
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from extract.readers import read

#: Format -> (file extension of the stable address, content type).
REPORT_TYPES = {
    "pdf": ("pdf", "application/pdf"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "html": ("html", "text/html; charset=utf-8"),
    "text": ("txt", "text/plain; charset=utf-8"),
}
#: Lines shown before and after the matched ones.
CONTEXT_LINES = 3
#: Lines after a text table's recorded line (its first) searched for the quote's row first.
TABLE_SEARCH_LINES = 80
#: A quote that cannot be found whole may be found by its first words (at least this many).
MIN_PREFIX_TOKENS = 4
#: Resolution of page pictures (dots per inch): an A4 page is 827 x 1170 pixels.
PAGE_RESOLUTION = 100
#: Points a word may lie outside a table's recorded box and still be in the table.
BOX_MARGIN = 2.0
#: Words whose tops differ by at most this many points are on one line.
LINE_TOLERANCE = 3.0
#: Bump when the drawing changes, so cached page pictures are drawn again.
PICTURE_VERSION = "1"

_TABLE_HEADER = re.compile(r"\s*\[[^\]]*\]\s*$")


def report_url(sha256: str, file_format: str | None) -> str | None:
    """The stable address of an archived report: /reports/<sha256>.<ext>."""
    if file_format not in REPORT_TYPES:
        return None
    return f"/reports/{sha256}.{REPORT_TYPES[file_format][0]}"


# -- the archived file -------------------------------------------------------------------------

class ReportFileError(LookupError):
    """The archived file of a document is missing or is not the file the facts were read from."""


def file_sha256(path: Path) -> str:
    return _file_sha256(str(path), *_stamp(path))


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@lru_cache(maxsize=512)
def _file_sha256(path: str, size: int, mtime: int) -> str:  # size and mtime: a changed file is hashed again
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def report_file(corpus_dir: Path, relative_path: str, sha256: str) -> Path:
    """The archived file of a document, checked against its SHA-256: a journalist following a
    figure must get the very file it was read from, never a later edit."""
    path = (Path(corpus_dir) / relative_path).resolve()
    if Path(corpus_dir).resolve() not in path.parents or not path.is_file():
        raise ReportFileError(f"the report file {relative_path} is not in the corpus folder served "
                              f"({corpus_dir}); serve the corpus the database was built from "
                              "(complaints serve --corpus DIR)")
    if file_sha256(path) != sha256:
        raise ReportFileError(f"the file {relative_path} has changed since the database was built "
                              "(its SHA-256 differs); rebuild the database")
    return path


# -- words, lines and the quote found again ------------------------------------------------------

_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")
_DIGITS = re.compile(r"\d[\d,]*(?:\.\d+)?")
#: Numbers reports write in words ("Zero complaints were received from young people").
WORD_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())} | {"no": 0, "none": 0, "nil": 0}


def _norm(token: str) -> str:
    """'**88**' -> '88', '<b>52</b>' -> '52', 'Stage' -> 'stage', '–' -> '' (ligatures folded)."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", _MARKUP.sub("", token)).lower())


def numbers_in(text: str) -> list[tuple[int, int, float]]:
    """The figures in a word, with their places: '7(13%)' -> 7 and 13, '-6' -> -6, '£1,200' -> 1200;
    not the parts of a year ('2023/24', '2016-17'); 'Zero' -> 0."""
    found = []
    for match in _DIGITS.finditer(text):
        start, end = match.span()
        before = text[start - 1] if start else ""
        if (text[end:end + 1] in ("/", "-", "–") and text[end + 1:end + 2].isdigit()
                or before in ("/", "-", "–") and text[start - 2:start - 1].isdigit()):
            continue  # a year or a range
        sign = -1 if before in ("-", "−") else 1
        found.append((start, end, sign * float(match.group().replace(",", "").rstrip(","))))
    if not found and _norm(text) in WORD_NUMBERS:
        found.append((0, len(text), float(WORD_NUMBERS[_norm(text)])))
    return found


@dataclass(frozen=True)
class Word:
    text: str
    line: int  # index into the searched lines
    start: int  # character offsets in that line's text
    end: int
    box: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points


@dataclass
class Line:
    text: str
    number: int | None = None  # 1-based line of a text file
    marks: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, 'quote' | 'value')

    def segments(self) -> list[tuple[str, str | None]]:
        """The line cut into (text, mark) pieces for a template: mark None, 'quote' or 'value'."""
        cuts: list[tuple[str, str | None]] = []
        at = 0
        for start, end, kind in sorted(self.marks):
            if start < at:
                continue
            if start > at:
                cuts.append((self.text[at:start], None))
            cuts.append((self.text[start:end], kind))
            at = end
        if at < len(self.text):
            cuts.append((self.text[at:], None))
        return cuts


@dataclass
class Located:
    """A quote found again in its document: the lines to show, with the quote and the figure marked."""

    lines: list[Line]
    found: bool
    boxes: list[tuple[float, float, float, float]] = field(default_factory=list)  # the quote's lines (PDF)
    value_box: tuple[float, float, float, float] | None = None
    table_box: tuple[float, float, float, float] | None = None

    @property
    def value_found(self) -> bool:
        return any(kind == "value" for line in self.lines for _, _, kind in line.marks)


class Index:
    """The words of a text, a page or a document's blocks, searchable word by word (cached per file)."""

    def __init__(self, lines: list[str], words: list[Word], numbers: list[int | None] | None = None):
        self.lines = lines
        self.numbers = numbers or [None] * len(lines)
        self.words = words
        keys = [_norm(w.text) for w in words]
        self.kept = [i for i, key in enumerate(keys) if key]  # words of punctuation only do not count
        self.stream = [keys[i] for i in self.kept]
        self.position = {word: n for n, word in enumerate(self.kept)}

    @classmethod
    def of_lines(cls, lines: list[str], numbers: list[int | None] | None = None) -> "Index":
        words = [Word(m.group(), n, m.start(), m.end()) for n, text in enumerate(lines) for m in re.finditer(r"\S+", text)]
        return cls(lines, words, numbers)

    def find(self, tokens: list[str], first: list[int]) -> tuple[int, int] | None:
        """(first, last + 1) word indexes of the tokens in a row, trying the words in `first` as
        starts before all others; the whole quote, else its longest prefix of MIN_PREFIX_TOKENS words or more."""
        if not tokens:
            return None
        preferred = set(first)
        order = first + [i for i in self.kept if i not in preferred]
        for length in range(len(tokens), min(len(tokens), MIN_PREFIX_TOKENS) - 1, -1):
            wanted = tokens[:length]
            for start in order:
                n = self.position.get(start)
                if n is not None and self.stream[n:n + length] == wanted:
                    return self.kept[n], self.kept[n + length - 1] + 1
        return None

    def locate(self, searches: list[list[str]], first: list[int], value: float | None, method: str | None,
               fallback_line: int | None) -> tuple[Located, tuple[int, int] | None, Word | None]:
        """The quote's lines with the quote and the figure marked, and the matched span and figure's word;
        `searches` are the words to look for, best first (see `quote_searches`)."""
        span = next((found for found in (self.find(tokens, first) for tokens in searches) if found), None)
        if span is None:
            rows = [fallback_line] if fallback_line is not None else []
            return Located(self._window(rows, {}), found=False), None, None
        matched = self.words[span[0]:span[1]]
        marks: dict[int, list[tuple[int, int, str]]] = {}
        for line in sorted({w.line for w in matched}):
            on_line = [w for w in matched if w.line == line]
            marks[line] = [(on_line[0].start, on_line[-1].end, "quote")]
        figure = _figure(matched, value, method)
        if figure:
            word, start, end = figure
            quote = marks[word.line][0]
            marks[word.line] = [m for m in [(quote[0], word.start + start, "quote"),
                                            (word.start + start, word.start + end, "value"),
                                            (word.start + end, quote[1], "quote")] if m[1] > m[0]]
        located = Located(self._window(sorted(marks), marks), found=True)
        return located, span, figure[0] if figure else None

    def _window(self, rows: list[int], marks: dict) -> list[Line]:
        if not rows:
            return []
        start, end = max(0, rows[0] - CONTEXT_LINES), min(len(self.lines), rows[-1] + CONTEXT_LINES + 1)
        return [Line(self.lines[n], self.numbers[n], list(marks.get(n, []))) for n in range(start, end)]


def _figure(matched: list[Word], value: float | None, method: str | None) -> tuple[Word, int, int] | None:
    """The figure among the matched words (word, start, end within it): the number equal to the
    value (a table row's last such, prose's first), else a table row's last number."""
    numbers = [(w, start, end, n) for w in matched for start, end, n in numbers_in(w.text)]
    equal = [x for x in numbers if value is not None and abs(x[3] - float(value)) < 1e-9]
    if method == "table":  # the row's cells end with the figure's
        chosen = (equal or numbers or [None])[-1]
    else:
        chosen = (equal or [None])[0]
    return chosen[:3] if chosen else None


def _tokens(text: str) -> list[str]:
    return [t for t in (_norm(w) for w in text.split()) if t]


def quote_searches(quote: str, method: str | None) -> list[list[str]]:
    """The words to search for, best first. A table's quote is its row's cells up to the figure,
    then the column's header in brackets: '2023/24 | 0 | 9 [Stage 1 complaints]' is searched as
    '2023/24 0 9'. A chart's quote is rebuilt as 'Title — Series: Category 8'; when it is not
    printed so, its category's label is searched for (its value is printed apart, with the others)."""
    if method == "table":
        quote = _TABLE_HEADER.sub("", quote)
    searches = [_tokens(quote)]
    if method == "chart" and ": " in quote:
        label = re.sub(r"\s+[-\d.,%£]+$", "", quote.rsplit(": ", 1)[1])
        searches.append(_tokens(label))
    return [tokens for tokens in searches if tokens]


def _near(index: Index, line: int | None, method: str | None) -> list[int]:
    """Words to try first: from the line before the recorded one to a few after it (a text
    table's recorded line is its first, so its rows are searched further on)."""
    if line is None:
        return []
    ahead = TABLE_SEARCH_LINES if method == "table" else CONTEXT_LINES
    return [i for i in index.kept if line - 1 <= index.words[i].line <= line + ahead]


def text_context(path: Path, line: int | None, quote: str, value: float | None, method: str | None) -> Located:
    """The lines of a text report around the quote, searched for from its recorded line."""
    index = _text_index(str(path), *_stamp(path))
    near = line - 1 if line else None
    return index.locate(quote_searches(quote, method), _near(index, near, method), value, method, near)[0]


@lru_cache(maxsize=16)
def _text_index(path: str, size: int, mtime: int) -> Index:
    lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    return Index.of_lines(lines, list(range(1, len(lines) + 1)))


def blocks_context(path: Path, block: int | None, quote: str, value: float | None, method: str | None) -> Located:
    """Word and HTML reports: the blocks around the recorded one, one line per paragraph or
    table row, as the project's reader reads them."""
    index, first_line_of = _blocks_index(str(path), *_stamp(path))
    near = first_line_of.get(block) if block is not None else None
    return index.locate(quote_searches(quote, method), _near(index, near, method), value, method, near)[0]


@lru_cache(maxsize=8)
def _blocks_index(path: str, size: int, mtime: int) -> tuple[Index, dict[int, int]]:

    lines: list[str] = []
    first_line_of: dict[int, int] = {}
    for block in read(Path(path)).blocks:
        first_line_of[block.index] = len(lines)
        if block.kind == "table":
            lines += [" | ".join(row) for row in block.text_rows()]
        elif block.kind == "chart":
            lines += [text for text in (block.title, block.source_text) if text]
        else:
            lines.append(block.text)
    return Index.of_lines(lines), first_line_of


# -- PDF pages -------------------------------------------------------------------------------------

_PDF_LOCK = threading.Lock()  # pdfium is not thread-safe; the site renders in worker threads


@lru_cache(maxsize=32)
def _page_index(path: str, size: int, mtime: int, page: int) -> Index:
    """pdfplumber's words of a page (in reading order) grouped into lines, each word with its box."""
    import pdfplumber

    with _PDF_LOCK, pdfplumber.open(path) as pdf:
        raw = pdf.pages[page - 1].extract_words() if 1 <= page <= len(pdf.pages) else []
    lines: list[str] = []
    words: list[Word] = []
    top = None
    for w in raw:
        if top is None or abs(w["top"] - top) > LINE_TOLERANCE:
            lines.append("")
            top = w["top"]
        start = len(lines[-1]) + (1 if lines[-1] else 0)
        lines[-1] = f"{lines[-1]} {w['text']}" if lines[-1] else w["text"]
        words.append(Word(w["text"], len(lines) - 1, start, start + len(w["text"]),
                          (w["x0"], w["top"], w["x1"], w["bottom"])))
    return Index(lines, words)


def _inside(box, outer) -> bool:
    return (box[0] >= outer[0] - BOX_MARGIN and box[1] >= outer[1] - BOX_MARGIN
            and box[2] <= outer[2] + BOX_MARGIN and box[3] <= outer[3] + BOX_MARGIN)


def _union(boxes) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def pdf_context(path: Path, page: int, bbox: tuple | None, quote: str, value: float | None,
                method: str | None) -> Located:
    """The page's text around the quote, and the boxes of the quote's lines and of the figure,
    searched for inside the table's recorded box first."""
    index = _page_index(str(path), *_stamp(path), page)
    inside = [i for i in index.kept if bbox and _inside(index.words[i].box, bbox)]
    fallback = index.words[inside[0]].line if inside else (0 if index.lines else None)
    located, span, figure = index.locate(quote_searches(quote, method), inside, value, method, fallback)
    located.table_box = tuple(bbox) if bbox else None
    if span is None:
        return located
    matched = index.words[span[0]:span[1]]
    located.boxes = [_union([w.box for w in matched if w.line == line]) for line in sorted({w.line for w in matched})]
    located.value_box = figure.box if figure else None
    return located


def page_picture(path: Path, page: int, located: Located | None, cache_dir: Path | None, key: str) -> bytes:
    """A PNG of the PDF page with the table's box outlined, the quote's lines shaded and the
    figure boxed; drawn once and kept in `cache_dir` under `key` (document, page and fact)."""
    cached = Path(cache_dir) / f"{key}-v{PICTURE_VERSION}.png" if cache_dir else None
    if cached and cached.exists():
        return cached.read_bytes()
    import pdfplumber
    from PIL import Image, ImageDraw

    with _PDF_LOCK, pdfplumber.open(str(path)) as pdf:
        if not 1 <= page <= len(pdf.pages):
            raise ReportFileError(f"the report has no page {page}")
        image = pdf.pages[page - 1].to_image(resolution=PAGE_RESOLUTION).original.convert("RGB")
    scale = PAGE_RESOLUTION / 72

    def px(box, grow=0.0):
        return [box[0] * scale - grow, box[1] * scale - grow, box[2] * scale + grow, box[3] * scale + grow]

    if located:
        overlay = image.copy()
        shade = ImageDraw.Draw(overlay)
        for box in located.boxes:
            shade.rectangle(px(box, 2), fill=(255, 221, 0))  # the quote: yellow, blended below
        image = Image.blend(image, overlay, 0.45)
        draw = ImageDraw.Draw(image)
        if located.table_box:
            draw.rectangle(px(located.table_box, 4), outline=(29, 112, 184), width=3)
        if located.value_box:
            draw.rectangle(px(located.value_box, 6), outline=(212, 53, 28), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    data = out.getvalue()
    if cached:
        cached.parent.mkdir(parents=True, exist_ok=True)
        temporary = cached.with_suffix(f".{threading.get_ident()}.tmp")
        temporary.write_bytes(data)
        temporary.replace(cached)  # atomic: a reader never sees half a picture
    return data

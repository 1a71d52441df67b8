"""Read a council web page: headings, paragraphs, list items and tables, in document order.

Scripts, styles and the site's own chrome (navigation, header, footer, cookie banners) are
ignored; when the page marks its content with <main> or <article>, only that is read.
Provenance is the block index.
"""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag

from extract.readers.common import BlockBuilder, clean_text, finish, source_for
from schemas.errors import EmptyDocumentError
from schemas import Cell, Document, DocumentFormat

IGNORED = {"script", "style", "noscript", "template", "svg", "iframe", "form", "button", "select", "head"}
CHROME = {"nav", "header", "footer", "aside"}
CHROME_HINT = re.compile(r"(?:^|[\s_-])(?:nav|navigation|menu|breadcrumb|cookie|footer|header|banner|skip|sidebar)(?:$|[\s_-])", re.I)
BLOCK_TAGS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "caption", "blockquote", "dt", "dd", "figcaption"}


def read(path: Path) -> Document:
    source = source_for(path, DocumentFormat.HTML)
    raw = path.read_bytes()
    soup = BeautifulSoup(raw, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup.find_all(IGNORED):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    for tag in root.find_all(CHROME):
        tag.decompose()
    for tag in root.find_all(attrs={"role": "navigation"}):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.attrs is not None and _is_chrome(tag):
            tag.decompose()
    builder = BlockBuilder()
    if title:
        builder.heading(title, level=1)  # the page title often carries the council's name
    _walk(root, builder)
    if len(builder.blocks) <= (1 if title else 0):
        raise EmptyDocumentError(f"{path.name}: the page has no readable text (is the report in a linked PDF?)")
    source = source.model_copy(update={"title": title})
    return finish(source, builder)


def _is_chrome(tag: Tag) -> bool:
    if tag.name in ("main", "article", "body", "table", "tr", "td", "th"):
        return False
    hints = " ".join(tag.get("class", []) or []) + " " + (tag.get("id") or "")
    return bool(hints.strip()) and bool(CHROME_HINT.search(hints))


def _walk(node: Tag, builder: BlockBuilder) -> None:
    loose: list[str] = []  # text directly inside a <div>, outside any block tag

    def flush() -> None:
        text = _collapse(" ".join(loose))
        loose.clear()
        if text:
            builder.paragraph(text)

    for child in node.children:
        if isinstance(child, NavigableString):
            if child.strip():
                loose.append(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            flush()
            builder.heading(_text(child), level=int(name[1]))
        elif name == "p" or name in ("blockquote", "dt", "dd", "figcaption", "caption"):
            flush()
            if child.find(("table", "ul", "ol")):
                _walk(child, builder)
            else:
                builder.paragraph(_text(child))
        elif name in ("ul", "ol"):
            flush()
            _list(child, builder)
        elif name == "table":
            flush()
            _table(child, builder)
        elif name == "br":
            continue
        elif child.find(BLOCK_TAGS) is None and name in ("span", "a", "b", "strong", "em", "i", "u", "small", "sup", "sub"):
            loose.append(child.get_text(" "))
        else:
            flush()
            _walk(child, builder)
    flush()


def _text(tag: Tag) -> str:
    return _collapse(tag.get_text(" "))


def _collapse(text: str) -> str:
    """HTML text with its white space collapsed: a line break in the source is a space."""
    return clean_text(re.sub(r"\s+", " ", text))


def _list(tag: Tag, builder: BlockBuilder) -> None:
    marker = "1." if tag.name == "ol" else "-"
    for item in tag.find_all("li", recursive=False):
        nested = item.find_all(("ul", "ol"), recursive=False)
        for sublist in nested:
            sublist.extract()
        builder.list_item(_text(item), marker=marker)
        for sublist in nested:
            _list(sublist, builder)


def _cell(tag: Tag) -> Cell:
    text = _text(tag)
    strong = tag.find(("b", "strong"))
    emphasis = tag.find(("i", "em"))
    bold = tag.name == "th" or (strong is not None and _text(strong) == text)
    italic = emphasis is not None and _text(emphasis) == text
    return Cell(text=text, bold=bold and bool(text), italic=italic and bool(text))


def _table(table: Tag, builder: BlockBuilder) -> None:
    caption = table.find("caption")
    caption_text = None
    if caption is not None and caption.find_parent("table") is table:
        caption_text = _text(caption)  # the table's own title, above or below it as CSS puts it
        caption.extract()
    elif table.parent is not None and table.parent.name == "figure" and table.parent.find("figcaption"):
        figcaption = table.parent.find("figcaption")
        caption_text = _text(figcaption)
        figcaption.extract()
    rows: list[list[Cell]] = []
    spans: dict[int, tuple[int, Cell]] = {}  # column -> (rows left, cell) for rowspans
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue  # a nested table's rows belong to it
        row: list[Cell] = []
        column = 0
        for cell_tag in tr.find_all(("td", "th"), recursive=False):
            while column in spans:
                left, _ = spans[column]
                row.append(Cell(text=""))
                spans[column] = (left - 1, spans[column][1])
                if spans[column][0] <= 0:
                    del spans[column]
                column += 1
            cell = _cell(cell_tag)
            colspan = _int(cell_tag.get("colspan"))
            rowspan = _int(cell_tag.get("rowspan"))
            row.append(cell)
            row.extend(Cell(text="") for _ in range(colspan - 1))  # a merged cell reads as one cell and blanks
            if rowspan > 1:
                for offset in range(colspan):
                    spans[column + offset] = (rowspan - 1, cell)
            column += colspan
        rows.append(row)
    builder.table(rows, source_text=table.get_text("\t", strip=True), caption=caption_text)


def _int(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1

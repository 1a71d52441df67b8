"""One reader per format, all returning the same `Document`.

The format is told from the file's first bytes, not its name: a PDF renamed '.txt' is
still read as a PDF, and an HTML error page saved as '.pdf' is refused as a PDF.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from corpus.files import sniff_format
from extract.readers.lines import label_value_tables
from schemas import Document, DocumentFormat
from schemas.errors import (
    EmptyDocumentError,
    EncryptedDocumentError,
    NeedsOCRError,
    ReadError,
    UnsupportedFormatError,
)

__all__ = [
    "READERS", "read", "sniff_format", "ReadError", "EmptyDocumentError", "EncryptedDocumentError",
    "NeedsOCRError", "UnsupportedFormatError",
]

def _reader(module: str) -> Callable[[Path], Document]:
    # a format's libraries (pdfplumber, python-docx, lxml) are loaded when a file of it is
    # read, so `complaints --help` and text-only runs start fast
    def read_with(path: Path) -> Document:
        return import_module(f"extract.readers.{module}").read(path)

    return read_with


READERS: dict[DocumentFormat, Callable[[Path], Document]] = {
    DocumentFormat.TEXT: _reader("text"),
    DocumentFormat.PDF: _reader("pdf"),
    DocumentFormat.DOCX: _reader("docx"),
    DocumentFormat.HTML: _reader("html"),
}




def read(path: Path) -> Document:
    """Read any supported file into a Document, or raise a ReadError that names the file."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, not a file")
    fmt = sniff_format(path)
    return label_value_tables(READERS[fmt](path))

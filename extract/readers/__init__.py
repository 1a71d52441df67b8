"""One reader per format, all returning the same `Document`.

The format is told from the file's first bytes, not its name: a PDF renamed '.txt' is
still read as a PDF, and an HTML error page saved as '.pdf' is refused as a PDF.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from extract.readers.common import (
    EmptyDocumentError,
    EncryptedDocumentError,
    NeedsOCRError,
    ReadError,
    UnsupportedFormatError,
)
from schemas import Document, DocumentFormat

__all__ = [
    "READERS", "read", "sniff_format", "ReadError", "EmptyDocumentError", "EncryptedDocumentError",
    "NeedsOCRError", "UnsupportedFormatError",
]

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".csv", ".tsv"}


def _reader(module: str) -> Callable[[Path], Document]:
    def read_with(path: Path) -> Document:
        from importlib import import_module

        return import_module(f"extract.readers.{module}").read(path)

    return read_with


READERS: dict[DocumentFormat, Callable[[Path], Document]] = {
    DocumentFormat.TEXT: _reader("text"),
    DocumentFormat.PDF: _reader("pdf"),
    DocumentFormat.DOCX: _reader("docx"),
    DocumentFormat.HTML: _reader("html"),
}


def sniff_format(path: Path) -> DocumentFormat:
    """The document's format from its content (magic bytes), falling back to text."""
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if not head.strip():
        raise EmptyDocumentError(f"{path.name}: the file is empty")
    if head.lstrip().startswith(b"%PDF-"):
        return DocumentFormat.PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile as exc:
            raise ReadError(f"{path.name}: a damaged zip archive, not a readable Word document ({exc})") from exc
        if "word/document.xml" in names:
            return DocumentFormat.DOCX
        raise UnsupportedFormatError(
            f"{path.name}: a zip archive without word/document.xml, so not a Word .docx "
            "(is it a spreadsheet or presentation renamed?)"
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnsupportedFormatError(f"{path.name}: an old binary Word/Excel file (.doc/.xls); save it as .docx or PDF")
    lowered = head.lower().lstrip()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<html" in lowered[:1024] or b"<body" in lowered[:2048]:
        return DocumentFormat.HTML
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        raise NeedsOCRError(f"{path.name}: an image, not a document; it needs OCR before it can be read")
    if b"\x00" in head:
        raise UnsupportedFormatError(f"{path.name}: a binary file of a type the readers do not know")
    return DocumentFormat.TEXT


def read(path: Path) -> Document:
    """Read any supported file into a Document, or raise a ReadError that names the file."""
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, not a file")
    fmt = sniff_format(path)
    return READERS[fmt](path)

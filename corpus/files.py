"""What a file is, before anyone reads it: its SHA-256 and its format, told from its bytes.

The corpus archives files by hash and refuses what no reader can open; the readers pick a
format the same way. A PDF renamed '.txt' is still a PDF, and an HTML error page saved as
'.pdf' is refused as a PDF.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from pathlib import Path

from schemas import DocumentFormat
from schemas.errors import EmptyDocumentError, NeedsOCRError, ReadError, UnsupportedFormatError

def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()

def write_text_atomically(path: Path, text: str) -> None:
    """Write a file in one step: a temporary file in the same folder, flushed, then renamed over
    `path`, so a crash or a full disk leaves the old file whole, never half of the new one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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

"""Content-addressed storage of report files.

Every archived file is `reports/<sha256>.<ext>`, the extension coming from the format the
readers tell from its bytes. The same bytes are therefore stored once whatever they were
called, a file is never overwritten by different bytes, and a manifest row's file name
says which exact bytes each figure came from.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from corpus.files import sha256_of, sniff_format
from schemas import DocumentFormat

REPORTS = "reports"
EXTENSIONS = {
    DocumentFormat.PDF: "pdf",
    DocumentFormat.DOCX: "docx",
    DocumentFormat.HTML: "html",
    DocumentFormat.TEXT: "txt",
}


@dataclass(frozen=True)
class StoredFile:
    path: Path
    relative: str  # as the manifest records it: reports/<sha256>.<ext>
    sha256: str
    size: int
    format: DocumentFormat
    existed: bool  # the same bytes were already archived


#: (path, council or None, period or None) -> (council name or None, period or None): how a
#: caller identifies a stored document (the pipeline reads it; tests pass a stub).
Identify = Callable[[Path, str | None, str | None], tuple[str | None, str | None]]


def content_name(sha256: str, fmt: DocumentFormat) -> str:
    return f"{sha256}.{EXTENSIONS[fmt]}"


def store_file(source: Path, corpus_dir: Path, fmt: DocumentFormat | None = None, move: bool = False) -> StoredFile:
    """Archive a file under its SHA-256. Raises ReadError (from sniff_format) for a file the
    readers refuse. With `move`, the source (a download's temporary file) is moved, not copied.
    Writing is atomic: a temporary file in reports/, then os.replace."""
    source = Path(source)
    fmt = fmt or sniff_format(source)
    digest = sha256_of(source)
    size = source.stat().st_size
    reports = Path(corpus_dir) / REPORTS
    reports.mkdir(parents=True, exist_ok=True)
    name = content_name(digest, fmt)
    target = reports / name
    existed = target.exists() and sha256_of(target) == digest
    if existed:
        if move:
            source.unlink()
    elif move and source.parent.resolve() == reports.resolve():
        os.replace(source, target)
    else:
        atomic_copy(source, target)  # a damaged file of the same name (never other bytes) is repaired
        if move:
            source.unlink()
    return StoredFile(path=target, relative=f"{REPORTS}/{name}", sha256=digest, size=size, format=fmt, existed=existed)


def atomic_copy(source: Path, target: Path) -> None:
    """Copy through a temporary file beside the target, then os.replace: never half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp", delete=False)
    temporary = Path(handle.name)
    try:
        with handle, open(source, "rb") as reader:
            shutil.copyfileobj(reader, handle, 1 << 20)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

"""Content-addressed storage of report files, and adding a local file to the corpus.

Every archived file is `reports/<sha256>.<ext>`, the extension coming from the format the
readers tell from its bytes. The same bytes are therefore stored once whatever they were
called, a file is never overwritten by different bytes, and a manifest row's file name
says which exact bytes each figure came from.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from corpus.manifest import CORPUS_DIR, ManifestRow, load_manifest, write_manifest
from extract.readers import ReadError, sniff_format
from extract.readers.common import sha256_of
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


# -- identifying a document's council and year ---------------------------------------------------

#: (path, council or None, period or None) -> (council name or None, period or None)
Identify = Callable[[Path, str | None, str | None], tuple[str | None, str | None]]


def identify_document(path: Path, council: str | None = None, period: str | None = None) -> tuple[str | None, str | None]:
    """The council and year the extractor finds in a document (what is given is kept)."""
    from extract.pipeline import extract_file

    extraction = extract_file(path, council=council, period=period)
    return extraction.document.authority_name, extraction.document.period


# -- complaints add ------------------------------------------------------------------------------

class AddError(Exception):
    """A file that cannot be added; the message is one line for the user."""


GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


def resolve_council(registry, text: str, period: str | None = None):
    """The council a name or an ONS (GSS) code means, in a year if known; UnknownCouncilError if none."""
    from normalise.councils import UnknownCouncilError
    from normalise.periods import start_year

    code = text.strip().upper()
    if GSS_CODE.match(code):
        council = registry.by_code.get(code)
        if council is None:
            raise UnknownCouncilError(f"no English council with children's services has the code {code!r}")
        if period:
            year = start_year(period)
            if council.operating_days(date(year, 4, 1), date(year + 1, 3, 31)) == 0:
                raise UnknownCouncilError(f"{code!r} ran no children's services in {period}: {council.describe()}")
        return council
    return registry.resolve(text, period)


@dataclass
class AddResult:
    row: ManifestRow
    stored: StoredFile
    added: bool  # False: the same file was already in the corpus, no row added
    detected: dict[str, str] = field(default_factory=dict)  # what was read from the document
    warnings: list[str] = field(default_factory=list)


def normal_period(text: str) -> str:
    """'2023/24', '2023-2024', 'April 2023 - March 2024' -> '2023-24'; AddError if it is no year."""
    from normalise.periods import parse_period
    from schemas import check_period

    try:
        return check_period(parse_period(text) or text.strip())
    except ValueError as exc:
        raise AddError(f"--year {text!r}: {exc}") from exc


def add_document(
    file: Path,
    corpus_dir: Path | None = None,
    council: str | None = None,
    period: str | None = None,
    url: str | None = None,
    title: str | None = None,
    licence: str | None = None,
    identify: Identify | None = identify_document,
) -> AddResult:
    """Archive a local file in the corpus by its SHA-256 and add its manifest row.

    The council and year are checked against the registry; those not given are read from
    the document (with `identify`), and left blank, with a warning, when it does not say.
    """
    from normalise.councils import UnknownCouncilError, load_registry

    file = Path(file)
    corpus_dir = Path(corpus_dir) if corpus_dir else CORPUS_DIR
    if not file.exists():
        raise AddError(f"{file}: no such file")
    if not file.is_file():
        raise AddError(f"{file}: is a folder, not a file")
    try:
        fmt = sniff_format(file)
    except ReadError as exc:
        raise AddError(f"refused: {exc}") from exc
    period = normal_period(period) if period else None
    registry = load_registry()
    if council:
        try:
            council = resolve_council(registry, council, period).name
        except UnknownCouncilError as exc:
            raise AddError(str(exc)) from exc
    manifest = corpus_dir / "manifest.csv"
    rows = load_manifest(manifest)
    digest = sha256_of(file)
    for row in rows:
        if row.sha256 == digest and row.is_document and row.file:
            path = corpus_dir / row.file
            existed = path.is_file() and sha256_of(path) == digest
            if not existed:  # the archived copy was lost or damaged: put it back where the row says
                atomic_copy(file, path)
            stored = StoredFile(path=path, relative=row.file, sha256=digest, size=file.stat().st_size, format=fmt,
                                existed=existed)
            return AddResult(row=row, stored=stored, added=False)

    detected: dict[str, str] = {}
    warnings: list[str] = []
    if (not council or not period) and identify is not None:
        found_council, found_period = identify(file, council, period)
        if not council and found_council:
            council = detected["council"] = found_council
        if not period and found_period:
            period = detected["period"] = found_period
    if council and period:
        try:
            council = resolve_council(registry, council, period).name
        except UnknownCouncilError as exc:
            raise AddError(str(exc)) from exc

    stored = store_file(file, corpus_dir, fmt)
    missing = {what: column for what, column, value in (("council", "council", council), ("year", "period", period))
               if not value}
    if missing:
        warnings.append(
            f"the {' and '.join(missing)} could not be read from the document; fill in the "
            f"{' and '.join(missing.values())} column{'s' if len(missing) > 1 else ''} of its row "
            f"({stored.relative}) in {manifest}"
        )
    row = ManifestRow(
        file=stored.relative, council=council, period=period, title=title, sha256=stored.sha256, source_url=url,
        licence=licence, status="ok", format=fmt.value, size_bytes=stored.size,
    )
    rows.append(row)
    write_manifest(rows, manifest)
    return AddResult(row=row, stored=stored, added=True, detected=detected, warnings=warnings)

"""Adding a local file to the corpus: archived by its SHA-256, with its manifest row.

The council and year are checked against the registry; those not given are read from the
document by the pipeline. (`corpus/` itself knows nothing of reading or of councils: this
is where the stages meet.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from corpus.files import sha256_of, sniff_format
from corpus.fetch import utc_now
from corpus.manifest import CORPUS_DIR, ManifestRow, load_manifest, write_manifest
from corpus.sources import kind_of, load_sources, note_address, sources_path, write_sources
from corpus.store import Identify, StoredFile, atomic_copy, store_file
from normalise.councils import load_registry
from pipeline.run import identify_file
from schemas.errors import AddError, ReadError, UnknownCouncilError
from schemas.periods import check_period, parse_period


@dataclass
class AddResult:
    row: ManifestRow
    stored: StoredFile
    added: bool  # False: the same file was already in the corpus, no row added
    detected: dict[str, str] = field(default_factory=dict)  # what was read from the document
    warnings: list[str] = field(default_factory=list)


def normal_period(text: str) -> str:
    """'2023/24', '2023-2024', 'April 2023 - March 2024' -> '2023-24'; AddError if it is no year."""
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
    notes: str | None = None,
    identify: Identify | None = identify_file,
) -> AddResult:
    """Archive a local file in the corpus by its SHA-256 and add its manifest row.

    The council and year are checked against the registry; those not given are read from
    the document (with `identify`), and left blank, with a warning, when it does not say.
    With a `url`, the address is noted in the corpus's sources.csv (added, or marked as
    archived when it was already known).
    """
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
            council = registry.resolve(council, period).name
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
            council = registry.resolve(council, period).name
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
        licence=licence, notes=notes, status="ok", format=fmt.value, size_bytes=stored.size,
    )
    rows.append(row)
    write_manifest(rows, manifest)
    if url:
        sources = load_sources(sources_path(corpus_dir))
        note_address(sources, url, council=council, period=period, kind=kind_of(fmt.value, url),
                     listed_by="complaints add", status="ok", files=[stored.relative], checked_at=utc_now())
        write_sources(sources, sources_path(corpus_dir))
    return AddResult(row=row, stored=stored, added=True, detected=detected, warnings=warnings)

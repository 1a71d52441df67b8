"""The corpus: which report files we have, whose they are, and where they came from.

`corpus/manifest.csv` has one row per document. A report is added with `complaints add`
(a local file) or by giving a row a `source_url` and running `complaints fetch`; a file
dropped into `corpus/reports/` with no row is still built, its council and year read from
the document itself.

Columns (old manifests with only the first nine still load; unknown columns are kept):

    file             the archived file, relative to the manifest's folder (reports/<sha256>.<ext>)
    council          name or ONS code          period       '2023-24'
    title            the report's title        original_format  what the council published (pdf, docx, html)
    sha256, size_bytes, format   of the archived file (format as told from its bytes)
    source_url       where it was published    final_url    where the last download ended after redirects
    fetched_at       when it was downloaded    etag, last_modified   the server's validators, for conditional GETs
    licence, notes
    status           ok | not_found | failed: <why> | refused: <why> | superseded   (blank: not fetched yet)
    checked_at, remote_status   the last check of an archived copy: unchanged | changed: ... | not_found | failed: ...
    origin_url       the committee page the document was found on (`complaints fetch --sources`)
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from schemas import check_period
from schemas.errors import ManifestError

CORPUS_DIR = Path(__file__).resolve().parent
DEFAULT_MANIFEST = CORPUS_DIR / "manifest.csv"
REPORT_SUFFIXES = {".pdf", ".docx", ".html", ".htm", ".txt", ".md"}
#: The original nine columns first, so that old manifests and old readers keep working.
MANIFEST_COLUMNS = [
    "file", "council", "period", "title", "original_format", "sha256", "source_url", "licence", "notes",
    "status", "format", "size_bytes", "fetched_at", "etag", "last_modified", "final_url", "checked_at",
    "remote_status", "origin_url",
]
#: What a row's `status` may say (its first word; failed and refused carry a reason after a colon).
STATUSES = ("ok", "not_found", "failed", "refused", "superseded")
#: Statuses of rows that are documents of the corpus (blank: an old manifest's row, or not fetched yet).
DOCUMENT_STATUSES = {None, "ok"}


class CsvRow(BaseModel):
    """A row of one of the corpus's CSV files: blank cells are None, unknown columns (a
    researcher's own) are kept and written back."""

    model_config = ConfigDict(extra="allow")

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("period", check_fields=False)
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        return check_period(value) if value else None

    def value(self, column: str) -> str:
        """The row's value of a column as the CSV writes it."""
        value = getattr(self, column, None)
        if value is None and self.model_extra:
            value = self.model_extra.get(column)
        return "" if value is None else str(value)


class ManifestRow(CsvRow):
    """One document of the corpus as the manifest records it."""

    file: str | None = Field(default=None, description="path relative to the manifest's folder; blank until fetched")
    council: str | None = None
    period: str | None = None
    title: str | None = None
    original_format: str | None = Field(default=None, description="the format the council published (pdf, docx, html)")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    source_url: str | None = None
    licence: str | None = None
    notes: str | None = None
    status: str | None = Field(default=None, description="ok, not_found, failed: <why>, refused: <why>, superseded")
    format: str | None = Field(default=None, description="the archived file's format, told from its bytes")
    size_bytes: int | None = Field(default=None, ge=0)
    fetched_at: str | None = Field(default=None, description="when the file was downloaded (UTC, ISO 8601)")
    etag: str | None = None
    last_modified: str | None = None
    final_url: str | None = Field(default=None, description="the URL the download ended at, after redirects")
    checked_at: str | None = Field(default=None, description="when the archived copy was last checked upstream")
    remote_status: str | None = Field(default=None, description="what that check found")
    origin_url: str | None = Field(default=None, description="the committee page that linked the document")

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if value.split(":", 1)[0].strip() not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)} (failed and refused may add ': <reason>'), "
                             f"got {value!r}")
        return value

    @model_validator(mode="after")
    def _file_or_url(self) -> "ManifestRow":
        if not self.file and not self.source_url:
            raise ValueError("a row needs a file or a source_url")
        return self

    @property
    def state(self) -> str | None:
        """The status without its reason: 'failed: HTTP 500' -> 'failed'."""
        return self.status.split(":", 1)[0].strip() if self.status else None

    @property
    def is_document(self) -> bool:
        """A row that stands for a document of the corpus (not a failed fetch, not an old version)."""
        return self.state in DOCUMENT_STATUSES


@dataclass
class Corpus:
    root: Path
    rows: list[ManifestRow]
    unlisted: list[Path] = field(default_factory=list)

    def entries(self) -> list[tuple[Path, ManifestRow | None]]:
        """Every document to build: manifest rows first, then files with no row.

        Rows that are not documents are left out: a URL not fetched yet (no file, or a file
        that does not exist yet), a fetch that failed or was refused, an old version of a
        report that changed upstream.
        """
        listed = []
        for row in self.rows:
            if not row.is_document or not row.file:
                continue
            path = self.root / row.file
            if row.status is None and row.source_url and not path.exists():
                continue  # listed by its URL, not fetched yet
            listed.append((path, row))
        return listed + [(path, None) for path in self.unlisted]


def load_manifest(path: Path = DEFAULT_MANIFEST) -> list[ManifestRow]:
    return read_rows(path, ManifestRow, ("file", "source_url"), ManifestError, MANIFEST_COLUMNS)


def read_rows(path: Path, model: type[BaseModel], keys: tuple[str, ...], error: type[Exception],
              columns: list[str]) -> list:
    """The rows of a CSV file as `model`s ([] when there is no file). The file needs one of the
    `keys` columns; a bad row raises `error` naming the file, the line and the column."""
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if not set(keys) & set(reader.fieldnames or []):
            wanted = " or ".join(repr(k) for k in keys)
            raise error(f"{path.name}: needs a {wanted} column (columns: {', '.join(columns)})")
        for line, raw in enumerate(reader, start=2):
            # None: cells beyond the header; a column named like an attribute of the row would shadow it
            values = {k: v for k, v in raw.items()
                      if k is not None and (k in model.model_fields or not hasattr(model, k))}
            if not any((v or "").strip() for v in values.values()):
                continue  # a blank line
            try:
                rows.append(model(**values))
            except ValueError as exc:
                first = exc.errors()[0] if hasattr(exc, "errors") else {"msg": str(exc), "loc": ()}
                where = ".".join(str(p) for p in first.get("loc", ()))
                label = next((raw.get(k) for k in keys if raw.get(k)), None)
                raise error(f"{path.name}: line {line} ({label}): {where + ': ' if where else ''}{first['msg']}") from exc
    return rows


def load_corpus(directory: Path | None = None, manifest: Path | None = None) -> Corpus:
    """The documents of a corpus folder: its manifest's rows, and report files it does not list."""
    directory = Path(directory) if directory else CORPUS_DIR
    manifest = Path(manifest) if manifest else directory / "manifest.csv"
    rows = load_manifest(manifest)
    # every file a row names counts as listed, old versions too: they are not new documents
    listed = {(manifest.parent / row.file).resolve() for row in rows if row.file}
    search = [directory / "reports"] if (directory / "reports").is_dir() else [directory]
    # every file in reports/ is a document: one the readers cannot read is recorded, not skipped
    unlisted = sorted(
        path
        for folder in search
        for path in folder.rglob("*")
        if path.is_file() and path.resolve() not in listed and not path.name.startswith(".")
        and (folder.name == "reports" or path.suffix.lower() in REPORT_SUFFIXES)
        and path.resolve() != manifest.resolve()
    )
    return Corpus(root=manifest.parent, rows=rows, unlisted=unlisted)


def manifest_columns(rows: list[ManifestRow]) -> list[str]:
    """The known columns, then any others the rows carry, in the order first met."""
    return columns_of(rows, MANIFEST_COLUMNS)


def columns_of(rows: list[BaseModel], known: list[str]) -> list[str]:
    """`known`, then any other columns the rows carry (a researcher's own), in the order first met."""
    columns = list(known)
    for row in rows:
        for key in row.model_extra or {}:
            if key not in columns:
                columns.append(key)
    return columns


def write_manifest(rows: list[ManifestRow], path: Path = DEFAULT_MANIFEST) -> None:
    """Write the manifest atomically (see `write_rows`)."""
    write_rows(rows, manifest_columns(rows), path)


def write_rows(rows: list, columns: list[str], path: Path) -> None:
    """Write rows (with a `value(column)` method) as CSV atomically: a temporary file in the same
    folder, then os.replace, so an interrupted run leaves the previous file whole, never half
    of a new one."""
    path = Path(path)
    handle = tempfile.NamedTemporaryFile(
        "w", newline="", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    temporary = Path(handle.name)
    try:
        with handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for row in rows:
                writer.writerow({column: row.value(column) for column in columns})
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise

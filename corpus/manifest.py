"""The corpus: which report files we have, whose they are, and where they came from.

`corpus/manifest.csv` has one row per document. A report is added by dropping the file
into `corpus/reports/` and adding a row; a file with no row is still built, its council
and year read from the document itself.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field, field_validator

from schemas import check_period

CORPUS_DIR = Path(__file__).resolve().parent
DEFAULT_MANIFEST = CORPUS_DIR / "manifest.csv"
REPORT_SUFFIXES = {".pdf", ".docx", ".html", ".htm", ".txt", ".md"}
MANIFEST_COLUMNS = [
    "file", "council", "period", "title", "original_format", "sha256", "source_url", "licence", "notes",
]


class ManifestError(ValueError):
    """The manifest has a row that cannot be used."""


class ManifestRow(BaseModel):
    """One document of the corpus as the manifest records it."""

    file: str = Field(min_length=1, description="path relative to the manifest's folder")
    council: str | None = None
    period: str | None = None
    title: str | None = None
    original_format: str | None = Field(default=None, description="the format the council published (pdf, docx, html)")
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    source_url: str | None = None
    licence: str | None = None
    notes: str | None = None

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        return check_period(value) if value else None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value


@dataclass
class Corpus:
    root: Path
    rows: list[ManifestRow]
    unlisted: list[Path] = field(default_factory=list)

    def entries(self) -> list[tuple[Path, ManifestRow | None]]:
        """Every document to build: manifest rows first, then files with no row."""
        listed = [(self.root / row.file, row) for row in self.rows]
        return listed + [(path, None) for path in self.unlisted]


def load_manifest(path: Path = DEFAULT_MANIFEST) -> list[ManifestRow]:
    path = Path(path)
    if not path.exists():
        return []
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = {"file"} - set(reader.fieldnames or [])
        if missing:
            raise ManifestError(f"{path.name}: needs a 'file' column (columns: {', '.join(MANIFEST_COLUMNS)})")
        for line, raw in enumerate(reader, start=2):
            try:
                rows.append(ManifestRow(**{k: v for k, v in raw.items() if k in ManifestRow.model_fields}))
            except ValueError as exc:
                first = exc.errors()[0] if hasattr(exc, "errors") else {"msg": str(exc), "loc": ()}
                where = ".".join(str(p) for p in first.get("loc", ()))
                raise ManifestError(f"{path.name}: line {line} ({raw.get('file')}): {where}: {first['msg']}") from exc
    return rows


def load_corpus(directory: Path | None = None, manifest: Path | None = None) -> Corpus:
    """The documents of a corpus folder: its manifest's rows, and report files it does not list."""
    directory = Path(directory) if directory else CORPUS_DIR
    manifest = Path(manifest) if manifest else directory / "manifest.csv"
    rows = load_manifest(manifest)
    listed = {(manifest.parent / row.file).resolve() for row in rows}
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


def write_manifest(rows: list[ManifestRow], path: Path = DEFAULT_MANIFEST) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=MANIFEST_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (getattr(row, k) or "") for k in MANIFEST_COLUMNS})

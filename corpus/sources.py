"""The known addresses of councils' reports: `corpus/sources.csv`, the corpus's address book.

It began as the project's list of 50 real addresses for 30 councils (report pages, and the
committee pages that presented reports) and grows with every `complaints add --url` and
`complaints fetch`: each address the corpus learns of gets a row, with what became of it.
`complaints fetch --sources` fetches the rows not fetched yet (committee pages: the complaints
documents they link), and `complaints neighbours` lists them as the to-do list of a comparison.

Columns (the first five as in the shared list; unknown columns are kept):

    council          the council (the registry's name where it was resolved)
    period           the reporting year, '2023-24'; blank when the page does not say
    url              the address
    kind             web page | committee page | committee page (document text) | document
    what_it_is       what the page showed when it was listed (figures, council-wide, no figures...)
    named_as         the publisher as the page names it, when not the council ('Reading (Brighter
                     Futures for Children)', a children's trust)
    period_note      the year as the list gave it, when that was not a plain year ('not stated (c.2020-21)')
    origin_url       for a document: the committee page that linked it
    listed_by        where the address came from: a list, `complaints add`, `complaints fetch`
    status           blank (not fetched yet) | ok | not_found | failed: <why> | refused: <why>
    documents        the archived files it gave (reports/<sha256>.<ext>; '; '-separated)
    checked_at       when it was last fetched (UTC)
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator

from corpus.manifest import CORPUS_DIR, CsvRow, columns_of, read_rows, write_rows
from corpus.moderngov import is_committee_page, is_document_url
from schemas.errors import SourcesError
from schemas.periods import PERIOD_RE, check_period, find_periods

DEFAULT_SOURCES = CORPUS_DIR / "sources.csv"
SOURCE_COLUMNS = ["council", "period", "url", "kind", "what_it_is", "named_as", "period_note", "origin_url",
                  "listed_by", "status", "documents", "checked_at"]
#: What an address is; a committee page is followed to the documents it links.
KINDS = ("web page", "committee page", "committee page (document text)", "document")
SOURCE_STATUSES = ("ok", "not_found", "failed", "refused")
DOCUMENT_SEPARATOR = "; "
_TRAILING_BRACKETS = re.compile(r"^(?P<name>.+?)\s*\((?P<publisher>[^()]+)\)\s*$")


class SourceRow(CsvRow):
    """One known address of a report (or of the committee page that presented it)."""

    council: str | None = None
    period: str | None = Field(default=None, description="'2023-24'; blank when the page does not say")
    url: str
    kind: str | None = None
    what_it_is: str | None = None
    named_as: str | None = None
    period_note: str | None = None
    origin_url: str | None = None
    listed_by: str | None = None
    status: str | None = Field(default=None, description="blank (not fetched yet), ok, not_found, failed: <why>, "
                                                         "refused: <why>")
    documents: str | None = None
    checked_at: str | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str | None) -> str | None:
        if value is not None and value not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {value!r}")
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str | None) -> str | None:
        if value is not None and value.split(":", 1)[0].strip() not in SOURCE_STATUSES:
            raise ValueError(f"status must be one of {', '.join(SOURCE_STATUSES)} (failed and refused may add "
                             f"': <reason>'), got {value!r}")
        return value

    @property
    def state(self) -> str | None:
        """The status without its reason: 'failed: HTTP 500' -> 'failed'; None: not fetched yet."""
        return self.status.split(":", 1)[0].strip() if self.status else None

    @property
    def files(self) -> list[str]:
        return [f for f in (self.documents or "").split(DOCUMENT_SEPARATOR) if f]


def load_sources(path: Path = DEFAULT_SOURCES) -> list[SourceRow]:
    """The rows of a sources file ([] when there is none)."""
    return read_rows(path, SourceRow, ("url",), SourcesError, SOURCE_COLUMNS)


def write_sources(rows: list[SourceRow], path: Path = DEFAULT_SOURCES) -> None:
    """Write the sources file atomically."""
    write_rows(rows, columns_of(rows, SOURCE_COLUMNS), path)


def sources_path(corpus_dir: Path | None) -> Path:
    """A corpus folder's sources file (beside its manifest)."""
    return Path(corpus_dir) / "sources.csv" if corpus_dir else DEFAULT_SOURCES


def split_publisher(name: str) -> tuple[str, str | None]:
    """'Reading (Brighter Futures for Children)' -> ('Reading', the whole name): a children's
    trust is listed with its council in brackets. A name without brackets is returned as is."""
    match = _TRAILING_BRACKETS.match(name.strip())
    return (match.group("name"), name.strip()) if match else (name.strip(), None)


def split_period(text: str) -> tuple[str | None, str | None]:
    """'2023-24' -> ('2023-24', None); '2022-23 (report Mar 2023)' -> ('2022-23', the text);
    'not stated (c.2020-21)' and '2019-20 and 2020-21' -> (None, the text): a year is only taken
    when the text starts with one and names no other, never guessed from a note."""
    text = (text or "").strip()
    head, _, rest = text.partition(" ")
    if PERIOD_RE.match(head) and not find_periods(rest):
        try:
            return check_period(head), (text if text != head else None)
        except ValueError:
            pass
    return None, text or None


def note_address(rows: list[SourceRow], url: str, *, council: str | None = None, period: str | None = None,
                 kind: str | None = None, listed_by: str | None = None, origin_url: str | None = None,
                 what_it_is: str | None = None, status: str | None = None, files: list[str] | None = None,
                 checked_at: str | None = None) -> SourceRow:
    """Add an address to `rows` (in place), or record what became of a known one: its status,
    the files it gave (added to those it gave before) and when. What the list said of a known
    address (council, year, kind, description) is kept."""
    if not any(row.url == url for row in rows):
        row = SourceRow(url=url, council=council, period=period, kind=kind, listed_by=listed_by,
                        origin_url=origin_url, what_it_is=what_it_is, status=status,
                        documents=DOCUMENT_SEPARATOR.join(files or []) or None, checked_at=checked_at)
        rows.append(row)
        return row
    updated = []
    for position, row in enumerate(rows):
        if row.url != url:
            continue
        merged = row.files + [f for f in files or [] if f not in row.files]
        rows[position] = row.model_copy(update={
            "status": status or row.status, "checked_at": checked_at or row.checked_at,
            "documents": DOCUMENT_SEPARATOR.join(merged) or None,
            "council": row.council or council, "period": row.period or period,
            "kind": row.kind or kind, "origin_url": row.origin_url or origin_url})
        updated.append(rows[position])
    return updated[0]


def kind_of(format_name: str | None, url: str | None = None) -> str:
    """The kind of an address: a committee page or a document link when its URL says so, else
    told by what it served (an HTML page is a web page). A file added from disk (a text
    excerpt of a web page, say) is told by its URL alone."""
    if url and is_committee_page(url):
        return "committee page"
    if url and is_document_url(url):
        return "document"
    return "web page" if format_name == "html" or (url and format_name == "text") else "document"

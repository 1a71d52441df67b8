"""Fetching the known addresses of sources.csv: report pages, and committee pages followed to
the complaints documents they link.

`fetch_sources` goes through the sources not fetched yet (all of them with `recheck`):

* a committee page (ModernGov `mgAi.aspx`, `ieIssueDetails.aspx`, ...) is downloaded and read
  for links to documents; those whose titles name complaints or representations get a
  manifest row (council and year from the source, `origin_url` the page) and are fetched like
  any manifest row; other documents on the page are not requested. A page that links no such
  document is archived itself (its minutes are then the only record); one whose complaints
  documents all fail is recorded as failed, with each document's reason on its own row;
* any other address (a report's web page, a document) becomes a manifest row and is fetched.

Requests go through `corpus.fetch`: the same User-Agent, delay between requests to a host,
retries, size limit, format checks and content-addressed storage. The manifest and
sources.csv are written atomically after every source, so a run can be stopped and resumed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from corpus.fetch import (
    FetchResult,
    FetchSummary,
    Request,
    fetch_plan,
    fetch_row,
    note_fetch,
    session,
    settle,
    utc_now,
)
from corpus.files import sniff_format
from corpus.manifest import CORPUS_DIR, ManifestRow, load_manifest, write_manifest
from corpus.moderngov import document_links, is_committee_page, page_title, to_follow
from corpus.sources import SourceRow, load_sources, note_address, sources_path, write_sources
from corpus.store import REPORTS, Identify
from schemas import DocumentFormat
from schemas.errors import ReadError

LISTED_BY_PAGE = "complaints fetch --sources (linked from a committee page)"
LISTED_BY_SOURCE = "complaints fetch --sources"


@dataclass
class SourceResult:
    """What fetching one known address did."""

    source: SourceRow  # as it now is
    outcome: str  # followed, archived_page, fetched, not_found, failed, refused, skipped
    detail: str
    documents: list[FetchResult] = field(default_factory=list)  # each document requested
    linked: int = 0  # documents on the page
    matched: int = 0  # of them, naming complaints or representations

    @property
    def problem(self) -> bool:
        return self.outcome in {"not_found", "failed", "refused"}


@dataclass
class SourcesSummary:
    results: list[SourceResult] = field(default_factory=list)

    @property
    def documents(self) -> FetchSummary:
        return FetchSummary(results=[d for r in self.results for d in r.documents])

    @property
    def problems(self) -> list[SourceResult]:
        return [r for r in self.results if r.problem]

    def describe(self) -> str:
        outcomes: dict[str, int] = {}
        for result in self.results:
            outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        parts = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(outcomes.items()))
        return f"{len(self.results)} sources: {parts or 'nothing to do'}; documents: {self.documents.describe()}"


def sources_to_fetch(sources: list[SourceRow], recheck: bool = False,
                     select: Callable[[SourceRow], bool] | None = None) -> list[SourceRow]:
    """The sources to request: pages and reports (documents are fetched from their pages or the
    manifest), not fetched yet unless `recheck`, and chosen by `select`."""
    return [s for s in sources if s.kind != "document" and (recheck or s.status is None)
            and (select is None or select(s))]


def fetch_sources(
    corpus_dir: Path | None = None,
    *,
    recheck: bool = False,
    select: Callable[[SourceRow], bool] | None = None,
    identify: Identify | None = None,
    on_source: Callable[[SourceResult], None] | None = None,
    now: Callable[[], str] = utc_now,
    **session_options,
) -> SourcesSummary:
    """Fetch the corpus's known addresses (see the module). The manifest and sources.csv are
    saved after every source, before `on_source` is called. `session_options` are those of
    `corpus.fetch.session` (delay, timeout, max_bytes, attempts, backoff, client, event_hooks,
    trust_env, sleep, clock), with the same defaults as `complaints fetch`."""
    root = Path(corpus_dir) if corpus_dir else CORPUS_DIR
    manifest, sources_file = root / "manifest.csv", sources_path(root)
    rows, sources = load_manifest(manifest), load_sources(sources_file)
    summary = SourcesSummary()
    with session(root / REPORTS, **session_options) as request:
        for source in sources_to_fetch(sources, recheck, select):
            fetcher = _Fetcher(root, rows, sources, request, identify, now, recheck)
            result = fetcher.follow(source) if is_committee_page(source.url, source.kind) else fetcher.fetch(source)
            write_manifest(rows, manifest)
            write_sources(sources, sources_file)
            summary.results.append(result)
            if on_source is not None:
                on_source(result)
    return summary


@dataclass
class _Fetcher:
    """Fetching one source into the manifest's and the sources list's rows (changed in place)."""

    root: Path
    rows: list[ManifestRow]
    sources: list[SourceRow]
    request: Request
    identify: Identify | None
    now: Callable[[], str]
    recheck: bool

    def fetch(self, source: SourceRow) -> SourceResult:
        """A report's own address: fetched as a manifest row."""
        fetched = self._document(source, source.url, title=None, origin=None)
        status = self._record(source, [fetched] if fetched else [])
        if fetched is None:
            return SourceResult(source=status, outcome="skipped", detail="already archived")
        return SourceResult(source=status, outcome="fetched" if not fetched.problem else fetched.outcome,
                            detail=fetched.detail, documents=[fetched])

    def follow(self, source: SourceRow) -> SourceResult:
        """A committee page: its complaints documents, or the page itself when it links none."""
        response = self.request(source.url, {})
        stamp = self.now()
        try:
            if response.kind != "body":
                kind = "not_found" if response.kind == "not_found" else "failed"
                why = response.error or kind
                status = "not_found" if kind == "not_found" else f"failed: {why}"
                updated = note_address(self.sources, source.url, status=status, checked_at=stamp)
                return SourceResult(source=updated, outcome=kind, detail=why)
            try:
                is_page = sniff_format(response.body) is DocumentFormat.HTML
            except ReadError as exc:
                updated = note_address(self.sources, source.url, status=f"refused: {exc}", checked_at=stamp)
                return SourceResult(source=updated, outcome="refused", detail=str(exc))
            html = response.body.read_bytes() if is_page else b""
            page_url = response.final_url or source.url
            links = document_links(html, page_url) if is_page else []
            wanted = to_follow(links, page_url)
            if not wanted:
                # the address served a document, or a page that links no complaints document: keep it
                position = self._existing(source, source.url)
                if position is None:
                    self.rows.append(self._page_row(source, page_title(html) if is_page else None, len(links), is_page))
                    position = len(self.rows) - 1
                page = self.rows[position]
                archived = fetch_plan(page, self.root) == "check"
                replacement, fetched = settle(page, self.root, response, archived, self.identify, stamp)
                self.rows[position:position + 1] = replacement
                fetched.requests = response.attempts
                updated = self._record(source, [fetched])
                what = (f"the page itself: it links no complaints or representations document "
                        f"({len(links)} other document{'s' if len(links) != 1 else ''})") if is_page else "a document"
                return SourceResult(source=updated, outcome="archived_page" if not fetched.problem else fetched.outcome,
                                    detail=f"{what}; {fetched.detail}", documents=[fetched], linked=len(links))
        finally:
            if response.body is not None:
                response.body.unlink(missing_ok=True)
        documents = [d for d in (self._document(source, link.url, link.title, source.url) for link in wanted) if d]
        updated = self._record(source, documents, followed=len(wanted))
        archived = [r for r in self.rows if r.origin_url == source.url and r.source_url in {l.url for l in wanted}
                    and r.is_document and r.file]
        detail = (f"{len(wanted)} of {len(links)} linked documents name complaints or representations; "
                  f"{len(archived)} archived")
        outcome = "followed" if archived else "failed"
        return SourceResult(source=updated, outcome=outcome, detail=detail, documents=documents, linked=len(links),
                            matched=len(wanted))

    def _page_row(self, source: SourceRow, title: str | None, links: int, is_page: bool) -> ManifestRow:
        note = (f"the committee page itself (it links no complaints or representations document among its {links}); "
                if is_page else "")
        return ManifestRow(council=source.council, period=source.period, source_url=source.url, title=title,
                           notes=f"{note}from sources.csv: {source.what_it_is or source.kind or 'a known address'}")

    def _document(self, source: SourceRow, url: str, title: str | None, origin: str | None) -> FetchResult | None:
        """Fetch one document as a manifest row (a new row, or its existing one when rechecking);
        None when it is archived already and not rechecked."""
        position = self._existing(source, url)
        if position is not None:
            row = self.rows[position]
            if fetch_plan(row, self.root) == "check" and not self.recheck:
                return None
        else:
            note = f"linked from the committee page {origin}" if origin else \
                f"from sources.csv: {source.what_it_is or source.kind or 'a known address'}"
            row = ManifestRow(council=source.council, period=source.period, source_url=url, title=title,
                              origin_url=origin, notes=note)
            self.rows.append(row)
            position = len(self.rows) - 1
        replacement, result = fetch_row(row, self.root, self.request, identify=self.identify, now=self.now)
        self.rows[position:position + 1] = replacement
        if origin:
            note_fetch(self.sources, result, LISTED_BY_PAGE, result.row.checked_at or self.now())
        return result

    def _existing(self, source: SourceRow, url: str) -> int | None:
        """The position of the current manifest row of this council for a URL, if any."""
        council = (source.council or "").casefold()
        found = [i for i, r in enumerate(self.rows)
                 if r.source_url == url and (r.council or "").casefold() == council and r.state != "superseded"]
        return found[-1] if found else None

    def _record(self, source: SourceRow, fetched: list[FetchResult], followed: int | None = None) -> SourceRow:
        """The source's status from what it gave: ok when a document from it is archived."""
        files = [r.file for r in self.rows if r.file and r.is_document
                 and (r.source_url == source.url or r.origin_url == source.url)]
        stamp = self.now()
        if files:
            status = "ok"
        elif followed:
            status = f"failed: none of the {followed} complaints documents it links could be archived"
        elif fetched:
            from_fetch = fetched[0]
            status = "not_found" if from_fetch.outcome == "not_found" else f"{from_fetch.outcome}: {from_fetch.detail}"
        else:
            status = source.status
        return note_address(self.sources, source.url, status=status, files=files, checked_at=stamp)

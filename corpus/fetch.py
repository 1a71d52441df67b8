"""Fetching the reports the manifest lists by URL, politely, resumably, and keeping every version.

`fetch_corpus` goes through the manifest's rows that have a `source_url`:

* a row with no archived file is downloaded; the bytes are checked with the readers'
  `sniff_format` (an HTML error page served as a PDF is refused, not archived), stored by
  their SHA-256 (`corpus.store`) and the row records where, when, and the server's ETag and
  Last-Modified;
* a row whose file is archived only gets a conditional GET (If-None-Match /
  If-Modified-Since): 304 means unchanged. New bytes are a new version: a new file and a new
  row, the old row marked `superseded` and its file kept, never overwritten;
* 404 and 410 are `not_found`; other failures are `failed: <why>`, after a few retries with
  exponential back-off for 5xx, 429, time-outs and dropped connections. A body shorter than
  its Content-Length, or longer than the size limit, is an error, never a file.

The manifest is written (atomically) after each document, so an interrupted run loses
nothing and the next run downloads nothing already archived. Requests to one host are
spaced by a polite delay. Every address fetched is noted in the corpus's sources.csv with
what became of it (`corpus.sources`). Everything but the network is in small pure functions.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from corpus.manifest import CORPUS_DIR, ManifestRow, load_manifest, write_manifest
from corpus.files import sha256_of, sniff_format
from corpus.sources import SourceRow, kind_of, load_sources, note_address, sources_path, write_sources
from corpus.store import REPORTS, Identify, store_file
from schemas.errors import ReadError
from schemas import DocumentFormat

PROJECT = "csc-complaints"
#: Placeholder: the page where a council's web team can find who runs the crawler and how to reach them.
CONTACT_URL = "https://example.org/csc-complaints/contact"
DEFAULT_DELAY = 2.0  # seconds between two requests to one host
DEFAULT_TIMEOUT = 30.0  # seconds to connect, and between two reads of the body
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_ATTEMPTS = 3  # tries of one request, the first included
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubled each time
MAX_RETRY_AFTER = 60.0
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
GONE_STATUSES = frozenset({404, 410})

CONTENT_TYPES = {
    "application/pdf": DocumentFormat.PDF,
    "application/x-pdf": DocumentFormat.PDF,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": DocumentFormat.DOCX,
    "text/html": DocumentFormat.HTML,
    "application/xhtml+xml": DocumentFormat.HTML,
    "text/plain": DocumentFormat.TEXT,
}
URL_SUFFIXES = {
    ".pdf": DocumentFormat.PDF, ".docx": DocumentFormat.DOCX, ".html": DocumentFormat.HTML,
    ".htm": DocumentFormat.HTML, ".txt": DocumentFormat.TEXT,
}
BINARY_FORMATS = {DocumentFormat.PDF, DocumentFormat.DOCX}
FORMAT_NAMES = {
    DocumentFormat.PDF: "a PDF", DocumentFormat.DOCX: "a Word document", DocumentFormat.HTML: "an HTML page",
    DocumentFormat.TEXT: "plain text",
}


def project_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(PROJECT)
    except PackageNotFoundError:
        return "0+unknown"


def user_agent() -> str:
    return (f"{PROJECT}/{project_version()} (+{CONTACT_URL}; collects English councils' published "
            "children's social care complaints reports for research)")


def make_client(timeout: float = DEFAULT_TIMEOUT, event_hooks: dict | None = None, trust_env: bool = True,
                transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """An httpx client with the project's User-Agent, time-outs, and redirects followed."""
    return httpx.Client(
        headers={"User-Agent": user_agent()},
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=10,
        event_hooks=event_hooks or {},
        trust_env=trust_env,
        transport=transport,
    )


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


# -- pure decisions ------------------------------------------------------------------------------

def host_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}:{parts.port or ''}"


def fetch_plan(row: ManifestRow, root: Path) -> str | None:
    """'download' (no archived copy yet), 'check' (archived: a conditional GET), or None (no URL,
    or an old version)."""
    if not row.source_url or row.state == "superseded":
        return None
    archived = row.is_document and row.file and (Path(root) / row.file).is_file()
    return "check" if archived else "download"


def rows_to_fetch(rows: list[ManifestRow], root: Path) -> list[tuple[ManifestRow, str]]:
    """The rows to request, with their plan. Of several rows of one council with one URL (a
    report that changed, or a URL that now serves a later year's report) only the latest is
    checked: the earlier ones are history. Rows of different councils sharing a URL (a joint
    report) are each fetched."""
    latest: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        if row.source_url:
            latest[(row.source_url, (row.council or "").casefold())] = index
    chosen = []
    for index, row in enumerate(rows):
        plan = fetch_plan(row, root)
        if plan is not None and latest[(row.source_url, (row.council or "").casefold())] == index:
            chosen.append((row, plan))
    return chosen


def conditional_headers(row: ManifestRow) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from the validators the server gave last time."""
    headers = {}
    if row.etag:
        headers["If-None-Match"] = row.etag
    if row.last_modified:
        headers["If-Modified-Since"] = row.last_modified
    return headers


def retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header given in seconds (an HTTP date is ignored)."""
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def backoff_delay(attempt: int, backoff: float, wait: float | None = None) -> float:
    """Seconds to wait after failed attempt `attempt` (1, 2, ...): backoff, 2 x backoff, 4 x ...,
    or longer if the server asked (capped)."""
    pause = backoff * 2 ** (attempt - 1)
    if wait is not None:
        pause = max(pause, min(wait, MAX_RETRY_AFTER))
    return pause


def format_problem(actual: DocumentFormat, urls: Iterable[str | None], content_type: str | None,
                   original_format: str | None = None) -> str | None:
    """Why downloaded bytes are not the document the server, the URL or the manifest said; None
    when they agree. Bytes that are a real PDF or Word file are trusted whatever the label; an
    HTML or text body where a PDF or Word file was promised is an error or login page."""
    if actual in BINARY_FORMATS:
        return None
    claims: list[tuple[DocumentFormat, str]] = []
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in CONTENT_TYPES:
        claims.append((CONTENT_TYPES[mime], f"the server said Content-Type {mime}"))
    for url in urls:
        suffix = Path(urlsplit(url).path).suffix.lower() if url else ""
        if suffix in URL_SUFFIXES:
            claims.append((URL_SUFFIXES[suffix], f"the URL ends in {suffix}"))
    if original_format:
        try:
            claims.append((DocumentFormat(original_format.lower()), f"the manifest says {original_format}"))
        except ValueError:
            pass
    for claimed, why in claims:
        if claimed in BINARY_FORMATS:
            return (f"{why}, but the bytes are {FORMAT_NAMES[actual]}, not {FORMAT_NAMES[claimed]} "
                    "(an error or login page?)")
    return None


def size_text(size: int) -> str:
    return f"{size:,} bytes" if size < 10_000 else f"{size / 1024:,.0f} KB" if size < 10_000_000 else f"{size / 2**20:,.1f} MB"


# -- the network ---------------------------------------------------------------------------------

class Throttle:
    """A polite delay between two requests to the same host."""

    def __init__(self, delay: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self._last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        last = self._last.get(host_of(url))
        if last is not None and self.delay > 0:
            remaining = self.delay - (self.clock() - last)
            if remaining > 0:
                self.sleep(remaining)

    def done(self, url: str) -> None:
        self._last[host_of(url)] = self.clock()


@dataclass
class Response:
    """What a GET gave, after retries: a body (in a temporary file), 304, 404, or an error."""

    kind: str  # 'body', 'not_modified', 'not_found', 'error'
    status_code: int | None = None
    final_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    body: Path | None = None
    size: int = 0
    sha256: str | None = None
    error: str | None = None
    attempts: int = 1


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


def get(client: httpx.Client, url: str, headers: dict[str, str], *, folder: Path, max_bytes: int,
        attempts: int = DEFAULT_ATTEMPTS, backoff: float = DEFAULT_BACKOFF, throttle: Throttle | None = None,
        sleep: Callable[[float], None] = time.sleep) -> Response:
    """GET a URL into a temporary file in `folder`, retrying 5xx, 429, time-outs and dropped
    connections with exponential back-off."""
    throttle = throttle or Throttle(0)
    reason = "no attempt"
    for attempt in range(1, attempts + 1):
        throttle.wait(url)
        try:
            response = _get_once(client, url, headers, folder, max_bytes)
        except _Retry as retry:
            reason, wait = retry.reason, retry.wait
        else:
            response.attempts = attempt
            return response
        finally:
            throttle.done(url)
        if attempt < attempts:
            sleep(backoff_delay(attempt, backoff, wait))
    return Response(kind="error", error=f"{reason} (after {attempts} attempts)" if attempts > 1 else reason,
                    attempts=attempts)


def _get_once(client: httpx.Client, url: str, headers: dict[str, str], folder: Path, max_bytes: int) -> Response:
    try:
        with client.stream("GET", url, headers=headers) as response:
            return _read(response, folder, max_bytes)
    except httpx.TooManyRedirects as exc:
        return Response(kind="error", error=f"too many redirects ({exc})")
    except (httpx.UnsupportedProtocol, httpx.LocalProtocolError, httpx.InvalidURL) as exc:
        return Response(kind="error", error=f"cannot request {url!r}: {exc}")
    except httpx.TimeoutException as exc:
        raise _Retry(f"timed out ({type(exc).__name__})") from exc
    except httpx.TransportError as exc:
        raise _Retry(f"connection failed ({type(exc).__name__}: {exc})") from exc


def _read(response: httpx.Response, folder: Path, max_bytes: int) -> Response:
    head = response.headers
    meta = dict(status_code=response.status_code, final_url=str(response.url), etag=head.get("etag"),
                last_modified=head.get("last-modified"), content_type=head.get("content-type"))
    code = response.status_code
    if code == 304:
        return Response(kind="not_modified", **meta)
    if code in GONE_STATUSES:
        return Response(kind="not_found", error=f"HTTP {code} {response.reason_phrase}".strip(), **meta)
    if code in RETRY_STATUSES:
        raise _Retry(f"HTTP {code} {response.reason_phrase}".strip(), retry_after(head.get("retry-after")))
    if not 200 <= code < 300:
        return Response(kind="error", error=f"HTTP {code} {response.reason_phrase}".strip(), **meta)
    try:
        declared = int(head["content-length"]) if "content-length" in head else None
    except ValueError:
        declared = None
    if declared is not None and declared > max_bytes:
        return Response(kind="error", error=f"too large: {declared:,} bytes declared, over the limit of {max_bytes:,}",
                        **meta)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".download-{uuid.uuid4().hex}.part"
    digest, size, kept = hashlib.sha256(), 0, False
    try:
        with open(temporary, "wb") as out:
            try:
                for chunk in response.iter_bytes(1 << 16):
                    size += len(chunk)
                    if size > max_bytes:
                        return Response(kind="error", error=f"too large: stopped after {max_bytes:,} bytes (the limit)",
                                        **meta)
                    digest.update(chunk)
                    out.write(chunk)
            except httpx.TransportError as exc:
                received = response.num_bytes_downloaded
                if declared is not None and received < declared:
                    raise _Retry(f"truncated: the body ended after {received:,} of its {declared:,} bytes") from exc
                if isinstance(exc, httpx.TimeoutException):
                    raise _Retry(f"timed out reading the body ({type(exc).__name__})") from exc
                raise _Retry(f"connection failed reading the body ({type(exc).__name__}: {exc})") from exc
        received = response.num_bytes_downloaded
        if declared is not None and received < declared:
            raise _Retry(f"truncated: the body ended after {received:,} of its {declared:,} bytes")
        kept = True
        return Response(kind="body", body=temporary, size=size, sha256=digest.hexdigest(), **meta)
    finally:
        if not kept:
            temporary.unlink(missing_ok=True)


# -- one row -------------------------------------------------------------------------------------

@dataclass
class FetchResult:
    url: str
    outcome: str  # downloaded, unchanged, changed, new_document, not_found, failed, refused
    detail: str
    row: ManifestRow  # the row as it now is (for a new version or document: the new row)
    requests: int = 1

    @property
    def problem(self) -> bool:
        return self.outcome in {"not_found", "failed", "refused"}


def _with(row: ManifestRow, **changes) -> ManifestRow:
    return row.model_copy(update=changes)


def fetch_row(row: ManifestRow, root: Path, request: Callable[[str, dict[str, str]], Response],
              identify: Identify | None = None, now: Callable[[], str] = utc_now,
              ) -> tuple[list[ManifestRow], FetchResult]:
    """Fetch one row's URL; return the rows that replace it (itself updated, and a new row for a
    new version) and what happened."""
    archived = fetch_plan(row, root) == "check"
    response = request(row.source_url, conditional_headers(row) if archived else {})
    try:
        rows, result = settle(row, root, response, archived, identify, now())
    finally:
        if response.body is not None:
            response.body.unlink(missing_ok=True)
    result.requests = response.attempts
    return rows, result


def settle(row: ManifestRow, root: Path, response: Response, archived: bool, identify: Identify | None,
           stamp: str) -> tuple[list[ManifestRow], FetchResult]:
    url = row.source_url

    def failure(kind: str, why: str) -> tuple[list[ManifestRow], FetchResult]:
        status = "not_found" if kind == "not_found" else f"{kind}: {why}"
        if archived:  # the archived copy stays the document; the check's result is noted
            return ([_with(row, checked_at=stamp, remote_status=status)],
                    FetchResult(url, kind, f"{why}; the archived copy is kept", row))
        updated = _with(row, status=status, checked_at=stamp, final_url=response.final_url or row.final_url)
        return [updated], FetchResult(url, kind, why, updated)

    if response.kind == "not_modified":
        if not archived:
            return failure("failed", "HTTP 304 Not Modified, but there is no archived copy")
        updated = _with(row, checked_at=stamp, remote_status="unchanged", etag=response.etag or row.etag,
                        last_modified=response.last_modified or row.last_modified)
        return [updated], FetchResult(url, "unchanged", "304 Not Modified", updated)
    if response.kind == "not_found":
        return failure("not_found", response.error or "not found")
    if response.kind == "error":
        return failure("failed", response.error or "failed")

    body = response.body
    try:
        actual = sniff_format(body)
    except ReadError as exc:
        return failure("refused", str(exc).replace(body.name, Path(urlsplit(url).path).name or url))
    problem = format_problem(actual, [url, response.final_url], response.content_type, row.original_format)
    if problem:
        return failure("refused", problem)

    validators = dict(etag=response.etag, last_modified=response.last_modified, final_url=response.final_url)
    previous = row.sha256
    if previous is None and row.file and (root / row.file).is_file():
        previous = sha256_of(root / row.file)
    stored = store_file(body, root, actual, move=True)
    fetched = dict(file=stored.relative, sha256=stored.sha256, size_bytes=stored.size, format=actual.value,
                   status="ok", fetched_at=stamp, checked_at=stamp, remote_status=None, **validators)

    if previous == stored.sha256:  # the same bytes (a server that does not do conditional GETs)
        updated = _with(row, **{**fetched, "fetched_at": row.fetched_at or stamp, "remote_status": "unchanged"})
        what = "the same bytes as the archived copy" if archived else f"{stored.relative} ({size_text(stored.size)})"
        return [updated], FetchResult(url, "unchanged" if archived else "downloaded", what, updated)

    if previous is None:  # first download
        updated = _with(row, **fetched, original_format=row.original_format or actual.value)
        detail = f"{stored.relative} ({size_text(stored.size)})"
        if (not row.council or not row.period) and identify is not None:
            council, period = _identify(identify, stored.path, row.council, row.period)
            found = {k: v for k, v in (("council", council), ("period", period)) if v and not getattr(row, k)}
            if found:
                updated = _with(updated, **found)
                detail += f"; detected: {updated.council or '?'}, {updated.period or '?'} (from the document)"
            if not updated.council or not updated.period:
                detail += "; the council or year could not be read from it: fill them in in the manifest"
        return [updated], FetchResult(url, "downloaded", detail, updated)

    # new bytes upstream: a new version (or, at a reused URL, another year's report)
    _, found_period = _identify(identify, stored.path, None, None) if identify is not None else (None, None)
    if found_period and row.period and found_period != row.period:
        new = ManifestRow(council=row.council, period=found_period, source_url=url, licence=row.licence,
                          original_format=actual.value, **fetched)
        old = _with(row, checked_at=stamp, remote_status=f"changed: the URL now serves the {found_period} report "
                                                         f"({stored.relative}, its own row)")
        return [old, new], FetchResult(url, "new_document", f"the URL now serves the {found_period} report: "
                                                            f"{stored.relative}, a new row; {row.file} is kept", new)
    new = _with(row, **fetched)
    old = _with(row, status="superseded", checked_at=stamp, remote_status=f"changed: superseded by {stored.relative}")
    return [old, new], FetchResult(url, "changed", f"a new version: {stored.relative}; the old file {row.file} "
                                                   "is kept (its row is now superseded)", new)


def _identify(identify: Identify, path: Path, council: str | None, period: str | None):
    try:
        return identify(path, council, period)
    except Exception:  # identification is a help, never a reason to lose a download
        return None, None


# -- the corpus ----------------------------------------------------------------------------------

@dataclass
class FetchSummary:
    results: list[FetchResult] = field(default_factory=list)
    skipped: int = 0  # rows with no URL, or old versions

    @property
    def counts(self) -> Counter:
        return Counter(result.outcome for result in self.results)

    @property
    def problems(self) -> list[FetchResult]:
        return [result for result in self.results if result.problem]

    @property
    def requests(self) -> int:
        return sum(result.requests for result in self.results)

    def describe(self) -> str:
        order = ["downloaded", "unchanged", "changed", "new_document", "not_found", "failed", "refused"]
        counts = self.counts
        parts = [f"{counts[k]} {k.replace('_', ' ')}" for k in order if counts[k]]
        return f"{len(self.results)} URLs: {', '.join(parts) or 'nothing to do'}"


#: GET a URL with headers -> a Response (retried, throttled): what fetching one row needs.
Request = Callable[[str, dict[str, str]], Response]


@contextmanager
def session(folder: Path, *, delay: float = DEFAULT_DELAY, timeout: float = DEFAULT_TIMEOUT,
            max_bytes: int = DEFAULT_MAX_BYTES, attempts: int = DEFAULT_ATTEMPTS, backoff: float = DEFAULT_BACKOFF,
            client: httpx.Client | None = None, event_hooks: dict | None = None, trust_env: bool = True,
            sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
            ) -> Iterator[Request]:
    """A polite `request(url, headers)`: one client, one delay per host, retries with back-off,
    the size limit; bodies are written to temporary files in `folder`."""
    throttle = Throttle(delay, clock=clock, sleep=sleep)
    own_client = client is None
    client = client or make_client(timeout, event_hooks=event_hooks, trust_env=trust_env)

    def request(url: str, headers: dict[str, str]) -> Response:
        return get(client, url, headers, folder=folder, max_bytes=max_bytes, attempts=attempts, backoff=backoff,
                   throttle=throttle, sleep=sleep)

    try:
        yield request
    finally:
        if own_client:
            client.close()


def source_status(result: FetchResult) -> str:
    """A fetch's outcome as sources.csv records it: ok, not_found, failed: <why>, refused: <why>."""
    if result.outcome == "not_found":
        return "not_found"
    if result.problem:
        return f"{result.outcome}: {result.detail}"
    return "ok"


def note_fetch(sources: list[SourceRow], result: FetchResult, listed_by: str, stamp: str) -> SourceRow:
    """Record a fetched address in the sources list (adding it when it is new)."""
    row = result.row
    files = [row.file] if row.file and not result.problem else []
    return note_address(sources, result.url, council=row.council, period=row.period, kind=kind_of(row.format, result.url),
                        listed_by=listed_by, origin_url=row.origin_url, status=source_status(result), files=files,
                        checked_at=stamp)


def fetch_corpus(
    corpus_dir: Path | None = None,
    *,
    delay: float = DEFAULT_DELAY,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
    attempts: int = DEFAULT_ATTEMPTS,
    backoff: float = DEFAULT_BACKOFF,
    identify: Identify | None = None,
    on_document: Callable[[FetchResult], None] | None = None,
    client: httpx.Client | None = None,
    event_hooks: dict | None = None,
    trust_env: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], str] = utc_now,
) -> FetchSummary:
    """Download what the manifest lists by URL and has not archived, and check what it has.

    The manifest (and sources.csv) are saved after every document (before `on_document` is
    called), so a run stopped at any point is resumed by running it again.
    """
    root = Path(corpus_dir) if corpus_dir else CORPUS_DIR
    manifest = root / "manifest.csv"
    rows = load_manifest(manifest)
    sources = load_sources(sources_path(root))
    todo = rows_to_fetch(rows, root)
    summary = FetchSummary(skipped=len(rows) - len(todo))
    with session(root / REPORTS, delay=delay, timeout=timeout, max_bytes=max_bytes, attempts=attempts,
                 backoff=backoff, client=client, event_hooks=event_hooks, trust_env=trust_env, sleep=sleep,
                 clock=clock) as request:
        for row, _plan in todo:
            replacement, result = fetch_row(row, root, request, identify=identify, now=now)
            position = next(i for i, candidate in enumerate(rows) if candidate is row)
            rows[position:position + 1] = replacement
            write_manifest(rows, manifest)
            note_fetch(sources, result, "complaints fetch (a manifest row's source_url)", result.row.checked_at or now())
            write_sources(sources, sources_path(root))
            summary.results.append(result)
            if on_document is not None:
                on_document(result)
    return summary

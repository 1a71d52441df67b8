"""Corpus management: the manifest, `complaints add`, `complaints fetch`, coverage.

Fetching is tested against a real HTTP server on 127.0.0.1 started here, serving good files
and every fault a council website can produce. Every request the client makes is checked
to go to that server: nothing here contacts the internet.
"""

from __future__ import annotations

import csv
import io
import shutil
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import sqlite_utils
from click.testing import CliRunner
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from cli import main
from publish.coverage import coverage_from_manifest, create_coverage_table
from schemas.periods import period_range
from corpus.fetch import (
    CONTACT_URL,
    Throttle,
    backoff_delay,
    conditional_headers,
    fetch_corpus,
    format_problem,
    rows_to_fetch,
)
from corpus.manifest import (
    DEFAULT_MANIFEST,
    MANIFEST_COLUMNS,
    ManifestError,
    ManifestRow,
    load_corpus,
    load_manifest,
    write_manifest,
)
from corpus.store import store_file
from corpus.files import sha256_of
from schemas import DocumentFormat
from tests.conftest import REPORTS_DIR

LAST_MODIFIED = "Wed, 01 May 2024 10:00:00 GMT"
SEED_TEXT = (REPORTS_DIR / "001_8a475261652e58a2.txt").read_bytes()


def make_pdf(*lines: str) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setFont("Helvetica", 11)
    for number, line in enumerate(lines):
        pdf.drawString(72, 780 - 20 * number, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


THURROCK_PDF = make_pdf("Thurrock Council", "Children's social care complaints annual report 2023/24",
                        "We received 52 complaints during the year.")
KENT_PDF = make_pdf("Kent County Council", "Children's social care complaints annual report 2022/23")
SURREY_PDF = make_pdf("Surrey County Council", "Children's social care complaints annual report 2022/23")
TRUNCATED_PDF = make_pdf("Hampshire County Council", "Children's social care complaints annual report 2022/23")
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Page not found</title></head><body>Sorry</body></html>"


# -- the test server ---------------------------------------------------------------------------

@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the connection closes after each response, so a short body shows

    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        with self.server.lock:
            self.server.seen.append(Seen(path, {k.lower(): v for k, v in self.headers.items()}))
            self.server.calls[path] = self.server.calls.get(path, 0) + 1
            call = self.server.calls[path]
        route = self.server.routes.get(path)
        if route is None:
            self.reply(404, b"no such page", "text/plain")
        else:
            route(self, call)

    def reply(self, code: int, body: bytes = b"", content_type: str = "application/octet-stream",
              headers: dict[str, str] | None = None, length: int | None = None) -> None:
        self.send_response(code)
        if body or code == 200:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class ReportServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.seen: list[Seen] = []
        self.calls: dict[str, int] = {}
        self.stop = threading.Event()
        self.changing_version = 1
        self.routes = {
            "/reports/thurrock-2023-24.pdf": self.etag_pdf,
            "/reports/calderdale-2021-22.txt": self.last_modified_text,
            "/reports/gone.pdf": lambda h, call: h.reply(404, b"<html><body>Not found</body></html>", "text/html"),
            "/reports/flaky.pdf": self.flaky,
            "/reports/always-500.pdf": lambda h, call: h.reply(500, b"oops", "text/plain"),
            "/reports/slow.pdf": self.slow,
            "/old/surrey.pdf": lambda h, call: h.reply(301, headers={"Location": "/reports/surrey-2022-23.pdf"}),
            "/reports/surrey-2022-23.pdf": lambda h, call: h.reply(200, SURREY_PDF, "application/pdf"),
            "/reports/truncated.pdf": lambda h, call: h.reply(200, TRUNCATED_PDF[:400], "application/pdf",
                                                              length=len(TRUNCATED_PDF)),
            "/reports/error-page.pdf": lambda h, call: h.reply(200, ERROR_PAGE, "application/pdf"),
            "/reports/big.txt": lambda h, call: h.reply(200, b"x" * 300_000, "text/plain"),
            "/reports/big-no-length.txt": self.big_without_length,
            "/reports/changing.txt": self.changing,
            "/reports/scan.pdf": lambda h, call: h.reply(200, b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "application/pdf"),
        }

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def handle_error(self, request, client_address) -> None:
        pass  # a client that hung up on a slow or big response is expected

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    # routes
    @staticmethod
    def etag_pdf(handler: Handler, call: int) -> None:
        if handler.headers.get("If-None-Match") == '"pdf-v1"':
            handler.reply(304, headers={"ETag": '"pdf-v1"'})
        else:
            handler.reply(200, THURROCK_PDF, "application/pdf", headers={"ETag": '"pdf-v1"'})

    @staticmethod
    def last_modified_text(handler: Handler, call: int) -> None:
        if handler.headers.get("If-Modified-Since") == LAST_MODIFIED:
            handler.reply(304)
        else:
            handler.reply(200, SEED_TEXT, "text/plain; charset=utf-8", headers={"Last-Modified": LAST_MODIFIED})

    @staticmethod
    def flaky(handler: Handler, call: int) -> None:
        if call == 1:
            handler.reply(500, b"Internal Server Error", "text/plain")
        else:
            handler.reply(200, KENT_PDF, "application/pdf")

    def slow(self, handler: Handler, call: int) -> None:
        self.stop.wait(2.0)
        handler.reply(200, THURROCK_PDF, "application/pdf")

    @staticmethod
    def big_without_length(handler: Handler, call: int) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.end_headers()
        for _ in range(30):
            handler.wfile.write(b"y" * 10_000)

    def changing(self, handler: Handler, call: int) -> None:
        version = self.changing_version
        etag = f'"changing-v{version}"'
        if handler.headers.get("If-None-Match") == etag:
            handler.reply(304, headers={"ETag": etag})
        else:
            body = f"Complaints report, version {version}.\nWe received {10 * version} complaints.\n".encode()
            handler.reply(200, body, "text/plain", headers={"ETag": etag})


@pytest.fixture
def server():
    srv = ReportServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.stop.set()
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def hooks(server):
    """An httpx event hook that fails the test on any request to another address."""
    urls: list[str] = []

    def only_the_test_server(request: httpx.Request) -> None:
        urls.append(str(request.url))
        assert (request.url.host, request.url.port) == ("127.0.0.1", server.server_address[1]), request.url

    return {"request": [only_the_test_server]}, urls


def make_corpus(folder: Path, rows: list[dict]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest([ManifestRow(**row) for row in rows], folder / "manifest.csv")
    return folder


def by_url(rows: list[ManifestRow]) -> dict[str, ManifestRow]:
    return {row.source_url: row for row in rows}


def archived_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "reports").iterdir()) if (corpus / "reports").exists() else []


FAST = dict(delay=0, timeout=0.5, backoff=0, trust_env=False)


# -- fetch -------------------------------------------------------------------------------------

def test_fetch_records_every_outcome_in_the_manifest(server, hooks, tmp_path):
    event_hooks, urls = hooks
    cases = {
        "/reports/thurrock-2023-24.pdf": ("Thurrock", "2023-24"),
        "/reports/calderdale-2021-22.txt": ("Calderdale", "2021-22"),
        "/reports/gone.pdf": ("Medway", "2022-23"),
        "/reports/flaky.pdf": ("Kent", "2022-23"),
        "/reports/always-500.pdf": ("Devon", "2022-23"),
        "/reports/slow.pdf": ("Essex", "2022-23"),
        "/old/surrey.pdf": ("Surrey", "2022-23"),
        "/reports/truncated.pdf": ("Hampshire", "2022-23"),
        "/reports/error-page.pdf": ("Norfolk", "2022-23"),
        "/reports/big.txt": ("Cornwall", "2022-23"),
        "/reports/big-no-length.txt": ("Lancashire", "2022-23"),
        "/reports/scan.pdf": ("Suffolk", "2022-23"),
    }
    corpus = make_corpus(tmp_path / "corpus", [
        {"council": council, "period": period, "source_url": server.url(path)}
        for path, (council, period) in cases.items()
    ] + [{"file": "reports/local.txt", "council": "Luton", "period": "2022-23"}])  # no URL: left alone
    started = time.monotonic()
    summary = fetch_corpus(corpus, max_bytes=100_000, attempts=3, event_hooks=event_hooks, **FAST)
    assert time.monotonic() - started < 10

    rows = by_url(load_manifest(corpus / "manifest.csv"))
    row = lambda path: rows[server.url(path)]  # noqa: E731
    outcomes = {urlsplit(r.url).path: r.outcome for r in summary.results}
    assert outcomes == {
        "/reports/thurrock-2023-24.pdf": "downloaded", "/reports/calderdale-2021-22.txt": "downloaded",
        "/reports/gone.pdf": "not_found", "/reports/flaky.pdf": "downloaded", "/reports/always-500.pdf": "failed",
        "/reports/slow.pdf": "failed", "/old/surrey.pdf": "downloaded", "/reports/truncated.pdf": "failed",
        "/reports/error-page.pdf": "refused", "/reports/big.txt": "failed", "/reports/big-no-length.txt": "failed",
        "/reports/scan.pdf": "refused",
    }
    assert summary.skipped == 1

    # good files: content-addressed, with their provenance
    pdf = row("/reports/thurrock-2023-24.pdf")
    assert pdf.status == "ok" and pdf.format == "pdf" and pdf.original_format == "pdf"
    assert pdf.file == f"reports/{sha256_of(corpus / pdf.file)}.pdf" and pdf.sha256 == sha256_of(corpus / pdf.file)
    assert (corpus / pdf.file).read_bytes() == THURROCK_PDF and pdf.size_bytes == len(THURROCK_PDF)
    assert pdf.etag == '"pdf-v1"' and pdf.fetched_at and pdf.final_url == pdf.source_url
    text = row("/reports/calderdale-2021-22.txt")
    assert text.status == "ok" and text.format == "text" and text.file.endswith(".txt")
    assert text.last_modified == LAST_MODIFIED and (corpus / text.file).read_bytes() == SEED_TEXT

    # 404
    assert row("/reports/gone.pdf").status == "not_found" and row("/reports/gone.pdf").file is None
    # a 500 that recovers on the second try
    assert row("/reports/flaky.pdf").status == "ok" and len(server.requests_to("/reports/flaky.pdf")) == 2
    # a 500 that does not: tried three times
    assert row("/reports/always-500.pdf").status == "failed: HTTP 500 Internal Server Error (after 3 attempts)"
    assert len(server.requests_to("/reports/always-500.pdf")) == 3
    # too slow
    assert row("/reports/slow.pdf").status.startswith("failed: timed out")
    # a redirect: the final URL is recorded, the source URL kept
    moved = row("/old/surrey.pdf")
    assert moved.status == "ok" and moved.final_url == server.url("/reports/surrey-2022-23.pdf")
    assert (corpus / moved.file).read_bytes() == SURREY_PDF
    # a body shorter than its Content-Length is an error, not a file
    truncated = row("/reports/truncated.pdf")
    assert truncated.status.startswith("failed: truncated: the body ended after 400 of its")
    assert truncated.file is None
    # an HTML error page served as a PDF
    refused = row("/reports/error-page.pdf")
    assert refused.status.startswith("refused: the server said Content-Type application/pdf, but the bytes are an HTML page")
    assert refused.file is None
    # bytes the readers refuse: refused with the reader's message, naming the URL's file
    assert row("/reports/scan.pdf").status == "refused: scan.pdf: an image, not a document; it needs OCR before it can be read"
    # over the size limit, declared or not
    assert row("/reports/big.txt").status == "failed: too large: 300,000 bytes declared, over the limit of 100,000"
    assert row("/reports/big-no-length.txt").status == "failed: too large: stopped after 100,000 bytes (the limit)"

    # only the four good files are archived; no temporary file is left behind
    assert [p.name for p in archived_files(corpus)] == sorted(
        Path(row(p).file).name for p in ("/reports/thurrock-2023-24.pdf", "/reports/calderdale-2021-22.txt",
                                         "/reports/flaky.pdf", "/old/surrey.pdf"))
    # the build sees the four documents (the unfetched local row's missing file is its own business)
    entries = {row.source_url for _, row in load_corpus(corpus).entries() if row and row.source_url}
    assert entries == {server.url(p) for p in ("/reports/thurrock-2023-24.pdf", "/reports/calderdale-2021-22.txt",
                                                "/reports/flaky.pdf", "/old/surrey.pdf")}

    # a descriptive User-Agent, and no request anywhere but the test server
    [agent] = {seen.headers["user-agent"] for seen in server.seen}
    assert agent.startswith("csc-complaints/") and CONTACT_URL in agent
    assert urls and all(url.startswith(server.base + "/") for url in urls)


def test_second_fetch_sends_conditional_gets_and_keeps_new_versions(server, hooks, tmp_path):
    event_hooks, urls = hooks
    corpus = make_corpus(tmp_path / "corpus", [
        {"council": "Thurrock", "period": "2023-24", "source_url": server.url("/reports/thurrock-2023-24.pdf"),
         "licence": "Open Government Licence v3.0"},
        {"council": "Calderdale", "period": "2021-22", "source_url": server.url("/reports/calderdale-2021-22.txt")},
        {"council": "Suffolk", "period": "2022-23", "source_url": server.url("/reports/changing.txt"),
         "title": "Annual complaints report"},
    ])
    first = fetch_corpus(corpus, event_hooks=event_hooks, **FAST)
    assert first.counts == {"downloaded": 3}
    before = load_manifest(corpus / "manifest.csv")
    old_file = corpus / by_url(before)[server.url("/reports/changing.txt")].file
    old_bytes = old_file.read_bytes()

    server.changing_version = 2
    second = fetch_corpus(corpus, event_hooks=event_hooks, **FAST)
    assert {urlsplit(r.url).path: r.outcome for r in second.results} == {
        "/reports/thurrock-2023-24.pdf": "unchanged", "/reports/calderdale-2021-22.txt": "unchanged",
        "/reports/changing.txt": "changed",
    }
    pdf_requests = server.requests_to("/reports/thurrock-2023-24.pdf")
    assert pdf_requests[-1].headers["if-none-match"] == '"pdf-v1"'
    assert server.requests_to("/reports/calderdale-2021-22.txt")[-1].headers["if-modified-since"] == LAST_MODIFIED

    rows = load_manifest(corpus / "manifest.csv")
    assert len(rows) == 4
    changing = [r for r in rows if r.source_url == server.url("/reports/changing.txt")]
    old, new = changing
    assert old.status == "superseded" and old.remote_status == f"changed: superseded by {new.file}"
    assert new.status == "ok" and new.file != old.file and new.etag == '"changing-v2"'
    assert (new.council, new.period, new.title) == ("Suffolk", "2022-23", "Annual complaints report")
    assert old_file.read_bytes() == old_bytes  # the old version is never overwritten
    assert b"version 2" in (corpus / new.file).read_bytes()
    unchanged = by_url(rows)[server.url("/reports/thurrock-2023-24.pdf")]
    assert unchanged.remote_status == "unchanged" and unchanged.checked_at
    assert unchanged.file == by_url(before)[server.url("/reports/thurrock-2023-24.pdf")].file

    # the build reads the current version only
    built = [path.name for path, _ in load_corpus(corpus).entries()]
    assert Path(new.file).name in built and Path(old.file).name not in built

    # a third run checks only the current version, and it is unchanged
    third = fetch_corpus(corpus, event_hooks=event_hooks, **FAST)
    assert third.counts == {"unchanged": 3}
    assert len(load_manifest(corpus / "manifest.csv")) == 4
    assert all(url.startswith(server.base) for url in urls)


def test_a_reused_url_that_now_serves_another_year_is_a_new_document(server, hooks, tmp_path):
    event_hooks, _ = hooks
    corpus = make_corpus(tmp_path / "corpus", [
        {"council": "Suffolk", "period": "2022-23", "source_url": server.url("/reports/changing.txt")},
    ])
    fetch_corpus(corpus, event_hooks=event_hooks, identify=None, **FAST)
    server.changing_version = 2
    summary = fetch_corpus(corpus, event_hooks=event_hooks, identify=lambda path, council, period: (None, "2023-24"),
                           **FAST)
    assert summary.counts == {"new_document": 1}
    old, new = load_manifest(corpus / "manifest.csv")
    assert (old.status, old.period) == ("ok", "2022-23")  # still the 2022-23 report
    assert (new.status, new.period, new.council) == ("ok", "2023-24", "Suffolk")
    assert len(load_corpus(corpus).entries()) == 2


def test_fetch_is_resumable_and_downloads_nothing_twice(server, hooks, tmp_path):
    event_hooks, _ = hooks
    paths = ["/reports/thurrock-2023-24.pdf", "/reports/calderdale-2021-22.txt", "/reports/changing.txt"]
    corpus = make_corpus(tmp_path / "corpus", [
        {"council": c, "period": p, "source_url": server.url(path)}
        for path, (c, p) in zip(paths, [("Thurrock", "2023-24"), ("Calderdale", "2021-22"), ("Suffolk", "2022-23")])
    ])

    class Interrupted(Exception):
        pass

    def interrupt(result) -> None:
        raise Interrupted(result.url)

    with pytest.raises(Interrupted):
        fetch_corpus(corpus, event_hooks=event_hooks, on_document=interrupt, **FAST)
    rows = load_manifest(corpus / "manifest.csv")
    assert [r.status for r in rows] == ["ok", None, None]  # saved after the first document
    assert len(server.seen) == 1

    summary = fetch_corpus(corpus, event_hooks=event_hooks, **FAST)
    assert [r.outcome for r in summary.results] == ["unchanged", "downloaded", "downloaded"]
    full = [seen.path for seen in server.seen if "if-none-match" not in seen.headers
            and "if-modified-since" not in seen.headers]
    assert sorted(full) == sorted(paths)  # each file downloaded exactly once over both runs
    assert server.requests_to(paths[0])[-1].headers["if-none-match"] == '"pdf-v1"'
    assert [r.status for r in load_manifest(corpus / "manifest.csv")] == ["ok", "ok", "ok"]
    assert len(archived_files(corpus)) == 3


def test_fetch_waits_between_requests_to_a_host_and_backs_off(server, hooks, tmp_path):
    event_hooks, _ = hooks
    corpus = make_corpus(tmp_path / "corpus", [
        {"council": "Kent", "period": "2022-23", "source_url": server.url("/reports/flaky.pdf")},
        {"council": "Thurrock", "period": "2023-24", "source_url": server.url("/reports/thurrock-2023-24.pdf")},
    ])
    slept: list[float] = []
    summary = fetch_corpus(corpus, event_hooks=event_hooks, delay=30, timeout=1, backoff=0.25, trust_env=False,
                           sleep=slept.append)  # recorded, not slept
    assert summary.counts == {"downloaded": 2}
    backoffs = [s for s in slept if s < 1]
    polite = [s for s in slept if s > 25]
    assert backoffs == [0.25]  # one retry of the 500
    assert len(polite) == 2  # before the retry's request and before the next document's


def test_throttle_backoff_and_other_pure_parts():
    now = [100.0]
    slept: list[float] = []
    throttle = Throttle(2.0, clock=lambda: now[0], sleep=slept.append)
    throttle.wait("https://www.kent.gov.uk/a.pdf")
    throttle.done("https://www.kent.gov.uk/a.pdf")
    now[0] += 0.5
    throttle.wait("https://www.kent.gov.uk/b.pdf")
    throttle.wait("https://www.medway.gov.uk/c.pdf")  # another host: no wait
    assert slept == [1.5]
    assert [backoff_delay(n, 1.0) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert backoff_delay(1, 1.0, wait=10) == 10 and backoff_delay(1, 1.0, wait=10_000) == 60

    row = ManifestRow(source_url="https://x.gov.uk/r.pdf", etag='"a"', last_modified=LAST_MODIFIED)
    assert conditional_headers(row) == {"If-None-Match": '"a"', "If-Modified-Since": LAST_MODIFIED}
    assert conditional_headers(ManifestRow(source_url="https://x.gov.uk/r.pdf")) == {}

    html, text, pdf = DocumentFormat.HTML, DocumentFormat.TEXT, DocumentFormat.PDF
    assert format_problem(html, ["https://x.gov.uk/r.pdf"], "text/html")  # a .pdf URL serving a web page
    assert format_problem(text, ["https://x.gov.uk/r"], "application/pdf")
    assert format_problem(html, ["https://x.gov.uk/r"], "text/html") is None  # a report published as a web page
    assert format_problem(pdf, ["https://x.gov.uk/download?id=4"], "application/octet-stream") is None
    assert format_problem(pdf, ["https://x.gov.uk/r.htm"], "text/html") is None  # real PDF bytes are trusted


def test_only_the_latest_row_of_a_council_and_url_is_fetched(tmp_path):
    url = "https://www.example.gov.uk/report.pdf"
    rows = [
        ManifestRow(council="Suffolk", period="2022-23", source_url=url, status="superseded", file="reports/a.pdf"),
        ManifestRow(council="Suffolk", period="2022-23", source_url=url, status="ok", file="reports/b.pdf"),
        ManifestRow(council="Westminster", period="2022-23", source_url=url),  # a joint report: its own row
        ManifestRow(council="Luton", period="2022-23", file="reports/c.txt"),  # no URL
    ]
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "b.pdf").write_bytes(b"%PDF-1.4")
    plans = [(row.council, plan) for row, plan in rows_to_fetch(rows, tmp_path)]
    assert plans == [("Suffolk", "check"), ("Westminster", "download")]


def test_fetch_command(server, tmp_path, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    corpus = make_corpus(tmp_path / "corpus", [
        {"council": "Thurrock", "period": "2023-24", "source_url": server.url("/reports/thurrock-2023-24.pdf")},
        {"council": "Medway", "period": "2022-23", "source_url": server.url("/reports/gone.pdf")},
    ])
    result = CliRunner().invoke(main, ["fetch", "--corpus", str(corpus), "--delay", "0", "--timeout", "1"])
    assert result.exit_code == 2, result.output
    assert "downloaded" in result.output and "not_found" in result.output
    assert "2 URLs: 1 downloaded, 1 not found" in result.output
    assert {s.path for s in server.seen} == {"/reports/thurrock-2023-24.pdf", "/reports/gone.pdf"}
    result = CliRunner().invoke(main, ["corpus", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "coverage: 156 councils x 2 years (2022-23 to 2023-24), 305 council-years" in result.output
    assert ": 1 present, 1 failed, 303 missing" in result.output
    assert "failed:  Medway 2022-23: not_found" in result.output


# -- add ---------------------------------------------------------------------------------------

@pytest.fixture
def runner():
    return CliRunner()


def test_add_stores_a_file_by_its_sha256_once(runner, tmp_path):
    corpus = tmp_path / "corpus"
    source = tmp_path / "calderdale report.txt"
    source.write_bytes(SEED_TEXT)
    result = runner.invoke(main, ["add", str(source), "--council", "Calderdale", "--year", "2021/22", "--corpus",
                                  str(corpus), "--url", "https://www.calderdale.gov.uk/r.docx", "--title", "Annual"])
    assert result.exit_code == 0, result.output
    digest = sha256_of(source)
    [row] = load_manifest(corpus / "manifest.csv")
    assert row.file == f"reports/{digest}.txt" and (corpus / row.file).read_bytes() == SEED_TEXT
    assert (row.council, row.period, row.status, row.format, row.sha256) == ("Calderdale", "2021-22", "ok", "text", digest)
    assert row.size_bytes == len(SEED_TEXT) and row.source_url == "https://www.calderdale.gov.uk/r.docx"
    assert row.title == "Annual"
    assert f"added reports/{digest}.txt" in result.output

    again = tmp_path / "the same, renamed.md"
    shutil.copy(source, again)
    result = runner.invoke(main, ["add", str(again), "--council", "Calderdale", "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "already in the corpus" in result.output and "stored once" in result.output
    assert len(load_manifest(corpus / "manifest.csv")) == 1
    assert len(archived_files(corpus)) == 1

    (corpus / row.file).unlink()  # an archived copy lost: adding the file again restores it, still one row
    result = runner.invoke(main, ["add", str(again), "--corpus", str(corpus)])
    assert result.exit_code == 0 and "already in the corpus" in result.output
    assert (corpus / row.file).read_bytes() == SEED_TEXT and len(load_manifest(corpus / "manifest.csv")) == 1


def test_add_knows_a_file_already_listed_under_another_name(runner, tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "reports").mkdir(parents=True)
    shutil.copy(REPORTS_DIR / "001_8a475261652e58a2.txt", corpus / "reports")
    make_corpus(corpus, [{"file": "reports/001_8a475261652e58a2.txt", "council": "Calderdale", "period": "2021-22",
                          "sha256": sha256_of(REPORTS_DIR / "001_8a475261652e58a2.txt")}])
    result = runner.invoke(main, ["add", str(REPORTS_DIR / "001_8a475261652e58a2.txt"), "--corpus", str(corpus)])
    assert result.exit_code == 0 and "already in the corpus: reports/001_8a475261652e58a2.txt" in result.output
    assert [p.name for p in archived_files(corpus)] == ["001_8a475261652e58a2.txt"]


def test_store_file_is_content_addressed(tmp_path):
    pdf = tmp_path / "a name.txt"  # the extension comes from the bytes, not the name
    pdf.write_bytes(THURROCK_PDF)
    first = store_file(pdf, tmp_path / "corpus")
    second = store_file(pdf, tmp_path / "corpus")
    assert first.relative == f"reports/{sha256_of(pdf)}.pdf" and first.format is DocumentFormat.PDF
    assert not first.existed and second.existed and first.path == second.path


def test_add_an_unknown_council_is_a_one_line_error(runner, tmp_path):
    source = tmp_path / "report.txt"
    source.write_bytes(SEED_TEXT)
    corpus = tmp_path / "corpus"
    result = runner.invoke(main, ["add", str(source), "--council", "Atlantis", "--year", "2023-24", "--corpus",
                                  str(corpus)])
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "Atlantis" in result.output and "Traceback" not in result.output
    assert not (corpus / "manifest.csv").exists() and not archived_files(corpus)
    result = runner.invoke(main, ["add", str(source), "--year", "2023", "--corpus", str(corpus)])
    assert result.exit_code == 1 and "--year" in result.output


def test_add_takes_an_ons_code(runner, tmp_path):
    source = tmp_path / "report.txt"
    source.write_bytes(SEED_TEXT)
    result = runner.invoke(main, ["add", str(source), "--council", "E08000033", "--year", "2021-22", "--corpus",
                                  str(tmp_path / "corpus")])
    assert result.exit_code == 0, result.output
    assert load_manifest(tmp_path / "corpus" / "manifest.csv")[0].council == "Calderdale"


def test_add_detects_council_and_year_from_the_document(runner, tmp_path):
    source = tmp_path / "appendix.txt"
    shutil.copy(REPORTS_DIR / "004_0f72ccf6eb1b7efb.txt", source)
    corpus = tmp_path / "corpus"
    result = runner.invoke(main, ["add", str(source), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "detected: Thurrock, 2023-24 (from the document)" in result.output
    [row] = load_manifest(corpus / "manifest.csv")
    assert (row.council, row.period) == ("Thurrock", "2023-24")


def test_add_what_cannot_be_detected_is_left_blank_with_a_warning(runner, tmp_path):
    source = tmp_path / "anonymous.txt"
    source.write_text("Complaints report\n\nWe received 12 complaints.\n")
    corpus = tmp_path / "corpus"
    result = runner.invoke(main, ["add", str(source), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "warning: the council and year could not be read from the document; fill in" in result.output
    [row] = load_manifest(corpus / "manifest.csv")
    assert row.council is None and row.period is None and row.status == "ok"


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "needs OCR"),
    (b"   \n", "empty"),
    (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, ".doc"),
])
def test_add_refuses_a_file_the_readers_refuse(runner, tmp_path, content, words):
    source = tmp_path / "report.pdf"
    source.write_bytes(content)
    corpus = tmp_path / "corpus"
    result = runner.invoke(main, ["add", str(source), "--council", "Thurrock", "--year", "2023-24", "--corpus",
                                  str(corpus)])
    assert result.exit_code == 1
    assert "refused" in result.output and words in result.output and "report.pdf" in result.output
    assert not (corpus / "manifest.csv").exists()


# -- the manifest ------------------------------------------------------------------------------

OLD_COLUMNS = ["file", "council", "period", "title", "original_format", "sha256", "source_url", "licence", "notes"]


def test_the_bundled_manifest_still_loads_and_builds_the_same():
    before = DEFAULT_MANIFEST.read_bytes()
    rows = load_manifest(DEFAULT_MANIFEST)
    # the five seed rows (an old manifest's nine columns: no status) and the 25 real pages added since
    assert len(rows) == 30 and all(row.is_document for row in rows)
    assert [row.status for row in rows[:5]] == [None] * 5 and {row.status for row in rows[5:]} == {"ok"}
    corpus = load_corpus()
    assert [path.name for path, _ in corpus.entries()] == [Path(row.file).name for row in rows]
    assert DEFAULT_MANIFEST.read_bytes() == before


def test_an_old_manifest_loads_and_is_written_back_with_every_column(tmp_path):
    path = tmp_path / "manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(OLD_COLUMNS + ["reviewer"])
        writer.writerow(["reports/a.txt", "Thurrock", "2023-24", "T", "pdf", "", "", "OGL", "n", "Sam"])
    [row] = load_manifest(path)
    assert (row.file, row.council, row.period, row.status, row.size_bytes) == ("reports/a.txt", "Thurrock", "2023-24",
                                                                               None, None)
    write_manifest([row], path)
    with open(path, newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert header == MANIFEST_COLUMNS + ["reviewer"]  # a researcher's own column is kept
    assert header[:9] == OLD_COLUMNS  # old readers find the old columns first
    assert load_manifest(path) == [row]


def test_manifest_writes_are_atomic(tmp_path, monkeypatch):
    path = tmp_path / "manifest.csv"
    rows = [ManifestRow(file=f"reports/{n}.txt", council="Thurrock", period="2023-24") for n in range(5)]
    write_manifest(rows, path)
    before = path.read_bytes()
    written = []
    original = csv.DictWriter.writerow

    def failing(self, row):
        written.append(row)
        if len(written) == 3:
            raise KeyboardInterrupt  # stopped half-way
        return original(self, row)

    monkeypatch.setattr(csv.DictWriter, "writerow", failing)
    with pytest.raises(KeyboardInterrupt):
        write_manifest(rows + [ManifestRow(file="reports/new.txt")], path)
    assert path.read_bytes() == before  # the previous manifest, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.csv"]  # no temporary file left


def test_manifest_rows_are_validated(tmp_path):
    path = tmp_path / "manifest.csv"
    path.write_text("file,status\nreports/a.txt,broken\n")
    with pytest.raises(ManifestError, match="line 2.*status"):
        load_manifest(path)
    path.write_text("file,council\n,Thurrock\n")
    with pytest.raises(ManifestError, match="a file or a source_url"):
        load_manifest(path)
    path.write_text("council,source_url\nThurrock,https://www.thurrock.gov.uk/r.pdf\n")
    assert load_manifest(path)[0].file is None


def test_entries_skip_what_is_not_a_document(tmp_path):
    (tmp_path / "reports").mkdir()
    for name in ("ok.txt", "old.txt", "no-row.txt"):
        (tmp_path / "reports" / name).write_text("Thurrock complaints report 2023/24\n")
    make_corpus(tmp_path, [
        {"file": "reports/ok.txt", "council": "Thurrock", "period": "2023-24", "status": "ok"},
        {"file": "reports/old.txt", "council": "Thurrock", "period": "2023-24", "status": "superseded"},
        {"council": "Medway", "period": "2023-24", "source_url": "https://www.medway.gov.uk/r.pdf"},
        {"council": "Kent", "period": "2023-24", "source_url": "https://www.kent.gov.uk/r.pdf", "status": "failed: HTTP 500"},
        {"council": "Essex", "period": "2023-24", "source_url": "https://www.essex.gov.uk/r.pdf", "status": "not_found"},
        {"file": "reports/planned.pdf", "council": "Luton", "period": "2023-24", "source_url": "https://www.luton.gov.uk/r.pdf"},
        {"file": "reports/lost.txt", "council": "Bury", "period": "2023-24"},  # reported by the build, as before
    ])
    corpus = load_corpus(tmp_path)
    assert [(path.name, row.council if row else None) for path, row in corpus.entries()] == [
        ("ok.txt", "Thurrock"), ("lost.txt", "Bury"), ("no-row.txt", None),
    ]


# -- coverage ----------------------------------------------------------------------------------

def coverage_rows(tmp_path) -> list[ManifestRow]:
    (tmp_path / "reports").mkdir(exist_ok=True)
    (tmp_path / "reports" / "t21.txt").write_text("x")
    (tmp_path / "reports" / "c23.txt").write_text("x")
    return [
        ManifestRow(file="reports/t21.txt", council="Thurrock", period="2021-22", status="ok"),
        ManifestRow(file="reports/t-old.txt", council="Thurrock", period="2022-23", status="superseded"),
        ManifestRow(council="Thurrock", period="2023-24", source_url="https://t.gov.uk/r.pdf", status="failed: HTTP 500"),
        ManifestRow(file="reports/c23.txt", council="E08000033", period="2023-24"),  # an ONS code
        ManifestRow(council="Calderdale", period="2022-23", source_url="https://c.gov.uk/r.pdf"),  # not fetched
        ManifestRow(file="reports/unknown.txt"),  # no council or year yet
    ]


def test_coverage_from_the_manifest(tmp_path):
    coverage = coverage_from_manifest(coverage_rows(tmp_path), tmp_path)
    assert coverage.periods == ["2021-22", "2022-23", "2023-24"]
    assert coverage.named_councils == [("E08000033", "Calderdale"), ("E06000034", "Thurrock")]
    status = {(c.council, c.period): c.status for code in coverage.named for c in coverage.council_cells(code)}
    assert status == {
        ("Thurrock", "2021-22"): "present", ("Thurrock", "2022-23"): "missing", ("Thurrock", "2023-24"): "failed",
        ("Calderdale", "2021-22"): "missing", ("Calderdale", "2022-23"): "missing",
        ("Calderdale", "2023-24"): "present",
    }
    assert coverage.cell("Calderdale", "2022-23").details == ["listed, not fetched yet (https://c.gov.uk/r.pdf)"]
    assert coverage.cell("E06000034", "2021-22").files == ["reports/t21.txt"]
    assert [r.file for r in coverage.unplaced] == ["reports/unknown.txt"]
    assert period_range(["2023-24", "2019-20"]) == ["2019-20", "2020-21", "2021-22", "2022-23", "2023-24"]
    # every council that ran children's services in those years is counted, and only in those years:
    # Cumbria until March 2023, Cumberland from April 2023
    assert len([c for c in coverage.cells.values() if c.period == "2023-24"]) == 153
    assert ("E10000006", "2022-23") in coverage.cells and ("E10000006", "2023-24") not in coverage.cells
    assert ("E06000063", "2023-24") in coverage.cells and ("E06000063", "2022-23") not in coverage.cells
    assert coverage.cell("Medway", "2022-23").status == "missing"


def test_a_row_naming_no_known_council_is_listed_apart(tmp_path):
    rows = coverage_rows(tmp_path) + [
        ManifestRow(council="Atlantis", period="2022-23", source_url="https://a.gov.uk/r.pdf"),
        ManifestRow(council="Cumbria", period="2023-24", source_url="https://cumbria.gov.uk/r.pdf"),  # abolished
    ]
    coverage = coverage_from_manifest(rows, tmp_path)
    assert [(row.council, "Atlantis" in why or "Cumbria" in why) for row, why in coverage.unknown] == [
        ("Atlantis", True), ("Cumbria", True)]
    assert "E10000006" not in coverage.named


def test_corpus_command_lists_documents_and_coverage(runner, tmp_path):
    make_corpus(tmp_path, [r.model_dump() for r in coverage_rows(tmp_path)])
    result = runner.invoke(main, ["corpus", "--corpus", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.split()[:4] == ["Thurrock", "2021-22", "text", "ok"] and line.endswith("reports/t21.txt")
               for line in lines)
    assert any("not fetched" in line and "https://c.gov.uk/r.pdf" in line for line in lines)
    # 152 councils ran children's services in 2021-22 and 2022-23, 153 from April 2023 (Cumbria and North
    # Yorkshire and Somerset's county councils ended, four unitaries began): 156 in all
    assert "coverage: 156 councils x 3 years (2021-22 to 2023-24), 457 council-years" in result.output
    assert ": 2 present, 1 failed, 454 missing" in result.output
    assert "2 councils have a row in the manifest" in result.output
    assert "missing: Thurrock: 2022-23" in result.output
    assert "failed:  Thurrock 2023-24: failed: HTTP 500 (https://t.gov.uk/r.pdf)" in result.output
    assert "1 row(s) have no council or year" in result.output


def test_create_coverage_table_counts_what_complaints_corpus_counts(tmp_path):
    from normalise.councils import load_registry
    from publish.build import create_schema

    rows = coverage_rows(tmp_path)
    db = sqlite_utils.Database(memory=True)
    create_schema(db, load_registry())
    db["documents"].insert({"sha256": "a" * 64, "file_name": "t21.txt", "path": "reports/t21.txt", "status": "ok",
                            "facts": 40, "authority_code": "E06000034", "period": "2021-22"}, pk="sha256")
    count = create_coverage_table(db, rows, tmp_path)
    coverage = coverage_from_manifest(rows, tmp_path)
    table = {(r["authority_code"], r["period"]): r for r in db["coverage"].rows}
    assert count == len(table) == len(coverage.cells)
    assert {k: r["status"] for k, r in table.items()} == {k: c.status for k, c in coverage.cells.items()}
    thurrock = table[("E06000034", "2021-22")]
    assert (thurrock["document"], thurrock["documents"], thurrock["facts"], thurrock["read"],
            thurrock["region_name"]) == ("reports/t21.txt", 1, 40, "ok", "East of England")
    calderdale = table[("E08000033", "2023-24")]  # archived, not built: no facts known
    assert (calderdale["status"], calderdale["facts"], calderdale["read"]) == ("present", None, None)
    assert "HTTP 500" in table[("E06000034", "2023-24")]["detail"]
    # again: the table is replaced, not added to
    assert create_coverage_table(db, rows, tmp_path) == count


def test_site_and_command_line_coverage_agree_on_the_bundled_corpus(runner, tmp_path):
    db_path = tmp_path / "complaints.db"
    assert runner.invoke(main, ["build", "--db", str(db_path), "-q"]).exit_code == 0
    db = sqlite_utils.Database(db_path)
    site = {(r["authority_code"], r["period"]): r["status"] for r in db["coverage"].rows}
    corpus = load_corpus()
    coverage = coverage_from_manifest(corpus.rows, corpus.root)
    assert site == {key: cell.status for key, cell in coverage.cells.items()}
    summary = db.execute("select count(distinct authority_code), count(distinct period), "
                         "sum(status = 'present'), sum(status = 'failed'), sum(status = 'missing') "
                         "from coverage").fetchone()
    result = runner.invoke(main, ["corpus"])
    assert result.exit_code == 0, result.output
    councils, years, present, failed, missing = summary
    assert (f"coverage: {councils} councils x {years} years" in result.output
            and f": {present} present, {failed} failed, {missing} missing" in result.output)
    # every document of the manifest is in a present cell, and the site knows its facts
    documents = {row["path"]: row["facts"] for row in db.query("select path, facts from documents")}
    cells = list(db.query("select document, facts from coverage where status = 'present'"))
    assert sorted(f for c in cells for f in c["document"].split("; ")) == sorted(
        row.file for row in corpus.rows if row.is_document)
    assert sum(c["facts"] for c in cells) == sum(documents.values())

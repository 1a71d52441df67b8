"""Known report addresses (corpus/sources.csv) and fetching them: committee pages followed to
the complaints documents they link.

The committee pages are written here in the shape of ModernGov's (tests/fixtures/moderngov/:
an agenda item, an issue, a page with minutes only) and served, with their documents, by an
HTTP server on 127.0.0.1 started by the tests. Every request is checked to go to it: nothing
here contacts the internet.
"""

from __future__ import annotations

import io
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from docx import Document as WordDocument

from cli import main
from corpus.follow import fetch_sources
from corpus.manifest import load_manifest
from corpus.moderngov import DocumentLink, document_links, is_committee_page, page_title, to_follow
from corpus.sources import (
    SourceRow,
    kind_of,
    load_sources,
    note_address,
    split_period,
    split_publisher,
    write_sources,
)
from pipeline.sources import council_selector, import_sources
from schemas.errors import SourcesError
from tests.conftest import ROOT
from tests.test_corpus import Handler as ReportHandler
from tests.test_corpus import make_pdf

PAGES = ROOT / "tests" / "fixtures" / "moderngov"
FAST = dict(delay=0, timeout=1, backoff=0, trust_env=False)

COVER = make_pdf("Eastmouth Borough Council", "Children's social care complaints: cover report 2022/23")
APPENDIX = make_pdf("Eastmouth Borough Council", "Children's Social Care Complaints Annual Report 2022/23",
                    "We received 61 complaints at stage 1.")
WESTVALE = make_pdf("Westvale Council", "Children's Services Compliments and Complaints 2014-15")
FOSTERING = make_pdf("Fostering Service Annual Report 2022-23")


def word_document(*paragraphs: str) -> bytes:
    document = WordDocument()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


REPORT_PAGE = (b"<!DOCTYPE html><html><head><title>Annual complaints report: children's social care 2020-21</title>"
               b"</head><body><h1>Annual complaints report: children's social care 2020-21</h1>"
               b"<p>This report covers 1 April 2020 to 31 March 2021.</p></body></html>")
REPRESENTATIONS = word_document("Appendix 1", "Representations by service area, 2014-15", "Early help: 12")


# -- the server ----------------------------------------------------------------------------------

class Handler(ReportHandler):
    """test_corpus's handler, routing on the path and its query (ModernGov pages differ only in ?ID=)."""

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.seen.append(self.path)
            self.server.headers_seen.append({k.lower(): v for k, v in self.headers.items()})
        route = self.server.routes.get(self.path)
        if route is None:
            self.reply(404, b"<html><body>The page you asked for could not be found.</body></html>", "text/html")
        else:
            route(self)


class CommitteeServer(ThreadingHTTPServer):
    """Serves committee pages by path and query (ModernGov pages differ only in their ?ID=)."""

    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        self.seen: list[str] = []
        self.headers_seen: list[dict] = []

        def page(name: str, encoding: str = "utf-8"):
            text = (PAGES / name).read_text(encoding="utf-8").replace("{{base}}", self.base)
            return lambda h: h.reply(200, text.encode(encoding), f"text/html; charset={encoding}")

        def document(body: bytes, content_type: str, etag: str):
            def serve(h):
                if h.headers.get("If-None-Match") == etag:
                    h.reply(304, headers={"ETag": etag})
                else:
                    h.reply(200, body, content_type, headers={"ETag": etag})
            return serve

        pdf, docx = "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        self.routes = {
            "/mgAi.aspx?ID=11278": page("mgAi.html"),
            "/documents/s41235/Complaints%20and%20Representations%20Annual%20Report%202022-23%20-%20Cover%20report.pdf":
                document(COVER, pdf, '"cover"'),
            "/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf": document(APPENDIX, pdf, '"appendix"'),
            # /mgConvert2PDF.aspx?ID=41237: not routed, a 404
            "/documents/s41238/Appendix%203%20-%20Fostering%20Service%20Annual%20Report%202022-23.pdf":
                document(FOSTERING, pdf, '"fostering"'),
            "/ieIssueDetails.aspx?IId=17805&PlanId=0&Opt=3": page("ieIssueDetails.html", encoding="cp1252"),
            "/documents/s36512/E2802%20Complaints%20Annual%20Report%202014-15.pdf": document(WESTVALE, pdf, '"e2802"'),
            "/documents/s36513/Appendix%201%20-%20Representations%20by%20service%20area.docx":
                document(REPRESENTATIONS, docx, '"appendix-1"'),
            "/mgAi.aspx?ID=14997": page("mgAi-minutes-only.html"),
            "/haveyoursay/annual-complaints-report-2020-21/": lambda h: h.reply(200, REPORT_PAGE, "text/html"),
        }

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path


@pytest.fixture
def server():
    srv = CommitteeServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture
def hooks(server):
    """An httpx event hook that fails the test on any request to another address."""

    def only_the_test_server(request: httpx.Request) -> None:
        assert (request.url.host, request.url.port) == ("127.0.0.1", server.server_address[1]), request.url

    return {"request": [only_the_test_server]}


def corpus_with_sources(folder: Path, server: CommitteeServer) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_sources([
        SourceRow(council="Thurrock", period="2022-23", url=server.url("/mgAi.aspx?ID=11278"), kind="committee page",
                  what_it_is="minutes on the CSC annual report 2022/23"),
        SourceRow(council="Bath and North East Somerset", period="2014-15", kind="committee page",
                  url=server.url("/ieIssueDetails.aspx?IId=17805&PlanId=0&Opt=3")),
        SourceRow(council="Havering", period="2016-17", url=server.url("/mgAi.aspx?ID=14997"), kind="committee page"),
        SourceRow(council="Devon", period="2020-21", url=server.url("/haveyoursay/annual-complaints-report-2020-21/"),
                  kind="web page"),
        SourceRow(council="Medway", period="2020-21", url=server.url("/mgAi.aspx?ID=26576"), kind="committee page"),
    ], folder / "sources.csv")
    return folder


# -- reading committee pages -----------------------------------------------------------------------

def test_an_agenda_item_page_links_its_complaints_documents():
    base = "https://democracy.eastmouth.example.gov.uk/mgAi.aspx?ID=11278"
    html = (PAGES / "mgAi.html").read_text(encoding="utf-8").replace("{{base}}", "https://democracy.eastmouth.example.gov.uk")
    links = document_links(html, base)
    site = "https://democracy.eastmouth.example.gov.uk"
    followed = to_follow(links, base)
    assert [(link.url, link.title) for link in followed] == [
        (f"{site}/documents/s41235/Complaints%20and%20Representations%20Annual%20Report%202022-23%20-%20Cover%20report.pdf",
         "Children's Social Care Complaints and Representations Annual Report 2022/23 - Cover report"),
        (f"{site}/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf",
         "Appendix 1 - Children's Social Care Complaints Annual Report 2022-23"),
        (f"{site}/mgConvert2PDF.aspx?ID=41237", "Appendix 2 - Complaints Equality Impact Assessment"),
    ]
    not_followed = {link.title for link in links} - {link.title for link in followed}
    # another report on the same page, the meeting's packs, and national guidance elsewhere
    assert not_followed == {"Appendix 3 - Fostering Service Annual Report 2022-23", "Public reports pack",
                            "Printed minutes", "Getting the best from complaints (national guidance, PDF)"}
    # pages are not documents: the issue history, the meeting, RSS, the Ombudsman's site, mail, anchors
    assert not any("mgIssueHistoryHome" in link.url or "ieListDocuments" in link.url or "lgo.org.uk" in link.url
                   for link in links)
    assert page_title(html) == "Children's Social Care Complaints and Representations Annual Report 2022/23"


def test_an_issue_page_links_its_report_and_a_word_appendix():
    base = "https://democracy.westvale.example.gov.uk/ieIssueDetails.aspx?IId=17805&PlanId=0&Opt=3"
    html = (PAGES / "ieIssueDetails.html").read_bytes()
    links = to_follow(document_links(html, base), base)
    assert [(link.url.rsplit("/", 1)[-1], link.title) for link in links] == [
        ("E2802%20Complaints%20Annual%20Report%202014-15.pdf", "E2802 Complaints Annual Report 2014-15"),
        # no title attribute: the link's text, without ModernGov's item number and file size
        ("Appendix%201%20-%20Representations%20by%20service%20area.docx", "Appendix 1 - Representations by service area"),
    ]
    assert links[1].url == "https://democracy.westvale.example.gov.uk/documents/s36513/" \
                           "Appendix%201%20-%20Representations%20by%20service%20area.docx"  # a root-relative link


def test_which_pages_are_committee_pages_and_which_links_name_the_subject():
    assert is_committee_page("https://democracy.havering.gov.uk/mgAi.aspx?ID=1223")
    assert is_committee_page("https://councillors.halton.gov.uk/ieIssueDetails.aspx?IId=64634&PlanId=0&Opt=3")
    assert is_committee_page("https://democracy.gateshead.gov.uk/ieListDocuments.aspx?CId=137&MeetingId=3411")
    assert is_committee_page("https://democracy.northlincs.gov.uk/cabinet-items/", kind="committee page")
    assert not is_committee_page("https://democracy.durham.gov.uk/CeListDocuments.aspx?MID=3458",
                                 kind="committee page (document text)")
    assert not is_committee_page("https://www.devon.gov.uk/haveyoursay/document/annual-complaints-report/")
    assert DocumentLink("https://x.gov.uk/documents/s1/Appendix%20A.pdf", "Annual Representations Report").names_subject
    assert DocumentLink("https://x.gov.uk/documents/s1/Complaints%20report.pdf", "Appendix A").names_subject
    assert not DocumentLink("https://x.gov.uk/documents/s1/Appendix%20A.pdf", "Appendix A").names_subject
    assert kind_of("text", "https://democracy.havering.gov.uk/mgAi.aspx?ID=1223") == "committee page"
    assert kind_of("pdf", "https://x.gov.uk/documents/s12/Report.pdf") == "document"
    assert kind_of("text", "https://pdfslide.net/documents/report.html") == "web page"


# -- fetching the sources ------------------------------------------------------------------------

def test_fetch_sources_follows_committee_pages_to_their_complaints_documents(server, hooks, tmp_path):
    corpus = corpus_with_sources(tmp_path / "corpus", server)
    summary = fetch_sources(corpus, event_hooks=hooks, **FAST)
    outcomes = {result.source.url.removeprefix(server.base): result.outcome for result in summary.results}
    assert outcomes == {"/mgAi.aspx?ID=11278": "followed", "/ieIssueDetails.aspx?IId=17805&PlanId=0&Opt=3": "followed",
                        "/mgAi.aspx?ID=14997": "archived_page", "/haveyoursay/annual-complaints-report-2020-21/":
                        "fetched", "/mgAi.aspx?ID=26576": "not_found"}

    # only the pages and the complaints documents were requested: not the fostering report, not the packs
    assert sorted(server.seen) == sorted([
        "/mgAi.aspx?ID=11278",
        "/documents/s41235/Complaints%20and%20Representations%20Annual%20Report%202022-23%20-%20Cover%20report.pdf",
        "/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf",
        "/mgConvert2PDF.aspx?ID=41237",
        "/ieIssueDetails.aspx?IId=17805&PlanId=0&Opt=3",
        "/documents/s36512/E2802%20Complaints%20Annual%20Report%202014-15.pdf",
        "/documents/s36513/Appendix%201%20-%20Representations%20by%20service%20area.docx",
        "/mgAi.aspx?ID=14997",
        "/haveyoursay/annual-complaints-report-2020-21/",
        "/mgAi.aspx?ID=26576",
    ])

    rows = {row.source_url.removeprefix(server.base): row for row in load_manifest(corpus / "manifest.csv")}
    page = server.url("/mgAi.aspx?ID=11278")
    appendix = rows["/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf"]
    assert (appendix.council, appendix.period, appendix.origin_url, appendix.status, appendix.format) == (
        "Thurrock", "2022-23", page, "ok", "pdf")
    assert appendix.title == "Appendix 1 - Children's Social Care Complaints Annual Report 2022-23"
    assert (corpus / appendix.file).read_bytes() == APPENDIX and appendix.etag == '"appendix"'
    gone = rows["/mgConvert2PDF.aspx?ID=41237"]
    assert (gone.status, gone.file, gone.origin_url) == ("not_found", None, page)
    word = rows["/documents/s36513/Appendix%201%20-%20Representations%20by%20service%20area.docx"]
    assert (word.format, word.council, word.period) == ("docx", "Bath and North East Somerset", "2014-15")
    # a page that links no complaints document is archived itself, as a web page, saying so
    minutes = rows["/mgAi.aspx?ID=14997"]
    assert (minutes.format, minutes.council, minutes.origin_url) == ("html", "Havering", None)
    assert minutes.title == "Children's Services Complaints Annual Report 2016/17"
    assert "the committee page itself" in minutes.notes and b"from 74 to 92" in (corpus / minutes.file).read_bytes()
    assert rows["/haveyoursay/annual-complaints-report-2020-21/"].format == "html"
    assert "/mgAi.aspx?ID=26576" not in rows  # a page that was not found gives no document row
    assert not any("Fostering" in (row.title or "") for row in rows.values())

    # the sources list records what each address gave, and grew by the documents found
    sources = {row.url.removeprefix(server.base): row for row in load_sources(corpus / "sources.csv")}
    assert sources["/mgAi.aspx?ID=11278"].status == "ok"
    assert sorted(sources["/mgAi.aspx?ID=11278"].files) == sorted(
        rows[p].file for p in ("/documents/s41235/Complaints%20and%20Representations%20Annual%20Report%202022-23"
                               "%20-%20Cover%20report.pdf", "/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf"))
    assert sources["/mgAi.aspx?ID=26576"].status == "not_found"
    assert sources["/mgAi.aspx?ID=14997"].files == [minutes.file]
    found = sources["/mgConvert2PDF.aspx?ID=41237"]
    assert (found.kind, found.origin_url, found.status, found.council) == ("document", page, "not_found", "Thurrock")
    assert found.listed_by.startswith("complaints fetch --sources")
    assert len(sources) == 5 + 5  # the five listed, and the five documents requested from the two pages
    assert all(row.checked_at for row in sources.values())


def test_fetch_sources_resumes_and_rechecks_with_conditional_gets(server, hooks, tmp_path):
    corpus = corpus_with_sources(tmp_path / "corpus", server)
    fetch_sources(corpus, event_hooks=hooks, **FAST)
    requested = len(server.seen)
    again = fetch_sources(corpus, event_hooks=hooks, **FAST)
    assert again.results == [] and len(server.seen) == requested  # everything was tried: nothing to do
    rows_before = load_manifest(corpus / "manifest.csv")

    recheck = fetch_sources(corpus, event_hooks=hooks, recheck=True, **FAST)
    outcomes = {d.url.removeprefix(server.base): d.outcome for r in recheck.results for d in r.documents}
    assert outcomes["/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf"] == "unchanged"
    assert outcomes["/mgAi.aspx?ID=14997"] == "unchanged"  # the archived page: the same bytes
    appendix = [h for p, h in zip(server.seen, server.headers_seen)
                if p == "/documents/s41236/Appendix%201%20-%20Annual%20Report.pdf"]
    assert appendix[-1]["if-none-match"] == '"appendix"'
    assert len(load_manifest(corpus / "manifest.csv")) == len(rows_before)  # no row twice


def test_fetch_sources_is_polite(server, hooks, tmp_path):
    corpus = corpus_with_sources(tmp_path / "corpus", server)
    slept: list[float] = []
    fetch_sources(corpus, event_hooks=hooks, delay=30, timeout=1, backoff=0, trust_env=False, sleep=slept.append)
    # one host: a wait before every request but the first (404s are not retried)
    assert len([s for s in slept if s > 25]) == len(server.seen) - 1


def test_fetch_sources_of_one_council_only(server, hooks, tmp_path):
    corpus = corpus_with_sources(tmp_path / "corpus", server)
    summary = fetch_sources(corpus, event_hooks=hooks, select=council_selector("E09000016"), **FAST)  # Havering
    assert [r.source.council for r in summary.results] == ["Havering"]
    assert server.seen == ["/mgAi.aspx?ID=14997"]


def test_fetch_sources_command(server, tmp_path, monkeypatch):
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    corpus = corpus_with_sources(tmp_path / "corpus", server)
    result = CliRunner().invoke(main, ["fetch", "--sources", "--corpus", str(corpus), "--delay", "0", "--timeout", "1"])
    assert result.exit_code == 2, result.output  # a document and a page were not found
    assert "followed" in result.output and "archived_page" in result.output
    assert "3 of 7 linked documents name complaints or representations; 2 archived" in result.output
    assert "5 sources: 1 archived page, 1 fetched, 2 followed, 1 not found" in result.output
    assert "2 URL(s) could not be archived" in result.output
    listed = CliRunner().invoke(main, ["sources", "--corpus", str(corpus), "--council", "Thurrock"])
    assert listed.exit_code == 0, listed.output
    assert "4 addresses for 1 councils: 1 not_found, 3 ok" in listed.output
    wrong = CliRunner().invoke(main, ["fetch", "--council", "Thurrock", "--corpus", str(corpus)])
    assert wrong.exit_code == 2 and "--sources" in wrong.output


# -- the list itself ------------------------------------------------------------------------------

def test_periods_and_publishers_are_split_never_guessed():
    assert split_period("2023-24") == ("2023-24", None)
    assert split_period("2022-23 (report Mar 2023)") == ("2022-23", "2022-23 (report Mar 2023)")
    assert split_period("not stated (c.2020-21)") == (None, "not stated (c.2020-21)")
    assert split_period("2019-20 and 2020-21 (two stored versions)") == (None, "2019-20 and 2020-21 (two stored versions)")
    assert split_period("unknown (Q3, quarterly)") == (None, "unknown (Q3, quarterly)")
    assert split_publisher("Reading (Brighter Futures for Children)") == (
        "Reading", "Reading (Brighter Futures for Children)")
    assert split_publisher("Bath and North East Somerset") == ("Bath and North East Somerset", None)


def test_note_address_adds_new_addresses_and_keeps_what_the_list_said():
    rows = [SourceRow(council="Havering", period="2016-17", url="https://h.gov.uk/mgAi.aspx?ID=1", kind="committee page",
                      what_it_is="minutes, 74 -> 92 complaints")]
    note_address(rows, "https://h.gov.uk/mgAi.aspx?ID=1", council="Someone else", status="ok", files=["reports/a.pdf"])
    note_address(rows, "https://h.gov.uk/mgAi.aspx?ID=1", status="ok", files=["reports/b.pdf", "reports/a.pdf"])
    note_address(rows, "https://h.gov.uk/doc.pdf", council="Havering", kind="document", status="not_found")
    first, second = rows
    assert (first.council, first.what_it_is, first.status, first.files) == (
        "Havering", "minutes, 74 -> 92 complaints", "ok", ["reports/a.pdf", "reports/b.pdf"])
    assert (second.url, second.kind, second.status) == ("https://h.gov.uk/doc.pdf", "document", "not_found")


def test_import_a_list_of_addresses(tmp_path):
    listed = tmp_path / "list.csv"
    listed.write_text(
        "council,period,url,kind,what_it_is\n"
        "Reading (Brighter Futures for Children),2023-24,https://r.gov.uk/mgAi.aspx?ID=1,committee page,minutes\n"
        "Kirklees,not stated (c.2020-21),https://k.gov.uk/mgAi.aspx?ID=2,committee page,children in care\n",
        encoding="utf-8")
    sources = tmp_path / "sources.csv"
    first = import_sources(listed, sources, listed_by="a test list")
    second = import_sources(listed, sources, listed_by="a test list")
    assert (len(first.added), len(second.added), len(second.known)) == (2, 0, 2)
    reading, kirklees = load_sources(sources)
    assert (reading.council, reading.named_as, reading.period) == (
        "Reading", "Reading (Brighter Futures for Children)", "2023-24")
    assert (kirklees.period, kirklees.period_note, kirklees.listed_by) == (None, "not stated (c.2020-21)", "a test list")
    listed.write_text("council,period,url,kind,what_it_is\nAtlantis,2023-24,https://a.gov.uk/x,web page,\n")
    with pytest.raises(SourcesError, match="line 2.*Atlantis"):
        import_sources(listed, sources, listed_by="a test list")


def test_the_bundled_sources_list():
    rows = load_sources()
    shared = [r for r in rows if r.listed_by == "imported from report_sources.csv"]
    assert len(shared) == 50 and len({r.council for r in shared}) == 30
    from normalise.councils import load_registry

    registry = load_registry()
    for row in rows:
        council = registry.resolve(row.council, row.period)
        assert council.name == row.council, row.url  # the registry's name, never a guess
        assert row.period or row.period_note, row.url
    assert {r.council for r in rows if r.named_as} == {"Reading", "Slough"}
    assert sum(r.status == "ok" for r in rows) == 25  # the real pages added to the corpus

"""Committee pages: the documents a council's committee system links, and which of them are
complaints reports.

Most English councils publish committee papers with ModernGov. A report is presented to a
committee as an agenda item (`mgAi.aspx?ID=...`: title, minutes, "Supporting documents") or
an issue (`ieIssueDetails.aspx?IId=...`: decision, report author, background papers,
"Supporting documents"), and the report itself is a linked document:
`documents/s12345/Annual%20Complaints%20Report.pdf` or `mgConvert2PDF.aspx?ID=12345`. These
functions are pure: HTML in, links out (the fetcher does the requests).

A document is followed when it is on the committee system's own host and its title (the
link's `title` attribute, its text, or its file name) names complaints or representations;
agenda packs, minutes of other items, work programmes, other reports on the same page and
documents elsewhere (national guidance on complaints, say) are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

#: ModernGov pages that present reports and link them as documents (lower case).
COMMITTEE_PAGES = frozenset({
    "mgai.aspx", "ieissuedetails.aspx", "ielistdocuments.aspx", "mgdecisiondetails.aspx",
    "iedecisiondetails.aspx", "mgissuehistoryhome.aspx", "mgissuehistorychronology.aspx",
})
#: Links that are documents: ModernGov's document store and converter, and document files.
DOCUMENT_PATH_RE = re.compile(r"/documents/[sbg]\d+/|/mgconvert2pdf\.aspx$", re.IGNORECASE)
DOCUMENT_SUFFIXES = frozenset({".pdf", ".docx", ".doc", ".rtf", ".odt"})
#: A title that names the subject: complaints (complaint, complaints) or representations.
SUBJECT_RE = re.compile(r"\b(?:complain\w*|representations?)\b", re.IGNORECASE)
#: ModernGov's link title: "Link to document 'Annual Complaints Report 2022-23' (PDF 512 KB)".
TITLE_ATTRIBUTE_RE = re.compile(r"""^\s*link to document\s+['‘"](?P<title>.+)['’"](?:\s*\([^()]*\))?\s*$""",
                                re.IGNORECASE)  # greedy: titles have apostrophes ('Children's')
#: The size ModernGov prints after a document's name: 'PDF 512 KB', '(PDF, 1 MB)'.
SIZE_RE = re.compile(r"[\s(,]*\b(?:pdf|docx?|rtf|odt)\b[\s,]*\d[\d.,]*\s*[kmg]?b\)?\s*$", re.IGNORECASE)
#: The agenda item ModernGov appends to a document's name: ', item 36.'
ITEM_RE = re.compile(r",\s*item\s+\d+[a-z]?\.?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentLink:
    url: str  # absolute, without a fragment
    title: str

    @property
    def names_subject(self) -> bool:
        """True when the title or the file name names complaints or representations."""
        return bool(SUBJECT_RE.search(self.title) or SUBJECT_RE.search(file_name(self.url)))


def is_committee_page(url: str, kind: str | None = None) -> bool:
    """A page whose reports are linked documents: a ModernGov agenda item, issue, meeting or
    decision page, or an address listed as a committee page. A page listed as the document's
    own text ('committee page (document text)') is not."""
    if kind == "committee page (document text)":
        return False
    page = PurePosixPath(urlsplit(url).path).name.lower()
    return page in COMMITTEE_PAGES or kind == "committee page"


def is_document_url(url: str) -> bool:
    path = urlsplit(url).path
    return bool(DOCUMENT_PATH_RE.search(path)) or PurePosixPath(path).suffix.lower() in DOCUMENT_SUFFIXES


def file_name(url: str) -> str:
    """The last part of a URL's path, unquoted: 'Annual Complaints Report.pdf'."""
    return unquote(PurePosixPath(urlsplit(url).path).name)


def link_title(anchor) -> str:
    """What a document link calls its document: ModernGov's title attribute, else the link's
    text without the file size, else the file name."""
    match = TITLE_ATTRIBUTE_RE.match(anchor.get("title") or "")
    if match:
        return " ".join(match.group("title").split())
    text = ITEM_RE.sub("", SIZE_RE.sub("", " ".join(anchor.get_text(" ").split()))).strip(" .,-")
    return text or file_name(anchor.get("href") or "")


def document_links(html: str | bytes, base_url: str) -> list[DocumentLink]:
    """Every document a page links, in page order, once each (relative links resolved against
    `base_url`, or the page's <base href>)."""
    soup = BeautifulSoup(html, "lxml")
    base = soup.find("base", href=True)
    base_url = urljoin(base_url, base["href"]) if base else base_url
    found: dict[str, DocumentLink] = {}
    for anchor in soup.find_all("a", href=True):
        href = anchor["href"].strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url, _ = urldefrag(urljoin(base_url, href))
        if urlsplit(url).scheme not in {"http", "https"} or not is_document_url(url):
            continue
        if url not in found:
            found[url] = DocumentLink(url=url, title=link_title(anchor))
    return list(found.values())


def to_follow(links: list[DocumentLink], page_url: str) -> list[DocumentLink]:
    """The links of a committee page worth fetching: on its own host, naming the subject."""
    host = urlsplit(page_url).netloc.lower()
    return [link for link in links if link.names_subject and urlsplit(link.url).netloc.lower() == host]


def page_title(html: str | bytes) -> str | None:
    """A committee page's own title: its first heading naming the item, else <title>."""
    soup = BeautifulSoup(html, "lxml")
    for heading in soup.find_all(["h1", "h2", "h3"]):
        text = " ".join(heading.get_text(" ").split())
        if SUBJECT_RE.search(text):
            return text
    return " ".join(soup.title.get_text(" ").split()) if soup.title else None

"""Bad input, made on the spot: every kind of file a national corpus will contain by mistake.

Each maker writes one file into a folder and returns its path; `BAD_FILES` maps a name to
(maker, the words the recorded error must contain).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas


def _pdf_bytes(draw, encrypt: str | None = None, pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1, encrypt=encrypt)
    for number in range(pages):
        draw(pdf, number)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _report_page(pdf, number: int) -> None:
    pdf.setFont("Helvetica", 11)
    pdf.drawString(72, 780, "Medway Council children's social care complaints annual report 2022/23")
    pdf.drawString(72, 760, f"We received {40 + number} complaints during the year.")


def _long_page(pdf, number: int) -> None:
    pdf.setFont("Helvetica", 10)
    for line in range(45):
        pdf.drawString(72, 700 - line * 13, f"Page {number + 1}, line {line + 1}: the complaints team met the family "
                                            f"and explained the decision in case {number * 45 + line}.")


def huge_pdf(folder: Path, pages: int = 500) -> Path:
    """A long report: 45 lines of text on each of `pages` pages."""
    path = folder / "huge.pdf"
    path.write_bytes(_pdf_bytes(_long_page, pages=pages))
    return path


def truncated_pdf(folder: Path) -> Path:
    data = _pdf_bytes(_report_page)
    path = folder / "truncated.pdf"
    path.write_bytes(data[: len(data) // 3])
    return path


def garbage_pdf(folder: Path) -> Path:
    path = folder / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    return path


def encrypted_pdf(folder: Path) -> Path:
    path = folder / "encrypted.pdf"
    path.write_bytes(_pdf_bytes(_report_page, encrypt="secret"))
    return path


def scanned_pdf(folder: Path) -> Path:
    """A page that is only a picture of text: no text layer."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).text((20, 80), "We received 57 complaints", fill=0)
    png = io.BytesIO()
    image.save(png, format="PNG")
    png.seek(0)
    from reportlab.lib.utils import ImageReader

    reader = ImageReader(png)

    def draw(pdf, number):
        pdf.drawImage(reader, 72, 500, width=450, height=150)

    path = folder / "scanned.pdf"
    path.write_bytes(_pdf_bytes(draw))
    return path


def zero_page_pdf(folder: Path) -> Path:
    path = folder / "zero-pages.pdf"
    objects = [
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n",
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for obj in objects:
        offsets.append(len(body))
        body += obj
    xref = len(body)
    body += b"xref\n0 3\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer << /Size 3 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    path.write_bytes(body)
    return path


def empty_file(folder: Path) -> Path:
    path = folder / "empty.txt"
    path.write_bytes(b"")
    return path


def renamed_zip_docx(folder: Path) -> Path:
    """A .docx that is really a zip of something else (a spreadsheet's parts)."""
    path = folder / "not-really.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return path


def broken_zip_docx(folder: Path) -> Path:
    path = folder / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    return path


def png_as_text(folder: Path) -> Path:
    path = folder / "picture.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    return path


def binary_garbage(folder: Path) -> Path:
    path = folder / "data.bin.txt"
    path.write_bytes(bytes(range(256)) * 20)
    return path


def old_word_doc(folder: Path) -> Path:
    path = folder / "report.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    return path


def html_with_scripts(folder: Path) -> Path:
    """A web page whose scripts hold numbers and markup: none of it is the report."""
    path = folder / "page.html"
    path.write_text(
        "<html><head><title>Medway Council - complaints 2022/23</title>"
        "<script>document.write('We received 999 complaints'); var t = '<b>stage 1</b>';</script>"
        "<style>.x{content:'88 compliments'}</style></head><body>"
        "<main><h1>Children's social care complaints 2022/23</h1>"
        "<p>We received 41 complaints &amp; 77 compliments &lt;script&gt;alert(1)&lt;/script&gt; during the year.</p>"
        "</main><script>track('12 enquiries')</script></body></html>",
        encoding="utf-8",
    )
    return path


def unknown_council(folder: Path) -> Path:
    path = folder / "anonymous.txt"
    path.write_text("Annual complaints report 2022/23\n\nWe received 31 complaints during the year.\n", encoding="utf-8")
    return path


def no_year(folder: Path) -> Path:
    path = folder / "undated.txt"
    path.write_text("Medway Council complaints report\n\nWe received 31 complaints.\n", encoding="utf-8")
    return path


def folder_not_file(folder: Path) -> Path:
    path = folder / "a-folder.pdf"
    path.mkdir()
    return path


#: name -> (maker, words the error must contain, the status it must get)
BAD_FILES = {
    "truncated PDF": (truncated_pdf, "damaged", "failed"),
    "garbage PDF": (garbage_pdf, "damaged", "failed"),
    "encrypted PDF": (encrypted_pdf, "password", "failed"),
    "scanned PDF": (scanned_pdf, "needs OCR", "failed"),
    "zero-page PDF": (zero_page_pdf, "no pages", "failed"),
    "empty file": (empty_file, "empty", "failed"),
    "zip renamed .docx": (renamed_zip_docx, "not a Word", "failed"),
    "broken .docx": (broken_zip_docx, "damaged", "failed"),
    "PNG named .txt": (png_as_text, "needs OCR", "failed"),
    "binary garbage": (binary_garbage, "binary", "failed"),
    "old .doc": (old_word_doc, ".doc", "failed"),
    "unknown council": (unknown_council, "council could not be determined", "unidentified"),
    "no year": (no_year, "reporting year could not be determined", "unidentified"),
}

"""Documents in: real files of every format, each page mapped back; hostile files refused
with a reason; OCR through Debian's Tesseract, skipped with a message when it is missing."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import pytest

from alliance.extraction.engine import documents
from alliance.extraction.engine.documents import DocumentError, read_bytes
from alliance.testing import tally

TEXT = "Article 1\nThe Lender shall disburse the loan within 30 days of signature."


def pdf_bytes(pages: list[str]) -> bytes:
    """A real PDF with a text layer (Helvetica), one page per string."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    font_id = 3
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for page in pages:
        lines = "".join(
            f"({line}) Tj 0 -16 Td " for line in page.replace("(", "").replace(")", "").split("\n")
        )
        stream = f"BT /F1 11 Tf 40 780 Td {lines}ET"
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        content_id = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {content_id} 0 R >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1"))
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF".encode()
    )
    return out.getvalue()


def test_plain_text_in_utf8_and_cp1252_with_form_feeds_as_pages():
    doc = read_bytes(b"Page one\fArticle 2 page two", "a.txt")
    assert doc.pages == 2 and doc.page_of(doc.text.index("Article 2")) == 2
    latin = read_bytes("Le Concédant versera".encode("cp1252"), "b.txt")
    assert "Concédant" in latin.text


def test_pdf_with_a_text_layer_keeps_its_pages():
    doc = read_bytes(pdf_bytes(["Preamble", TEXT]), "agreement.pdf")
    assert doc.method == "pdf" and doc.pages == 2
    at = doc.text.index("The Lender")
    assert doc.location(at) == {"page": 2, "offset": at - doc.page_starts[1]}


def test_docx_paragraphs_and_tables():
    import docx

    document = docx.Document()
    document.add_paragraph("Article 1")
    document.add_paragraph("The Lender shall disburse the loan.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Fee"
    table.rows[0].cells[1].text = "EUR 10"
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_bytes(buffer.getvalue(), "agreement.docx")
    assert doc.method == "docx"
    assert "The Lender shall disburse the loan." in doc.text and "Fee | EUR 10" in doc.text


def odt_bytes(paragraphs: list[str]) -> bytes:
    ns = (
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    )
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    content = (
        f'<?xml version="1.0"?><office:document-content {ns}><office:body><office:text>'
        f"{body}</office:text></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def test_odt_paragraphs_with_spaces():
    data = odt_bytes(["Article 1", 'Le Concessionnaire<text:s text:c="2"/>versera la redevance.'])
    doc = read_bytes(data, "convention.odt")
    assert doc.method == "odt" and "Concessionnaire  versera" in doc.text


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x00\x01\x02binary", "x.bin", "binary"),
        (b"PK\x03\x04broken", "x.docx", "damaged"),
        (b"%PDF-1.4 nothing else", "x.pdf", "PDF"),
    ],
)
def test_hostile_files_are_refused_with_a_reason(data, name, reason):
    with pytest.raises(DocumentError, match=reason):
        read_bytes(data, name)


def test_odt_entities_are_not_expanded():
    bomb = (
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        '<x xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><text:p>&a;</text:p></x>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("content.xml", bomb)
    try:
        doc = read_bytes(buffer.getvalue(), "bomb.odt")
    except DocumentError:
        return
    assert "aaaaaaaaaa" not in doc.text


@pytest.mark.parametrize("name", ["bomb.docx", "bomb.odt"])
def test_a_zip_bomb_is_refused_before_it_is_inflated(name):
    """A 40 MB part of zeros packs to about 40 kB (a thousand times): refused by its declared
    sizes, naming the part, without inflating it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", b"<x>" + b" " * (40 * 2**20) + b"</x>")
        archive.writestr("word/document.xml", "<w/>")
    assert len(buffer.getvalue()) < 2**20
    with pytest.raises(DocumentError, match=r"content\.xml unpacks to 40 MB.*zip bomb"):
        read_bytes(buffer.getvalue(), name)
    tally("doc.refused")


def test_an_archive_of_too_many_parts_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(documents.MAX_MEMBERS + 1):
            archive.writestr(f"p/{i}", b"")
    with pytest.raises(DocumentError, match="parts in the archive"):
        read_bytes(buffer.getvalue(), "many.docx")
    tally("doc.refused")


def test_without_tesseract_a_scan_is_refused_with_what_to_install(monkeypatch):
    monkeypatch.setattr(documents.shutil, "which", lambda name: None)
    with pytest.raises(DocumentError, match="tesseract-ocr"):
        read_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100, "scan.png")


@pytest.mark.skipif(
    shutil.which("tesseract") is None or shutil.which("pdftoppm") is None,
    reason="OCR test skipped: Debian's tesseract-ocr (fra, eng, deu) and poppler-utils "
    "are not installed",
)
def test_a_scanned_page_is_read_by_ocr(tmp_path):
    pdf = tmp_path / "page.pdf"
    pdf.write_bytes(pdf_bytes(["Article 1", "The Lender shall disburse the loan."]))
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    image = next(tmp_path.glob("p*.png")).read_bytes()
    doc = read_bytes(image, "scan.png")
    assert doc.method == "ocr" and "Lender shall disburse" in doc.text

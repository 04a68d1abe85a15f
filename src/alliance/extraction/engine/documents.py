"""Documents in: PDF with a text layer, scanned PDF or image (Tesseract OCR), DOCX, ODT and
plain text, read into one text with a map back to the page each character came from.

Nothing is downloaded: PDF text comes from pypdf, DOCX from python-docx, ODT from its
``content.xml`` (parsed with entities and network off), OCR from Debian's ``tesseract``
binary with its French, English and German data (``pdftoppm`` renders scanned pages).
"""

from __future__ import annotations

import bisect
import io
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_MEMBERS = 5_000  # parts of a DOCX or ODT archive
MAX_RATIO = 100  # inflated / packed, for a part of more than a megabyte
# A PDF page with fewer characters than this is taken for a scanned image.
SCANNED_PAGE_CHARS = 25
OCR_LANGUAGES = "fra+eng+deu"
OCR_TIMEOUT_SECONDS = 120
FORMATS = ("pdf", "docx", "odt", "txt", "image")


class DocumentError(ValueError):
    """A document that cannot be read, with the reason in words a person can act on."""


@dataclass
class Document:
    """The text of a document and where each page starts in it."""

    text: str
    page_starts: list[int] = field(default_factory=lambda: [0])
    source: str = ""
    method: str = "text"  # text, pdf, docx, odt, ocr
    notes: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_of(self, offset: int) -> int:
        """The page (from 1) holding the character at ``offset``."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def location(self, offset: int) -> dict[str, int]:
        """Page and offset within the page of a character of the text."""
        page = self.page_of(offset)
        return {"page": page, "offset": offset - self.page_starts[page - 1]}


def _join_pages(pages: list[str]) -> tuple[str, list[int]]:
    starts, parts, at = [], [], 0
    for page in pages:
        starts.append(at)
        parts.append(page)
        at += len(page) + 1
    return "\n".join(parts), starts or [0]


def sniff(name: str, head: bytes) -> str:
    """The format of a file from its first bytes (and its name for the zip-based ones)."""
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK"):
        lower = name.lower()
        if lower.endswith(".odt"):
            return "odt"
        if lower.endswith(".docx"):
            return "docx"
        return "zip"
    if head[:4] in (b"\x89PNG", b"II*\x00", b"MM\x00*") or head[:3] == b"\xff\xd8\xff":
        return "image"
    return "txt"


def read_path(path: str | Path) -> Document:
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise DocumentError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if size > MAX_BYTES:
        raise DocumentError(f"{path.name}: larger than {MAX_BYTES // 2**20} MB.")
    return read_bytes(path.read_bytes(), path.name)


def read_bytes(data: bytes, name: str = "document") -> Document:
    """Read a document of any supported format; ``DocumentError`` says why one cannot be."""
    if len(data) > MAX_BYTES:
        raise DocumentError(f"{name}: larger than {MAX_BYTES // 2**20} MB.")
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty.")
    kind = sniff(name, data[:8])
    readers = {
        "pdf": _read_pdf,
        "docx": _read_docx,
        "odt": _read_odt,
        "image": _read_image,
        "txt": _read_text,
    }
    if kind == "zip":
        kind = _zip_kind(data, name)
    document = readers[kind](data, name)
    document.source = name
    if not document.text.strip():
        raise DocumentError(f"{name}: no text could be read from the file.")
    return document


def _zip_kind(data: bytes, name: str) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"{name}: a damaged ZIP file, neither DOCX nor ODT.") from exc
    if "word/document.xml" in names:
        return "docx"
    if "content.xml" in names:
        return "odt"
    raise DocumentError(f"{name}: a ZIP file that is neither a DOCX nor an ODT document.")


def _read_text(data: bytes, name: str) -> Document:
    if b"\x00" in data[:4096]:
        raise DocumentError(f"{name}: a binary file, not text, PDF, DOCX or ODT.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything; latin-1 everything
        text = data.decode("latin-1")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A form feed separates pages (pdftotext writes them).
    pages = text.split("\f")
    joined, starts = _join_pages(pages)
    return Document(joined, starts, method="text")


def _read_pdf(data: bytes, name: str) -> Document:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{name}: the PDF is protected by a password.")
        pages = [(page.extract_text() or "") for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise DocumentError(f"{name}: a damaged PDF ({exc}).") from exc
    scanned = [i for i, page in enumerate(pages) if len(page.strip()) < SCANNED_PAGE_CHARS]
    if pages and len(scanned) == len(pages):
        return _ocr_pdf(data, name, len(pages))
    text, starts = _join_pages(pages)
    document = Document(text, starts, method="pdf")
    if scanned:
        document.notes.append(
            f"{len(scanned)} page(s) without a text layer were left out: "
            f"{', '.join(str(i + 1) for i in scanned[:10])}."
        )
    return document


def ocr_available() -> str | None:
    """None when OCR can run, else what is missing, said so a person can install it."""
    if shutil.which("tesseract") is None:
        return (
            "Scanned documents need Tesseract OCR: install Debian's tesseract-ocr, "
            "tesseract-ocr-fra, tesseract-ocr-eng and tesseract-ocr-deu."
        )
    try:
        listed = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30
        ).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return "Tesseract OCR is installed but does not run."
    missing = [lang for lang in OCR_LANGUAGES.split("+") if lang not in listed]
    if missing:
        return f"Tesseract OCR lacks its language data: {', '.join(missing)}."
    return None


def _require_ocr(name: str, what: str) -> None:
    problem = ocr_available()
    if problem:
        raise DocumentError(f"{name}: {what} {problem}")


def _tesseract(image: Path) -> str:
    done = subprocess.run(
        ["tesseract", str(image), "stdout", "-l", OCR_LANGUAGES, "--psm", "3"],
        capture_output=True,
        text=True,
        timeout=OCR_TIMEOUT_SECONDS,
    )
    if done.returncode != 0:
        raise DocumentError(f"OCR failed: {done.stderr.strip()[:200]}")
    return done.stdout


def _ocr_pdf(data: bytes, name: str, count: int) -> Document:
    _require_ocr(name, "the PDF has no text layer (a scan).")
    if shutil.which("pdftoppm") is None:
        raise DocumentError(f"{name}: reading a scanned PDF needs pdftoppm (poppler-utils).")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        subprocess.run(
            ["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
            timeout=OCR_TIMEOUT_SECONDS * max(1, count),
        )
        images = sorted(Path(tmp).glob("page*.png"))
        pages = [_tesseract(image) for image in images]
    text, starts = _join_pages(pages)
    return Document(
        text, starts, method="ocr", notes=[f"Read by OCR ({OCR_LANGUAGES}): check the text."]
    )


def _read_image(data: bytes, name: str) -> Document:
    _require_ocr(name, "an image is read by OCR.")
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "page"
        image.write_bytes(data)
        text = _tesseract(image)
    return Document(text, [0], method="ocr", notes=[f"Read by OCR ({OCR_LANGUAGES})."])


def _check_zip(data: bytes, name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise DocumentError(f"{name}: a damaged document (not a valid ZIP).") from exc
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DocumentError(f"{name}: {len(members)} parts in the archive (at most {MAX_MEMBERS}).")
    if sum(info.file_size for info in members) > MAX_UNZIPPED:
        raise DocumentError(f"{name}: the document unpacks to more than 200 MB.")
    for info in members:
        # zipfile never inflates a part past its declared size (a lie fails the CRC), so the
        # declared sizes bound the work; text XML packs 5-20 times, a zip bomb a thousand.
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > 2**20 and ratio > MAX_RATIO:
            raise DocumentError(
                f"{name}: the part {info.filename} unpacks to {info.file_size // 2**20} MB, "
                f"{int(ratio)} times its packed size (at most {MAX_RATIO}): it looks like a "
                "zip bomb and is not read."
            )
    return archive


def _read_docx(data: bytes, name: str) -> Document:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_zip(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError) as exc:
        raise DocumentError(f"{name}: not a readable DOCX document ({exc}).") from exc
    pages: list[list[str]] = [[]]
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):  # a table: its cells, row by row
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                pages[-1].append(" | ".join(c for c in cells if c))
            continue
        xml = block._p.xml
        if 'w:type="page"' in xml or ("lastRenderedPageBreak" in xml and pages[-1]):
            pages.append([])
        pages[-1].append(block.text)
    text, starts = _join_pages(["\n".join(lines) for lines in pages])
    return Document(text, starts, method="docx")


_ODF_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _read_odt(data: bytes, name: str) -> Document:
    from lxml import etree

    archive = _check_zip(data, name)
    try:
        content = archive.read("content.xml")
    except KeyError as exc:
        raise DocumentError(f"{name}: an ODT document without content.xml.") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{name}: damaged ODT content ({exc}).") from exc
    pages: list[list[str]] = [[]]
    for element in root.iter(f"{{{_ODF_TEXT}}}p", f"{{{_ODF_TEXT}}}h"):
        if element.find(f".//{{{_ODF_TEXT}}}soft-page-break") is not None and pages[-1]:
            pages.append([])
        pages[-1].append(_odf_text(element))
    text, starts = _join_pages(["\n".join(lines) for lines in pages])
    return Document(text, starts, method="odt")


def _odf_text(element: object) -> str:
    """The text of an ODF paragraph, spaces, tabs and line breaks included."""
    parts: list[str] = []

    def walk(node: object) -> None:
        tag = getattr(node, "tag", "")
        local = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if local == "s":
            parts.append(" " * int(node.get(f"{{{_ODF_TEXT}}}c", "1")))  # type: ignore[attr-defined]
        elif local == "tab":
            parts.append("\t")
        elif local == "line-break":
            parts.append("\n")
        elif local in ("note", "annotation"):
            pass
        else:
            if node.text:  # type: ignore[attr-defined]
                parts.append(node.text)  # type: ignore[attr-defined]
            for child in node:  # type: ignore[attr-defined]
                walk(child)
                if child.tail:
                    parts.append(child.tail)
            return
        return

    walk(element)
    return "".join(parts)

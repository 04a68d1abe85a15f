"""Turn a PDF into PNG pages (poppler's pdftoppm) and its text (pdftotext), as a reader's
viewer would, and tell a blank page from a written one."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageStat


def pages(pdf: bytes, *, dpi: int = 60) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "brief.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", str(source), str(Path(folder) / "page")],
            check=True,
            capture_output=True,
        )
        files = sorted(Path(folder).glob("page-*.png"))
        return [Image.open(f).convert("L").copy() for f in files]


def text(pdf: bytes) -> str:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "brief.pdf"
        source.write_bytes(pdf)
        done = subprocess.run(
            ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True
        )
        return done.stdout.decode("utf-8")


def ink(page: Image.Image, *, margin: float = 0.05) -> float:
    """The share of dark pixels inside the page's margins (15 mm of 297: 5 %), where the
    running header and footer are left out, so a page holding only them counts as blank."""
    w, h = page.size
    body = page.crop((0, int(h * margin), w, int(h * (1 - margin))))
    dark = body.point(lambda v: 255 if v < 200 else 0)
    return ImageStat.Stat(dark).mean[0] / 255

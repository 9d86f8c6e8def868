"""Scanned pages in: PDF, PNG, JPEG or TIFF bytes become grey images at a known resolution.

A scan is an untrusted file: its page count and every page's pixel count are bounded before
anything is decoded in full, so no file can make `kaartgen scan` or the server eat memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kaartgen.errors import KaartgenError

if TYPE_CHECKING:
    import numpy as np

SCAN_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
MAX_PAGES = 200  # of one scan file
MAX_PIXELS = 40_000_000  # of one page as decoded: an A4 page at 600 dpi is 35 million
WORK_DPI = 300  # pages are looked at at this resolution: a code's modules are 4–5 pixels
PDF_DPI = 200  # a scanned PDF's page is rasterised at this resolution, then worked on at WORK_DPI
ASSUMED_WIDTH_MM = 210.0  # an image that does not say its resolution is taken to be an A4 page's width


@dataclass
class ScanPage:
    number: int  # 1-based, in the file
    grey: np.ndarray  # uint8, at `dpi`
    dpi: float


def is_pdf(data: bytes) -> bool:
    """A PDF by its first bytes (never by its name): a pack, a filled pack or a scanner's PDF."""
    return data[:5].startswith(b"%PDF")


def suffix_of(data: bytes) -> str | None:
    """A file's kind by its first bytes: ".pdf", or a picture's (`picture_suffix`); None for
    anything else (saved answers, JSON)."""
    return ".pdf" if is_pdf(data) else picture_suffix(data)


def picture_suffix(data: bytes) -> str | None:
    """The kind of a picture from a scanner or a phone by its first bytes (never by its name):
    ".png", ".jpg" or ".tif"; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return ".png"
    if data[:3] == b"\xff\xd8\xff":
        return ".jpg"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return ".tif"
    return None


def is_scan(data: bytes, path: Path) -> bool:
    """Whether `data` is a picture (PNG, JPEG, TIFF) or a PDF that kaartgen did not write (a
    scanner's PDF): what `kaartgen read` hands to the scanner instead of reading form fields."""
    if picture_suffix(data) is not None:
        return True
    if is_pdf(data):
        import pypdfium2

        try:
            document = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            return False  # a broken PDF: read as a pack, whose reader says it cannot be read
        try:  # a pack kaartgen made names itself (a viewer that saves it keeps that), and has a form
            keywords = document.get_metadata_dict().get("Keywords", "")
            return not keywords.startswith("kaartgen") and document.get_formtype() == pypdfium2.raw.FORMTYPE_NONE
        finally:
            document.close()
    return False


def page_count(data: bytes) -> int:
    """How many pages a scan file has (for progress); 0 for one that cannot be read (it is then
    refused, with its message, when its pages are read)."""
    try:
        if is_pdf(data):
            import pypdfium2

            document = pypdfium2.PdfDocument(data)
            try:
                return len(document)
            finally:
                document.close()
        from PIL import Image

        return int(getattr(Image.open(io.BytesIO(data)), "n_frames", 1))
    except Exception:  # anything a damaged file makes a reader raise: its pages say what is wrong
        return 0


def scan_pages(data: bytes, path: Path) -> Iterator[ScanPage]:
    """Every page of a scan file, grey, scaled to WORK_DPI. Raises KaartgenError naming the file
    for one that is none of the four kinds, has too many pages or a page too large."""
    if is_pdf(data):
        yield from _pdf_pages(data, path)
    else:
        yield from _image_pages(data, path)


def _to_work(grey: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    import cv2

    factor = WORK_DPI / dpi
    if abs(factor - 1) < 0.05:
        return grey, dpi
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return cv2.resize(grey, None, fx=factor, fy=factor, interpolation=interpolation), WORK_DPI


def _pdf_pages(data: bytes, path: Path) -> Iterator[ScanPage]:
    import numpy as np
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        raise KaartgenError("scan.unreadable", file=path) from None
    try:
        if len(document) > MAX_PAGES:
            raise KaartgenError("scan.too_many_pages", file=path, most=MAX_PAGES)
        for index in range(len(document)):
            page = document[index]
            width, height = page.get_size()
            if width * height * (PDF_DPI / 72) ** 2 > MAX_PIXELS:
                raise KaartgenError("scan.page_too_large", file=path, page=index + 1)
            bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
            grey = np.array(bitmap.to_pil().convert("L"))
            yield ScanPage(index + 1, *_to_work(grey, PDF_DPI))
    finally:
        document.close()


def _image_pages(data: bytes, path: Path) -> Iterator[ScanPage]:
    import numpy as np
    from PIL import Image, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # a larger one raises DecompressionBombError before decoding
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("PNG", "JPEG", "TIFF", "MPO"):
            raise KaartgenError("scan.unreadable", file=path)
        frames = getattr(image, "n_frames", 1)
        if frames > MAX_PAGES:
            raise KaartgenError("scan.too_many_pages", file=path, most=MAX_PAGES)
        for index in range(frames):
            image.seek(index)
            if image.width * image.height > MAX_PIXELS:
                raise KaartgenError("scan.page_too_large", file=path, page=index + 1)
            dpi = _dpi(image)
            grey = np.array(image.convert("L"))
            yield ScanPage(index + 1, *_to_work(grey, dpi))
    except KaartgenError:
        raise
    except Image.DecompressionBombError:  # more pixels than any scan of cards has
        raise KaartgenError("scan.page_too_large", file=path, page=1) from None
    except UnidentifiedImageError:
        raise KaartgenError("scan.unreadable", file=path) from None
    except (OSError, ValueError, EOFError, SyntaxError):
        raise KaartgenError("scan.unreadable", file=path) from None


def _dpi(image: object) -> float:
    """The resolution an image says it has, or the one an A4 page's width would give it."""
    found = getattr(image, "info", {}).get("dpi")
    try:
        value = float(found[0]) if found else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    if 72 <= value <= 1200:
        return value
    width: int = min(image.width, image.height)  # type: ignore[attr-defined]
    return width / (ASSUMED_WIDTH_MM / 25.4)

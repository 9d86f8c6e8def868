"""Paper answers back: scanned fill-in cards become the same answers a web-page pack saves.

Every printed fill-in card side carries a 2D code and a dot in each corner (layout/scanmarks.py).
On each page the codes are found first, in any position and turn; a code tells which blank card
the side is, and, with the dots near where the code says they must be, exactly where each of its
points lies on the page. When the dots say there are more sides than codes were read, the rest are
found by their dots and their code read on the straightened side. Each side is compared with the
blank card, drawn by the same engine (omr.py). Sides are gathered into packs by set and reference,
across files and in any order. Pages are read one at a time.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaartgen.errors import KaartgenError
from kaartgen.layout.items import Field, Matrix
from kaartgen.model.scancode import ScanId, parse

if TYPE_CHECKING:
    import numpy as np

    from kaartgen.engine.edition import Edition, Library
    from kaartgen.engine.scanpages import ScanPage

MAX_CARDS_PAGE = 16  # sides looked at on one page: more codes than this is not a page of cut cards


def _data_matrix() -> Any:
    """The one symbology kaartgen prints, as zxing-cpp's reader is asked for it."""
    import zxingcpp

    return zxingcpp.BarcodeFormat.DataMatrix


@dataclass
class ScannedSide:
    scan_id: ScanId
    page: int
    answers: dict[str, str | bool]
    images: dict[str, bytes]  # field name -> PNG of the handwriting
    uncertain: dict[str, bytes]  # field name -> PNG of a mark that is not clearly one thing


@dataclass
class ScannedPack:
    """The sides of one pack found in a scan: its answers in the web-page pack's JSON, with the
    handwriting and the marks not read as pictures beside it."""

    set: str
    reference: str | None
    sides: list[ScannedSide] = field(default_factory=list)

    @property
    def answers(self) -> dict[str, str | bool]:
        out: dict[str, str | bool] = {}
        for side in self.sides:
            out.update(side.answers)
        return out

    @property
    def images(self) -> dict[str, bytes]:
        return {k: v for side in self.sides for k, v in side.images.items()}

    @property
    def uncertain(self) -> dict[str, bytes]:
        return {k: v for side in self.sides for k, v in side.uncertain.items()}

    def stem(self, index: int) -> str:
        return f"scan-{self.reference}" if self.reference else f"scan-{index}"

    def saved(self, stem: str) -> dict[str, Any]:
        """The answers as the web-page pack saves them, plus what only a scan has: the card sides
        read, and the file name of each picture (written beside the JSON by `files`)."""
        data: dict[str, Any] = {"kaartgen": "answers", "set": self.set, "answers": self.answers}
        if self.reference:
            data["reference"] = self.reference
        data["scan"] = {
            "sides": [{"card": s.scan_id.card, "side": s.scan_id.side, "page": s.page} for s in self.sides],
            "handwriting": {name: f"{stem}-{_file_part(name)}.png" for name in sorted(self.images)},
            "uncertain": {name: f"{stem}-{_file_part(name)}-uncertain.png" for name in sorted(self.uncertain)},
        }
        return data

    def files(self, stem: str) -> list[tuple[str, bytes]]:
        """The JSON and every picture, as (file name, bytes)."""
        import json

        data = self.saved(stem)
        out = [(f"{stem}.json", (json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode())]
        out += [(data["scan"]["handwriting"][n], png) for n, png in sorted(self.images.items())]
        out += [(data["scan"]["uncertain"][n], png) for n, png in sorted(self.uncertain.items())]
        return out


@dataclass
class ScanNote:
    """Something about the scan the professional should know: a code from other texts, a card whose
    dots were not found. Never a client value."""

    code: str
    page: int
    params: dict[str, Any] = field(default_factory=dict)
    file: Path | None = None

    def error(self) -> KaartgenError:
        where: dict[str, Any] = {"page": self.page} if self.page else {}  # 0: about the whole file
        return KaartgenError(self.code, file=self.file, **where, **self.params)


def _read(path: Path, data: bytes | None) -> bytes:
    """A scan file's bytes: as given, or read from `path` (bounded)."""
    from kaartgen.messages import Term
    from kaartgen.model.yamlfile import read_limited

    if data is not None:
        return data
    if not path.is_file():
        raise KaartgenError("file.not_found", file=path)
    return read_limited(path, MAX_SCAN_FILE, Term("term.scan_file"))


def _in_file(note: ScanNote, path: Path) -> ScanNote:
    note.file = path
    return note


@dataclass
class ScanResult:
    packs: list[ScannedPack]
    notes: list[ScanNote]
    pages: int


def _file_part(name: str) -> str:
    return name.replace(".", "-")


def png(image: np.ndarray) -> bytes:
    """A grey picture as PNG bytes, with no metadata (no date, no program)."""
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(image).save(out, "PNG", optimize=False)
    return out.getvalue()


class Scanner:
    """Reads scans for one library: blank cards are drawn once and kept."""

    def __init__(self, library: Library):
        self.library = library
        self._blanks: dict[tuple[str, str, int, int], tuple[np.ndarray, list[Field], Any, Edition]] = {}
        self._packs: dict[int, bytes] = {}  # each edition's blank pack, drawn once

    def scan(self, sources: list[tuple[Path, bytes | None]], progress: Any = None) -> ScanResult:
        """Every pack on the pages of `sources` (a path, and its bytes when read already): one
        client's cards may lie in several files and in any order. With `progress`, it is called as
        `progress(pages done, pages in all)` after each page (the files are counted first)."""
        from kaartgen.engine.scanpages import is_pdf, is_scan, page_count, scan_pages

        packs: dict[tuple[str, str | None], ScannedPack] = {}
        notes: list[ScanNote] = []
        pages = 0
        total = sum(page_count(_read(path, data)) for path, data in sources) if progress is not None else 0
        # (a pack kaartgen made counts its pages here and is left out below: the bar then ends early)
        for path, given in sources:
            data = _read(path, given)
            if is_pdf(data) and not is_scan(data, path):  # a pack kaartgen made, not a scan
                notes.append(ScanNote("scan.made_not_scanned", 0, file=path))
                continue
            for page in scan_pages(data, path):
                pages += 1
                page_notes: list[ScanNote] = []
                for side in self.page(page, page_notes):
                    key = (side.scan_id.set, side.scan_id.reference)
                    pack = packs.setdefault(key, ScannedPack(*key))
                    if any(s.scan_id.card == side.scan_id.card and s.scan_id.side == side.scan_id.side
                           for s in pack.sides):
                        page_notes.append(ScanNote("scan.side_twice", page.number,
                                                   {"card": side.scan_id.card, "side": side.scan_id.side}))
                        continue
                    pack.sides.append(side)
                notes += [_in_file(n, path) for n in page_notes]
                if progress is not None:
                    progress(pages, max(total, pages))
        for pack in packs.values():
            pack.sides.sort(key=lambda s: (s.scan_id.card, s.scan_id.side))
        ordered = sorted(packs.values(), key=lambda p: (p.set, p.reference or ""))
        return ScanResult(ordered, notes, pages)

    def page(self, page: ScanPage, notes: list[ScanNote]) -> list[ScannedSide]:
        import zxingcpp

        dots = _dot_centres(page)
        expected = len(dots) // 4
        found: dict[tuple[str, int, int], Any] = {}
        for attempt in _attempts(page.grey):
            image, factor = attempt()
            for read in zxingcpp.read_barcodes(image, formats=_data_matrix()):
                code: Any = _Scaled(read, factor) if factor != 1 else read
                centre = code.position.top_left
                where = (round(centre.x / page.dpi), round(centre.y / page.dpi))  # to the inch: one code twice
                if not any(k[0] == code.text and abs(k[1] - where[0]) <= 1 and abs(k[2] - where[1]) <= 1
                           for k in found):
                    found[(code.text, *where)] = code
            if len(found) >= expected:
                break
        sides: list[ScannedSide] = []
        placed: list[Any] = []  # each side's corner dots on the page
        located = 0
        for (text, _, _), code in list(found.items())[:MAX_CARDS_PAGE]:
            scan_id = parse(text)
            if scan_id is None:
                continue
            spot = self.locate(page, scan_id, code, notes)
            if spot is not None:
                located += 1
                side = self.side(page, scan_id, spot[0], notes)
                placed += spot[1]
                if side is not None:
                    sides.append(side)
        if located < expected:  # cards whose code was not read where it was: by their dots
            found_by_dots, unread = self._by_dots(page, dots, placed)
            for scan_id, homography, _ in found_by_dots:
                side = self.side(page, scan_id, homography, notes)
                if side is not None:
                    sides.append(side)
            if unread:  # a card's four (or three) dots, and no code read on it
                notes.append(ScanNote("scan.codes_unread", page.number, {"count": unread}))
        return sides

    def _by_dots(self, page: ScanPage, dots: list[tuple[float, float]],
                 placed: list[Any]) -> tuple[list[tuple[ScanId, Any, list[Any]]], int]:
        """Card sides found by four corner dots that form a card's rectangle, their code read on
        the side straightened and enlarged: the way a code too blurred to find on the whole page
        is still read. Each as (scan id, homography to the straightened side, the dots); and how
        many such rectangles of dots, apart from those, had no code that could be read. (Round
        things that form no card's rectangle, such as a domain card's bullets, count for nothing.)"""
        import cv2
        import numpy as np
        import zxingcpp

        from kaartgen.engine.omr import PX_MM
        from kaartgen.layout.scanmarks import dot_centres

        reach = page.dpi / 25.4 * 3
        free = [d for d in dots if all((d[0] - p[0]) ** 2 + (d[1] - p[1]) ** 2 > reach ** 2 for p in placed)]
        out: list[tuple[ScanId, Any, list[Any]]] = []
        unread: list[list[tuple[float, float]]] = []
        for large in (False, True):
            theme = self.library.theme(large).model
            canonical = _canonical(theme, dot_centres(theme))
            card = theme.card
            for quad in _rectangles(free, theme.scan_marks, card.width, card.height, page.dpi):
                if any(_shares(quad, other) for other in [c for _, _, c in out] + unread):
                    continue  # three of the same four dots, found again
                for turn in (0, 2):  # as found, or upside down
                    corners = np.roll(np.array(quad, np.float64), -turn, axis=0)
                    homography, _ = cv2.findHomography(corners, canonical, 0)
                    zoom = np.diag([1.5, 1.5, 1.0]) @ homography  # 12 pixels a millimetre for the code
                    k = PX_MM * 1.5 * 25.4 / 72
                    size = (round(card.width * k), round(card.height * k))
                    straight = cv2.warpPerspective(page.grey, zoom, size, flags=cv2.INTER_CUBIC, borderValue=255)
                    read = zxingcpp.read_barcodes(straight, formats=_data_matrix())
                    texts = [c.text for c in read
                             if c.position.top_left.y > size[1] / 2]  # the code is at the foot: the right way up
                    texts = texts or _resampled(straight, theme, k)
                    ids = [i for i in map(parse, texts) if i is not None and i.size == card.name]
                    if ids:
                        out.append((ids[0], homography, [tuple(c) for c in corners]))
                        break
                else:
                    unread.append(quad)
        return out, len(unread)

    def blank(self, scan_id: ScanId) -> tuple[np.ndarray, list[Field], Any, Edition] | None:
        """The blank side a code names, drawn at omr.PX_MM, its fields and its layout; None for a
        set this content does not have."""
        key = (scan_id.set, scan_id.size, scan_id.card, scan_id.side)
        if key in self._blanks:
            return self._blanks[key]
        if scan_id.set not in self.library.sets():
            return None
        large = scan_id.size != self.library.theme(False).model.card.name
        edition = self.library.edition(scan_id.language, scan_id.variant, large, "cards")
        if edition.theme.card.name != scan_id.size or scan_id.card > len(edition.card_set.cards):
            return None
        card = edition.generic[scan_id.card - 1]
        if scan_id.side > len(card.sides):
            return None
        side = card.sides[scan_id.side - 1]
        raster = _render_side(edition, scan_id, self._packs)
        fields = [i for i in side.items if isinstance(i, Field) and i.kind != "hidden"]
        self._blanks[key] = (raster, fields, side, edition)
        return self._blanks[key]

    def _known(self, page: ScanPage, scan_id: ScanId,
               notes: list[ScanNote]) -> tuple[np.ndarray, list[Field], Any, Edition] | None:
        """The blank side a code names, or None with a note when this content has no such card."""
        blank = self.blank(scan_id)
        if blank is None:
            notes.append(ScanNote("scan.unknown_card", page.number, {"set": scan_id.set, "card": scan_id.card}))
        return blank

    def locate(self, page: ScanPage, scan_id: ScanId, code: Any,
               notes: list[ScanNote]) -> tuple[Any, list[Any]] | None:
        """Where the side a code was found on lies: the homography to the straightened side and its
        corner dots on the page; None (with a note) when its card is unknown or its dots not found."""
        blank = self._known(page, scan_id, notes)
        if blank is None:
            return None
        edition = blank[3]
        found = _locate(page, code, _matrix(edition, scan_id), edition)
        if found is None:
            notes.append(ScanNote("scan.no_dots", page.number, {"card": scan_id.card, "side": scan_id.side}))
        return found

    def side(self, page: ScanPage, scan_id: ScanId, homography: Any, notes: list[ScanNote]) -> ScannedSide | None:
        """The answers on a located side, compared with its blank card; None (with a note) when it
        was printed from other texts than the blank card's."""
        import cv2

        from kaartgen.engine.omr import read_side

        blank = self._known(page, scan_id, notes)
        if blank is None:
            return None
        raster, fields, _, edition = blank
        if scan_id.version != edition.texts_version:
            notes.append(ScanNote("scan.other_texts", page.number, {"set": scan_id.set, "card": scan_id.card,
                                                                    "side": scan_id.side}))
            return None
        height, width = raster.shape
        straight = cv2.warpPerspective(page.grey, homography, (width, height), flags=cv2.INTER_LINEAR,
                                       borderValue=255)
        marks = read_side(straight, raster, fields, edition.theme.card.height)
        return ScannedSide(scan_id, page.number, marks.answers, {k: png(v) for k, v in marks.images.items()},
                           {k: png(v) for k, v in marks.uncertain.items()})


class _Point:
    def __init__(self, x: float, y: float):
        self.x, self.y = x, y


class _Position:
    def __init__(self, position: Any, factor: float):
        for corner in ("top_left", "top_right", "bottom_right", "bottom_left"):
            p = getattr(position, corner)
            setattr(self, corner, _Point(p.x / factor, p.y / factor))


class _Scaled:
    """A code found on a resized page, with its corners where they are on the page itself."""

    def __init__(self, code: Any, factor: float):
        self.text = code.text
        self.position = _Position(code.position, factor)


def _attempts(grey: np.ndarray) -> list[Any]:
    """Ways to look at a page for codes, cheapest first, each giving (image, scale): as scanned;
    sharpened, for a blurred scan; sharpened hard and at other sizes, for what is left."""
    import cv2

    def sharp(amount: float, sigma: float) -> np.ndarray:
        return cv2.addWeighted(grey, 1 + amount, cv2.GaussianBlur(grey, (0, 0), sigma), -amount, 0)

    def resized(factor: float) -> tuple[np.ndarray, float]:
        interpolation = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        return cv2.resize(sharp(0.8, 2), None, fx=factor, fy=factor, interpolation=interpolation), factor

    return [lambda: (grey, 1.0), lambda: (sharp(0.8, 2), 1.0), lambda: (sharp(1.5, 4), 1.0),
            lambda: resized(0.8), lambda: resized(1.3)]


def _dot_centres(page: ScanPage) -> list[tuple[float, float]]:
    """The centres of the round dark dots the size of a card's corner dots: four a card side. A
    page with fewer codes read than a quarter of these is looked at harder, then reported."""
    import cv2
    import numpy as np

    shrink = 3  # looked for at a third of the page's resolution: a 2 mm dot is 8 pixels wide at 100 dpi
    small = cv2.resize(page.grey, None, fx=1 / shrink, fy=1 / shrink, interpolation=cv2.INTER_AREA)
    dark = _dark(small, 4)
    _, _, stats, centres = cv2.connectedComponentsWithStats(dark, connectivity=8)
    centres = centres * shrink + (shrink - 1) / 2
    diameter = 2.0 * page.dpi / 25.4 / shrink  # the smallest dot a template has: 2 mm
    low, high = np.pi * (diameter * 0.8) ** 2 / 4, np.pi * (diameter * 1.6) ** 2 / 4
    areas = stats[1:, cv2.CC_STAT_AREA]
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    round_ = (areas >= low) & (areas <= high) & (w <= 1.6 * h) & (h <= 1.6 * w) & (areas >= 0.7 * w * h)
    # alone in the margin: nothing else dark within a dot's width around it (a bold letter has neighbours)
    total = cv2.integral(dark)
    x0 = np.clip(stats[1:, 0] - w, 0, dark.shape[1])
    y0 = np.clip(stats[1:, 1] - h, 0, dark.shape[0])
    x1 = np.clip(stats[1:, 0] + 2 * w, 0, dark.shape[1])
    y1 = np.clip(stats[1:, 1] + 2 * h, 0, dark.shape[0])
    around = total[y1, x1] - total[y0, x1] - total[y1, x0] + total[y0, x0] - areas
    alone = around <= 0.1 * areas
    return [(float(x), float(y)) for x, y in centres[1:][round_ & alone]]


def _dark(grey: np.ndarray, step: int) -> np.ndarray:
    """Where `grey` is as dark as a printed dot (well darker than ink need be), as 0/1: a corner
    dot is solid black, so lighter marks and grey print are left out."""
    import numpy as np

    from kaartgen.engine.omr import paper_level

    return (grey < paper_level(grey, step) * DOT_DARK).astype(np.uint8)


DOT_DARK = 0.6  # of the paper's grey: a corner dot's pixels


def _matrix(edition: Edition, scan_id: ScanId) -> Matrix:
    """The code as printed on the side `scan_id` names: where it stands depends on the footer,
    which on card 1 holds the pack's reference."""
    from kaartgen.model.text import Personal

    personal = Personal(reference=scan_id.reference if scan_id.card == 1 else None)  # card 1's foot has it
    cards = edition.cards(personal)[scan_id.card - 1:scan_id.card]
    overlay = edition.coded(cards, scan_id.reference, scan_id.card - 1)[0].overlays[scan_id.side - 1]
    return next(item for item in overlay if isinstance(item, Matrix))


def _render_side(edition: Edition, scan_id: ScanId, packs: dict[int, bytes]) -> np.ndarray:
    """The blank side as the printer put it on paper, grey, at omr.PX_MM (the edition's blank pack
    made once, in `packs`)."""
    import numpy as np
    import pypdfium2

    from kaartgen.engine.omr import PT_MM, PX_MM

    index = sum(len(c.sides) for c in edition.generic[:scan_id.card - 1]) + scan_id.side - 1
    if id(edition) not in packs:
        packs[id(edition)] = edition.pack()
    document = pypdfium2.PdfDocument(packs[id(edition)])
    try:
        bitmap = document[index].render(scale=PX_MM / PT_MM, grayscale=True)
        return np.array(bitmap.to_pil().convert("L"))
    finally:
        document.close()


def _canonical(theme: Any, points: list[tuple[float, float]]) -> Any:
    """Card points (pt, y up) as pixels of the straightened side."""
    import numpy as np

    from kaartgen.engine.omr import PT_MM, PX_MM

    k = PX_MM / PT_MM
    height = theme.card.height
    return np.array([(x * k, (height - y) * k) for x, y in points], np.float64)


def _rectangles(dots: list[tuple[float, float]], look: Any, width: float, height: float,
                dpi: float) -> list[list[tuple[float, float]]]:
    """Every four of `dots` that lie as a card's corner dots do (card `width` × `height` points,
    dots `look.inset` in), as bottom-left, bottom-right, top-right, top-left of the card turned
    either way up (the caller tries both). Three that do stand for the four: a dot under a thumb
    or a stroke of ink is where the other three say it is."""
    scale = dpi / 72
    short, long = (width - 2 * look.inset) * scale, (height - 2 * look.inset) * scale
    tolerance = 0.04
    found: list[list[tuple[float, float]]] = []
    seen: set[frozenset[int]] = set()
    for i, a in enumerate(dots):
        for j, b in enumerate(dots):
            ab = (b[0] - a[0], b[1] - a[1])
            if j == i or abs(_length(ab) - short) > tolerance * short:
                continue
            for k, c in enumerate(dots):
                bc = (c[0] - b[0], c[1] - b[1])
                if k in (i, j) or abs(_length(bc) - long) > tolerance * long:
                    continue
                if ab[0] * bc[1] - ab[1] * bc[0] >= 0:  # turning the way a card's corners do on a page
                    continue
                d = (a[0] + bc[0], a[1] + bc[1])
                near = [m for m, e in enumerate(dots) if m not in (i, j, k)
                        and _length((e[0] - d[0], e[1] - d[1])) < tolerance * short]
                key = frozenset((i, j, k, near[0] if near else -1))
                if key in seen or any(key - {-1} < other for other in seen):
                    continue
                seen.add(key)
                found.append([a, b, c, dots[near[0]] if near else d])
    return sorted(found, key=lambda quad: -sum(1 for p in quad if p in dots))  # four dots found first


def _resampled(straight: np.ndarray, theme: Any, k: float) -> list[str]:
    """The code at the foot of a straightened side, read module by module: its square is found,
    each module's centre sampled and the symbol drawn again sharp. A code too blurred for the
    reader to find on the page (a 150 dpi scan, a shaky phone) is usually still read this way."""
    import cv2
    import numpy as np
    import zxingcpp

    look = theme.scan_marks
    module = look.module * k  # pixels
    height = straight.shape[0]
    top = max(0, round(height - (look.bottom + look.box + look.module) * k))
    band = straight[top:round(height - (look.bottom - look.module) * k)]
    _, dark = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    joined = cv2.morphologyEx(dark, cv2.MORPH_CLOSE, np.ones((round(module * 1.5) | 1,) * 2, np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    found = []
    for c in range(1, count):
        x, y, w, h = (int(v) for v in stats[c, :4])
        sizes = {round(w / module), round(h / module)}
        if not (0.8 < w / max(h, 1) < 1.25 and min(sizes) >= 10 and max(sizes) <= look.modules + 1):
            continue
        for n in sorted({s + d for s in sizes for d in (-1, 0, 1) if (s + d) % 2 == 0 and 10 <= s + d <= look.modules}):
            # the module's size is known: a grid of it round the square's centre (blur widens the square)
            centres_x = np.round(x + w / 2 + (np.arange(n) - (n - 1) / 2) * module).astype(int)
            centres_y = np.round(y + h / 2 + (np.arange(n) - (n - 1) / 2) * module).astype(int)
            if centres_x.min() < 0 or centres_y.min() < 0 or centres_x.max() >= band.shape[1] \
                    or centres_y.max() >= band.shape[0]:
                continue
            samples = cv2.blur(band, (3, 3))[np.ix_(centres_y, centres_x)]  # the grey at each module's centre
            cut, _ = cv2.threshold(samples.reshape(-1, 1), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
            grid = samples < cut
            sharp = np.full((n + 4, n + 4), 255, np.uint8)
            sharp[2:-2, 2:-2][grid] = 0
            image = cv2.resize(sharp, None, fx=6, fy=6, interpolation=cv2.INTER_NEAREST)
            found += [r.text for r in zxingcpp.read_barcodes(image, formats=_data_matrix())]
            if found:
                return found
    return found


def _shares(quad: list[Any], other: list[Any]) -> bool:
    """Whether two rectangles of dots share a dot (the same card's, found twice)."""
    return any(abs(a[0] - b[0]) < 1 and abs(a[1] - b[1]) < 1 for a in quad for b in other)


def _length(v: tuple[float, float]) -> float:
    return float((v[0] ** 2 + v[1] ** 2) ** 0.5)


def _locate(page: ScanPage, code: Any, matrix: Matrix, edition: Edition) -> tuple[Any, list[Any]] | None:
    """The homography from the page to the straightened side: first from the code's four corners
    (tried in each of the four turns the reader may report them in), then made exact with the
    corner dots found near where that puts them. None when too few dots are found."""
    import cv2
    import numpy as np

    from kaartgen.layout.scanmarks import dot_centres

    s = matrix.size
    corners = _canonical(edition.theme, [(matrix.x, matrix.y + s), (matrix.x + s, matrix.y + s),
                                          (matrix.x + s, matrix.y), (matrix.x, matrix.y)])
    p = code.position
    seen = np.array([(p.top_left.x, p.top_left.y), (p.top_right.x, p.top_right.y),
                     (p.bottom_right.x, p.bottom_right.y), (p.bottom_left.x, p.bottom_left.y)], np.float64)
    dots = _canonical(edition.theme, dot_centres(edition.theme))
    scale = page.dpi / 25.4  # page pixels a millimetre
    diameter = edition.theme.scan_marks.dot / (72 / 25.4) * scale
    best: tuple[int, Any] | None = None
    for turn in range(4):
        rolled = np.roll(seen, -turn, axis=0)
        # turn, scale and shift only: four corners a centimetre apart say little about perspective
        to_page, _ = cv2.estimateAffinePartial2D(corners, rolled)
        if to_page is None:
            continue
        predicted = cv2.transform(dots.reshape(-1, 1, 2), to_page).reshape(-1, 2)
        found = [_dot(page.grey, pt, diameter, scale * 8) for pt in predicted]
        hits = [(d, f) for d, f in zip(dots, found, strict=True) if f is not None]
        if best is None or len(hits) > best[0]:
            best = (len(hits), (hits, rolled))
    if best is None or best[0] < 3:
        return None
    hits, rolled = best[1]
    source = np.vstack([rolled] + [np.array([f]) for _, f in hits])
    target = np.vstack([corners] + [np.array([d]) for d, _ in hits])
    homography, _ = cv2.findHomography(source, target, 0)
    return homography, [f for _, f in hits]


def _dot(grey: np.ndarray, at: Any, diameter: float, reach: float) -> tuple[float, float] | None:
    """The centre of the dark round dot of about `diameter` pixels nearest `at`, within `reach`."""
    import cv2
    import numpy as np

    x, y = float(at[0]), float(at[1])
    x0, y0 = int(max(0, x - reach)), int(max(0, y - reach))
    x1, y1 = int(min(grey.shape[1], x + reach)), int(min(grey.shape[0], y + reach))
    if x1 - x0 < diameter or y1 - y0 < diameter:
        return None
    dark = _dark(grey[y0:y1, x0:x1], 2)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(dark, connectivity=8)
    expected = np.pi * diameter * diameter / 4
    best = None
    for c in range(1, count):
        area = stats[c, cv2.CC_STAT_AREA]
        w, h = stats[c, cv2.CC_STAT_WIDTH], stats[c, cv2.CC_STAT_HEIGHT]
        if not 0.45 * expected <= area <= 1.8 * expected or not 0.6 <= w / max(h, 1) <= 1.6:
            continue
        if area / max(1, w * h) < 0.6:  # a ring or a stroke, not a filled dot
            continue
        cx, cy = centroids[c][0] + x0, centroids[c][1] + y0
        distance = (cx - x) ** 2 + (cy - y) ** 2
        if best is None or distance < best[0]:
            best = (distance, (cx, cy))
    return best[1] if best is not None else None


MAX_SCAN_FILE = 200 * 1024 * 1024  # a 40-page scan at 300 dpi as JPEG is about 40 MB

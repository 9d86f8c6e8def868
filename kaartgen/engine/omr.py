"""Reading the marks on one straightened card side by comparing it with the blank card.

What the scan has that the blank card has not is the client's ink. A box is ticked when such ink
lies in it and not far around it (a tick, a cross, a filled box); it is empty when there is none;
anything between (a tick crossed out, ink that spills wide, a faint mark) is uncertain, and is
reported with its picture, never guessed. On card 3 the description circled or marked is the one
whose box holds the ink or that a stroke goes round. Written areas with ink are kept as pictures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kaartgen.layout.items import Field, Rect

if TYPE_CHECKING:
    import numpy as np

PX_MM = 8.0  # the straightened card's resolution, pixels a millimetre (203 dpi)
PT_MM = 72 / 25.4

# Ink in a box, as a share of its inside, and around it, as a share of a ring 2 mm wide
EMPTY_INSIDE = 0.015
TICKED_INSIDE = 0.05
EMPTY_AROUND = 0.02
SPILL_AROUND = 0.12  # more than this round a ticked box: crossed out, or a scribble
WRITTEN = 0.002  # of a write-in area: anything written
MIN_STROKE_MM2 = 0.8  # smaller specks are scanner dust
OVER_PRINT = 0.06  # more dark than the blank card has on an option's printed letter: marked there
TINT, TINTED = 0.92, 0.25  # a quarter of a description's paper a shade darker: a highlighter
INK = 0.72  # darker than this share of the paper's grey is ink (a blue ballpoint is about half as light)


@dataclass
class SideMarks:
    answers: dict[str, str | bool] = field(default_factory=dict)
    images: dict[str, np.ndarray] = field(default_factory=dict)  # write-ins with ink: the picture
    uncertain: dict[str, np.ndarray] = field(default_factory=dict)  # the picture of a mark not read


def paper_level(scan: np.ndarray, step: int = 4) -> float:
    """The grey of the paper on a straightened side or a page (most of it is paper): what ink is
    darker than. Taken from every `step`-th pixel each way."""
    import numpy as np

    return float(np.percentile(scan[::step, ::step], 90)) or 1.0


def darker(scan: np.ndarray, blank: np.ndarray, box: tuple[int, int, int, int], paper: float) -> float:
    """How much more of `box` is dark on the scan than on the blank card, as a share of the box:
    ink on top of print (a cross over a printed letter) that `new_ink` cannot separate from it."""
    x0, y0, x1, y1 = _clip(box, scan.shape)
    dark = int((scan[y0:y1, x0:x1] < paper * INK).sum())
    printed = int((blank[y0:y1, x0:x1] < INK * 255).sum())
    return (dark - printed) / max(1, (x1 - x0) * (y1 - y0))


def tinted(scan: np.ndarray, blank: np.ndarray, box: tuple[int, int, int, int], paper: float) -> bool:
    """Whether much of the paper in `box` is a shade darker than paper (a highlighter over a
    description, too light to count as ink): then the box is marked, and a description read as
    chosen elsewhere, or as none, is not clear."""
    import cv2
    import numpy as np

    x0, y0, x1, y1 = _clip(box, scan.shape)
    part, plain = scan[y0:y1, x0:x1], blank[y0:y1, x0:x1]
    free = cv2.erode((plain > 235).astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)  # paper on the card
    if free.sum() < 100:
        return False
    return float((part[free] < paper * TINT).mean()) > TINTED


def new_ink(scan: np.ndarray, blank: np.ndarray, paper: float) -> np.ndarray:
    """Where the scan is dark and the blank card, or anything printed within half a millimetre of
    the spot, is not: the client's ink, as a boolean image. Paper is taken at the scan's own white."""
    import cv2
    import numpy as np

    dark = scan < paper * INK
    reach = max(3, round(PX_MM * 0.5)) | 1
    printed = cv2.dilate((blank < 235).astype(np.uint8), np.ones((reach, reach), np.uint8)).astype(bool)
    ink = cv2.morphologyEx((dark & ~printed).astype(np.uint8), cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.zeros(count, bool)
    keep[1:] = stats[1:, cv2.CC_STAT_AREA] >= MIN_STROKE_MM2 * PX_MM * PX_MM
    found: np.ndarray = keep[labels]
    return found


def px(rect: Rect, card_height: float, grow_mm: float = 0.0) -> tuple[int, int, int, int]:
    """A card rectangle (points, y up) as pixel bounds (x0, y0, x1, y1) of the straightened card."""
    k = PX_MM / PT_MM
    g = grow_mm * PX_MM
    return (round(rect.x * k - g), round((card_height - rect.y - rect.h) * k - g),
            round((rect.x + rect.w) * k + g), round((card_height - rect.y) * k + g))


def _share(ink: np.ndarray, box: tuple[int, int, int, int]) -> float:
    x0, y0, x1, y1 = _clip(box, ink.shape)
    area = max(1, (x1 - x0) * (y1 - y0))
    return float(ink[y0:y1, x0:x1].sum()) / area


def _clip(box: tuple[int, int, int, int], shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    x0, y0, x1, y1 = box
    return max(0, x0), max(0, y0), min(shape[1], x1), min(shape[0], y1)


def crop(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    x0, y0, x1, y1 = _clip(box, image.shape)
    return image[y0:y1, x0:x1].copy()


def tick(ink: np.ndarray, rect: Rect, card_height: float) -> bool | None:
    """A box: ticked, empty, or None when the ink is not clearly either."""
    inside = _share(ink, px(rect, card_height, -0.5))
    outer = px(rect, card_height, 2.0)
    box = px(rect, card_height)
    whole = _share(ink, outer) * _area(outer)
    ring = (whole - _share(ink, box) * _area(box)) / max(1, _area(outer) - _area(box))
    if inside < EMPTY_INSIDE and ring < EMPTY_AROUND:
        return False
    if inside >= TICKED_INSIDE and ring < SPILL_AROUND:
        return True
    return None


def _area(box: tuple[int, int, int, int]) -> int:
    return max(1, (box[2] - box[0]) * (box[3] - box[1]))


def read_side(scan: np.ndarray, blank: np.ndarray, fields: list[Field], card_height: float) -> SideMarks:
    """The answers on one straightened side: every check box, every choice, card 3's description
    and every write-in area, by the fields the layout put there."""
    paper = paper_level(scan)
    ink = new_ink(scan, blank, paper)
    marks = SideMarks()
    radios: dict[str, list[Field]] = {}
    for f in fields:
        if f.kind == "checkbox":
            value = tick(ink, f.rect, card_height)
            if value is None:
                marks.uncertain[f.name] = crop(scan, px(f.rect, card_height, 4.0))
            else:
                marks.answers[f.name] = value
        elif f.kind == "radio":
            radios.setdefault(f.name, []).append(f)
        elif f.kind == "text":
            box = px(f.rect, card_height, 1.0)
            if _share(ink, box) >= WRITTEN:
                marks.images[f.name] = crop(scan, _rows_written(ink, box))
            marks.answers[f.name] = ""
    for name, options in radios.items():
        chosen = (_description(ink, options, card_height) if any(o.area is not None for o in options)
                  else _choice(ink, options, card_height))
        over_print = [o.value for o in options
                      if darker(scan, blank, px(o.rect, card_height, 0.5), paper) > OVER_PRINT
                      or (o.area is not None and tinted(scan, blank, px(o.area, card_height), paper))]
        if chosen is not None and any(v != chosen for v in over_print):
            chosen = None  # ink on a printed letter, or a highlighter's tint, that no stroke showed: not clear
        if chosen is None:
            marks.uncertain[name] = crop(scan, _union([px(o.area or o.rect, card_height, 6.0) for o in options]))
        else:
            marks.answers[name] = chosen
    return marks


def _choice(ink: np.ndarray, options: list[Field], card_height: float) -> str | None:
    """One of a few circles: the option whose circle is ticked; '' for none; None when unclear."""
    ticks = [tick(ink, o.rect, card_height) for o in options]
    if None in ticks or sum(bool(t) for t in ticks) > 1:
        return None
    return next((o.value or "" for o, t in zip(options, ticks, strict=True) if t), "")


def _description(ink: np.ndarray, options: list[Field], card_height: float) -> str | None:
    """Card 3: the description circled or marked. Each stroke of ink near the descriptions counts
    for the box it lies in, or for the box it goes round; '' when there is no ink at all, None when
    strokes point at more than one box or at none."""
    import cv2
    import numpy as np

    areas = [px(o.area or o.rect, card_height) for o in options]
    region = _clip(_union([px(o.area or o.rect, card_height, 6.0) for o in options]), ink.shape)
    x0, y0, x1, y1 = region
    part = ink[y0:y1, x0:x1].astype(np.uint8)
    # a stroke is one stroke across the printed lines it crosses (new_ink leaves a gap there)
    reach = round(PX_MM * 1.2) | 1
    joined = cv2.dilate(part, np.ones((reach, reach), np.uint8))
    count, labels, stats, centroids = cv2.connectedComponentsWithStats(joined, connectivity=8)
    inked = np.bincount(labels[part.astype(bool)], minlength=count)
    votes: set[int] = set()
    loops: list[tuple[int, int, int, int]] = []  # strokes that go round a description
    rest: list[tuple[tuple[int, int, int, int], float, float, float]] = []
    for c in range(1, count):
        left, top, w, h = (int(v) for v in stats[c, :4])
        box = (left + x0, top + y0, left + x0 + w, top + y0 + h)
        around = [i for i, a in enumerate(areas) if _encloses(box, a) and inked[c] / max(1, w * h) < 0.35]
        if len(around) == 1:
            votes.add(around[0])
            loops.append(box)
        else:
            rest.append((box, centroids[c][0] + x0, centroids[c][1] + y0, inked[c] / max(1, w * h)))
    stray = False
    arcs: list[tuple[tuple[int, int, int, int], list[int]]] = []  # strokes on no box: pieces of a loop?
    for box, cx, cy, _ in rest:
        centred = [i for i, a in enumerate(areas) if a[0] <= cx <= a[2] and a[1] <= cy <= a[3]]
        if not centred and any(_within(box, loop, PX_MM * 4) for loop in loops):
            continue  # a piece of a loop outside every box, cut off where it crosses printed text
        inside = [i for i in centred if _within(box, areas[i], PX_MM * 1.5)]
        if len(inside) == 1:
            votes.add(inside[0])
        else:
            arcs.append((box, centred))
    if arcs:  # a loop cut in pieces where it runs along printed lines: together they go round one box,
        around = [i for i, a in enumerate(areas) if _encloses(_union([b for b, _ in arcs]), a)]
        # and none of them sits on another box
        if len(around) == 1 and all(set(centred) <= set(around) for _, centred in arcs):
            votes.add(around[0])
        else:
            stray = True
    if not votes and not stray:
        return ""
    if len(votes) == 1 and not stray:
        return options[votes.pop()].value or ""
    return None


def _encloses(box: tuple[int, int, int, int], area: tuple[int, int, int, int]) -> bool:
    """A stroke that goes round a description: its extent holds the box, give or take 2 mm."""
    slack = PX_MM * 2
    return (box[0] <= area[0] + slack and box[1] <= area[1] + slack and box[2] >= area[2] - slack
            and box[3] >= area[3] - slack)


def _within(box: tuple[int, int, int, int], area: tuple[int, int, int, int], slack: float) -> bool:
    return (box[0] >= area[0] - slack and box[1] >= area[1] - slack and box[2] <= area[2] + slack
            and box[3] <= area[3] + slack)


def _rows_written(ink: np.ndarray, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """A write-in area cut to the lines written on (and 3 mm round them): the picture shows the
    handwriting, not a column of empty lines."""
    import numpy as np

    x0, y0, x1, y1 = _clip(box, ink.shape)
    rows = np.flatnonzero(ink[y0:y1, x0:x1].any(axis=1))
    margin = round(PX_MM * 3)
    return x0, max(y0, y0 + int(rows[0]) - margin), x1, min(y1, y0 + int(rows[-1]) + margin)


def _union(boxes: list[tuple[int, int, int, int]]) -> tuple[int, int, int, int]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))

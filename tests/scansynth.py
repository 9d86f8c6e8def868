"""Synthetic scans of filled cards, with the answers known: for tests/test_scan.py and
benchmarks/scan.py.

Packs are drawn by the engine, filled in as a pen would (ticks, crosses, filled boxes, a circle
round a description, a crossed-out tick, handwriting), cut into cards, laid 1–4 to a page at
random places and turns, and put through what a scanner and a phone do to them: resolution,
blur, noise, uneven light and JPEG.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

import cv2
import numpy as np
import pypdfium2
from PIL import Image

from kaartgen.engine import Library
from kaartgen.layout.items import Field
from kaartgen.model.text import Personal

DRAW_DPI = 300
PT = 72 / 25.4
CROSSED = "crossed"  # the truth of a tick crossed out: not an answer; reading it as uncertain is right


@dataclass
class Card:
    image: np.ndarray  # the filled side at DRAW_DPI
    card: int
    side: int
    truth: dict[str, object] = field(default_factory=dict)  # field -> True/False/letter/""/CROSSED


def _pen(rng: random.Random) -> tuple[int, int]:
    return rng.randint(0, 110), max(2, round(rng.uniform(0.35, 0.8) * DRAW_DPI / 25.4))


def _to_px(x: float, y: float, height: float) -> tuple[float, float]:
    k = DRAW_DPI / 72
    return x * k, (height - y) * k


def _stroke(img: np.ndarray, points: list[tuple[float, float]], rng: random.Random, shade: int, width: int) -> None:
    jitter = [(x + rng.gauss(0, 1.2), y + rng.gauss(0, 1.2)) for x, y in points]
    cv2.polylines(img, [np.array(jitter, np.int32)], False, shade, width, cv2.LINE_AA)


def _mark_box(img: np.ndarray, f: Field, height: float, style: str, rng: random.Random) -> None:
    """A tick, a cross or a filled box in field `f`'s box; "crossed" is a tick scribbled out."""
    x0, y1 = _to_px(f.rect.x, f.rect.y, height)
    x1, y0 = _to_px(f.rect.x + f.rect.w, f.rect.y + f.rect.h, height)
    w, h = x1 - x0, y1 - y0
    shade, width = _pen(rng)
    if style in ("tick", CROSSED):
        a = (x0 + w * rng.uniform(0.1, 0.25), y0 + h * rng.uniform(0.45, 0.6))
        b = (x0 + w * rng.uniform(0.35, 0.5), y0 + h * rng.uniform(0.8, 0.95))
        c = (x0 + w * rng.uniform(0.85, 1.15), y0 - h * rng.uniform(0.0, 0.3))
        _stroke(img, [a, b, c], rng, shade, width)
    if style == "cross":
        _stroke(img, [(x0 + w * 0.15, y0 + h * 0.15), (x1 - w * 0.15, y1 - h * 0.15)], rng, shade, width)
        _stroke(img, [(x1 - w * 0.15, y0 + h * 0.15), (x0 + w * 0.15, y1 - h * 0.15)], rng, shade, width)
    if style == "fill":
        cv2.rectangle(img, (int(x0 + w * 0.12), int(y0 + h * 0.12)), (int(x1 - w * 0.12), int(y1 - h * 0.12)),
                      shade, -1)
    if style == CROSSED:  # a scribble over it, well beyond the box
        zig = []
        for i in range(9):
            zig.append((x0 - w * 0.5 + i * w * 0.25, y0 - h * 0.4 if i % 2 else y1 + h * 0.4))
        _stroke(img, zig, rng, shade, width)


def _circle(img: np.ndarray, f: Field, height: float, rng: random.Random) -> None:
    """A hand-drawn loop round the description's box."""
    area = f.area or f.rect
    x0, y1 = _to_px(area.x, area.y, height)
    x1, y0 = _to_px(area.x + area.w, area.y + area.h, height)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2 * rng.uniform(1.02, 1.08), (y1 - y0) / 2 * rng.uniform(1.1, 1.35)
    start = rng.uniform(0, 2 * math.pi)
    points = [(cx + rx * math.cos(start + t / 40 * 2.15 * math.pi), cy + ry * math.sin(start + t / 40 * 2.15 * math.pi))
              for t in range(41)]
    shade, width = _pen(rng)
    _stroke(img, points, rng, shade, width)


def _write(img: np.ndarray, f: Field, height: float, rng: random.Random) -> None:
    """A line or two of scribbled 'handwriting' on the write-in area's lines."""
    x0, y1 = _to_px(f.rect.x, f.rect.y, height)
    x1, y0 = _to_px(f.rect.x + f.rect.w, f.rect.y + f.rect.h, height)
    shade, width = _pen(rng)
    line_h = DRAW_DPI / 25.4 * 9
    for line in range(rng.randint(1, 2)):
        base = y0 + line_h * (line + 0.8)
        if base > y1:
            break
        x = x0 + 10
        points = []
        while x < x0 + (x1 - x0) * rng.uniform(0.4, 0.9):
            points.append((x, base - rng.uniform(0, line_h * 0.45)))
            x += rng.uniform(8, 18)
        if len(points) > 1:
            _stroke(img, points, rng, shade, width)


def filled_pack(library: Library, reference: str, rng: random.Random, large: bool = False,
                only: set[tuple[int, int]] | None = None) -> list[Card]:
    """Every fill-in side of a pack with `reference` (or the (card, side) pairs in `only`), filled
    in at random, with its truth."""
    edition = library.edition("nl", "standaard", large, "cards")
    pdf = pypdfium2.PdfDocument(edition.pack(Personal(reference=reference)))
    height = edition.theme.card.height
    cards = []
    index = 0
    for c, layout in enumerate(edition.generic):
        for s, side in enumerate(layout.sides):
            page = index
            index += 1
            if layout.kind != "fill-in" or (only is not None and (c + 1, s + 1) not in only):
                continue
            img = np.array(pdf[page].render(scale=DRAW_DPI / 72, grayscale=True).to_pil().convert("L"))
            card = Card(img, c + 1, s + 1)
            fields = [i for i in side.items if isinstance(i, Field) and i.kind != "hidden"]
            radios: dict[str, list[Field]] = {}
            for f in fields:
                if f.kind == "checkbox":
                    roll = rng.random()
                    if roll < 0.08:
                        _mark_box(img, f, height, CROSSED, rng)
                        card.truth[f.name] = CROSSED
                    elif roll < 0.45:
                        _mark_box(img, f, height, rng.choice(["tick", "tick", "cross", "fill"]), rng)
                        card.truth[f.name] = True
                    else:
                        card.truth[f.name] = False
                elif f.kind == "radio":
                    radios.setdefault(f.name, []).append(f)
                elif f.kind == "text" and rng.random() < 0.5:
                    _write(img, f, height, rng)
            for name, options in radios.items():
                if rng.random() < 0.15:
                    card.truth[name] = ""
                    continue
                chosen = rng.choice(options)
                card.truth[name] = chosen.value
                if chosen.area is not None and rng.random() < 0.6:
                    _circle(img, chosen, height, rng)
                else:
                    _mark_box(img, chosen, height, rng.choice(["tick", "cross"]), rng)
            cards.append(card)
    pdf.close()
    return cards


def _turned(img: np.ndarray, angle: float) -> np.ndarray:
    h, w = img.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 2, int(h * cos + w * sin) + 2
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), borderValue=255, flags=cv2.INTER_LINEAR)


def page_of(cards: list[Card], rng: random.Random, dpi: int = 200, blur: float = 0.1, noise: float = 4.0,
            jpeg: int | None = 80, any_angle: bool = True) -> bytes:
    """`cards` laid on a scanner's glass (A4, A3 for more than two) at random places and turns,
    scanned at `dpi` through optics that blur by `blur` mm (a Gaussian's sigma; office scanners
    are about 0.05–0.1 mm), with noise, uneven light and JPEG: PNG or JPEG bytes that carry their
    resolution."""
    glass = (210, 297) if len(cards) <= 2 else (297, 420)  # A4, or A3 for three or four cards
    pw, ph = round(glass[0] / 25.4 * dpi), round(glass[1] / 25.4 * dpi)
    page = np.full((ph, pw), 255, np.uint8)
    taken: list[tuple[int, int, int, int]] = []
    for n, card in enumerate(cards):
        small = cv2.resize(card.image, None, fx=dpi / DRAW_DPI, fy=dpi / DRAW_DPI, interpolation=cv2.INTER_AREA)
        for _ in range(500):
            if len(cards) == 1:  # anywhere, turned any way
                angle = rng.uniform(0, 360) if any_angle else rng.choice([0, 90, 180, 270]) + rng.uniform(-4, 4)
                cell = (0, 0, pw, ph)
            elif len(cards) == 2:  # each in a half of the glass, on its side either way, a little askew
                angle = rng.choice([90, 270]) + rng.uniform(-8, 8)
                cell = (0, n * ph // 2, pw, ph // 2)
            else:  # each in a quarter of the glass, upright or upside down, a little askew
                angle = rng.choice([0, 180]) + rng.uniform(-6, 6)
                cell = ((n % 2) * pw // 2, (n // 2) * ph // 2, pw // 2, ph // 2)
            turned = _turned(small, angle)
            h, w = turned.shape
            if w >= cell[2] or h >= cell[3]:
                continue
            x, y = cell[0] + rng.randint(0, cell[2] - w), cell[1] + rng.randint(0, cell[3] - h)
            box = (x, y, x + w, y + h)
            if all(box[2] <= t[0] or t[2] <= box[0] or box[3] <= t[1] or t[3] <= box[1] for t in taken):
                taken.append(box)
                page[y:y + h, x:x + w] = np.minimum(page[y:y + h, x:x + w], turned)
                break
        else:
            raise ValueError("no room on the page")
    light = np.linspace(rng.uniform(0.85, 1.0), 1.0, page.shape[1])[None, :]  # uneven light across the glass
    out = page.astype(np.float32) * light
    if blur:  # the optics' blur, in millimetres: the same glass at every resolution
        out = cv2.GaussianBlur(out, (0, 0), blur * dpi / 25.4)
    out += np.random.default_rng(rng.randint(0, 2**31)).normal(0, noise, out.shape)
    grey = np.clip(out, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    if jpeg:
        Image.fromarray(grey).save(buffer, "JPEG", quality=jpeg, dpi=(dpi, dpi))
    else:
        Image.fromarray(grey).save(buffer, "PNG", dpi=(dpi, dpi), compress_level=1)  # noise compresses badly anyway
    return buffer.getvalue()


def compare(truth: dict[str, object], answers: dict[str, object], uncertain: set[str]) -> tuple[int, int, int]:
    """(right, uncertain, wrong) over the fields that have a truth: a crossed-out tick is right only
    when it is reported uncertain or as not ticked."""
    right = unsure = wrong = 0
    for name, value in truth.items():
        if name in uncertain:
            unsure += 1
        elif name not in answers:
            wrong += 1
        elif value == CROSSED:
            right += answers[name] is False
            wrong += answers[name] is not False
        elif answers[name] == value:
            right += 1
        else:
            wrong += 1
    return right, unsure, wrong

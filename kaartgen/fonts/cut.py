"""Fonts cut and completed with fontTools: a static instance of a variable font, kept to the scripts
the templates declare; a face completed with letters it lacks as a sequence (Dutch Ĳ as I and J);
and a face's character map. Every result is named for itself and kept in the cache (cache.py).

Every cut font gets a PostScript name of its own. reportlab files a subset's font descriptor
under that name, so two cuts that kept the variable font's name ("NotoSans-Regular") would share
one descriptor and print each other's glyphs, a silent wrong letter in a client's name.
"""

from __future__ import annotations

import io
from array import array
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont as ToolsFont

from kaartgen.fonts.cache import cached

Ranges = tuple[tuple[int, int], ...]


def in_ranges(code: int, ranges: Ranges) -> bool:
    return any(first <= code <= last for first, last in ranges)


@cache
def cmap(path: Path) -> frozenset[int]:
    """The code points the font at `path` maps. Kept in the cache folder like the cut fonts:
    reading a cmap with fontTools costs about 50 ms, a quarter of a personal pack's start."""
    def read() -> bytes:
        return array("I", sorted(ToolsFont(str(path), lazy=True).getBestCmap())).tobytes()

    return frozenset(array("I", cached(path, ("cmap",), "cmap", read, ".cmap")))


@cache
def static_instance(path: Path, axes: tuple[tuple[str, float], ...], ranges: Ranges, name: str,
                    shaping: bool = False) -> bytes:
    """A static font named `name` with only the glyphs in `ranges`, cut from a variable font at `axes`.
    With `shaping`, its layout tables stay (a script whose letters join, such as Arabic, needs them),
    with every glyph they reach."""
    key = (axes, ranges, name, "shaping") if shaping else (axes, ranges, name)
    return cached(path, key, name, lambda: _cut(path, axes, ranges, name, shaping))


# Letters that are a sequence of two letters the font has: drawn from those, in the font's own
# design, rather than from a fallback face (Dutch Ĳ is I and J set together).
SEQUENCES = {0x0132: "IJ", 0x0133: "ij"}


@cache
def completed(path: Path, name: str) -> bytes:
    """The font at `path` with the SEQUENCES it lacks added as composite glyphs, named `name`.

    The composite refers to the font's own outlines, so Ĳ matches the I and J beside it, and the
    PDF's text still says U+0132. Kept in the cache folder like the cut fonts; the same bytes on
    every machine."""
    return cached(path, (sorted(SEQUENCES.items()), name), name, lambda: _complete(path, name))


def merged(parts: tuple[bytes, ...], name: str) -> bytes:
    """One font named `name` with the glyphs of every part; a character several parts have is the
    first's. Layout tables are left out: what it is made for (the typing font of fillable fields)
    is drawn by the viewer."""
    return cached(b"".join(parts), ("merged", len(parts), name), name, lambda: _merge(parts, name))


def _merge(parts: tuple[bytes, ...], name: str) -> bytes:
    from fontTools.merge import Merger, Options

    fonts = [ToolsFont(io.BytesIO(part), recalcTimestamp=False) for part in parts]
    for font in fonts:
        for tag in ("GSUB", "GPOS", "GDEF", "STAT", "DSIG"):
            if tag in font:
                del font[tag]
    sources = []
    for font in fonts:
        buffer = io.BytesIO()
        font.save(buffer)
        buffer.seek(0)
        sources.append(buffer)
    font = Merger(options=Options(drop_tables=["vmtx", "vhea"])).merge(sources)
    font.recalcTimestamp = False
    font["head"].created, font["head"].modified = fonts[0]["head"].created, fonts[0]["head"].modified
    return _named_bytes(font, name)


def _named_bytes(font: ToolsFont, name: str) -> bytes:
    """The font's file, under `name` in every name record a viewer shows or matches on."""
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17):
            record.string = name
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _complete(path: Path, name: str) -> bytes:
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    font = ToolsFont(str(path), recalcTimestamp=False)
    for tag in ("DSIG",):  # a signature no longer matches a changed font
        if tag in font:
            del font[tag]
    cmap = font.getBestCmap()
    order = list(font.getGlyphOrder())
    glyphs = font.getGlyphSet()
    for code, letters in SEQUENCES.items():
        if code in cmap or not all(ord(c) in cmap for c in letters):
            continue
        pen = TTGlyphPen(glyphs)
        x = 0
        for letter in letters:
            part = cmap[ord(letter)]
            pen.addComponent(part, (1, 0, 0, 1, x, 0))
            x += font["hmtx"][part][0]
        glyph_name = f"uni{code:04X}"
        font["glyf"][glyph_name] = pen.glyph()
        font["hmtx"][glyph_name] = (x, font["hmtx"][cmap[ord(letters[0])]][1])
        order.append(glyph_name)
        for table in font["cmap"].tables:
            if table.isUnicode():
                table.cmap[code] = glyph_name
    font.setGlyphOrder(order)
    font["maxp"].numGlyphs = len(order)
    return _named_bytes(font, name)


def _cut(path: Path, axes: tuple[tuple[str, float], ...], ranges: Ranges, name: str, shaping: bool = False) -> bytes:
    from fontTools import subset  # only when a font is cut, which the cache makes rare
    from fontTools.varLib import instancer

    font = ToolsFont(str(path), lazy=True, recalcTimestamp=False)
    created, modified = font["head"].created, font["head"].modified
    layout = ("GSUB", "GPOS", "GDEF") if not shaping else ()
    for tag in (*layout, "STAT"):  # not needed, and slow to decompile
        if tag in font:
            del font[tag]
    wanted = [c for c in font.getBestCmap() if in_ranges(c, ranges)]
    options = subset.Options()
    options.layout_features = ["*"] if shaping else []
    options.notdef_outline = True
    options.drop_tables += [*layout, "STAT"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, dict(axes), inplace=True)  # a copy would double the time
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 25):
            record.string = name
    font["head"].created, font["head"].modified = created, modified
    font.recalcTimestamp = False
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()

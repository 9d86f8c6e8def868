"""Fonts from Python packages, registered with reportlab, with a fallback for missing characters.

reportlab embeds every TrueType font as a subset, so PDFs carry only the glyphs they use. The
primary family (Atkinson Hyperlegible) lacks some letters clients' names have (Turkish İ, Dutch Ĳ);
those characters are drawn from the fallback family. A variable fallback font is cut to the pages
of Unicode that are needed and fixed at the template's axis values, which takes about a second, so
it happens lazily and once per process. A character no font has is an error naming it: a PDF must
never show a blank or a box where a client's letter should be.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import os
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools import subset
from fontTools.ttLib import TTFont as ToolsFont
from fontTools.varLib import instancer
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kaartgen.errors import KaartgenError
from kaartgen.theme import FontFile, Style, Theme

_PAGE = 0x80  # fallback fonts are cut to 128-code-point pages of Unicode
_ALWAYS_PAGES = frozenset(range(0, 0x280, _PAGE)) | {0x2000}  # Latin, Latin Extended A/B, punctuation


class MissingGlyph(KaartgenError):
    """A character that neither the style's font nor the fallback font can draw."""

    def __init__(self, char: str):
        self.char = char
        super().__init__(
            f"character {char!r} (U+{ord(char):04X}) is in no font of the templates; "
            "replace it, or add a font that has it to templates/fonts.yaml"
        )


def _font_path(spec: FontFile) -> Path:
    found = importlib.util.find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise KaartgenError(f"font package '{spec.package}' is not installed; run: pip install {spec.package.replace('_', '-')}")
    path = Path(list(found.submodule_search_locations)[0]) / spec.file
    if not path.is_file():
        raise KaartgenError(f"font file {spec.file} not found in package {spec.package}")
    return path


@lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(ToolsFont(str(path), lazy=True).getBestCmap())


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "kaartgen" / "fonts"


@lru_cache(maxsize=None)
def _static_instance(path: Path, axes: tuple[tuple[str, float], ...], pages: frozenset[int]) -> bytes:
    """A static font with only the glyphs of `pages`, cut from a variable font at `axes`.

    Cutting takes about a second, so the result is kept in the user's cache folder, keyed by the
    font file's contents and the request; the bytes are the same whether cached or not.
    """
    key = hashlib.sha256(path.read_bytes() + repr((axes, sorted(pages))).encode()).hexdigest()[:24]
    cached = _cache_dir() / f"{path.stem.split('[')[0]}-{key}.ttf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    data = _cut(path, axes, pages)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, cached)
    except OSError:
        pass  # a read-only home only costs time
    return data


def _cut(path: Path, axes: tuple[tuple[str, float], ...], pages: frozenset[int]) -> bytes:
    font = ToolsFont(str(path), lazy=True)
    for tag in ("GSUB", "GPOS", "GDEF", "STAT"):  # not needed, and slow to decompile
        if tag in font:
            del font[tag]
    wanted = [c for c in font.getBestCmap() if (c & ~(_PAGE - 1)) in pages]
    options = subset.Options()
    options.layout_features = []
    options.notdef_outline = True
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "STAT"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    if "fvar" in font:
        font = instancer.instantiateVariableFont(font, dict(axes))
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


class Fonts:
    """Registers the theme's fonts with reportlab and turns plain text into safe Paragraph markup."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self._registered: dict[tuple[str, str], str] = {}
        self._coverage: dict[tuple[str, str], frozenset[str]] = {}

    def name(self, family: str, weight: str) -> str:
        """The reportlab name of a primary (static) font, registering it on first use."""
        key = (family, weight)
        if key not in self._registered:
            spec: FontFile = getattr(self.theme.fonts[family], weight)
            path = _font_path(spec)
            reg = f"{path.stem}-{weight}" if not spec.axes else f"{path.stem}-{weight}-static"
            if reg not in pdfmetrics.getRegisteredFontNames():
                source = io.BytesIO(_static_instance(path, tuple(sorted(spec.axes.items())), _ALWAYS_PAGES)) if spec.axes else str(path)
                pdfmetrics.registerFont(TTFont(reg, source))
            self._registered[key] = reg
        return self._registered[key]

    def _chars(self, family: str, weight: str) -> frozenset[str]:
        key = (family, weight)
        if key not in self._coverage:
            cmap = _cmap(_font_path(getattr(self.theme.fonts[family], weight)))
            self._coverage[key] = frozenset(map(chr, cmap)) | frozenset(" \t\n\r\u00a0")
        return self._coverage[key]

    def covers(self, family: str, weight: str, char: str) -> bool:
        return char in self._chars(family, weight)

    def _fallback_name(self, weight: str, pages: frozenset[int]) -> str:
        spec: FontFile = getattr(self.theme.fonts[self.theme.fallback], weight)
        path = _font_path(spec)
        digest = hashlib.sha1(repr((sorted(pages), sorted(spec.axes.items()))).encode()).hexdigest()[:8]
        reg = f"{path.stem.split('[')[0]}-{weight}-{digest}"
        if reg not in pdfmetrics.getRegisteredFontNames():
            data = _static_instance(path, tuple(sorted(spec.axes.items())), pages)
            pdfmetrics.registerFont(TTFont(reg, io.BytesIO(data)))
        return reg

    def missing(self, text: str, style: Style) -> list[str]:
        """Characters of `text` that neither the style's font nor the fallback can draw (for lint)."""
        return sorted({
            c for c in text
            if not c.isspace() and not self.covers(style.font, style.weight, c)
            and not self.covers(self.theme.fallback, style.weight, c)
        })

    def markup(self, text: str, style: Style) -> str:
        """Escape `text` for reportlab and route characters the style's font lacks to the fallback."""
        if self._chars(style.font, style.weight).issuperset(text):
            return escape(text)  # the common case: the style's own font has every character
        runs: list[tuple[bool, str]] = []  # (needs fallback, characters)
        for char in text:
            own = char.isspace() or self.covers(style.font, style.weight, char)
            if not own and not self.covers(self.theme.fallback, style.weight, char):
                raise MissingGlyph(char)
            if runs and runs[-1][0] == (not own):
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
            else:
                runs.append((not own, char))
        if not any(needs for needs, _ in runs):
            return escape(text)
        pages = _ALWAYS_PAGES | {ord(c) & ~(_PAGE - 1) for needs, run in runs if needs for c in run}
        fallback = self._fallback_name(style.weight, frozenset(pages))
        return "".join(f'<font face="{fallback}">{escape(run)}</font>' if needs else escape(run) for needs, run in runs)

"""The fonts of a theme, registered with reportlab, with a fallback for missing characters.

reportlab embeds every TrueType font as a subset, so PDFs carry only the glyphs they use. The
primary family (Atkinson Hyperlegible) lacks letters clients' names have (Turkish İ, Dutch Ĳ,
Greek, Cyrillic); those are drawn from the fallback family, cut once per weight to the script
ranges in templates/fonts.yaml. A character that no font can draw there is an error naming it: a
PDF must never show a blank, a box or a wrong letter where a client's letter should be.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from html import escape as _html_escape

from reportlab.pdfbase import pdfmetrics

from kaartgen.errors import MissingGlyph
from kaartgen.fonts.cut import SEQUENCES, Ranges, completed, in_ranges, merged, static_instance
from kaartgen.fonts.cut import cmap as character_map
from kaartgen.fonts.files import font_path
from kaartgen.fonts.shared import SharedTTFont
from kaartgen.model.merge import Loc
from kaartgen.model.theme import FontFile, Style, Theme

# Categories never drawn: controls, invisible format characters (bidi overrides, zero-width),
# private use, unassigned, and combining marks, which need positioning the writer cannot do.
UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Mc", "Me", "Zl", "Zp"})
SPACES = frozenset(" \t\n\r\u00a0")  # white space the paragraph folds; client values are checked apart


def escape(text: str) -> str:
    """&, < and > as reportlab's paragraph markup needs them (xml.sax's escape, without its imports)."""
    return _html_escape(text, quote=False)


class Fonts:
    """Registers the theme's fonts with reportlab and turns plain text into safe Paragraph markup."""

    def __init__(self, theme: Theme):
        self.theme = theme
        self._registered: dict[tuple[str, str], str] = {}
        self._coverage: dict[tuple[str, str], frozenset[str]] = {}
        self._printable: frozenset[str] | None = None
        self._fallbacks: dict[str, tuple[str, bytes]] = {}

    def _ranges(self) -> Ranges:
        return tuple(r for ranges in self.theme.scripts.values() for r in ranges)

    def name(self, family: str, weight: str) -> str:
        """The reportlab name of a primary font, registering it on first use."""
        if family == self.theme.fallback:  # a style set in the fallback family: the one fallback font
            return self._fallback_name(weight)
        key = (family, weight)
        if key not in self._registered:
            spec: FontFile = getattr(self.theme.fonts[family], weight)
            path = font_path(spec)
            reg = f"{path.stem}-{weight}" if not spec.axes else f"{path.stem.split('[')[0]}-{family}-{weight}"
            if reg not in pdfmetrics.getRegisteredFontNames():
                source = (static_instance(path, tuple(sorted(spec.axes.items())), self._ranges(), reg, spec.shaping)
                          if spec.axes else completed(path, reg))
                pdfmetrics.registerFont(SharedTTFont(reg, io.BytesIO(source)))
            self._registered[key] = reg
        return self._registered[key]

    @property
    def base(self) -> str:
        """The font every PDF starts with: the face of the cards' body text (one choice for all documents)."""
        body = self.theme.style(self.theme.text_blocks.text)
        return self.name(body.font, body.weight)

    def _chars(self, family: str, weight: str) -> frozenset[str]:
        """What a family's font draws; the fallback family only within the declared scripts."""
        key = (family, weight)
        if key not in self._coverage:
            spec: FontFile = getattr(self.theme.fonts[family], weight)
            cmap = character_map(font_path(spec))
            if family != self.theme.fallback and not spec.axes:  # completed with SEQUENCES it can draw
                cmap = cmap | {c for c, letters in SEQUENCES.items() if all(ord(x) in cmap for x in letters)}
            if family == self.theme.fallback or spec.axes:
                ranges = self._ranges()
                cmap = frozenset(c for c in cmap if in_ranges(c, ranges))
            chars = frozenset(c for c in map(chr, cmap) if unicodedata.category(c) not in UNPRINTABLE_CATEGORIES)
            self._coverage[key] = chars | SPACES
        return self._coverage[key]

    def covers(self, family: str, weight: str, char: str) -> bool:
        return char in self._chars(family, weight)

    def _fallback(self, weight: str) -> tuple[str, bytes]:
        """The one fallback font of a weight, cut to all declared scripts and named for itself; found
        once (every paragraph with a fallback character asks for it)."""
        if weight not in self._fallbacks:
            self._fallbacks[weight] = self._cut_fallback(weight)
        return self._fallbacks[weight]

    def _cut_fallback(self, weight: str) -> tuple[str, bytes]:
        spec: FontFile = getattr(self.theme.fonts[self.theme.fallback], weight)
        path = font_path(spec)
        ranges = self._ranges()
        digest = hashlib.sha1(repr((ranges, sorted(spec.axes.items()))).encode()).hexdigest()[:8]
        reg = f"{path.stem.split('[')[0]}-{self.theme.fallback}-{weight}-{digest}"
        return reg, static_instance(path, tuple(sorted(spec.axes.items())), ranges, reg)

    def _fallback_name(self, weight: str) -> str:
        reg, data = self._fallback(weight)
        if reg not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(SharedTTFont(reg, io.BytesIO(data)))
        return reg

    def typing(self) -> bytes:
        """The font a fillable PDF's fields show typed text in, embedded whole because nobody knows
        what a client will type: the regular fallback, the one font cut to every declared script;
        with more `typing` families (templates/rtl/fonts.yaml: Arabic), those merged after it."""
        fallback = self._fallback("regular")[1]
        families = [f for f in self.theme.typing or [] if f != self.theme.fallback]
        if not families:
            return fallback
        parts = [fallback]
        for family in families:
            spec: FontFile = self.theme.fonts[family].regular
            path = font_path(spec)
            parts.append(static_instance(path, tuple(sorted(spec.axes.items())), self._ranges(), f"{path.stem}-typing")
                         if spec.axes else completed(path, f"{path.stem}-typing"))
        return merged(tuple(parts), "KaartgenTyping-" + "-".join(families))

    def all_names(self) -> list[str]:
        """Every font a pack may use: each style's font and both fallbacks, registered."""
        names = {self.name(s.font, s.weight) for s in self.theme.styles.values()}
        names |= {self._fallback_name(weight) for weight in ("regular", "bold")}
        return sorted(names)

    def _drawable(self, char: str, style: Style) -> bool:
        return self.covers(style.font, style.weight, char) or self.covers(self.theme.fallback, style.weight, char)

    def missing(self, text: str, style: Style) -> list[str]:
        """Characters of `text` that neither the style's font nor the fallback can draw."""
        return sorted({c for c in text if not self._drawable(c, style)})

    def unprintable(self, text: str) -> list[str]:
        """Characters of a client's value that some style could not draw, whichever it lands in."""
        if self._printable is None:  # once: what every style can draw, from its font or the fallback
            pairs = {(s.font, s.weight) for s in self.theme.styles.values()}
            self._printable = frozenset.intersection(*(
                self._chars(font, weight) | self._chars(self.theme.fallback, weight) for font, weight in pairs))
        return sorted(set(text) - self._printable)

    def markup(self, text: str, style: Style, loc: Loc | None = None) -> str:
        """Escape `text` for reportlab and route characters the style's font lacks to the fallback.
        A character no font has is a MissingGlyph naming `loc`, the text's place in the content."""
        own_chars = self._chars(style.font, style.weight)
        if own_chars.issuperset(text):
            return escape(text)  # the common case: the style's own font has every character
        runs: list[tuple[bool, str]] = []  # (needs fallback, characters)
        for char in text:
            own = char in own_chars
            if not own and not self.covers(self.theme.fallback, style.weight, char):
                raise MissingGlyph(char, loc)
            if runs and runs[-1][0] == (not own):
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
            else:
                runs.append((not own, char))
        fallback = self._fallback_name(style.weight)
        return "".join(f'<font face="{fallback}">{escape(run)}</font>' if needs else escape(run) for needs, run in runs)

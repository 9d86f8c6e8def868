"""The one paragraph service: plain text in a template style, wrapped at a width, measured.

Cards, the letter, the calibration sheet, the guide and the read summary all set text through a
Typesetter, so every paragraph gets the same escaping (markup in a text is printed literally), the
same font fallback, the same widow rule and the same error for a character no font can print.
"""

from __future__ import annotations

from reportlab.lib.colors import CMYKColor
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from kaartgen import reportlab_internals as rl
from kaartgen.fonts import Fonts
from kaartgen.layout.shaped import ShapedParagraph
from kaartgen.model.content import Domain
from kaartgen.model.merge import Loc
from kaartgen.model.text import render
from kaartgen.model.theme import DOMAIN_TEXT, Theme

rl.install_shaped_text_map()  # text read from a shaped glyph gives its letters (see the adapter)
_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}
_TALL = 10_000.0  # height offered to a paragraph when measuring it
SHARED_MOST = 4096  # paragraphs an edition keeps wrapped: every text of a set, many times over
ParaKey = tuple[str, str, str, str | None, float]  # text, style, colour, alignment, width


def bind_last_words(text: str) -> str:
    """'a b c d' -> 'a b c\u00a0d' when there are three words or more and the last is short."""
    head, sep, last = text.rpartition(" ")
    if not sep or " " not in head.strip() or len(last) > 16:
        return text
    return head + "\u00a0" + last


class Typesetter:
    """Sets paragraphs in one theme's styles and fonts.

    `values` are the variables texts are rendered with (a client's name, …); a paragraph that holds
    one of them is never altered by the widow rule, so the value comes out of the PDF as given."""

    def __init__(self, theme: Theme, fonts: Fonts, values: dict[str, object] | None = None,
                 shared: dict[ParaKey, tuple[Paragraph, float]] | None = None):
        self.theme = theme
        self.fonts = fonts
        self.values = values or {}
        self._styles: dict[tuple[str, str, str], ParagraphStyle] = {}
        # Paragraphs that hold no client value, wrapped once and drawn for every client of an
        # edition (the letter's body, the cards' instructions): the edition's, shared by its makers.
        self.shared = shared

    def colour(self, name: str) -> CMYKColor:
        return self.theme.colours[name].pdf

    def _style(self, name: str, colour: str, align: str | None) -> ParagraphStyle:
        style = self.theme.style(name)
        key = (name, colour, align or style.align)
        if key not in self._styles:
            direction = self.theme.direction  # right to left: words set from the right, letters shaped
            self._styles[key] = ParagraphStyle(
                name="-".join(key),
                fontName=self.fonts.name(style.font, style.weight),
                fontSize=style.size,
                leading=style.leading,
                textColor=self.colour(colour),
                alignment=_ALIGN[self._aligned(name, align or style.align)],
                wordWrap=direction.word_wrap if direction.word_wrap != "LTR" else None,
                shaping=1 if direction.shaping else 0,
            )
        return self._styles[key]

    def _aligned(self, style_name: str, align: str) -> str:
        """A style's alignment as printed: swapped for the set's direction (templates/direction.yaml),
        unless the templates keep that style's."""
        direction = self.theme.direction
        if style_name in direction.keep_align:
            return align
        return direction.align.get(align, align)  # type: ignore[call-overload,no-any-return]

    def para(self, text: str, style_name: str, width: float, loc: Loc = (),
             domain: Domain | None = None, align: str | None = None, bind: bool = True) -> tuple[Paragraph, float]:
        """A wrapped paragraph of plain text and its height; markup in the text is printed literally.

        With `bind`, a paragraph's last two words are joined by a no-break space, so that its last
        line never holds a single word (a widow). A text holding a client's value is not bound:
        the value must come out of the PDF exactly as it was given. `loc` is where the text is in
        the content, for the message when a character cannot be printed."""
        style = self.theme.style(style_name)
        personal = any(isinstance(v, str) and v in text for v in self.values.values())
        if bind and not personal and self.theme.direction.bind_last_words:
            text = bind_last_words(text)
        colour = style.colour
        if colour == DOMAIN_TEXT:
            colour = self.theme.domain_colours[domain.colour].text if domain else "ink"
        key = (text, style_name, colour, align, width)
        if self.shared is not None and not personal and key in self.shared:
            return self.shared[key]
        look = self._style(style_name, colour, align)  # letters that join: set by kaartgen (layout/shaped.py)
        p = (ShapedParagraph if look.shaping else Paragraph)(self.fonts.markup(text, style, loc), look)
        _, h = p.wrap(width, _TALL)
        if self.shared is not None and not personal and len(self.shared) < SHARED_MOST:
            self.shared[key] = (p, h)
        return p, h

    def render(self, source: str, loc: Loc) -> str:
        """A content text rendered with this typesetter's values; errors name `loc`."""
        return render(source, self.values, loc)

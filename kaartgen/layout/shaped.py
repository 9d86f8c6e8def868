"""Paragraphs whose letters join (Arabic): shaped, wrapped and put in reading order by kaartgen.

A style whose templates say `shaping` (templates/rtl/direction.yaml) is set by ShapedParagraph instead
of reportlab's Paragraph, whose right-to-left support needs a package kaartgen does not use (and
then still draws the words of a line in the order they are written). Here a paragraph is split into
words; each word's runs of one font and one direction (the Unicode bidirectional algorithm, with
the paragraph's direction from the style's `wordWrap`, left to right for a text without a
right-to-left letter) are shaped with the font's layout tables
(reportlab_internals.shape); words are wrapped onto lines in the order they are read, and each line's
runs are put in the order they stand on the page (UAX #9, rule L2): so a Dutch place name or a Latin
client name inside Arabic text reads left to right in its right place. The line is aligned as the
style says and drawn in one text object, left to right, as text extraction expects.
"""

from __future__ import annotations

import copy
import unicodedata
from dataclasses import dataclass
from typing import Any

from bidi import algorithm as uax9
from reportlab import rl_config
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
from reportlab.platypus import Flowable, Paragraph

from kaartgen import reportlab_internals as rl

_BREAKS = frozenset(" \t\n\r")  # where a line may break; a no-break space keeps its words together


def levels(text: str, rtl: bool) -> list[int]:
    """The embedding level of each character of a paragraph (UAX #9, rules P to I), its base level
    1 when it is set right to left."""
    storage = uax9.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uax9.get_embedding_levels(text, storage, False, False)
    uax9.explicit_embed_and_overrides(storage, False)
    uax9.resolve_weak_types(storage, False)
    uax9.resolve_neutral_types(storage, False)
    uax9.resolve_implicit_levels(storage, False)
    found = [int(char["level"]) for char in storage["chars"]]
    if len(found) != len(text):  # explicit embeddings are never printed (fonts/registry.py); guard all the same
        raise ValueError("bidi levels do not match the text")
    return found


def visual_order(item_levels: list[int]) -> list[int]:
    """The indices of a line's items in the order they stand from left to right (UAX #9, rule L2):
    from the highest level down to the lowest odd one, every run at that level or higher reversed."""
    order = list(range(len(item_levels)))
    if not item_levels:
        return order
    lowest_odd = min(level for level in item_levels) | 1
    for level in range(max(item_levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if item_levels[order[i]] >= level:
                j = i
                while j < len(order) and item_levels[order[j]] >= level:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return order


@dataclass(frozen=True)
class Word:
    """A word as it is read: its runs (one font, one level each) in reading order, and the level of
    the space after it (None when no space follows: the end of the text, or a word cut in two)."""

    text: str
    runs: tuple[tuple[int, rl.ShapedRun], ...]  # (level, run)
    space: int | None

    @property
    def width(self) -> float:
        return sum(run.width for _, run in self.runs)


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    width: float  # with the spaces between its words


class ShapedParagraph(rl.OwnLines, Paragraph):  # type: ignore[misc]  # reportlab has no type hints: Paragraph is Any
    """A paragraph set by kaartgen (see the module): reportlab parses its markup (each fragment's font)
    and places it as a flowable; wrapping, reading order and drawing are done here."""

    def __init__(self, text: str, style: Any, words: list[Word] | None = None):
        super().__init__(text, style)
        self.rtl = style.wordWrap == "RTL"  # the paragraph's direction, if it holds a right-to-left letter
        self.given_words = words  # a part of a split paragraph: its own words
        self.end_spaces = False
        self.laid_out: tuple[float, list[Line]] | None = None

    # -- words and lines ----------------------------------------------------------------------------

    def words(self) -> list[Word]:
        if self.given_words is not None:
            return self.given_words
        chars: list[tuple[str, str, float]] = []  # (character, font, size)
        for frag in self.frags:
            chars += [(c, frag.fontName, frag.fontSize) for c in frag.text]
        text = "".join(c for c, _, _ in chars)
        self.rtl = self.rtl and any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)  # else: Dutch, a name
        level = levels(text, self.rtl)
        words: list[Word] = []
        i = 0
        while i < len(text):
            if text[i] in _BREAKS:
                i += 1
                continue
            j = i
            while j < len(text) and text[j] not in _BREAKS:
                j += 1
            runs: list[tuple[int, rl.ShapedRun]] = []
            k = i
            while k < j:
                m = k
                while m < j and (chars[m][1], level[m]) == (chars[k][1], level[k]):
                    m += 1
                runs.append((level[k], rl.shape(chars[k][1], chars[k][2], text[k:m], level[k] % 2 == 1)))
                k = m
            words.append(Word(text[i:j], tuple(runs), level[j] if j < len(text) else None))
            i = j
        self.given_words = words
        return words

    def space(self) -> rl.ShapedRun:
        return rl.shape(self.style.fontName, self.style.fontSize, " ", self.rtl)

    def lines(self, width: float) -> list[Line]:
        """The words wrapped at `width`, each line's words in reading order; a word longer than a
        line is cut where the line ends."""
        if self.laid_out is not None and self.laid_out[0] == width:
            return self.laid_out[1]
        space = self.space().width
        lines: list[Line] = []
        current: list[Word] = []
        used = 0.0
        pending = list(self.words())
        while pending:
            word = pending.pop(0)
            gap = space if current and current[-1].space is not None else 0.0
            if current and used + gap + word.width > width + 1e-6:
                lines.append(Line(tuple(current), used))
                current, used, gap = [], 0.0, 0.0
            if not current and word.width > width + 1e-6 and len(word.text) > 1:
                head, tail = self.cut(word, width)
                pending.insert(0, tail)
                word = head
            current.append(word)
            used += gap + word.width
        if current:
            lines.append(Line(tuple(current), used))
        self.laid_out = (width, lines)
        return lines

    def cut(self, word: Word, width: float) -> tuple[Word, Word]:
        """A word too long for a line: as much of it as fits (at least one character), and the rest."""
        n = len(word.text) - 1
        while n > 1 and self.reshaped(word, word.text[:n], 0, None).width > width:
            n -= 1
        return self.reshaped(word, word.text[:n], 0, None), self.reshaped(word, word.text[n:], n, word.space)

    def reshaped(self, word: Word, text: str, start: int, space: int | None) -> Word:
        """Characters start … start+len(text) of `word`, shaped again as a word of their own."""
        runs = []
        offset = 0
        for level, run in word.runs:
            lo, hi = max(start, offset), min(start + len(text), offset + len(run.text))
            if lo < hi:
                runs.append((level, rl.shape(run.font, run.size, word.text[lo:hi], level % 2 == 1)))
            offset += len(run.text)
        return Word(text, tuple(runs), space)

    def placed(self, lines: list[Line], width: float) -> list[tuple[float, list[tuple[float, rl.ShapedRun]]]]:
        """Each line's baseline and its runs with their x, in the order they are drawn: the line's
        stretches of one direction in reading order, each from left to right (the order text
        extraction reads back: a right-to-left stretch is read from its end)."""
        style = self.style
        space = self.space()
        first = style.fontSize if rl_config.paraFontSizeHeightOffset else style.fontSize * 0.8
        baseline = self.height - first
        out = []
        align = style.alignment
        if align == TA_JUSTIFY:
            align = TA_RIGHT if self.rtl else 0
        for n, line in enumerate(lines):
            items: list[tuple[int, rl.ShapedRun]] = []
            spaces: set[int] = set()
            for w, word in enumerate(line.words):
                items += word.runs
                if w < len(line.words) - 1 and word.space is not None:
                    spaces.add(len(items))
                    items.append((word.space, space))
            spare = width - line.width
            x = style.leftIndent + (spare if align == TA_RIGHT else spare / 2 if align == TA_CENTER else 0.0)
            at: dict[int, float] = {}
            for i in visual_order([level for level, _ in items]):
                at[i] = x
                x += items[i][1].width
            stretches: list[list[int]] = []  # one direction each, in reading order; a space joins the one before
            for i, (level, _) in enumerate(items):
                if stretches and (i in spaces or items[stretches[-1][0]][0] % 2 == level % 2):
                    stretches[-1].append(i)
                else:
                    stretches.append([i])
            runs = [(at[i], items[i][1]) for stretch in stretches for i in sorted(stretch, key=lambda i: at[i])]
            if self.end_spaces and n < len(lines) - 1:  # the line's last word ends in a space (tagged PDFs)
                start = style.leftIndent + (spare if align == TA_RIGHT else spare / 2 if align == TA_CENTER else 0.0)
                runs.append((start - space.width if self.rtl else start + line.width, space))
            out.append((baseline, runs))
            baseline -= style.leading
        return out

    # -- a flowable ---------------------------------------------------------------------------------

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # reportlab's names
        self.width = availWidth
        inner = availWidth - self.style.leftIndent - self.style.rightIndent
        self.height = len(self.lines(inner)) * self.style.leading
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        self.wrap(availWidth, availHeight)
        lines = self.lines(self.width - self.style.leftIndent - self.style.rightIndent)
        fit = int((availHeight + 1e-6) // self.style.leading)
        if fit >= len(lines):
            return [self]
        if fit <= 0:
            return []
        return [self.part(lines[:fit]), self.part(lines[fit:])]

    def part(self, lines: list[Line]) -> ShapedParagraph:
        part = copy.copy(self)
        part.given_words = [word for line in lines for word in line.words]
        part.laid_out = None
        return part

    def draw(self) -> None:
        inner = self.width - self.style.leftIndent - self.style.rightIndent
        canvas = self.canv
        canvas.saveState()
        rl.draw_shaped(canvas, self.style.textColor, self.placed(self.lines(inner), inner))
        canvas.restoreState()

    # -- what kaartgen asks a paragraph (reportlab_internals) -------------------------------------

    def own_line_count(self) -> int:
        return len(self.laid_out[1]) if self.laid_out else 0

    def own_used_width(self, width: float) -> float:
        return max((line.width for line in self.laid_out[1]), default=0.0) if self.laid_out else 0.0

    def own_line_words(self) -> list[list[str]]:
        return [[word.text for word in line.words] for line in self.laid_out[1]] if self.laid_out else []

    def own_end_spaces(self) -> ShapedParagraph:
        ended = copy.copy(self)
        ended.end_spaces = True
        return ended

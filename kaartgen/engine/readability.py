"""Readability of what a client reads on each card: Flesch-Douma score and words per sentence.

The score is textstat's Flesch reading ease with language "nl", i.e. Flesch-Douma, capped at 100;
it is computed for Dutch sets only. List items and labels count as sentences of their own, as a reader takes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kaartgen.model.content import CardSet
from kaartgen.model.merge import Loc
from kaartgen.model.text import Personal, card_values, render

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+")
# Scored languages: those whose syllable counting in textstat works offline (pyphen). English would
# need cmudict, which textstat downloads at run time; other languages show "-" in the table.
SCORED_LANGUAGES = frozenset({"nl"})


@dataclass(frozen=True)
class Sentence:
    loc: Loc
    text: str

    @property
    def words(self) -> int:
        return len(_WORD.findall(self.text))


@dataclass(frozen=True)
class CardScore:
    card: str  # card id
    kind: str  # "fill-in" or "domain"
    index: int
    score: float | None
    longest: Sentence
    average: float
    questions: int = 0


def _split(loc: Loc, text: str) -> list[Sentence]:
    return [Sentence(loc, s) for s in _SENTENCE_END.split(text.strip()) if _WORD.search(s)]


def _fill_in_texts(cs: CardSet, index: int) -> list[tuple[Loc, str]]:
    values = card_values(Personal(), cs.info)  # what a generic pack prints
    out = [(("cards", index) + loc, render(text, values)) for loc, text, _ in cs.cards[index].texts()]
    return [(loc, text) for loc, text in out if text]


def _score(language: str, sentences: list[Sentence]) -> float | None:
    if language not in SCORED_LANGUAGES:
        return None
    text = " ".join(s.text if s.text.rstrip()[-1:] in ".?!" else s.text + "." for s in sentences)
    import textstat  # with nltk it takes a third of a second to import: only lint needs it

    textstat.set_lang(language)
    return min(100.0, float(textstat.flesch_reading_ease(text)))


def card_scores(cs: CardSet) -> list[CardScore]:
    """One row per card, fill-in cards first, as a reader meets them."""
    language = cs.info.language
    rows = []
    groups: list[tuple[str, str, int, list[tuple[Loc, str]], int]] = []
    for i, card in enumerate(cs.cards):
        groups.append((card.id, "fill-in", i, _fill_in_texts(cs, i), 0))
    for i, d in enumerate(cs.domains):
        texts: list[tuple[Loc, str]] = [(("domains", i, "title"), d.title), (("domains", i, "intro"), d.intro)]
        texts += [(("domains", i, "questions", j), q) for j, q in enumerate(d.questions)]
        texts += [(("domains", i, "examples", j), e) for j, e in enumerate(d.examples)]
        groups.append((d.id, "domain", i, texts, len(d.questions)))
    for card_id, kind, index, texts, questions in groups:
        sentences = [s for loc, text in texts for s in _split(loc, text)]
        longest = max(sentences, key=lambda s: s.words)
        average = sum(s.words for s in sentences) / len(sentences)
        rows.append(CardScore(card_id, kind, index, _score(language, sentences), longest, average, questions))
    return rows

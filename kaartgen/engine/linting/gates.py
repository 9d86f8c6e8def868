"""Lint, readability: the scores of every card (Flesch-Douma for Dutch, words a sentence), and for a
set with a `readability:` block in its set.yaml (the plain sets), the limits it must meet."""

from __future__ import annotations

from kaartgen.engine.readability import CardScore, card_scores
from kaartgen.errors import KaartgenError
from kaartgen.messages import Term
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded


def check_readability(loaded: Loaded[CardSet]) -> tuple[list[CardScore], list[KaartgenError]]:
    cs: CardSet = loaded.model
    rows = card_scores(cs)
    gate = cs.info.readability
    problems: list[KaartgenError] = []
    if gate is None:
        return rows, problems
    src = loaded.sources
    for row in rows:
        what = Term(f"term.{row.kind}_card", id=row.card)
        if row.longest.words > gate.max_words:
            problems.append(src.error(row.longest.loc, "lint.long_sentence", what=what, words=row.longest.words,
                                      limit=gate.max_words, sentence=row.longest.text))
        if row.average > gate.max_average:
            problems.append(src.error(row.longest.loc, "lint.average", what=what, average=f"{row.average:.1f}",
                                      limit=gate.max_average))
        if gate.min_score is not None and row.score is not None and row.score < gate.min_score:
            problems.append(src.error(row.longest.loc, "lint.score", what=what, score=f"{row.score:.0f}",
                                      limit=f"{gate.min_score:.0f}"))
        if row.kind == "domain" and row.questions > gate.max_questions:
            problems.append(src.error(("domains", row.index, "questions"), "lint.questions", what=what,
                                      count=row.questions, limit=gate.max_questions))
    return rows, problems

"""Lint, completeness: every variant has the reference set's cards, domains, stagnations and
answers (ids, options, letters A–E), in the same order, so answers read the same in every variant."""

from __future__ import annotations

from pathlib import Path

from kaartgen.errors import KaartgenError
from kaartgen.model.content import Block, CardSet, Choice, Descriptions, DomainChoice, WriteIn
from kaartgen.model.loading import Loaded


def _answers(block: Block) -> tuple[object, ...]:
    """What must be identical in every variant: the answers a card collects."""
    if isinstance(block, Choice):
        return ("choice", block.id, tuple(o.id for o in block.options))
    if isinstance(block, Descriptions):
        return ("descriptions", block.id, tuple((o.letter, o.stagnation) for o in block.options))
    if isinstance(block, WriteIn):
        return ("write_in", block.id)
    if isinstance(block, DomainChoice):
        return ("domain_choice", block.id, block.max)
    return ()


def check_complete(reference: CardSet, ref_name: str, loaded: Loaded[CardSet], folder: Path) -> list[KaartgenError]:
    """Every card, domain, stagnation and answer of the reference set is present, in the same order."""
    cs: CardSet = loaded.model
    problems = []
    for key, file in (("stagnations", "stagnations.yaml"), ("domains", "domains.yaml"), ("cards", "cards.yaml")):
        ref_ids = [item.id for item in getattr(reference, key)]
        ids = [item.id for item in getattr(cs, key)]
        for missing in [i for i in ref_ids if i not in ids]:
            problems.append(KaartgenError("lint.missing", file=folder / file, key=key, id=missing, reference=ref_name))
        for extra in [i for i in ids if i not in ref_ids]:
            index = ids.index(extra)
            problems.append(loaded.sources.error((key, index, "id"), "lint.extra", id=extra, reference=ref_name,
                                                 what=key))
        if not problems and ids != ref_ids:
            problems.append(loaded.sources.error((key,), "lint.order", reference=ref_name))
    if problems:
        return problems
    for ci, (ref, card) in enumerate(zip(reference.cards, cs.cards)):
        if len(ref.sides) != len(card.sides):
            problems.append(loaded.sources.error(("cards", ci, "sides"), "lint.sides", id=card.id,
                                                 sides=len(card.sides), reference=ref_name, expected=len(ref.sides)))
            continue
        for si, (rs, side) in enumerate(zip(ref.sides, card.sides)):
            want = [a for a in map(_answers, rs.blocks) if a]
            have = [a for a in map(_answers, side.blocks) if a]
            if want != have:
                problems.append(loaded.sources.error(("cards", ci, "sides", si, "blocks"), "lint.answers_differ",
                                                     id=card.id, reference=ref_name, expected=str(want),
                                                     found=str(have)))
    return problems

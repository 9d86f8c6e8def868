"""Lint, translations: a set made with `kaartgen translate` (a `translation:` block in its set.yaml)
has every text of its source translated (not empty or fuzzy in the `translation.po` it was made
from), keeps every placeholder of each source text and adds none, and ends its letter with the
Dutch sentence for the people around the client. A source text that changed since the translation
is a warning: the translation is not wrong, but it needs a look.

The other rules apply to a translated set as to any: the same cards and answers as the reference
set (complete.py), the required messages (required.py) and the fit in every format and size (fit.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib

from kaartgen.engine.translate import STORED
from kaartgen.errors import KaartgenError
from kaartgen.messages import All
from kaartgen.model.content import CardSet
from kaartgen.model.loading import Loaded
from kaartgen.model.translation import Rules, Unit, placeholders, set_units


def _stored(folder: Path) -> dict[str, polib.POEntry] | KaartgenError:
    path = folder / STORED
    if not path.is_file():
        return KaartgenError("translate.no_po", file=path, po=STORED)
    try:
        return {e.msgctxt: e for e in polib.pofile(str(path)) if e.msgctxt and not e.obsolete}
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        return KaartgenError("translate.po_syntax", file=path, detail=str(exc))


def _unit_problems(source: Unit, unit: Unit, folder: Path, entry: polib.POEntry | None,
                   warnings: list[KaartgenError]) -> list[KaartgenError]:
    where: dict[str, Any] = {"file": folder / unit.file, "line": unit.line, "key": unit.context}
    problems = []
    if entry is None or not entry.msgstr or entry.fuzzy:
        problems.append(KaartgenError("translate.untranslated", po=STORED, **where))
    elif entry.msgid != source.text:
        warnings.append(KaartgenError("translate.source_changed", **where))
    want, have = placeholders(source.text), placeholders(unit.text)
    if want - have:
        problems.append(KaartgenError("translate.placeholder_missing", placeholders=All(sorted(want - have)), **where))
    if have - want:
        problems.append(KaartgenError("translate.placeholder_new", placeholders=All(sorted(have - want)), **where))
    return problems


def check_translation(loaded: Loaded[CardSet], content: Path, rules: Rules,
                      warnings: list[KaartgenError]) -> list[KaartgenError]:
    """Every rule above for one set; nothing for a set that is not a translation."""
    translation = loaded.model.info.translation
    if translation is None:
        return []
    folder = loaded.folder
    stored = _stored(folder)
    if isinstance(stored, KaartgenError):
        return [stored]
    own = {u.msgctxt: u for _, units in set_units(folder, rules).values() for u in units}
    problems = []
    for file, (_, units) in set_units(content / translation.source, rules).items():
        for source in units:
            unit = own.get(source.msgctxt)
            if unit is None:
                problems.append(KaartgenError("translate.missing", file=folder / file, key_name=source.context,
                                              source=translation.source))
                continue
            problems += _unit_problems(source, unit, folder, stored.get(source.msgctxt), warnings)
    letter = loaded.model.letter
    if letter is not None and not letter.for_others:
        problems.append(loaded.sources.error(("letter",), "translate.no_note"))
    return problems

"""A groups CSV: which benefit and which team each pack's reference belongs to.

Packs carry no personal data, only a reference; a team that wants the evaluation split by benefit
type (bijlage 6's columns) or by team gives a CSV with a reference column and a benefit and/or a team
column, with headers as templates/evaluation/evaluation.yaml names them (Dutch or English), in
UTF-8 (with or without BOM), UTF-16 or Windows-1252, delimited by `;`, `,` or a tab. A benefit is
recognised by its id, by a name in that file, or by the reflectiekaart's label in any language.
A reference is never repeated in a message: a problem names the line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kaartgen.errors import KaartgenError
from kaartgen.messages import Term
from kaartgen.model.clients import delimiter_of
from kaartgen.model.columns import key
from kaartgen.model.evaluation import EvaluationConfig

MAX_GROUPS = 8 * 1024 * 1024  # bytes of a groups CSV: a few hundred thousand lines
WHAT = Term("term.groups_file")


@dataclass(frozen=True)
class Groups:
    """reference -> (benefit id or None, team or None), and which of the two the file has."""

    of: dict[str, tuple[str | None, str | None]]
    benefits: bool
    teams: bool


def _text(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise KaartgenError("list.not_text", file=path, field="groups") from None
    if b"\x00" in data[:4096] or data.startswith((b"%PDF", b"PK\x03\x04")):
        raise KaartgenError("list.not_text", file=path, field="groups")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_groups(data: bytes, path: Path, config: EvaluationConfig, labels: Iterable[tuple[str, str]]) -> Groups:
    """The groups in the CSV `data` (`path` names it in messages); `labels` are (label, benefit id)
    pairs the reflectiekaart uses, in every language."""
    if len(data) > MAX_GROUPS:
        raise KaartgenError("file.too_large", file=path, what=WHAT, mb=MAX_GROUPS // (1024 * 1024), field="groups")
    text = _text(data, path)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise KaartgenError("evaluate.groups_empty", file=path, field="groups")
    names = config.column_names()
    benefit_of = {key(b.id): b.id for b in config.benefits}
    benefit_of |= {key(name): b.id for b in config.benefits for name in b.names}
    benefit_of |= {key(label): bid for label, bid in labels}
    csv.field_size_limit(MAX_GROUPS)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(first))
    try:
        header = next(reader)
        fields = [names.get(key(h)) for h in header]
        if "reference" not in fields:
            raise KaartgenError("evaluate.groups_no_reference", file=path, line=1, field="groups",
                                names=config.columns.reference)
        if "benefit" not in fields and "team" not in fields:
            raise KaartgenError("evaluate.groups_no_group", file=path, line=1, field="groups",
                                benefit=config.columns.benefit, team=config.columns.team)
        found: dict[str, tuple[str | None, str | None]] = {}
        lines: dict[str, int] = {}
        for number, cells in enumerate(reader, 2):
            values = {f: cells[i].strip() for i, f in enumerate(fields) if f is not None and i < len(cells)}
            reference = values.get("reference", "")
            if not reference:
                if any(values.values()):
                    raise KaartgenError("evaluate.groups_no_reference_value", file=path, line=number, field="groups")
                continue
            benefit = values.get("benefit") or None
            if benefit is not None:
                if key(benefit) not in benefit_of:
                    raise KaartgenError("evaluate.groups_unknown_benefit", file=path, line=number, field="groups",
                                        value=benefit, known=[b.id for b in config.benefits])
                benefit = benefit_of[key(benefit)]
            entry = (benefit, " ".join((values.get("team") or "").split()) or None)
            if reference in found and found[reference] != entry:
                raise KaartgenError("evaluate.groups_twice", file=path, line=number, field="groups",
                                    other=lines[reference])
            found[reference] = entry
            lines.setdefault(reference, number)
    except csv.Error as exc:
        raise KaartgenError("list.csv_unreadable", file=path, near=reader.line_num, problem=str(exc),
                            field="groups") from None
    return Groups(found, "benefit" in fields, "team" in fields)

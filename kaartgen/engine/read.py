"""Reading answers back: a filled digital pack (PDF) or saved answers (JSON from the HTML pack)
become a summary for the professional, as plain data (its PDF is render/summary.py).

The summary follows the cards. For card 3 it shows the professional's view: the chosen
description with its stagnation, key mechanism and what that asks of the professional. Empty
answers are shown as empty. Answers are printed literally, never as markup.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kaartgen import __version__
from kaartgen.errors import KaartgenError
from kaartgen.model.answers import REFERENCE_FIELD, answer_name, note_name, questions, schema, tick_name
from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, WriteIn
from kaartgen.model.text import REFERENCE, Personal, card_values, render
from kaartgen.model.yamlfile import read_limited

Answers = dict[str, Any]  # field name -> str (text, radio) or bool (check box)


@dataclass
class Filled:
    language: str
    variant: str
    answers: Answers
    reference: str | None = None
    reflection: bool = False  # the professional's reflectiekaart, not a client's pack


MAX_FILE = 32 * 1024 * 1024  # a filled pack is well under 1 MB; anything near this is not one
MAX_FIELDS = schema()["properties"]["answers"]["maxProperties"]  # a pack has about 60 fields
MAX_ANSWER = schema()["properties"]["answers"]["additionalProperties"]["anyOf"][0]["maxLength"]  # characters


def _unreadable(path: Path) -> KaartgenError:
    return KaartgenError("is not a readable kaartgen pack or answers file; ask the client to send the "
                         "filled pack (PDF) or the saved answers (JSON) again", path)


def _pdf_fields(reader) -> Answers:
    """Field name -> value, walking /Fields and /Kids with a bound and a guard against loops."""
    root = reader.trailer["/Root"]
    form = root.get("/AcroForm")
    form = form.get_object() if form is not None else None
    stack = [(f, "", None) for f in reversed(list(form.get("/Fields", []) if form else []))]
    seen: set = set()
    answers: Answers = {}
    while stack:
        ref, prefix, inherited_type = stack.pop()
        key = getattr(ref, "idnum", None) or id(ref)
        if key in seen:
            continue  # a loop, or a widget listed twice
        seen.add(key)
        if len(seen) > MAX_FIELDS:
            raise ValueError("too many fields")
        field = ref.get_object()
        partial = field.get("/T")
        name = f"{prefix}.{partial}" if prefix and partial is not None else str(partial) if partial is not None else prefix
        kind = field.get("/FT", inherited_type)
        kids = field.get("/Kids")
        if kids and any("/T" in k.get_object() for k in kids):
            stack.extend((k, name, kind) for k in reversed(list(kids)))
            continue
        if not name or kind is None:
            continue
        value = field.get("/V")
        if kind != "/Btn":
            # A viewer ends a typed line with CR (Acrobat) or CR LF (PDFium): one line break either way
            answers[name] = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")
        elif int(field.get("/Ff", 0)) & (1 << 15):  # a radio group: the chosen option's name
            answers[name] = str(value)[1:] if value not in (None, "/Off") else ""
        else:  # a check box
            answers[name] = value is not None and str(value) != "/Off"
        if isinstance(answers[name], str) and len(answers[name]) > MAX_ANSWER:
            raise ValueError("answer too long")
    return answers


def _pdf_answers(data: bytes, path: Path) -> Filled:
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")  # its warnings about a damaged file are not for the professional
    quiet.propagate = False
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise KaartgenError("is encrypted; ask for a copy without a password", path)
        keywords = str((reader.metadata or {}).get("/Keywords", ""))
        words = keywords.split()
        if len(words) < 2 or words[0] != "kaartgen" or "/" not in words[1]:
            raise KaartgenError("is not a kaartgen pack (its keywords do not say kaartgen); nothing to read", path)
        answers = _pdf_fields(reader)
        reference = answers.pop(REFERENCE_FIELD, None) or None
        if reference is not None and not REFERENCE.fullmatch(str(reference)):
            reference = None  # not one kaartgen wrote
    except KaartgenError:
        raise
    except (Exception, RecursionError):  # noqa: BLE001 - any failure to parse a hostile file is the same answer
        raise _unreadable(path) from None
    language, variant = words[1].split("/", 1)
    return Filled(language, variant, answers, reference, reflection=words[2:3] == ["reflection"])


def _json_answers(raw: bytes, path: Path) -> Filled:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise KaartgenError("is not a readable answers file (JSON); save the answers again", path) from None
    from jsonschema import Draft202012Validator

    problem = next(iter(sorted(Draft202012Validator(schema()).iter_errors(data), key=lambda e: len(e.path))), None)
    if problem is not None:
        where = list(problem.path)
        if where[:1] != ["answers"]:
            raise KaartgenError("is not a kaartgen answers file; nothing to read", path)
        if len(where) == 1:
            raise KaartgenError("has no answers kaartgen can read; save the answers again", path)
        raise KaartgenError("holds an answer that is not text or a tick; save the answers again", path)
    language, variant = data["set"].split("/", 1)
    return Filled(language, variant, dict(data["answers"]), data.get("reference"))


def read_filled(path: Path) -> Filled:
    if not path.is_file():
        raise KaartgenError("file not found", path)
    return read_answers(read_limited(path, MAX_FILE, "filled pack or answers file"), path)


def read_answers(data: bytes, path: Path) -> Filled:
    """Answers from the bytes of a filled pack or a saved answers file; `path` names it in messages
    (an upload is read from memory and never written to disk)."""
    if len(data) > MAX_FILE:
        raise KaartgenError(f"is larger than {MAX_FILE // (1024 * 1024)} MB, the limit for a filled pack or "
                            "answers file", path)
    if data[:5].startswith(b"%PDF") or path.suffix.lower() == ".pdf":
        return _pdf_answers(data, path)
    return _json_answers(data, path)


def summarise(cs: CardSet, answers: Answers, source: str, reference: str | None, read_on: date,
              cards: list | None = None) -> dict[str, Any]:
    """The professional's summary as plain data, card by card, block by block."""
    values = card_values(Personal(), cs.info.dates)  # the generic texts, as on a pack without a client
    found = []
    for number, card in enumerate(cs.cards if cards is None else cards, 1):
        items = []
        asks = questions(card)
        for index, (_, block, under) in enumerate(card.walk()):
            name = answer_name(card, block) if hasattr(block, "id") else ""
            heading = render(asks.get(index, under), values)
            if isinstance(block, WriteIn):
                items.append({"field": name, "question": heading, "answer": str(answers.get(name, "") or "")})
            elif isinstance(block, Choice):
                chosen = next((o.label for o in block.options if o.id == answers.get(name)), "")
                items.append({"field": name, "question": heading, "answer": chosen})
            elif isinstance(block, Descriptions):
                option = next((o for o in block.options if o.letter == answers.get(name)), None)
                item = {"field": name, "question": heading, "answer": ""}
                if option:
                    s = cs.stagnation(option.stagnation)
                    item.update(answer=f"{option.letter}: {option.text}", stagnation=s.name,
                                mechanism=s.mechanism, action=s.action)
                items.append(item)
            elif isinstance(block, DomainChoice):
                ticked = [d.label for d in cs.domains if answers.get(tick_name(name, d.id)) is True]
                notes = [str(answers.get(note_name(name, n), "") or "") for n in range(1, block.max + 1)]
                item = {"field": name, "question": heading, "ticked": ticked, "notes": notes}
                if len(ticked) > block.max:  # the card asks for at most `max`: the professional should know
                    item["too_many"] = render(cs.info.summary.too_many, {"max": block.max, "count": len(ticked)})
                items.append(item)
        if items:  # the introduction letter asks nothing
            found.append({"card": card.id, "number": number, "title": render(card.name or card.title, values),
                          "answers": items})
    return {"kaartgen": "summary", "version": __version__, "set": f"{cs.info.language}/{cs.info.variant}",
            "source": source, "reference": reference, "read": read_on.isoformat(),
            "of": "pack" if cards is None else "reflection", "total": len(cs.cards if cards is None else cards),
            "cards": found}


def summary_stem(cs: CardSet, summary: dict[str, Any], source: Path) -> str:
    """The summary's file name without suffix: after the pack's reference, so that two clients'
    summaries never share a name; after the file read when the pack has none."""
    if summary.get("reference"):
        return f"{cs.info.summary.summary_file}-{summary['reference']}"
    return f"{source.stem}-summary"

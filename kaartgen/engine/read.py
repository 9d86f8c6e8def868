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
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kaartgen import __version__
from kaartgen.engine.scanpages import is_pdf, picture_suffix
from kaartgen.errors import KaartgenError
from kaartgen.messages import Term
from kaartgen.model.answers import (
    REFERENCE_FIELD,
    answer_name,
    answer_names,
    choice_value,
    note_name,
    questions,
    schema,
    tick_name,
)
from kaartgen.model.content import (
    Block,
    CardSet,
    Choice,
    Descriptions,
    DomainChoice,
    FillInCard,
    SummaryLabels,
    WriteIn,
)
from kaartgen.model.options import REFERENCE
from kaartgen.model.text import Personal, card_values, render
from kaartgen.model.yamlfile import read_limited

if TYPE_CHECKING:
    from pypdf import PdfReader

Answers = dict[str, Any]  # field name -> str (text, radio) or bool (check box)


SCANNED = "scan"  # the channel of answers read from paper cards by `kaartgen scan`

@dataclass
class Filled:
    language: str
    variant: str
    answers: Answers
    reference: str | None = None
    reflection: bool = False  # the professional's reflectiekaart, not a client's pack
    not_text: set[str] = field(default_factory=set)  # fields whose value in the PDF is no text (a forged file)
    images: dict[str, bytes] = field(default_factory=dict)  # scanned cards: PNG of each handwritten area
    uncertain: dict[str, bytes] = field(default_factory=dict)  # scanned cards: PNG of each mark not read
    channel: str = ""  # SCANNED for answers read from paper cards
    scan: dict[str, Any] | None = None  # the scan section of answers saved by `kaartgen scan`

    @property
    def set_name(self) -> str:
        return f"{self.language}/{self.variant}"


MAX_FILE = 32 * 1024 * 1024  # a filled pack is well under 1 MB; anything near this is not one
MAX_FIELDS = schema()["properties"]["answers"]["maxProperties"]  # a pack has about 60 fields
SHOWN_CHARACTERS = 10_000  # of one answer in the summary; the rest is cut, with a mark that says so
SHOWN_LINES = 200  # lines of one answer in the summary


def _encrypted(path: Path) -> KaartgenError:
    return KaartgenError("read.encrypted", file=path)


def _unreadable(path: Path) -> KaartgenError:
    return KaartgenError("read.unreadable", file=path)


def _pdf_fields(reader: PdfReader, not_text: set[str]) -> Answers:
    """Field name -> value, walking /Fields and /Kids with a bound and a guard against loops. A
    value that is no text (a stream, a dictionary: only a forged file has one) is left empty and
    its field named in `not_text`."""
    root: Any = reader.trailer["/Root"]  # whatever the file holds: a wrong type fails, and the file is unreadable
    form = root.get("/AcroForm")
    form = form.get_object() if form is not None else None
    stack = [(f, "", None) for f in reversed(list(form.get("/Fields", []) if form else []))]
    seen: set[int] = set()
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
        name = prefix if partial is None else f"{prefix}.{partial}" if prefix else str(partial)
        kind = field.get("/FT", inherited_type)
        kids = field.get("/Kids")
        if kids and any("/T" in k.get_object() for k in kids):
            stack.extend((k, name, kind) for k in reversed(list(kids)))
            continue
        if not name or kind is None:
            continue
        value = field.get("/V")
        value = value.get_object() if value is not None else None
        if kind != "/Btn":
            if (value is not None and not isinstance(value, (str, int, float))) or isinstance(value, bool):
                not_text.add(name)
                value = None
            # A viewer ends a typed line with CR (Acrobat) or CR LF (PDFium): one line break either way
            answers[name] = "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n")
        elif value is not None and not isinstance(value, str):  # a name, or text that some writers use
            not_text.add(name)
            answers[name] = ""
        elif int(field.get("/Ff", 0)) & (1 << 15):  # a radio group: the chosen option's name
            answers[name] = str(value)[1:] if value not in (None, "/Off") else ""
        else:  # a check box
            answers[name] = value is not None and str(value) != "/Off"
    return answers


def _pdf_answers(data: bytes, path: Path) -> Filled:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    quiet = logging.getLogger("pypdf")  # its warnings about a damaged file are not for the professional
    quiet.propagate = False
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise _encrypted(path)
        metadata = reader.metadata
        keywords = str(metadata.get("/Keywords", "")) if metadata else ""
        words = keywords.split()
        if len(words) < 2 or words[0] != "kaartgen" or "/" not in words[1]:
            raise KaartgenError("read.not_kaartgen_pdf", file=path)
        not_text: set[str] = set()
        answers = _pdf_fields(reader, not_text)
        reference = answers.pop(REFERENCE_FIELD, None) or None
        if reference is not None and not REFERENCE.fullmatch(str(reference)):
            reference = None  # not one kaartgen wrote
    except KaartgenError:
        raise
    except FileNotDecryptedError:
        raise _encrypted(path) from None
    except (Exception, RecursionError):
        raise _unreadable(path) from None
    language, variant = words[1].split("/", 1)
    return Filled(language, variant, answers, reference, reflection=words[2:3] == ["reflection"], not_text=not_text)


def _json_answers(raw: bytes, path: Path) -> Filled:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise KaartgenError("read.not_json", file=path) from None
    from jsonschema import Draft202012Validator

    problem = next(iter(sorted(Draft202012Validator(schema()).iter_errors(data), key=lambda e: len(e.path))), None)
    if problem is not None:
        where = list(problem.path)
        if where[:1] != ["answers"]:
            raise KaartgenError("read.not_answers", file=path)
        if len(where) == 1:
            raise KaartgenError("read.no_readable_answers", file=path)
        raise KaartgenError("read.bad_answer", file=path)
    reference = data.get("reference")
    if reference is not None and not REFERENCE.fullmatch(reference):  # the schema's $ lets a final newline through
        raise KaartgenError("read.bad_reference", file=path)
    language, variant = data["set"].split("/", 1)
    filled = Filled(language, variant, dict(data["answers"]), reference)
    if isinstance(data.get("scan"), dict):
        filled.channel = SCANNED
        filled.scan = data["scan"]
    return filled


MAX_PICTURE = 4 * 1024 * 1024  # one handwritten area at 8 pixels a millimetre is well under 200 kB


def scan_pictures(filled: Filled, path: Path) -> None:
    """Answers from scanned cards (`kaartgen scan`) read from a file: their pictures lie beside the
    JSON, named in it. Only plain file names in the same folder are opened, only PNG files, each
    bounded; a picture that is missing is left out (the summary then shows the answer as empty)."""
    scan = filled.scan or {}
    folder = path.parent
    for key, target in (("handwriting", filled.images), ("uncertain", filled.uncertain)):
        names = scan.get(key)
        if not isinstance(names, dict):
            continue
        for field_name, file_name in list(names.items())[:MAX_FIELDS]:
            if not (isinstance(field_name, str) and isinstance(file_name, str)) or Path(file_name).name != file_name:
                continue
            picture = folder / file_name
            if not picture.is_file() or picture.stat().st_size > MAX_PICTURE:
                continue
            data = picture.read_bytes()
            if picture_suffix(data) == ".png":
                target[field_name] = data


def read_filled(path: Path) -> Filled:
    """Answers from a file; for answers saved by `kaartgen scan`, with the pictures beside it."""
    if not path.is_file():
        raise KaartgenError("file.not_found", file=path)
    filled = read_answers(read_limited(path, MAX_FILE, Term("term.answers_file")), path)
    if filled.scan is not None:
        scan_pictures(filled, path)
    return filled


def read_answers(data: bytes, path: Path) -> Filled:
    """Answers from the bytes of a filled pack or a saved answers file; `path` names it in messages
    (an upload is read from memory and never written to disk)."""
    if len(data) > MAX_FILE:
        raise KaartgenError("file.too_large", file=path, what=Term("term.answers_file"), mb=MAX_FILE // (1024 * 1024))
    if is_pdf(data) or path.suffix.lower() == ".pdf":
        return _pdf_answers(data, path)
    return _json_answers(data, path)


def shown(text: str) -> tuple[str, int]:
    """An answer as the summary shows it: whole, or its first SHOWN_LINES lines and SHOWN_CHARACTERS
    characters, and how many characters were left out. Reading stays linear in the answer's length
    and the summary's size bounded, however much a file holds; nothing is refused."""
    if len(text) <= SHOWN_CHARACTERS and text.count("\n") < SHOWN_LINES:
        return text, 0
    head = text[:SHOWN_CHARACTERS]
    lines = head.split("\n", SHOWN_LINES)
    head = "\n".join(lines[:SHOWN_LINES])
    return head, len(text) - len(head)


def check_text(filled: Filled, cs: CardSet, cards: list[FillInCard] | None, path: Path) -> None:
    """Every answer kaartgen reads is text it can write again: a lone UTF-16 surrogate (which no
    viewer types, and no file can hold as UTF-8) is refused, naming the field, before anything is made."""
    for name in sorted(answer_names(cs, cards) & set(filled.answers)):
        value = filled.answers[name]
        if isinstance(value, str) and any(unicodedata.category(c) == "Cs" for c in value):
            raise KaartgenError("read.surrogate", file=path, answer=name)


def summarise(cs: CardSet, filled: Filled, source: str, read_on: date,
              cards: list[FillInCard] | None = None) -> dict[str, Any]:
    """The professional's summary as plain data, card by card, block by block.

    A long answer is shown cut (`shown`), with "cut" counting the characters left out; a value
    that is not what its field holds (a tick where text belongs, a choice the card does not have:
    only a forged or damaged file has one) is shown as empty with a "problem" that says so."""
    values = card_values(Personal(), cs.info)  # the generic texts, as on a pack without a client
    reader = _Reader(filled, cs.info.summary)
    found = []
    for number, card in enumerate(cs.cards if cards is None else cards, 1):
        items = []
        asks = questions(card)
        for index, (_, block, under) in enumerate(card.walk()):
            name = answer_name(card, block) if hasattr(block, "id") else ""
            heading = render(asks.get(index, under), values)
            item = _item(block, name, heading, reader, cs)
            if item is not None:
                items.append(item)
        if items:  # the introduction letter asks nothing
            found.append({"card": card.id, "number": number, "title": render(card.name or card.title, values),
                          "answers": items})
    out: dict[str, Any] = {
        "kaartgen": "summary", "version": __version__, "set": f"{cs.info.language}/{cs.info.variant}",
        "source": source, "reference": filled.reference, "read": read_on.isoformat(),
        "of": "pack" if cards is None else "reflection", "total": len(cs.cards if cards is None else cards),
        "cut": reader.cut, "problems": reader.problems, "cards": found}
    if filled.channel:  # answers read from scanned paper cards
        out["channel"] = filled.channel
    return out


class _Reader:
    """The answers of one file as the summary reads them, counting as it goes the answers it shows
    cut and the values that are not what their field holds (the summary's "cut" and "problems")."""

    def __init__(self, filled: Filled, labels: SummaryLabels):
        self.answers = filled.answers
        self.not_text = filled.not_text
        self.images = filled.images
        self.uncertain = filled.uncertain
        self.labels = labels
        self.cut = 0
        self.problems = 0

    def text(self, name: str) -> tuple[str, int, str | None]:
        """A written answer as shown, the characters left out, and its problem."""
        value = self.answers.get(name, "")
        if isinstance(value, bool) or name in self.not_text:
            self.problems += 1
            return "", 0, self.labels.not_text
        answer, hidden = shown(value or "")
        self.cut += hidden > 0
        return answer, hidden, None

    def choice(self, name: str, known: list[str]) -> tuple[str | None, str | None]:
        """The option chosen (None when none is), and its problem."""
        value = self.answers.get(name, "")
        if value in ("", None):
            return None, None
        if not isinstance(value, str) or name in self.not_text:
            self.problems += 1
            return None, self.labels.not_text
        value = value if value in known else {choice_value(k): k for k in known}.get(value, value)  # a PDF's
        if value not in known:
            self.problems += 1
            return None, self.labels.unknown_choice
        return value, None


def _item(block: Block, name: str, question: str, reader: _Reader, cs: CardSet) -> dict[str, Any] | None:
    """One block's entry in the summary: its question, the answer as the card words it, and a
    problem when the value is not what the field holds; None for a block that asks nothing."""
    item: dict[str, Any] = {"field": name, "question": question}
    problem = None
    if isinstance(block, WriteIn):
        item["answer"], hidden, problem = reader.text(name)
        if hidden:
            item["cut"] = hidden
    elif isinstance(block, Choice):
        value, problem = reader.choice(name, [o.id for o in block.options])
        item["answer"] = next((o.label for o in block.options if o.id == value), "")
    elif isinstance(block, Descriptions):
        value, problem = reader.choice(name, [o.letter for o in block.options])
        option = next((o for o in block.options if o.letter == value), None)
        item["answer"] = ""
        if option:
            s = cs.stagnation(option.stagnation)
            item.update(answer=f"{option.letter}: {option.text}", stagnation=s.name,
                        mechanism=s.mechanism, action=s.action)
    elif isinstance(block, DomainChoice):
        problem = _domain_choice(item, block, name, reader, cs)
    else:
        return None
    if problem:
        item["problem"] = problem
    _scanned(item, block, name, reader, cs)
    return item


def _scanned(item: dict[str, Any], block: Block, name: str, reader: _Reader, cs: CardSet) -> None:
    """What only an answer read from a scanned card has: which of its fields are handwriting (shown
    as pictures), and which marks were not clearly one answer (shown as pictures to look at)."""
    names = ([tick_name(name, d.id) for d in cs.domains] + [note_name(name, n) for n in range(1, block.max + 1)]
             if isinstance(block, DomainChoice) else [name])
    written = [n for n in names if n in reader.images]
    unsure = [n for n in names if n in reader.uncertain]
    if written:
        item["handwriting"] = written
    if unsure:
        item["uncertain"] = unsure


def _domain_choice(item: dict[str, Any], block: DomainChoice, name: str, reader: _Reader, cs: CardSet) -> str | None:
    """A domain choice's part of its entry: the domains ticked and the notes written, apart because
    it reads many fields (a tick a domain, a note a line); returns the entry's problem, if any."""
    labels = reader.labels
    problem = None
    ticks = [(d, reader.answers.get(tick_name(name, d.id), False)) for d in cs.domains]
    if any(not isinstance(v, bool) for _, v in ticks):
        problem = labels.not_text
        reader.problems += 1
    item["ticked"] = [d.label for d, v in ticks if v is True]
    notes = [reader.text(note_name(name, n)) for n in range(1, block.max + 1)]
    item["notes"] = [answer for answer, _, _ in notes]
    if any(hidden for _, hidden, _ in notes):
        item["notes_cut"] = [hidden for _, hidden, _ in notes]
    problem = problem or next((p for _, _, p in notes if p), None)
    if len(item["ticked"]) > block.max:  # the card asks for at most `max`: the professional should know
        item["too_many"] = render(labels.too_many, {"max": block.max, "count": len(item["ticked"])})
    return problem


def summary_stem(cs: CardSet, summary: dict[str, Any], source: Path) -> str:
    """The summary's file name without suffix: after the pack's reference, so that two clients'
    summaries never share a name; after the file read when the pack has none."""
    if summary.get("reference"):
        return f"{cs.info.summary.summary_file}-{summary['reference']}"
    return f"{source.stem}-summary"

"""`kaartgen read`: a filled digital pack (PDF) or saved answers (JSON from the HTML pack) back
into a summary for the professional: a PDF and JSON.

The summary follows the cards. For card 3 it shows the professional's view: the chosen
description with its stagnation, key mechanism and what that asks of the professional. Empty
answers are shown as empty. Answers are printed literally, never as markup.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer

from kaartgen import __version__
from kaartgen.model.content import CardSet, Choice, Descriptions, DomainChoice, WriteIn
from kaartgen.errors import KaartgenError
from kaartgen.layout.fonts import Fonts
from kaartgen.layout.cards import Layout
from kaartgen.model.loading import Loaded, load_card_set, load_theme
from kaartgen.model.text import Personal, card_values, render
from kaartgen.model.units import mm
from kaartgen.model.yamlfile import read_limited

CHUNK = 1000  # characters of an answer laid out as one paragraph
Answers = dict[str, Any]  # field name -> str (text, radio) or bool (check box)


@dataclass
class Filled:
    language: str
    variant: str
    answers: Answers


MAX_FILE = 32 * 1024 * 1024  # a filled pack is well under 1 MB; anything near this is not one
MAX_FIELDS = 2000  # a pack has about 60 fields
MAX_ANSWER = 1024 * 1024  # characters in one answer


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
            answers[name] = "" if value is None else str(value)
        elif int(field.get("/Ff", 0)) & (1 << 15):  # a radio group: the chosen option's name
            answers[name] = str(value)[1:] if value not in (None, "/Off") else ""
        else:  # a check box
            answers[name] = value is not None and str(value) != "/Off"
        if isinstance(answers[name], str) and len(answers[name]) > MAX_ANSWER:
            raise ValueError("answer too long")
    return answers


def _pdf_answers(path: Path) -> Filled:
    from pypdf import PdfReader

    quiet = logging.getLogger("pypdf")  # its warnings about a damaged file are not for the professional
    quiet.propagate = False
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())

    try:
        reader = PdfReader(io.BytesIO(read_limited(path, MAX_FILE, "filled pack or answers file")))
        if reader.is_encrypted:
            raise KaartgenError("is encrypted; ask for a copy without a password", path)
        keywords = str((reader.metadata or {}).get("/Keywords", ""))
        words = keywords.split()
        if len(words) < 2 or words[0] != "kaartgen" or "/" not in words[1]:
            raise KaartgenError("is not a kaartgen pack (its keywords do not say kaartgen); nothing to read", path)
        answers = _pdf_fields(reader)
    except KaartgenError:
        raise
    except (Exception, RecursionError):  # noqa: BLE001 - any failure to parse a hostile file is the same answer
        raise _unreadable(path) from None
    language, variant = words[1].split("/", 1)
    return Filled(language, variant, answers)


def _json_answers(path: Path) -> Filled:
    try:
        data = json.loads(read_limited(path, MAX_FILE, "filled pack or answers file").decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise KaartgenError("is not a readable answers file (JSON); save the answers again", path) from None
    if not isinstance(data, dict) or data.get("kaartgen") != "answers" or "/" not in str(data.get("set", "")):
        raise KaartgenError("is not a kaartgen answers file; nothing to read", path)
    answers = data.get("answers")
    if not isinstance(answers, dict) or len(answers) > MAX_FIELDS:
        raise KaartgenError("has no answers kaartgen can read; save the answers again", path)
    for value in answers.values():
        if not isinstance(value, (str, bool)) or (isinstance(value, str) and len(value) > MAX_ANSWER):
            raise KaartgenError("holds an answer that is not text or a tick; save the answers again", path)
    language, variant = str(data["set"]).split("/", 1)
    return Filled(language, variant, {str(k): v for k, v in answers.items()})


def read_filled(path: Path) -> Filled:
    if not path.is_file():
        raise KaartgenError("file not found", path)
    with open(path, "rb") as f:
        head = f.read(5)
    return _pdf_answers(path) if head.startswith(b"%PDF") or path.suffix.lower() == ".pdf" else _json_answers(path)


def summarise(cs: CardSet, answers: Answers, source: str) -> dict[str, Any]:
    """The professional's summary as plain data, card by card, block by block."""
    values = card_values(Personal(), cs.info.dates)  # the generic texts, as on a pack without a client
    cards = []
    for number, card in enumerate(cs.cards, 1):
        items = []
        for _, block, under in card.walk():
            name = f"{card.id}.{getattr(block, 'id', '')}"
            heading = render(under, values)
            if isinstance(block, WriteIn):
                items.append({"field": name, "question": render(block.label or heading, values),
                              "answer": str(answers.get(name, "") or "")})
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
                ticked = [d.label for d in cs.domains if answers.get(f"{name}.{d.id}") is True]
                notes = [str(answers.get(f"{name}.{n}", "") or "") for n in range(1, block.max + 1)]
                items.append({"field": name, "question": heading, "ticked": ticked, "notes": notes})
        if items:  # the introduction letter asks nothing
            cards.append({"card": card.id, "number": number, "title": render(card.title, values), "answers": items})
    return {"kaartgen": "summary", "version": __version__, "set": f"{cs.info.language}/{cs.info.variant}",
            "source": source, "cards": cards}


def summary_pdf(summary: dict[str, Any], loaded_theme: Loaded, cs: CardSet) -> bytes:
    """One A4 page (more only if the answers are long): every card's answers under its title."""

    theme = loaded_theme.model
    fonts = Fonts(theme)
    layout = Layout(theme, fonts, cs)
    labels = cs.info.summary
    width = A4[0] - 2 * mm(18)
    flow: list = []

    def para(text: str, style: str, indent: float = 0.0) -> None:
        p, _ = layout.para(text, style, width - indent, bind=False)  # the client's words as written
        p.style = p.style.clone(p.style.name + "-i", leftIndent=indent) if indent else p.style
        flow.append(p)

    def answer(text: str) -> list[str]:
        """An answer as paragraphs: one a line the client wrote, long lines in chunks, so that a
        long answer is laid out in time linear in its length (reportlab re-wraps a paragraph
        that it splits across pages from the start, every page)."""
        if not text.strip():
            return [labels.empty]
        out = []
        for line in text.splitlines():
            while len(line) > CHUNK:
                cut = line.rfind(" ", CHUNK // 2, CHUNK)
                cut = cut if cut > 0 else CHUNK
                out.append(line[:cut])
                line = line[cut:].lstrip(" ")
            out.append(line)
        return [line if line.strip() else "\u00a0" for line in out]

    para(f"{cs.info.title}: {labels.title}", "heading")
    flow.append(Spacer(1, mm(3)))
    for card in summary["cards"]:
        para(f"{card['number']}/{len(cs.cards)}  {card['title']}", "label")
        for item in card["answers"]:
            if "ticked" in item:
                para(f"{labels.ticked}: {', '.join(item['ticked']) or labels.empty}", "letter_body", mm(5))
                for n, note in enumerate(item["notes"], 1):
                    first, *rest = answer(note)
                    para(f"{n}. {first}", "letter_body", mm(5))
                    for line in rest:
                        para(line, "letter_body", mm(8))
            else:
                if item["question"] and item["question"] != card["title"]:
                    para(item["question"], "letter_subject", mm(5))
                for line in answer(item["answer"]):
                    para(line, "letter_body", mm(5))
                if item.get("stagnation"):
                    para(f"{labels.stagnation}: {item['stagnation']}", "letter_subject", mm(5))
                    para(f"{labels.mechanism}: {item['mechanism']}. {item['action']}", "letter_body", mm(5))
        flow.append(Spacer(1, mm(2.5)))
    buffer = io.BytesIO()
    body = theme.style("letter_body")
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=mm(18), rightMargin=mm(18), topMargin=mm(16),
                            bottomMargin=mm(16), invariant=1, initialFontName=fonts.name(body.font, body.weight),
                            title=labels.title, author="", creator=f"kaartgen {__version__}",
                            keywords="kaartgen summary")
    doc.build(flow)
    return buffer.getvalue()


def answer_names(cs: CardSet) -> set[str]:
    """Every answer name a pack of this set has (field names in the PDF, keys in saved JSON)."""
    names = set()
    for card in cs.cards:
        for _, block, _ in card.walk():
            name = f"{card.id}.{getattr(block, 'id', '')}"
            if isinstance(block, DomainChoice):
                names |= {f"{name}.{d.id}" for d in cs.domains} | {f"{name}.{n}" for n in range(1, block.max + 1)}
            elif isinstance(block, (WriteIn, Choice, Descriptions)):
                names.add(name)
    return names


def read(path: Path, content: Path, templates: Path) -> tuple[dict[str, Any], bytes]:
    filled = read_filled(path)
    loaded = load_card_set(content, filled.language, filled.variant)
    if not answer_names(loaded.model) & set(filled.answers):
        raise KaartgenError("holds no kaartgen answers (is it a printed pack, the guide, or another form?); "
                            "kaartgen reads the fillable pack (build --format digital) or the answers saved "
                            "from the web-page pack", path)
    summary = summarise(loaded.model, filled.answers, path.name)
    return summary, summary_pdf(summary, load_theme(templates), loaded.model)

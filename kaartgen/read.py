"""`kaartgen read`: a filled digital pack (PDF) or saved answers (JSON from the HTML pack) back
into a summary for the professional: a PDF and JSON.

The summary follows the cards. For card 3 it shows the professional's view: the chosen
description with its stagnation, key mechanism and what that asks of the professional. Empty
answers are shown as empty. Answers are printed literally, never as markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate, Spacer

from kaartgen import __version__
from kaartgen.content import CardSet, Choice, Descriptions, DomainChoice, WriteIn
from kaartgen.errors import KaartgenError
from kaartgen.fonts import Fonts
from kaartgen.layout import Layout
from kaartgen.loading import Loaded, load_card_set, load_theme
from kaartgen.text import Personal, card_values, render
from kaartgen.units import mm

Answers = dict[str, Any]  # field name -> str (text, radio) or bool (check box)


@dataclass
class Filled:
    language: str
    variant: str
    answers: Answers


def _pdf_answers(path: Path) -> Filled:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(path)
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, OSError, KeyError, TypeError):
        raise KaartgenError("is not a readable PDF; send the pack again as the original file", path) from None
    if encrypted:
        raise KaartgenError("is encrypted; ask for a copy without a password", path)
    try:
        keywords = str((reader.metadata or {}).get("/Keywords", ""))
        fields = reader.get_fields() or {}
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise KaartgenError("is not a readable PDF; send the pack again as the original file", path) from None
    words = keywords.split()
    if len(words) < 2 or words[0] != "kaartgen" or "/" not in words[1]:
        raise KaartgenError("is not a kaartgen pack (its keywords do not say kaartgen); nothing to read", path)
    language, variant = words[1].split("/", 1)
    answers: Answers = {}
    for name, data in fields.items():
        value = data.get("/V")
        if data.get("/FT") != "/Btn":
            answers[name] = "" if value is None else str(value)
        elif set(data.get("/_States_", [])) <= {"/Off", "/Yes"}:  # a check box
            answers[name] = str(value) == "/Yes"
        else:  # a radio group: the chosen option's name, or nothing
            answers[name] = str(value)[1:] if value not in (None, "/Off") else ""
    return Filled(language, variant, answers)


def _json_answers(path: Path) -> Filled:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KaartgenError("is not a readable answers file (JSON); save the answers again", path) from None
    if not isinstance(data, dict) or data.get("kaartgen") != "answers" or "/" not in str(data.get("set", "")):
        raise KaartgenError("is not a kaartgen answers file; nothing to read", path)
    answers = data.get("answers")
    if not isinstance(answers, dict):
        raise KaartgenError("has no answers", path)
    language, variant = str(data["set"]).split("/", 1)
    return Filled(language, variant, {str(k): v for k, v in answers.items()})


def read_filled(path: Path) -> Filled:
    if not path.is_file():
        raise KaartgenError("file not found", path)
    head = path.read_bytes()[:5]
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
    import io

    theme = loaded_theme.model
    fonts = Fonts(theme)
    layout = Layout(theme, fonts, cs)
    labels = cs.info.summary
    width = A4[0] - 2 * mm(18)
    flow: list = []

    def para(text: str, style: str, indent: float = 0.0) -> None:
        p, _ = layout.para(text, style, width - indent)
        p.style = p.style.clone(p.style.name + "-i", leftIndent=indent) if indent else p.style
        flow.append(p)

    def answer(text: str) -> str:
        return text if text.strip() else labels.empty

    para(f"{cs.info.title}: {labels.title}", "heading")
    flow.append(Spacer(1, mm(3)))
    for card in summary["cards"]:
        para(f"{card['number']}/{len(cs.cards)}  {card['title']}", "label")
        for item in card["answers"]:
            if "ticked" in item:
                para(f"{labels.ticked}: {', '.join(item['ticked']) or labels.empty}", "letter_body", mm(5))
                for n, note in enumerate(item["notes"], 1):
                    para(f"{n}. {answer(note)}", "letter_body", mm(5))
            else:
                if item["question"] and item["question"] != card["title"]:
                    para(item["question"], "letter_subject", mm(5))
                para(answer(item["answer"]), "letter_body", mm(5))
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


def read(path: Path, content: Path, templates: Path) -> tuple[dict[str, Any], bytes]:
    filled = read_filled(path)
    loaded = load_card_set(content, filled.language, filled.variant)
    summary = summarise(loaded.model, filled.answers, path.name)
    return summary, summary_pdf(summary, load_theme(templates), loaded.model)

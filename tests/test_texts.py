"""Texts: must-have messages, letters a reader can act on, no widows, no wrapped tick labels."""

from __future__ import annotations

import pytest

from kaartgen import reportlab_internals as rl
from kaartgen.engine.edition import LARGE_PRINT, lay_out, overlays
from kaartgen.engine.linting.fit import widows
from kaartgen.fonts import Fonts
from kaartgen.layout.items import TextBox
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
from kaartgen.model.loading import available_sets, load_card_set, load_theme
from kaartgen.model.text import Personal
from tests.conftest import pdf_text, run, squash

SETS = available_sets(DEFAULT_CONTENT)
SIZES = {"a6": (), "a5": LARGE_PRINT}


def test_every_set_declares_and_says_the_reassurance():
    for name in SETS:
        info = load_card_set(DEFAULT_CONTENT, *name.split("/")).model.info
        assert set(info.required_messages) == {"letter", "introductie"}, name
        assert all(len(ids) == 2 for ids in info.required_messages.values()), name
    assert run("lint").exit_code == 0


@pytest.mark.parametrize("file, phrase", [
    ("nl/standaard/cards.yaml", "wel of niet"),
    ("nl/eenvoudig/letter.yaml", "U kiest zelf of u de kaartjes invult."),
])
def test_dropping_a_must_have_message_fails_lint(content_copy, file, phrase):
    path = content_copy / file
    text = path.read_text(encoding="utf-8")
    assert phrase in text
    path.write_text(text.replace(phrase, ""), encoding="utf-8")
    result = run("lint", "--content", str(content_copy))
    assert result.exit_code == 1
    assert "no longer says message 'vrijwillig'" in result.output
    assert f"{file.split('/')[-1]}:" in result.output


def letter_text(tmp_path, header: str, row: str) -> str:
    clients = tmp_path / "c.csv"
    clients.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = run("batch", str(clients), "--out", str(tmp_path / "out"), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return pdf_text(tmp_path / "out" / "L1.pdf")


def test_a_letter_without_phone_says_whom_to_call(tmp_path):
    text = letter_text(tmp_path, "id,name,street,postcode,city,professional", "L1,Anna Berg,Weg 1,1234 AB,Zwolle,Jan Smit")
    assert "Bel dan het UWV op 088 898 92 94 en vraag naar Jan Smit." in " ".join(text.split())
    assert "telefoon" not in text


def test_a_letter_with_phone_and_role(tmp_path):
    text = letter_text(tmp_path, "id,name,street,postcode,city,professional,role,phone",
                       "L1,Anna Berg,Weg 1,1234 AB,Zwolle,Jan Smit,arbeidsdeskundige,06 1234 5678")
    flat = " ".join(text.split())
    assert "Bel mij op 06 1234 5678." in flat
    assert "Jan Smit arbeidsdeskundige UWV" in flat  # signature: name, role, organisation
    assert "„werken aan een nieuw verhaal”" in flat  # typographic quotes
    assert "U spreekt met Jan Smit, arbeidsdeskundige." in flat  # and on card 1


def test_build_role_option(tmp_path):
    result = run("build", "--out", str(tmp_path), "--professional", "Jan Smit", "--role", "re-integratiebegeleider")
    assert result.exit_code == 0, result.output
    assert squash("U spreekt met Jan Smit, re-integratiebegeleider.") in squash(pdf_text(next(tmp_path.glob("*.pdf"))))


@pytest.fixture(scope="module")
def laid_out():
    """Every set at every size, laid out generic."""
    found = {}
    themes = {}
    for size, large in SIZES.items():
        for name in SETS:
            loaded = load_card_set(DEFAULT_CONTENT, *name.split("/"))
            direction = loaded.model.info.direction  # a right-to-left set is made with templates/rtl/
            if (size, direction) not in themes:
                theme = load_theme(DEFAULT_TEMPLATES, overlays(bool(large), direction))
                themes[(size, direction)] = (theme, Fonts(theme.model))
            theme, fonts = themes[(size, direction)]
            found[(name, size)] = lay_out(theme, loaded, Personal(), fonts)
    return found


def test_no_card_in_any_set_or_size_has_a_widow(laid_out):
    for (name, size), cards in laid_out.items():
        if load_card_set(DEFAULT_CONTENT, *name.split("/")).model.info.direction == "rtl":
            continue  # right to left, last words are not bound (templates/rtl/direction.yaml) and lint skips widows
        assert widows(cards) == [], (name, size)


def test_domain_tick_labels_never_wrap_and_carry_a_colour_chip(laid_out):
    for (name, size), cards in laid_out.items():
        cs = load_card_set(DEFAULT_CONTENT, *name.split("/")).model
        labels = {d.label for d in cs.domains}
        for card in cards:
            if card.id not in ("belemmeringen", "helpers"):
                continue
            boxes = [i for s in card.sides for i in s.items if isinstance(i, TextBox)
                     and i.para.text.replace("\u00a0", " ") in labels]
            assert len(boxes) == 5, (name, size, card.id)
            assert all(rl.line_count(b.para) == 1 for b in boxes), (name, size, card.id)
            fills = {i.colour for s in card.sides for i in s.items if type(i).__name__ == "Fill"}
            assert {"coral", "green", "purple", "blue", "yellow"} <= fills, (name, size, card.id, fills)

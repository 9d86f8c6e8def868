"""Issue 29, the third pass on the texts: room to write on every card that had a blank back (an
answer in every format: fillable PDF, web page, `kaartgen read`, the web app's answers page), tick
labels that match the domain titles in the plain sets, one form of "(het) UWV" a pack, "Beste" for a
typed name, the plain sets' messages, the English card 6, and stagnation actions that say what to
watch for and what to do instead of repeating the mechanism."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from kaartgen.layout.letter import letter_values
from kaartgen.model.answers import answer_names
from kaartgen.model.builtin import DEFAULT_CONTENT
from kaartgen.model.content import Choice, Descriptions, DomainChoice, Heading, Text, WriteIn
from kaartgen.model.loading import available_sets, load_card_set
from kaartgen.model.rows import sample_client
from kaartgen.model.text import Personal, card_values, render
from tests.conftest import fill, pdf_text, run, squash

SETS = ["nl/standaard", "nl/eenvoudig", "en/standaard", "en/eenvoudig"]
PLAIN = ["nl/eenvoudig", "en/eenvoudig"]
# card id -> the answer of the write-in space on its new back side
MORE = {"introductie": "vragen", "beeld": "beeld_toelichting", "belemmeringen": "belemmerend_meer",
        "helpers": "helpend_meer", "verder": "verder_meer"}
NEW_FIELDS = [f"{card}.{block}" for card, block in MORE.items()]
# what a client writes in them: each field its own text, with a line break and characters markup would eat
WRITTEN = {name: f"{name.split('.')[0]}: <b>eerst</b> & {{{{ 7*7 }}}}\ntweede regel" for name in NEW_FIELDS}
NAME = "Maria van den Heuvel-Çelik"
PROFESSIONAL = "Jan-Willem van der Meulen-Bakker"


def card_set(name: str):
    return load_card_set(DEFAULT_CONTENT, *name.split("/")).model


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_four_reviewed_sets_are_the_ones_this_file_checks():
    assert set(SETS) <= set(available_sets(DEFAULT_CONTENT))  # the others are translations of nl/standaard
    assert len(SETS) == 4


# --- room to write: a back side with ruled lines on every card whose back was blank ---------------

@pytest.mark.parametrize("name", SETS)
def test_every_fill_in_card_has_a_back_and_the_new_backs_are_write_ins(name):
    cs = card_set(name)
    assert all(len(card.sides) == 2 for card in cs.cards), name  # no fill-in card has a blank back any more
    for card in cs.cards:
        if card.id in MORE:
            back = card.sides[1].blocks
            assert isinstance(back[0], Heading)
            write_ins = [b for b in back if isinstance(b, WriteIn)]
            assert [b.id for b in write_ins] == [MORE[card.id]], card.id
            assert write_ins[0].lines >= 8  # ruled lines, more than the front gives a topic
    assert set(NEW_FIELDS) <= answer_names(cs)


@pytest.mark.parametrize("name", SETS)
def test_the_new_backs_invite_to_write_more(name):
    cs = card_set(name)
    invite = {"nl": ("Wilt u meer schrijven?", "Dat kan hier"), "en": ("write more?", "You can")}[cs.info.language]
    for card in cs.cards:
        if card.id in MORE and card.id != "introductie":  # card 1's back is for the questions its front asks for
            texts = " ".join(b.text for b in card.sides[1].blocks if isinstance(b, (Heading, Text)))
            assert invite[0] in texts and invite[1] in texts, (name, card.id)


@pytest.fixture(scope="module")
def digital_packs(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("digital")
    packs = {}
    for name in SETS:
        language, variant = name.split("/")
        result = run("build", "--language", language, "--variant", variant, "--format", "digital",
                     "--reference", "K-0042", "--out", str(out / language / variant))
        assert result.exit_code == 0, result.output
        packs[name] = Path(result.output.split()[-1])
    return packs


@pytest.mark.parametrize("name", SETS)
def test_the_fillable_pdf_has_a_field_for_each_new_write_in(digital_packs, name):
    fields = PdfReader(digital_packs[name]).get_fields()
    assert fields is not None
    for field in NEW_FIELDS:
        assert field in fields, field
        assert fields[field].get("/FT") == "/Tx"
        assert int(fields[field].get("/Ff", 0)) & (1 << 12), field  # multi-line: room for more than a line


@pytest.mark.parametrize("name", SETS)
def test_what_is_written_in_the_new_fields_comes_back_from_read(digital_packs, name, tmp_path):
    filled = fill(digital_packs[name], tmp_path / "filled.pdf", WRITTEN)
    result = run("read", str(filled), "--json", "--out", str(tmp_path / "sum"))
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    answers = {a["field"]: (card["card"], a) for card in summary["cards"] for a in card["answers"]}
    for field, text in WRITTEN.items():
        card, answer = answers[field]
        assert card == field.split(".")[0]  # under its own card
        assert answer["answer"] == text and answer["question"], field
    # and the summary PDF shows them, literally
    pdf = next((tmp_path / "sum").glob("*.pdf"))
    printed = squash(pdf_text(pdf))
    for text in WRITTEN.values():
        for line in text.splitlines():
            assert squash(line) in printed, line


def test_a_summary_has_no_empty_page(digital_packs, tmp_path):
    """Five more answers make the summary of a little-filled pack a full page: the gap after the last
    card must not start a second, empty one."""
    filled = fill(digital_packs["nl/standaard"], tmp_path / "filled.pdf",
                  {"situatie.situatie": "Ik ben moe\nnieuwe regel", "verder.doel": "Weer werken, 20 uur",
                   "belemmeringen.belemmerend.1": "mijn rug", "belemmeringen.belemmerend.gezondheid": "/Yes",
                   "beeld.beschrijving": "/C", "situatie.verloop": "/gelijk"})
    assert run("read", str(filled), "--out", str(tmp_path / "sum")).exit_code == 0
    pages = PdfReader(next((tmp_path / "sum").glob("*.pdf"))).pages
    assert all(page.extract_text().strip() for page in pages)
    assert len(pages) == 1


@pytest.fixture(scope="module")
def web_pages(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("html")
    pages = {}
    for name in SETS:
        language, variant = name.split("/")
        result = run("build", "--language", language, "--variant", variant, "--format", "html",
                     "--reference", "K-0042", "--out", str(out / language / variant))
        assert result.exit_code == 0, result.output
        pages[name] = Path(result.output.split()[-1])
    return pages


@pytest.mark.parametrize("name", SETS)
def test_the_web_page_has_a_labelled_text_area_for_each_new_write_in(web_pages, name):
    html = web_pages[name].read_text(encoding="utf-8")
    for field in NEW_FIELDS:
        assert re.search(rf'<textarea id="{re.escape(field)}" name="{re.escape(field)}" rows="\d+">', html), field
        assert f'<label for="{field}"' in html, field


def _browser():
    playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install '.[test]')")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed; apt-get install -y chromium (CI does)")
    return playwright, chromium


@pytest.mark.parametrize("name", ["nl/standaard", "en/eenvoudig"])
def test_what_is_typed_in_the_web_page_is_saved_and_read_back(web_pages, name, tmp_path):
    playwright, chromium = _browser()
    cs = card_set(name)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_context(accept_downloads=True).new_page()
            page.goto(web_pages[name].as_uri())
            for field, text in WRITTEN.items():
                page.fill("#" + field.replace(".", "\\."), text)
            with page.expect_download() as info:
                page.get_by_role("button", name=cs.info.summary.save).click()
            saved = tmp_path / info.value.suggested_filename
            info.value.save_as(saved)
        finally:
            browser.close()
    assert {k: v for k, v in json.loads(saved.read_text(encoding="utf-8"))["answers"].items()
            if k in WRITTEN} == WRITTEN
    result = run("read", str(saved), "--json", "--out", str(tmp_path / "sum"))
    assert result.exit_code == 0, result.output
    answers = {a["field"]: a["answer"] for c in json.loads(result.output)["cards"] for a in c["answers"] if "answer" in a}
    assert {k: answers[k] for k in WRITTEN} == WRITTEN


def test_the_web_apps_answers_page_shows_the_new_answers():
    from starlette.testclient import TestClient

    from kaartgen.engine.edition import Library
    from kaartgen.web.app import create_app

    saved = json.dumps({"kaartgen": "answers", "set": "nl/standaard", "reference": "K-0042",
                        "answers": {"introductie.vragen": "Mag mijn zus mee?",
                                    "helpers.helpend_meer": "3: de buurvrouw <b>helpt</b>"}}).encode()
    with TestClient(create_app(Library(), workers=1), base_url="http://127.0.0.1:8000") as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/antwoorden").text).group(1)
        page = client.post("/antwoorden", data={"csrf": csrf},
                           files={"answers": ("antwoorden.json", saved, "application/json")})
    assert page.status_code == 200
    assert '<dt>Mijn vragen voor het gesprek</dt>' in page.text
    assert '<dd class="answer">Mag mijn zus mee?</dd>' in page.text
    assert '<dd class="answer">3: de buurvrouw &lt;b&gt;helpt&lt;/b&gt;</dd>' in page.text
    assert page.text.count("<dt>Wilt u meer schrijven?</dt>") == 4  # cards 3, 4, 5 and 6, each under its card


# --- plain sets: the tick labels are the titles; no "&" --------------------------------------------

@pytest.mark.parametrize("name", PLAIN)
def test_tick_labels_match_the_domain_titles_in_the_plain_sets(name, web_pages):
    cs = card_set(name)
    for domain in cs.domains:
        assert domain.label == domain.title, domain.id
        assert "&" not in domain.title
    ticks = re.findall(r'<input type="checkbox" name="belemmeringen\.belemmerend\.[^"]+" value="Yes"><span>([^<]+)</span>',
                       web_pages[name].read_text(encoding="utf-8"))
    assert ticks == [d.title for d in cs.domains]


@pytest.mark.parametrize("name", PLAIN)
def test_the_printed_tick_list_names_each_domain_as_its_card_does(name, tmp_path):
    language, variant = name.split("/")
    result = run("build", "--language", language, "--variant", variant, "--format", "cards", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    pages = PdfReader(Path(result.output.split()[-1])).pages
    cs = card_set(name)
    fronts = {card.id: i for i, card in enumerate(cs.cards)}
    card4 = pages[2 * fronts["belemmeringen"]].extract_text()  # every card has two sides now
    for domain in cs.domains:
        assert domain.title in card4, domain.title


# --- plain Dutch and plain English keep every message --------------------------------------------

def card_texts(name: str, card_id: str) -> str:
    """A generic card's headings and texts, rendered, front and back."""
    cs = card_set(name)
    values = card_values(Personal(), cs.info)
    card = next(c for c in cs.cards if c.id == card_id)
    return flat(" ".join(render(b.text, values) for side in card.sides for b in side.blocks
                         if isinstance(b, (Heading, Text))))


def letter_text(tmp_path: Path, name: str, row: str) -> str:
    language, variant = name.split("/")
    clients = tmp_path / "c.csv"
    clients.write_text(f"id,name,street,postcode,city,professional,phone,language,variant\n{row},{language},{variant}\n",
                       encoding="utf-8")
    result = run("batch", str(clients), "--out", str(tmp_path / "out"), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return pdf_text(next((tmp_path / "out").glob("L1*.pdf")))


def test_plain_dutch_card_1_gives_the_choice_before_the_invitation_and_asks_to_bring_empty_cards():
    text = card_texts("nl/eenvoudig", "introductie")
    assert text.index("U kiest zelf of u") < text.index("Wilt u ze invullen?")
    assert "geen invloed op uw uitkering" in text and "maakt het niet uit" not in text
    assert "Neem de kaartjes mee naar het gesprek, ook als ze leeg zijn." in text
    assert "of alleen leest" in text and "(" not in text  # reading only is fine; no brackets in plain Dutch


def test_plain_english_card_1_keeps_the_same_messages():
    text = card_texts("en/eenvoudig", "introductie")
    assert text.index("You choose whether you fill them in") < text.index("Do you want to fill them in?")
    assert "will not affect your benefit" in text and "It will not affect" not in text
    assert "even if they are empty" in text and "Soon you have" not in text


@pytest.mark.parametrize("name, ask", [("nl/eenvoudig", "Vraag naar"), ("en/eenvoudig", "Ask for")])
def test_a_plain_letter_without_phone_names_whom_to_ask_for(tmp_path, name, ask):
    text = flat(letter_text(tmp_path, name, f"L1,{NAME},Weg 1,1234 AB,Zwolle,{PROFESSIONAL},"))
    assert f"{ask} {PROFESSIONAL}." in text
    assert "088 898 92 94" in text
    choice = {"nl/eenvoudig": "U kiest zelf of u de kaartjes invult.", "en/eenvoudig": "You choose whether you fill them in"}
    empty = {"nl/eenvoudig": "ook als ze leeg zijn", "en/eenvoudig": "even if they are empty"}
    assert choice[name] in text and empty[name] in text


@pytest.mark.parametrize("name", PLAIN)
def test_description_c_covers_not_getting_the_chance_too(name):
    block = next(b for c in card_set(name).cards for _, b, _ in c.walk() if isinstance(b, Descriptions))
    c = next(o for o in block.options if o.letter == "C")
    assert c.stagnation == "groei"
    assert not re.search(r"\bdurf|\bdare", c.text)  # "I don't dare" only was too narrow


def test_plain_english_has_as_many_domain_questions_as_plain_dutch():
    nl, en = card_set("nl/eenvoudig"), card_set("en/eenvoudig")
    for d_nl, d_en in zip(nl.domains, en.domains, strict=True):
        assert d_nl.id == d_en.id
        assert len(d_en.questions) == len(d_nl.questions), d_en.id
        assert len(d_en.examples) == len(d_nl.examples), d_en.id


# --- standard sets: one form of "(het) UWV", "Beste", long-term goal, example order ---------------

def client_texts(name: str) -> list[str]:
    """Every text a client reads in a pack and its letter, rendered for a client with a name and a
    professional and no phone (the letter then names UWV), without the letter's name lines (sender,
    signature: "UWV" there is a name, not part of a sentence)."""
    cs = card_set(name)
    assert cs.letter is not None
    client = replace(sample_client(cs), phone=None, location="Postjesweg 1, Amsterdam")  # a place, not "UWV …"
    said = letter_values(cs.info, client, date(2026, 11, 23))
    out = [render(cs.letter.subject, said), *(render(t, said) for t in cs.letter.body)]
    values = card_values(Personal(name=client.name, professional=client.professional, location=client.location), cs.info)
    for card in cs.cards:
        for _, b, _ in card.walk():
            if isinstance(b, (Heading, Text)):
                out.append(render(b.text, values))
            elif isinstance(b, WriteIn) and b.label:
                out.append(b.label)
            elif isinstance(b, Choice):
                out += [o.label for o in b.options]
            elif isinstance(b, Descriptions):
                out += [o.text for o in b.options]
    for d in cs.domains:
        out += [d.title, d.label, d.intro, *d.questions, *d.examples]
    return [flat(t) for t in out]


@pytest.mark.parametrize("name", SETS)
def test_one_form_of_uwv_in_a_pack(name):
    said = " | ".join(client_texts(name))
    assert said.count("UWV") >= 3, name
    if name.startswith("nl/"):
        assert not re.search(r"(?<!\bhet )\bUWV\b", said), name  # always "het UWV" in a Dutch sentence
    else:
        assert not re.search(r"\bthe UWV\b", said, re.IGNORECASE), name  # always "UWV" in English


def test_the_standard_dutch_letter_and_its_cards_say_het_uwv(tmp_path):
    printed = letter_text(tmp_path, "nl/standaard", f"L1,{NAME},Weg 1,1234 AB,Zwolle,{PROFESSIONAL},")
    text = flat(printed)
    assert f"Bel dan het UWV op 088 898 92 94 en vraag naar {PROFESSIONAL}." in text
    assert "Kaartjes voor uw gesprek met het UWV" in text
    assert "waar heb ik hulp bij nodig (van het UWV)?" in text  # card 6, in the same envelope
    sentences = flat("\n".join(line for line in printed.splitlines() if line.strip() != "UWV"))  # not the name lines
    assert sentences.count("het UWV") >= 4
    assert not re.search(r"(?<!\bhet )\bUWV\b", sentences)


@pytest.mark.parametrize("name", ["nl/standaard", "nl/eenvoudig"])
def test_a_typed_name_on_card_1_gets_a_capital(name, tmp_path):
    language, variant = name.split("/")
    result = run("build", "--language", language, "--variant", variant, "--format", "cards", "--name", NAME,
                 "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    first = flat(PdfReader(Path(result.output.split()[-1])).pages[0].extract_text())
    assert first.startswith(f"Beste {NAME},")


def test_a_generic_standard_card_1_keeps_the_reports_beste_for_a_name_written_by_hand():
    cs = card_set("nl/standaard")
    heading = cs.cards[0].sides[0].blocks[0]
    assert isinstance(heading, Heading)
    assert render(heading.text, card_values(Personal(), cs.info)).startswith("beste ……")
    assert render(heading.text, card_values(Personal(name="Zoë"), cs.info)) == "Beste Zoë,"


def test_english_card_6_asks_for_the_long_term_goal(tmp_path):
    cs = card_set("en/standaard")
    doel = next(b for c in cs.cards for _, b, _ in c.walk() if isinstance(b, WriteIn) and b.id == "doel")
    assert doel.label == "what is my long-term goal?"
    result = run("build", "--language", "en", "--format", "cards", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "what is my long-term goal?" in flat(pdf_text(Path(result.output.split()[-1])))


@pytest.mark.parametrize("english, dutch", [("en/standaard", "nl/standaard"), ("en/eenvoudig", "nl/eenvoudig")])
def test_english_examples_follow_the_dutch_order(english, dutch):
    """The health card's "how I feel" is fourth in Dutch; the English lists no longer put it first."""
    for d_en, d_nl in zip(card_set(english).domains, card_set(dutch).domains, strict=True):
        assert len(d_en.examples) == len(d_nl.examples), d_en.id
        if d_en.id == "gezondheid":
            assert d_en.examples[3].startswith("how I feel") and d_nl.examples[3].startswith("hoe ik me")


# --- the guide's table: what to watch for and what to do, not the mechanism again ---------------

@pytest.mark.parametrize("name, watch, do", [("nl/standaard", "Let op:", "Doe:"), ("en/standaard", "Watch for:", "Do:")])
def test_each_action_says_what_to_watch_for_and_what_to_do(name, watch, do):
    for s in card_set(name).stagnations:
        assert s.action.startswith(watch) and f" {do} " in s.action, s.id
        assert s.mechanism.lower() not in s.action.lower(), s.id  # not the mechanism again


def test_the_dutch_action_for_equilibrium_warns_against_digging_into_it():
    evenwicht = next(s for s in card_set("nl/standaard").stagnations if s.id == "evenwicht")
    assert "Wroet" in evenwicht.action and "Wajong" in evenwicht.action


def test_written_choices_count_as_checked_blocks():
    """Guard for this file: the kinds of block it walks are the kinds a card has."""
    kinds = {type(b) for name in SETS for c in card_set(name).cards for _, b, _ in c.walk()}
    assert kinds <= {Heading, Text, WriteIn, Choice, Descriptions, DomainChoice}

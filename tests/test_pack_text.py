"""The office pack carries every text of bijlage 5, read back from the PDF."""

from __future__ import annotations

from kaartgen.model.builtin import DEFAULT_CONTENT
from kaartgen.model.content import Choice, Descriptions, Heading, Text, WriteIn
from kaartgen.model.loading import load_card_set
from tests.conftest import pdf_text, squash


def expected_texts() -> list[str]:
    cs = load_card_set(DEFAULT_CONTENT, "nl", "standaard").model
    out = [cs.info.title, cs.info.labels.examples]
    for d in cs.domains:
        out += [d.title, d.label, d.intro, *d.questions, *d.examples]
    for card in cs.cards:
        for side in card.sides:
            for b in side.blocks:
                if isinstance(b, (Heading, Text)) and "{" not in b.text:
                    out.append(b.text)
                elif isinstance(b, WriteIn) and b.label:
                    out.append(b.label)
                elif isinstance(b, Choice):
                    out += [o.label for o in b.options]
                elif isinstance(b, Descriptions):
                    out += [o.text for o in b.options]
    return out


def test_every_content_text_is_in_the_office_pack(office_pdf):
    text = squash(pdf_text(office_pdf))
    missing = [t for t in expected_texts() if squash(t) not in text]
    assert not missing


def test_key_sentences_of_bijlage_5_are_printed(office_pdf):
    text = squash(pdf_text(office_pdf))
    for sentence in [
        "Er is geen goed of fout, en wel of niet invullen heeft geen invloed op uw uitkering.",
        "Omcirkel of markeer één van onderstaande beschrijvingen die het best past bij uw situatie.",
        "Kies maximaal drie onderwerpen, en beschrijf waar u aan moet denken.",
        "welke eerste stap kan ik zelf zetten?",
        "waar heb ik hulp bij nodig (van het UWV)?",  # the scan's "(van UWV)", with "het" as on cards 1 and 2
        "Kunt u overal komen waar u heen zou willen gaan?",
        "mijn situatie is zoals die is en daar valt weinig aan te veranderen",
    ]:
        assert squash(sentence) in text, sentence


def test_fill_in_cards_are_numbered_and_generic_card_1_can_be_filled_in_by_hand(office_pdf):
    text = pdf_text(office_pdf)
    for n in range(1, 7):
        assert f"{n}/6" in text
    flat = " ".join(text.split())
    assert "beste ……" in flat  # the report's "beste ...": room to write the name
    assert "Uw gesprek is op ……" in flat and "om ………… uur." in flat and "Plaats: ……" in flat


def test_a_personal_card_1_has_no_blanks_to_fill(personal_pdf):
    assert "……" not in pdf_text(personal_pdf)


def test_notes_for_the_professional_are_not_on_client_cards(office_pdf):
    text = squash(pdf_text(office_pdf))
    assert squash("Kaart 3 vraagt specifiek naar de stagnaties") not in text
    assert "vastzittend" not in text  # stagnation names are for the professional only


def test_descriptions_are_linked_to_the_five_stagnations():
    cs = load_card_set(DEFAULT_CONTENT, "nl", "standaard").model
    card = next(c for c in cs.cards if c.id == "beeld")
    block = next(b for b in card.sides[0].blocks if isinstance(b, Descriptions))
    assert [o.letter for o in block.options] == list("ABCDE")
    names = {cs.stagnation(o.stagnation).name for o in block.options}
    assert names == {"vastzittend in evenwicht", "vechtend in ontregeling", "verdwaald in heroriëntatie",
                     "geremd in groei", "rennend door het proces"}

"""Personal packs: literal client values, Dutch date words, nothing personal in metadata or names."""

from __future__ import annotations

from pypdf import PdfReader

from tests.conftest import NASTY_NAME, pdf_text, run, squash


def test_client_values_are_printed_literally(personal_pdf):
    text = pdf_text(personal_pdf)
    assert squash(f"beste {NASTY_NAME},") in squash(text)
    assert "49" not in text
    assert squash("U spreekt met Jan & <i>Piet</i>.") in squash(text)
    assert squash("Plaats: UWV {% raw %}Utrecht.") in squash(text)


def test_appointment_in_dutch_words(personal_pdf):
    assert squash("Uw gesprek is op dinsdag 1 december 2026 om 10.30 uur.") in squash(pdf_text(personal_pdf))


def test_no_client_data_in_metadata_or_file_name(personal_pdf):
    info = PdfReader(personal_pdf).metadata
    blob = " ".join(str(v) for v in info.values())
    for part in ("Zoë", "İlknur", "Piet", "Utrecht"):
        assert part not in blob
        assert part not in personal_pdf.name
    assert info["/Title"] == "werken aan een nieuw verhaal"
    raw = personal_pdf.read_bytes()
    assert b"Piet" not in raw  # text is in compressed content streams only, never in plain metadata


def test_bad_appointment_is_one_clear_error(tmp_path):
    result = run("build", "--out", str(tmp_path), "--appointment", "3 december")
    assert result.exit_code == 2
    assert "YYYY-MM-DDTHH:MM" in result.output
    assert "Traceback" not in result.output


def test_a_name_too_long_for_the_card_is_an_error_not_a_clipped_card(tmp_path):
    result = run("build", "--out", str(tmp_path), "--name", "Ann " * 60)
    assert result.exit_code == 2
    assert "--name: is too long" in result.output and "shorten it" in result.output
    assert "cards.yaml" not in result.output and "lines" not in result.output  # about the client, not the content
    assert list(tmp_path.iterdir()) == []

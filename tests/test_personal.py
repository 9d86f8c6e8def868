"""Personal packs: literal client values, Dutch date words, nothing personal in metadata or names."""

from __future__ import annotations

from pypdf import PdfReader

from tests.conftest import NASTY_NAME, pdf_text, run, squash


def test_client_values_are_printed_literally(personal_pdf):
    text = pdf_text(personal_pdf)
    assert squash(f"Beste {NASTY_NAME},") in squash(text)
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


def test_a_personal_pack_is_named_after_its_reference_never_the_client(tmp_path):
    out = tmp_path / "p"
    for reference, name in (("K-0042", "Zoë de Wit"), ("K-0043", "Anna Jansen")):
        result = run("build", "--name", name, "--reference", reference, "--out", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == str(out / f"kaartgen-nl-standaard-a6-office-{reference}.pdf")
    assert squash("Zoë de Wit") in squash(pdf_text(out / "kaartgen-nl-standaard-a6-office-K-0042.pdf"))
    again = run("build", "--name", "Zoë de Wit", "--reference", "K-0042", "--out", str(out))
    assert again.exit_code == 0  # the same client's pack, made again after a correction


def test_a_second_personal_pack_without_reference_never_replaces_the_first(tmp_path):
    out = tmp_path / "p"
    assert run("build", "--name", "Zoë de Wit", "--out", str(out)).exit_code == 0
    first = (out / "kaartgen-nl-standaard-a6-office-personal.pdf").read_bytes()
    second = run("build", "--name", "Anna Jansen", "--out", str(out))
    assert second.exit_code == 2
    assert second.stderr.strip() == (f"{out / 'kaartgen-nl-standaard-a6-office-personal.pdf'}: already exists, perhaps "
                                     "another client's pack; give --reference with the client number, so that each "
                                     "pack gets a name of its own, or --force to replace it")
    assert (out / "kaartgen-nl-standaard-a6-office-personal.pdf").read_bytes() == first
    forced = run("build", "--name", "Anna Jansen", "--out", str(out), "--force")
    assert forced.exit_code == 0
    assert squash("Anna Jansen") in squash(pdf_text(out / "kaartgen-nl-standaard-a6-office-personal.pdf"))
    assert run("build", "--out", str(out)).exit_code == 0  # the generic pack is the same bytes every time
    assert run("build", "--out", str(out)).exit_code == 0


def test_every_bad_value_is_reported_at_once_even_one_that_only_layout_finds(tmp_path):
    result = run("build", "--name", "Anna Maria " * 20, "--reference", "Zoë de Wit", "--location", "Zaal 😀",
                 "--appointment", "31-02-2027 10:00", "--out", str(tmp_path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert [line.split(":")[1].strip() for line in lines] == ["--appointment", "--reference", "--location", "--name"]
    assert "too long to fit" in lines[3] and "U+1F600" in lines[2] and "Anna" not in result.stderr
    assert not list(tmp_path.iterdir())

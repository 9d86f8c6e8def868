"""Output discipline: byte-identical builds, atomic writes, and the CLI's promises."""

from __future__ import annotations

from pypdf import PdfReader

from kaartgen import __version__
from tests.conftest import build_pack, run


def test_same_input_gives_identical_bytes(tmp_path, office_pdf):
    again = build_pack(tmp_path / "again")
    assert again.read_bytes() == office_pdf.read_bytes()


def test_personal_builds_are_identical_too(tmp_path):
    args = ("--name", "Zoë İnan", "--appointment", "2026-12-01T10:30")
    a, b = build_pack(tmp_path / "a", *args), build_pack(tmp_path / "b", *args)
    assert a.read_bytes() == b.read_bytes()


def test_failed_build_leaves_no_file_and_no_temp_file(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    result = run("build", "--out", str(out), "--name", "x" * 3000)
    assert result.exit_code == 2
    assert list(out.iterdir()) == []


def test_build_prints_one_path_a_line(tmp_path):
    result = run("build", "--out", str(tmp_path), "--calibration")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert sorted(p.split("/")[-1] for p in lines) == [
        "kaartgen-calibration-nl-office.pdf", "kaartgen-nl-standaard-a6-office.pdf"]
    assert len(PdfReader(lines[0]).pages) == 2


def test_version_and_help_with_examples():
    assert run("--version").output.strip().endswith(__version__)
    for command in ("build", "lint", "batch", "read", "guide", "preview"):
        result = run(command, "--help")
        assert result.exit_code == 0 and "Example" in result.output


def test_unknown_format_and_bad_offset_exit_2(tmp_path):
    result = run("build", "--format", "poster", "--out", str(tmp_path))
    assert result.exit_code == 2 and "office" in result.output
    result = run("build", "--back-offset", "1mm", "--out", str(tmp_path))
    assert (result.exit_code == 2 and "DX,DY" in result.output) or "two numbers" in result.output


def test_calibration_needs_a_duplex_format(tmp_path):
    result = run("build", "--format", "cards", "--calibration", "--out", str(tmp_path))
    assert result.exit_code == 2 and "duplex" in result.output

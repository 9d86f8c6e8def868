"""The mail room's week: update a mailing after fixing rows, numbers without gaps, check first."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import run

HEADER = "id,name,street,postcode,city"


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((HEADER,) + rows) + "\n", encoding="utf-8")
    return path


def batch(clients: Path, out: Path, *extra: str):
    return run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1", *extra)


def manifest(out: Path) -> list[dict[str, str]]:
    return list(csv.DictReader((out / "manifest.csv").read_text(encoding="utf-8").splitlines()))


def test_sequence_numbers_run_without_gaps_past_a_failing_row(tmp_path):
    clients = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", f"B2,{'Jan ' * 74}Jan,Weg 2,1002 AA,Zwolle",
                    "C3,Cor,Weg 3,1003 AA,Zwolle")
    result = batch(clients, tmp_path / "out", "--insert-marks")
    assert result.exit_code == 1 and "row 3 (B2): name:" in result.stderr
    rows = manifest(tmp_path / "out")
    assert [(m["id"], m["sequence"]) for m in rows] == [("A1", "1"), ("C3", "2")]


def test_update_keeps_unchanged_packs_makes_new_and_changed_removes_the_rest(tmp_path):
    out = tmp_path / "out"
    first = write(tmp_path / "week1.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bram,Weg 2,1002 AA,Zwolle",
                  "C3,Cor,Weg 3,1003 AA,Zwolle")
    assert batch(first, out).exit_code == 0
    kept_before = (out / "A1.pdf").stat().st_mtime_ns
    second = write(tmp_path / "week2.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bram de Vries,Weg 2,1002 AA,Zwolle",
                   "D4,Dirk,Weg 4,1004 AA,Zwolle", "E5,,Weg 5,1005 AA,Zwolle")
    refused = batch(second, out)
    assert refused.exit_code == 2 and "add --update" in refused.stderr
    result = batch(second, out, "--update")
    assert result.exit_code == 1, result.output  # E5 has no name
    assert "3 packs (kept 1, made 2, removed 1), 1 row with errors" in result.output
    assert (out / "A1.pdf").stat().st_mtime_ns == kept_before
    assert not (out / "C3.pdf").exists() and (out / "D4.pdf").is_file()
    assert [m["id"] for m in manifest(out)] == ["A1", "B2", "D4"]
    assert [m["sequence"] for m in manifest(out)] == ["1", "2", "3"]
    again = batch(second, out, "--update")
    assert "3 packs (kept 3, made 0, removed 0)" in again.output
    fixed = write(tmp_path / "week2b.csv", "A1,Ann,Weg 1,1001 AA,Zwolle", "B2,Bram de Vries,Weg 2,1002 AA,Zwolle",
                  "D4,Dirk,Weg 4,1004 AA,Zwolle", "E5,Eva,Weg 5,1005 AA,Zwolle")
    assert "4 packs (kept 3, made 1, removed 0), 0 rows" in batch(fixed, out, "--update").output


def test_update_is_refused_when_more_than_the_list_changed(tmp_path):
    out = tmp_path / "out"
    clients = write(tmp_path / "c.csv", "A1,Ann,Weg 1,1001 AA,Zwolle")
    assert batch(clients, out).exit_code == 0
    result = run("batch", str(clients), "--out", str(out), "--date", "2026-11-30", "--update")
    assert result.exit_code == 2
    assert "the options (--format, --insert-marks, --date) changed" in result.stderr
    assert "--update takes a changed client list only" in result.stderr

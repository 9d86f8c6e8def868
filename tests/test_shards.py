"""A mailing made on several machines: `kaartgen batch --shard K/N` in separate processes and
working folders, then `kaartgen join`, gives every file byte for byte as one `kaartgen batch`."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run

CLIENTS = 2000
DATE = "2026-11-23"


def kaartgen(*args: str, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kaartgen", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env={**os.environ, "LANG": "C.UTF-8"})


def files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def mailing(tmp_path_factory):
    base = tmp_path_factory.mktemp("shards")
    rows = ["id,name,street,postcode,city,language,variant,large_print"]
    for i in range(CLIENTS):
        language = "en" if i % 7 == 0 else "nl"
        variant = "eenvoudig" if i % 5 == 0 else "standaard"
        rows.append(f"C{i:04d},Klant {i},Weg {i % 300 + 1},{1000 + i % 8000} AB,Zwolle,{language},{variant},"
                    f"{'ja' if i % 11 == 0 else 'nee'}")
    rows[700] = "C0699,,Weg 1,1000 AB,Zwolle,nl,standaard,nee"  # fails when read: in every shard's list of errors
    rows[1100] = f"C1099,{'Jan ' * 74}Jan,Weg 2,1002 AA,Zwolle,nl,standaard,nee"  # fails at layout, in shard 3
    rows[800] = f"C0799,{'Piet ' * 55}Piet,Weg 3,1003 AA,Zwolle,nl,standaard,nee"  # fails at layout, in shard 2
    clients = base / "klanten.csv"
    clients.write_text("\n".join(rows) + "\n", encoding="utf-8")
    singles = {}
    for marks in ((), ("--insert-marks",)):
        single = base / f"single{len(marks)}"
        proc = kaartgen("batch", str(clients), "--out", str(single), "--date", DATE, "--jobs", "2", *marks, cwd=base)
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 1, err.decode()
        singles[bool(marks)] = single
    parts = []
    for k in (1, 2, 3, 4):  # separate machines: their own working folder, their own copy of the list
        machine = base / f"machine{k}"
        machine.mkdir()
        shutil.copy(clients, machine / "klanten.csv")
        parts.append((machine, kaartgen("batch", "klanten.csv", "--out", f"part{k}", "--date", DATE, "--shard",
                                        f"{k}/4", "--jobs", "1", cwd=machine)))
    for _machine, proc in parts:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode in (0, 1), err.decode()
    return base, singles, [machine / f"part{k}" for k, (machine, _) in enumerate(parts, 1)]


@pytest.mark.parametrize("marks", [False, True])
def test_joined_shards_are_byte_identical_to_one_batch(mailing, marks):
    base, singles, parts = mailing
    out = base / f"joined{int(marks)}"
    result = run("join", *map(str, reversed(parts)), "--out", str(out), *(["--insert-marks"] if marks else []))
    assert result.exit_code == 1, result.output  # three rows failed, as in the single run
    assert "1997 packs joined into one mailing" in result.stdout
    single = files(singles[marks])
    assert len(single) > CLIENTS and files(out) == single


def test_each_shard_made_its_slice_and_the_failures_fell_where_they_belong(mailing):
    _, _, parts = mailing
    made = [len(list(p.glob("C*.pdf"))) for p in parts]
    assert sum(made) == CLIENTS - 3 and made == [499, 499, 499, 500]  # slices of the 1999 read well; 2 fail at layout
    layout = {k: (p / "errors.csv").read_text(encoding="utf-8") for k, p in enumerate(parts, 1)}
    assert "C0799" in layout[2] and "C1099" in layout[3] and "C0799" not in layout[3]
    assert all("C0699" in text for text in layout.values())  # a row that fails when read: every shard says so
    assert not any((p / "print-run.pdf").exists() for p in parts)


def test_a_missing_doubled_or_unfinished_slice_or_another_mailing_is_refused(mailing, tmp_path):
    base, _, parts = mailing
    missing = run("join", str(parts[0]), str(parts[1]), str(parts[3]), "--out", str(tmp_path / "a"))
    assert missing.exit_code == 2 and "error: PARTS: slice 3 of 4 is missing; make it and give all slices together" in missing.stderr
    doubled = run("join", *map(str, parts), str(parts[1]), "--out", str(tmp_path / "b"))
    assert doubled.exit_code == 2 and "is slice 2 of 4, and so is" in doubled.stderr
    unfinished = tmp_path / "unfinished"
    shutil.copytree(parts[2], unfinished)
    (unfinished / ".shard.json").unlink()
    result = run("join", str(parts[0]), str(parts[1]), str(unfinished), str(parts[3]), "--out", str(tmp_path / "c"))
    assert result.exit_code == 2
    assert f"{unfinished}: is not a finished slice of a mailing; finish it by resuming the same command" \
        in result.stderr
    other = tmp_path / "other.csv"
    other.write_text((base / "klanten.csv").read_text(encoding="utf-8").replace("Klant 5,", "Klant 55,"),
                     encoding="utf-8")
    assert run("batch", str(other), "--out", str(tmp_path / "o2"), "--date", DATE, "--shard", "2/4").exit_code == 1
    mixed = run("join", str(parts[0]), str(tmp_path / "o2"), str(parts[2]), str(parts[3]), "--out", str(tmp_path / "d"))
    assert mixed.exit_code == 2 and "belongs to another mailing than" in mixed.stderr
    assert "the client list" in mixed.stderr
    for folder in "abcd":
        assert not (tmp_path / folder / "print-run.pdf").exists()


@pytest.mark.parametrize(("shard", "message"), [
    ("5/4", "must be K/N with 1 ≤ K ≤ N ≤ 1000"), ("0/4", "must be K/N"), ("x", "write the slice as K/N"),
])
def test_a_shard_that_is_no_slice_is_refused(tmp_path, shard, message):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nA1,Anna,Weg 1,1234 AB,Zwolle\n", encoding="utf-8")
    result = run("batch", str(clients), "--out", str(tmp_path / "o"), "--shard", shard)
    assert result.exit_code == 2 and message in result.stderr
    marks = run("batch", str(clients), "--out", str(tmp_path / "o"), "--shard", "1/2", "--insert-marks")
    assert marks.exit_code == 2 and "inserter marks are added when the slices are joined" in marks.stderr

"""Files that hold names, addresses or answers are readable by their owner only, and a write that
fails names the folder, whatever failed."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from tests.conftest import run


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_batch_output_is_private(tmp_path):
    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nK1,Ann,Weg 1,1001 AA,Zwolle\nK2,,Weg 2,1002 AA,Zwolle\n",
                       encoding="utf-8")
    out = tmp_path / "new" / "mailing"
    result = run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 1
    assert mode(out) == 0o700
    files = sorted(p.name for p in out.iterdir())
    assert files == [".kaartgen-job", "K1.pdf", "errors.csv", "manifest.csv", "print-run.pdf"]
    assert {p.name: mode(p) for p in out.iterdir()} == {name: 0o600 for name in files}


def test_a_personal_pack_and_a_summary_are_private_a_generic_pack_is_not(tmp_path):
    old = os.umask(0o022)
    try:
        personal = run("build", "--name", "Zoë", "--out", str(tmp_path / "p"))
        generic = run("build", "--out", str(tmp_path / "g"))
    finally:
        os.umask(old)
    assert mode(Path(personal.output.split()[-1])) == 0o600 and mode(tmp_path / "p") == 0o700
    assert mode(Path(generic.output.split()[-1])) == 0o644
    answers = tmp_path / "a.json"
    answers.write_text('{"kaartgen": "answers", "set": "nl/standaard", "answers": {"verder.doel": "werk"}}')
    read = run("read", str(answers), "--out", str(tmp_path / "s"))
    assert read.exit_code == 0 and {mode(p) for p in (tmp_path / "s").iterdir()} == {0o600}


def test_a_full_disk_that_does_not_say_where_still_names_the_folder(tmp_path, monkeypatch):
    import kaartgen.engine.batch

    clients = tmp_path / "c.csv"
    clients.write_text("id,name,street,postcode,city\nK1,Ann,Weg 1,1001 AA,Zwolle\n", encoding="utf-8")
    out = tmp_path / "out"
    real = kaartgen.engine.batch.os.fsync
    calls = []

    def fsync(fd: int) -> None:  # the journal's fsync, which carries no file name
        calls.append(fd)
        if len(calls) == 3:  # the marker, the pack, then the journal
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(kaartgen.engine.batch.os, "fsync", fsync)
    result = run("batch", str(clients), "--out", str(out), "--date", "2026-11-23", "--jobs", "1")
    assert result.exit_code == 2
    assert result.output.strip() == f"error: cannot write in {out}: the disk is full; free some space or choose " \
                                    "another folder with --out"

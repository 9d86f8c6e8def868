"""A mailing made on several machines: `kaartgen batch LIST --shard K/N` makes the packs of the K-th
of N contiguous slices of the list (in print order), and `kaartgen join` puts the parts together
into the print run, manifest and error list that one machine would have made, byte for byte.

A shard's folder holds, besides each client's `<id>.pdf` (as a batch writes them), what the join
needs: each pack's part (the drawn pages that name the edition's shared objects, `parts/<id>.part`),
its row, edition, inputs and page heights (`.shard.json`, written last: a part without it is not
finished), and the errors of its slice with their message codes. The join checks that every part
comes from the same list, content, templates, fonts, options and versions, that the slices are
1…N once each and cover the list without gap or overlap, and then adds the packs in order with
the same calls a single batch makes (engine/printrun.py). A shard is a batch like any other:
a failed machine's part is made again alone, with `--resume`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kaartgen.engine.edition import Library, edition_fonts
from kaartgen.engine.jobfolder import FolderLock, claim, compare_identity, job_identity_with_print
from kaartgen.engine.printrun import PrintRun
from kaartgen.engine.workers import EditionKey, PackMaker
from kaartgen.errors import KaartgenError
from kaartgen.messages import Term
from kaartgen.model.clients import SAFE_ID, RowError
from kaartgen.model.options import BatchOptions
from kaartgen.render.atomic import remove_temporary, write_atomic
from kaartgen.render.csvout import csv_bytes

SHARD = ".shard.json"
PARTS = "parts"
MAX_SHARDS = 1000


def shard_slice(total: int, k: int, n: int) -> tuple[int, int]:
    """The K-th of N contiguous slices of `total` clients in print order: [start, stop)."""
    return total * (k - 1) // n, total * k // n


def _encode(value: Any) -> Any:
    """A message parameter as JSON: a Term keeps its code and parameters."""
    if isinstance(value, Term):
        return {"term": value.code, "params": {k: _encode(v) for k, v in value.params.items()}}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"term", "params"}:
        return Term(str(value["term"]), **{k: _decode(v) for k, v in value["params"].items()})
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def _errors(errors: list[RowError]) -> list[dict[str, Any]]:
    return [{"row": e.row, "id": e.id, "field": e.field, "code": e.code,
             "params": {k: _encode(v) for k, v in e.params.items()}} for e in errors]


def _read_errors(found: list[Any]) -> list[RowError]:
    return [RowError(int(e["row"]), str(e["id"]), str(e["field"]), str(e["code"]),
                     {k: _decode(v) for k, v in e["params"].items()}) for e in found]


class Shard:
    """What a shard keeps for the join, made while its packs are made (see the module's text)."""

    def __init__(self, out: Path, options: BatchOptions, identity: dict[str, str], start: int, stop: int,
                 total: int):
        assert options.shard is not None  # only a shard's run makes one
        self.out, self.options, self.identity = out, options, identity
        self.where = {"shard": list(options.shard), "slice": [start, stop], "total": total}
        self.packs: list[list[Any]] = []
        (out / PARTS).mkdir(mode=0o700, exist_ok=True)
        (out / SHARD).unlink(missing_ok=True)  # a part being made is not finished

    def __enter__(self) -> Shard:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def add(self, cid: str, row: int, key: EditionKey, inputs: str, part: bytes, heights: list[float],
            digest: str) -> None:
        write_atomic(self.out / PARTS / f"{cid}.part", part, private=True)
        self.packs.append([cid, row, list(key), inputs, heights, digest])

    def finish(self, checked: list[RowError], failed: list[RowError], messages: str) -> None:
        """The shard's own error list, like a batch's, and last the record that makes it finished."""
        errors = sorted(checked + failed, key=lambda e: e.row)
        reasons = [[e.row, e.id, e.field, e.code, e.text(messages)] for e in errors]
        write_atomic(self.out / "errors.csv", csv_bytes([["row", "id", "field", "code", "reason"], *reasons]),
                     private=True)
        o = self.options
        record = {"kaartgen": "shard", **self.where, "identity": self.identity,
                  "format": o.format, "letter_date": o.letter_date.isoformat(),
                  "checked": _errors(checked), "failed": _errors(failed), "packs": self.packs}
        write_atomic(self.out / SHARD, json.dumps(record, sort_keys=True).encode(), private=True)


@dataclass
class JoinResult:
    packs: int
    errors: list[RowError]
    job: str


def _load(part: Path) -> dict[str, Any]:
    path = part / SHARD
    if not path.is_file():
        raise KaartgenError("join.unfinished", file=part)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KaartgenError("join.unfinished", file=part) from None
    if not isinstance(record, dict) or record.get("kaartgen") != "shard":
        raise KaartgenError("join.unfinished", file=part)
    return record


def _check_parts(parts: list[Path], records: list[dict[str, Any]]) -> list[tuple[Path, dict[str, Any]]]:
    """The parts in shard order, once each, from one job, covering the list without gap or overlap."""
    first = records[0]
    n = int(first["shard"][1])
    for part, record in zip(parts, records, strict=True):
        changed = compare_identity(first["identity"], record["identity"])
        if changed:
            raise KaartgenError("join.other_job", file=part, first=parts[0], changed=changed)
        if int(record["shard"][1]) != n or int(record["total"]) != int(first["total"]):
            raise KaartgenError("join.other_job", file=part, first=parts[0], changed=Term("term.identity_options"))
    by_k: dict[int, tuple[Path, dict[str, Any]]] = {}
    for part, record in zip(parts, records, strict=True):
        k = int(record["shard"][0])
        if k in by_k:
            raise KaartgenError("join.twice", file=part, k=k, n=n, other=by_k[k][0])
        by_k[k] = (part, record)
    missing = [k for k in range(1, n + 1) if k not in by_k]
    if missing:
        raise KaartgenError("join.missing", field="parts", missing=missing, n=n)
    start = 0
    for k in range(1, n + 1):
        part, record = by_k[k]
        if record["slice"] != [start, int(record["slice"][1])]:
            raise KaartgenError("join.gap", file=part, k=k, n=n)
        start = int(record["slice"][1])
    if start != int(first["total"]):
        raise KaartgenError("join.gap", file=by_k[n][0], k=n, n=n)
    return [by_k[k] for k in range(1, n + 1)]


def join_parts(parts: list[Path], out: Path, content: Path, templates: Path, insert_marks: bool, messages: str,
               progress: Callable[[int, int], None] | None = None) -> JoinResult:
    """The mailing of `parts` in `out`: each client's pack, the print run, the manifest and the error
    list, byte for byte as a single `kaartgen batch` of the same list writes them (see the module's
    text). `content` and `templates` must be those the parts were made with."""
    if not parts:
        raise KaartgenError("join.missing", field="parts", missing=[1], n=1)
    ordered = _check_parts(parts, [_load(p) for p in parts])
    record = ordered[0][1]
    library = Library(content, templates)
    identity = job_identity_with_print(record["identity"], content, templates, edition_fonts(library), insert_marks)
    maker = PackMaker(library, str(record["format"]), date.fromisoformat(record["letter_date"]))
    maker.job = identity["job"]
    checked = _read_errors(record["checked"])
    failed = [e for _, r in ordered for e in _read_errors(r["failed"])]
    total = sum(len(r["packs"]) for _, r in ordered)
    done = 0
    with FolderLock(out):
        claim(out, identity, resume=False)
        try:
            if insert_marks:
                for key in sorted({tuple(p[2]) for _, r in ordered for p in r["packs"]}):
                    maker.edition(str(key[0]), str(key[1]), bool(key[2])).mark_spots()
            with PrintRun(out, maker, insert_marks) as run:
                for part, r in ordered:
                    for cid, row, key, inputs, heights, digest in r["packs"]:
                        if not SAFE_ID.fullmatch(str(cid)):
                            raise KaartgenError("join.unfinished", file=part)
                        write_atomic(out / f"{cid}.pdf", (part / f"{cid}.pdf").read_bytes(), private=True)
                        edition = (str(key[0]), str(key[1]), bool(key[2]))
                        run.add(cid, int(row), edition, str(inputs), (part / PARTS / f"{cid}.part").read_bytes(),
                                [float(h) for h in heights], str(digest))
                        done += 1
                        if progress is not None:
                            progress(done, total)
                run.finish(checked + failed, messages)
        finally:
            remove_temporary(out, every=True)
    return JoinResult(total, sorted(checked + failed, key=lambda e: e.row), identity["job"])


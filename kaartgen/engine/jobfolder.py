"""A batch's folder: the job that owns it, one run at a time in it, and the journal of finished packs.

- The job's identity covers everything that changes the output (client list, content, templates,
  fonts, options, versions), each part hashed; the folder's marker file holds it, so a folder
  holding another job, a resume with anything changed, or an update with anything but the client
  list changed, is refused with a message naming what differs.
- An advisory lock keeps a second batch out of a folder in use: it would remove the first one's
  temporary files.
- Each finished pack is recorded (id, sha256 of the file, sha256 of its inputs) in a journal as it
  is written, so `--resume` and `--update` keep the packs whose file and inputs still match.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from dataclasses import fields
from datetime import datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

from kaartgen import __version__
from kaartgen.errors import KaartgenError
from kaartgen.messages import All, Term
from kaartgen.model.clients import SAFE_ID, Client
from kaartgen.render.atomic import private_folder, remove_temporary, write_atomic

MARKER = ".kaartgen-job"
JOURNAL = ".journal.csv"
MANIFEST = "manifest.csv"
LIBRARIES = ("reportlab", "fonttools", "jinja2")  # their versions change the bytes written


NOT_OUTPUT = ("messages", "web")  # folders of the templates that change no pack: messages, the web app


def _tree_digest(folder: Path) -> str:
    """Every file below `folder`, by relative path and contents (links are not followed), but for
    the folders that change no pack (NOT_OUTPUT)."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(folder):
        if Path(root) == folder:
            dirs[:] = [d for d in dirs if d not in NOT_OUTPUT]
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.is_file() and not path.is_symlink():
                h.update(str(path.relative_to(folder)).encode("utf-8", "surrogateescape") + b"\0")
                h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def content_version(content: Path) -> str:
    """The version of a content folder's texts: the sha256 over every file in it, by path and bytes."""
    return _tree_digest(content)


def _versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {package_version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} ?")
    return f"kaartgen {__version__}, " + ", ".join(found)


# What the job's identity is made of, and how a message names each part.
IDENTITY = {part: Term(f"term.identity_{part}")
            for part in ("clients", "content", "templates", "fonts", "options", "versions")}
IDENTITY["print"] = Term("term.identity_options")  # how the print run is made (inserter marks): no pack changes


def file_digest(path: Path | None) -> str | None:
    """The sha256 of a file that changes what a batch writes (the list's column mapping), or None."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None


def _setup(content: Path, templates: Path, fonts: list[Path]) -> dict[str, str]:
    """The parts of a job's identity this machine gives: content, templates, fonts and versions."""
    return {
        "content": _tree_digest(content),
        "templates": _tree_digest(templates),
        "fonts": hashlib.sha256(b"".join(hashlib.sha256(p.read_bytes()).digest() for p in fonts)).hexdigest(),
        "versions": _versions(),
    }


def _with_job(parts: dict[str, str]) -> dict[str, str]:
    parts = {k: v for k, v in parts.items() if k != "job"}
    parts["job"] = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:8].upper()
    return parts


def job_identity(clients: Path, content: Path, templates: Path, fonts: list[Path],
                 options: list[object], print_options: list[object]) -> dict[str, str]:
    """Everything that changes what a batch writes, each part hashed, and the job id over all of it.
    `options` change the packs; `print_options` (inserter marks) only the print run."""
    return _with_job({"clients": hashlib.sha256(clients.read_bytes()).hexdigest(), **_setup(content, templates, fonts),
                      "options": json.dumps(options), "print": json.dumps(print_options)})


def job_identity_with_print(identity: dict[str, str], content: Path, templates: Path, fonts: list[Path],
                            insert_marks: bool) -> dict[str, str]:
    """The identity of the mailing a join makes from parts of `identity`: the same, with its own
    print options; refused when this machine's content, templates, fonts or versions differ from
    those the parts were made with (the print run would not be the one a single batch makes)."""
    here = _setup(content, templates, fonts)
    changed = [key for key, value in here.items() if identity.get(key) != value]
    if changed:
        raise KaartgenError("join.other_setup", field="content", changed=All(IDENTITY[key] for key in changed))
    return _with_job({**identity, "print": json.dumps([insert_marks])})


def compare_identity(a: dict[str, str], b: dict[str, str]) -> All | None:
    """What differs between two jobs' identities (but their print options), or None."""
    changed = [key for key in IDENTITY if key != "print" and a.get(key) != b.get(key)]
    return All(IDENTITY[key] for key in changed) if changed else None


def _owner(marker: Path) -> dict[str, str] | None:
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def setup_digest(identity: dict[str, str]) -> str:
    """Everything but the client list: what every pack of the job shares."""
    shared = {k: v for k, v in identity.items() if k not in ("clients", "job", "print")}
    return hashlib.sha256(json.dumps(shared, sort_keys=True).encode()).hexdigest()


def claim(out: Path, identity: dict[str, str], resume: bool, update: bool = False) -> None:
    marker = out / MARKER
    job = identity["job"]
    if out.exists() and not out.is_dir():
        raise KaartgenError("batch.out_is_file", file=out, field="out")
    if out.is_dir() and any(out.iterdir()):
        owner = _owner(marker) if marker.is_file() else None
        if owner is None:
            raise KaartgenError("batch.out_not_empty", file=out, field="out")
        changed = [key for key in IDENTITY if owner.get(key) != identity[key]]
        if owner.get("job") != job and not (update and changed == ["clients"]):
            what = All(IDENTITY[key] for key in changed) or All([Term("term.identity_input")])
            if update:
                raise KaartgenError("batch.update_only_list", file=out, field="update", job=owner.get("job", "?"),
                                    changed=what)
            code = "batch.changed_list" if changed == ["clients"] else "batch.changed"
            raise KaartgenError(code, file=out, field="out", job=owner.get("job", "?"), changed=what)
        if not (resume or update):
            raise KaartgenError("batch.same_job", file=out, field="resume", job=job)
    private_folder(out)  # the packs hold names and addresses
    remove_temporary(out, every=True)  # left by a run that was killed mid-write
    write_atomic(marker, (json.dumps(identity, indent=1, sort_keys=True) + "\n").encode(), private=True)


class FolderLock:
    """One batch at a time in a folder: a second one would remove the first one's temporary files."""

    def __init__(self, out: Path):
        self.out = out
        self.fd: int | None = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows: no advisory locks; one batch a folder is then up to the user
            return
        if self.out.is_dir():
            self.fd = os.open(self.out, os.O_RDONLY)
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(self.fd)
                self.fd = None
                raise KaartgenError("batch.running", file=self.out, field="out") from None

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            os.close(self.fd)


def journal(out: Path) -> dict[str, bytes]:
    """id -> sha256 of the file and sha256 of its inputs (64 bytes) of the packs recorded as
    finished: by the manifest of the last finished run, then by the journal of an interrupted one,
    which is newer. Read a row at a time; a row whose digests do not read gets zeros, which match
    no pack, so that pack is made again."""
    done: dict[str, bytes] = {}
    for name in (MANIFEST, JOURNAL):
        path = out / name
        if path.is_file():
            with open(path, encoding="utf-8", newline="") as f:
                for row in csv.DictReader(f):
                    cid = row.get("id") or ""
                    # never a path: the ids name files that may be removed
                    if SAFE_ID.fullmatch(cid) and row.get("sha256"):
                        done[cid] = digests(row["sha256"], row.get("inputs") or "")
    return done


def digests(sha: str, inputs: str) -> bytes:
    try:
        both = bytes.fromhex(sha + inputs)
    except ValueError:
        return bytes(64)
    return both if len(both) == 64 else bytes(64)


def input_key(setup: str, client: Client) -> str:
    """The sha256 of everything a client's PDF is made from: the job's setup and the client's values
    (not the row number, which does not print)."""
    values = [getattr(client, f.name) for f in fields(Client) if f.name != "row"]
    values = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return hashlib.sha256(json.dumps([setup, values], ensure_ascii=False).encode()).hexdigest()



"""Join PDFs that kaartgen rendered into one file, streaming, so memory stays that of one part.

A print run of thousands of packs is rendered in parts of a few hundred packs. reportlab writes a
part's whole document in memory when it saves it, so one part is small enough; this joiner then
appends each part to the output file: it renumbers the part's objects, points its pages at one
shared page tree, and leaves stream data untouched. It only reads what reportlab writes (a classic
xref table, direct stream lengths, no object streams); anything else is refused.
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from kaartgen.reportlab_internals import (
    CONTENTS,
    FIRST_SUBSET_FACE,
    FORM_ENTRY,
    KIDS,
    REF,
    STREAM_START,
    TYPE_PAGE,
    Parsed,
    parse_output,
    stream_dictionary,
)

_PDF_STRING = re.compile(rb"[()\\]")
_PLACEHOLDER = re.compile(rb"\(kaartgen-shared ((?:form|font) [^()\\]+)\)")  # what SeededTTFont and PdfDoc write

PAGES, CATALOG, INFO = 1, 2, 3  # numbers of the joined file's own objects
HEADER = b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n"
CHUNK = 8192  # pages or xref rows written at a time


def _text(value: str) -> bytes:
    return b"(" + _PDF_STRING.sub(lambda m: b"\\" + m.group(0), value.encode("latin-1", "replace")) + b")"


class SharedObjects:
    """What every pack of one edition shares, parsed once from the edition's library document:
    the generic card sides as forms and the first subset of every font, with the names pack parts
    use for them ("form <key>", "font <face>"). The library's own pages are left out."""

    def __init__(self, pdf: bytes):
        parsed = parse_output(pdf)
        pages = {n for n, data in parsed.objects.items() if TYPE_PAGE.search(stream_dictionary(data))}
        keep = sorted(n for n in parsed.objects if n not in parsed.structural and n not in pages)
        self.bodies = [(n, parsed.objects[n]) for n in keep]
        self.names: dict[str, int] = {}
        for n, data in self.bodies:
            head = stream_dictionary(data)
            for key, ref in FORM_ENTRY.findall(head):
                self.names[f"form {key.decode('latin-1')}"] = int(ref)
            if b"/Type /Font" in head:
                face = FIRST_SUBSET_FACE.search(head)
                if face:
                    self.names[f"font {face.group(1).decode('latin-1')}"] = n
        kept = set(keep)
        if not all(number in kept for number in self.names.values()):
            raise ValueError("the library's shared objects are incomplete")
        self.opening: _Opening | None = None  # how every pack file of the edition starts, once made


@dataclass(frozen=True)
class _Opening:
    """A pack file's first bytes: the header and the library's objects, the same in every pack of
    an edition, so they are renumbered and written once (PdfJoiner.add_opening) and then copied."""

    data: bytes  # after the header
    offsets: list[int]
    next: int
    names: dict[str, int]
    digest: Any  # the md5 of the header and `data`, copied for each pack


class _Numbers:
    """A growing list of numbers, in an array; given a folder, moved a chunk at a time to a file
    without a name there: a print run of 100,000 packs has 800,000 pages and millions of objects,
    and memory must not grow with the list."""

    def __init__(self, typecode: str, spill: Path | None):
        self.typecode = typecode
        self.buffer = array(typecode)
        self.file = tempfile.TemporaryFile(dir=spill) if spill is not None else None
        self.spilled = 0

    def append(self, number: int) -> None:
        self.buffer.append(number)
        if self.file is not None and len(self.buffer) >= 8 * CHUNK:
            self.buffer.tofile(self.file)
            self.spilled += len(self.buffer)
            self.buffer = array(self.typecode)

    def __len__(self) -> int:
        return self.spilled + len(self.buffer)

    def chunks(self) -> Iterator[array[int]]:
        """The numbers in order, CHUNK at a time."""
        if self.file is not None:
            self.file.seek(0)
            for start in range(0, self.spilled, CHUNK):
                chunk = array(self.typecode)
                chunk.fromfile(self.file, min(CHUNK, self.spilled - start))
                yield chunk
        for start in range(0, len(self.buffer), CHUNK):
            yield self.buffer[start:start + CHUNK]

    def close(self) -> None:
        if self.file is not None:
            self.file.close()


class PdfJoiner:
    """Appends parts to an open binary file; `close()` writes the page tree, catalog and xref.

    Objects are written in increasing numbers after the joined file's own (page tree, catalog,
    info), so their offsets are a list in that order; with `spill`, a folder, that list and the
    page list wait in files there instead of memory."""

    def __init__(self, out: BinaryIO, info: dict[str, str], spill: Path | None = None, direction: str = "L2R"):
        self.out = out
        self.info = info
        self.direction = direction  # the reading order the catalog names when it is not left to right
        self.own = array("Q", [0] * (INFO + 1))  # offsets of the page tree, catalog and info
        self.offsets = _Numbers("Q", spill)  # offsets of objects INFO + 1, INFO + 2, ...
        self.kids = _Numbers("L", spill)
        self.next = INFO + 1
        self.digest = hashlib.md5()
        self._write(HEADER)

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)

    def _object(self, number: int, body: bytes) -> None:
        if number <= INFO:
            self.own[number] = self.out.tell()
        elif number == INFO + 1 + len(self.offsets):
            self.offsets.append(self.out.tell())
        else:
            raise ValueError(f"object {number} written out of order")
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add_library(self, library: SharedObjects) -> dict[str, int]:
        """Write `library`'s objects (once per file); returns its names -> their numbers here."""
        mapping = {}
        for number, _ in library.bodies:
            mapping[number] = self.next
            self.next += 1

        def renumber(data: bytes) -> bytes:
            return REF.sub(lambda m: b"%d 0 R" % mapping[int(m.group(1))], data)

        for number, data in library.bodies:
            split = data.find(STREAM_START)
            self._object(mapping[number], renumber(data[:split]) + data[split:] if split >= 0 else renumber(data))
        return {name: mapping[number] for name, number in library.names.items()}

    def add_opening(self, library: SharedObjects) -> dict[str, int]:
        """Write `library`'s objects right after the header, as every pack file starts (see
        assemble): the same bytes each time, so they are made once per library and copied."""
        if self.next != INFO + 1 or self.out.tell() != len(HEADER):
            raise ValueError("a pack's shared objects go right after its header")
        if library.opening is None:
            buffer = io.BytesIO()
            scratch = PdfJoiner(buffer, {})
            names = scratch.add_library(library)
            library.opening = _Opening(buffer.getvalue()[len(HEADER):], list(scratch.offsets.buffer), scratch.next,
                                       names, scratch.digest)
        opening = library.opening
        self.out.write(opening.data)
        self.digest = opening.digest.copy()
        for offset in opening.offsets:
            self.offsets.append(offset)
        self.next = opening.next
        return opening.names

    def add(self, pdf: bytes, shared: dict[str, int] | None = None, overlays: list[bytes | None] | None = None) -> None:
        """Append a part's pages. Its placeholders of shared objects point at `shared` (from
        add_library); `overlays[i]`, when given, is drawn over its page i (inserter marks)."""
        parsed = parse_output(pdf)
        objects, pages = parsed.objects, parsed.pages
        skip = parsed.structural
        mapping = self._renumbering(parsed, shared)
        tree = KIDS.search(objects[pages])
        if tree is None:
            raise ValueError("the part's page tree lists no pages")
        kids = [int(n) for n in REF.findall(tree.group(1))]
        extra: dict[int, tuple[int, bytes]] = {}  # a page drawn over -> its overlay's number and content
        for i, kid in enumerate(kids):
            overlay = overlays[i] if overlays and i < len(overlays) else None
            if overlay:
                extra[kid] = (self.next, overlay)
                self.next += 1

        def renumber(data: bytes) -> bytes:
            return REF.sub(lambda m: b"%d 0 R" % mapping[int(m.group(1))], data)

        for number, data in sorted(objects.items()):
            if number in skip:
                continue
            split = data.find(STREAM_START)  # a stream: rewrite its dictionary only, never its data
            if split >= 0:
                data = renumber(data[:split]) + data[split:]
            else:
                data = renumber(data)
                if number in extra:  # the page draws its own content, then the overlay
                    data = CONTENTS.sub(b"/Contents [ \\1 %d 0 R ]" % extra[number][0], data, 1)
            self._object(mapping[number], data)
        for kid in kids:
            if kid in extra:
                number, stream = extra[kid]
                self._object(number, b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        for kid in kids:
            self.kids.append(mapping[kid])

    def _renumbering(self, parsed: Parsed, shared: dict[str, int] | None) -> dict[int, int]:
        """A part's object numbers -> their numbers in this file: its page tree is the file's own,
        a placeholder of a shared object is that object (and joins `parsed.structural`, the objects
        not written), and every other object takes the next free number, in order."""
        mapping = {parsed.pages: PAGES}
        for number, data in sorted(parsed.objects.items()):
            if number in parsed.structural:
                continue
            placeholder = _PLACEHOLDER.fullmatch(data)
            if placeholder:
                name = placeholder.group(1).decode("latin-1")
                if shared is None or name not in shared:
                    raise ValueError(f"the part needs the shared object '{name}', which was not written")
                mapping[number] = shared[name]
                parsed.structural.add(number)
                continue
            mapping[number] = self.next
            self.next += 1
        return mapping

    def close(self) -> None:
        """Write the page tree, catalog, info and xref, in chunks: a print run of 50,000 packs has
        400,000 pages and over a million objects, which must not be built up in memory at once."""
        self.own[PAGES] = self.out.tell()
        self._write(b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [ " % (PAGES, len(self.kids)))
        for chunk in self.kids.chunks():
            self._write(b"".join(b"%d 0 R " % k for k in chunk))
        self._write(b"] >>\nendobj\n")
        direction = self.direction.encode("ascii")
        viewer = b"" if direction == b"L2R" else b" /ViewerPreferences << /Direction /%s >>" % direction
        self._object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (PAGES, viewer))
        entries = b" ".join(b"/%s %s" % (k.encode("ascii"), _text(v)) for k, v in self.info.items())
        self._object(INFO, b"<< " + entries + b" >>")
        size = self.next
        start = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        self.out.write(b"".join(b"%010d 00000 n \n" % offset for offset in self.own[1:]))
        for chunk in self.offsets.chunks():
            self.out.write(b"".join(b"%010d 00000 n \n" % offset for offset in chunk))
        ident = self.digest.hexdigest().encode("ascii")
        trailer = b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s><%s>] >>\n"
        self.out.write(trailer % (size, CATALOG, INFO, ident, ident))
        self.out.write(b"startxref\n%d\n%%%%EOF\n" % start)
        self.offsets.close()
        self.kids.close()


def assemble(library: SharedObjects, part: bytes, info: dict[str, str], direction: str = "L2R") -> bytes:
    """One pack as a PDF of its own: the edition's shared objects, then the part; its catalog names
    the reading order (templates/direction.yaml `pdf`) when it is not left to right."""
    buffer = io.BytesIO()
    joiner = PdfJoiner(buffer, info, direction=direction)
    joiner.add(part, joiner.add_opening(library))
    joiner.close()
    return buffer.getvalue()


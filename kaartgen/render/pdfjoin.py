"""Join PDFs that kaartgen rendered into one file, streaming, so memory stays that of one part.

A print run of thousands of packs is rendered in parts of a few hundred packs. reportlab writes a
part's whole document in memory when it saves it, so one part is small enough; this joiner then
appends each part to the output file: it renumbers the part's objects, points its pages at one
shared page tree, and leaves stream data untouched. It only reads what reportlab writes (a classic
xref table, direct stream lengths, no object streams); anything else is refused.
"""

from __future__ import annotations

import hashlib
import re
from array import array
from pathlib import Path
from typing import BinaryIO

_REF = re.compile(rb"(\d+) 0 R\b")
_ROOT = re.compile(rb"/Root (\d+) 0 R")
_INFO = re.compile(rb"/Info (\d+) 0 R")
_PAGES = re.compile(rb"/Pages (\d+) 0 R")
_OUTLINES = re.compile(rb"/Outlines (\d+) 0 R")
_KIDS = re.compile(rb"/Kids\s*\[([^\]]*)\]")
_PDF_STRING = re.compile(rb"[()\\]")

PAGES, CATALOG, INFO = 1, 2, 3  # numbers of the joined file's own objects
CHUNK = 8192  # pages or xref rows written at a time


def _text(value: str) -> bytes:
    return b"(" + _PDF_STRING.sub(lambda m: b"\\" + m.group(0), value.encode("latin-1", "replace")) + b")"


class PdfJoiner:
    """Appends parts to an open binary file; `close()` writes the page tree, catalog and xref."""

    def __init__(self, out: BinaryIO, info: dict[str, str]):
        self.out = out
        self.info = info
        # One 8-byte number an object and 4 a page, not a dict entry: a print run of 50,000 packs
        # has millions of objects, and memory must not grow with the list.
        self.offsets = array("Q", [0] * (INFO + 1))
        self.kids = array("L")
        self.next = INFO + 1
        self.digest = hashlib.md5()
        self._write(b"%PDF-1.4\n%\x93\x8c\x8b\x9e\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)

    def _object(self, number: int, body: bytes) -> None:
        if number == len(self.offsets):
            self.offsets.append(self.out.tell())  # objects of the parts come in increasing numbers
        else:
            self.offsets[number] = self.out.tell()
        self._write(b"%d 0 obj\n" % number + body + b"\nendobj\n")

    def add(self, pdf: bytes) -> None:
        try:
            xref = int(pdf.rsplit(b"startxref", 1)[1].split()[0])
            lines = pdf[xref:pdf.index(b"trailer", xref)].split(b"\n")
            count = int(lines[1].split()[1])
            offsets = {i: int(lines[2 + i][:10]) for i in range(1, count) if lines[2 + i][17:18] == b"n"}
            trailer = pdf[pdf.index(b"trailer", xref):]
            root = int(_ROOT.search(trailer).group(1))
        except (IndexError, ValueError, AttributeError):
            raise ValueError("not a PDF as reportlab writes it (classic xref table expected)") from None
        ends = sorted(offsets.values()) + [xref]
        end_of = {start: ends[i + 1] for i, start in enumerate(ends[:-1])}

        def body(number: int) -> bytes:
            start = offsets[number]
            data = pdf[start:end_of[start]]
            data = data[data.index(b"obj") + 3:]
            return data[:data.rindex(b"endobj")].strip(b"\r\n")

        catalog = body(root)
        pages = int(_PAGES.search(catalog).group(1))
        skip = {root, pages}
        info = _INFO.search(trailer)
        if info:
            skip.add(int(info.group(1)))
        outlines = _OUTLINES.search(catalog)
        if outlines:
            skip.add(int(outlines.group(1)))
        mapping = {pages: PAGES}
        for number in sorted(offsets):
            if number not in skip:
                mapping[number] = self.next
                self.next += 1

        def renumber(data: bytes) -> bytes:
            return _REF.sub(lambda m: b"%d 0 R" % mapping[int(m.group(1))], data)

        for number in sorted(offsets):
            if number in skip:
                continue
            data = body(number)
            split = data.find(b">>\nstream")  # a stream: rewrite its dictionary only, never its data
            if split >= 0:
                data = renumber(data[:split]) + data[split:]
            else:
                data = renumber(data)
            self._object(mapping[number], data)
        kids = _KIDS.search(body(pages)).group(1)
        self.kids.extend(mapping[int(n)] for n in _REF.findall(kids))

    def close(self) -> None:
        """Write the page tree, catalog, info and xref, in chunks: a print run of 50,000 packs has
        400,000 pages and over a million objects, which must not be built up in memory at once."""
        self.offsets[PAGES] = self.out.tell()
        self._write(b"%d 0 obj\n<< /Type /Pages /Count %d /Kids [ " % (PAGES, len(self.kids)))
        for i in range(0, len(self.kids), CHUNK):
            self._write(b"".join(b"%d 0 R " % k for k in self.kids[i:i + CHUNK]))
        self._write(b"] >>\nendobj\n")
        self._object(CATALOG, b"<< /Type /Catalog /Pages %d 0 R >>" % PAGES)
        entries = b" ".join(b"/%s %s" % (k.encode("ascii"), _text(v)) for k, v in self.info.items())
        self._object(INFO, b"<< " + entries + b" >>")
        size = self.next
        start = self.out.tell()
        self.out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        for first in range(1, size, CHUNK):
            self.out.write(b"".join(b"%010d 00000 n \n" % self.offsets[n] for n in range(first, min(first + CHUNK, size))))
        ident = self.digest.hexdigest().encode("ascii")
        self.out.write(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s><%s>] >>\n" % (size, CATALOG, INFO, ident, ident))
        self.out.write(b"startxref\n%d\n%%%%EOF\n" % start)


def join_to(path: Path, parts, info: dict[str, str]) -> int:
    """Write the parts (an iterable of PDF bytes) as one PDF at `path`; returns its size."""
    try:
        with open(path, "wb") as f:
            joiner = PdfJoiner(f, info)
            for part in parts:
                joiner.add(part)
            joiner.close()
            return f.tell()
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)  # write() does not say where; the message names the folder
        raise

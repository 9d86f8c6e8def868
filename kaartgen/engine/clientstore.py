"""The clients of a batch, put away on disk as they are read and read back one at a time in mailing
order, so that a mailing of 50,000 clients never holds every name and address in memory."""

from __future__ import annotations

import pickle
import re
import tempfile
from array import array
from collections.abc import Iterator
from pathlib import Path

from kaartgen.model.clients import Client

KIX_PARTS = re.compile(r"(?P<postcode>\d{4}[A-Z]{2})(?P<number>\d{1,5})(?:X(?P<addition>[0-9A-Z]+))?")


class ClientStore:
    """Clients put away on disk as they are read, and read back one at a time in mailing order.

    A mailing of 50,000 clients would otherwise hold every name and address in memory for the
    whole run. While the list is read, each client has a sort key in memory, ending in the client's
    place in the file, as one bytes object: in the list's order the place alone; sorted by postcode
    (`sort="postcode"`), first the Dutch addresses by postcode, house number and addition, then the
    others by country and postcode, each tie in the list's order (UTF-8 sorts as the strings do, and
    a NUL, which no valid value holds, ends each part, so "1234 AB" still sorts before "1234 ABC").
    `seal` sorts them and keeps only the places, 8 bytes a client in one array. The file has no name,
    so the system removes it on every way out, a kill included; it lies in or next to the output
    folder, on that disk."""

    def __init__(self, out: Path, sort: str = "list"):
        self.sort = sort
        near = next(p for p in (out, *out.parents) if p.is_dir())
        self.file = tempfile.TemporaryFile(dir=near)
        self.keys: list[bytes] = []
        self.places = array("Q")
        self.editions: set[tuple[str, str, bool]] = set()

    def __enter__(self) -> ClientStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()

    def add(self, client: Client) -> None:
        offset = self.file.tell()
        pickle.dump(client, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.keys.append(self._key(client) + offset.to_bytes(8, "big"))
        self.editions.add((client.language, client.variant, client.large_print))

    def _key(self, client: Client) -> bytes:
        if self.sort != "postcode":
            return b""
        if client.kix is not None:  # a Dutch address: its KIX holds postcode, number and addition
            found = KIX_PARTS.fullmatch(client.kix)
            if found is not None:
                return b"0\0%s\0%05d\0%s\0" % (found["postcode"].encode(), int(found["number"]),
                                                 (found["addition"] or "").encode())
        return b"1\0%s\0%s\0" % ((client.country or "").upper().encode(), client.postcode.upper().encode())

    def seal(self) -> None:
        """Put the clients in mailing order. The keys go, and with them most of the memory that
        reading the list took, before the workers are forked from this process."""
        self.keys.sort()
        self.places = array("Q", (int.from_bytes(key[-8:], "big") for key in self.keys))
        self.keys = []

    def restrict(self, start: int, stop: int) -> None:
        """Keep the clients from `start` to `stop` in mailing order: a shard's slice."""
        self.places = self.places[start:stop]

    def __len__(self) -> int:
        return len(self.places)

    def __iter__(self) -> Iterator[Client]:
        for place in self.places:
            self.file.seek(place)
            yield pickle.load(self.file)

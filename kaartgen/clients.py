"""The client list for `kaartgen batch`: CSV as Excel exports it, or YAML, validated row by row.

A bad row never stops the batch: it becomes a RowError (row number, id, field, reason) and every
good row is still produced. Nothing here logs or prints a client's name or address.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


from kaartgen.errors import KaartgenError
from kaartgen.text import Personal

TWO_SPACES = "\u00a0\u00a0"  # PostNL: two spaces between postcode and town; no-break, so they are kept
COLUMNS = ("id", "name", "street", "postcode", "city", "country", "professional", "phone", "appointment",
           "location", "language", "variant", "large_print")
REQUIRED = ("id", "name", "street", "postcode", "city")
SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
DUTCH_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
HOME_COUNTRIES = {"", "nl", "nederland", "netherlands", "the netherlands"}
TRUE = {"1", "true", "yes", "ja", "j", "y", "x", "waar"}
FALSE = {"", "0", "false", "no", "nee", "n", "onwaar"}
DATE_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y %H:%M", "%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class Client:
    row: int
    id: str
    name: str
    street: str
    postcode: str
    city: str
    country: str | None
    professional: str | None
    phone: str | None
    appointment: datetime | None
    location: str | None
    language: str
    variant: str
    large_print: bool

    @property
    def personal(self) -> Personal:
        return Personal(self.name, self.professional, self.appointment, self.location)

    def address(self) -> list[str]:
        """PostNL: name; street and number; 'postcode  TOWN' (two spaces, capitals); country abroad."""
        lines = [self.name, self.street, f"{self.postcode}{TWO_SPACES}{self.city.upper()}"]
        if self.country:
            lines.append(self.country.upper())
        return lines


@dataclass(frozen=True)
class RowError:
    row: int
    id: str
    field: str
    reason: str


def _rows_csv(path: Path) -> list[dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise KaartgenError("not UTF-8; in Excel choose 'CSV UTF-8 (comma delimited)' when saving", path) from None
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    for record in reader:
        rows.append({(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else "" for k, v in record.items()})
    return rows


def _rows_yaml(path: Path) -> list[dict[str, str]]:
    from kaartgen.yamlfile import load_yaml

    data = load_yaml(path).data
    if isinstance(data, dict) and "clients" in data:
        data = data["clients"]
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise KaartgenError("expected a list of clients (mappings with the client columns)", path, 1)
    return [{str(k).strip().lower(): "" if v is None else str(v).strip() for k, v in r.items()} for r in data]


def read_rows(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    """The raw rows and the names of columns that are not used."""
    if not path.is_file():
        raise KaartgenError("client list not found", path)
    rows = _rows_yaml(path) if path.suffix.lower() in (".yaml", ".yml") else _rows_csv(path)
    columns = {c for r in rows for c in r}
    if rows and not ({"id", "name"} <= columns):
        raise KaartgenError(f"the client list needs at least the columns id and name; documented columns: "
                            f"{', '.join(COLUMNS)}", path, 1)
    return rows, sorted(c for c in columns if c and c not in COLUMNS)


def _appointment(value: str) -> datetime:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise ValueError("not a date and time; write YYYY-MM-DDTHH:MM, e.g. 2026-12-03T10:30")


def validate(rows: list[dict[str, str]], known_sets: set[str]) -> tuple[list[Client], list[RowError]]:
    """Clients from the good rows, and one error per bad row (the first problem found in it).

    Row numbers are those a spreadsheet shows: the header is row 1, the first client row 2.
    """
    clients: list[Client] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(rows):
        row = index + 2
        get = lambda key: raw.get(key, "").strip()  # noqa: E731
        cid = get("id")

        def fail(field: str, reason: str) -> None:
            errors.append(RowError(row, cid if SAFE_ID.match(cid) else "", field, reason))

        if not cid:
            fail("id", "id is empty; every client needs a unique id")
            continue
        if not SAFE_ID.match(cid):
            fail("id", "id may only contain letters, digits, - and _ (at most 64)")
            continue
        if cid in seen:
            fail("id", f"id is used twice (also on row {seen[cid]}); ids must be unique")
            continue
        seen[cid] = row
        missing = next((k for k in REQUIRED if not get(k)), None)
        if missing:
            fail(missing, f"{missing} is empty")
            continue
        country = get("country")
        postcode = get("postcode")
        if country.lower() in HOME_COUNTRIES:
            match = DUTCH_POSTCODE.match(postcode)
            if not match:
                fail("postcode", "not a Dutch postcode; write four digits and two letters, e.g. 1234 AB")
                continue
            postcode = f"{match.group(1)} {match.group(2).upper()}"
            country = ""
        appointment = None
        if get("appointment"):
            try:
                appointment = _appointment(get("appointment"))
            except ValueError as exc:
                fail("appointment", str(exc))
                continue
        language = get("language") or "nl"
        variant = get("variant") or "standaard"
        if f"{language}/{variant}" not in known_sets:
            field = "language" if not any(s.startswith(language + "/") for s in known_sets) else "variant"
            fail(field, f"no content for {language}/{variant}; use one of: {', '.join(sorted(known_sets))}")
            continue
        large = get("large_print").lower()
        if large not in TRUE | FALSE:
            fail("large_print", "write yes or no (or ja/nee, 1/0)")
            continue
        clients.append(Client(
            row=row, id=cid, name=get("name"), street=get("street"), postcode=postcode, city=get("city"),
            country=country or None, professional=get("professional") or None, phone=get("phone") or None,
            appointment=appointment, location=get("location") or None, language=language, variant=variant,
            large_print=large in TRUE,
        ))
    return clients, errors

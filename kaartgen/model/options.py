"""The options of one pack and of a batch, each one validated object whose errors name the field.

Like a configuration schema: every front end fills the same object from what it was given (the
CLI from its options, the web app from its form) and gets back every problem at once, each a
KaartgenError with `field` set to the engine's name for the value: language, variant, format,
large_print, name, professional, role, appointment, location, reference, back_offset, crop_marks;
for a batch also letter_date, jobs and sheet. The CLI shows a field as its option (`--appointment`),
the web app as its form control. What can be checked without the library is checked here; that a
set, a format or a character exists is the engine's check (Library.pack_options).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from kaartgen.errors import FieldError, KaartgenError, KaartgenErrors
from kaartgen.model.dates import parse_date_time
from kaartgen.model.text import Personal
from kaartgen.model.units import mm

T = TypeVar("T")

REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,23}")  # what a client id may be, and fits card 1's foot


def client_value(value: str | None) -> str | None:
    """A client value as typed (an option, a form field): NFC, as any keyboard gives it, or None when empty."""
    return unicodedata.normalize("NFC", value.strip()) if value and value.strip() else None


def check_reference(value: str | None) -> str | None:
    """A pack reference: letters, digits, '.', '_' and '-', at most 24; never a name or a date of birth."""
    if value is not None and not REFERENCE.fullmatch(value):
        raise FieldError("reference", "option.reference")
    return value


def parse_offset(value: str | None) -> tuple[float, float] | None:
    """A back offset as "DX,DY" in millimetres, in points."""
    if value is None or not value.strip():
        return None
    try:
        dx, dy = (float(v) for v in value.replace(" ", "").split(","))
    except ValueError:
        raise FieldError("back_offset", "option.back_offset") from None
    return mm(dx), mm(dy)


@dataclass(frozen=True)
class PackOptions:
    """Everything one pack is made with. Made by `PackOptions.parse` from values as typed."""

    language: str = "nl"
    variant: str = "standaard"
    format: str = "office"
    large_print: bool = False
    personal: Personal = field(default_factory=Personal)
    crop_marks: bool = False
    back_offset: tuple[float, float] | None = None

    @classmethod
    def parse(cls, *, language: str | None = None, variant: str | None = None, format: str | None = None,
              large_print: bool = False, name: str | None = None, professional: str | None = None,
              role: str | None = None, appointment: str | None = None, location: str | None = None,
              reference: str | None = None, crop_marks: bool = False, back_offset: str | None = None) -> PackOptions:
        """Options from values as typed; every problem at once (KaartgenErrors of FieldErrors)."""
        options, problems = cls.parse_partial(
            language=language, variant=variant, format=format, large_print=large_print, name=name,
            professional=professional, role=role, appointment=appointment, location=location, reference=reference,
            crop_marks=crop_marks, back_offset=back_offset)
        if problems:
            raise KaartgenErrors(problems)
        return options

    @classmethod
    def parse_partial(cls, *, language: str | None = None, variant: str | None = None, format: str | None = None,
                      large_print: bool = False, name: str | None = None, professional: str | None = None,
                      role: str | None = None, appointment: str | None = None, location: str | None = None,
                      reference: str | None = None, crop_marks: bool = False,
                      back_offset: str | None = None) -> tuple[PackOptions, list[KaartgenError]]:
        """Options with every value that is wrong left out, and what is wrong with each: so that a
        front end can still lay out the rest and tell, in one go, which of those does not fit."""
        problems: list[KaartgenError] = []

        def checked(parse: Callable[..., T], *args: Any) -> T | None:
            try:
                return parse(*args)
            except KaartgenErrors as exc:
                problems.extend(exc.errors)
            except KaartgenError as exc:
                problems.append(exc)
            return None

        when = client_value(appointment)
        personal = Personal(
            name=client_value(name), professional=client_value(professional), role=client_value(role),
            location=client_value(location),
            appointment=checked(parse_date_time, when, "appointment") if when else None,
            reference=checked(check_reference, client_value(reference)))
        offset = checked(parse_offset, back_offset)
        return cls(language=(language or "nl").strip(), variant=(variant or "standaard").strip(),
                   format=(format or "office").strip(), large_print=bool(large_print), personal=personal,
                   crop_marks=bool(crop_marks), back_offset=offset), problems


@dataclass(frozen=True)
class BatchOptions:
    """Everything a batch is made with: the list, where it goes, the content and templates, and how."""

    clients: Path
    out: Path
    content: Path
    templates: Path
    letter_date: date
    format: str = "office"
    jobs: int = 1
    resume: bool = False
    update: bool = False
    insert_marks: bool = False
    sheet: str | None = None  # of an Excel workbook; the first visible one when None
    messages: str = "en"  # the language of errors.csv's reasons
    columns: Path | None = None  # the list's own column names (model/columns.py)
    sort: str = "list"  # the print run's order: the list's, or "postcode" (postcode, number, addition)
    kix: bool = True  # PostNL's KIX under each Dutch address
    shard: tuple[int, int] | None = None  # (K, N): make the K-th of N slices, for `kaartgen join`
    scan_marks: bool = True  # corner dots and a 2D code on every fill-in card side, for `kaartgen scan`

    def __post_init__(self) -> None:
        problems: list[KaartgenError] = []
        if self.format in PRINT_ONLY:
            problems.append(FieldError("format", "option.format_not_printed", format=self.format))
        if not 1 <= self.jobs <= 64:
            problems.append(FieldError("jobs", "option.jobs", limit=64))
        if self.resume and self.update:
            problems.append(FieldError("update", "option.resume_and_update"))
        if self.shard is not None and not 1 <= self.shard[0] <= self.shard[1] <= MAX_SHARDS:
            problems.append(FieldError("shard", "option.shard", most=MAX_SHARDS))
        if self.shard is not None and (self.insert_marks or self.update):
            problems.append(FieldError("shard", "option.shard_alone"))
        if self.sort not in SORTS:
            problems.append(FieldError("sort", "option.sort", known=list(SORTS)))
        if problems:
            raise KaartgenErrors(problems) if len(problems) > 1 else problems[0]


SORTS = ("list", "postcode")
MAX_SHARDS = 1000  # slices of one mailing  # the orders a print run can have
PRINT_ONLY = ("digital", "html")  # a batch makes printed mail; fillable packs go to one client at a time

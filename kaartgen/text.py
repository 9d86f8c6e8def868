"""Card texts are Jinja2 templates; this renders them safely into plain text.

Rendering happens once, in a sandbox, with StrictUndefined: a value such as a client's name is
inserted as data and never parsed again, so `{{ 7*7 }}` or `<b>` in a name is printed exactly as
typed. The result is plain text; turning it into reportlab markup (with escaping) is fonts.markup's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kaartgen.content import Dates
from kaartgen.errors import KaartgenError

_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
_SPACES = re.compile(r"[ \t\r\n]+")

# The variables each kind of text may use; lint reports any other name.
CARD_VARIABLES = frozenset({"name", "professional", "appointment", "location"})
NUMBER_VARIABLES = frozenset({"number", "total"})
DATE_VARIABLES = frozenset({"weekday", "day", "month", "year", "hour", "minute"})
CALIBRATION_VARIABLES = frozenset({"example"})
LETTER_VARIABLES = frozenset({"name", "professional", "phone", "appointment", "location", "date"})
LETTER_DATE_VARIABLES = frozenset({"day", "month", "year"})


@dataclass(frozen=True)
class Personal:
    """What makes a pack personal. Never logged, never put in metadata or file names."""

    name: str | None = None
    professional: str | None = None
    appointment: datetime | None = None
    location: str | None = None

    @property
    def is_personal(self) -> bool:
        return any(v is not None for v in (self.name, self.professional, self.appointment, self.location))


@lru_cache(maxsize=4096)
def _compile(source: str):
    return _ENV.from_string(source)


def variables(source: str) -> set[str]:
    """Names a text uses; raises TemplateError on a syntax error."""
    return set(meta.find_undeclared_variables(_ENV.parse(source)))


def render(source: str, values: dict[str, object]) -> str:
    """Render one text to plain text with runs of white space folded to one space."""
    if "{" not in source:
        return _fold(source)
    try:
        result = _compile(source).render(**values)
    except TemplateError as exc:
        raise KaartgenError(f"template error in text {source[:40]!r}…: {exc}") from None
    return _fold(result)


def _fold(text: str) -> str:
    """Fold runs of ordinary white space to one space; no-break spaces are kept as written."""
    return " ".join(_SPACES.split(text)).strip()


def format_appointment(when: datetime, dates: Dates) -> str:
    """Date and time in words of the set's language, e.g. 'dinsdag 3 december 2026 om 10.30 uur'."""
    return render(
        dates.appointment,
        {
            "weekday": dates.weekdays[when.weekday()],
            "day": when.day,
            "month": dates.months[when.month - 1],
            "year": when.year,
            "hour": when.hour,
            "minute": f"{when.minute:02d}",
        },
    )


def format_date(when: date, dates: Dates) -> str:
    """A date in words of the set's language, e.g. '3 december 2026'."""
    return render(dates.letter, {"day": when.day, "month": dates.months[when.month - 1], "year": when.year})


def card_values(personal: Personal, dates: Dates) -> dict[str, object]:
    """The variables card texts see; absent values are None so `{% if name %}` works."""
    return {
        "name": personal.name,
        "professional": personal.professional,
        "appointment": format_appointment(personal.appointment, dates) if personal.appointment else None,
        "location": personal.location,
    }


def parse_appointment(value: str) -> datetime:
    """An ISO date-time ('2026-12-03T10:30'); anything else is a clear error."""
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        raise KaartgenError(
            f"appointment {value!r} is not a date and time; write it as YYYY-MM-DDTHH:MM, e.g. 2026-12-03T10:30"
        ) from None
    return when.replace(tzinfo=None, second=0, microsecond=0)

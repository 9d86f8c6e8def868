"""Card texts are Jinja2 templates; this renders them safely into plain text.

Rendering happens once, in a sandbox, with StrictUndefined: a value such as a client's name is
inserted as data and never parsed again, so `{{ 7*7 }}` or `<b>` in a name is printed exactly as
typed. The result is plain text; turning it into reportlab markup (with escaping) is fonts.markup's job.

Texts may use only what card texts need: `{{ name }}`, `{% if name %} … {% else %} … {% endif %}`,
comparisons and a few case filters. Loops, calls and arithmetic are refused before anything runs,
so no text, however written, can hang a build or fill the memory. An optional value that a client
does not have is `Absent`: false in `{% if %}`, and an error when printed, so a letter is never
signed "None".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from jinja2 import StrictUndefined, Template, TemplateError, meta, nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

from kaartgen.errors import AbsentValue, KaartgenError, TextNotAllowed
from kaartgen.model.content import Dates, SetInfo
from kaartgen.model.merge import Loc


class Absent:
    """An optional value the client does not have. False in `{% if %}`; printing it is an error."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __bool__(self) -> bool:
        return False

    def __str__(self) -> str:
        raise AbsentValue(self.name)

    def __repr__(self) -> str:
        return f"Absent({self.name!r})"


def _finalize(value: object) -> object:
    if isinstance(value, Absent):
        raise AbsentValue(value.name)
    return value


_ENV = ImmutableSandboxedEnvironment(undefined=StrictUndefined, autoescape=False, finalize=_finalize)
ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.Name, nodes.Const,
                 nodes.Not, nodes.And, nodes.Or, nodes.Compare, nodes.Operand, nodes.CondExpr, nodes.Concat,
                 nodes.Filter)
ALLOWED_FILTERS = frozenset({"upper", "lower", "capitalize", "title", "trim"})
_SPACES = re.compile(r"[ \t\r\n]+")

# The variables each kind of text may use; lint reports any other name.
CARD_VARIABLES = frozenset({"name", "professional", "role", "appointment", "location", "uwv_phone"})
NUMBER_VARIABLES = frozenset({"number", "total"})
DATE_VARIABLES = frozenset({"weekday", "day", "month", "year", "hour", "minute"})
CALIBRATION_VARIABLES = frozenset({"example"})
LETTER_VARIABLES = frozenset({"name", "professional", "role", "phone", "appointment", "location", "date",
                              "uwv_phone"})


@dataclass(frozen=True)
class Personal:
    """What makes a pack personal. Never logged, never put in metadata or file names."""

    name: str | None = None
    professional: str | None = None
    appointment: datetime | None = None
    location: str | None = None
    role: str | None = None  # the professional's role, e.g. arbeidsdeskundige
    reference: str | None = None  # the pack's reference (a batch's client id): no personal data

    @property
    def is_personal(self) -> bool:
        return any(v is not None for v in (self.name, self.professional, self.appointment, self.location, self.role,
                                           self.reference))


def _parse(source: str) -> nodes.Template:
    """The syntax tree of a text, refused if it uses anything beyond variables, if and case filters."""
    tree = _ENV.parse(source)
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, ALLOWED_NODES) or (isinstance(node, nodes.Filter) and node.name not in ALLOWED_FILTERS):
            what = f"| {node.name}" if isinstance(node, nodes.Filter) else type(node).__name__
            raise TextNotAllowed("text.not_allowed", what=what, filters=sorted(ALLOWED_FILTERS))
    return tree


@lru_cache(maxsize=4096)
def _compile(source: str) -> Template:
    return _ENV.from_string(_parse(source))


def variables(source: str) -> set[str]:
    """Names a text uses; raises TemplateError on a syntax error, TextNotAllowed on a forbidden construct."""
    return set(meta.find_undeclared_variables(_parse(source)))


def render(source: str, values: dict[str, object], loc: Loc | None = None) -> str:
    """Render one text to plain text with runs of white space folded to one space. An error names
    `loc`, the text's place in the content model, when given."""
    if "{" not in source:
        return _fold(source)
    try:
        result = _compile(source).render(**values)
    except TemplateError as exc:
        raise KaartgenError("text.template_error", loc=loc, start=repr(source[:40]), problem=str(exc)) from None
    except KaartgenError as exc:  # AbsentValue, TextNotAllowed: raised where the text's place is unknown
        raise exc.at(loc) from None
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


def optional(name: str, value: object | None) -> object:
    """A value for a text: itself, or Absent when the client has none."""
    return Absent(name) if value is None or value == "" else value


def card_values(personal: Personal, info: SetInfo) -> dict[str, object]:
    """The variables card texts see; absent values are Absent so `{% if name %}` works. `uwv_phone`
    is the set's one phone number for clients (set.yaml `contact.phone`)."""
    dates = info.dates
    appointment = format_appointment(personal.appointment, dates) if personal.appointment else None
    return {
        "uwv_phone": info.contact.phone,
        "name": optional("name", personal.name),
        "professional": optional("professional", personal.professional),
        "appointment": optional("appointment", appointment),
        "location": optional("location", personal.location),
        "role": optional("role", personal.role),
    }


def client_value(value: str | None) -> str | None:
    """A client value as typed (an option, a form field): NFC, as any keyboard gives it, or None when empty."""
    return unicodedata.normalize("NFC", value.strip()) if value and value.strip() else None

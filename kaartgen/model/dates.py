"""Dates and times as people and spreadsheets write them, and what is odd about an appointment.

A value that has no date's form ("3 december") and one that has it but names no real day
("31-02-2027") are different errors: the first says how to write it, the second that the day does
not exist. Messages never repeat the date itself.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from kaartgen.errors import KaartgenError
from kaartgen.messages import Term

# Each form a date and time may take: a pattern with the named parts, as written.
FORMS = tuple(re.compile(p) for p in (
    r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?",
    r"(?P<d>\d{1,2})-(?P<m>\d{1,2})-(?P<y>\d{4}) (?P<H>\d{1,2}):(?P<M>\d{2})",
    r"(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4}) (?P<H>\d{1,2}):(?P<M>\d{2})",
))
WEEKDAYS = tuple(Term(f"term.{day}") for day in
                 ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))


def parse_date_time(value: str, field: str = "appointment") -> datetime:
    """A date and time in one of FORMS; a KaartgenError about `field` otherwise (never quoting it)."""
    text = value.strip()
    for form in FORMS:
        match = form.fullmatch(text)
        if match:
            parts = {k: int(v) for k, v in match.groupdict().items() if v is not None}
            try:
                return datetime(parts["y"], parts["m"], parts["d"], parts["H"], parts["M"], parts.get("S", 0))
            except ValueError:
                raise KaartgenError("date.not_exist", field=field) from None
    raise KaartgenError("date.format", field=field)


def parse_day(value: str, field: str = "letter_date") -> date:
    """A date as YYYY-MM-DD (an option, a form's date control)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        raise KaartgenError("date.day_format", field=field)
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise KaartgenError("date.not_exist", field=field) from None


def date_warnings(when: datetime, earliest: date, since: str = "letter") -> list[KaartgenError]:
    """What is odd about an appointment, but not wrong enough to refuse it: a date before
    `earliest` (the letter's date, or today: `since`) or in a weekend. Both when both are true."""
    found = []
    if when.date() < earliest:
        found.append(KaartgenError(f"date.before_{since}", field="appointment"))
    if when.weekday() >= 5:
        found.append(KaartgenError("date.weekend", field="appointment", weekday=WEEKDAYS[when.weekday()]))
    return found

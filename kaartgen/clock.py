"""The one clock: the date kaartgen takes as today.

Only the front ends (the commands and the web app) ask for it, and they pass the date on to the
engine, which never reads the clock itself. `KAARTGEN_TODAY` (YYYY-MM-DD) fixes it: tests set it so
that they pass on any day, and a run that must give the same output on another day may set it too.
"""

from __future__ import annotations

import os
from datetime import date

from kaartgen.errors import KaartgenError

VARIABLE = "KAARTGEN_TODAY"


def today() -> date:
    """The system's date, or the one `KAARTGEN_TODAY` fixes."""
    fixed = os.environ.get(VARIABLE, "").strip()
    if not fixed:
        return date.today()
    try:
        return date.fromisoformat(fixed)
    except ValueError:
        raise KaartgenError("clock.variable", variable=VARIABLE) from None

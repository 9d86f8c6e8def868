"""One error type for everything a user can fix, so the CLI can print it as one line and exit 2.

Every message says where (file and line when known) and what to do, because the people who see
these errors are content owners and mail-room staff, not Python developers.
"""

from __future__ import annotations

import copy
from pathlib import Path


class KaartgenError(Exception):
    """A problem in the input (content, templates, options or client data) that the user can fix."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None,
                 loc: tuple | None = None):
        super().__init__(message)
        self.message = message
        self.file = Path(file) if file is not None else None
        self.line = line
        self.loc = loc  # where in the content model, resolved to file:line by the caller that knows the files

    def at(self, loc: tuple | None) -> "KaartgenError":
        """This error located at `loc` in the content model, unless it already names a place.

        For errors raised where the location is not known (deep inside a template's rendering):
        the one function that knows the location re-raises `exc.at(loc)`; nothing is patched."""
        if loc is None or self.loc is not None or self.file is not None:
            return self
        located = copy.copy(self)
        located.loc = loc
        return located

    def __str__(self) -> str:
        if self.file is None:
            return self.message
        where = f"{self.file}:{self.line}" if self.line else f"{self.file}"
        return f"{where}: {self.message}"


class KaartgenErrors(KaartgenError):
    """Several problems found in one pass (lint, validation), reported together."""

    def __init__(self, errors: list[KaartgenError]):
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class FitError(KaartgenError):
    """Text that does not fit its box: names the card side, the box and by how much."""


class FieldError(KaartgenError):
    """A client value that cannot be printed; `field` names the column (or option) to fix."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class MissingGlyph(KaartgenError):
    """A character that neither the style's font nor the fallback font can draw."""

    def __init__(self, char: str, loc: tuple | None = None):
        self.char = char
        super().__init__(
            f"character {char!r} (U+{ord(char):04X}) is in no font of the templates; "
            "replace it, or add a font that has it to templates/fonts.yaml",
            loc=loc,
        )


class AbsentValue(KaartgenError):
    """A text prints an optional value without `{% if %}` around it."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"prints {{{{ {name} }}}}, which is optional and may be empty; "
                         f"put it inside {{% if {name} %}} … {{% endif %}}")


class TextNotAllowed(KaartgenError):
    """A text uses a template construct that card texts may not use."""


class Stopped(BaseException):
    """The user or the system asked the run to stop (Ctrl-C, SIGTERM). A BaseException, like
    KeyboardInterrupt, so that every `finally` cleans up on the way out and no `except Exception`
    swallows it. `code` is the exit code: 128 + the signal's number (130, 143)."""

    def __init__(self, signum: object = 2, *rest: object):
        # reportlab re-raises exceptions it passes through as `type(exc)(message)`, so the
        # argument may be text: the signal then comes from the recorded request.
        super().__init__(signum, *rest)
        number = signum if isinstance(signum, int) else (_stop_requests[0] if _stop_requests else 2)
        self.code = 128 + number


_stop_requests: list[int] = []


def request_stop(signum: int) -> None:
    """Remember a stop request. The signal handler also raises Stopped at once, but a library's
    bare `except:` may swallow that; long loops call `check_stop()` so the request is never lost."""
    _stop_requests.append(signum)


def check_stop() -> None:
    if _stop_requests:
        raise Stopped(_stop_requests[0])

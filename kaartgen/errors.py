"""One error type for everything a user can fix: a message code with its parameters, never a
sentence, so each front end shows it in its user's language and names the field its own way.

The wording of every code is in the catalogue (templates/messages/catalogue.yaml, Dutch and
English; see messages.py). An error says where (`file` and `line` when known; `loc`, the place in
the content model, until the one function that knows the files turns it into file and line; `key`,
the dotted key path shown after them) and which value it is about (`field`: an engine name such as
name, appointment or postcode, which the CLI shows as an option or a column and the web app as a
form label). The people who see these errors are content owners, professionals and mail-room staff.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kaartgen.model.merge import Loc


def _rebuild(cls: type[KaartgenError], state: dict[str, Any]) -> KaartgenError:
    error = cls.__new__(cls)
    Exception.__init__(error, state.get("code", ""))
    error.__dict__.update(state)
    return error


_Rebuild = Callable[[type["KaartgenError"], dict[str, Any]], "KaartgenError"]


class KaartgenError(Exception):
    """A problem in the input (content, templates, options or client data) that the user can fix."""

    def __init__(self, code: str, *, file: Path | str | None = None, line: int | None = None,
                 loc: Loc | None = None, key: str | None = None, field: str | None = None, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params
        self.file = Path(file) if file is not None else None
        self.line = line
        self.loc = loc  # where in the content model, resolved to file:line by the caller that knows the files
        self.key = key  # the dotted key path in the file, e.g. cards[1].sides[0].blocks[2]
        self.field = field  # the value it is about, by its engine name

    def __reduce__(self) -> tuple[_Rebuild, tuple[type[KaartgenError], dict[str, Any]]]:
        # pickled whole (workers send errors back), whatever a subclass's __init__ takes
        return _rebuild, (type(self), self.__dict__)

    def text(self, lang: str = "en") -> str:
        """The message in `lang` ("nl" or "en"), without place or field: each front end adds those."""
        from kaartgen.messages import render

        return render(self.code, self.params, lang)

    @property
    def message(self) -> str:
        """The message in English (logs, tests, callers that have no user)."""
        return self.text("en")

    def place(self) -> str:
        """file:line and the key path, as the start of a line: '' when the error has no place."""
        parts = []
        if self.file is not None:
            parts.append(f"{self.file}:{self.line}" if self.line else f"{self.file}")
        if self.key:
            parts.append(self.key)
        return ": ".join(parts)

    def located_text(self, lang: str = "en") -> str:
        where = self.place()
        return f"{where}: {self.text(lang)}" if where else self.text(lang)

    def at(self, loc: Loc | None) -> KaartgenError:
        """This error located at `loc` in the content model, unless it already names a place.

        For errors raised where the location is not known (deep inside a template's rendering):
        the one function that knows the location re-raises `exc.at(loc)`; nothing is patched."""
        if loc is None or self.loc is not None or self.file is not None:
            return self
        located = copy.copy(self)
        located.loc = loc
        return located

    def __str__(self) -> str:
        return self.located_text("en")


class KaartgenErrors(KaartgenError):
    """Several problems found in one pass (lint, validation), reported together."""

    def __init__(self, errors: list[KaartgenError]):
        super().__init__("errors")
        self.errors = errors

    def located_text(self, lang: str = "en") -> str:
        return "\n".join(e.located_text(lang) for e in self.errors)

    def text(self, lang: str = "en") -> str:
        return "\n".join(e.located_text(lang) for e in self.errors)


class FitError(KaartgenError):
    """Text that does not fit its box: names the card side, the box and by how much."""


class FieldError(KaartgenError):
    """A client value (an option, a column, a form field) that cannot be printed; `field` names it."""

    def __init__(self, field: str, code: str, **params: Any):
        super().__init__(code, field=field, **params)


class MissingGlyph(KaartgenError):
    """A character that neither the style's font nor the fallback font can draw."""

    def __init__(self, char: str, loc: Loc | None = None):
        if len(char) != 1:  # made again from its text, as reportlab re-raises what passes through it
            super().__init__(char, loc=loc)
            self.char = ""
            return
        super().__init__("glyph.missing", loc=loc, char=repr(char), point=f"U+{ord(char):04X}")
        self.char = char


class AbsentValue(KaartgenError):
    """A text prints an optional value without `{% if %}` around it."""

    def __init__(self, name: str):
        super().__init__("text.absent_value", name=name)
        self.name = name


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

"""What every command shares: how a message is said (in the CLI's language, a field as its option),
error reporting and exit codes, common options, and the folders of content and templates (an
option, else `kaartgen.yaml`, else the built-in ones).

Exit codes: 0 all good; 1 rows of a batch (or lint) failed; 2 bad input or environment (a
KaartgenError, or a disk that is full, read-only or over a size limit), one message a problem on
stderr, never a traceback; 130 and 143 stopped by Ctrl-C or SIGTERM, after cleaning up. Client
values given on the command line are passed on and never echoed.

Messages are the engine's codes worded by the catalogue: English, or Dutch when the locale is Dutch
(LC_ALL, LC_MESSAGES or LANG starting with nl). A field is named as the option that sets it.
"""

from __future__ import annotations

import errno
import functools
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, ParamSpec, TextIO, TypeVar

import click
from click.decorators import FC

from kaartgen import messages
from kaartgen.errors import KaartgenError, KaartgenErrors, Stopped, request_stop

if TYPE_CHECKING:
    from kaartgen.engine import Library

P = ParamSpec("P")
R = TypeVar("R")

# Commands import the engine inside their functions, not here: `kaartgen --help` and every
# command's start would otherwise wait for the PDF, model and font libraries to load.

EXIT_INPUT = 2
FLAGS = {  # an engine field as the CLI names it; others are --<field> with - for _
    "letter_date": "--date", "clients": "CLIENTS", "parts": "PARTS", "calibration": "--calibration",
    "config": "--config", "content": "--content", "templates": "--templates", "out": "--out",
}
ENVIRONMENT = {  # what the user can do about an OSError while writing
    errno.ENOSPC: "cli.disk_full",
    errno.EDQUOT: "cli.quota",
    errno.EFBIG: "cli.file_size",
    errno.EROFS: "cli.read_only",
    errno.EACCES: "cli.no_permission",
    errno.EPERM: "cli.no_permission",
}


class TerminalBar:
    """Progress as a bar on a terminal (counts only, never client data); nothing elsewhere."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stderr
        self.on = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.shown = False
        self._lock = threading.Lock()  # a batch's results arrive on another thread

    def __call__(self, done: int, total: int) -> None:
        if not self.on or total <= 0:
            return
        with self._lock:
            filled = int(self.WIDTH * done / total)
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] {done}/{total}")
            self.stream.flush()
            self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")


def lang() -> str:
    """The language of this command's messages."""
    return messages.language()


def say(code: str, **params: Any) -> str:
    """One of the CLI's own sentences, in its language."""
    return messages.render(code, params, lang())


def flag(field: str | None) -> str:
    return FLAGS.get(field or "", f"--{(field or '').replace('_', '-')}")


def problem_lines(exc: KaartgenError) -> list[str]:
    """What is wrong, without the word "error": file:line first when it has a place, else `--option: …`."""
    if isinstance(exc, KaartgenErrors):
        return [line for e in exc.errors for line in problem_lines(e)]
    text = exc.text(lang())
    if exc.place():
        return [f"{exc.place()}: {text}"]
    return [f"{flag(exc.field)}: {text}" if exc.field else text]


def error_lines(exc: KaartgenError) -> list[str]:
    """How the CLI says an error: file:line first when it has a place, else `error: --option: …`
    (`fout:` in Dutch)."""
    if isinstance(exc, KaartgenErrors):
        return [line for e in exc.errors for line in error_lines(e)]
    line = problem_lines(exc)[0]
    return [line if exc.place() else say("cli.error", text=line)]


def row_line(row: int, cid: str, field: str, text: str) -> str:
    """A row's problem or warning: `row 3 (K1): name: is empty; fill it in`."""
    return say("cli.row", row=row, id=f" ({cid})" if cid else "", field=field, text=text)


def _stop(signum: int, frame: FrameType | None) -> None:
    """First Ctrl-C or SIGTERM: stop, clean up (further signals are ignored meanwhile), exit 130/143."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    request_stop(signum)
    raise Stopped(signum)


def reports_errors(stopped: str = "cli.stopped") -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Turn every way a command can end badly into lines on stderr and its exit code."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            if threading.current_thread() is threading.main_thread():  # signals go to the main thread only
                signal.signal(signal.SIGINT, _stop)
                signal.signal(signal.SIGTERM, _stop)
            try:
                return func(*args, **kwargs)
            except KaartgenError as exc:
                for line in error_lines(exc):
                    click.echo(line, err=True)
                sys.exit(EXIT_INPUT)
            except (Stopped, KeyboardInterrupt) as exc:
                click.echo(say(stopped), err=True)
                sys.exit(exc.code if isinstance(exc, Stopped) else 130)
            except OSError as exc:
                where = Path(exc.filename).parent if exc.filename else None
                what = say(ENVIRONMENT[exc.errno]) if exc.errno in ENVIRONMENT else \
                    say("cli.os_error", reason=exc.strerror or str(exc))
                click.echo(say("cli.cannot_write_in", folder=where, what=what) if where else
                           say("cli.cannot_write", what=what), err=True)
                sys.exit(EXIT_INPUT)

        return wrapper

    return decorate


def library(content: Path | None, templates: Path | None) -> Library:
    """The engine for the folders given as options, else in kaartgen.yaml, else the built-in ones."""
    from kaartgen.engine import DEFAULT_CONTENT, DEFAULT_TEMPLATES, Library, configured

    config = click.get_current_context().find_root().params.get("config")
    folders = configured(config) if content is None or templates is None else {}
    return Library(content or folders.get("content", DEFAULT_CONTENT),
                   templates or folders.get("templates", DEFAULT_TEMPLATES))


content_option = click.option("--content", type=click.Path(path_type=Path), default=None,
                              show_default="kaartgen.yaml's, else built-in",
                              help="Folder with <language>/<variant>/ YAML texts.")
templates_option = click.option("--templates", type=click.Path(path_type=Path), default=None,
                                show_default="kaartgen.yaml's, else built-in",
                                help="Folder with the template YAML files.")
no_scan_marks_option = click.option("--no-scan-marks", is_flag=True,
                                    help="No corner dots and codes on the fill-in cards (kaartgen scan "
                                         "cannot read them back).")


class LanguageOption(click.Option):
    """--language, whose help names the languages the content has sets in, each by its own name
    (templates/lists/languages.yaml), read from kaartgen.yaml's folders or the built-in ones when
    the help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from kaartgen.engine import DEFAULT_CONTENT, DEFAULT_TEMPLATES, configured, languages_present

        try:
            folders = configured(ctx.find_root().params.get("config"))
            present = languages_present(folders.get("content", DEFAULT_CONTENT),
                                        folders.get("templates", DEFAULT_TEMPLATES))
        except (KaartgenError, OSError):
            present = []
        listed = ", ".join(code if name == code else f"{code} ({name})" for code, name in present)
        self.help = f"Language folder of the content{': ' + listed if listed else ''}."
        return super().get_help_record(ctx)


language_option = click.option("--language", cls=LanguageOption, default="nl", show_default=True,
                               help="Language folder of the content.")
variant_option = click.option("--variant", default="standaard", show_default=True,
                              help="Text variant folder of the content.")


def out_option(what: str, required: bool = False) -> Callable[[FC], FC]:
    if required:
        return click.option("--out", type=click.Path(path_type=Path), required=True, help=f"Folder for {what}.")
    return click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
                        help=f"Folder for {what}.")

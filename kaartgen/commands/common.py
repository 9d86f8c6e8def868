"""What every command shares: error reporting and exit codes, common options, and the folders of
content and templates (an option, else `kaartgen.yaml`, else the built-in ones).

Exit codes: 0 all good; 1 rows of a batch (or lint) failed; 2 bad input or environment (a
KaartgenError, or a disk that is full, read-only or over a size limit), as one message on stderr,
never a traceback; 130 and 143 stopped by Ctrl-C or SIGTERM, after cleaning up. Client values
given on the command line are passed on and never echoed.
"""

from __future__ import annotations

import errno
import functools
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kaartgen.errors import KaartgenError, Stopped, request_stop
from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES

if TYPE_CHECKING:
    from kaartgen.engine.edition import Library

# Commands import the engine inside their functions, not here: `kaartgen --help` and every
# command's start would otherwise wait for the PDF, model and font libraries to load.

EXIT_INPUT = 2
CONFIG = "kaartgen.yaml"  # looked for in the working folder
CONFIG_KEYS = ("content", "templates")
ENVIRONMENT = {  # what the user can do about an OSError while writing
    errno.ENOSPC: "the disk is full; free some space or choose another folder with --out",
    errno.EDQUOT: "the disk quota is used up; free some space or choose another folder with --out",
    errno.EFBIG: "a file would exceed the size limit of this system or account; ask the administrator to raise it",
    errno.EROFS: "the folder is on a read-only disk; choose another folder with --out",
    errno.EACCES: "kaartgen may not write there; choose another folder with --out, or ask for write permission",
    errno.EPERM: "kaartgen may not write there; choose another folder with --out, or ask for write permission",
}


def _stop(signum: int, frame) -> None:
    """First Ctrl-C or SIGTERM: stop, clean up (further signals are ignored meanwhile), exit 130/143."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    request_stop(signum)
    raise Stopped(signum)


def reports_errors(stopped: str = "stopped"):
    """Turn every way a command can end badly into one line on stderr and its exit code."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            if threading.current_thread() is threading.main_thread():  # signals go to the main thread only
                signal.signal(signal.SIGINT, _stop)
                signal.signal(signal.SIGTERM, _stop)
            try:
                return func(*args, **kwargs)
            except KaartgenError as exc:
                click.echo(f"error: {exc}" if exc.file is None else str(exc), err=True)
                sys.exit(EXIT_INPUT)
            except (Stopped, KeyboardInterrupt) as exc:
                click.echo(stopped, err=True)
                sys.exit(exc.code if isinstance(exc, Stopped) else 130)
            except OSError as exc:
                where = Path(exc.filename).parent if exc.filename else None
                what = ENVIRONMENT.get(exc.errno, f"{exc.strerror or exc}; check the folder and the disk")
                click.echo(f"error: cannot write{f' in {where}' if where else ''}: {what}", err=True)
                sys.exit(EXIT_INPUT)

        return wrapper

    return decorate


def configured(config: Path | None) -> dict[str, Path]:
    """Folders named in kaartgen.yaml (`--config FILE`, or kaartgen.yaml in the working folder),
    relative to that file; {} when there is none."""
    from kaartgen.model.yamlfile import load_yaml

    path = config if config is not None else Path(CONFIG)
    if config is None and not path.is_file():
        return {}
    if not path.is_file():
        raise KaartgenError(f"--config {path}: file not found")
    yf = load_yaml(path, plain=True)
    if not isinstance(yf.data, dict):
        raise KaartgenError(f"expected a mapping with {' and '.join(CONFIG_KEYS)}", path, 1)
    folders = {}
    for key, value in yf.data.items():
        if key not in CONFIG_KEYS:
            raise yf.error((key,), f"unknown key '{key}'; kaartgen.yaml names {' and '.join(CONFIG_KEYS)}")
        if not isinstance(value, str) or not value.strip():
            raise yf.error((key,), "must be the path of a folder")
        folders[key] = (path.parent / value.strip()).resolve()
    return folders


def library(content: Path | None, templates: Path | None) -> Library:
    """The engine for the folders given as options, else in kaartgen.yaml, else the built-in ones."""
    from kaartgen.engine.edition import Library

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
language_option = click.option("--language", default="nl", show_default=True, help="Language folder of the content.")
variant_option = click.option("--variant", default="standaard", show_default=True,
                              help="Text variant folder of the content.")


def out_option(what: str, required: bool = False):
    if required:
        return click.option("--out", type=click.Path(path_type=Path), required=True, help=f"Folder for {what}.")
    return click.option("--out", type=click.Path(path_type=Path), default=Path("output"), show_default=True,
                        help=f"Folder for {what}.")

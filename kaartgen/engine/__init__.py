"""The engine: the one API every front end calls (the CLI in kaartgen/commands, the web app in
kaartgen/web). Front ends import from here only; what lies behind (model, fonts, layout, documents,
render) may change without them noticing. Names load on first use, so a command's start pays only
for what it uses.

A pack for one client::

    from kaartgen.engine import Library, PackOptions
    options = PackOptions.parse(language="nl", variant="eenvoudig", format="digital", name="Zoë de Wit",
                                appointment="2026-12-03T10:30")
    library = Library()                               # or Library(content_dir, templates_dir)
    edition = library.edition(options.language, options.variant, options.large_print, options.format)
    pdf = edition.pack(options.personal)              # bytes; edition.file_name(options.personal) names it

A mailing::

    from kaartgen.engine import BatchOptions, run_batch
    result = run_batch(BatchOptions(clients=Path("klanten.xlsx"), out=Path("week48"), content=library.content,
                                    templates=library.templates, letter_date=date(2026, 11, 23)))
    result.packs, result.errors                       # RowErrors with message codes

The check before a mailing, without writing anything::

    from kaartgen.engine import check_batch
    report = check_batch(Path("klanten.xlsx"), library, "office", date(2026, 11, 23))

Reading answers back (a filled fillable PDF, or the JSON the web-page pack saves)::

    reading = library.read(Path("ingevuld.pdf"), date.today())
    reading.summary, reading.pdf, reading.stem

Evaluating many clients' answers, counted so that no client can be found in them::

    from kaartgen.engine import EvaluateOptions, evaluate_answers
    result = evaluate_answers(library, EvaluateOptions(paths=(Path("antwoorden"),), groups=Path("groepen.csv")))
    result.outputs()                                  # [(file name, bytes)]: report PDF and HTML, tables CSV/JSON

Scanned paper cards back into answers (the web-page pack's JSON, with handwriting as pictures)::

    from kaartgen.engine import Scanner
    result = Scanner(library).scan([(Path("scan.pdf"), None)])
    for index, pack in enumerate(result.packs, 1):
        pack.files(pack.stem(index))                  # [(file name, bytes)]: the JSON and its PNGs

Checking content and templates::

    from kaartgen.engine import lint
    report = lint(library.content, library.templates)  # report.problems: KaartgenErrors with file:line

Every error is a KaartgenError with a message code (kaartgen.errors); `exc.text("nl")` words it.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# name -> the module that defines it
_EXPORTS = {
    # content and templates, loaded once; editions render packs, guides, previews; reading answers
    "Library": "kaartgen.engine.edition",
    "Edition": "kaartgen.engine.edition",
    "Reading": "kaartgen.engine.edition",
    "SetFile": "kaartgen.render.setfile",
    "PackOptions": "kaartgen.model.options",
    "BatchOptions": "kaartgen.model.options",
    "client_value": "kaartgen.model.options",
    "parse_day": "kaartgen.model.dates",
    "date_warnings": "kaartgen.model.dates",
    # mailings
    "run_batch": "kaartgen.engine.batch",
    "BatchResult": "kaartgen.engine.batch",
    "Progress": "kaartgen.engine.batch",
    "envelope_check_pdf": "kaartgen.engine.batch",
    "MERGED": "kaartgen.engine.printrun",
    "ERRORS": "kaartgen.engine.printrun",
    "join_parts": "kaartgen.engine.shards",
    "JoinResult": "kaartgen.engine.shards",
    "MANIFEST": "kaartgen.engine.jobfolder",
    "check_batch": "kaartgen.engine.listcheck",
    "CheckReport": "kaartgen.engine.listcheck",
    "RowError": "kaartgen.model.clients",
    "ListReading": "kaartgen.model.clients",
    "Sheets": "kaartgen.model.sheets",
    "SPREADSHEETS": "kaartgen.model.sheets",
    "TooManyRows": "kaartgen.model.sheets",
    # checking content
    "lint": "kaartgen.engine.linting",
    "LintReport": "kaartgen.engine.linting",
    "SetReport": "kaartgen.engine.linting",
    "LINT_SIZES": "kaartgen.engine.linting",
    # translating a set through a gettext PO file
    "export_po": "kaartgen.engine.translate",
    "import_po": "kaartgen.engine.translate",
    # the server's worker processes
    "RenderPool": "kaartgen.engine.pool",
    "TimedOut": "kaartgen.engine.pool",
    "Unavailable": "kaartgen.engine.pool",
    "POOL_SECONDS": "kaartgen.engine.pool",
    "SHOWN_CHARACTERS": "kaartgen.engine.read",
    "SHOWN_LINES": "kaartgen.engine.read",
    # where things are, and writing files whole
    "DEFAULT_CONTENT": "kaartgen.model.builtin",
    "DEFAULT_TEMPLATES": "kaartgen.model.builtin",
    "CONFIG": "kaartgen.model.config",
    "configured": "kaartgen.model.config",
    "languages_present": "kaartgen.model.columns",
    "write_atomic": "kaartgen.render.atomic",
    "remove_temporary": "kaartgen.render.atomic",
    # running kaartgen as a service: the audit log
    "AuditLog": "kaartgen.engine.audit",
    "load_statement": "kaartgen.model.statement",
    "Statement": "kaartgen.model.statement",
    "serve_settings": "kaartgen.model.config",
    "SERVE_KEYS": "kaartgen.model.config",
    # paper answers back: scanned fill-in cards
    "Scanner": "kaartgen.engine.scan",
    "ScanResult": "kaartgen.engine.scan",
    "ScannedPack": "kaartgen.engine.scan",
    "SCAN_SUFFIXES": "kaartgen.engine.scanpages",
    "suffix_of": "kaartgen.engine.scanpages",
    # evaluating many clients' answers, without exposing one
    "evaluate_answers": "kaartgen.engine.evaluate",
    "EvaluateOptions": "kaartgen.engine.evaluate",
    "Evaluation": "kaartgen.engine.evaluate",
    "EVALUATION_KEY_MIN": "kaartgen.engine.evaluate",
}
_RENAMED = {"LINT_SIZES": "SIZES", "POOL_SECONDS": "SECONDS", "evaluate_answers": "evaluate",
            "EVALUATION_KEY_MIN": "MIN_KEY"}

__all__ = [  # the same names as _EXPORTS (a test checks)
    "CONFIG",
    "DEFAULT_CONTENT",
    "DEFAULT_TEMPLATES",
    "ERRORS",
    "EVALUATION_KEY_MIN",
    "LINT_SIZES",
    "MANIFEST",
    "MERGED",
    "POOL_SECONDS",
    "SCAN_SUFFIXES",
    "SERVE_KEYS",
    "SHOWN_CHARACTERS",
    "SHOWN_LINES",
    "SPREADSHEETS",
    "AuditLog",
    "BatchOptions",
    "BatchResult",
    "CheckReport",
    "Edition",
    "EvaluateOptions",
    "Evaluation",
    "JoinResult",
    "Library",
    "LintReport",
    "ListReading",
    "PackOptions",
    "Progress",
    "Reading",
    "RenderPool",
    "RowError",
    "ScanResult",
    "ScannedPack",
    "Scanner",
    "SetFile",
    "SetReport",
    "Sheets",
    "Statement",
    "TimedOut",
    "TooManyRows",
    "Unavailable",
    "check_batch",
    "client_value",
    "configured",
    "date_warnings",
    "envelope_check_pdf",
    "evaluate_answers",
    "export_po",
    "import_po",
    "join_parts",
    "languages_present",
    "lint",
    "load_statement",
    "parse_day",
    "remove_temporary",
    "run_batch",
    "serve_settings",
    "suffix_of",
    "write_atomic",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kaartgen.engine' has no attribute {name!r}")
    value = getattr(import_module(module), _RENAMED.get(name, name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and editors: the same names, imported eagerly
    from kaartgen.engine.audit import AuditLog
    from kaartgen.engine.batch import BatchResult, Progress, envelope_check_pdf, run_batch
    from kaartgen.engine.edition import Edition, Library, Reading
    from kaartgen.engine.evaluate import MIN_KEY as EVALUATION_KEY_MIN
    from kaartgen.engine.evaluate import EvaluateOptions, Evaluation
    from kaartgen.engine.evaluate import evaluate as evaluate_answers
    from kaartgen.engine.jobfolder import MANIFEST
    from kaartgen.engine.linting import SIZES as LINT_SIZES
    from kaartgen.engine.linting import LintReport, SetReport, lint
    from kaartgen.engine.listcheck import CheckReport, check_batch
    from kaartgen.engine.pool import SECONDS as POOL_SECONDS
    from kaartgen.engine.pool import RenderPool, TimedOut, Unavailable
    from kaartgen.engine.printrun import ERRORS, MERGED
    from kaartgen.engine.read import SHOWN_CHARACTERS, SHOWN_LINES
    from kaartgen.engine.scan import ScannedPack, Scanner, ScanResult
    from kaartgen.engine.scanpages import SCAN_SUFFIXES, suffix_of
    from kaartgen.engine.shards import JoinResult, join_parts
    from kaartgen.engine.translate import export_po, import_po
    from kaartgen.model.builtin import DEFAULT_CONTENT, DEFAULT_TEMPLATES
    from kaartgen.model.clients import ListReading, RowError
    from kaartgen.model.columns import languages_present
    from kaartgen.model.config import CONFIG, SERVE_KEYS, configured, serve_settings
    from kaartgen.model.dates import date_warnings, parse_day
    from kaartgen.model.options import BatchOptions, PackOptions, client_value
    from kaartgen.model.sheets import SPREADSHEETS, Sheets, TooManyRows
    from kaartgen.model.statement import Statement, load_statement
    from kaartgen.render.atomic import remove_temporary, write_atomic
    from kaartgen.render.setfile import SetFile

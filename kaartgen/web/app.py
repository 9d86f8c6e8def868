"""The web app: four pages (one client, mailing, answers, cards) on the engine's Library.

Routes parse the form, call the engine and return what it made; layout and rendering happen only in
the engine, so a pack downloaded here is byte-identical to `kaartgen build` with the same options.
Single packs, previews and answer summaries are made in memory and never written to disk. Client
values are never put in a URL, a file name, a page title or a log line: forms are POSTed, file
names come from the engine, and errors name the field, not the value.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartParser
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from kaartgen import __version__, clock
from kaartgen.engine import (
    DEFAULT_TEMPLATES,
    MERGED,
    POOL_SECONDS,
    SHOWN_CHARACTERS,
    SHOWN_LINES,
    SPREADSHEETS,
    AuditLog,
    EvaluateOptions,
    Library,
    PackOptions,
    RenderPool,
    Statement,
    TimedOut,
    Unavailable,
    load_statement,
    parse_day,
    suffix_of,
)
from kaartgen.errors import FieldError, KaartgenError, KaartgenErrors
from kaartgen.web.jobs import RESULTS, Busy, Job, Jobs, JobSettings
from kaartgen.web.security import (
    CSRF_FIELD,
    MIN_TOKEN,
    TOKEN_COOKIE,
    Attempts,
    Guard,
    Signer,
    address,
    allowed_hosts,
    csrf_ok,
    same,
)
from kaartgen.web.service import LOG, Readiness, Service, ServiceSettings

if TYPE_CHECKING:
    from kaartgen.engine import LintReport, SetFile

__all__ = ["LOG", "ServiceSettings", "create_app"]  # what `kaartgen serve` starts the app with

MAX_UPLOAD = 20 * 1024 * 1024  # bytes of an uploaded list or answers file
MAX_ROWS = 20_000  # rows of one mailing
MAX_MAPPING = 64 * 1024  # bytes of an uploaded column mapping (a few dozen lines of YAML)
SETTLE_SECONDS = 3  # the upload waits this long for the check; a longer one shows its progress
MAX_FORM = 16 * 1024  # bytes of a form without a file
LIST_SUFFIXES = (".csv", ".txt", ".yaml", ".yml") + SPREADSHEETS
PACK_FORMATS = ("office", "digital", "html")
PRINT_FORMATS = ("office", "cards", "shop")
LANG_COOKIE = "kaartgen_lang"
FORM_CONTROLS = ("name", "professional", "role", "location", "reference", "date", "time", "language", "variant",
                 "output")  # the one-client page's controls: an error is shown beside its own
CONTROLS = {"appointment": "date", "format": "output"}  # an engine field as the page's control
SUMMARY_MINUTES = 30  # an answers summary's PDF stays in memory this long
MAX_SUMMARIES = 200  # summaries kept in memory at once
MAX_EVALUATED = 2000  # files chosen at once on the Evaluatie page (more: put them in a zip)
EVALUATION_UNZIPPED = 256 * 1024 * 1024  # bytes an uploaded zip may unpack to
MEDIA = {".pdf": "application/pdf", ".html": "text/html; charset=utf-8", ".png": "image/png",
         ".zip": "application/zip", ".csv": "text/csv; charset=utf-8"}
# Uploads stay in memory up to the limit: an answers file is read from memory, never from disk
# (a request is refused above MAX_UPLOAD + MAX_FORM bytes, so no part of one is larger).
MultiPartParser.spool_max_size = MAX_UPLOAD + MAX_FORM


class TooLarge(Exception):
    """A request body over the limit, refused before it is read."""


class Refused(Exception):
    """An upload the page refuses: the HTTP status and the message to show."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class WebApp:
    """The routes, with the engine, the jobs, the texts and the page templates they share."""

    def __init__(self, library: Library, token: str | None, jobs_root: Path, keep_hours: float,
                 workers: int | None = None, today: Callable[[], date] = clock.today,
                 audit: AuditLog | None = None, accessibility: Path | None = None):
        self.library = library
        self.today = today  # the one clock: date warnings, the letter's date, the reading date
        self.audit = audit or AuditLog(None)  # who made what: packs, mailings, readings, evaluations
        # first: refused when another server owns the folder
        self.jobs = Jobs(jobs_root, library, keep_hours, workers, finished=self._mailing_done)
        self.ready = False  # set once every set is loaded and the workers answer (/readyz)
        self.pool = RenderPool(library, workers or os.cpu_count() or 1)
        self.sets = library.sets()  # read once, like the sets themselves: not on every keystroke's preview
        self.token = token
        self.keep_hours = keep_hours
        web = library.templates / "web"
        if not (web / "ui.yaml").is_file():  # templates copied before the web app existed: use the built-in pages
            web = DEFAULT_TEMPLATES / "web"
        self.texts: dict[str, Any] = yaml.safe_load((web / "ui.yaml").read_text(encoding="utf-8"))
        self.env = Environment(loader=FileSystemLoader(web), autoescape=select_autoescape(default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.static = web / "static"
        self._summaries: dict[str, tuple[float, bytes, str]] = {}
        self._evaluations: dict[str, tuple[float, bytes, bytes]] = {}  # key -> (made, report PDF, tables zip)
        self._cache: dict[tuple[str, str], dict[str, SetFile]] = {}  # a set's files, by (language, variant)
        self._summaries_lock = threading.Lock()  # taken on the event loop: held only for a dict lookup
        self._lint_lock = threading.Lock()  # taken in worker threads: held while lint runs, seconds
        self._files_lock = threading.Lock()  # the same, while a set's previews and documents are made
        self._lint: LintReport | None = None
        self.attempts = Attempts()  # failed logins by client address
        # the operator's accessibility statement, read now: a wrong one stops the server at its start
        self.statement: Statement = load_statement(accessibility or web / "accessibility.yaml")

    # -- the service --------------------------------------------------------------------------------

    @staticmethod
    def user(request: Request) -> str | None:
        """The user name the organisation's proxy passed (web/service.py), or None."""
        user: str | None = request.scope.get("state", {}).get("user")
        return user

    def _mailing_done(self, job: Job) -> None:
        merged = job.result(MERGED)
        digest = hashlib.sha256(merged.read_bytes()).hexdigest() if merged is not None and merged.is_file() else ""
        self.audit.record("mailing", job.user, fmt=job.how.format, job=job.id, sha256=digest,
                          counts={"packs": job.packs, "failed_rows": job.failed_rows, "not_reached": job.not_reached})

    def warm(self) -> None:
        """Load every set's texts and the templates before /readyz says yes: the first
        professional's request then waits for nothing."""
        for name in self.sets:
            language, variant = name.split("/")
            self.library.edition(language, variant)
        self.library.content_version  # noqa: B018 -- computed now, shown on /over and in the audit log
        self.ready = True

    # -- helpers ----------------------------------------------------------------------------------

    def lang(self, request: Request) -> str:
        wanted = request.cookies.get(LANG_COOKIE, "nl")
        return wanted if wanted in self.texts else "nl"

    def page(self, request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        lang = self.lang(request)
        sets = self.sets
        html = self.env.get_template(template).render(
            t=self.texts[lang], lang=lang, csrf=request.scope.get("state", {}).get("csrf", ""),
            csrf_field=CSRF_FIELD, path=request.url.path, sets=sets, today=self.today().isoformat(),
            user=self.user(request),
            languages=sorted({s.split("/")[0] for s in sets}),
            concept_sets=self.library.concept_sets(), concept={s.split("/")[0] for s in self.library.concept_sets()},
            variants=sorted({s.split("/")[1] for s in sets}), **values)
        return HTMLResponse(html, status_code=status)

    async def form(self, request: Request, files: bool = False) -> FormData | None:
        """The POSTed form, size-limited before it is read; None when the CSRF check fails."""
        length = request.headers.get("content-length")
        limit = MAX_UPLOAD + MAX_FORM if files else MAX_FORM
        if length is None or not length.isdigit() or int(length) > limit:
            raise TooLarge()
        form = await request.form(max_files=2 if files else 0, max_fields=40, max_part_size=MAX_FORM)
        return form if csrf_ok(request, form) else None

    async def uploaded(self, request: Request, field: str) -> tuple[Any, str, bytes]:
        """The POSTed form with one file: (form, the file's name, its bytes), read in memory and
        size-checked; raises Refused with the status and the message for the page."""
        too_large = self.error_text(request, "too_large", mb=MAX_UPLOAD // (1024 * 1024))
        try:
            form = await self.form(request, files=True)
        except TooLarge:
            raise Refused(413, too_large) from None
        if form is None:
            raise Refused(403, self.error_text(request, "csrf"))
        upload = form.get(field)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise Refused(422, self.error_text(request, "no_file"))
        data = await upload.read()
        if len(data) > MAX_UPLOAD:
            raise Refused(413, too_large)
        return form, upload.filename, data

    def error_text(self, request: Request, key: str, **values: Any) -> str:
        text: str = self.texts[self.lang(request)]["errors"][key].format(**values)
        return text

    # -- one client ---------------------------------------------------------------------------------

    def _options(self, form: Mapping[str, Any]) -> tuple[PackOptions, list[KaartgenError]]:
        """The pack's options from the form with every value that is wrong left out, and a
        FieldError for each of those."""
        day, hour = (form.get("date") or "").strip(), (form.get("time") or "").strip()
        problems: list[KaartgenError] = []
        if hour and not day:
            problems.append(FieldError("date", "web.date_too"))
        if day and not hour:
            problems.append(FieldError("time", "web.time_too"))
        output = form.get("output") if form.get("output") in PACK_FORMATS else "office"
        options, wrong = PackOptions.parse_partial(
            language=form.get("language"), variant=form.get("variant"), format=output,
            large_print=form.get("large_print") == "on", name=form.get("name"),
            professional=form.get("professional"), role=form.get("role"), location=form.get("location"),
            reference=form.get("reference"), appointment=f"{day}T{hour}" if day and hour else None)
        problems += wrong
        if f"{options.language}/{options.variant}" not in self.sets:
            problems.append(FieldError("variant", "web.no_variant"))
        return options, problems

    async def _checked(self, kind: str, form: Mapping[str, Any]) -> tuple[bytes, str]:
        """A pack or preview from the form; KaartgenErrors naming every field that is wrong, those
        that do not fit on the cards among them, however many others are wrong too."""
        options, problems = self._options(form)
        if not problems:
            return await self._make(kind, options)
        if not any(p.field == "variant" for p in problems):  # the values that are right: do they fit?
            problems += await run_in_threadpool(self.pool.problems, options.language, options.variant,
                                                options.large_print, options.format, options.personal)
        raise KaartgenErrors(problems)

    def field_errors(self, request: Request, exc: KaartgenError) -> tuple[dict[str, str], str | None]:
        """The messages of `exc` for the one-client page: by form control (each shown once, beside its
        field) and one for the page, in the page's language."""
        lang = self.lang(request)
        errors = exc.errors if isinstance(exc, KaartgenErrors) else [exc]
        fields: dict[str, str] = {}
        general = None
        for error in errors:
            control = CONTROLS.get(error.field or "", error.field)
            if control in FORM_CONTROLS and control not in fields:
                fields[control] = error.text(lang)
            elif general is None:
                general = self.pool_text(request, error) or error.text(lang)
        return fields, general

    async def _make(self, kind: str, options: PackOptions) -> tuple[bytes, str]:
        """A pack or preview from the render pool: (bytes, file name)."""
        return await run_in_threadpool(self.pool.pack, kind, options.language, options.variant, options.large_print,
                                       options.format if kind == "pack" else "office", options.personal)

    def pool_text(self, request: Request, exc: KaartgenError) -> str | None:
        """The page's words for a task the pool could not finish (too long, too big, too busy)."""
        if isinstance(exc, TimedOut):
            return self.error_text(request, "timeout", seconds=POOL_SECONDS)
        if isinstance(exc, Unavailable):
            return self.error_text(request, "memory" if exc.code == "pool.memory" else "busy_workers")
        return None

    async def client_page(self, request: Request) -> Response:
        return self.page(request, "client.html.j2", values={}, errors={}, error=None)

    async def preview(self, request: Request) -> Response:
        try:
            form = await self.form(request)
        except TooLarge:
            return JSONResponse({"fields": {}, "message": self.error_text(request, "too_large", mb=0)}, 413)
        if form is None:
            return JSONResponse({"fields": {}, "message": self.error_text(request, "csrf")}, 403)
        try:
            png, _ = await self._checked("preview", form)
        except KaartgenError as exc:
            fields, general = self.field_errors(request, exc)
            return JSONResponse({"fields": fields, "message": general}, 422)
        return Response(png, media_type="image/png")

    async def pack(self, request: Request) -> Response:
        try:
            form = await self.form(request)
        except TooLarge:
            return self.page(request, "client.html.j2", 413, values={}, errors={},
                             error=self.error_text(request, "too_large", mb=0))
        if form is None:
            return self.page(request, "client.html.j2", 403, values={}, errors={},
                             error=self.error_text(request, "csrf"))
        values = {k: v for k, v in form.items() if k != CSRF_FIELD and isinstance(v, str)}
        try:
            data, name = await self._checked("pack", form)
        except KaartgenError as exc:
            fields, general = self.field_errors(request, exc)
            return self.page(request, "client.html.j2", 422, values=values, errors=fields, error=general)
        options = self._options(form)[0]
        self.audit.record("pack", self.user(request), set_name=f"{options.language}/{options.variant}",
                          fmt=options.format, reference=options.personal.reference or "",
                          sha256=hashlib.sha256(data).hexdigest())
        return _download(data, name)

    # -- mailing ------------------------------------------------------------------------------------

    async def mailing_page(self, request: Request) -> Response:
        self.jobs.sweep()
        return self.page(request, "mailing.html.j2", error=None)

    async def mailing_upload(self, request: Request) -> Response:
        def refuse(status: int, message: str) -> Response:
            return self.page(request, "mailing.html.j2", status, error=message)

        try:
            form, filename, data = await self.uploaded(request, "clients")
        except Refused as exc:
            return refuse(exc.status, exc.message)
        suffix = Path(filename).suffix.lower()
        suffix = suffix if suffix in LIST_SUFFIXES else ".csv"
        try:
            letter_date = parse_day(form.get("date") or self.today().isoformat())
        except KaartgenError as exc:
            return refuse(422, exc.text(self.lang(request)))
        fmt = form.get("format") if form.get("format") in PRINT_FORMATS else "office"
        mapping = form.get("columns")
        columns = await mapping.read(MAX_MAPPING + 1) if isinstance(mapping, UploadFile) and mapping.filename else None
        if columns is not None and len(columns) > MAX_MAPPING:
            return refuse(413, self.error_text(request, "too_large", mb=MAX_MAPPING / (1024 * 1024)))
        how = JobSettings(format=fmt, sort="postcode" if form.get("sort") == "postcode" else "list",
                          kix=form.get("kix") == "on", columns=columns)
        try:
            job = await run_in_threadpool(self.jobs.create, suffix, data, letter_date, how, MAX_ROWS)
        except Busy as exc:
            return refuse(503, self.error_text(request, f"busy_{exc.reason}", **exc.values))
        job.user = self.user(request)
        await run_in_threadpool(job.settled.wait, SETTLE_SECONDS)  # a short list: its check is shown at once
        if job.state == "refused":
            self.jobs.forget(job)
            if job.too_many:
                return refuse(413, self.error_text(request, "too_many_rows", rows=MAX_ROWS))
            assert job.error is not None  # a list refused for anything but its length says why
            return refuse(422, job.error.text(self.lang(request)))  # without the place: no server path
        return RedirectResponse(f"/mailing/{job.id}", status_code=303)

    def _job(self, request: Request) -> Job | None:
        return self.jobs.get(request.path_params["job"])

    async def job_page(self, request: Request) -> Response:
        job = self._job(request)
        if job is None:
            return self.gone(request, "mailing")
        done, total = job.progress()
        failed = sorted(job.errors, key=lambda e: (e.row, e.field))
        column = job.report.reading.column if job.report and job.report.reading else str  # a field by its header
        return self.page(request, "job.html.j2", job=job, failed=failed, done=done, total=total, column=column,
                         failed_rows=len({e.row for e in job.errors}), results=RESULTS,
                         until=time.strftime("%d-%m-%Y %H:%M" if self.lang(request) == "nl" else "%Y-%m-%d %H:%M",
                                             time.localtime(job.created + self.keep_hours * 3600)))

    async def job_status(self, request: Request) -> Response:
        job = self._job(request)
        if job is None:
            return JSONResponse({"state": "gone"}, 404)
        done, total = job.progress()
        return JSONResponse({"state": job.state, "done": done, "total": total})

    async def job_action(self, request: Request) -> Response:
        try:
            form = await self.form(request)
        except TooLarge:
            form = None
        job = self._job(request)
        if form is None:
            return self.page(request, "mailing.html.j2", 403, error=self.error_text(request, "csrf"))
        if job is None:
            return self.gone(request, "mailing")
        action = request.path_params["action"]
        if action not in ("start", "resume", "restart", "cancel", "delete"):
            return self.gone(request, "page")
        if action in ("start", "resume", "restart"):
            try:
                await run_in_threadpool(self.jobs.start, job, self.lang(request), action)
            except Busy as exc:
                return self.page(request, "mailing.html.j2", 503,
                                 error=self.error_text(request, f"busy_{exc.reason}", **exc.values))
            return RedirectResponse(f"/mailing/{job.id}", status_code=303)
        if action == "cancel":  # a running mailing ends with what it made; a check leaves nothing
            await run_in_threadpool(self.jobs.stop, job)
            if job.state in ("stopped", "done"):  # a mailing that ended before the stop keeps its files
                return RedirectResponse(f"/mailing/{job.id}", status_code=303)
        else:
            await run_in_threadpool(self.jobs.cancel, job)  # delete: nothing is kept
        return RedirectResponse("/mailing", status_code=303)

    async def job_file(self, request: Request) -> Response:
        job = self._job(request)
        name = request.path_params["name"]
        path = job.result(name) if job is not None else None
        if path is None:
            return self.gone(request, "mailing")
        return FileResponse(path, media_type=MEDIA[path.suffix], filename=name)

    # -- answers ------------------------------------------------------------------------------------

    async def answers_page(self, request: Request) -> Response:
        return self.page(request, "answers.html.j2", error=None, summary=None)

    async def answers_read(self, request: Request) -> Response:
        def refuse(status: int, message: str) -> Response:
            return self.page(request, "answers.html.j2", status, error=message, summary=None)

        try:
            _, _, data = await self.uploaded(request, "answers")
        except Refused as exc:
            return refuse(exc.status, exc.message)
        # by the first bytes, never the name the browser sent: a PDF (a pack or a scanner's), a picture
        suffix = suffix_of(data) or ".json"
        try:
            reading = await run_in_threadpool(self.pool.read, f"upload{suffix}", data, self.today())
        except KaartgenError as exc:
            return refuse(422, self.pool_text(request, exc) or exc.text(self.lang(request)))
        key = secrets.token_urlsafe(16)
        self._keep(self._summaries, key, reading.pdf, f"{reading.stem}.pdf")
        kind = "scan" if reading.scanned else "pdf" if suffix == ".pdf" else "json"
        self.audit.record("read", self.user(request), reference=str(reading.summary.get("reference") or ""),
                          set_name=str(reading.summary.get("set") or ""), fmt=kind,
                          sha256=hashlib.sha256(data).hexdigest(),
                          counts={"problems": int(reading.summary.get("problems", 0))})
        return self.page(request, "answers.html.j2", error=None, summary=reading.summary, heading=reading.heading,
                         pdf_key=key, scan_notes=[n.text(self.lang(request)) for n in reading.notes],
                         shown_characters=f"{SHOWN_CHARACTERS:,}".replace(",", "."), shown_lines=SHOWN_LINES)

    async def answers_pdf(self, request: Request) -> Response:
        with self._summaries_lock:
            found = self._summaries.get(request.path_params["key"])
        if found is None:
            return self.gone(request, "summary")
        return _download(found[1], found[2])

    # -- evaluation ---------------------------------------------------------------------------------

    async def evaluation_page(self, request: Request) -> Response:
        return self.page(request, "evaluation.html.j2", error=None, report=None, mb=MAX_UPLOAD // (1024 * 1024))

    async def _evaluation_form(self, request: Request) -> tuple[list[tuple[str, bytes]], Any]:
        """The uploaded files and the groups list's (name, bytes), read in memory; raises Refused."""
        length = request.headers.get("content-length")
        if length is None or not length.isdigit() or int(length) > MAX_UPLOAD + MAX_FORM:
            raise Refused(413, self.error_text(request, "too_large", mb=MAX_UPLOAD // (1024 * 1024)))
        try:
            form = await request.form(max_files=MAX_EVALUATED + 1, max_fields=40, max_part_size=MAX_FORM)
        except HTTPException:
            raise Refused(413, self.texts[self.lang(request)]["evaluation"]["too_many_files"].format(
                files=MAX_EVALUATED)) from None
        if not csrf_ok(request, form):
            raise Refused(403, self.error_text(request, "csrf"))
        files = [u for u in form.getlist("files") if isinstance(u, UploadFile) and u.filename]
        if not files:
            raise Refused(422, self.error_text(request, "no_file"))
        uploads = [(Path(u.filename or "").name, await u.read()) for u in files]
        groups = form.get("groups")
        named = (Path(groups.filename).name, await groups.read()) \
            if isinstance(groups, UploadFile) and groups.filename else None
        return uploads, named

    async def evaluation_run(self, request: Request) -> Response:
        def refuse(status: int, message: str) -> Response:
            return self.page(request, "evaluation.html.j2", status, error=message, report=None,
                             mb=MAX_UPLOAD // (1024 * 1024))

        try:
            uploads, groups = await self._evaluation_form(request)
        except Refused as exc:
            return refuse(exc.status, exc.message)
        lang = self.lang(request)
        options = EvaluateOptions(uploads=tuple(uploads), groups=Path(groups[0]) if groups else None,
                                  groups_data=groups[1] if groups else None,
                                  language=lang if f"{lang}/standaard" in self.sets else "nl",
                                  max_unzipped=EVALUATION_UNZIPPED)
        try:
            result = await run_in_threadpool(self.pool.evaluate, options)
        except KaartgenError as exc:
            return refuse(422, self.pool_text(request, exc) or exc.located_text(lang))
        key = secrets.token_urlsafe(16)
        self._keep(self._evaluations, key, result.pdf, result.zip())
        self.audit.record("evaluate", self.user(request), set_name=result.set_name, fmt="pdf",
                          sha256=hashlib.sha256(result.pdf).hexdigest(),
                          counts={"files": result.files, "packs": result.packs, "reflections": result.reflections,
                                  "skipped": result.skipped, "duplicates": result.duplicates})
        return self.page(request, "evaluation.html.j2", error=None, report=result.fragment, title=result.title,
                         key=key, notes=[n.located_text(lang) for n in result.notes], minutes=SUMMARY_MINUTES,
                         mb=MAX_UPLOAD // (1024 * 1024))

    async def evaluation_file(self, request: Request) -> Response:
        key, suffix = request.path_params["key"], request.path_params["suffix"]
        with self._summaries_lock:
            found = self._evaluations.get(key)
        if found is None or suffix not in ("pdf", "zip"):
            return self.gone(request, "evaluation")
        return _download(found[1] if suffix == "pdf" else found[2], f"evaluation.{suffix}")

    def _keep(self, store: dict[str, tuple[float, bytes, Any]], key: str, data: bytes, extra: Any) -> None:
        """Keep a made file in memory under `key` for SUMMARY_MINUTES: older ones go first, and at
        most MAX_SUMMARIES stay, so memory is bounded however many are made."""
        with self._summaries_lock:
            now = time.time()
            for old in [k for k, (at, _, _) in store.items() if now - at > SUMMARY_MINUTES * 60]:
                del store[old]
            while len(store) >= MAX_SUMMARIES:
                del store[next(iter(store))]
            store[key] = (now, data, extra)

    # -- about the service ------------------------------------------------------------------------

    async def about_page(self, request: Request) -> Response:
        return self.page(request, "about.html.j2", version=__version__,
                         content_version=self.library.content_version)

    async def statement_page(self, request: Request) -> Response:
        return self.page(request, "accessibility.html.j2", statement=self.statement)

    # -- the set ------------------------------------------------------------------------------------

    async def cards_page(self, request: Request) -> Response:
        report = await run_in_threadpool(self._lint_report)
        return self.page(request, "cards.html.j2", report=report)

    def _lint_report(self) -> LintReport:
        from kaartgen.engine import lint

        with self._lint_lock:
            if self._lint is None:
                self._lint = lint(self.library.content, self.library.templates)
            return self._lint

    def _files(self, language: str, variant: str) -> dict[str, SetFile]:
        """Previews, guide, reflectiekaart and calibration sheet of one set, by name, made once and kept."""
        key = (language, variant)
        with self._files_lock:
            if key not in self._cache:
                self._cache[key] = {f.name: f for f in self.library.set_files(language, variant)}
            return self._cache[key]

    async def set_file(self, request: Request) -> Response:
        language, variant, name = (request.path_params[k] for k in ("language", "variant", "name"))
        if f"{language}/{variant}" not in self.sets:
            return self.gone(request, "page")
        files = await run_in_threadpool(self._files, language, variant)
        if name not in files:
            return self.gone(request, "page")
        suffix = Path(name).suffix
        if suffix == ".png":
            return Response(files[name].data, media_type="image/png",
                            headers={"cache-control": "private, max-age=3600"})
        return _download(files[name].data, name)

    async def set_index(self, request: Request) -> Response:
        language, variant = request.path_params["language"], request.path_params["variant"]
        if f"{language}/{variant}" not in self.sets:
            return self.gone(request, "page")
        files = await run_in_threadpool(self._files, language, variant)
        return self.page(request, "set.html.j2", language=language, variant=variant, files=list(files.values()))

    # -- language and login ---------------------------------------------------------------------------

    async def language(self, request: Request) -> Response:
        """The interface language, chosen with a form (a POST: a link can change nothing)."""
        try:
            form = await self.form(request)
        except TooLarge:
            form = None
        back = (form.get("next") if form is not None else None) or "/"
        back = back if isinstance(back, str) and back.startswith("/") and not back.startswith("//") else "/"
        response = RedirectResponse(back, status_code=303)
        lang = request.path_params["lang"]
        if form is not None and lang in self.texts:
            response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict")
        return response

    async def login_page(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        response = self.page(request, "login.html.j2", 401, wrong=False)
        await response(scope, receive, send)

    async def login(self, request: Request) -> Response:
        if request.method == "GET":
            return self.page(request, "login.html.j2", 401 if self.token else 200, wrong=False)
        wait = self.attempts.wait(address(request.scope))
        if wait:
            return Guard.too_many(wait)
        try:
            form = await self.form(request)
        except TooLarge:
            form = None
        given = form.get("token") if form is not None else None  # a form without files: text or nothing
        if form is None or not isinstance(given, str) or not same(given, self.token):
            if form is not None:
                self.attempts.failed(address(request.scope))
            return self.page(request, "login.html.j2", 401, wrong=form is not None)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(TOKEN_COOKIE, given, httponly=True, samesite="strict")
        return response

    def gone(self, request: Request, what: str) -> Response:
        """404: an address that is no page, or a mailing or summary that is not (any longer) here."""
        return self.page(request, "gone.html.j2", 404, what=what, minutes=SUMMARY_MINUTES)

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.gone(request, "page")

    async def internal(self, request: Request, exc: Exception) -> Response:
        """A bug, not the user's input: a page that says so, never a traceback or a value."""
        return self.page(request, "error.html.j2", 500)


def _download(data: bytes, name: str) -> Response:
    return Response(data, media_type=MEDIA.get(Path(name).suffix, "application/octet-stream"),
                    headers={"content-disposition": f'attachment; filename="{name}"'})


def create_app(library: Library, token: str | None = None, jobs_root: Path | None = None,
               keep_hours: float = 24, workers: int | None = None, today: Callable[[], date] = clock.today,
               host: str = "127.0.0.1", hosts: tuple[str, ...] = (), audit: AuditLog | None = None,
               service: ServiceSettings | None = None, accessibility: Path | None = None) -> Starlette:
    """The ASGI app. `token` is required by every request when given; `jobs_root` holds mailings;
    `today` is the clock (tests pass a fixed one); requests must name `host`, a loopback name or
    one of `hosts` in their Host header. `audit` records who made what; `service` says which proxy
    may name the user and whether requests are logged; `accessibility` is the operator's statement."""
    if token is not None and len(token) < MIN_TOKEN:
        raise KaartgenError("serve.token_short", field="token", length=MIN_TOKEN)
    root = jobs_root or Path(tempfile.gettempdir()) / f"kaartgen-serve-{os.getuid()}"
    web = WebApp(library, token, root, keep_hours, workers, today, audit, accessibility)
    routes = [
        Route("/", web.client_page),
        Route("/preview", web.preview, methods=["POST"]),
        Route("/pack", web.pack, methods=["POST"]),
        Route("/mailing", web.mailing_page),
        Route("/mailing", web.mailing_upload, methods=["POST"]),
        Route("/mailing/{job}", web.job_page),
        Route("/mailing/{job}/status", web.job_status),
        Route("/mailing/{job}/{action:str}", web.job_action, methods=["POST"]),
        Route("/mailing/{job}/files/{name}", web.job_file),
        Route("/antwoorden", web.answers_page),
        Route("/antwoorden", web.answers_read, methods=["POST"]),
        Route("/antwoorden/{key}.pdf", web.answers_pdf),
        Route("/evaluatie", web.evaluation_page),
        Route("/evaluatie", web.evaluation_run, methods=["POST"]),
        Route("/evaluatie/{key}.{suffix}", web.evaluation_file),
        Route("/over", web.about_page),
        Route("/toegankelijkheid", web.statement_page),
        Route("/kaarten", web.cards_page),
        Route("/kaarten/{language}/{variant}", web.set_index),
        Route("/kaarten/{language}/{variant}/{name}", web.set_file),
        Route("/taal/{lang}", web.language, methods=["POST"]),
        Route("/login", web.login, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=web.static), name="static"),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # the sets load while the port already answers /healthz; /readyz says yes once they have
        threading.Thread(target=web.warm, name="kaartgen-warm", daemon=True).start()
        yield
        web.jobs.close()  # running mailings stop and every job folder goes with the server
        web.pool.close()

    app = Starlette(routes=routes, exception_handlers={404: web.not_found, 500: web.internal}, lifespan=lifespan)
    app.state.web = web
    app.add_middleware(Guard, token=token, login_page=web.login_page, hosts=allowed_hosts(host, hosts),
                       signer=Signer(), attempts=web.attempts)
    readiness = Readiness({"content": lambda: web.ready, "workers": lambda: web.pool.alive() > 0,
                           "jobs_folder": lambda: os.access(web.jobs.root, os.W_OK | os.X_OK)})
    app.add_middleware(Service, settings=service or ServiceSettings(), readiness=readiness)  # outermost
    return app

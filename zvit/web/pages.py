"""The portal's pages. Every page but sign-in and /healthz goes through `signed_in`, every form through `checked`,
and every submission, file or report is looked up through one function that checks the user may see it."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from zvit.errors import PeriodError
from zvit.formatting import city_date, period_label, uk_date
from zvit.glossary import word
from zvit.model import Report
from zvit.normalize.periods import parse_period_code
from zvit.pipeline import READ_SUFFIXES
from zvit.quality.findings import SEVERITY_ORDER, Finding, Severity, Status
from zvit.warehouse import portal as store
from zvit.warehouse.receipts import Fate
from zvit.web import auth
from zvit.web.app import (
    FORM_COOKIE,
    SESSION_COOKIE,
    FormRefused,
    NotFound,
    Portal,
    SignInNeeded,
    healthz,
    page,
    redirect,
    set_cookie,
    signed_out_csrf,
)
from zvit.web.upload import UploadRefused, limit_for, take_upload
from zvit.web.verdict import read_table

log = logging.getLogger(__name__)
router = APIRouter()

#: The formats of the consolidated report, as the page names them.
REPORT_FORMATS = (("html", "HTML (для друку)"), ("pdf", "PDF"), ("docx", "Word (.docx)"), ("xlsx", "Excel (.xlsx)"),
                  ("datapackage", "Пакет даних (Frictionless)"))
#: Words for the roles, shown in the page header.
ROLE_WORDS = {auth.DEPARTMENT: "виконавець", auth.CONSOLIDATOR: "консолідатор", auth.OPERATOR: "оператор"}


def portal_of(request: Request) -> Portal:
    """The portal the application serves."""
    portal: Portal = request.app.state.portal
    return portal


def signed_in(request: Request) -> auth.Principal:
    """The signed-in user; anyone else is sent to the sign-in page. Every page but sign-in goes through here."""
    user = auth.principal(portal_of(request).engine, request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise SignInNeeded
    request.state.user = user
    return user


def checked(request: Request, user: Annotated[auth.Principal, Depends(signed_in)],
            csrf: Annotated[str | None, Form()] = None) -> auth.Principal:
    """A signed-in user's form, carrying this session's CSRF token."""
    if not auth.csrf_valid(user.token, csrf):
        raise FormRefused
    return user


User = Annotated[auth.Principal, Depends(signed_in)]
Posted = Annotated[auth.Principal, Depends(checked)]


def _period(code: str | None, portal: Portal) -> str:
    if not code:
        return portal.current_period()
    try:
        return parse_period_code(code).code
    except PeriodError:
        raise NotFound from None


# ---- health, static, home ----------------------------------------------------------------------------------------

@router.get("/healthz")
def health(request: Request) -> Response:
    """Whether the portal and its warehouse answer (for a load balancer or systemd's watchdog)."""
    status, body = healthz(portal_of(request).engine)
    return JSONResponse(body, status_code=status)


@router.get("/static/zvit.css")
def stylesheet() -> Response:
    """The one stylesheet."""
    from zvit.web.app import STATIC_DIR

    return FileResponse(STATIC_DIR / "zvit.css", media_type="text/css",
                        headers={"Cache-Control": "public, max-age=3600"})


@router.get("/favicon.ico")
def favicon() -> Response:
    """No icon: an empty answer rather than a missing page in every browser's console."""
    return Response(status_code=204)


@router.get("/")
def home(request: Request) -> Response:
    """The signed-in user's own page; the sign-in page for anyone else."""
    user = auth.principal(portal_of(request).engine, request.cookies.get(SESSION_COOKIE))
    if user is None:
        return redirect(request, "/sign-in")
    if user.role == auth.DEPARTMENT:
        return redirect(request, f"/departments/{user.department}")
    return redirect(request, "/quarter")


# ---- signing in --------------------------------------------------------------------------------------------------

def _signed_out_page(request: Request, name: str, *, status: int = 200, **context: Any) -> Response:
    token, fresh = signed_out_csrf(request)
    response = page(request, name, status=status, csrf=token, **context)
    if fresh:
        set_cookie(response, request, FORM_COOKIE, fresh, max_age=3600, same_site="strict")
    return response


def _signed_out_form(request: Request, csrf: str | None) -> None:
    if not auth.csrf_valid(request.cookies.get(FORM_COOKIE), csrf):
        raise FormRefused


@router.get("/sign-in")
def sign_in_page(request: Request) -> Response:
    """Ask for a sign-in link by the registered address."""
    return _signed_out_page(request, "sign_in.html.j2", email="", role=auth.DEPARTMENT, error=None, sent=False)


@router.post("/sign-in")
def request_link(request: Request, email: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
                 csrf: Annotated[str | None, Form()] = None) -> Response:
    """Send a one-time link to a registered address; the answer is the same whether the address is registered
    or not, so the page tells no one who is."""
    _signed_out_form(request, csrf)
    portal = portal_of(request)
    email = email.strip()[:254]
    role = role if role in (auth.DEPARTMENT, auth.CONSOLIDATOR, auth.OPERATOR) else auth.DEPARTMENT
    if "@" not in email:
        return _signed_out_page(request, "sign_in.html.j2", status=400, email=email, role=role, sent=False,
                                error="Вкажіть адресу електронної пошти, зареєстровану за вашим підрозділом.")
    client = request.client.host if request.client else "unknown"
    if not auth.allow_request(portal.engine, [(f"address:{email.lower()}", auth.LIMIT_PER_ADDRESS),
                                              (f"client:{client}", auth.LIMIT_PER_CLIENT)]):
        return _signed_out_page(request, "sign_in.html.j2", status=429, email=email, role=role, sent=False,
                                error="Забагато запитів. Спробуйте за годину або використайте вже надіслане "
                                      "посилання.")
    settings = portal.settings
    grant = auth.grant_for_address(portal.registry, email, role, operators=settings.operator_emails,
                                   consolidators=settings.consolidator_emails)
    if grant is not None:
        from zvit.web.mail import send_link

        token = auth.issue_link(portal.engine, grant, minutes=settings.web_link_minutes)
        send_link(portal, email, token, grant)
    return _signed_out_page(request, "sign_in.html.j2", email=email, role=role, error=None, sent=True)


@router.get("/link/{token}")
def link_page(request: Request, token: str) -> Response:
    """A link from the letter: a button that signs in (a mail scanner that opens the link spends nothing)."""
    if not auth.link_usable(portal_of(request).engine, token):
        return _signed_out_page(request, "link_refused.html.j2", status=410)
    return _signed_out_page(request, "link.html.j2", token=token)


@router.post("/link/{token}")
def use_link(request: Request, token: str, csrf: Annotated[str | None, Form()] = None) -> Response:
    """Spend the link and sign in."""
    _signed_out_form(request, csrf)
    portal = portal_of(request)
    session_token = auth.use_link(portal.engine, token, session_hours=portal.settings.web_session_hours)
    if session_token is None:
        return _signed_out_page(request, "link_refused.html.j2", status=410)
    response = redirect(request, "/")
    set_cookie(response, request, SESSION_COOKIE, session_token, max_age=portal.settings.web_session_hours * 3600)
    response.delete_cookie(FORM_COOKIE, path=request.scope.get("root_path") or "/")
    return response


@router.post("/sign-out")
def sign_out(request: Request, user: Posted) -> Response:
    """End the session."""
    auth.end_session(portal_of(request).engine, user.token)
    response = redirect(request, "/sign-in")
    response.delete_cookie(SESSION_COOKIE, path=request.scope.get("root_path") or "/")
    return response


# ---- what a user may see: one lookup per kind of thing -----------------------------------------------------------

def visible_submission(portal: Portal, user: auth.Principal, submission_id: int) -> store.Filed:
    """A submission this user may see; NotFound for any other, existing or not."""
    filed = store.filed_submission(portal.engine, submission_id)
    if filed is None or not user.sees_department(filed.department, filed.program):
        raise NotFound
    return filed


def visible_file(portal: Portal, user: auth.Principal, file_id: int) -> store.FileRecord:
    """A received file this user may see: a department's own, a consolidator's departments'."""
    record = store.received_file(portal.engine, file_id)
    if record is None:
        raise NotFound
    department = record.receipt.department
    if user.role == auth.OPERATOR:
        return record
    if user.role == auth.DEPARTMENT:
        if department is None or department != user.department:
            raise NotFound
        return record
    programs = _programs_of(portal, department)
    if not any(user.sees_program(p) for p in programs):
        raise NotFound
    return record


def _programs_of(portal: Portal, department: str | None) -> tuple[str, ...]:
    if department is None:
        return ()
    try:
        return tuple(portal.registry.department(department).programs)
    except KeyError:
        return ()


def visible_department(portal: Portal, user: auth.Principal, code: str) -> Any:
    """A registered department this user may see."""
    try:
        department = portal.registry.department(code)
    except KeyError:
        raise NotFound from None
    if user.role == auth.DEPARTMENT and code != user.department:
        raise NotFound
    if user.role == auth.CONSOLIDATOR and not any(user.sees_program(p) for p in department.programs):
        raise NotFound
    return department


def _programs_in_view(portal: Portal, user: auth.Principal) -> list[str]:
    return [p.code for p in portal.registry.programs if user.sees_program(p.code)]


# ---- a department's page -----------------------------------------------------------------------------------------

@router.get("/departments/{code}")
def department_page(request: Request, code: str, user: User) -> Response:
    """A department's submissions by period: every version's verdict, its findings, the deadline, what the
    consolidated report counted."""
    portal = portal_of(request)
    department = visible_department(portal, user, code)
    submissions = store.department_submissions(portal.engine, code)
    files = store.department_files(portal.engine, code)
    if user.role == auth.CONSOLIDATOR:
        submissions = [s for s in submissions if user.sees_program(s.program or "")]
    by_period: dict[str, dict[str, Any]] = defaultdict(lambda: {"versions": [], "refused": []})
    for filed in submissions:
        findings = store.findings_of(portal.engine, filed.id)
        by_period[filed.period or "—"]["versions"].append(
            {"filed": filed, "findings": [f for f in findings if f.severity != Severity.NOTICE],
             "counted": store.counted(portal.engine, filed.id), "late": _late(portal, filed)})
    for record in files:
        if record.receipt.submission_id is None and record.receipt.period:
            by_period[record.receipt.period]["refused"].append(record)
    by_period.setdefault(portal.current_period(), {"versions": [], "refused": []})
    periods = []
    for period in sorted(by_period, reverse=True):
        deadline = _deadline(portal, period)
        periods.append({"code": period, "label": _label(period), "deadline": deadline, **by_period[period]})
    return page(request, "department.html.j2", user=user, department=department, periods=periods,
                role_words=ROLE_WORDS)


def _label(period: str) -> str:
    try:
        return period_label(period)
    except PeriodError:
        return period


def _deadline(portal: Portal, period: str) -> str:
    try:
        return uk_date(portal.registry.calendar.deadline(period))
    except PeriodError:
        return ""


def _late(portal: Portal, filed: store.Filed) -> bool:
    """Whether a version came after its period's deadline day (city time), as the warehouse's view says."""
    if not filed.period:
        return False
    try:
        deadline = portal.registry.calendar.deadline(filed.period)
    except PeriodError:
        return False
    return city_date(filed.received_at, portal.settings.timezone) > deadline


# ---- upload ------------------------------------------------------------------------------------------------------

def _upload_form(request: Request, user: auth.Principal, *, status: int = 200, error: str | None = None,
                 period: str | None = None, program: str | None = None) -> Response:
    portal = portal_of(request)
    department = portal.registry.department(user.department or "")
    return page(request, "upload.html.j2", status=status, user=user, department=department,
                periods=[(code, _label(code)) for code in portal.periods()],
                period=period or portal.current_period(),
                programs=[(code, portal.registry.program(code).title) for code in department.programs],
                program=program or department.programs[0], error=error, role_words=ROLE_WORDS,
                formats=", ".join(READ_SUFFIXES), limit_mb=limit_for("x.docx") // 2**20,
                text_limit_mb=limit_for("x.csv") // 2**20)


def _department_user(user: auth.Principal) -> auth.Principal:
    if user.role != auth.DEPARTMENT or not user.department:
        raise NotFound
    return user


@router.get("/upload")
def upload_page(request: Request, user: User) -> Response:
    """The upload form: period and program (the current period and the department's programs by default)."""
    return _upload_form(request, _department_user(user))


@router.post("/upload")
async def upload(request: Request, user: Posted, file: Annotated[UploadFile | None, File()] = None,
                 period: Annotated[str, Form()] = "", program: Annotated[str, Form()] = "") -> Response:
    """Take the file through the pipeline and show its verdict."""
    user = _department_user(user)
    portal = portal_of(request)
    department = portal.registry.department(user.department or "")
    if period not in portal.periods():
        return _upload_form(request, user, status=400, error="Оберіть звітний період зі списку.",
                            program=program)
    if program not in department.programs:
        return _upload_form(request, user, status=400, error="Оберіть програму зі списку.", period=period)
    if file is None or not file.filename:
        return _upload_form(request, user, status=400, error="Оберіть файл звіту.", period=period,
                            program=program)
    try:
        result = await run_in_threadpool(
            take_upload, file.file, file.filename, department=department.code, period=period, program=program,
            sender=user.email, engine=portal.engine, registry=portal.registry, inbox_dir=portal.settings.inbox_dir,
            timezone=portal.settings.timezone)
    except UploadRefused as refusal:
        return _upload_form(request, user, status=413 if "завеликий" in str(refusal) else 400, error=str(refusal),
                            period=period, program=program)
    if result.fate is None:
        return _upload_form(request, user, status=400, period=period, program=program,
                            error=f"У файлі «{file.filename}» немає звіту вашого підрозділу "
                                  f"({department.name}): перевірте назву виконавця у звіті. Нічого не збережено.")
    # the verdict page shows the reports as the pipeline read them, without reading the file again
    for checked_report in result.fate.reports:
        request.app.state.reports_cache[(checked_report.submitted.sha256, checked_report.report.index)] = \
            checked_report.report
    record = store.upload_record(portal.engine, result.fate.name, result.fate.sha256)
    ids = result.fate.submission_ids
    if result.fate.fate == Fate.STORED and ids:
        return redirect(request, f"/submissions/{ids[0]}?new=1")
    if record is None:
        raise NotFound
    return redirect(request, f"/files/{record.id}")


# ---- a submission's verdict --------------------------------------------------------------------------------------

def _read_report(request: Request, path: Path, sha256: str, index: int) -> Report | None:
    """The report as zvit read it from the stored file (cached by its bytes' hash)."""
    cache: dict[tuple[str, int], Report | None] = request.app.state.reports_cache
    key = (sha256, index)
    if key not in cache:
        from zvit.errors import ZvitError
        from zvit.intake import read_reports

        try:
            reports = read_reports(path)
        except (OSError, ZvitError):
            return None
        for number, report in enumerate(reports, start=1):
            cache[(sha256, number)] = report
        if len(cache) > 256:  # a small cache: pages of the latest uploads
            for old in list(cache)[:64]:
                cache.pop(old, None)
    return cache.get(key)


@router.get("/submissions/{submission_id}")
def submission_page(request: Request, submission_id: int, user: User) -> Response:
    """One version's verdict and every finding, beside the table as zvit read it with the cells they name."""
    portal = portal_of(request)
    filed = visible_submission(portal, user, submission_id)
    submission = filed.submission
    findings = sorted(store.findings_of(portal.engine, filed.id), key=lambda f: SEVERITY_ORDER.get(f.severity, 9))
    path = portal.settings.inbox_dir / (filed.period or "") / submission.source_file
    report = _read_report(request, path, submission.sha256, submission.report_index) if path.is_file() else None
    title = None
    if filed.program:
        try:
            title = portal.registry.program(filed.program).title
        except KeyError:
            title = None
    table = read_table(report, findings, program_title=title, period_label=_label(filed.period or "")) \
        if report is not None else None
    history = store.department_submissions(portal.engine, filed.department, period=filed.period) \
        if filed.department else [filed]
    return page(request, "submission.html.j2", user=user, filed=filed, submission=submission,
                findings=findings, table=table, counted=store.counted(portal.engine, filed.id),
                late=_late(portal, filed), deadline=_deadline(portal, filed.period or ""),
                history=[h for h in history if h.program == filed.program],
                version_status=Status(submission.status), check_status=Status(submission.check_status),
                new="new" in request.query_params, severity_counts=_counts(findings), role_words=ROLE_WORDS,
                department_name=_department_name(portal, filed.department), file_here=path.is_file())


def _counts(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    return [(word(s, "severity"), n) for s in Severity
            if (n := sum(1 for f in findings if f.severity == s))]


def _department_name(portal: Portal, code: str | None) -> str:
    if not code:
        return "—"
    try:
        return str(portal.registry.department(code).name)
    except KeyError:
        return code


@router.get("/submissions/{submission_id}/file")
def submission_file(request: Request, submission_id: int, user: User) -> Response:
    """The file a version was read from, as it was sent."""
    portal = portal_of(request)
    filed = visible_submission(portal, user, submission_id)
    path = portal.settings.inbox_dir / (filed.period or "") / filed.submission.source_file
    if not filed.period or not path.is_file():
        raise NotFound
    return FileResponse(path, filename=filed.submission.source_file, media_type="application/octet-stream")


@router.get("/files/{file_id}")
def file_page(request: Request, file_id: int, user: User) -> Response:
    """A received file that was not stored as a report (or was the same as one before): its fate and why."""
    portal = portal_of(request)
    record = visible_file(portal, user, file_id)
    return page(request, "file.html.j2", user=user, record=record, receipt=record.receipt,
                role_words=ROLE_WORDS, department_name=_department_name(portal, record.receipt.department))


# ---- the consolidator's quarter ----------------------------------------------------------------------------------

def _consolidating(user: auth.Principal) -> auth.Principal:
    if user.role not in (auth.CONSOLIDATOR, auth.OPERATOR):
        raise NotFound
    return user


@router.get("/quarter")
def quarter_page(request: Request, user: User, period: str | None = None) -> Response:
    """The quarter at a glance: every department's state, the totals, the consolidated report, the actions."""
    user = _consolidating(user)
    portal = portal_of(request)
    code = _period(period, portal)
    programs = _programs_in_view(portal, user)
    rows = store.quarter_status(portal.engine, code, programs)
    counts = {row["submission_id"]: len([f for f in store.findings_of(portal.engine, row["submission_id"])
                                         if f.severity != Severity.NOTICE])
              for row in rows if row["submission_id"] is not None}
    totals = store.program_totals(portal.engine, code, programs)
    deadline = portal.registry.calendar.deadline(code)
    reports = {p: _report_files(portal, code, p) for p in programs}
    return page(request, "quarter.html.j2", user=user, period=code, period_label=_label(code), rows=rows,
                counts=counts, totals=totals, deadline=uk_date(deadline),
                overdue=portal.today() > deadline, periods=[(c, _label(c)) for c in portal.periods()],
                reports=reports, formats=REPORT_FORMATS, run=request.app.state.runs.latest(code),
                programs={p: portal.registry.program(p).title for p in programs}, role_words=ROLE_WORDS,
                notice=request.query_params.get("notice"), about=request.query_params.get("about"),
                prefect=bool(portal.prefect_api_url))


def _report_files(portal: Portal, period: str, program: str) -> dict[str, str]:
    """The consolidated report's files of a program, by format: the path under /reports/ of each that exists."""
    folder = portal.settings.reports_dir / period
    found = {}
    for fmt, _ in REPORT_FORMATS:
        name = f"{program}-data/datapackage.json" if fmt == "datapackage" else f"{program}.{fmt}"
        if (folder / name).is_file():
            found[fmt] = f"/reports/{period}/{name}"
    return found


@router.get("/reports/{period}/{name:path}")
def report_file(request: Request, period: str, name: str, user: User) -> Response:
    """A file of the consolidated report, for those who consolidate its program."""
    user = _consolidating(user)
    portal = portal_of(request)
    code = _period(period, portal)
    program = name.split("/", 1)[0].removesuffix("-data").rsplit(".", 1)[0]
    if not user.sees_program(program):
        raise NotFound
    folder = (portal.settings.reports_dir / code).resolve()
    path = (folder / name).resolve()
    if not path.is_file() or folder not in path.parents:
        raise NotFound
    inline = path.suffix in (".html", ".pdf", ".json")
    return FileResponse(path, filename=None if inline else path.name,
                        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                            "img-src data:; frame-ancestors 'none'"})


@router.post("/quarter/remind")
def remind(request: Request, user: Posted, department: Annotated[str, Form()] = "",
           program: Annotated[str, Form()] = "", period: Annotated[str, Form()] = "") -> Response:
    """Send the reminder now to a department with nothing counted, through the notification ledger (never twice)."""
    user = _consolidating(user)
    portal = portal_of(request)
    code = _period(period, portal)
    if not user.sees_program(program):
        raise NotFound
    visible_department(portal, user, department)
    from zvit.web.mail import remind_now

    outcome = remind_now(portal, code, program, department)
    return redirect(request, f"/quarter?period={code}&notice={outcome}&about={department}")


@router.post("/quarter/run")
def run_quarter(request: Request, user: Posted, period: Annotated[str, Form()] = "") -> Response:
    """Start the quarterly run: on the Prefect server when one is configured, else on this machine."""
    user = _consolidating(user)
    portal = portal_of(request)
    code = _period(period, portal)
    request.app.state.runs.start(code)
    return redirect(request, f"/quarter?period={code}&notice=run")


__all__ = ["router"]


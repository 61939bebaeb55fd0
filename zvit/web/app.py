"""The portal's application: built from settings-derived values, every route behind one sign-in dependency.

Pages are rendered on the server from templates/web/ and work without JavaScript. Each response carries a strict
content security policy and no referrer (a sign-in link must not leak to another site); each request is logged as
one JSON line without cookies, tokens or query strings.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.engine import Engine

from zvit.formatting import city_date
from zvit.normalize.periods import last_ended
from zvit.notify.transport import Transport
from zvit.registry import Registry
from zvit.resources import resource_dir
from zvit.settings import Settings
from zvit.templating import environment
from zvit.web.auth import Principal, csrf_token
from zvit.web.runs import QuarterRuns
from zvit.web.upload import MAX_UPLOAD_BYTES

access_log = logging.getLogger("zvit.web.access")
log = logging.getLogger(__name__)

SESSION_COOKIE = "zvit_session"
#: before sign-in, the forms' CSRF token is derived from this cookie
FORM_COOKIE = "zvit_form"
STATIC_DIR = resource_dir("templates") / "web" / "static"
#: the header every page sends: nothing from elsewhere, no inline script, no framing
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
#: a path segment that is a secret: logged as «…»
_SECRET_PATH = re.compile(r"(/link/)[^/]+")


@dataclass
class Portal:
    """What the portal works with: the settings it was started with, and what is built from them once."""

    settings: Settings
    registry: Registry
    engine: Engine
    transport: Transport
    #: PREFECT_API_URL when a Prefect server is configured: «run the quarter» starts the deployment there
    prefect_api_url: str | None = None
    #: the working folder a local quarterly run starts in
    workdir: Path = field(default_factory=Path.cwd)
    #: import Great Expectations while the server starts, so the first upload does not wait for it
    warm_up: bool = True

    def today(self) -> date:
        """The city's date now."""
        return city_date(datetime.now(UTC), self.settings.timezone)

    def current_period(self) -> str:
        """The period being collected: the one that has just ended, or the registry's last when that is later."""
        ended = last_ended(self.today()).code
        codes = [p.code for p in self.registry.periods()]
        earlier = [code for code in codes if code <= ended]
        return earlier[-1] if earlier else (codes[0] if codes else ended)

    def periods(self) -> list[str]:
        """The periods one may report for, newest first: the registry's, up to the current one."""
        current = self.current_period()
        return sorted((p.code for p in self.registry.periods() if p.code <= current), reverse=True)

    @property
    def secure_cookies(self) -> bool:
        """Cookies only over HTTPS when people open the portal over HTTPS."""
        return self.settings.web_base_url.lower().startswith("https://")


class SignInNeeded(Exception):
    """The page needs a signed-in user: the browser is sent to the sign-in page."""


class NotFound(Exception):
    """No such page for this user (whether it exists for another user or not at all: the same answer)."""


class FormRefused(Exception):
    """A form without its CSRF token, or with another session's."""


def prefix(request: Request) -> str:
    """The path prefix the portal is served under (behind a proxy), '' when none."""
    return str(request.scope.get("root_path", "")).rstrip("/")


def page(request: Request, name: str, *, status: int = 200, user: Principal | None = None,
         csrf: str | None = None, **context: Any) -> HTMLResponse:
    """Render templates/web/<name> with what every page needs (the prefix, the user, the form token)."""
    portal: Portal = request.app.state.portal
    base = prefix(request)
    html = _pages().get_template(f"web/{name}").render(
        url=lambda path: f"{base}{path}", user=user, csrf=csrf or (user.csrf if user else ""),
        registry=portal.registry, tz=portal.settings.timezone, **context)
    return HTMLResponse(html, status_code=status)


@cache
def _pages() -> jinja2.Environment:
    # every page escapes whatever a department typed, whichever extension its template has
    return environment().overlay(autoescape=True)


def redirect(request: Request, path: str) -> RedirectResponse:
    """See other: after a form, the browser fetches the page the form led to."""
    return RedirectResponse(f"{prefix(request)}{path}", status_code=303)


def set_cookie(response: Response, request: Request, name: str, value: str, *, max_age: int,
               same_site: str = "lax") -> None:
    """A cookie scripts cannot read, sent only to this portal's path, and only over HTTPS when it is served so."""
    portal: Portal = request.app.state.portal
    response.set_cookie(name, value, max_age=max_age, path=prefix(request) or "/", httponly=True,
                        secure=portal.secure_cookies, samesite=same_site)  # type: ignore[arg-type]


def form_secret(request: Request) -> str | None:
    """The cookie a signed-out form's CSRF token is derived from."""
    return request.cookies.get(FORM_COOKIE)


def signed_out_csrf(request: Request) -> tuple[str, str | None]:
    """The CSRF token for a signed-out form, and a new cookie value when the browser has none yet."""
    from zvit.web.auth import new_token

    secret = form_secret(request)
    fresh = None if secret else new_token()
    return csrf_token(secret or fresh or ""), fresh


class PathPrefix:
    """Serve under a path prefix whether the proxy passes it on (/zvit/quarter) or strips it (/quarter): the
    prefix becomes the ASGI root_path either way, so every link the pages write starts with it."""

    def __init__(self, app: Any, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if self.prefix and scope["type"] in ("http", "websocket"):
            path = scope["path"]
            if path != self.prefix and not path.startswith(self.prefix + "/"):
                path = self.prefix + path
            # changed in place: the access log's middleware reads the same scope's state (the signed-in user)
            scope.update(root_path=self.prefix, path=path, raw_path=path.encode())
        await self.app(scope, receive, send)


def create_app(portal: Portal) -> FastAPI:
    """The portal application (serve it with uvicorn; `zvit web` does)."""
    from zvit.web.pages import router

    app = FastAPI(title="zvit", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = portal
    app.state.runs = QuarterRuns(portal.prefect_api_url, portal.workdir)
    app.state.reports_cache = {}
    app.include_router(router)
    app.add_middleware(PathPrefix, prefix=portal.settings.web_root_path)

    @app.exception_handler(SignInNeeded)
    async def _sign_in(request: Request, _error: SignInNeeded) -> Response:
        return redirect(request, "/sign-in")

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, _error: NotFound) -> Response:
        return page(request, "not_found.html.j2", status=404, user=getattr(request.state, "user", None))

    @app.exception_handler(FormRefused)
    async def _refused(request: Request, _error: FormRefused) -> Response:
        return page(request, "form_refused.html.j2", status=403, user=getattr(request.state, "user", None))

    @app.exception_handler(404)
    async def _no_route(request: Request, _error: Exception) -> Response:
        return page(request, "not_found.html.j2", status=404, user=getattr(request.state, "user", None))

    @app.middleware("http")
    async def _headers_and_log(request: Request,
                               call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = _too_large(request) or await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        user: Principal | None = getattr(request.state, "user", None)
        access_log.info(json.dumps({
            "method": request.method, "path": _SECRET_PATH.sub(r"\1…", request.url.path),
            "status": response.status_code, "ms": round((time.perf_counter() - started) * 1000, 1),
            "role": user.role if user else None, "department": user.department if user else None,
            "client": request.client.host if request.client else None}, ensure_ascii=False))
        return response

    # Great Expectations takes seconds to import: paid while the server starts, not by the first upload.
    if portal.warm_up:
        threading.Thread(target=_warm_up, daemon=True, name="zvit-web-warm-up").start()
    return app


def _warm_up() -> None:
    try:
        import great_expectations  # noqa: F401

        import zvit.quality.gate  # noqa: F401
    except Exception:
        log.debug("warm-up import failed", exc_info=True)


def _too_large(request: Request) -> Response | None:
    """An upload whose declared size is past every limit is answered before its body is read."""
    if request.method != "POST" or not request.url.path.endswith("/upload"):
        return None
    length = request.headers.get("content-length")
    if length is None or not length.isdigit():
        return PlainTextResponse("Довжина запиту не вказана: завантажте файл через форму.", status_code=411)
    if int(length) > MAX_UPLOAD_BYTES + 2**20:
        return PlainTextResponse(f"Файл завеликий: звіт може мати щонайбільше {MAX_UPLOAD_BYTES // 2**20} МБ. "
                                 "Нічого не збережено.", status_code=413)
    return None


def healthz(engine: Engine) -> tuple[int, dict[str, str]]:
    """Whether the portal can reach its warehouse."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - the probe answers, it does not raise
        return 503, {"status": "error", "database": type(error).__name__}
    return 200, {"status": "ok", "database": "ok"}

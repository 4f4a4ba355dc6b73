"""Server-side HTML: the Jinja2 environment, the per-request Visit, and browser headers.

Jinja2 with autoescaping on: every value a page shows (payer names, file names, rule names)
is escaped. No page has inline script or style, so the Content-Security-Policy allows only
files from the portal itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from werkzeug.wrappers import Response

from common.web.context import Context
from common.web.portal import session as s
from common.web.responses import SECURITY_HEADERS

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


@dataclass
class Visit:
    """One browser request: the API's Context plus the mount prefix, cookies and CSRF."""

    ctx: Context
    prefix: str  # "/app" under `upstream serve`, "" when the function is deployed alone
    jar: s.CookieJar
    csrf_key: bytes
    form_origins: list[str] = field(default_factory=list)  # extra CSP form-action sources

    @property
    def csrf(self) -> str:
        """This session's form token (a CSRF cookie is set when the browser has none)."""
        value = self.jar.changes.get(s.CSRF_COOKIE) or self.ctx.request.cookies.get(s.CSRF_COOKIE)
        if not value:
            value = s.new_csrf_value()
            self.jar.set(s.CSRF_COOKIE, value)
        return s.csrf_token(self.csrf_key, value)

    def url(self, path: str, **query) -> str:
        """A portal URL: the mount prefix, the path, and the query without empty values."""
        kept = {k: v for k, v in query.items() if v not in (None, "")}
        return self.prefix + path + (f"?{urlencode(kept)}" if kept else "")

    def absolute(self, path: str) -> str:
        """A portal URL with scheme and host, for a page outside us to send the browser back
        to. Behind trusted proxies (Cloud Run) the scheme is the one the browser used."""
        request = self.ctx.request
        scheme = request.scheme
        if self.ctx.app.settings.trusted_proxy_hops > 0:
            forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
            scheme = forwarded if forwarded in ("http", "https") else scheme
        return f"{scheme}://{request.host}{self.url(path)}"

    def can(self, role: str) -> bool:
        """Whether the signed-in user ranks at or above `role`."""
        p = self.ctx.principal
        return p is not None and p.at_least(role)

    def page(self, template: str, status: int = 200, **values) -> Response:
        """A rendered HTML page."""
        html = environment().get_template(template).render(v=self, **values)
        return Response(html, status=status, mimetype="text/html")

    def redirect(self, path: str, **query) -> Response:
        """303 See Other to a portal path (after a form: the browser GETs the result)."""
        response = Response(status=303)
        response.headers["Location"] = self.url(path, **query)
        return response


def error_page(visit: Visit, status: int, message: str, headers: dict | None = None):
    """The HTML page for a refusal or an error."""
    response = visit.page("error.html", status=status, status_code=status, message=message)
    for name, value in (headers or {}).items():
        if name != "WWW-Authenticate":  # browsers would show a Bearer prompt
            response.headers[name] = value
    return response


def finish(visit: Visit, response: Response) -> Response:
    """Cookies, the strict CSP and the API's security headers; pages are never cached."""
    visit.jar.apply(response)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    origins = "".join(f" {o}" for o in visit.form_origins)
    response.headers["Content-Security-Policy"] = CSP + origins
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["X-Request-Id"] = visit.ctx.request_id
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    return float(value) if isinstance(value, Decimal | int | float | str) else None


def money(value, cents: bool = False) -> str:
    """$1,234 (or $1,234.56); an em dash for no value."""
    n = _number(value)
    if n is None:
        return "—"
    text = f"${abs(n):,.2f}" if cents else f"${abs(n):,.0f}"
    return f"-{text}" if n < 0 else text


def pct(value, digits: int = 1) -> str:
    """A 0–1 share as a percentage."""
    n = _number(value)
    return "—" if n is None else f"{n * 100:.{digits}f}%"


def num(value, digits: int = 0) -> str:
    """A number with thousands separators."""
    n = _number(value)
    return "—" if n is None else f"{n:,.{digits}f}"


def day(value) -> str:
    """A date as YYYY-MM-DD (or what it already is)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:16].replace("T", " ")


@cache
def environment() -> Environment:
    """The process's template environment (built on first use)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "svg"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, pct=pct, num=num, day=day)
    return env
